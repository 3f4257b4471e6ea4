"""The campaign's attested list of signatories: reading its rows and matching them to the
reference places (no writes; ``seed.signatory_records_load`` loads them through
``services.signatory_record_load``).

The list is ``data/signatories.csv``, a verbatim copy of ``shared/reference/signatories.csv``
(its README gives the columns and the date forms; ``data/SOURCES.md`` the checksum).

Matching (``place_match``), as the README asks:
- Japan: the JIS X 0402 row whose name is ``name_local`` (folded: old kanji forms, width)
  and whose prefecture is ``region_or_state`` (ISO 3166-2 name, e.g. "Tokyo"; a
  prefecture matches itself). Japan is listed in full: no match is an error to report.
- Elsewhere: reference places (GeoNames) of the country whose name, without words such as
  "City of" (``places.matching.core_name``; "St." and "Saint" alike), is the row's name;
  then the region, where it can be checked: the region text names an ISO 3166-2
  subdivision (by code, "NJ", or name, "Pampanga") whose top-level code is the GeoNames
  ``admin1`` code of the place, in countries whose GeoNames admin1 codes are ISO 3166-2
  codes (USA, Switzerland, Belgium, the Philippines...; checked from the data, not
  assumed: ``_iso_admin1_codes``), or the place's own region (Japan). One candidate
  left: matched; none: not in the reference data (a place is created, kind ``other``);
  several: ambiguous (reported, not loaded).
"""

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path

import pycountry

from withrefugees.places.folding import fold
from withrefugees.places.matching import core_name, is_exact_match
from withrefugees.places.models import LocalGovernment
from withrefugees.places.selectors import folded_filter
from withrefugees.places.services import WORLD_FILE

from .models import DatePrecision

DATA = Path(__file__).resolve().parent / "data"
SIGNATORIES_FILE = DATA / "signatories.csv"
#: SHA-256 of ``data/signatories.csv`` as copied from ``shared/reference`` (``SOURCES.md``).
SIGNATORIES_SHA256 = "15632e768e9838102f0af3dafcebb6b654f0a0cae175eed78c388f0f18602d62"
JAPAN = "JP"
COLUMNS = ["name_en", "name_local", "country_iso2", "region_or_state", "date", "sources",
           "evidence", "note"]

P = DatePrecision
_DATE = re.compile(r"^(?P<before><=)?(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?$")
_ORDER = re.compile(r"\b(\d+)(?:st|nd|rd|th) in Japan\b")


class RecordError(ValueError):
    """A row that cannot be read (bad date, no name, no source)."""


def parse_date_of_record(text: str) -> tuple[date | None, str]:
    """``(date, DatePrecision)`` of a date as the list writes it, never more precise:

    ``2022-05-02`` → day; ``2024-04`` → (2024-04-01, month); ``2023`` → (2023-01-01,
    year); ``<=2022-05-02`` → on or before that day; ``<=2018-06`` → in or before June 2018
    (2018-06-01, ``on_or_before_month``); ``<=2018`` likewise for a year; empty → (None,
    unknown). Raises ``RecordError`` for anything else (e.g. ``2022-13``, ``May 2022``).
    """
    text = (text or "").strip()
    if not text:
        return None, P.UNKNOWN
    m = _DATE.match(text)
    if not m:
        raise RecordError(f"date not understood: {text!r}")
    try:
        value = date(int(m["y"]), int(m["m"] or 1), int(m["d"] or 1))
    except ValueError as exc:
        raise RecordError(f"date not understood: {text!r}") from exc
    if m["d"]:
        precision = P.ON_OR_BEFORE if m["before"] else P.DAY
    elif m["m"]:
        precision = P.ON_OR_BEFORE_MONTH if m["before"] else P.MONTH
    else:
        precision = P.ON_OR_BEFORE_YEAR if m["before"] else P.YEAR
    return value, precision


@dataclass(frozen=True)
class Source:
    """One source of a row: its address, what it is, what it says (may be empty)."""

    url: str
    label: str = ""
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class RecordRow:
    """One row of the list, read (``read_rows``). ``line``: its line in the file (the header
    is line 1); ``note``: what the row says beyond its sources (the whole ``note`` column
    when it cannot be paired with the sources one by one)."""

    line: int
    name_en: str
    name_local: str
    country: str
    region: str
    date_text: str
    signed_on: date | None
    precision: str
    sources: tuple[Source, ...]
    evidence: str
    note: str
    signing_order: int | None = None

    @property
    def name(self) -> str:
        return self.name_local or self.name_en

    @property
    def key(self) -> str:
        """What identifies the row across loads: country, folded name, folded region."""
        return "|".join((self.country, fold(self.name), fold(self.region)))[:300]

    @property
    def in_japan(self) -> bool:
        return self.country == JAPAN


