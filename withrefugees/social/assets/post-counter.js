// The length of a post as each network counts it: the browser's side of
// withrefugees/social/counting.py (the same rules; see its docstring for the sources). X is
// npm twitter-text's own parseTweet, the reference the server's count is tested against
// (tests/social/test_counting.py; this file against the server: test_counting_browser.py).
// Bundled by `make` (esbuild) into build/bundles/post-counter.js (static/bundles/) as the global
// WithRefugeesCounter: WithRefugeesCounter.count(text, key) -> integer,
// WithRefugeesCounter.counts(text) -> {key: integer}, WithRefugeesCounter.LIMITS.
import twitterText from "twitter-text";

const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const EMOJI_CLUSTER = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;
const REMOTE_MENTION = /(?<![\w@])@(\w+(?:[.-]\w+)*)@[\w.-]+\w/g;
const ENCODER = new TextEncoder();

export const LIMITS = {
  x: 280, bluesky: 300, threads: 500, mastodon: 500, facebook: 63206, instagram: 2200,
  linkedin: 3000, youtube: 5000, youtube_title: 100, line: 5000,
};

export function normaliseNewlines(text) {
  return text.replace(/\r\n?/g, "\n");
}

function clusters(text) {
  return Array.from(GRAPHEMES.segment(text), (s) => s.segment);
}

export function graphemes(text) {
  let n = 0;
  for (const _ of GRAPHEMES.segment(text)) n += 1;
  return n;
}

function codePoints(text) {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

function threadsLength(text) {
  let total = 0;
  for (const cluster of clusters(text)) {
    total += EMOJI_CLUSTER.test(cluster) ? ENCODER.encode(cluster).length : codePoints(cluster);
  }
  return total;
}

function mastodonLength(text) {
  let flat = "";
  let last = 0;
  for (const entity of twitterText.extractUrlsWithIndices(text)) {
    const [start, end] = entity.indices;
    if (!/^https?:\/\//i.test(entity.url)) continue;
    flat += text.slice(last, start) + "x".repeat(23);
    last = end;
  }
  flat += text.slice(last);
  return graphemes(flat.replace(REMOTE_MENTION, (_, user) => "@" + user));
}

const firstLine = (text) => text.split("\n", 1)[0];

const LENGTHS = {
  x: (t) => twitterText.parseTweet(t).weightedLength,
  bluesky: graphemes,
  threads: threadsLength,
  mastodon: mastodonLength,
  facebook: codePoints,
  instagram: codePoints,
  linkedin: codePoints,
  youtube: (t) => ENCODER.encode(t).length,
  youtube_title: (t) => codePoints(firstLine(t)),
  line: (t) => t.length, // UTF-16 code units
};

export function count(text, key) {
  return LENGTHS[key](normaliseNewlines(text));
}

export function counts(text) {
  const result = {};
  for (const key of Object.keys(LENGTHS)) result[key] = count(text, key);
  return result;
}
