"""The card image, QR code and poster of a signatory, as the profile knows it (names in ja
and en, logo). Contract used by others:

- ``card_url(local_government, profile) -> str``: the card's path (``profiles:card`` with
  the key of what it shows), "" for a local government that is not a signatory.

The *key* of a card is a short hash of what it shows: the names in Japanese and English (as
the public sees them: an official name hidden by staff counts as empty, and the reference
name stands in), the logo's stored file name (none when staff hid it), the campaign's wording
and ``RENDER_VERSION``. Any change gives a new key, hence a new address: a card can be
cached for a year by browsers, CDNs and social networks, and a shared link picks up the new
card once its page is fetched again. An old key redirects to the current one.

Rendered files live in ``default_storage``: ``cards/<local government id>/<key>.png`` and
``posters/<local government id>/<poster key>-<language>.pdf`` (the poster key adds the
printed address). The task queue renders a card after each profile change
(``tasks.card_render_task``, which also deletes the older files); a request for a card or a
poster not rendered yet renders it there and then (see ``views``).
"""

import hashlib
import json
import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from withrefugees.campaign import selectors as campaign_selectors
from withrefugees.core.mail import absolute_url
from withrefugees.places.models import LocalGovernment
from withrefugees.social import cards as social_cards

from .models import Profile

logger = logging.getLogger(__name__)

#: Bump when the card's drawing changes (layout, colours, fonts): every key changes.
#: 2: the campaign's line reads "#WithRefugees #難民とともに"; names drawn without what the
#: font lacks (emoji...).
#: 3: the statement in both languages with the name as subject, the credit line "UNHCR Cities
#: #WithRefugees", the hashtags in the band; words kept whole.
RENDER_VERSION = 3
#: Bump when the poster's drawing changes (a new card key gives a new poster key too).
#: 2: names printed without what the font lacks.
#: 3: card, sentence, QR code with its line, address, campaign's name once.
POSTER_VERSION = 3
KEY_LENGTH = 16  # hex digits of SHA-256 (64 bits)
CARD_WIDTH, CARD_HEIGHT = social_cards.WIDTH, social_cards.HEIGHT
POSTER_LANGUAGES = ("ja", "en")
#: ``og:locale`` of each page language (Open Graph wants language_TERRITORY).
OG_LOCALES = {"ja": "ja_JP", "en": "en_US"}


