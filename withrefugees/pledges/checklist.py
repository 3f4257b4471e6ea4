"""What the GCR asks of a pledge, item by item, and which are still missing: the builder
shows it beside the form (each item links to its field), and ``services.pledge_submit``
refuses a pledge while anything is missing. A draft saves even when incomplete.

Sources (``shared/reference/gcr-pledge-fields.md``, cited as §n and S1…S13):

- title ("Summary heading for this pledge"), description ("Pledge description"), expected
  impact ("Expected impact of the pledge in one sentence"): the 2023 form's sections, S8,
  §2.2;
- at least one kind of pledge (the types of contribution, S1, S2, S3; the three kinds of
  the campaign brochure), at least one GCR objective (S2, S9), at least one area of focus
  (S1, S9 for GRF 2019; S10 for 2023), §2.2;
- at least one measurable target: the 2023 quality criteria ask that pledges be
  "quantifiable" (S3, §2.2); progress is reported against them (§2.5);
- a contact person's name and email: UNHCR asks to be told when they change (S4, §2.1);
- the English title, description and expected impact: the GCR's forms and platform work
  in English (S5, S8; the 2023 section labels are English), and the English .docx falls
  back to the Japanese text without them;
- the timeframe (start and end): not a labelled GCR field (§2.4 "Timeline / duration":
  not found), but S4 says implementation timelines differ between pledges and progress is
  reported in stages over time; the platform asks for both dates so that reminders and
  the GCR have them.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Pledge


@dataclass(frozen=True)
class ChecklistItem:
    """One thing the GCR asks for: ``key``, ``label`` (lazy, translated), ``done``, and
    ``field_id``: the id of the builder's field to fill it in (a link ``#field_id``)."""

    key: str
    label: str | Promise
    done: bool
    field_id: str


def _has(*values: str) -> bool:
    return any((value or "").strip() for value in values)


def pledge_checklist(pledge: Pledge) -> list[ChecklistItem]:
    """The checklist of ``pledge`` (saved), in the builder's order. Uses the prefetched
    areas and targets when there are (``selectors_officer``): no query then."""
    has_pk = pledge.pk is not None
    areas = list(pledge.areas.all()) if has_pk else []
    targets = list(pledge.targets.all()) if has_pk else []
    return [
        ChecklistItem("title", _("A title"), _has(pledge.title_ja, pledge.title_en),
                      "id_title_ja"),
        ChecklistItem("title_en", _("The title in English (the GCR works in English)"),
                      _has(pledge.title_en), "id_title_en"),
        ChecklistItem("description", _("A description"),
                      _has(pledge.description_ja, pledge.description_en),
                      "id_description_ja"),
        ChecklistItem("description_en",
                      _("The description in English (the GCR works in English)"),
                      _has(pledge.description_en), "id_description_en"),
        ChecklistItem("expected_impact", _("The expected impact, in one sentence"),
                      _has(pledge.expected_impact_ja, pledge.expected_impact_en),
                      "id_expected_impact_ja"),
        ChecklistItem("expected_impact_en",
                      _("The expected impact in English (the GCR works in English)"),
                      _has(pledge.expected_impact_en), "id_expected_impact_en"),
        ChecklistItem("kinds", _("At least one kind of pledge"), bool(pledge.kinds),
                      "id_kinds_0"),
        ChecklistItem("objectives", _("At least one GCR objective"), bool(pledge.objectives),
                      "id_objectives_0"),
        ChecklistItem("areas", _("At least one area of focus"), bool(areas), "id_areas_0"),
        ChecklistItem("timeframe", _("The timeframe (start and end)"),
                      pledge.starts_on is not None and pledge.ends_on is not None,
                      "id_starts_on" if pledge.starts_on is None else "id_ends_on"),
        ChecklistItem("targets", _("At least one measurable target"), bool(targets),
                      "id_targets-0-indicator"),
        ChecklistItem("contact_name", _("The contact person's name"),
                      _has(pledge.contact_name), "id_contact_name"),
        ChecklistItem("contact_email", _("The contact person's email"),
                      _has(pledge.contact_email), "id_contact_email"),
    ]


def new_pledge_checklist() -> list[ChecklistItem]:
    """The checklist of a pledge not saved yet (the empty builder): everything missing."""
    return pledge_checklist(Pledge())


def missing(pledge: Pledge) -> list[ChecklistItem]:
    """The items of ``pledge_checklist`` not done yet (empty: ready to submit)."""
    return [item for item in pledge_checklist(pledge) if not item.done]