def _sources(row: dict[str, str]) -> tuple[tuple[Source, ...], str]:
    """Sources with their own label and note where the ``evidence`` (``; ``) and ``note``
    (`` || ``) columns list one per source; else every source has the whole evidence as its
    label and the note stays the row's."""
    urls = [u.strip() for u in row["sources"].split(" | ") if u.strip()]
    if any(not u.startswith(("https://", "http://")) for u in urls):
        raise RecordError("a source is not an http(s) address")
    labels = [e.strip() for e in row["evidence"].split("; ")]
    notes = [n.strip() for n in row["note"].split(" || ")]
    paired_labels = len(labels) == len(urls)
    paired_notes = len(notes) == len(urls) and len(urls) > 1
    sources = tuple(
        Source(url=url, label=labels[i] if paired_labels else row["evidence"].strip(),
               note=notes[i] if paired_notes else "")
        for i, url in enumerate(urls))
    return sources, "" if paired_notes else row["note"].strip()


def read_rows(path: Path = SIGNATORIES_FILE) -> tuple[list[RecordRow], list[str]]:
    """``(rows, errors)``: every readable row of the list at ``path`` (UTF-8 CSV with the
    README's columns) and, for each row that cannot be read, ``"line N: why"``. Raises
    ``RecordError`` when the columns are not the README's."""
    rows: list[RecordRow] = []
    errors: list[str] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != COLUMNS:
            raise RecordError(f"{path.name}: columns {reader.fieldnames}, expected {COLUMNS}")
        for line, raw in enumerate(reader, start=2):
            raw = {k: (v or "").strip() for k, v in raw.items()}
            try:
                if not raw["name_en"] or len(raw["country_iso2"]) != 2:
                    raise RecordError("no name or no ISO 3166-1 country code")
                signed_on, precision = parse_date_of_record(raw["date"])
                sources, note = _sources(raw)
                if not sources:
                    raise RecordError("no source")
            except RecordError as exc:
                errors.append(f"line {line}: {exc}")
                continue
            order = _ORDER.search(raw["note"]) if raw["country_iso2"] == JAPAN else None
            rows.append(RecordRow(
                line=line, name_en=raw["name_en"], name_local=raw["name_local"],
                country=raw["country_iso2"].upper(), region=raw["region_or_state"],
                date_text=raw["date"], signed_on=signed_on, precision=precision,
                sources=sources, evidence=raw["evidence"], note=note,
                signing_order=int(order[1]) if order else None))
    return rows, errors


# --- Matching ------------------------------------------------------------------------------
class MatchCode(StrEnum):
    """Outcome of ``place_match`` (stable values, shown in the load report)."""

    MATCHED = "matched"  # one reference place
    NOT_LISTED = "not_listed"  # no reference place: outside Japan, a place is created
    AMBIGUOUS = "ambiguous"  # several reference places, the region cannot tell them apart
    NOT_FOUND_JAPAN = "not_found_japan"  # Japan is listed in full: the row is wrong


@dataclass(frozen=True, kw_only=True)
class PlaceMatch:
    """``local_government`` when ``MATCHED``; ``candidates``: the places the name found;
    ``region_checked``: whether the region was compared (False where the reference data
    cannot tell, e.g. French GeoNames rows, or no region was given)."""

    code: MatchCode
    local_government: LocalGovernment | None = None
    candidates: tuple[LocalGovernment, ...] = ()
    region_checked: bool = False
    region: object = field(default=None)  # the ISO 3166-2 subdivision the text names


_REGION_WORDS = re.compile(r"\s+(department|province|region|state)$")


def _subdivision(country: str, text: str):
    """The ISO 3166-2 subdivision (``pycountry``) of ``country`` that ``text`` names by code
    ("NJ", "BC") or name ("Pampanga", "Quebec"/"Québec", "Chocó Department"); None."""
    if not text:
        return None
    subs = pycountry.subdivisions.get(country_code=country) or []
    code = f"{country}-{text.upper()}"
    wanted = {fold(text), _REGION_WORDS.sub("", fold(text))}
    for sub in subs:
        if sub.code == code:
            return sub
    for sub in subs:
        if fold(sub.name) in wanted:
            return sub
    return None


