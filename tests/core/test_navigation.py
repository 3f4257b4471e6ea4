"""The main navigation is defined once (core.navigation) and rendered by base.html, with
aria-current on the current page only."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

import withrefugees
from withrefugees.core.navigation import MAIN_NAVIGATION, navigation_links

pytestmark = pytest.mark.django_db
NAV = re.compile(r'<nav class="main-nav" aria-label="([^"]+)">(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>')


def main_nav(body: str) -> tuple[str, list[tuple[str, bool, str]]]:
    (nav,) = NAV.findall(body)
    return nav[0], [(href, bool(current), label) for href, current, label in LINK.findall(nav[1])]


@pytest.mark.parametrize("lang,labels", [
    ("en", ["Home", "Sign the statement", "Signatories", "Map", "Events", "Pledges",
            "The statement"]),
    ("ja", None),
])
def test_every_item_in_order_with_the_current_page_marked(client, lang, labels):
    with translation.override(lang):
        urls = [reverse(item.url_name) for item in MAIN_NAVIGATION]
        expected = [str(item.label) for item in MAIN_NAVIGATION]
    if labels:
        assert expected == labels
    for url in urls:
        label, links = main_nav(client.get(url).content.decode())
        assert (label == "Main") == (lang == "en")
        assert [(href, text) for href, _c, text in links] == list(zip(urls, expected, strict=True))
        assert [href for href, current, _t in links if current] == [url]


def test_no_item_is_current_on_other_pages(client):
    _label, links = main_nav(client.get("/en/privacy/").content.decode())
    assert links and not any(current for _h, current, _t in links)
    _label, links = main_nav(client.get("/en/no-such-page/").content.decode())
    assert links and not any(current for _h, current, _t in links)


def test_japanese_labels_are_translated(client):
    _label, links = main_nav(client.get("/ja/").content.decode())
    assert "Home" not in [text for _h, _c, text in links]


def test_navigation_links_without_a_request_mark_nothing():
    with translation.override("en"):
        assert not any(link.current for link in navigation_links(None))
        assert [link.current for link in navigation_links("/en/map/")].count(True) == 1


def test_the_navigation_is_written_in_one_template_only():
    root = Path(withrefugees.__file__).parent
    holders = [p.relative_to(root).as_posix() for p in root.glob("*/templates/**/*.html")
               if 'class="main-nav"' in p.read_text(encoding="utf-8")]
    assert holders == ["core/templates/core/navigation.html"]
