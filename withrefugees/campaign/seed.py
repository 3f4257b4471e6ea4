"""The campaign's own records, loaded on first run (idempotent).

- Statement version 1: Japanese text verbatim from the campaign brochure's section
  「賛同表明文」 (shared/seed, see data/statement_v1_ja.txt); English text a faithful
  translation, flagged ``is_translation`` until staff replace it with the official text.
- The Japanese participants named in the brochure: 東京都, 広島市, 文京区, 渋谷区 (JIS X 0402
  codes below), published, with their signing dates unknown (``signed_on`` empty).
  Each gets an audit row ``signature.seed`` (no actor: the platform) with that note.
- A starting list of rejection reasons, which staff manage in the admin.
"""

from pathlib import Path

from django.db import transaction
from django.utils import timezone

from withrefugees.core.audit import audit_record
from withrefugees.places.models import LocalGovernment

from .models import RejectionReason, Signature, StatementText, StatementVersion

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