def _top(sub):
    while getattr(sub, "parent_code", None):
        sub = pycountry.subdivisions.get(code=sub.parent_code)
    return sub


@cache
def _admin1() -> dict[int, tuple[str, str]]:
    """``{GeoNames id: (country, admin1 code)}`` of the reference world cities (the
    ``admin1`` column of ``places/data/world_cities.csv``, read once)."""
    with WORLD_FILE.open(encoding="utf-8", newline="") as fh:
        return {int(r["geonameid"]): (r["country"], r["admin1"]) for r in csv.DictReader(fh)}


@cache
def _iso_admin1_codes(country: str) -> frozenset[str]:
    """The GeoNames admin1 codes of ``country`` that can be read as ISO 3166-2 codes: its
    top-level ISO codes without the country prefix, when at least 90 % of the admin1 codes
    of its reference cities are such codes (USA, Belgium, the Philippines, whose "NCR" is
    ISO "PH-00"); else none (France's "11" is not ISO "FR-IDF")."""
    tops = {s.code.split("-", 1)[1] for s in pycountry.subdivisions.get(country_code=country)
            or [] if not getattr(s, "parent_code", None)}
    admin1 = {a for c, a in _admin1().values() if c == country and a}
    if not admin1 or len(admin1 & tops) < 0.9 * len(admin1):
        return frozenset()
    return frozenset(admin1 & tops)


def _in_region(lg: LocalGovernment, sub) -> bool | None:
    """Whether ``lg`` lies in the subdivision ``sub``; None when the data cannot tell."""
    if lg.region_id is not None:
        return lg.region.code in (sub.code, _top(sub).code)
    admin1 = _admin1().get(lg.geonames_id or 0, ("", ""))[1]
    if admin1 in _iso_admin1_codes(lg.country_id):
        return admin1 == _top(sub).code.split("-", 1)[1]
    return None


def _name_variants(name: str) -> set[str]:
    core = core_name(name)
    variants = {core}
    if core.startswith(("st ", "st. ")):
        variants.add("saint " + core.split(" ", 1)[1])
    elif core.startswith("saint "):
        variants.add("st. " + core.split(" ", 1)[1])
    return variants - {""}


def _candidates(row: RecordRow) -> list[LocalGovernment]:
    reference = LocalGovernment.objects.with_places().filter(country_id=row.country).exclude(
        source=LocalGovernment.DataSource.SUBMITTED)
    if row.in_japan:
        wanted = fold(row.name_local)
        qs = folded_filter(reference, row.name_local).filter(
            source=LocalGovernment.DataSource.JIS)
        return [lg for lg in qs if fold(lg.name) == wanted]
    found: dict[int, LocalGovernment] = {}
    for variant in _name_variants(row.name_en):
        for lg in folded_filter(reference, variant):
            names = {core_name(lg.name), core_name(lg.name_en)}
            if variant in names or is_exact_match(lg, variant):
                found[lg.pk] = lg
    return sorted(found.values(), key=lambda lg: (-(lg.population or 0), lg.pk))


def place_match(row: RecordRow) -> PlaceMatch:
    """The reference place ``row`` stands for (rules in the module docstring). Reads the
    database; raises nothing."""
    candidates = _candidates(row)
    sub = _subdivision(row.country, row.region)
    checked = False
    if sub is not None and candidates:
        verdicts = [(lg, _in_region(lg, sub)) for lg in candidates]
        if any(v is not None for _lg, v in verdicts):
            checked = True
            candidates = [lg for lg, v in verdicts if v is not False]
    elif row.in_japan and row.region:  # a prefecture pycountry does not name: never guess
        candidates = []
    if len(candidates) == 1:
        return PlaceMatch(code=MatchCode.MATCHED, local_government=candidates[0],
                          candidates=tuple(candidates), region_checked=checked, region=sub)
    if candidates:
        return PlaceMatch(code=MatchCode.AMBIGUOUS, candidates=tuple(candidates),
                          region_checked=checked, region=sub)
    code = MatchCode.NOT_FOUND_JAPAN if row.in_japan else MatchCode.NOT_LISTED
    return PlaceMatch(code=code, region_checked=checked, region=sub)
