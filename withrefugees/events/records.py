"""The campaign's attested World Refugee Day light-ups in Japan (2019–2025), loaded as past
light-ups, and the totals reported for each year.

The list is ``data/lightups-japan.csv``, a verbatim copy of
``shared/reference/lightups-japan.csv`` (55 rows; ``data/SOURCES.md`` gives its checksum,
``LIGHTUPS_SHA256``). Columns: ``year``, ``landmark_ja``, ``landmark_en`` (our own
rendering), ``municipality``, ``prefecture``, ``sources`` (URLs separated by `` | ``),
``note``.

Each row becomes one ``Event`` (``lightup_records_load``, run by the release step and by
``manage.py load_lightup_records``):

- ``origin`` ``reference``, ``kind`` ``light_up``, ``status`` ``approved`` and
  ``was_approved``, all day in ``Asia/Tokyo``; ``sources`` and ``source_note`` (the row's
  note) kept as written; title "<landmark>のブルーライトアップ" / "Blue light-up of
  <landmark>"; ``reference_key`` ``lightup-<year>-<hash of landmark, municipality,
  prefecture>`` (``LightupRow.key``), so a second run finds every row and a changed row
  (its sources, note, English name, dates) is updated in place.
- Dates (``light_up_dates``): the day is unknown for most rows, so an event is on 20 June
  of its year with ``date_precision`` ``year`` (shown as "World Refugee Day <year>", never
  as a day). Only where the note itself gives the days of the light-up are they used, with
  ``date_precision`` ``day``:

  1. "lit YYYY-MM-DD", "lit on YYYY-MM-DD", "lit YYYY-MM-DD..DD" (a range in one month);
  2. "lit M/D" or "lit M/D-D" (the row's year);
  3. a note that *begins* with such a date ("2022-06-20; …", "6/20 (Fri) …", "6/16-22
     (Reiwa 7)"): the source's date line is the light-up's.

  A weekday in brackets ("(Fri)") or a Reiwa year ("(Reiwa 7)" = 2025) after the date must
  agree with it, and the date must fall in the row's year; otherwise the year rule applies
  and the row is reported. Dates of an article or a release ("Yamagata Shimbun 2021-06-21:
  …"), plans ("planned for 2024-06-20") and "lit until 6/20" are not days of the light-up.
- Landmarks (``Landmark``) are shared across years: one per local government and Japanese
  name (東京スカイツリー of 2019, 2023, 2024 and 2025 is one landmark). Its local government is
  the municipality matched by name and prefecture among the reference local governments (JIS
  X 0402); "神戸市・淡路市" is 神戸市 with 淡路市 in ``other_local_governments``. Its point is
  the (first) municipality's, ``point_approximate``; a landmark that exists is never
  changed by a load (staff may have corrected its point).
- A row whose municipality matches no reference local government (or several) is not loaded
  and is listed in the report; a row with a bad year or no source is listed as unreadable.

``REPORTED_TOTALS`` (from ``shared/reference/README.md``) become ``ReportedTotal`` rows,
each with the source that reports it (a URL of the list's rows), loaded by the same function.

The whole load is skipped when the file, the totals and ``LOADER_VERSION`` are those loaded
last (``places.ReferenceDataset`` ``events.lightups``); ``force=True`` compares every row.
Rows loaded earlier that the file no longer has are reported, not deleted.
"""

import csv
import datetime
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.db import transaction

from withrefugees.core.audit import audit_record, field_values
from withrefugees.places.folding import fold
from withrefugees.places.models import LocalGovernment, ReferenceDataset

from .models import DatePrecision, Event, EventKind, EventStatus, Landmark, Origin, ReportedTotal

DATA = Path(__file__).resolve().parent / "data"
LIGHTUPS_FILE = DATA / "lightups-japan.csv"
#: SHA-256 of ``data/lightups-japan.csv`` as copied from ``shared/reference`` (``SOURCES.md``).
LIGHTUPS_SHA256 = "d5656de3e10c4a1fca1489dad3ce0359689d3c6c15db11c643f1cb624834e72a"
COLUMNS = ["year", "landmark_ja", "landmark_en", "municipality", "prefecture", "sources",
           "note"]
#: ``places.ReferenceDataset`` name of this load; bump ``LOADER_VERSION`` when the rules
#: of this module change, so that the next release compares every row again.
DATASET = "events.lightups"
LOADER_VERSION = "1"
TIME_ZONE = "Asia/Tokyo"
FIRST_YEAR, LAST_YEAR = 2019, 2100
#: The separator of two municipalities a landmark spans (明石海峡大橋: 神戸市・淡路市).
MUNICIPALITY_SEPARATOR = "・"


