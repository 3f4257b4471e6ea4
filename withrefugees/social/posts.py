"""Ready-made posts: their placeholders, the check of a template's text, and the text of a
post for one local government.

A ``PostTemplate`` body is plain text with placeholders in braces:

- ``{name}``: the local government's name in the post's language (the officers' official
  name from its profile, else the reference name; given by the caller, since this app does
  not read profiles);
- ``{url}``: the absolute address of its public profile in the post's language (given by
  the caller);
- ``{hashtags}``: ``HASHTAGS`` of the post's language (``#WithRefugees``, and in Japanese also
  ``#難民とともに``, the statement's own two hashtags);
- ``{mentions}``: the handles of the included ``Mention`` rows on X (``MENTION_NETWORK``, the
  main network in Japan), space-separated, in ``position`` order ("" when none); each share
  link puts its own network's handles in their place (``sharing.localise_mentions``);
- in ``event`` posts ``{event_title}`` and ``{event_date}``; in ``pledge`` posts
  ``{pledge_title}`` (``OCCASION_PLACEHOLDERS``).

Any other brace is refused (``validate_body``); a rendered post always carries the hashtags
of its language, appended on a last line when the template lost them (``render``).

A hashtag counts only where X reads it as one (``x_hashtags``, the rule of twitter-text, the
strictest of the networks): not glued to a letter, digit, ``_`` or ``&`` before it
(``abc#WithRefugees``), nor to a letter or digit after it (``#WithRefugeesJapan``), nor
inside a link (``https://…/669/#WithRefugees`` is the link's fragment).
"""

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import regex
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from withrefugees.core.validators import control_characters_refusal

from . import counting
from .counting import normalise_newlines
from .models import Language, Mention, Occasion, PostTemplate

#: The campaign's hashtags per language of the post (the statement says "#WithRefugees
#: #難民とともに"; English posts carry the first only).
HASHTAGS: dict[str, tuple[str, ...]] = {
    Language.JA.value: ("#WithRefugees", "#難民とともに"),
    Language.EN.value: ("#WithRefugees",),
}

#: The network whose UNHCR accounts ``{mentions}`` gives in the text shown and copied (X, the
#: main network in Japan); the share links of the other networks swap them for their own.
MENTION_NETWORK = "x"

#: Placeholders every template may use.
PLACEHOLDERS: tuple[str, ...] = ("name", "url", "hashtags", "mentions")

#: Placeholders of one occasion only.
OCCASION_PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    Occasion.EVENT.value: ("event_title", "event_date"),
    Occasion.PLEDGE.value: ("pledge_title",),
}

#: The occasions the kit offers to every local government, in this order; ``event`` and
#: ``pledge`` posts come one per event or pledge (``ExtraOccasion``), once steps 3 and 4
#: exist.
KIT_OCCASIONS: tuple[str, ...] = (Occasion.JOINING.value, Occasion.WORLD_REFUGEE_DAY.value)

#: Used when staff have not written a template for an occasion and language (never empty
#: of what matters: name, link, hashtags).
FALLBACK_BODY = "{name}\n{url}\n{mentions}\n{hashtags}"

_PLACEHOLDER = regex.compile(r"\{([^{}]*)\}")


def allowed_placeholders(occasion: str) -> tuple[str, ...]:
    """The placeholders a template of ``occasion`` (an ``Occasion`` value) may use."""
    return PLACEHOLDERS + OCCASION_PLACEHOLDERS.get(occasion, ())


def language_of(language: str) -> str:
    """``language`` if it is a post language (``Language``: ``ja``/``en``, ``ja-JP`` counting
    as ``ja``), else ``ja``."""
    code = (language or "")[:2].lower()
    return code if code in HASHTAGS else Language.JA.value


def hashtags(language: str) -> str:
    """The hashtags of ``language``, space-separated: ``#WithRefugees #難民とともに`` (ja)."""
    return " ".join(HASHTAGS[language_of(language)])


# X's hashtags: twitter-text 3.1.0 (npm, the counter the kit runs in the browser),
# ``regexp/validHashtag.js``, ``hashtagBoundary.js``, ``hashtagAlphaNumeric.js``,
# ``hashtagSpecialChars.js``, ``endHashtagMatch.js`` and ``extractHashtagsWithIndices.js``.
_HASHTAG_SPECIAL = ("_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0"
                    "\u30fb\u3003\u0f0b\u0f0c\u00b7")
