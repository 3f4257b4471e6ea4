"""HEAD answers like GET without a body (issue 6, §7: the sign page answered 405), on every
public page; a page added later without a case here fails the coverage test."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import translation

from tests.factories import EventFactory, LandmarkFactory, SignatureFactory, jp
from withrefugees.campaign import tokens

pytestmark = pytest.mark.django_db

PUBLIC_NAMESPACES = {"campaign", "profiles", "places", "events"}
POST_ONLY = {"campaign:resend"}  # a button's target, not a page


def public_pages() -> list[str]:
    from django.utils import timezone

    from withrefugees.profiles import cards
    from withrefugees.profiles.selectors import profile_for

    signature = SignatureFactory()
    fuchu = SignatureFactory(status="published", published_at=timezone.now()).local_government
    with translation.override("ja"):
        card = cards.card_url(fuchu, profile_for(fuchu))
    event = EventFactory(local_government=fuchu)
    EventFactory(local_government=fuchu, kind="light_up", landmark=LandmarkFactory())
    return [
        "/", "/ja/", "/en/", "/ja/statement/", "/en/privacy/",
        "/ja/sign/", f"/en/sign/?lg={jp('342084').pk}", "/ja/sign/sent/", "/en/sign/confirmed/",
        "/en/sign/confirm/", f"/en/sign/confirm/{tokens.confirmation_token(signature)}/",
        "/en/sign/confirm/nonsense/",
        "/ja/signatories/", "/ja/signatories/?q=渋谷&sort=-date", "/en/map/",
        f"/ja/signatories/{jp('342084').pk}/", "/ja/signatories/999999999/",
        "/ja/places/search.json?q=しぶや", "/ja/jsi18n/", "/ja/admin/login/",
        # Step 2's images of a signatory (the card by its current key, and by an old one).
        card, f"/ja/signatories/{fuchu.pk}/card-0123456789abcdef.png",
        f"/ja/signatories/{fuchu.pk}/qr.svg", f"/en/signatories/{fuchu.pk}/qr.png",
        f"/ja/signatories/{fuchu.pk}/poster.pdf",
        # Step 3: the calendar (list, month, filtered), an event, World Refugee Day, feeds.
        "/ja/events/", "/en/events/?when=past", "/en/events/?view=month&month=2027-06",
        f"/ja/events/?kind=light_up&lg={fuchu.pk}", f"/ja/events/{event.pk}/",
        "/en/events/999999999/", "/ja/world-refugee-day/", "/en/world-refugee-day/2027/",
        "/ja/world-refugee-day/1999/", "/ja/events/calendar.ics",
        "/en/events/kind/light_up/calendar.ics",
        f"/ja/events/local-government/{fuchu.pk}/calendar.ics",
        f"/ja/events/{event.pk}/event.ics",
    ]


def named_patterns(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from named_patterns(pattern, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name and namespace:
            yield f"{namespace}:{pattern.name}"


def test_every_public_page_is_covered():
    covered = set()
    for url in public_pages()[1:]:
        with translation.override(url.split("/")[1]):
            covered.add(resolve(url.split("?")[0]).view_name)
    public = {name for name in named_patterns() if name.split(":")[0] in PUBLIC_NAMESPACES}
    assert public - POST_ONLY - covered == set()


def test_head_answers_like_get_on_every_public_page(client):
    for url in public_pages():
        get, head = client.get(url), client.head(url)
        assert head.status_code != 405, url
        assert head.status_code == get.status_code, url
        assert head.get("Content-Type") == get.get("Content-Type"), url
        assert head.get("Location") == get.get("Location"), url
        assert head.content == b"", url


def test_head_changes_nothing(client):
    """HEAD on the emailed link keeps nothing in the session a GET would not (a redirect),
    and a HEAD on the sign page is not a submission."""
    assert client.head("/en/sign/", {"signatory_name": "x"}).status_code == 200
    assert client.head("/en/sign/resend/").status_code == 405  # POST only, as before
