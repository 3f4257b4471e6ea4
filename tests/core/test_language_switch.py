"""The language switch links to this page in the other language, built from the resolved
URL only (issue 6, §8: a 404 for //evil.example/ linked off the site)."""

import pytest

from tests.factories import jp
from withrefugees.core.context_processors import language_switch_url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["//evil.example/", "//evil.example/ja/", "/ja//evil.example",
                                  "/ja/no-such-page/", "/%2F%2Fevil.example/", "///evil.example",
                                  "/ja/signatories/abc/"])
def test_paths_that_resolve_to_no_page_link_to_the_home_pages(rf, path):
    request = rf.get("/")
    request.path = request.path_info = path  # as a server passes a raw request line on
    assert language_switch_url(request, "en") == "/en/"
    assert language_switch_url(request, "ja") == "/ja/"


def test_a_404_page_links_to_the_home_pages(client):
    response = client.get("/ja/no-such-page//evil.example/")
    assert response.status_code == 404
    header = response.content.decode().split("</header>")[0]
    assert 'href="/en/"' in header and "evil" not in header


def test_a_page_links_to_itself_in_the_other_language_with_its_query(client):
    shibuya = jp("131130")
    body = client.get(f"/ja/signatories/{shibuya.pk}/").content.decode()
    assert f'href="/en/signatories/{shibuya.pk}/"' in body
    body = client.get("/ja/signatories/?q=渋谷&sort=-date").content.decode()
    assert 'href="/en/signatories/?q=%E6%B8%8B%E8%B0%B7&amp;sort=-date"' in body