_TAG_CHAR = rf"[\p{{L}}\p{{M}}\p{{Nd}}{_HASHTAG_SPECIAL}]"
_X_HASHTAG = regex.compile(
    # Before the sign: the start, U+FE0E/U+FE0F, or any character but a letter, mark,
    # digit, special character or "&".
    rf"(?:^|(?<=[\ufe0e\ufe0f])|(?<!{_TAG_CHAR}|&)(?<=.))"
    # The sign (# or the full-width ＃), not a keycap; then at least one letter or mark.
    rf"[#＃](?![\ufe0f\u20e3])({_TAG_CHAR}*[\p{{L}}\p{{M}}]{_TAG_CHAR}*)",
    regex.DOTALL)
_END_HASHTAG = regex.compile(r"[#＃]|://")


def x_hashtags(text: str) -> list[str]:
    """The hashtags X finds in ``text``, without their sign, in order (twitter-text
    ``extractHashtags`` on the text X stores, NFC): ``#`` or ``＃`` after the start, a
    space, punctuation, a symbol or an emoji (not after a letter, digit, ``_`` or ``&``),
    then letters, marks, digits and ``_`` (at least one letter or mark) up to the next other
    character, which is not ``#`` nor ``://``; and not inside a URL. E.g.
    ``x_hashtags("a #b、#c x#d https://e.jp/#f")`` → ``["b", "c"]``."""
    text = unicodedata.normalize("NFC", text)
    if "#" not in text and "＃" not in text:
        return []
    found = [(match.start(), match.end(), match.group(1))
             for match in _X_HASHTAG.finditer(text)
             if not _END_HASHTAG.match(text, match.end())]
    if not found:
        return []
    # removeOverlappingEntities: by start, an entity that begins inside the one kept before
    # it is dropped (the hashtags first, then the URLs, for equal starts).
    entities = sorted(found + [(start, end, None) for start, end in counting.url_spans(text)],
                      key=lambda entity: entity[0])
    kept = entities[:1]
    for entity in entities[1:]:
        if kept[-1][1] > entity[0]:
            continue
        kept.append(entity)
    return [tag for _start, _end, tag in kept if tag is not None]


def _has_hashtag(text: str, tag: str) -> bool:
    """Whether X reads the hashtag ``tag`` (``#WithRefugees``) in ``text`` (``x_hashtags``;
    any case: hashtags are the same whatever their case)."""
    wanted = tag.lstrip("#＃").casefold()
    return any(found.casefold() == wanted for found in x_hashtags(text))


def _shown(names: Sequence[str]) -> str:
    return ", ".join("{" + name + "}" for name in names)


def validate_body(body: str, *, occasion: str, language: str) -> None:
    """Check the text of a template of ``occasion`` in ``language``. Raises
    ``ValidationError`` (one message per problem, translated) with the codes:

    - ``control_characters``: control characters other than line breaks and tabs, which no
      network accepts (``core.validators.control_characters_refusal``);
    - ``post_template_stray_brace``: a ``{`` or ``}`` outside a placeholder;
    - ``post_template_unknown_placeholder``: ``{something}`` that is not one of
      ``allowed_placeholders(occasion)`` (``{event_title}`` outside event posts too);
    - ``post_template_hashtags_missing``: neither ``{hashtags}`` nor all of
      ``HASHTAGS[language]`` written out;
    - ``post_template_hashtag_not_read``: a hashtag of ``HASHTAGS[language]`` is there but X
      would not read it as one (``x_hashtags``) once the placeholders are filled in with
      ``SAMPLE_VALUES`` (with and without mentions): glued to what comes before it
      (``{name}{hashtags}``, ``abc#WithRefugees``), to the link before it
      (``{url}{hashtags}``: the hashtag becomes the link's fragment) or to a letter after it.
      One message per hashtag, naming it.
    """
    allowed = allowed_placeholders(occasion)
    errors: list[ValidationError] = []
    if control_characters_refusal(body) is not None:  # VT, FF, NUL...: no network takes them
        errors.append(ValidationError(
            _("The text contains invisible control characters (such as a vertical tab or a "
              "form feed), which social networks do not accept: remove them."),
            code="control_characters"))
    found = _PLACEHOLDER.findall(body)
    unknown = list(dict.fromkeys(name for name in found if name not in allowed))
    if unknown:
        errors.append(ValidationError(
            _("Unknown placeholder: %(unknown)s. This post may use: %(allowed)s."),
            code="post_template_unknown_placeholder",
            params={"unknown": _shown(unknown), "allowed": _shown(allowed)}))
    rest = _PLACEHOLDER.sub("", body)
    if "{" in rest or "}" in rest:
        errors.append(ValidationError(
            _("A brace “{” or “}” is not part of a placeholder. Braces are used only around "
              "placeholders, such as {name}; remove the other ones."),
            code="post_template_stray_brace"))
    language = language_of(language)
    tags = HASHTAGS[language]
    written = [tag for tag in tags
               if regex.search("[#＃]" + regex.escape(tag[1:]), body, regex.IGNORECASE)]
    if "hashtags" not in found and len(written) < len(tags):
        errors.append(ValidationError(
            _("The post must carry the campaign’s hashtags: write {hashtags} (it becomes "
              "%(tags)s)."),
            code="post_template_hashtags_missing", params={"tags": " ".join(tags)}))
    else:
        sample = SAMPLE_VALUES[language]
        samples = [_fill(body, language=language, name=sample.name, url=sample.url,
                         mentions=mentions, extra=sample.extra)
                   for mentions in (SAMPLE_MENTIONS, ())]
        for tag in tags:
            if not all(_has_hashtag(text, tag) for text in samples):
                errors.append(ValidationError(
                    _("%(tag)s would not be read as a hashtag: social networks (X first) "
                      "read a hashtag only after a space, a line break or punctuation, not "
                      "right after a letter, a digit, “_”, “&” or a link such as {url}, and "
                      "only up to a space or punctuation. Put a space or a line break "
                      "before it, e.g. {url} on one line and {hashtags} on the next."),
                    code="post_template_hashtag_not_read", params={"tag": tag}))
    if errors:
        raise ValidationError(errors)


