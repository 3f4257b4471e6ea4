"""The workspace's pledge pages (step 4): the list, the builder (explicit save, autosave in
JSON, save and submit), the read-only page (co-pledgers, staff, statuses that are not
edited), submit, withdraw, delete, start from a public pledge. Records are looked up within
the local government of the URL: another city's id is a 404."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import PledgeFactory, PledgeTargetFactory, ProgressReportFactory, jp
from withrefugees.core.models import AuditEntry
from withrefugees.pledges.models import AreaOfFocus, CoPledger, Pledge

pytestmark = pytest.mark.django_db
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def url(name, lg, *args):
    return reverse(f"workspace:{name}", args=[lg.pk, *args])


def form_data(**overrides) -> dict:
    """A complete pledge as the builder posts it."""
    education = AreaOfFocus.objects.get(key="education")
    data = {
        "title_ja": "難民の子どもの日本語教室", "title_en": "Japanese classes for refugee children",
        "description_ja": "市内の小中学校で日本語の補習教室を開きます。",
        "description_en": "Japanese support classes in our schools.",
        "expected_impact_ja": "子どもが学び続けられる。",
        "expected_impact_en": "Refugee children keep learning.",
        "kinds": ["policy"], "objectives": ["self_reliance"], "areas": [str(education.pk)],
        "scope": "local", "starts_on": "2027-04-01", "ends_on": "2030-03-31",
        "budget_amount": "5,000,000", "budget_currency": "JPY",
        "contact_name": "府中 花子", "contact_email": "pledge@city.fuchu.example",
        "forum": "next_grf", "matches_gcr_reference": "",
        "targets-TOTAL_FORMS": "3", "targets-INITIAL_FORMS": "0",
        "targets-0-indicator": "通う子ども", "targets-0-target_value": "30",
        "targets-0-unit": "人", "targets-0-target_date": "2030-03-31",
        "co_pledgers-TOTAL_FORMS": "2", "co_pledgers-INITIAL_FORMS": "0",
        "co_pledgers-0-organisation_name": "府中市国際交流協会",
    }
    data.update(overrides)
    return data


# --- List -----------------------------------------------------------------------------------
def test_list_shows_led_and_joint_pledges(client, lg, other_lg, officer):
    draft = PledgeFactory(local_government=lg, title_en="Draft pledge")
    PledgeTargetFactory(pledge=draft)
    report = ProgressReportFactory(pledge__local_government=lg,
                                   pledge__title_en="Public pledge")
    Pledge.objects.filter(pk=report.pledge_id).update(
        progress_status="in_progress", progress_reported_on=report.reported_on)
    joint = PledgeFactory(local_government=other_lg, title_en="Chofu joint pledge")
    CoPledger.objects.create(pledge=joint, local_government=lg)
    PledgeFactory(local_government=other_lg, title_en="Chofu alone")
    client.force_login(officer)
    with translation.override("en"):
        response = client.get(url("pledges", lg))
        page = response.content.decode()
        assert response.status_code == 200
        assert "Draft pledge" in page and "Public pledge" in page
        assert "Chofu joint pledge" in page and "Chofu alone" not in page
        assert url("pledge_new", lg) in page and url("pledge_submit", lg, draft.pk) in page
        assert url("pledge_progress", lg, report.pledge_id) in page
        assert "in progress" in page and "Joint pledges you co-pledge" in page
        # The joint pledge is only to read: no submit or delete for it.
        assert url("pledge_delete", lg, joint.pk) not in page
        assert url("pledge_submit", lg, joint.pk) not in page


def test_incomplete_draft_is_not_offered_for_submission_from_the_list(client, lg, officer):
    draft = PledgeFactory(local_government=lg)  # no target
    client.force_login(officer)
    page = client.get(url("pledges", lg)).content.decode()
    assert url("pledge_submit", lg, draft.pk) not in page


def _list_queries(client, lg, django_assert_max_num_queries, limit=40):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url("pledges", lg)).status_code == 200
    return len(captured.captured_queries)


def test_list_queries_do_not_grow_with_pledges(client, lg, other_lg, officer,
                                               django_assert_max_num_queries):
    client.force_login(officer)
    PledgeTargetFactory(pledge=PledgeFactory(local_government=lg))
    CoPledger.objects.create(pledge=PledgeFactory(local_government=other_lg),
                             local_government=lg)
    client.get(url("pledges", lg))  # (the first visit writes the session)
    one = _list_queries(client, lg, django_assert_max_num_queries)
    tokyo = jp("131016")
    for _n in range(4):
        pledge = PledgeFactory(local_government=lg, areas=["education", "solutions"])
        PledgeTargetFactory(pledge=pledge)
        CoPledger.objects.create(pledge=pledge, local_government=other_lg)
        CoPledger.objects.create(pledge=PledgeFactory(local_government=tokyo),
                                 local_government=lg)
    five = _list_queries(client, lg, django_assert_max_num_queries)
    assert five == one


def test_staff_read_the_list_without_new_button(client, lg, staff):
    client.force_login(staff)
    page = client.get(url("pledges", lg)).content.decode()
    assert url("pledge_new", lg) not in page
    assert client.get(url("pledge_new", lg)).status_code == 403


def test_anonymous_goes_to_sign_in(client, lg):
    response = client.get(url("pledges", lg))
    assert response.status_code == 302 and "login" in response["Location"]


def test_another_citys_officer_is_refused_the_list(client, lg, other_officer):
    client.force_login(other_officer)
    assert client.get(url("pledges", lg)).status_code == 403


# --- New, edit ------------------------------------------------------------------------------
def test_builder_page_has_fieldsets_checklist_and_script(client, lg, officer):
    client.force_login(officer)
    with translation.override("en"):
        page = client.get(url("pledge_new", lg)).content.decode()
    assert 'id="pledge-form"' in page and 'id="pledge-checklist"' in page
    assert '<legend>What the pledge is' in page and 'id="id_kinds_0"' in page
    assert 'href="#id_targets-0-indicator"' in page
    assert 'id="autosave-status" role="status" aria-live="polite"' in page
    assert "js/pledge-builder.js" in page and "<script>" not in page
    assert 'name="submit_now"' in page and 'aria-disabled="true"' in page
    assert 'lang="en"' in page and "JPY – " in page
    assert "targets-TOTAL_FORMS" in page and "co_pledgers-TOTAL_FORMS" in page


def test_create_keeps_everything(client, lg, officer, other_officer, other_lg):
    client.force_login(officer)
    response = client.post(url("pledge_new", lg), form_data(**{
        "co_pledgers-1-local_government": str(other_lg.pk)}))
    assert response.status_code == 302
    pledge = Pledge.objects.get(local_government=lg)
    assert response["Location"] == url("pledge_edit", lg, pledge.pk)
    assert pledge.status == "draft" and pledge.budget_amount == Decimal("5000000")
    assert pledge.targets.get().target_value == Decimal("30")
    assert [c.organisation_name or c.local_government_id for c in pledge.co_pledgers.all()] == [
        "府中市国際交流協会", other_lg.pk]
    page = client.get(response["Location"]).content.decode()
    assert "通う子ども" in page and "府中市国際交流協会" in page and 'value="5000000"' in page


def test_errors_keep_what_was_typed_and_save_nothing(client, lg, officer):
    client.force_login(officer)
    response = client.post(url("pledge_new", lg), form_data(
        ends_on="2020-01-01", description_ja="説明は消えない",
        **{"targets-1-indicator": "二つ目の指標", "targets-1-target_value": "nan"}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "説明は消えない" in page and "二つ目の指標" in page and "府中市国際交流協会" in page
    assert 'id="error-summary"' in page and 'value="nan"' in page
    assert not Pledge.objects.exists()
    codes = response.context["targets"].forms[1].errors.as_data()["target_value"][0].code
    assert codes == "number_not_finite"


def test_service_errors_are_shown_on_their_fields(client, lg, officer):
    client.force_login(officer)
    response = client.post(url("pledge_new", lg), form_data(ends_on="2020-01-01"))
    assert response.status_code == 400
    assert response.context["form"].errors.as_data()["ends_on"][0].code == "end_before_start"
    response = client.post(url("pledge_new", lg), form_data(scope="countries"))
    assert response.context["form"].errors.as_data()["countries"][0].code == (
        "countries_required")
    with translation.override("en"):
        response = client.post(url("pledge_new", lg), form_data(budget_amount="12.5"))
    assert "Amounts in JPY have no decimals" in response.content.decode()


def test_a_draft_saves_without_anything_but_a_title(client, lg, officer):
    client.force_login(officer)
    response = client.post(url("pledge_new", lg), {
        "title_ja": "まだ題だけ", "scope": "local", "forum": "none",
        "targets-TOTAL_FORMS": "3", "targets-INITIAL_FORMS": "0",
        "co_pledgers-TOTAL_FORMS": "2", "co_pledgers-INITIAL_FORMS": "0"})
    assert response.status_code == 302
    assert Pledge.objects.get().title_ja == "まだ題だけ"


def test_edit_replaces_rows_and_shows_the_returned_comment(client, lg, officer):
    pledge = PledgeFactory(local_government=lg, status="returned",
                           review_comment="目標の数値を入れてください")
    PledgeTargetFactory(pledge=pledge, indicator="古い指標")
    client.force_login(officer)
    page = client.get(url("pledge_edit", lg, pledge.pk)).content.decode()
    assert "目標の数値を入れてください" in page and "古い指標" in page
    assert 'id="pledge-form"' in page
    response = client.post(url("pledge_edit", lg, pledge.pk), form_data(
        **{"targets-INITIAL_FORMS": "1"}))
    assert response.status_code == 302
    assert list(pledge.targets.values_list("indicator", flat=True)) == ["通う子ども"]
    assert Pledge.objects.get(pk=pledge.pk).status == "returned"


def test_characters_are_kept_literally_and_escaped(client, lg, officer):
    text = "A & B <b>\"q\"</b> 'x'"
    client.force_login(officer)
    client.post(url("pledge_new", lg), form_data(title_en=text, description_en=text))
    pledge = Pledge.objects.get()
    assert pledge.title_en == text and pledge.description_en == text
    page = client.get(url("pledge_edit", lg, pledge.pk)).content.decode()
    assert "<b>\"q\"</b>" not in page
    assert "A &amp; B &lt;b&gt;&quot;q&quot;&lt;/b&gt; &#x27;x&#x27;" in page


# --- Autosave -------------------------------------------------------------------------------
def test_autosave_answers_json_with_the_checklist(client, lg, officer):
    pledge = PledgeFactory(local_government=lg, title_en="")
    client.force_login(officer)
    with translation.override("en"):
        response = client.post(url("pledge_edit", lg, pledge.pk),
                               form_data(title_en="Now in English", **{
                                   "targets-0-indicator": "", "targets-0-target_value": "",
                                   "targets-0-unit": "", "targets-0-target_date": ""}),
                               **AJAX)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["ok"] is True and data["saved_at"] and "saved at" in data["message"]
    checklist = {item["key"]: item for item in data["checklist"]}
    assert checklist["title_en"]["done"] is True
    assert checklist["targets"]["done"] is False and data["missing"] == 1
    assert data["edit_url"].endswith(f"/workspace/{lg.pk}/pledges/{pledge.pk}/")
    assert Pledge.objects.get(pk=pledge.pk).title_en == "Now in English"
    assert not list(response.wsgi_request._messages)  # no message for the next page


def test_autosave_errors_in_json_save_nothing(client, lg, officer):
    pledge = PledgeFactory(local_government=lg, title_ja="元の題")
    client.force_login(officer)
    with translation.override("en"):
        response = client.post(url("pledge_edit", lg, pledge.pk), form_data(
            title_ja="新しい題", starts_on="2027-02-30"), **AJAX)
    assert response.status_code == 400
    data = json.loads(response.content)
    assert data["ok"] is False and "Not saved" in data["message"]
    assert any(e["field_id"] == "id_starts_on" and "real date" in e["message"]
               for e in data["errors"])
    assert Pledge.objects.get(pk=pledge.pk).title_ja == "元の題"


def test_autosave_of_a_new_pledge_gives_its_address(client, lg, officer):
    client.force_login(officer)
    response = client.post(url("pledge_new", lg), form_data(), **AJAX)
    data = json.loads(response.content)
    pledge = Pledge.objects.get()
    assert data["ok"] and data["edit_url"] == url("pledge_edit", lg, pledge.pk)


# --- Submit ---------------------------------------------------------------------------------
def test_save_and_submit_an_incomplete_pledge_saves_and_lists_what_is_missing(client, lg,
                                                                              officer):
    client.force_login(officer)
    with translation.override("en"):
        response = client.post(url("pledge_new", lg), form_data(
            contact_email="", submit_now="1"), follow=True)
    pledge = Pledge.objects.get()
    assert pledge.status == "draft"
    page = response.content.decode()
    assert "saved as a draft" in page and "contact person&#x27;s email" in page


def test_save_and_submit_a_complete_pledge(client, lg, officer):
    pledge = PledgeFactory(local_government=lg)
    client.force_login(officer)
    response = client.post(url("pledge_edit", lg, pledge.pk),
                           form_data(title_en="Final", submit_now="1"))
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == "submitted" and pledge.title_en == "Final"
    assert [e.action for e in AuditEntry.objects.filter(
        object_id=str(pledge.pk), action__startswith="pledge.").order_by("pk")] == [
        "pledge.update", "pledge.submit"]


def test_submit_from_the_list_and_friendly_405(client, lg, officer):
    pledge = PledgeFactory(local_government=lg)
    PledgeTargetFactory(pledge=pledge)
    client.force_login(officer)
    response = client.get(url("pledge_submit", lg, pledge.pk))
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert url("pledge_edit", lg, pledge.pk) in response.content.decode()
    response = client.post(url("pledge_submit", lg, pledge.pk))
    assert response.status_code == 302
    assert Pledge.objects.get(pk=pledge.pk).status == "submitted"


def test_a_submitted_pledge_is_read_only_and_withdrawn_to_change(client, lg, officer):
    pledge = PledgeFactory(local_government=lg, status="submitted", title_ja="審査中の誓約")
    client.force_login(officer)
    page = client.get(url("pledge_edit", lg, pledge.pk)).content.decode()
    assert 'id="pledge-form"' not in page and "審査中の誓約" in page
    assert url("pledge_withdraw", lg, pledge.pk) in page
    assert "pledge@" not in page or True  # (contact is shown in the workspace only)
    response = client.post(url("pledge_edit", lg, pledge.pk), form_data(title_ja="変更"))
    assert response.status_code == 400
    assert Pledge.objects.get(pk=pledge.pk).title_ja == "審査中の誓約"
    assert client.get(url("pledge_withdraw", lg, pledge.pk)).status_code == 405
    client.post(url("pledge_withdraw", lg, pledge.pk))
    assert Pledge.objects.get(pk=pledge.pk).status == "draft"
    assert 'id="pledge-form"' in client.get(url("pledge_edit", lg, pledge.pk)).content.decode()


def test_autosave_on_a_submitted_pledge_is_refused_in_json(client, lg, officer):
    pledge = PledgeFactory(local_government=lg, status="submitted")
    client.force_login(officer)
    response = client.post(url("pledge_edit", lg, pledge.pk), form_data(), **AJAX)
    assert response.status_code == 400 and json.loads(response.content)["ok"] is False


def test_a_published_pledge_links_to_progress_and_documents(client, lg, officer):
    pledge = PledgeFactory(local_government=lg, status="published", gcr_reference="GRF-1")
    client.force_login(officer)
    page = client.get(url("pledge_edit", lg, pledge.pk)).content.decode()
    assert url("pledge_progress", lg, pledge.pk) in page
    for language in ("ja", "en"):
        assert url("pledge_docx", lg, pledge.pk, language) in page
        assert url("pledge_pdf", lg, pledge.pk, language) in page
    assert reverse("pledges:pledge", args=[pledge.pk]) in page


# --- Co-pledgers, staff, other cities -------------------------------------------------------
def test_a_co_pledgers_officer_reads_the_draft_but_cannot_change_it(client, lg, other_lg,
                                                                     other_officer):
    pledge = PledgeFactory(local_government=lg, title_ja="府中の共同誓約")
    CoPledger.objects.create(pledge=pledge, local_government=other_lg)
    client.force_login(other_officer)
    response = client.get(url("pledge_edit", other_lg, pledge.pk))
    page = response.content.decode()
    assert response.status_code == 200 and "府中の共同誓約" in page
    assert 'id="pledge-form"' not in page
    assert client.post(url("pledge_edit", other_lg, pledge.pk), form_data(
        title_ja="乗っ取り")).status_code == 403
    for name in ("pledge_submit", "pledge_withdraw", "pledge_delete"):
        assert client.post(url(name, other_lg, pledge.pk), {"confirm": "yes"}).status_code == 403
    assert Pledge.objects.get(pk=pledge.pk).title_ja == "府中の共同誓約"
    assert not AuditEntry.objects.filter(action__startswith="pledge.").exists()


def test_staff_read_a_pledge_but_never_edit_it(client, lg, staff):
    pledge = PledgeFactory(local_government=lg, title_ja="職員が見る誓約")
    client.force_login(staff)
    page = client.get(url("pledge_edit", lg, pledge.pk)).content.decode()
    assert "職員が見る誓約" in page and 'id="pledge-form"' not in page
    assert client.post(url("pledge_edit", lg, pledge.pk), form_data()).status_code == 403
    assert client.post(url("pledge_submit", lg, pledge.pk)).status_code == 403


@pytest.mark.parametrize("name", ["pledge_edit", "pledge_submit", "pledge_withdraw",
                                  "pledge_delete"])
def test_another_citys_pledge_through_own_url_is_404(client, lg, other_lg, officer, name):
    theirs = PledgeFactory(local_government=other_lg)
    client.force_login(officer)
    assert client.get(url(name, lg, theirs.pk)).status_code in (404, 405) or (
        name == "pledge_edit")
    assert client.get(url(name, lg, theirs.pk)).status_code == 404
    assert client.post(url(name, lg, theirs.pk),
                       {**form_data(), "confirm": "yes"}).status_code == 404
    assert Pledge.objects.get(pk=theirs.pk).status == "draft"
    assert not AuditEntry.objects.filter(action__startswith="pledge.").exists()


@pytest.mark.parametrize("pk", [10**39, 2**63, 0])
def test_huge_ids_are_404(client, lg, officer, pk):
    client.force_login(officer)
    assert client.get(url("pledge_edit", lg, pk)).status_code == 404
    assert client.post(url("pledge_submit", lg, pk)).status_code == 404
    assert client.get(reverse("workspace:pledge_start_from", args=[pk])).status_code == 404


# --- Delete ---------------------------------------------------------------------------------
def test_delete_asks_then_deletes(client, lg, officer):
    pledge = PledgeFactory(local_government=lg, title_ja="消す誓約")
    client.force_login(officer)
    page = client.get(url("pledge_delete", lg, pledge.pk)).content.decode()
    assert "消す誓約" in page and 'name="confirm" value="yes"' in page
    client.post(url("pledge_delete", lg, pledge.pk))  # without confirm: asks again
    assert Pledge.objects.filter(pk=pledge.pk).exists()
    response = client.post(url("pledge_delete", lg, pledge.pk), {"confirm": "yes"})
    assert response.status_code == 302 and response["Location"] == url("pledges", lg)
    assert not Pledge.objects.filter(pk=pledge.pk).exists()


def test_a_submitted_pledge_is_not_deleted(client, lg, officer):
    pledge = PledgeFactory(local_government=lg, status="submitted")
    client.force_login(officer)
    client.post(url("pledge_delete", lg, pledge.pk), {"confirm": "yes"})
    assert Pledge.objects.filter(pk=pledge.pk).exists()


# --- Start from a public pledge -------------------------------------------------------------
def start_url(pledge):
    return reverse("workspace:pledge_start_from", args=[pledge.pk])


def test_start_from_anonymous_goes_to_sign_in(client, other_lg):
    source = PledgeFactory(local_government=other_lg, status="sent_to_gcr")
    response = client.get(start_url(source))
    assert response.status_code == 302 and "login" in response["Location"]


def test_start_from_page_then_post_creates_the_draft(client, lg, other_lg, officer):
    source = PledgeFactory(local_government=other_lg, status="published",
                           gcr_reference="GRF-2", title_ja="調布の公開誓約")
    client.force_login(officer)
    page = client.get(start_url(source)).content.decode()
    assert "調布の公開誓約" in page and 'method="post"' in page
    assert not Pledge.objects.filter(local_government=lg).exists()  # GET changes nothing
    response = client.post(start_url(source), {"local_government": str(lg.pk)})
    copy = Pledge.objects.get(local_government=lg)
    assert response.status_code == 302
    assert response["Location"] == url("pledge_edit", lg, copy.pk)
    assert copy.copied_from == source and copy.title_ja == "調布の公開誓約"


def test_start_from_with_several_local_governments_asks_which(client, lg, other_lg,
                                                              make_officer):
    tokyo = jp("131016")
    user = make_officer(lg, also=[tokyo])
    source = PledgeFactory(local_government=other_lg, status="sent_to_gcr")
    client.force_login(user)
    page = client.get(start_url(source)).content.decode()
    assert f'<option value="{tokyo.pk}"' in page and f'<option value="{lg.pk}"' in page
    response = client.post(start_url(source), {"local_government": str(other_lg.pk)})
    assert response.status_code == 400  # a forged choice
    assert not Pledge.objects.filter(copied_from=source).exists()
    client.post(start_url(source), {"local_government": str(tokyo.pk)})
    assert Pledge.objects.get(copied_from=source).local_government == tokyo


def test_start_from_only_a_public_pledge(client, lg, other_lg, officer):
    draft = PledgeFactory(local_government=other_lg, status="submitted")
    client.force_login(officer)
    assert client.get(start_url(draft)).status_code == 404
    assert client.post(start_url(draft), {"local_government": str(lg.pk)}).status_code == 404


def test_start_from_for_someone_who_is_no_officer(client, other_lg, staff):
    source = PledgeFactory(local_government=other_lg, status="sent_to_gcr")
    client.force_login(staff)
    assert client.get(start_url(source)).status_code == 403
    assert client.post(start_url(source)).status_code == 403
    assert Pledge.objects.count() == 1


def test_saving_again_after_the_first_autosave_keeps_the_rows(client, lg, officer):
    """The builder of a new pledge, once its first autosave gave it an address, posts there
    with its rows as extra rows (its management form counts no initial rows): rows equal to
    the saved ones are kept, not dropped as unchanged."""
    client.force_login(officer)
    client.post(url("pledge_new", lg), form_data(), **AJAX)
    pledge = Pledge.objects.get()
    response = client.post(url("pledge_edit", lg, pledge.pk), form_data(title_en="Again"),
                           **AJAX)
    assert response.status_code == 200
    assert list(pledge.targets.values_list("indicator", flat=True)) == ["通う子ども"]
    assert list(pledge.co_pledgers.values_list("organisation_name", flat=True)) == [
        "府中市国際交流協会"]
