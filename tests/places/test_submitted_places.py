"""Places typed in by signers ("not in the list"): one row per country and folded name,
backed by a partial UniqueConstraint (issue 6, section 4), and what one unconfirmed
submitter typed never shapes what a later submitter sees (section 8)."""

import importlib
from unittest import mock

import pytest
from django.db import IntegrityError, connection, transaction

from tests.campaign.test_signing import confirm_url_from, sign
from withrefugees.campaign import services, tokens
from withrefugees.campaign.models import Signature
from withrefugees.places.models import Country, LocalGovernment
from withrefugees.places.selectors import ListedCode, local_government_listed_match
from withrefugees.places.services import local_government_submit

pytestmark = pytest.mark.django_db
URL_REGION = "Visit https://refund.example/claim"


def submit(name: str, country: str = "FR", region_text: str = "") -> LocalGovernment:
    return local_government_submit(name=name, country=Country.objects.get(pk=country),
                                   region_text=region_text)


def test_one_row_per_country_and_folded_name():
    first = submit("Commune de Bellevue", region_text="Bretagne")
    assert submit("COMMUNE DE BELLEVUE").pk == first.pk
    assert submit("Ｃｏｍｍｕｎｅ ｄｅ Ｂｅｌｌｅｖｕｅ").pk == first.pk
    assert submit("Commune de Bellevue", country="BE").pk != first.pk
    assert LocalGovernment.objects.filter(source="submitted").count() == 2


def test_the_database_refuses_a_second_row_for_the_same_name():
    first = submit("Commune de Bellevue")
    twin = LocalGovernment(kind="other", source="submitted", country=first.country,
                           name="commune de bellevue")
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    # Reference rows with the same name are not concerned.
    LocalGovernment.objects.create(kind="world_city", source="geonames", geonames_id=1,
                                   country=first.country, name="Commune de Bellevue")


def test_a_row_created_meanwhile_is_returned_instead_of_failing():
    """The insert loses to a concurrent one (the look-up saw nothing): undone to a
    savepoint, the winner's row is returned (tested for real in test_races_pg)."""
    winner = submit("Commune de Bellevue", region_text="Bretagne")
    first = LocalGovernment.objects.none().__class__.first
    calls = []

    def lookup(queryset):
        calls.append(1)
        return None if len(calls) == 1 else first(queryset)

    with mock.patch("django.db.models.query.QuerySet.first", lookup):
        again = submit("commune de bellevue", region_text="Other")
    assert again.pk == winner.pk and again.region_text == "Bretagne"
    assert LocalGovernment.objects.filter(source="submitted").count() == 1


def test_the_folded_check_against_reference_places_still_refuses_listed_ones():
    assert local_government_listed_match(name="City of Paris", country="FR").code == \
        ListedCode.LISTED
    submit("Commune de Bellevue")
    assert local_government_listed_match(name="Commune de Bellevue", country="FR").code == \
        ListedCode.NOT_LISTED  # typed-in rows are not reference places


def sign_new_place(client, region: str, email: str):
    return sign(client, lang="en", place_query="", local_government="", not_listed="on",
                new_name="Gemeinde Beispielstadt", new_country="DE", new_region=region,
                email=email, submission_key=None)


def test_an_unconfirmed_submitters_region_text_is_not_shown_to_the_next(client,
                                                                         mailoutbox):
    assert sign_new_place(client, URL_REGION, "first@beispiel.example.de").status_code == 302
    client.cookies.clear()  # the second submitter: another person
    response = sign_new_place(client, "Sachsen", "second@beispiel.example.de")
    assert response.status_code == 302
    lg = LocalGovernment.objects.get(name="Gemeinde Beispielstadt")
    first, second = Signature.objects.filter(local_government=lg).order_by("pk")
    # The second's email and "sent" page show the second's region, never the URL.
    mail = mailoutbox[-1]
    assert mail.to == ["second@beispiel.example.de"]
    assert "Sachsen" in mail.body and "https://refund.example" not in mail.body
    assert "https://refund.example" not in mail.subject
    page = client.get("/en/sign/sent/").content.decode()
    assert "Sachsen" in page and "refund.example" not in page
    # Each signature keeps what its own submitter typed.
    assert (first.region_text, second.region_text) == (URL_REGION, "Sachsen")
    assert URL_REGION in first.place_label and "Sachsen" in second.place_label
    assert lg.region_text == "Sachsen"


