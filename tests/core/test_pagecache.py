"""The whole-page cache of the public pages (core.pagecache; issue 6, §10)."""

import logging

import pytest
from django.core.cache import caches
from django.http import HttpResponse
from django.test import Client, RequestFactory

from tests.factories import SignatureFactory, StaffFactory, jp
from withrefugees.campaign import services
from withrefugees.campaign.models import Signature
from withrefugees.core import pagecache
from withrefugees.core.management.commands import release

pytestmark = pytest.mark.django_db
HIT = pagecache.HIT_HEADER


@pytest.fixture(autouse=True)
def page_cache(settings, monkeypatch):
    """The cache on (the other tests run without it), fresh, and the shared generation
    re-read only when a test says so (no dependence on the machine's speed)."""
    settings.PAGE_CACHE_SECONDS = 600
    monkeypatch.setattr(pagecache, "GENERATION_CHECK_SECONDS", 3600)
    pagecache.reset()
    yield
    pagecache.reset()


def hit(response) -> bool:
    return response.headers.get(HIT) == "hit"


PUBLIC = ["/ja/", "/en/", "/ja/statement/", "/ja/privacy/", "/ja/signatories/",
          "/ja/signatories/?q=%E6%B8%8B%E8%B0%B7", "/ja/map/", "/en/map/"]


@pytest.mark.parametrize("url", PUBLIC)
def test_a_public_page_is_served_again_without_a_query(client, url,
                                                       django_assert_num_queries):
    first = client.get(url)
    assert first.status_code == 200 and not hit(first)
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.status_code == 200 and hit(second)
    assert second.content == first.content
    # Headers of the whole stack are still there; no cookie is set from the cache.
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert second.headers["X-Frame-Options"] == "DENY"
    assert not second.cookies and b"csrfmiddlewaretoken" not in second.content


def test_a_profile_is_cached(client, django_assert_num_queries):
    url = f"/ja/signatories/{jp('131130').pk}/"  # 渋谷区
    assert not hit(client.get(url))
    with django_assert_num_queries(0):
        assert hit(client.get(url))


def test_what_staff_publish_shows_on_the_next_request(client,
                                                      django_capture_on_commit_callbacks):
    lg = jp("342084")  # 府中市（広島県）
    signature = SignatureFactory(status=Signature.Status.PENDING, local_government=lg)
    link = f"/ja/signatories/{lg.pk}/"
    assert link not in client.get("/ja/map/").content.decode()
    assert hit(client.get("/ja/map/"))
    with django_capture_on_commit_callbacks(execute=True):
        services.signature_publish(signature=signature, actor=StaffFactory())
    page = client.get("/ja/map/")
    assert not hit(page) and link in page.content.decode()


def test_a_write_that_is_rolled_back_keeps_the_cache(client, django_capture_on_commit_callbacks):
    client.get("/ja/")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.signature_publish(signature=SignatureFactory(status=Signature.Status.PENDING),
                                   actor=StaffFactory())
    assert pagecache.public_pages_changed in callbacks  # runs only if the write commits
    assert hit(client.get("/ja/"))


def test_a_write_in_another_process_shows_after_the_generation_check(client, monkeypatch):
    client.get("/ja/")
    assert hit(client.get("/ja/"))
    caches["default"].set(pagecache.GENERATION_KEY, "written-by-another-server", None)
    assert hit(client.get("/ja/"))  # within the check interval: the remembered generation
    monkeypatch.setattr(pagecache, "GENERATION_CHECK_SECONDS", 0)
    assert not hit(client.get("/ja/"))
    assert hit(client.get("/ja/"))


def test_languages_time_zones_and_queries_are_kept_apart(client):
    ja = client.get("/ja/")
    en = client.get("/en/")
    assert not hit(en) and b'<html lang="en">' in en.content and b'<html lang="ja">' in ja.content
    assert b'<html lang="en">' in client.get("/en/").content
    zurich = Client()
    zurich.cookies["tz"] = "Europe/Zurich"
    assert not hit(zurich.get("/ja/"))
    assert hit(zurich.get("/ja/"))
    client.get("/ja/signatories/?q=%E6%B8%8B%E8%B0%B7")  # 渋谷
    other = client.get("/ja/signatories/?q=%E5%BA%9C%E4%B8%AD")  # 府中
    assert not hit(other) and "府中市" in other.content.decode()
    # The same parameters in another order are the same page.
    client.get("/ja/signatories/?sort=-date&country=JP")
    assert hit(client.get("/ja/signatories/?country=JP&sort=-date"))
    # A repeated parameter in another order is another page: the view reads the last value
    # (an adversarial review planted the Osaka page behind a Tokyo link).
    client.get("/en/signatories/?q=Tokyo&q=Osaka")
    tokyo = client.get("/en/signatories/?q=Osaka&q=Tokyo")
    assert not hit(tokyo) and 'value="Tokyo"' in tokyo.content.decode()
    # names are compared decoded: %71 is q (re-check review); each answer shows the value
    # its view reads (the last), whether it comes from the cache or not
    osaka = client.get("/en/signatories/?q=Kyoto&%71=Nara")
    assert 'value="Nara"' in osaka.content.decode()
    kyoto = client.get("/en/signatories/?%71=Nara&q=Kyoto")
    assert 'value="Kyoto"' in kyoto.content.decode()
    assert hit(client.get("/en/signatories/?q=Nara&q=Kyoto"))  # the same, decoded