@dataclass(frozen=True)
class CardContent:
    """What the card of a local government shows: ``name_ja``, ``name_en`` (either may be
    empty, never the same twice) and ``logo_name`` (the storage name of the logo, or "")."""

    name_ja: str
    name_en: str
    logo_name: str

    @property
    def key(self) -> str:
        """``KEY_LENGTH`` hex digits of SHA-256 over the content, the campaign's wording
        (statement, hashtags, credit) and ``RENDER_VERSION``."""
        payload = json.dumps([RENDER_VERSION, self.name_ja, self.name_en, self.logo_name,
                              social_cards.STATEMENT_JA, social_cards.STATEMENT_EN,
                              social_cards.HASHTAGS, social_cards.CREDIT],
                             ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()[:KEY_LENGTH]


def card_content(local_government: LocalGovernment, profile: Profile) -> CardContent:
    """The names and logo of the card (no query). Names: the profile's official names as
    the public sees them (``Profile.shown``), else the reference names (``name_ja``,
    ``name_en``), else the official name as entered (places outside Japan); each as the
    card's fonts can draw it (``social.cards.drawable_name``: without emoji or scripts
    Noto Sans JP lacks), and an official name with nothing readable left (only emoji)
    counts as empty, so the reference name stands in."""
    lg = local_government
    drawn = social_cards.drawable_name
    name_ja = drawn(profile.shown("public_name_ja") or "") or drawn(lg.name_ja or "")
    name_en = drawn(profile.shown("public_name_en") or "") or drawn(lg.name_en or "")
    if not name_ja and not name_en:
        name_ja = drawn(lg.name or "")
    if name_en == name_ja:
        name_en = ""
    logo = "" if profile.is_hidden("logo") or not profile.logo else profile.logo.name
    return CardContent(name_ja=name_ja, name_en=name_en, logo_name=logo)


def card_key(local_government: LocalGovernment, profile: Profile) -> str:
    return card_content(local_government, profile).key


def is_signatory(local_government: LocalGovernment) -> bool:
    """Whether ``local_government`` has a published signature (one query)."""
    return campaign_selectors.public_signatures().filter(
        local_government=local_government).exists()


def card_url(local_government: LocalGovernment, profile: Profile, *,
             signatory: bool | None = None) -> str:
    """The path of the card (``/<lang>/signatories/<id>/card-<key>.png``, in the active
    language), or "" when ``local_government`` is not a signatory. ``signatory``: when the
    caller knows it (saves the query of ``is_signatory``)."""
    if signatory is None:
        signatory = is_signatory(local_government)
    if not signatory:
        return ""
    return reverse("profiles:card", args=[local_government.pk,
                                          card_key(local_government, profile)])


def card_storage_name(local_government_id: int, key: str) -> str:
    return f"cards/{local_government_id}/{key}.png"


def _store(name: str, content: bytes) -> None:
    """Save ``content`` as ``name`` unless a file has it already (a concurrent render saved
    the same bytes: the copy the storage would save under another name is deleted)."""
    if default_storage.exists(name):
        return
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:
        default_storage.delete(saved)


def _read(name: str) -> bytes | None:
    try:
        with default_storage.open(name, "rb") as file:
            return file.read()
    except (FileNotFoundError, OSError):
        return None


def _logo_bytes(profile: Profile, content: CardContent) -> bytes | None:
    if not content.logo_name:
        return None
    try:
        with profile.logo.storage.open(content.logo_name, "rb") as file:
            return file.read()
    except (FileNotFoundError, OSError):
        logger.warning("card of %s: logo %s cannot be read; drawn without it",
                       profile.local_government_id, content.logo_name)
        return None


def card_png(local_government: LocalGovernment, profile: Profile) -> tuple[str, bytes]:
    """``(key, PNG bytes)`` of the current card: read from storage, else rendered
    (``social.cards.render_card``, ~0.1 s) and stored. Does not check that the local
    government is a signatory. Raises ``OSError`` when a font is missing."""
    content = card_content(local_government, profile)
    name = card_storage_name(local_government.pk, content.key)
    data = _read(name)
    if data is None:
        data = social_cards.render_card(name_ja=content.name_ja, name_en=content.name_en,
                                        logo=_logo_bytes(profile, content))
        _store(name, data)
    return content.key, data


def _with_profile(local_government: LocalGovernment | int) -> tuple[LocalGovernment, Profile]:
    """The local government (re-read) and its profile, saved or an unsaved default (as
    ``selectors.profile_for``, which reads this module: not imported here)."""
    pk = getattr(local_government, "pk", local_government)
    lg = LocalGovernment.objects.select_related("profile").get(pk=pk)
    try:
        profile = lg.profile
    except Profile.DoesNotExist:
        profile = None
    return lg, profile or Profile(local_government=lg)


def card_render(local_government: LocalGovernment | int) -> str:
    """Render and store the current card of ``local_government`` (an instance or its id)
    if it is not stored yet; return its storage name, or "" when the local government is
    not a signatory (or no longer exists). Called by ``tasks.card_render_task``."""
    try:
        lg, profile = _with_profile(local_government)
    except LocalGovernment.DoesNotExist:
        return ""
    if not is_signatory(lg):
        return ""
    key, _data = card_png(lg, profile)
    return card_storage_name(lg.pk, key)


def stale_files_delete(local_government: LocalGovernment | int) -> int:
    """Delete the stored cards and posters of ``local_government`` other than the current
    ones (all of them when it is no longer a signatory); returns how many. Old addresses
    keep working: the card view redirects an old key to the current card."""
    try:
        lg, profile = _with_profile(local_government)
    except LocalGovernment.DoesNotExist:
        return 0
    keep: set[str] = set()
    if is_signatory(lg):
        key = card_key(lg, profile)
        keep.add(card_storage_name(lg.pk, key))
        keep.update(poster_storage_name(lg.pk, poster_key(key, profile_link(lg.pk, lang)),
                                        lang) for lang in POSTER_LANGUAGES)
    deleted = 0
    for folder in (f"cards/{lg.pk}", f"posters/{lg.pk}"):
        try:
            _dirs, files = default_storage.listdir(folder)
        except (FileNotFoundError, OSError):
            continue
        for file_name in files:
            name = f"{folder}/{file_name}"
            if name not in keep:
                default_storage.delete(name)
                deleted += 1
    return deleted


# --- QR code and poster ---------------------------------------------------------------------
def profile_link(local_government_id: int, language: str) -> str:
    """The absolute address of the profile in ``language`` (``settings.SITE_URL``): what the
    QR code and the poster carry, the same whatever server drew them."""
    return absolute_url("profiles:profile", language=language, args=[local_government_id])


def poster_key(card_key_: str, url: str) -> str:
    payload = json.dumps([POSTER_VERSION, card_key_, url])
    return hashlib.sha256(payload.encode()).hexdigest()[:KEY_LENGTH]


def poster_storage_name(local_government_id: int, key: str, language: str) -> str:
    return f"posters/{local_government_id}/{key}-{language}.pdf"


def poster_pdf(local_government: LocalGovernment, profile: Profile, language: str) -> bytes:
    """The A4 poster (PDF bytes) in ``language`` (``ja`` or ``en``): read from storage, else
    rendered (``social.cards.render_poster``, ~0.3 s, with the card) and stored. Does not
    check that the local government is a signatory."""
    language = language if language in POSTER_LANGUAGES else POSTER_LANGUAGES[0]
    url = profile_link(local_government.pk, language)
    key, png = card_png(local_government, profile)
    name = poster_storage_name(local_government.pk, poster_key(key, url), language)
    data = _read(name)
    if data is None:
        content = card_content(local_government, profile)
        data = social_cards.render_poster(name_ja=content.name_ja, name_en=content.name_en,
                                          card_png=png, url=url, language=language)
        _store(name, data)
    return data


# --- Open Graph -----------------------------------------------------------------------------
@dataclass(frozen=True)
class CardMeta:
    """What the profile page's Open Graph and Twitter card tags say: ``title``,
    ``description``, ``url`` (the page), ``image`` (the card), both absolute, ``alt`` (the
    image's text alternative), ``width``/``height`` (pixels), ``locale`` and
    ``locale_alternate`` (``ja_JP``, ``en_US``)."""

    title: str
    description: str
    url: str
    image: str
    alt: str
    locale: str
    locale_alternate: str
    width: int = CARD_WIDTH
    height: int = CARD_HEIGHT
    image_type: str = "image/png"


def card_meta(request: HttpRequest, page) -> CardMeta | None:
    """The Open Graph data of the profile page ``page`` (``selectors.ProfilePage``), with
    absolute addresses built from ``request``; None for a local government that is not a
    signatory (its page has no card). No query."""
    if not page.is_signatory:
        return None
    lg = page.local_government
    content = card_content(lg, page.profile)
    names = " / ".join(n for n in (content.name_ja, content.name_en) if n)
    language = (get_language() or POSTER_LANGUAGES[0])[:2]
    locale = OG_LOCALES.get(language, OG_LOCALES["ja"])
    return CardMeta(
        title=f"{page.label} | {social_cards.BRAND}",
        description=str(_("%(name)s has signed the Cities #WithRefugees statement and stands "
                          "with refugees.") % {"name": page.name}),
        url=request.build_absolute_uri(reverse("profiles:profile", args=[lg.pk])),
        image=request.build_absolute_uri(card_url(lg, page.profile, signatory=True)),
        alt=str(_("Card of the Cities #WithRefugees campaign: %(names)s stands "
                  "#WithRefugees.") % {"names": names}),
        locale=locale,
        locale_alternate=next(v for k, v in OG_LOCALES.items() if v != locale),
    )
