"""Share links of the post kit (issue 8, §1): each network's address with the text (or, for
Facebook, the profile's address) encoded exactly as the browser's ``encodeURIComponent``
does, so that the script's links equal the server's."""

import json
import shutil
import subprocess

import pytest

from withrefugees.social import sharing

PAGE = "http://testserver/ja/signatories/7/"
TEXTS = [
    "府中市は参加しました。\n#WithRefugees #難民とともに",
    "Hello (world)! It's *great* ~ ok_-.",
    "a&b=c?d#e/f+g %20 \\ \" < > [ ] { } | ^ `",
    "👩🏽‍💻 🇯🇵 1️⃣ ｆｕｌｌ　ｗｉｄｔｈ é (e\u0301) ︎",
    "line\r\nbreaks\rand\nmore",
    "",
]


def test_the_six_networks_in_order():
    links = sharing.share_links("府中市 #WithRefugees", page_url=PAGE)
    assert [link.key for link in links] == ["x", "facebook", "linkedin", "bluesky", "line",
                                           "threads"]
    by_key = {link.key: link.url for link in links}
    text = "%E5%BA%9C%E4%B8%AD%E5%B8%82%20%23WithRefugees"
    assert by_key["x"] == f"https://x.com/intent/post?text={text}"
    assert by_key["bluesky"] == f"https://bsky.app/intent/compose?text={text}"
    assert by_key["line"] == f"https://line.me/R/share?text={text}"
    assert by_key["threads"] == f"https://www.threads.com/intent/post?text={text}"
    assert by_key["linkedin"] == f"https://www.linkedin.com/feed/?shareActive=true&text={text}"
    # Facebook takes only the address of the page.
    assert by_key["facebook"] == ("https://www.facebook.com/sharer/sharer.php?u="
                                  "http%3A%2F%2Ftestserver%2Fja%2Fsignatories%2F7%2F")
    assert not links[1].takes_text and all(link.takes_text for link in links if link.key
                                          != "facebook")


def test_line_breaks_as_the_text_box_holds_them():
    assert sharing.encode("a\r\nb\rc\nd") == "a%0Ab%0Ac%0Ad"


def test_encoding_keeps_what_encode_uri_component_keeps():
    assert sharing.encode("A-z_0.9!~*'()") == "A-z_0.9!~*'()"
    assert sharing.encode("&=?#/+ @:;,$") == "%26%3D%3F%23%2F%2B%20%40%3A%3B%2C%24"


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_same_as_the_browser():
    script = ("const texts = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "process.stdout.write(JSON.stringify(texts.map("
              "t => encodeURIComponent(t.replace(/\\r\\n?/g, '\\n')))));")
    done = subprocess.run(["node", "-e", script], input=json.dumps(TEXTS), text=True,
                          capture_output=True, check=True, timeout=30)
    assert json.loads(done.stdout) == [sharing.encode(text) for text in TEXTS]


# --- Each network's UNHCR accounts in place of the X ones (kit review, finding 1) ----------
MENTION_CASES = [
    # (text, shown, handles, expected)
    ("府中市\n@UNHCR_Japan\n#WithRefugees", "@UNHCR_Japan", "@unhcr.bsky.social",
     "府中市\n@unhcr.bsky.social\n#WithRefugees"),
    ("府中市\n@UNHCR_Japan\n#WithRefugees", "@UNHCR_Japan", "", "府中市\n#WithRefugees"),
    ("Thanks @UNHCR_Japan  and all", "@UNHCR_Japan", "", "Thanks and all"),
    ("@UNHCR_Japan @Other hi", "@UNHCR_Japan @Other", "", "hi"),
    ("hi @UNHCR_Japan", "@UNHCR_Japan", "", "hi"),
    ("a @X b\n @X @X \nc", "@X", "", "a b\nc"),
    ("a @X b @X", "@X", "@b1 @b2", "a @b1 @b2 b @b1 @b2"),
    ("edited, no mention", "@UNHCR_Japan", "", "edited, no mention"),
    ("  indented @X", "@X", "", "  indented"),
    ("nothing shown @Y", "", "@Z", "nothing shown @Y"),
]


@pytest.mark.parametrize(("text", "shown", "handles", "expected"), MENTION_CASES)
def test_localise_mentions(text, shown, handles, expected):
    assert sharing.localise_mentions(text, shown=shown, handles=handles) == expected


def test_each_link_has_its_networks_accounts():
    text = "府中市が参加しました。\n@UNHCR_Japan\n#WithRefugees"
    links = {link.key: link for link in sharing.share_links(
        text, page_url=PAGE, mentions_shown="@UNHCR_Japan",
        mentions={"x": "@UNHCR_Japan", "bluesky": "@unhcr.bsky.social"})}
    assert links["x"].url.endswith(sharing.encode(text))
    assert links["bluesky"].url.endswith(sharing.encode(text.replace(
        "@UNHCR_Japan", "@unhcr.bsky.social")))
    assert links["bluesky"].mentions == "@unhcr.bsky.social"
    for key in ("line", "threads", "linkedin"):  # no account there: left out
        assert links[key].url.endswith(sharing.encode("府中市が参加しました。\n#WithRefugees"))


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_mentions_are_localised_as_the_script_does():
    import re
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "withrefugees" / "static" / "js"
              / "post-kit.js").read_text()
    function = re.search(r"  function localiseMentions\(.*?\n  }\n", source, re.S).group(0)
    script = (function + "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "process.stdout.write(JSON.stringify(cases.map("
              "c => localiseMentions(c[0], c[1], c[2]))));")
    done = subprocess.run(["node", "-e", script], input=json.dumps(MENTION_CASES), text=True,
                          capture_output=True, check=True, timeout=30)
    assert json.loads(done.stdout) == [case[3] for case in MENTION_CASES]
