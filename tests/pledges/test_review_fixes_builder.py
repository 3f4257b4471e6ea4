"""Faults found by the review of the pledge builder (issue 10, step 4): the Japanese label of
the countries (its own msgid, not the home page's figure "Countries" = 国数), "Save and
submit" submitting an older autosaved text, and duplicate drafts from a second POST of the
new-pledge form (its one-time ``draft_key``)."""

import json
import re
import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.campaign.concurrency import (  # noqa: F401 (fixtures)
    reference_data,
    restore_data_after_module,
)
from tests.pledges.test_builder_views import AJAX, form_data
from withrefugees.core.models import AuditEntry
from withrefugees.pledges import services
from withrefugees.pledges.models import Pledge


def url(name, lg, *args):
    return reverse(f"workspace:{name}", args=[lg.pk, *args])


def _label(page: str, field_id: str) -> str:
    match = re.search(rf'<label[^>]*for="{field_id}"[^>]*>(.*?)</label>', page, re.S)
    assert match, field_id
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def _draft_key(page: str) -> str:
    match = re.search(r'<input type="hidden" name="draft_key" value="([0-9a-f]{32})">', page)
    assert match, "no draft_key in the builder"
    return match.group(1)


# --- 1. Labels with their own msgids --------------------------------------------------------
@pytest.mark.django_db
def test_japanese_builder_labels_mean_what_they_label(client, lg, officer):
    client.force_login(officer)
    with translation.override("ja"):
        page = client.get(url("pledge_new", lg)).content.decode()
    assert _label(page, "id_countries").startswith("対象となる国")
    assert "国数" not in page  # the home page's "number of countries"
    assert _label(page, "id_starts_on").startswith("開始日")
    assert _label(page, "id_ends_on").startswith("終了日")
    with translation.override("en"):
        page = client.get(url("pledge_new", lg)).content.decode()
    assert _label(page, "id_countries").startswith("Countries where it applies")


# --- 2. "Save and submit": the final text is what is submitted ------------------------------
def edit_data(**overrides) -> dict:
    """``form_data`` as the builder of the saved pledge posts it (its target row is an
    initial form)."""
    return form_data(**{"targets-INITIAL_FORMS": "1", **overrides})


def _complete_draft(client, lg, title="Old title") -> Pledge:
    client.post(url("pledge_new", lg), form_data(title_en=title))
    return Pledge.objects.get(title_en=title)


@pytest.mark.django_db
def test_an_autosave_sent_before_save_and_submit_never_lands_after_the_final_text(
        client, lg, officer, monkeypatch):
    """The autosave (sent earlier by the script) reaches the server while "Save and submit"
    is between its save and its submission. A concurrent request that writes the pledge
    waits while the flow holds the pledge's row in an open transaction (the row lock on
    PostgreSQL, the write lock on SQLite): it is played here when the flow's transaction is
    over, or at once if the flow has none open then (the fault: two transactions)."""
    client.force_login(officer)
    pledge = _complete_draft(client, lg)
    other_tab = Client()
    other_tab.force_login(officer)
    edit = url("pledge_edit", lg, pledge.pk)

    def stale_autosave():
        return other_tab.post(edit, edit_data(title_en="Stale autosave"), **AJAX)

    real_submit = services.pledge_submit
    baseline = len(connection.atomic_blocks)  # the test's own transaction
    waiting, answers = [], []

    def submit_after_a_stale_autosave(*, pledge, actor):
        if len(connection.atomic_blocks) > baseline:
            waiting.append(stale_autosave)  # blocked until the flow's transaction ends
        else:
            answers.append(stale_autosave())
        return real_submit(pledge=pledge, actor=actor)

    monkeypatch.setattr(services, "pledge_submit", submit_after_a_stale_autosave)
    response = client.post(edit, edit_data(title_en="Final title", submit_now="1"))
    assert response.status_code == 302
    answers += [late() for late in waiting]
    pledge.refresh_from_db()
    assert pledge.status == "submitted" and pledge.title_en == "Final title"
    assert [a.status_code for a in answers] == [400]  # refused: no longer editable
    assert json.loads(answers[0].content)["ok"] is False
    update = AuditEntry.objects.filter(object_id=str(pledge.pk),
                                       action="pledge.update").latest("pk")
    assert update.changes["title_en"] == ["Old title", "Final title"]