def validate_handle(handle: str) -> None:
    """Check a ``Mention`` handle: ``@`` then at least one character, no blank space and no
    brace. Raises ``ValidationError`` code ``mention_handle_invalid``."""
    if (len(handle) < 2 or not handle.startswith("@")
            or any(c.isspace() or c in "{}" for c in handle)):
        raise ValidationError(
            _("Write the account as it is mentioned in a post: “@” then the name, without "
              "spaces or braces, e.g. @UNHCR_Japan."), code="mention_handle_invalid")


@dataclass(frozen=True)
class _Sample:
    name: str
    url: str
    extra: Mapping[str, str]


#: The values ``validate_body`` fills a template in with, per language: a long name and a
#: real-looking address of a public profile (as ``profiles`` gives it: ending with "/"),
#: and the occasions' values (a hashtag must be read as one whatever the values are).
SAMPLE_VALUES: dict[str, _Sample] = {
    Language.JA.value: _Sample(
        name="北海道余市郡赤井川村",
        url="https://cities-withrefugees.example.jp/ja/signatories/12345/",
        extra={"event_title": "世界難民の日ブルーライトアップ", "event_date": "2026年6月20日",
               "pledge_title": "難民の子どもの学びを支える"}),
    Language.EN.value: _Sample(
        name="Akaigawa Village",
        url="https://cities-withrefugees.example.jp/en/signatories/12345/",
        extra={"event_title": "World Refugee Day blue light-up", "event_date": "20 June 2026",
               "pledge_title": "Schooling for refugee children"}),
}
#: The mentions ``validate_body`` tries (besides none).
SAMPLE_MENTIONS: tuple[str, ...] = ("@UNHCR_Japan",)


def render(body: str, *, language: str, name: str, url: str, mentions: Sequence[str] = (),
           extra: Mapping[str, str] | None = None) -> str:
    """The text of a post: ``body`` with its placeholders filled in.

    ``language``: the post's (``ja``/``en``: which hashtags); ``name``, ``url``: the local
    government's name and the absolute address of its public profile, in that language;
    ``mentions``: handles in order; ``extra``: values of the occasion's own placeholders
    (``event_title``...). A placeholder without a value (unknown, or of another occasion) is
    left as written. A line that held only placeholders that came out empty (no mentions) is
    left out, and spaces around an empty one are not doubled. Line breaks are ``\\n``. The
    result always holds every hashtag of ``HASHTAGS[language]`` as X reads hashtags
    (``x_hashtags``): those it would not read are added on a last line.
    """
    language = language_of(language)
    text = _fill(body, language=language, name=name, url=url, mentions=mentions,
                 extra=extra)
    missing = [tag for tag in HASHTAGS[language] if not _has_hashtag(text, tag)]
    if missing:
        text = f"{text}\n{' '.join(missing)}" if text else " ".join(missing)
    return text