# --- Reported totals ------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportedTotalRecord:
    year: int
    total: int
    text_ja: str
    text_en: str
    source_url: str
    source_label: str


#: The totals reported for each year (``shared/reference/README.md``), each with a source of
#: the list that reports it. 2020: none of the list's sources gives the total; the README's
#: wording is cited and the source is said to be unlinked.
REPORTED_TOTALS: tuple[ReportedTotalRecord, ...] = (
    ReportedTotalRecord(
        2019, 15, "15か所", "15 landmarks",
        "https://prtimes.jp/main/html/rd/p/000000059.000008107.html",
        "UNHCR Japan / Japan for UNHCR press release, 13 June 2019 (PR TIMES); the Mainichi "
        "Shimbun of 19 June 2019 also reports 15"),
    ReportedTotalRecord(
        2020, 25, "25か所", "25 landmarks", "",
        "Campaign reference notes (shared/reference/README.md): \"2020: 25\"; the source of "
        "this total is not linked"),
    ReportedTotalRecord(
        2021, 20, "約20か所（キャンペーンのパンフレットでは23か所）",
        "about 20 (the campaign brochure says 23)",
        "https://www.yamagata-np.jp/news/202106/21/kj_2021062100598.php",
        "Yamagata Shimbun, 21 June 2021 (about 20); the campaign brochure gives 23"),
    ReportedTotalRecord(
        2022, 41, "41か所", "41 landmarks", "https://mito.keizai.biz/headline/2151",
        "Mito Keizai Shimbun (mito.keizai.biz), 2022"),
    ReportedTotalRecord(
        2023, 40, "40か所以上", "over 40 landmarks",
        "https://tokuhain.chuo-kanko.or.jp/detail.php?id=4066",
        "Chuo City Tourism Association correspondents' report, 2023 (with "
        "https://nordot.app/1043850709693038892: \"40+ sites in 2023\")"),
    ReportedTotalRecord(
        2024, 58, "58か所", "58 landmarks",
        "https://news.yahoo.co.jp/expert/articles/d1bb88628bb3370a8ca00565fcf2d1ce7d2a333d",
        "Yahoo! News expert article, 20 June 2024 (58 sites planned for 20 June 2024)"),
    ReportedTotalRecord(
        2025, 67, "67か所と鯉のぼり6か所", "67 landmarks and 6 koinobori (carp streamers)",
        "https://ascii.jp/elem/000/004/292/4292927",
        "ASCII.jp, 2025 (also https://news.3rd-in.co.jp/article/"
        "d04f2924-45ba-11f0-b23d-9ca3ba083d71)"),
)


# --- Reading ----------------------------------------------------------------------------------
class RecordError(ValueError):
    """A row that cannot be read (bad year, no landmark, no source)."""


_LIT_ISO = re.compile(r"\blit (?:on )?(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
                      r"(?:\.\.(?P<d2>\d{2}))?\b")
_LIT_MD = re.compile(r"\blit (?:on )?(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:-(?P<d2>\d{1,2}))?\b")
_LEAD_ISO = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:\.\.(?P<d2>\d{2}))?"
                       r"(?=$|[;,]|\s)")
_LEAD_MD = re.compile(r"^(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:-(?P<d2>\d{1,2}))?(?=$|[;,]|\s)")
_AFTER = re.compile(r"^\s*\((?P<what>[^)]*)\)")
_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_REIWA = re.compile(r"^reiwa (\d+)$")


def _check_bracket(start: datetime.date, text_after: str) -> bool:
    """Whether a weekday ("(Fri)") or a Reiwa year ("(Reiwa 7)") in brackets right after the
    date agrees with ``start`` (True when there is none, or something else)."""
    m = _AFTER.match(text_after)
    if not m:
        return True
    what = m["what"].strip().lower()
    if what[:3] in _WEEKDAYS and len(what) <= 9:
        return start.weekday() == _WEEKDAYS[what[:3]]
    era = _REIWA.match(what)
    if era:
        return 2018 + int(era[1]) == start.year
    return True


