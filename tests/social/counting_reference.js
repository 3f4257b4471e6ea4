// Reference values for tests/social/test_counting.py, from the reference implementations
// themselves (no code of ours): reads a JSON list of texts on stdin and prints a JSON list
// with, for each text,
//   x          npm twitter-text parseTweet(text).weightedLength (X's own counter, 3.1.0)
//   xValid     parseTweet(text).valid
//   graphemes  Intl.Segmenter grapheme clusters (UAX #29, Node's ICU)
//   codePoints code points; utf16 UTF-16 code units; utf8 UTF-8 bytes
//   urls       twitter-text extractUrlsWithIndices(text): the URLs it finds
//   emoji      twemoji-parser parse(text): the emoji twitter-text counts as one (weight 2)
// Usage: node tests/social/counting_reference.js < texts.json
"use strict";

const path = require("path");

const modules = path.join(__dirname, "..", "..", "node_modules");
const twitterText = require(path.join(modules, "twitter-text"));
const twemoji = require(path.join(modules, "twemoji-parser"));

const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });

function reference(text) {
  const parsed = twitterText.parseTweet(text);
  return {
    x: parsed.weightedLength,
    xValid: parsed.valid,
    graphemes: Array.from(segmenter.segment(text)).length,
    codePoints: Array.from(text).length,
    utf16: text.length,
    utf8: Buffer.byteLength(text, "utf8"),
    urls: twitterText.extractUrlsWithIndices(text).map((entity) => entity.url),
    emoji: twemoji.parse(text).map((entity) => entity.text),
  };
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const texts = JSON.parse(input);
  process.stdout.write(JSON.stringify(texts.map(reference)));
});
