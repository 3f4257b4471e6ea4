"""The public profile page of a local government (every local government has one), and the
card image, QR code and poster of a signatory."""

import logging
from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from withrefugees.places.models import LocalGovernment
from withrefugees.social import cards as social_cards

from . import cards, selectors

logger = logging.getLogger(__name__)


def profile(request: HttpRequest, pk: int) -> HttpResponse:
    """Signatories show their steps; the others that they have not signed yet and how to
    join (their page is ``noindex``). 404 for an unknown local government."""
    try:
        page = selectors.profile_page(pk)
    except LocalGovernment.DoesNotExist as exc:
        raise Http404("No such local government.") from exc
    return render(request, "profiles/profile.html", {
        "page": page, "lg": page.local_government,
        # Open Graph and Twitter card tags (signatories only).
        "card": cards.card_meta(request, page)})


# --- Step 2's images (see cards.py) ---------------------------------------------------------
#: The keyed card never changes at its address; the QR code (of a fixed address) and the
#: poster (which follows the profile) are kept less long.
CARD_CACHE = "public, max-age=31536000, immutable"
QR_CACHE = "public, max-age=86400"
POSTER_CACHE = "public, max-age=600"


def _signatory(pk: int):
    """``(local government, profile)`` of the signatory ``pk``; 404 for an unknown id and
    for a local government without a published signature."""
    lg = selectors.local_governments_with_profile().filter(pk=pk).first()
    if lg is None or not cards.is_signatory(lg):
        raise Http404("No such signatory.")
    return lg, selectors.profile_for(lg)


def _image(data: bytes, content_type: str, cache_control: str, **headers: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Length"] = str(len(data))
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _disposition(request: HttpRequest, lg, what: str, name: str = "") -> str:
    """``Content-Disposition`` of a file of the signatory ``lg``: ``inline`` (the browser
    shows it), ``attachment`` with ``?download=1`` (saved at once); the file name is
    ``withrefugees-<JIS code or id>-<what>`` (ASCII, e.g. ``withrefugees-132063-card.png``),
    and in ``filename*`` (RFC 6266, UTF-8) ``withrefugees-<name>-<what>`` when ``name`` (the
    local government's name in the page's language) is given."""
    kind = "attachment" if request.GET.get("download") == "1" else "inline"
    value = f'{kind}; filename="withrefugees-{lg.jis_code or lg.pk}-{what}"'
    name = "-".join(name.replace("/", " ").replace("\\", " ").split())
    if name:
        value += "; filename*=UTF-8''" + quote(f"withrefugees-{name}-{what}", safe="")
    return value


def _lg_name(lg) -> str:
    """The local government's name in the page's language, for file names."""
    first, second = (lg.name_en, lg.name_ja) if _language() == "en" else (lg.name_ja,
                                                                          lg.name_en)
    return social_cards.drawable_name(first or second or lg.name or "")


def _unavailable(what: str) -> HttpResponse:
    """A drawing failed (a font missing: see the check ``social.E001``): 503, logged."""
    logger.exception("The %s could not be drawn", what)
    response = HttpResponse(_("This image cannot be drawn at the moment. Try again later."),
                            status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = "300"
    response["Cache-Control"] = "no-store"
    return response


def card(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """The card image of the signatory ``pk`` (PNG, 1200 × 630): cached for a year
    (``immutable``: its address changes with what it shows); an old ``key`` redirects (302)
    to the current card; not stored yet, it is drawn now. Shown in the browser, or saved
    with ``?download=1``, as ``withrefugees-<JIS code>-card.png`` (``_disposition``). 404 for
    non-signatories."""
    lg, profile = _signatory(pk)
    current = cards.card_key(lg, profile)
    if key != current:
        response = redirect("profiles:card", pk=lg.pk, key=current)
        response["Cache-Control"] = "public, max-age=300"
        return response
    try:
        _key, data = cards.card_png(lg, profile)
    except Exception:
        return _unavailable("card image")
    return _image(data, "image/png", CARD_CACHE,
                  Content_Disposition=_disposition(request, lg, "card.png", _lg_name(lg)))


def _language() -> str:
    return (get_language() or "ja")[:2]


def _qr_url(lg) -> str:
    return cards.profile_link(lg.pk, _language())


def qr_svg(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR code of the profile's address in the page's language (SVG), named
    ``withrefugees-<JIS code>-qr-<language>.svg`` (``?download=1``: saved). 404 for
    non-signatories."""
    lg, _profile = _signatory(pk)
    try:
        data = social_cards.render_qr_svg(_qr_url(lg))
    except Exception:
        return _unavailable("QR code")
    return _image(data, "image/svg+xml", QR_CACHE, Content_Security_Policy="default-src 'none'",
                  Content_Disposition=_disposition(request, lg, f"qr-{_language()}.svg",
                                                   _lg_name(lg)))


def qr_png(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR code of the profile's address in the page's language (PNG, at least 1000
    pixels wide: ``social.cards.render_qr_png``), named
    ``withrefugees-<JIS code>-qr-<language>.png`` (``?download=1``: saved). 404 for
    non-signatories."""
    lg, _profile = _signatory(pk)
    try:
        data = social_cards.render_qr_png(_qr_url(lg))
    except Exception:
        return _unavailable("QR code")
    return _image(data, "image/png", QR_CACHE,
                  Content_Disposition=_disposition(request, lg, f"qr-{_language()}.png",
                                                   _lg_name(lg)))


def poster(request: HttpRequest, pk: int) -> HttpResponse:
    """The A4 poster (PDF) in the page's language, shown in the browser (``inline``; saved
    with ``?download=1``) with a file name such as ``withrefugees-132063-poster-ja.pdf``.
    404 for non-signatories."""
    lg, profile = _signatory(pk)
    language = (get_language() or "ja")[:2]
    try:
        data = cards.poster_pdf(lg, profile, language)
    except Exception:
        return _unavailable("poster")
    return _image(data, "application/pdf", POSTER_CACHE,
                  Content_Disposition=_disposition(request, lg, f"poster-{language}.pdf",
                                                   _lg_name(lg)))
