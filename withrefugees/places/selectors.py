"""Reads of reference data: the place search used by the sign form and the directory."""

import re

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from .folding import fold
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


def rank_by_match(qs: QuerySet, query: str, *, prefix: str = "") -> QuerySet:
    """Filter ``qs`` to rows whose folded names contain ``query`` and order the best first.

    Rank 0: a name, reading or English name starts with the query (渋谷 → 渋谷区,
    shibuya → "Shibuya City"); rank 1: the query appears later in a name. Within a rank:
    Japanese prefectures, designated cities, cities/wards, towns/villages, then the rest by
    population. ``prefix`` names the path to the LocalGovernment (e.g. ``"local_government__"``).
    Returns ``qs`` unchanged when the folded query is empty.
    """
    q = fold(query)
    if not q:
        return qs
    key = f"{prefix}search_key"
    starts = Q(**{f"{key}__startswith": q}) | Q(**{f"{key}__contains": f"|{q}"})
    return (
        qs.filter(**{f"{key}__contains": q})
        .annotate(
            match_rank=Case(When(starts, then=Value(0)), default=Value(1),
                            output_field=IntegerField()),
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
    return (name, area) if area and not q.isascii() else (q, "")


def _in_area(lg: LocalGovernment, area: str) -> bool:
    names = [lg.region.name_ja, lg.region.name_en] if lg.region else []
    names += [lg.country.name_ja, lg.country.name_en, lg.region_text]
    return any(area in fold(n) or (fold(n) and fold(n) in area) for n in names if n)


def local_government_search(query: str, *, limit: int = 10) -> list[LocalGovernment]:
    """Up to ``limit`` reference local governments matching ``query``, best first.

    Matching folds width, kana and old kanji forms (``places.folding``). A prefecture or
    country after the name narrows the search, as labels show it: ``府中市（広島県）``,
    ``府中市 広島``, ``Fuchu City (Hiroshima)``. Text with no letter, digit, kana or kanji
    finds nothing. Entries typed in by signers are not offered (not reference data).
    """
    q = fold(query)
    if not any(ch.isalnum() for ch in q):
        return []
    qs = LocalGovernment.objects.with_places().exclude(
        source=LocalGovernment.DataSource.SUBMITTED
    )
    name, area = _split_area(q)
    if not area:
        return list(rank_by_match(qs, name)[:limit])
    found = [lg for lg in rank_by_match(qs, name)[:200] if _in_area(lg, area)]
    return found[:limit] or list(rank_by_match(qs, q)[:limit])