def _fill(body: str, *, language: str, name: str, url: str, mentions: Sequence[str] = (),
          extra: Mapping[str, str] | None = None) -> str:
    """``body`` with its placeholders filled in (``render`` without the hashtags' check)."""
    values = {"name": name, "url": url, "hashtags": hashtags(language),
              "mentions": " ".join(h for h in mentions if h), **(extra or {})}

    def fill(match: regex.Match) -> str:
        key = match.group(1)
        return values[key] if key in values else match.group(0)

    lines = []
    for line in normalise_newlines(body).split("\n"):
        filled = _PLACEHOLDER.sub(fill, line)
        if line.strip() and not filled.strip():
            continue  # e.g. a line "{mentions}" with no mention
        if filled != line and any(values.get(k) == "" for k in _PLACEHOLDER.findall(line)):
            filled = regex.sub(r"(?<=\S) {2,}(?=\S)", " ", filled).strip(" ")
        lines.append(filled.rstrip())
    return "\n".join(lines).strip("\n")


# --- Reads ---------------------------------------------------------------------------------
def mentions_by_network() -> dict[str, str]:
    """``{network: "@a @b"}``: the handles of the included ``Mention`` rows of each network
    that has any, space-separated in ``position`` order (one query)."""
    found: dict[str, list[str]] = {}
    for network, handle in (Mention.objects.filter(included=True).order_by("position", "pk")
                            .values_list("network", "handle")):
        found.setdefault(network, []).append(handle)
    return {network: " ".join(handles) for network, handles in found.items()}


def mention_handles(network: str = MENTION_NETWORK) -> list[str]:
    """The handles of the included ``Mention`` rows of ``network`` (X by default), in
    ``position`` order (one query)."""
    return list(Mention.objects.filter(included=True, network=network)
                .order_by("position", "pk").values_list("handle", flat=True))


def template_bodies(language: str) -> dict[str, str]:
    """``{occasion: body}`` of the templates in ``language`` (one query)."""
    return dict(PostTemplate.objects.filter(language=language_of(language))
                .values_list("occasion", "body"))


@dataclass(frozen=True)
class ExtraOccasion:
    """A post about one event or pledge, offered besides ``KIT_OCCASIONS`` (steps 3 and 4
    give them): ``key`` unique in the kit (e.g. ``event-12``: letters, digits, ``-``,
    ``_``), ``occasion`` (``event`` or ``pledge``), ``title`` (the section's heading) and
    ``values`` of the occasion's placeholders (``{"event_title": ..., "event_date": ...}``).
    """

    key: str
    occasion: str
    title: str | Promise
    values: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReadyPost:
    """One ready-made post of the kit: ``key`` (the occasion, or an ``ExtraOccasion``'s),
    ``occasion``, ``title`` (what it is about), ``language`` and ``text`` (rendered)."""

    key: str
    occasion: str
    title: str | Promise
    language: str
    text: str


def ready_posts(*, language: str, name: str, url: str,
                extra_occasions: Sequence[ExtraOccasion] = (),
                mentions: Sequence[str] | None = None) -> list[ReadyPost]:
    """The posts of the kit in ``language`` for a local government called ``name`` with its
    public profile at ``url`` (absolute): one per ``KIT_OCCASIONS``, then one per
    ``extra_occasions``; a missing template is replaced by ``FALLBACK_BODY``. ``{mentions}``
    gives the X accounts (``MENTION_NETWORK``), or ``mentions`` (handles) when given. Two
    queries (templates, mentions; one with ``mentions``) however many mentions or occasions
    there are."""
    language = language_of(language)
    bodies = template_bodies(language)
    mentions = mention_handles() if mentions is None else mentions
    labels = dict(Occasion.choices)
    items = [(occasion, occasion, labels[occasion], {}) for occasion in KIT_OCCASIONS]
    items += [(extra.key, extra.occasion, extra.title, dict(extra.values))
              for extra in extra_occasions]
    return [ReadyPost(key=key, occasion=occasion, title=title, language=language,
                      text=render(bodies.get(occasion, FALLBACK_BODY), language=language,
                                  name=name, url=url, mentions=mentions, extra=values))
            for key, occasion, title, values in items]
