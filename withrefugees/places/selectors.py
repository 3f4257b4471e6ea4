"""Reads of reference data: the place search (sign form, autocomplete, directory), and
the resolution of what a person typed into one local government, shared by every app that
asks for a place (campaign sign form; later workspace, events, residents, API).

Results carry a machine-readable ``code`` (a ``str`` enum); callers map each code to their
own translated message (see ``campaign.forms.SignForm``) or API error.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from .folding import fold, normalise
from .matching import core_name, is_exact_match, still_names
from .models import LocalGovernment

K = LocalGovernment.Kind


def _kind_order(prefix: str) -> Case:
    """Japan first (prefectures, designated cities, cities/wards, towns/villages), then
    the rest: the campaign starts in Japan."""
    kind = f"{prefix}kind"
    return Case(
        When(**{kind: K.PREFECTURE}, then=Value(0)),
        When(**{kind: K.DESIGNATED_CITY}, then=Value(1)),
        When(**{f"{kind}__in": [K.CITY, K.SPECIAL_WARD]}, then=Value(2)),
        When(**{f"{kind}__in": [K.TOWN, K.VILLAGE]}, then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )


def folded_filter(qs: QuerySet, query: str, *, prefix: str = "") -> QuerySet:
    """``qs`` filtered to rows whose folded names (``search_key``) contain the folded
    ``query`` (``places.folding``); ``qs.none()`` when the query folds to nothing. No
    ordering or annotation, so it combines with other filters (e.g. the admin's search).
    ``prefix`` names the path to the LocalGovernment (e.g. ``"local_government__"``)."""
    q = fold(query)
    if not q:
        return qs.none()
    return qs.filter(**{f"{prefix}search_key__contains": q})


def rank_by_match(qs: QuerySet, query: str, *, prefix: str = "") -> QuerySet:
    """Filter ``qs`` to rows whose folded names contain ``query`` and order the best first.

    Rank 0: the official, Japanese or English name starts with the query as typed (only width,
    variation selectors, case and spaces ignored: ``folding.normalise``), so that folding
    never hides the exact name: ``鹿嶋市`` gives 鹿嶋市（茨城県） before 鹿島市（佐賀県）, which
    folds to the same text. Rank 1: a folded name, reading or English name starts with the
    query (渋谷 → 渋谷区, shibuya → "Shibuya City", Shibuya-ku); rank 2: the query appears
    later in a name. Within a rank: Japanese prefectures, designated cities, cities/wards,
    towns/villages, then the rest by population. ``prefix`` names the path to the
    LocalGovernment (e.g. ``"local_government__"``). Returns ``qs`` unchanged when the
    folded query is empty.
    """
    q = fold(query)
    if not q:
        return qs
    key = f"{prefix}search_key"
    typed = normalise(query)
    exact = (Q(**{f"{prefix}name__istartswith": typed})
             | Q(**{f"{prefix}name_ja__istartswith": typed})
             | Q(**{f"{prefix}name_en__istartswith": typed}))
    starts = Q(**{f"{key}__startswith": q}) | Q(**{f"{key}__contains": f"|{q}"})
    return (
        qs.filter(**{f"{key}__contains": q})
        .annotate(
            match_rank=Case(When(exact, then=Value(0)), When(starts, then=Value(1)),
                            default=Value(2), output_field=IntegerField()),
            kind_rank=_kind_order(prefix),
        )
        .order_by("match_rank", "kind_rank", F(f"{prefix}population").desc(nulls_last=True),
                  f"{prefix}jis_code", f"{prefix}name")
    )


_WITH_AREA = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<area>[^()]+)\)$")


def _split_area(q: str) -> tuple[str, str]:
    """``"府中市(広島県)"`` or ``"府中市 広島県"`` → ``("府中市", "広島県")``; else ``(q, "")``."""
    m = _WITH_AREA.match(q)
    if m:
        return m["name"].strip(), m["area"].strip()
    name, _sep, area = q.partition(" ")
    return (name, area) if area and not fold(q).isascii() else (q, "")  # "Fuchū shi": one


def _in_area(lg: LocalGovernment, area: str) -> bool:
    names = [lg.region.name_ja, lg.region.name_en] if lg.region else []
    names += [lg.country.name_ja, lg.country.name_en, lg.region_text]
    return any(area in fold(n) or (fold(n) and fold(n) in area) for n in names if n)


def local_government_search(query: str, *, limit: int = 10) -> list[LocalGovernment]:
    """Up to ``limit`` reference local governments matching ``query``, best first.

    Matching folds width, kana, old kanji forms, variation selectors, accents and romaji
    spellings (``places.folding``); the exact name as typed comes first (``rank_by_match``).
    Romaji kind suffixes are names too (``Shibuya-ku``, ``Kanagawa-ken``). A prefecture or
    country after the name narrows the search, as labels show it: ``府中市（広島県）``,
    ``府中市 広島``, ``Fuchu City (Hiroshima)``. Text with no letter, digit, kana or kanji
    finds nothing. Entries typed in by signers are not offered (not reference data).
    """
    if not any(ch.isalnum() for ch in fold(query)):
        return []
    qs = LocalGovernment.objects.with_places().exclude(
        source=LocalGovernment.DataSource.SUBMITTED
    )
    name, area = _split_area(normalise(query))  # as typed, for the exact-name rank
    area = fold(area)
    if not area:
        return list(rank_by_match(qs, name)[:limit])
    found = [lg for lg in rank_by_match(qs, name)[:200] if _in_area(lg, area)]
    return found[:limit] or list(rank_by_match(qs, query)[:limit])


class ResolutionCode(StrEnum):
    """Outcome of ``local_government_resolve`` (values are stable, for forms and APIs)."""

    RESOLVED = "resolved"  # one reference local government
    EMPTY = "empty"  # nothing typed (after folding) and no usable choice
    AMBIGUOUS = "ambiguous"  # several candidates and no single exact match: ask to choose
    NOT_FOUND = "not_found"  # no reference local government matches the text


@dataclass(frozen=True, kw_only=True)
class PlaceResolution:
    """What typed text (and an optional choice from a list) stands for.

    ``local_government``: the resolved place when ``code`` is ``RESOLVED``, else None.
    ``candidates``: the places found for the text, best first (at most the ``limit`` given);
    empty when the choice was kept without a search, or nothing matched. A resolved
    result may still list other candidates (the search that found it).
    """

    local_government: LocalGovernment | None = None
    candidates: tuple[LocalGovernment, ...] = ()
    code: ResolutionCode

    @property
    def resolved(self) -> bool:
        return self.code == ResolutionCode.RESOLVED


def local_government_resolve(*, query: str, chosen_id: int | None = None,
                             limit: int = 8) -> PlaceResolution:
    """Resolve what a person typed (``query``) and, optionally, the id they chose from a
    list (``chosen_id``, from the autocomplete or a list of candidates) into one reference
    local government.

    Rules, in order:
    1. A chosen id of a reference place is kept when the text is empty or still names it
       (its label in ja or en, one of its names, or the part of a name searched for:
       ``matching.still_names``). Text that names something else wins over the earlier
       choice (e.g. ``府中市（広島県）`` typed after choosing 府中市（東京都）).
    2. Otherwise the text is searched (``local_government_search``, up to ``limit``):
       a single exact match (a name, possibly without its kind suffix:
       ``matching.is_exact_match``) or a single candidate is ``RESOLVED``;
       several candidates are ``AMBIGUOUS`` (府中 → 府中市 in Tokyo and in Hiroshima);
       none is ``NOT_FOUND`` (also text of punctuation only, such as ``（``);
       text that folds to nothing (blank, ``|``) is ``EMPTY``.

    Entries typed in by signers (``source=submitted``) are never resolved nor offered: an id
    of one is ignored like an unknown id. Returns a ``PlaceResolution``; raises nothing.
    Rows come with ``country`` and ``region`` loaded (labels need them).
    """
    if chosen_id:
        lg = LocalGovernment.objects.with_places().filter(pk=chosen_id).exclude(
            source=LocalGovernment.DataSource.SUBMITTED).first()
        if lg is not None and (not fold(query) or still_names(lg, query)):
            return PlaceResolution(local_government=lg, code=ResolutionCode.RESOLVED)
    if not fold(query):
        return PlaceResolution(code=ResolutionCode.EMPTY)
    candidates = tuple(local_government_search(query, limit=limit))
    exact = [lg for lg in candidates if is_exact_match(lg, query)]
    if len(exact) == 1:
        return PlaceResolution(local_government=exact[0], candidates=candidates,
                               code=ResolutionCode.RESOLVED)
    if len(candidates) == 1:
        return PlaceResolution(local_government=candidates[0], candidates=candidates,
                               code=ResolutionCode.RESOLVED)
    if candidates:
        return PlaceResolution(candidates=candidates, code=ResolutionCode.AMBIGUOUS)
    return PlaceResolution(code=ResolutionCode.NOT_FOUND)


class ListedCode(StrEnum):
    """Outcome of ``local_government_listed_match`` (stable values)."""

    JAPAN_LISTED = "japan_listed"  # every local government in Japan is listed: search it
    LISTED = "listed"  # the name is a reference place of that country: choose it instead
    NOT_LISTED = "not_listed"  # no reference place of that name: it may be entered as new


@dataclass(frozen=True, kw_only=True)
class ListedMatch:
    """``local_government``: the reference place the name stands for (always set for
    ``LISTED``; for ``JAPAN_LISTED`` set when one is found, else None; None for
    ``NOT_LISTED``)."""

    local_government: LocalGovernment | None = None
    code: ListedCode


JAPAN = "JP"


def _listed(core: str, country: str) -> LocalGovernment | None:
    if not core:
        return None
    for lg in local_government_search(core, limit=20):
        if lg.country_id == country and (is_exact_match(lg, core) or core_name(lg.name) == core):
            return lg
    return None


def local_government_listed_match(*, name: str, country: str) -> ListedMatch:
    """For a place someone says is "not in the list": the reference place it duplicates.

    ``name``: the name as typed; ``country``: ISO 3166-1 alpha-2 code (``"FR"``).
    Rules: Japan (``"JP"``) is refused as a whole (``JAPAN_LISTED``): the JIS X 0402 list
    holds every prefecture and municipality, so a Japanese place is chosen from the list.
    Elsewhere the name without words such as "City of" / "City" (``matching.core_name``) is
    searched among that country's reference places; a name (possibly without its kind
    suffix) or a core name equal to it is ``LISTED`` ("City of Paris", "Paris City",
    "PARIS" → Paris). Otherwise ``NOT_LISTED``. Entries typed in by earlier signers are not
    reference places and are never returned (duplicates of those are refused when signing,
    by ``campaign.services``). Returns a ``ListedMatch``; raises nothing.
    """
    country = (country or "").upper()
    lg = _listed(core_name(name), country)
    if country == JAPAN:
        return ListedMatch(local_government=lg, code=ListedCode.JAPAN_LISTED)
    if lg is not None:
        return ListedMatch(local_government=lg, code=ListedCode.LISTED)
    return ListedMatch(code=ListedCode.NOT_LISTED)
