"""Checks followed by inserts, under concurrent requests on PostgreSQL (issue 6, section 4):
every rule that a burst of simultaneous sign POSTs could break has a database constraint or
a lock behind it. SQLite runs one writing transaction at a time and hides these races, so
the tests run on PostgreSQL only (CI runs the suite with DATABASE_URL)."""

import pytest
from django.test import Client

from withrefugees.campaign import services
from withrefugees.campaign.models import Signature
from withrefugees.campaign.selectors import statement_text_current
from withrefugees.places.models import Country, LocalGovernment
from withrefugees.places.services import local_government_submit

from .concurrency import (  # noqa: F401 (fixtures)
    ON_POSTGRESQL,
    at_once,
    reference_data,
    restore_data_after_module,
)
from .test_signing import form_data

pytestmark = [ON_POSTGRESQL, pytest.mark.usefixtures("reference_data")]


def unsigned_places(count: int) -> list[LocalGovernment]:
    """Japanese municipalities without any signature."""
    return list(LocalGovernment.objects.filter(source="jis_x0402", kind="town")
                .exclude(signatures__isnull=False).order_by("jis_code")[:count])


def post(data: dict, ip: str = "127.0.0.1") -> int:
    return Client(REMOTE_ADDR=ip).post("/ja/sign/", data).status_code


def ja_hash() -> str:
    return statement_text_current("ja").content_hash


@pytest.mark.parametrize("spellings", [
    ["Gemeinde Neudorf"] * 4,
    ["Gemeinde Neudorf", "GEMEINDE NEUDORF", "Ｇｅｍｅｉｎｄｅ Ｎｅｕｄｏｒｆ", "gemeinde neudorf"],
    ["Zürichberg", "Zurichberg", "ZÜRICHBERG", "zürichberg"],
], ids=["same", "case-and-width", "accents"])
def test_simultaneous_not_in_the_list_submissions_create_the_place_once(mailoutbox,
                                                                        spellings):
    def submit(index):
        return post(form_data(place_query="", local_government="", not_listed="on",
                              new_name=spellings[index], new_country="DE",
                              new_region=f"Region {index}", statement_hash=ja_hash(),
                              email=f"office{index}@gemeinde.example.de"))

    for _round in range(3):
        results = at_once(len(spellings), submit)
        assert results == [302] * len(spellings)
        places = LocalGovernment.objects.filter(source="submitted", country="DE")
        assert places.count() == 1
        assert Signature.objects.filter(local_government=places.get()).count() == len(spellings)
        assert len(mailoutbox) == len(spellings)
        Signature.objects.all().filter(local_government__source="submitted").delete()
        places.delete()
        mailoutbox.clear()


def test_the_service_creates_one_row_for_simultaneous_calls():
    country = Country.objects.get(pk="FR")
    rows = at_once(6, lambda i: local_government_submit(
        name="Commune de Bellevue-sur-Mer" if i % 2 else "COMMUNE DE BELLEVUE-SUR-MER",
        country=country, region_text="Normandie").pk)
    assert len(set(rows)) == 1, rows
    assert LocalGovernment.objects.filter(source="submitted", country="FR").count() == 1


def test_twelve_simultaneous_submissions_with_one_mailbox_make_five_signatures(mailoutbox):
    places = unsigned_places(12)

    def submit(index):
        lg = places[index]
        return post(form_data(place_query=lg.name, local_government=str(lg.pk),
                              statement_hash=ja_hash(), email=f"hanako+{index}@example.jp"))

    results = at_once(12, submit)
    assert sorted(results) == [302] * services.MAILBOX_MAX_PER_SENDER + [400] * 7
    made = Signature.objects.filter(email_canonical="hanako@example.jp")
    assert made.count() == services.MAILBOX_MAX_PER_SENDER
    assert len(mailoutbox) == services.MAILBOX_MAX_PER_SENDER


def test_the_cap_per_mailbox_holds_for_simultaneous_senders(mailoutbox):
    """Six networks, four submissions each, at once: each network is within its own limit,
    the mailbox gets at most ``MAILBOX_MAX_PER_DAY``."""
    places = unsigned_places(24)

    def submit(index):
        lg = places[index]
        return post(form_data(place_query=lg.name, local_government=str(lg.pk),
                              statement_hash=ja_hash(), email="target@example.jp"),
                    ip=f"198.51.100.{index % 6 + 1}")

    results = at_once(24, submit)
    assert results.count(302) == services.MAILBOX_MAX_PER_DAY
    assert results.count(400) == 24 - services.MAILBOX_MAX_PER_DAY
    assert Signature.objects.filter(email_canonical="target@example.jp").count() == (
        services.MAILBOX_MAX_PER_DAY)
    assert len(mailoutbox) == services.MAILBOX_MAX_PER_DAY
