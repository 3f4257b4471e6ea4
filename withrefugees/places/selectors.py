"""Reads of reference data: the place search used by the sign form and the directory."""

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


def local_government_search(query: str, *, limit: int = 10) -> list[LocalGovernment]:
    """Up to ``limit`` reference local governments matching ``query``, best first.

    Matching folds width, kana and old kanji forms (``places.folding``). Entries typed in
    by signers are not offered (they are not reference data).
    """
    qs = LocalGovernment.objects.with_places().exclude(
        source=LocalGovernment.DataSource.SUBMITTED
    )
    if not fold(query):
        return []
    return list(rank_by_match(qs, query)[:limit])