@pytest.mark.django_db
def test_an_autosave_that_lands_first_is_overwritten_by_the_final_text(client, lg, officer):
    client.force_login(officer)
    pledge = _complete_draft(client, lg)
    edit = url("pledge_edit", lg, pledge.pk)
    assert client.post(edit, edit_data(title_en="Stale autosave"), **AJAX).status_code == 200
    client.post(edit, edit_data(title_en="Final title", submit_now="1"))
    pledge.refresh_from_db()
    assert pledge.status == "submitted" and pledge.title_en == "Final title"


@pytest.mark.django_db
def test_a_refused_submission_keeps_the_saved_text(client, lg, officer):
    """Update and submission share a transaction, but a refused submission (the checklist)
    does not undo the save."""
    client.force_login(officer)
    pledge = _complete_draft(client, lg)
    response = client.post(url("pledge_edit", lg, pledge.pk), edit_data(
        title_en="Kept", contact_email="", submit_now="1"))
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == "draft" and pledge.title_en == "Kept"
    assert pledge.contact_email == ""


# A real race on PostgreSQL: the autosave in another thread, with its own connection, while
# the flow is between its save and its submission.
ON_POSTGRESQL = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="needs concurrent writers (PostgreSQL)")


def _waiting_on_a_lock(timeout: float = 5) -> bool:
    end = time.monotonic() + timeout
    with connections["default"].cursor() as cursor:
        while time.monotonic() < end:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_race_on_postgresql_autosave_waits_and_is_refused(reference_data, lg, officer,  # noqa: F811
                                                           monkeypatch):
    from tests.factories import load_pledge_vocabulary

    load_pledge_vocabulary()  # an earlier transactional test emptied the tables
    client = Client()
    client.force_login(officer)
    pledge = _complete_draft(client, lg)
    edit = url("pledge_edit", lg, pledge.pk)
    real_submit = services.pledge_submit
    answers, blocked = [], []

    def autosave():
        try:
            other_tab = Client()
            other_tab.force_login(officer)
            answers.append(other_tab.post(edit, edit_data(title_en="Stale autosave"),
                                          **AJAX))
        finally:
            connections.close_all()

    def submit_during_an_autosave(*, pledge, actor):
        thread = threading.Thread(target=autosave)
        thread.start()
        blocked.append((thread, _waiting_on_a_lock()))
        return real_submit(pledge=pledge, actor=actor)

    monkeypatch.setattr(services, "pledge_submit", submit_during_an_autosave)
    assert client.post(edit, edit_data(title_en="Final title",
                                       submit_now="1")).status_code == 302
    thread, was_blocked = blocked[0]
    thread.join(30)
    assert was_blocked and not thread.is_alive()
    pledge.refresh_from_db()
    assert pledge.status == "submitted" and pledge.title_en == "Final title"
    assert answers[0].status_code == 400


# --- 3. One draft per new-pledge form -------------------------------------------------------
@pytest.mark.django_db
def test_two_posts_of_the_same_new_form_make_one_pledge(client, lg, officer):
    client.force_login(officer)
    key = _draft_key(client.get(url("pledge_new", lg)).content.decode())
    # The first autosave (its reply lost, or the officer clicks Save meanwhile) ...
    first = client.post(url("pledge_new", lg), form_data(title_en="First", draft_key=key),
                        **AJAX)
    assert first.status_code == 200
    pledge = Pledge.objects.get()
    # ... then the explicit save, still to new/ with the same key: the same draft.
    second = client.post(url("pledge_new", lg), form_data(title_en="Second", draft_key=key))
    assert second.status_code == 302
    assert second["Location"] == url("pledge_edit", lg, pledge.pk)
    assert Pledge.objects.count() == 1
    assert Pledge.objects.get().title_en == "Second"
    # An autosave retried to new/ answers with the draft's address.
    third = client.post(url("pledge_new", lg), form_data(title_en="Third", draft_key=key),
                        **AJAX)
    assert json.loads(third.content)["edit_url"] == url("pledge_edit", lg, pledge.pk)
    assert Pledge.objects.count() == 1