def test_signed_in_staff_are_never_served_from_nor_stored_in_the_cache(client):
    staff = Client()
    staff.force_login(StaffFactory())
    assert not hit(staff.get("/ja/"))
    assert not hit(client.get("/ja/"))  # the staff member's page was not stored
    assert hit(client.get("/ja/"))
    assert not hit(staff.get("/ja/"))  # nor is the anonymous page given to staff


@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_a_visitor_with_a_session_or_messages_is_not_served_from_the_cache(client, cookie):
    client.get("/ja/")
    visitor = Client()
    visitor.cookies[cookie] = "x"
    assert not hit(visitor.get("/ja/"))


def test_post_is_never_cached(client):
    client.post("/ja/signatories/")
    assert not hit(client.post("/ja/signatories/"))
    assert not hit(client.get("/ja/signatories/"))


def test_head_is_answered_from_a_cached_get(client):
    client.get("/ja/map/")
    assert hit(client.head("/ja/map/"))


def test_the_sign_form_is_never_cached(client):
    for _ in range(2):
        page = client.get("/ja/sign/")
        assert page.status_code == 200 and not hit(page)
        assert b"csrfmiddlewaretoken" in page.content and "csrftoken" in page.cookies


def test_errors_are_not_cached(client):
    assert client.get("/ja/signatories/999999999/").status_code == 404
    assert not hit(client.get("/ja/signatories/999999999/"))


def _through_middleware(make_response):
    middleware = pagecache.PageCacheMiddleware(lambda request: make_response(request))
    request = RequestFactory().get("/ja/")
    return middleware(request)


@pytest.mark.parametrize("spoil", [
    lambda r: r.set_cookie("csrftoken", "x"),
    lambda r: r.headers.__setitem__("Cache-Control", "private"),
    lambda r: r.headers.__setitem__("Vary", "Cookie, User-Agent"),
    lambda r: setattr(r, "content", b"x" * (pagecache.MAX_PAGE_BYTES + 1)),
])
def test_an_answer_that_sets_a_cookie_or_is_private_is_not_stored(spoil):
    def make(request):
        response = HttpResponse(b"page")
        spoil(response)
        return response

    _through_middleware(make)
    assert not hit(_through_middleware(make))


def test_an_answer_that_used_the_csp_nonce_is_not_stored():
    def make(request):
        request.csp_nonce = "abc"  # what django-csp's lazy nonce is once a template reads it
        return HttpResponse(b"page")

    _through_middleware(make)
    assert not hit(_through_middleware(make))


def test_cache_off_with_zero_seconds(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/ja/")
    assert not hit(client.get("/ja/"))


def test_without_the_shared_cache_pages_are_rendered_and_a_warning_logged(client, monkeypatch,
                                                                          caplog):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(caches["default"], "get", broken)
    monkeypatch.setattr(pagecache, "GENERATION_CHECK_SECONDS", 0)
    with caplog.at_level(logging.WARNING, logger="withrefugees.core.pagecache"):
        for _ in range(2):
            page = client.get("/ja/")
            assert page.status_code == 200 and not hit(page)
    assert "shared cache cannot be read" in caplog.text


def test_a_degraded_redis_cache_turns_the_page_cache_off(client, monkeypatch):
    monkeypatch.setattr(caches["default"], "redis_down", lambda: True, raising=False)
    monkeypatch.setattr(pagecache, "GENERATION_CHECK_SECONDS", 0)
    client.get("/ja/")
    assert not hit(client.get("/ja/"))


def test_release_invalidates_the_cached_pages(client, monkeypatch):
    client.get("/ja/")
    monkeypatch.setattr(release, "call_command", lambda *args, **kwargs: None)
    release.Command().handle(verbosity=0)
    assert not hit(client.get("/ja/"))
