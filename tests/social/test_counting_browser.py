"""The browser's post counter (build/bundles/post-counter.js, from
withrefugees/social/assets/post-counter.js) gives the server's count for every network, in
headless Chromium, on the corpus of test_counting.py, on every emoji of twemoji-parser's
pattern and on random mixtures of emoji and URL parts. No server: the bundle is loaded into a
blank page."""

import subprocess
from pathlib import Path

import pytest

from tests.e2e.test_e2e import browser  # noqa: F401 (the headless Chromium fixture)
from tests.social.test_counting import TEXTS, random_texts, twemoji_walk_texts
from withrefugees.social.counting import RULES, count, counts

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = "build/bundles/post-counter.js"


@pytest.fixture(scope="module")
def counter(browser):  # noqa: F811 (the fixture imported above)
    """A blank page with ``WithRefugeesCounter``, the bundle rebuilt if its source changed."""
    if not (ROOT / "node_modules" / "twitter-text").is_dir():
        pytest.skip("node_modules is missing: `make node_modules/.installed` installs it")
    subprocess.run(["make", "--no-print-directory", BUNDLE], cwd=ROOT, check=True,
                   capture_output=True, timeout=300)
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    page.set_content("<!doctype html><html lang='en'><title>counter</title><body></body>")
    page.add_script_tag(path=str(ROOT / BUNDLE))
    yield page
    context.close()


def server_counts(text: str) -> dict[str, int]:
    return {c.rule.key: c.length for c in counts(text)}


def test_the_browser_knows_the_servers_rules_and_limits(counter):
    assert counter.evaluate("() => WithRefugeesCounter.LIMITS") == {
        rule.key: rule.limit for rule in RULES}


def test_the_browsers_counts_are_the_servers_on_every_network(counter):
    texts = TEXTS + random_texts(11, 300)
    in_browser = counter.evaluate(
        "texts => texts.map((t) => WithRefugeesCounter.counts(t))", texts)
    differ = [(text, got, server_counts(text))
              for text, got in zip(texts, in_browser, strict=True)
              if got != server_counts(text)]
    assert differ == []


def test_the_browser_counts_every_emoji_of_twemoji_parser_as_the_server(counter):
    # The server reads the emoji pattern from node_modules; the bundle holds its own copy,
    # built from the same package. On X, Bluesky and Threads (where emoji matter).
    texts = twemoji_walk_texts()
    in_browser = counter.evaluate(
        "texts => texts.map((t) => [WithRefugeesCounter.count(t, 'x'),"
        " WithRefugeesCounter.count(t, 'bluesky'), WithRefugeesCounter.count(t, 'threads')])",
        texts)
    on_server = [[count(t, key).length for key in ("x", "bluesky", "threads")] for t in texts]
    differ = [(text, got, want) for text, got, want in zip(texts, in_browser, on_server,
                                                           strict=True) if got != want]
    assert differ == []


def test_one_network_at_a_time(counter):
    text = "府中市は #WithRefugees 👨‍👩‍👧‍👦 https://example.com/ja/\r\n難民とともに"
    for rule in RULES:
        got = counter.evaluate("([t, k]) => WithRefugeesCounter.count(t, k)", [text, rule.key])
        assert got == server_counts(text)[rule.key], rule.key