def light_up_dates(year: int, note: str) -> tuple[datetime.date, datetime.date, str, str]:
    """``(start, end, precision, problem)`` of a row of ``year`` with ``note`` (rules in the
    module docstring): the days the note gives (precision ``day``), else 20 June of
    ``year`` (precision ``year``); ``problem`` says why dates the note gives were not used
    ("" when none were given or they were used)."""
    note = (note or "").strip()
    wrd = datetime.date(year, 6, 20)
    found = None
    for pattern, with_year in ((_LIT_ISO, True), (_LEAD_ISO, True), (_LIT_MD, False),
                               (_LEAD_MD, False)):
        m = pattern.search(note) if pattern.pattern.startswith(r"\b") else pattern.match(note)
        if m:
            found = (m, with_year)
            break
    if found is None:
        return wrd, wrd, DatePrecision.YEAR, ""
    m, with_year = found
    try:
        y = int(m["y"]) if with_year else year
        start = datetime.date(y, int(m["m"]), int(m["d"]))
        end = start.replace(day=int(m["d2"])) if m["d2"] else start
    except ValueError:
        return wrd, wrd, DatePrecision.YEAR, f"date not understood: {m[0]!r}"
    if start.year != year or end < start:
        return wrd, wrd, DatePrecision.YEAR, f"{m[0]!r} is not in {year} or ends before it starts"
    if not _check_bracket(start, note[m.end():]):
        return wrd, wrd, DatePrecision.YEAR, f"{m[0]!r} disagrees with the weekday or era given"
    return start, end, DatePrecision.DAY, ""


@dataclass(frozen=True, kw_only=True)
class LightupRow:
    """One row of the list, read. ``line``: its line in the file (the header is line 1);
    ``municipalities``: the municipality column split on ``・``; ``start``/``end``/
    ``precision``: ``light_up_dates``; ``date_problem``: why the note's dates were not
    used ("" if none)."""

    line: int
    year: int
    landmark_ja: str
    landmark_en: str
    municipalities: tuple[str, ...]
    prefecture: str
    sources: tuple[str, ...]
    note: str
    start: datetime.date
    end: datetime.date
    precision: str
    date_problem: str = ""

    @property
    def key(self) -> str:
        """``lightup-<year>-<16 hex digits>``: the year and a hash of the folded landmark
        name, municipality and prefecture (what identifies the row across loads)."""
        ident = "|".join((fold(self.landmark_ja or self.landmark_en),
                          MUNICIPALITY_SEPARATOR.join(self.municipalities), self.prefecture))
        return f"lightup-{self.year}-{hashlib.sha256(ident.encode()).hexdigest()[:16]}"

    @property
    def title_ja(self) -> str:
        return f"{self.landmark_ja or self.landmark_en}のブルーライトアップ"

    @property
    def title_en(self) -> str:
        return f"Blue light-up of {self.landmark_en or self.landmark_ja}"


def read_rows(path: Path = LIGHTUPS_FILE) -> tuple[list[LightupRow], list[str]]:
    """``(rows, errors)``: every readable row of the list at ``path`` (UTF-8 CSV with
    ``COLUMNS``) and ``"line N: why"`` for each row that cannot be read. Raises
    ``RecordError`` when the columns are not ``COLUMNS``."""
    rows: list[LightupRow] = []
    errors: list[str] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != COLUMNS:
            raise RecordError(f"{path.name}: columns {reader.fieldnames}, expected {COLUMNS}")
        for line, raw in enumerate(reader, start=2):
            raw = {k: (v or "").strip() for k, v in raw.items()}
            try:
                if not re.fullmatch(r"\d{4}", raw["year"]) or not (
                        FIRST_YEAR <= int(raw["year"]) <= LAST_YEAR):
                    raise RecordError(f"year not understood: {raw['year']!r}")
                if not (raw["landmark_ja"] or raw["landmark_en"]):
                    raise RecordError("no landmark")
                municipalities = tuple(m.strip() for m in
                                       raw["municipality"].split(MUNICIPALITY_SEPARATOR)
                                       if m.strip())
                if not municipalities or not raw["prefecture"]:
                    raise RecordError("no municipality or prefecture")
                sources = tuple(u.strip() for u in raw["sources"].split(" | ") if u.strip())
                if not sources:
                    raise RecordError("no source")
                if any(not u.startswith(("https://", "http://")) for u in sources):
                    raise RecordError("a source is not an http(s) address")
            except RecordError as exc:
                errors.append(f"line {line}: {exc}")
                continue
            year = int(raw["year"])
            start, end, precision, problem = light_up_dates(year, raw["note"])
            rows.append(LightupRow(
                line=line, year=year, landmark_ja=raw["landmark_ja"],
                landmark_en=raw["landmark_en"], municipalities=municipalities,
                prefecture=raw["prefecture"], sources=sources, note=raw["note"], start=start,
                end=end, precision=precision, date_problem=problem))
    return rows, errors


