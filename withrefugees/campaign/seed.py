"""The campaign's own records, loaded on first run (idempotent).

- Statement version 1: Japanese text verbatim from the campaign brochure's section
  「賛同表明文」 (shared/seed, see data/statement_v1_ja.txt); English text a faithful
  translation, flagged ``is_translation`` until staff replace it with the official text.
- The Japanese participants named in the brochure: 東京都, 広島市, 文京区, 渋谷区 (JIS X 0402
  codes below), published, with their signing dates unknown (``signed_on`` empty).
  Each gets an audit row ``signature.seed`` (no actor: the platform) with that note.
- A starting list of rejection reasons, which staff manage in the admin.
- The campaign's attested list of signatories (``data/signatories.csv``: 113 rows in 32
  countries, all 20 in Japan as of 28 November 2025), with their sources and dates at
  their precision: ``signatory_records_load`` (command ``load_signatory_records``, run by
  the release step after ``load_campaign_data``). The four brochure participants are rows
  of it: their signatures gain the date "on or before 2 May 2022" and their sources.
"""

import csv
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from withrefugees.core.audit import audit_record
from withrefugees.places.models import Country, LocalGovernment, Region
from withrefugees.places.services import local_government_submit

from . import services
from .models import (
    RejectionReason,
    SignatoryRecord,
    Signature,
    StatementText,
    StatementVersion,
)
from .records import SIGNATORIES_FILE, MatchCode, PlaceMatch, RecordRow, place_match, read_rows
from .services import RecordOutcome

SEED_NOTE = "Named as a participant in the campaign brochure."

DATA = Path(__file__).resolve().parent / "data"
# 東京都, 広島市, 文京区, 渋谷区 (JIS X 0402 with check digit).
BROCHURE_PARTICIPANTS = ["130001", "341002", "131059", "131130"]
REJECTION_REASONS = [
    ("地方公共団体からの署名であることを確認できませんでした", "We could not confirm that the signature "
     "comes from the local government"),
    ("同じ地方公共団体の重複した署名です", "Duplicate signature for the same local government"),
    ("記入内容が不完全です", "The information given is incomplete"),
    ("地方公共団体ではありません", "Not a local or regional government"),
]


@transaction.atomic
def campaign_seed_load() -> dict[str, int]:
    """Create what is missing; never overwrite staff edits. Returns counts created."""
    created = {"statement_texts": 0, "signatures": 0, "rejection_reasons": 0}
    version, _ = StatementVersion.objects.get_or_create(
        number=1, defaults={"is_current": not StatementVersion.objects.filter(
            is_current=True).exists(), "note": "Cities #WithRefugees statement"})
    for lang, title, is_translation in (
        ("ja", "Cities #WithRefugees 賛同表明文", False),
        ("en", "Cities #WithRefugees statement", True),
    ):
        if not version.texts.filter(language=lang).exists():
            body = (DATA / f"statement_v1_{lang}.txt").read_text(encoding="utf-8").strip()
            StatementText.objects.create(version=version, language=lang, title=title,
                                         body=body, is_translation=is_translation)
            created["statement_texts"] += 1
    text_ja = version.texts.get(language="ja")
    for code in BROCHURE_PARTICIPANTS:
        lg = LocalGovernment.objects.filter(jis_code=code).first()
        if lg is None or lg.signatures.exists():
            continue
        signature = Signature.objects.create(
            local_government=lg, status=Signature.Status.PUBLISHED,
            origin=Signature.Origin.CAMPAIGN_RECORD, statement_text=text_ja,
            statement_hash=text_ja.content_hash, language="ja", signed_on=None,
            published_at=timezone.now(),
        )
        audit_record(target=signature, action="signature.seed", to_state=signature.status,
                     note=SEED_NOTE)
        created["signatures"] += 1
    if not RejectionReason.objects.exists():
        for i, (ja, en) in enumerate(REJECTION_REASONS):
            RejectionReason.objects.create(label_ja=ja, label_en=en, position=i)
            created["rejection_reasons"] += 1
    return created


# --- The campaign's attested list of signatories ------------------------------------------
@dataclass(frozen=True)
class ReportLine:
    """A row of the load report: the row's ``line`` in the file, its name, country and
    region as the list gives them, what happened (``outcome``: a ``records.MatchCode`` or
    ``services.RecordOutcome`` value, or ``unreadable``) and why (``detail``)."""

    line: int
    name: str
    country: str
    region: str
    outcome: str
    detail: str = ""