def test_a_later_submitter_without_a_region_sees_none(client, mailoutbox):
    sign_new_place(client, URL_REGION, "first@beispiel.example.de")
    client.cookies.clear()
    sign_new_place(client, "", "second@beispiel.example.de")
    assert "refund.example" not in mailoutbox[-1].body
    assert "refund.example" not in client.get("/en/sign/sent/").content.decode()


def test_the_confirmed_signers_region_is_the_places(client, mailoutbox):
    """Public pages show a typed-in place only once a signature of it is confirmed and
    published: then with the confirmed signer's region, not a later submitter's."""
    sign_new_place(client, "Sachsen", "first@beispiel.example.de")
    client.cookies.clear()
    sign_new_place(client, URL_REGION, "second@beispiel.example.de")
    lg = LocalGovernment.objects.get(name="Gemeinde Beispielstadt")
    assert lg.region_text == URL_REGION  # the latest, unconfirmed, submitter's...
    first = Signature.objects.filter(local_government=lg).order_by("pk").first()
    assert client.post(confirm_url_from(mailoutbox[0]), {"action": "confirm"},
                       follow=True).status_code == 200
    lg.refresh_from_db()
    assert lg.region_text == "Sachsen"  # ...until the first confirms
    first.refresh_from_db()
    assert first.status == Signature.Status.PENDING and "Sachsen" in first.place_label
    # Later submitters are refused as duplicates and change nothing.
    client.cookies.clear()
    assert sign_new_place(client, URL_REGION, "third@beispiel.example.de").status_code == 400
    lg.refresh_from_db()
    assert lg.region_text == "Sachsen"


def test_the_service_confirms_with_the_signers_own_region(django_capture_on_commit_callbacks,
                                                          mailoutbox, client):
    sign_new_place(client, "Sachsen", "first@beispiel.example.de")
    client.cookies.clear()
    sign_new_place(client, URL_REGION, "second@beispiel.example.de")
    first = Signature.objects.order_by("pk").filter(region_text="Sachsen").get()
    services.signature_confirm(token=tokens.confirmation_token(first))
    assert LocalGovernment.objects.get(pk=first.local_government_id).region_text == "Sachsen"


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="drops the constraint inside the test's transaction: PostgreSQL "
                           "has transactional DDL")
def test_the_migration_merges_places_typed_in_twice_before_the_constraint(client):
    from django.apps import apps

    from tests.campaign.services.conftest import signature_in

    migration = importlib.import_module(
        "withrefugees.places.migrations.0002_submitted_place_unique")
    constraint = next(c for c in LocalGovernment._meta.constraints
                      if c.name == "one_submitted_place_per_country_and_name")
    with connection.schema_editor() as editor:
        editor.remove_constraint(LocalGovernment, constraint)
    country = Country.objects.get(pk="DE")
    rows = [LocalGovernment.objects.create(kind="other", source="submitted", country=country,
                                           name=name) for name in ("Neudorf", "NEUDORF")]
    waiting = signature_in(Signature.Status.UNCONFIRMED, local_government=rows[0])
    published = signature_in(Signature.Status.PUBLISHED, local_government=rows[1])
    with connection.schema_editor() as editor:
        migration.merge_duplicate_submitted_places(apps, editor)
        editor.add_constraint(LocalGovernment, constraint)
    assert list(LocalGovernment.objects.filter(source="submitted", country=country)) == \
        [rows[1]]  # the published signature's place is kept
    for signature in (waiting, published):
        signature.refresh_from_db()
        assert signature.local_government_id == rows[1].pk