@pytest.mark.django_db
def test_each_new_form_has_its_own_key(client, lg, officer):
    client.force_login(officer)
    one = _draft_key(client.get(url("pledge_new", lg)).content.decode())
    two = _draft_key(client.get(url("pledge_new", lg)).content.decode())
    assert one != two
    client.post(url("pledge_new", lg), form_data(title_en="One", draft_key=one))
    client.post(url("pledge_new", lg), form_data(title_en="Two", draft_key=two))
    assert sorted(Pledge.objects.values_list("title_en", flat=True)) == ["One", "Two"]


@pytest.mark.django_db
def test_a_form_shown_again_with_errors_keeps_its_key(client, lg, officer):
    client.force_login(officer)
    key = _draft_key(client.get(url("pledge_new", lg)).content.decode())
    response = client.post(url("pledge_new", lg), form_data(starts_on="2027-02-30",
                                                            draft_key=key))
    assert response.status_code == 400 and _draft_key(response.content.decode()) == key


@pytest.mark.django_db
def test_the_key_works_only_in_its_session_and_for_its_local_government(
        client, lg, other_lg, officer, make_officer):
    client.force_login(officer)
    key = _draft_key(client.get(url("pledge_new", lg)).content.decode())
    client.post(url("pledge_new", lg), form_data(title_en="Mine", draft_key=key))
    # Another session (another officer of the city) with the same key: its own draft.
    colleague = Client()
    colleague.force_login(make_officer(lg, email="colleague@city.fuchu.example"))
    colleague.post(url("pledge_new", lg), form_data(title_en="Colleague's", draft_key=key))
    assert Pledge.objects.filter(local_government=lg).count() == 2
    assert Pledge.objects.get(title_en="Mine").title_en == "Mine"
    # The same officer also serving another city: the key does not reach across.
    both = make_officer(lg, email="both@example.org", also=[other_lg])
    tab = Client()
    tab.force_login(both)
    key = _draft_key(tab.get(url("pledge_new", lg)).content.decode())
    tab.post(url("pledge_new", lg), form_data(title_en="For Fuchu", draft_key=key))
    tab.post(url("pledge_new", other_lg), form_data(title_en="For Chofu", draft_key=key))
    assert Pledge.objects.get(title_en="For Fuchu").local_government == lg
    assert Pledge.objects.get(title_en="For Chofu").local_government == other_lg


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "not-a-key", "\x00" * 40, "f" * 20_000, "1" * 40])
def test_a_forged_key_is_ignored(client, lg, officer, key):
    client.force_login(officer)
    response = client.post(url("pledge_new", lg), form_data(draft_key=key))
    assert response.status_code == 302 and Pledge.objects.count() == 1


@pytest.mark.django_db
def test_a_key_of_a_deleted_draft_starts_a_new_one(client, lg, officer):
    client.force_login(officer)
    key = _draft_key(client.get(url("pledge_new", lg)).content.decode())
    client.post(url("pledge_new", lg), form_data(title_en="Gone", draft_key=key))
    Pledge.objects.all().delete()
    client.post(url("pledge_new", lg), form_data(title_en="Again", draft_key=key))
    assert list(Pledge.objects.values_list("title_en", flat=True)) == ["Again"]


@pytest.mark.django_db
def test_save_and_submit_twice_from_new_submits_one_pledge(client, lg, officer):
    client.force_login(officer)
    key = _draft_key(client.get(url("pledge_new", lg)).content.decode())
    client.post(url("pledge_new", lg), form_data(submit_now="1", draft_key=key))
    again = client.post(url("pledge_new", lg), form_data(submit_now="1", draft_key=key))
    assert again.status_code == 400  # the same pledge, already submitted: nothing saved
    assert list(Pledge.objects.values_list("status", flat=True)) == ["submitted"]