@dataclass
class RecordsReport:
    """What ``signatory_records_load`` did: ``counts`` per outcome (``created``,
    ``attached``, ``already_signed``, ``unchanged``, ``not_loaded``, ``unreadable``) and
    ``new_places``; ``lines``: every row that did not simply match a reference place, or
    was not loaded (the report asked for by issue 6 §11)."""

    rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    new_places: int = 0
    lines: list[ReportLine] = field(default_factory=list)

    def add(self, outcome: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1

    def write_csv(self, path: Path) -> None:
        """The report lines as UTF-8 CSV (columns of ``ReportLine``)."""
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["line", "name", "country", "region", "outcome", "detail"])
            for r in self.lines:
                writer.writerow([r.line, r.name, r.country, r.region, r.outcome, r.detail])


def _load_order(rows: list[RecordRow]) -> list[RecordRow]:
    """Outside Japan in the list's order, then Japan in signing order: the last loaded is
    the latest signatory, which the home page's "recent" list (newest publication first)
    then shows first."""
    world = [r for r in rows if not r.in_japan]
    japan = sorted((r for r in rows if r.in_japan),
                   key=lambda r: (r.signing_order is None, r.signing_order or 0, r.line))
    return world + japan


def _new_place(row: RecordRow, match: PlaceMatch) -> LocalGovernment:
    """A place for a row outside Japan that the reference data does not hold (kind
    ``other``, through ``places.services.local_government_submit``): its English name,
    the country, and the region when the text names a top-level ISO 3166-2 subdivision,
    else the region as the list writes it."""
    country = Country.objects.get(code=row.country)
    sub = match.region
    region = (Region.objects.filter(code=sub.code).first()
              if sub is not None and not getattr(sub, "parent_code", None) else None)
    return local_government_submit(name=row.name_en, country=country,
                                   region_text="" if region else row.region, region=region)


@transaction.atomic
def signatory_records_load(*, path: Path = SIGNATORIES_FILE) -> RecordsReport:
    """Load the campaign's list of signatories (``records`` reads and matches each row;
    ``services.signatory_record_load`` writes it). Idempotent: a second run finds every
    row's key and changes nothing. Rows are matched to reference places; a row outside
    Japan that matches none gets a new place (kind ``other``, ``source=submitted``) and is
    reported; an ambiguous row, or a Japanese row that matches no JIS X 0402 entry, is
    reported and not loaded. Needs statement version 1 (``campaign_seed_load``).
    Returns a ``RecordsReport``."""
    rows, errors = read_rows(path)
    report = RecordsReport(rows=len(rows) + len(errors))
    for error in errors:
        report.add("unreadable")
        line = int(error.split(":")[0].removeprefix("line "))
        report.lines.append(ReportLine(line, "", "", "", "unreadable", error))
    loaded = set(SignatoryRecord.objects.values_list("key", flat=True))
    now = timezone.now()
    for i, row in enumerate(_load_order(rows)):
        if row.key in loaded:
            report.add(RecordOutcome.UNCHANGED)
            continue
        match = place_match(row)
        if match.code == MatchCode.MATCHED:
            lg, kind = match.local_government, SignatoryRecord.Match.REFERENCE
        elif match.code == MatchCode.NOT_LISTED:
            lg, kind = _new_place(row, match), SignatoryRecord.Match.NEW_PLACE
            report.new_places += 1
        else:
            report.add("not_loaded")
            names = "; ".join(f"{c.label} (GeoNames {c.geonames_id})" if c.geonames_id
                              else c.label for c in match.candidates)
            report.lines.append(ReportLine(row.line, row.name, row.country, row.region,
                                           match.code, names))
            continue
        record, outcome = services.signatory_record_load(
            row=row, local_government=lg, match=kind,
            published_at=now + timedelta(microseconds=i))
        loaded.add(row.key)
        report.add(outcome)
        if kind == SignatoryRecord.Match.NEW_PLACE:
            report.lines.append(ReportLine(row.line, row.name, row.country, row.region,
                                           MatchCode.NOT_LISTED,
                                           f"new place #{lg.pk} ({outcome})"))
        elif outcome == RecordOutcome.ALREADY_SIGNED:
            report.lines.append(ReportLine(row.line, row.name, row.country, row.region,
                                           outcome, f"{lg.label}: its own signature is kept"))
    services.signatory_record_sort_dates()
    return report
