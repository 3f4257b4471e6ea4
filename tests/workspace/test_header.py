"""The site header's user area: "Officer sign-in" for anonymous visitors; "Workspace" and a
sign-out button (a POST form) once signed in; and the whole-page cache never mixes them."""

import re

import pytest
from django.test import Client

from withrefugees.core import pagecache

pytestmark = pytest.mark.django_db
HIT = pagecache.HIT_HEADER


def user_area(html: str) -> str:
    match = re.search(r'<nav class="user-area"[^>]*>(.*?)</nav>', html, re.S)
    assert match, "no user area in the header"
    return match.group(1)


@pytest.mark.parametrize("lang, sign_in", [("en", "Officer sign-in"), ("ja", None)])
def test_anonymous_visitor_sees_the_sign_in_link(client, lang, sign_in):
    html = client.get(f"/{lang}/").content.decode()
    area = user_area(html)
    assert f'href="/{lang}/accounts/login/"' in area
    if sign_in:
        assert sign_in in area
    assert "workspace" not in area and "logout" not in area


def test_signed_in_officer_sees_workspace_and_a_sign_out_form(client, officer):
    client.force_login(officer)
    area = user_area(client.get("/en/").content.decode())
    assert '<a href="/en/workspace/">Workspace</a>' in area
    assert re.search(r'<form method="post" action="/en/accounts/logout/">'
                     r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]+">'
                     r'<button type="submit">Sign out</button></form>', area)
    assert "Officer sign-in" not in area


def test_the_header_has_a_labelled_navigation_landmark(client):
    html = client.get("/en/").content.decode()
    assert '<nav class="user-area" aria-label="Account">' in html


def test_signing_out_by_the_header_form_works(client, officer):
    client.force_login(officer)
    html = client.get("/en/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = client.post("/en/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.fixture
def page_cache(settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 600
    monkeypatch.setattr(pagecache, "GENERATION_CHECK_SECONDS", 3600)
    pagecache.reset()
    yield
    pagecache.reset()


@pytest.mark.parametrize("url", ["/en/", "/ja/", "/en/statement/", "/en/signatories/"])
def test_a_cached_anonymous_page_never_reaches_a_signed_in_officer(page_cache, officer, url):
    anonymous = Client()
    first = anonymous.get(url)
    assert first.status_code == 200
    assert anonymous.get(url).headers.get(HIT) == "hit"  # it is in the cache now
    signed_in = Client()
    signed_in.force_login(officer)
    response = signed_in.get(url)
    assert response.headers.get(HIT) != "hit"
    area = user_area(response.content.decode())
    assert 'href="/en/workspace/"' in area or 'href="/ja/workspace/"' in area
    assert "accounts/logout/" in area


def test_a_signed_in_page_never_enters_the_cache(page_cache, officer):
    signed_in = Client()
    signed_in.force_login(officer)
    assert signed_in.get("/en/").status_code == 200
    anonymous = Client()
    first = anonymous.get("/en/")
    assert first.headers.get(HIT) != "hit"  # the signed-in pages were not stored
    cached = anonymous.get("/en/")
    assert cached.headers.get(HIT) == "hit"
    html = cached.content.decode()
    area = user_area(html)
    assert "Officer sign-in" in area and "workspace" not in area
    for private in (officer.email, officer.full_name, "Sign out", "csrfmiddlewaretoken"):
        assert private not in html