# --- Matching ---------------------------------------------------------------------------------
def municipality_match(name: str, prefecture: str) -> list[LocalGovernment]:
    """The reference Japanese local governments (JIS X 0402) called ``name`` (folded: old
    kanji forms, width) in the prefecture called ``prefecture`` (its Japanese name, e.g.
    "東京都"); the prefecture itself when ``name`` is its name. One match is the answer;
    none or several are reported by the load."""
    wanted = fold(name)
    found = LocalGovernment.objects.with_places().filter(
        country_id="JP", source=LocalGovernment.DataSource.JIS, region__name_ja=prefecture)
    return [lg for lg in found.filter(name__in={name, wanted})
            if fold(lg.name) == wanted] or [
        lg for lg in found.filter(name_ja=name) if fold(lg.name_ja) == wanted]


# --- Loading ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportLine:
    line: int
    year: int
    landmark: str
    municipality: str
    outcome: str
    detail: str = ""


@dataclass
class LightupReport:
    """What ``lightup_records_load`` did: ``rows`` read; ``counts`` per outcome
    (``created``, ``updated``, ``unchanged``, ``not_matched``, ``unreadable``);
    ``landmarks_created``; ``totals`` (reported totals ``created``/``updated``);
    ``up_to_date``: the load was skipped (the dataset's checksum is the one loaded);
    ``lines``: every row not loaded, or whose dates were not used, and every record of an
    earlier load that the file no longer has (``not_in_file``)."""

    rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    landmarks_created: int = 0
    totals: dict[str, int] = field(default_factory=dict)
    up_to_date: bool = False
    lines: list[ReportLine] = field(default_factory=list)

    def add(self, outcome: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1

    @property
    def loaded(self) -> int:
        """Events created or updated by this load."""
        return self.counts.get("created", 0) + self.counts.get("updated", 0)


def dataset_checksum(path: Path = LIGHTUPS_FILE) -> str:
    """SHA-256 of the file at ``path``, ``REPORTED_TOTALS`` and ``LOADER_VERSION``."""
    digest = hashlib.sha256(path.read_bytes())
    digest.update(json.dumps([asdict(t) for t in REPORTED_TOTALS], ensure_ascii=False,
                             sort_keys=True).encode())
    digest.update(LOADER_VERSION.encode())
    return digest.hexdigest()


#: Fields a load sets on an event (and compares on the next load).
EVENT_FIELDS = ["local_government", "kind", "status", "was_approved", "origin", "title_ja",
                "title_en", "all_day", "time_zone", "start_date", "end_date",
                "date_precision", "landmark", "sources", "source_note"]
#: Changes of these fields are news to calendars that have the event (``sequence`` + 1).
CALENDAR_FIELDS = {"title_ja", "title_en", "start_date", "end_date", "date_precision",
                   "landmark", "status"}


def _landmark(row: LightupRow, lg: LocalGovernment, others: list[LocalGovernment],
              cache: dict, report: LightupReport) -> Landmark:
    """The landmark of ``row`` in ``lg``: the one of that Japanese (else English) name, or a
    new one at ``lg``'s point (approximate)."""
    key = (lg.pk, row.landmark_ja, "" if row.landmark_ja else row.landmark_en)
    if key in cache:
        return cache[key]
    lookup = ({"name_ja": row.landmark_ja} if row.landmark_ja
              else {"name_ja": "", "name_en": row.landmark_en})
    landmark = Landmark.objects.filter(local_government=lg, **lookup).order_by("pk").first()
    if landmark is None:
        landmark = Landmark.objects.create(
            local_government=lg, name_ja=row.landmark_ja, name_en=row.landmark_en,
            latitude=lg.latitude, longitude=lg.longitude,
            point_approximate=lg.latitude is not None)
        if others:
            landmark.other_local_governments.add(*others)
        audit_record(target=landmark, action="landmark.seed",
                     note="Loaded from the campaign's records (lightups-japan.csv).")
        report.landmarks_created += 1
    cache[key] = landmark
    return landmark


def _event_values(row: LightupRow, landmark: Landmark) -> dict:
    return {"local_government": landmark.local_government, "kind": EventKind.LIGHT_UP,
            "status": EventStatus.APPROVED, "was_approved": True, "origin": Origin.REFERENCE,
            "title_ja": row.title_ja, "title_en": row.title_en, "all_day": True,
            "time_zone": TIME_ZONE, "start_date": row.start, "end_date": row.end,
            "date_precision": row.precision, "landmark": landmark,
            "sources": " | ".join(row.sources), "source_note": row.note}


def _load_event(row: LightupRow, landmark: Landmark, existing: Event | None,
                report: LightupReport) -> None:
    values = _event_values(row, landmark)
    note = f"Campaign records (lightups-japan.csv), line {row.line}."
    if existing is None:
        event = Event(reference_key=row.key, starts_at=None, ends_at=None, **values)
        event.save()
        audit_record(target=event, action="event.seed", to_state=event.status, note=note)
        report.add("created")
        return
    before = field_values(existing, EVENT_FIELDS)
    for name, value in values.items():
        setattr(existing, name, value)
    after = field_values(existing, EVENT_FIELDS)
    changes = {name: [before[name], after[name]] for name in EVENT_FIELDS
               if before[name] != after[name]}
    if not changes:
        report.add("unchanged")
        return
    update = [*changes, "updated_at"]
    if CALENDAR_FIELDS & set(changes):
        existing.sequence += 1
        update.append("sequence")
    if existing.starts_at is not None or existing.ends_at is not None:
        existing.starts_at = existing.ends_at = None
        update += ["starts_at", "ends_at"]
    existing.save(update_fields=update)
    audit_record(target=existing, action="event.update", from_state=before["status"],
                 to_state=existing.status, changes=changes,
                 note=f"{note} The campaign's records changed.")
    report.add("updated")


def _load_totals(report: LightupReport) -> None:
    for record in REPORTED_TOTALS:
        values = {k: v for k, v in asdict(record).items() if k != "year"}
        row = ReportedTotal.objects.filter(year=record.year).first()
        if row is None:
            row = ReportedTotal.objects.create(year=record.year, **values)
            audit_record(target=row, action="reported_total.seed",
                         note="From shared/reference/README.md with its source.")
            report.totals["created"] = report.totals.get("created", 0) + 1
            continue
        before = field_values(row, list(values))
        for name, value in values.items():
            setattr(row, name, value)
        changes = {n: [before[n], getattr(row, n)] for n in values if before[n] != getattr(row, n)}
        if changes:
            row.save(update_fields=list(changes))
            audit_record(target=row, action="reported_total.update", changes=changes,
                         note="The campaign's records changed.")
            report.totals["updated"] = report.totals.get("updated", 0) + 1


@transaction.atomic
def lightup_records_load(*, path: Path = LIGHTUPS_FILE, force: bool = False) -> LightupReport:
    """Load the list at ``path`` and ``REPORTED_TOTALS`` (see the module docstring); returns
    a ``LightupReport``. Idempotent: unchanged data is skipped as a whole (``up_to_date``)
    unless ``force``; then every row is compared and only differences are written. Each
    event created writes an audit row ``event.seed`` (``event.update`` with the changes
    when a row changed; ``landmark.seed``, ``reported_total.seed``/``update`` likewise)."""
    checksum = dataset_checksum(path)
    report = LightupReport()
    if not force and ReferenceDataset.objects.filter(name=DATASET, checksum=checksum).exists():
        report.up_to_date = True
        report.rows = ReferenceDataset.objects.get(name=DATASET).rows
        report.counts["unchanged"] = report.rows
        return report
    rows, errors = read_rows(path)
    report.rows = len(rows) + len(errors)
    for error in errors:
        report.add("unreadable")
        report.lines.append(ReportLine(int(error.split(":")[0].removeprefix("line ")), 0, "",
                                       "", "unreadable", error))
    existing = {e.reference_key: e for e in Event.objects.filter(origin=Origin.REFERENCE)
                .exclude(reference_key="").select_related("landmark")}
    cache: dict = {}
    for row in rows:
        matches = [municipality_match(name, row.prefecture) for name in row.municipalities]
        if any(len(found) != 1 for found in matches):
            report.add("not_matched")
            detail = "; ".join(f"{name}: {len(found)} reference local governments"
                               for name, found in zip(row.municipalities, matches, strict=True)
                               if len(found) != 1)
            report.lines.append(ReportLine(row.line, row.year, row.landmark_ja or
                                           row.landmark_en, MUNICIPALITY_SEPARATOR.join(
                                               row.municipalities), "not_matched", detail))
            continue
        lg, *others = [found[0] for found in matches]
        landmark = _landmark(row, lg, others, cache, report)
        _load_event(row, landmark, existing.pop(row.key, None), report)
        if row.date_problem:
            report.lines.append(ReportLine(row.line, row.year, row.landmark_ja,
                                           row.municipalities[0], "dates_not_used",
                                           row.date_problem))
    for key, event in sorted(existing.items()):
        if key.startswith("lightup-"):
            report.lines.append(ReportLine(0, event.start_date.year, str(event.landmark or ""),
                                           "", "not_in_file", f"event {event.pk} ({key})"))
    _load_totals(report)
    if not report.counts.get("not_matched") and not report.counts.get("unreadable"):
        ReferenceDataset.objects.update_or_create(
            name=DATASET, defaults={"checksum": checksum, "rows": report.rows})
    return report
