"""The database's own invariants of step 3 (constraints that hold whatever a caller does)."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from tests.factories import EventFactory, LandmarkFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db


def test_factories_make_valid_records():
    event = EventFactory()
    assert event.is_public
    light_up = EventFactory(kind="light_up", landmark=LandmarkFactory())
    assert light_up.landmark.local_government.jis_code == "132063"
    request = SupportRequestFactory()
    assert request.items.get().quantity == 50


@pytest.mark.parametrize("values", [
    {"kind": "light_up", "landmark": None},
    {"title_ja": "", "title_en": ""},
    {"end_date": datetime.date(2027, 6, 19)},
    {"all_day": True},  # times kept with an all-day event
    {"ends_at": datetime.datetime(2027, 6, 20, 0, 0, tzinfo=datetime.UTC)},
    {"kind": "party"},
    {"status": "published"},
    {"image": "events/x.png", "image_alt": ""},
    {"latitude": 91, "longitude": 0},
    {"date_precision": "year"},
])
def test_constraints_refuse(values):
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(**values)
