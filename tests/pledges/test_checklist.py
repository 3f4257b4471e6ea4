"""The checklist of what the GCR asks of a pledge (``pledges.checklist``)."""

import pytest
from django.utils import translation

from tests.factories import PledgeFactory, PledgeTargetFactory
from withrefugees.pledges.checklist import ChecklistItem, missing, pledge_checklist
from withrefugees.pledges.models import Pledge
from withrefugees.pledges.selectors_officer import workspace_pledge

pytestmark = pytest.mark.django_db

KEYS = ["title", "title_en", "description", "description_en", "expected_impact",
        "expected_impact_en", "kinds", "objectives", "areas", "timeframe", "targets",
        "contact_name", "contact_email"]


def keys(items) -> list[str]:
    return [item.key for item in items]


def test_a_complete_pledge_misses_nothing(lg):
    pledge = PledgeFactory(local_government=lg)
    PledgeTargetFactory(pledge=pledge)
    items = pledge_checklist(pledge)
    assert keys(items) == KEYS and all(item.done for item in items)
    assert missing(pledge) == []


def test_an_empty_draft_misses_everything_but_its_title(lg):
    pledge = Pledge.objects.create(local_government=lg, title_ja="題だけ")
    assert keys(missing(pledge)) == KEYS[1:]


@pytest.mark.parametrize("change, key", [
    ({"title_en": ""}, "title_en"),
    ({"description_ja": ""}, None),
    ({"description_en": "  "}, "description_en"),
    ({"expected_impact_en": ""}, "expected_impact_en"),
    ({"expected_impact_en": " \n "}, "expected_impact_en"),
    ({"expected_impact_ja": ""}, None),
    ({"kind_policy": False}, "kinds"),
    ({"objective_self_reliance": False}, "objectives"),
    ({"starts_on": None}, "timeframe"),
    ({"ends_on": None}, "timeframe"),
    ({"contact_name": ""}, "contact_name"),
    ({"contact_email": ""}, "contact_email"),
])
def test_each_item_is_missing_on_its_own(lg, change, key):
    pledge = PledgeFactory(local_government=lg, **change)
    PledgeTargetFactory(pledge=pledge)
    assert keys(missing(pledge)) == ([key] if key else [])


def test_no_description_at_all_misses_both(lg):
    pledge = PledgeFactory(local_government=lg, description_ja="", description_en="")
    PledgeTargetFactory(pledge=pledge)
    assert keys(missing(pledge)) == ["description", "description_en"]


def test_no_expected_impact_at_all_misses_both(lg):
    pledge = PledgeFactory(local_government=lg, expected_impact_ja="", expected_impact_en="")
    PledgeTargetFactory(pledge=pledge)
    assert keys(missing(pledge)) == ["expected_impact", "expected_impact_en"]


def test_the_english_expected_impact_links_to_its_field_and_is_translated(lg):
    pledge = Pledge.objects.create(local_government=lg, title_ja="題")
    item = {item.key: item for item in pledge_checklist(pledge)}["expected_impact_en"]
    assert item.field_id == "id_expected_impact_en" and not item.done
    with translation.override("en"):
        assert str(item.label) == (
            "The expected impact in English (the GCR works in English)")
    with translation.override("ja"):
        assert str(item.label) == "英語の期待される効果（GCRでは英語が使われます）"


def test_no_area_and_no_target(lg):
    pledge = PledgeFactory(local_government=lg, areas=[])
    assert keys(missing(pledge)) == ["areas", "targets"]


def test_japanese_title_alone_is_a_title_but_not_the_english_one(lg):
    pledge = PledgeFactory(local_government=lg, title_en="")
    PledgeTargetFactory(pledge=pledge)
    assert keys(missing(pledge)) == ["title_en"]


def test_items_link_to_the_builders_fields_and_are_translated(lg):
    pledge = Pledge.objects.create(local_government=lg, title_ja="題")
    items = {item.key: item for item in pledge_checklist(pledge)}
    assert items["targets"].field_id == "id_targets-0-indicator"
    assert items["kinds"].field_id == "id_kinds_0"
    assert items["timeframe"].field_id == "id_starts_on"
    assert isinstance(items["title"], ChecklistItem)
    with translation.override("en"):
        assert str(items["targets"].label) == "At least one measurable target"
    with translation.override("ja"):
        assert str(items["targets"].label)  # a string in either language


def test_the_checklist_uses_prefetched_parts(lg, django_assert_num_queries):
    pledge = PledgeFactory(local_government=lg)
    PledgeTargetFactory(pledge=pledge)
    loaded = workspace_pledge(lg, pledge.pk)
    with django_assert_num_queries(0):
        assert missing(loaded) == []
