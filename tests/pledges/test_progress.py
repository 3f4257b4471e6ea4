"""Progress reports (issue 10, section 3): ``progress_report_file`` (who may file, every
refusal with its code, the latest report sets the pledge's stage, back-dated reports,
nothing half-saved) and the workspace page ``workspace:pledge_progress`` (history, form,
bad input kept and never a 500)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import PledgeFactory, PledgeTargetFactory, jp
from withrefugees.core.models import AuditEntry
from withrefugees.pledges.models import CoPledger, Pledge, ProgressReport, TargetProgress
from withrefugees.pledges.services_progress import (
    progress_report_file,
    progress_reports_of,
    progress_today,
)

pytestmark = pytest.mark.django_db

CO_LG_CODE = "132047"  # 三鷹市 (東京都), a co-pledger
MADE = datetime.datetime(2025, 1, 10, 3, tzinfo=datetime.UTC)  # 2025-01-10 in Tokyo


@pytest.fixture
def co_lg():
    return jp(CO_LG_CODE)


@pytest.fixture
def co_officer(make_officer, co_lg):
    return make_officer(co_lg, email="mitaka@city.mitaka.example")


def published_pledge(lg, *, targets=2, **kwargs):
    """A published pledge of ``lg`` made on 2025-01-10, with ``targets`` targets."""
    pledge = PledgeFactory(local_government=lg, status="published", gcr_reference="GRF-00042",
                           submitted_at=MADE, **kwargs)
    Pledge.objects.filter(pk=pledge.pk).update(created_at=MADE)
    pledge.refresh_from_db()
    PledgeTargetFactory(pledge=pledge, indicator="日本語教室に通う難民の子ども",
                        target_value=Decimal("30"), unit="人", position=0)
    if targets > 1:
        PledgeTargetFactory(pledge=pledge, indicator="教室を開く学校", target_value=Decimal("5"),
                            unit="校", position=1)
    return pledge


@pytest.fixture
def pledge(lg, co_lg):
    pledge = published_pledge(lg)
    CoPledger.objects.create(pledge=pledge, local_government=co_lg)
    return pledge


def targets(pledge):
    return list(pledge.targets.order_by("position"))


def file(pledge, actor, **overrides):
    kwargs = {"status": "in_progress", "narrative": "2校で教室を開きました。",
              "reported_on": datetime.date(2026, 4, 1),
              "values": {targets(pledge)[0].pk: Decimal("12")}}
    kwargs.update(overrides)
    return progress_report_file(pledge=pledge, actor=actor, **kwargs)


def codes(excinfo) -> dict[str, list[str]]:
    error = excinfo.value
    if hasattr(error, "error_dict"):
        return {name: [e.code for e in errors] for name, errors in error.error_dict.items()}
    return {"__all__": [e.code for e in error.error_list]}


# --- The service: who files -------------------------------------------------------------
def test_lead_officer_files_a_report_with_values_and_an_audit_row(pledge, officer):
    first, second = targets(pledge)
    report = file(pledge, officer, values={first.pk: Decimal("12"), second.pk: Decimal("2.5")})
    pledge.refresh_from_db()
    assert (pledge.progress_status, pledge.progress_reported_on) == (
        "in_progress", datetime.date(2026, 4, 1))
    assert report.reported_by == officer and report.narrative == "2校で教室を開きました。"
    assert sorted(report.values.values_list("target_id", "value_reached")) == [
        (first.pk, Decimal("12")), (second.pk, Decimal("2.5"))]
    entry = AuditEntry.objects.get(action="pledge.progress")
    assert entry.object_id == str(pledge.pk) and entry.actor == officer
    assert (entry.from_state, entry.to_state) == ("", "in_progress")
    assert entry.changes["report"][1]["id"] == report.pk


@pytest.mark.parametrize("who", ["co_officer", "other_officer", "staff", "staff_without_totp"])
def test_only_the_leads_officers_file(request, pledge, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        file(pledge, actor)
    assert not ProgressReport.objects.exists()
    assert not AuditEntry.objects.filter(action="pledge.progress").exists()


def test_anonymous_or_no_actor_cannot_file(pledge):
    from django.contrib.auth.models import AnonymousUser

    for actor in (None, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            file(pledge, actor)


@pytest.mark.parametrize("status", ["draft", "submitted", "returned", "sent_to_gcr"])
def test_only_a_published_pledge_takes_reports(lg, officer, status):
    pledge = PledgeFactory(local_government=lg, status=status)
    target = PledgeTargetFactory(pledge=pledge)
    with pytest.raises(ValidationError) as excinfo:
        file(pledge, officer, values={target.pk: Decimal("1")},
             reported_on=timezone.localdate())
    assert codes(excinfo) == {"__all__": ["pledge_not_published"]}
    assert not ProgressReport.objects.exists()


# --- The service: each refusal with its code -------------------------------------------
@pytest.mark.parametrize("overrides, field, code", [
    ({"status": "done"}, "status", "progress_status_invalid"),
    ({"status": ""}, "status", "progress_status_invalid"),
    ({"narrative": "a\x00b"}, "narrative", "null_characters"),
    ({"narrative": "a\x07b"}, "narrative", "control_characters"),
    ({"narrative": "a\u202eb"}, "narrative", "control_characters"),
    ({"narrative": "x" * 3001}, "narrative", "narrative_too_long"),
    ({"reported_on": datetime.date(2017, 12, 31)}, "reported_on", "reported_on_before_pledge"),
    ({"reported_on": datetime.date(2025, 1, 9)}, "reported_on", "reported_on_before_pledge"),
    ({"reported_on": "2026-04-01"}, "reported_on", "reported_on_invalid"),
])
def test_refusals_have_codes_and_save_nothing(pledge, officer, overrides, field, code):
    with pytest.raises(ValidationError) as excinfo:
        file(pledge, officer, **overrides)
    assert codes(excinfo) == {field: [code]}
    assert not ProgressReport.objects.exists() and not TargetProgress.objects.exists()
    assert not AuditEntry.objects.filter(action="pledge.progress").exists()


def test_a_date_after_today_in_the_leads_zone_is_refused(pledge, officer):
    tomorrow = progress_today(pledge.local_government) + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        file(pledge, officer, reported_on=tomorrow)
    assert codes(excinfo) == {"reported_on": ["reported_on_in_future"]}
    report = file(pledge, officer, reported_on=progress_today(pledge.local_government))
    assert report.pk


def test_today_is_the_leads_date(lg):
    # 15:30 UTC on 29 November is already 30 November in Japan.
    moment = datetime.datetime(2026, 11, 29, 15, 30, tzinfo=datetime.UTC)
    assert progress_today(lg, moment) == datetime.date(2026, 11, 30)


def test_narrative_of_3000_characters_with_line_breaks_is_kept(pledge, officer):
    text = "あ" * 1500 + "\r\n" + "い" * 1499  # 3,001 as sent, 3,000 as stored
    report = file(pledge, officer, narrative=text)
    assert report.narrative == "あ" * 1500 + "\n" + "い" * 1499


def test_the_day_the_pledge_was_made_is_accepted(pledge, officer):
    assert file(pledge, officer, reported_on=datetime.date(2025, 1, 10)).pk


@pytest.mark.parametrize("value, code", [
    (Decimal("NaN"), "value_invalid"),
    (Decimal("sNaN"), "value_invalid"),
    (Decimal("Infinity"), "value_invalid"),
    (Decimal("-Infinity"), "value_invalid"),
    (Decimal("1e400"), "value_too_large"),
    (Decimal("1" * 12), "value_too_large"),
    (Decimal("1" * 16), "value_too_large"),
    (Decimal("-1"), "value_negative"),
    (Decimal("0.00001"), "value_too_many_decimals"),
    (1.5, "value_invalid"),  # a float is refused: amounts are decimals
    ("12", "value_invalid"),
    (True, "value_invalid"),
])
def test_values_must_be_finite_decimals_within_the_digits(pledge, officer, value, code):
    target = targets(pledge)[0]
    with pytest.raises(ValidationError) as excinfo:
        file(pledge, officer, values={target.pk: value})
    assert codes(excinfo) == {f"value_{target.pk}": [code]}
    assert not ProgressReport.objects.exists()


def test_largest_value_and_trailing_zeros_are_accepted(pledge, officer):
    first, second = targets(pledge)
    report = file(pledge, officer, values={first.pk: Decimal("9" * 11 + ".9999"),
                                           second.pk: Decimal("2.500000")})
    values = dict(report.values.values_list("target_id", "value_reached"))
    assert values == {first.pk: Decimal("9" * 11 + ".9999"), second.pk: Decimal("2.5")}


def test_another_pledges_target_is_refused(pledge, officer, lg):
    mine = targets(pledge)[0]
    other = published_pledge(lg, targets=1)
    for key in (targets(other)[0].pk, 10**40, -1):
        with pytest.raises(ValidationError) as excinfo:
            file(pledge, officer, values={mine.pk: Decimal("1"), key: Decimal("1")})
        assert codes(excinfo) == {"values": ["target_unknown"]}
    assert not ProgressReport.objects.exists() and not TargetProgress.objects.exists()


def test_several_errors_at_once(pledge, officer):
    target = targets(pledge)[0]
    with pytest.raises(ValidationError) as excinfo:
        file(pledge, officer, status="x", narrative="\x00",
             reported_on=datetime.date(2000, 1, 1), values={target.pk: Decimal("-2")})
    assert codes(excinfo) == {"status": ["progress_status_invalid"],
                              "narrative": ["null_characters"],
                              "reported_on": ["reported_on_before_pledge"],
                              f"value_{target.pk}": ["value_negative"]}


# --- The latest report is the pledge's stage ---------------------------------------------
def test_latest_report_by_date_sets_the_stage_and_a_back_dated_one_does_not(pledge, officer):
    file(pledge, officer, status="in_progress", reported_on=datetime.date(2026, 4, 1))
    file(pledge, officer, status="fulfilled", reported_on=datetime.date(2026, 9, 1))
    pledge.refresh_from_db()
    assert (pledge.progress_status, pledge.progress_reported_on) == (
        "fulfilled", datetime.date(2026, 9, 1))
    back = file(pledge, officer, status="planning", reported_on=datetime.date(2025, 6, 1))
    pledge.refresh_from_db()
    assert (pledge.progress_status, pledge.progress_reported_on) == (
        "fulfilled", datetime.date(2026, 9, 1))
    entry = AuditEntry.objects.filter(action="pledge.progress").latest("pk")
    assert (entry.from_state, entry.to_state) == ("fulfilled", "fulfilled")
    assert entry.changes["report"][1]["id"] == back.pk
    assert "progress_status" not in entry.changes
    # The history keeps every report, newest first by date.
    assert [r.reported_on for r in progress_reports_of(pledge)] == [
        datetime.date(2026, 9, 1), datetime.date(2026, 4, 1), datetime.date(2025, 6, 1)]
    assert AuditEntry.objects.filter(action="pledge.progress").count() == 3


def test_a_second_report_on_the_same_date_replaces_the_stage(pledge, officer):
    file(pledge, officer, status="in_progress")
    file(pledge, officer, status="fulfilled")
    pledge.refresh_from_db()
    assert pledge.progress_status == "fulfilled"
    entry = AuditEntry.objects.filter(action="pledge.progress").latest("pk")
    assert (entry.from_state, entry.to_state) == ("in_progress", "fulfilled")


def test_the_callers_pledge_object_is_updated(pledge, officer):
    file(pledge, officer, status="planning")
    assert pledge.progress_status == "planning"


# --- Nothing half-saved ---------------------------------------------------------------------
def test_a_failing_value_write_leaves_no_report(pledge, officer, monkeypatch):
    """The report row is written before its values: if writing a value fails, the report,
    the pledge's stage and the audit row are rolled back with it."""
    from django.db import IntegrityError

    def fail(*args, **kwargs):
        raise IntegrityError("disk full")

    monkeypatch.setattr(TargetProgress.objects, "bulk_create", fail)
    with pytest.raises(IntegrityError):
        file(pledge, officer)
    pledge.refresh_from_db()
    assert not ProgressReport.objects.exists()
    assert (pledge.progress_status, pledge.progress_reported_on) == ("", None)
    assert not AuditEntry.objects.filter(action="pledge.progress").exists()


def test_a_failing_audit_leaves_no_report(pledge, officer, monkeypatch):
    from withrefugees.pledges import services_progress

    def fail(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services_progress, "audit_record", fail)
    with pytest.raises(RuntimeError):
        file(pledge, officer)
    assert not ProgressReport.objects.exists() and not TargetProgress.objects.exists()
    pledge.refresh_from_db()
    assert pledge.progress_status == ""


# --- The page -----------------------------------------------------------------------------
def url(lg, pledge_pk):
    return reverse("workspace:pledge_progress", args=[lg.pk, pledge_pk])


def post_data(pledge, **overrides) -> dict:
    first, second = targets(pledge)
    data = {"status": "in_progress", "narrative": "2校で教室を開きました。",
            "reported_on": "2026-04-01", f"value_{first.pk}": "12",
            f"value_{second.pk}": ""}
    data.update(overrides)
    return data


def test_page_shows_the_form_to_the_leads_officer_with_today_and_labels(client, pledge,
                                                                       officer):
    client.force_login(officer)
    with translation.override("en"):
        response = client.get(url(pledge.local_government, pledge.pk))
    assert response.status_code == 200
    page = response.content.decode()
    today = progress_today(pledge.local_government).isoformat()
    assert f'value="{today}"' in page and f'max="{today}"' in page
    assert "<legend>Stage of progress" in page
    assert page.count('type="radio" name="status"') == 3
    first = targets(pledge)[0]
    assert f'for="id_value_{first.pk}"' in page
    assert "日本語教室に通う難民の子ども: value reached (target: 30 人)" in page
    assert "No progress report yet." in page


def test_post_files_the_report_and_redirects_with_a_message(client, pledge, officer):
    client.force_login(officer)
    with translation.override("en"):
        target_url = url(pledge.local_government, pledge.pk)
        response = client.post(target_url, post_data(pledge), follow=True)
    assert response.redirect_chain[-1][0] == target_url
    report = ProgressReport.objects.get()
    assert report.status == "in_progress" and report.reported_on == datetime.date(2026, 4, 1)
    assert list(report.values.values_list("value_reached", flat=True)) == [Decimal("12")]
    page = response.content.decode()
    assert "Your progress report of" in page and "has been saved" in page
    # The history: date, stage, narrative, value with unit and the target.
    assert "in progress" in page and "2校で教室を開きました。" in page
    assert "12 人" in page and "30 人" in page


def test_history_is_newest_first_and_a_back_dated_report_says_so(client, pledge, officer):
    client.force_login(officer)
    with translation.override("en"):  # the page in English (/en/...)
        target_url = url(pledge.local_government, pledge.pk)
        client.post(target_url, post_data(pledge, reported_on="2026-05-01",
                                          status="fulfilled", narrative="五月の報告"))
        response = client.post(target_url, post_data(pledge, reported_on="2026-01-15",
                                                     narrative="一月の報告"), follow=True)
    page = response.content.decode()
    assert "It is dated before the latest report" in page
    assert page.index("五月の報告") < page.index("一月の報告")
    pledge.refresh_from_db()
    assert pledge.progress_status == "fulfilled"


def test_co_pledgers_officer_reads_the_history_without_a_form(client, pledge, officer,
                                                              co_officer, co_lg):
    file(pledge, officer, narrative="共同の報告")
    client.force_login(co_officer)
    with translation.override("en"):
        response = client.get(url(co_lg, pledge.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "共同の報告" in page and "joint pledge led by" in page
    assert 'name="status"' not in page
    before = ProgressReport.objects.count()
    assert client.post(url(co_lg, pledge.pk), post_data(pledge)).status_code == 403
    assert ProgressReport.objects.count() == before


def test_staff_read_but_cannot_file(client, pledge, staff):
    client.force_login(staff)
    response = client.get(url(pledge.local_government, pledge.pk))
    assert response.status_code == 200 and 'name="status"' not in response.content.decode()
    assert client.post(url(pledge.local_government, pledge.pk),
                       post_data(pledge)).status_code == 403
    assert not ProgressReport.objects.exists()


def test_another_citys_pledge_is_404(client, pledge, other_lg, other_officer, officer):
    other = published_pledge(other_lg, targets=1)
    client.force_login(officer)
    assert client.get(url(pledge.local_government, other.pk)).status_code == 404
    assert client.post(url(pledge.local_government, other.pk), {}).status_code == 404
    # Through their own workspace, another city's officer does not find ours either.
    client.force_login(other_officer)
    assert client.get(url(other_lg, pledge.pk)).status_code == 404
    assert client.get(url(pledge.local_government, pledge.pk)).status_code == 403
    assert not ProgressReport.objects.exists()


def test_anonymous_visitor_is_sent_to_sign_in(client, pledge):
    response = client.get(url(pledge.local_government, pledge.pk))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_pledge_not_yet_published_shows_no_form_and_refuses_a_post(client, lg, officer):
    draft = PledgeFactory(local_government=lg)
    client.force_login(officer)
    with translation.override("en"):
        page = client.get(url(lg, draft.pk)).content.decode()
        assert "once the GCR has published it" in page and 'name="status"' not in page
        response = client.post(url(lg, draft.pk), {"status": "planning",
                                                   "reported_on": "2026-01-01"})
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("field, typed, message", [
    ("narrative", "a\x00b", "NUL character"),
    ("narrative", "x" * 20000, "at most 3000 characters"),
    ("reported_on", "2027-02-30", "Enter a real date"),
    ("reported_on", "99999-01-01", "Enter a real date"),
    ("reported_on", "2" * 20000, "Enter a real date"),
    ("reported_on", "2099-01-01", "in the future"),
    ("reported_on", "2019-01-01", "before the pledge was made"),
    ("reported_on", "", "Enter the date of the report"),
    ("status", "done", "Choose one of the three stages"),
    ("status", "", "Choose the stage"),
    ("value", "nan", "Enter a number"),
    ("value", "inf", "Enter a number"),
    ("value", "1e400", "too large"),
    ("value", "9" * 40, "too large"),
    ("value", "-3", "cannot be negative"),
    ("value", "1.23456", "digits after the decimal point"),
    ("value", "十二", "Enter a number"),
    ("value", "1\x002", "NUL character"),
])
def test_bad_input_is_refused_kept_and_linked(client, pledge, officer, field, typed, message):
    first = targets(pledge)[0]
    name = f"value_{first.pk}" if field == "value" else field
    client.force_login(officer)
    with translation.override("en"):
        response = client.post(url(pledge.local_government, pledge.pk),
                               post_data(pledge, **{name: typed, "narrative": "残す文章"}
                                         if field != "narrative" else {name: typed}))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "Nothing was saved. What you typed is kept below." in page
    form = response.context["form"]
    assert name in form.errors
    # The error is linked to its field, and the summary links to the field.
    anchor = f"id_{name}_0" if name == "status" else f"id_{name}"
    assert f'href="#{anchor}"' in page
    assert f'id="id_{name}_error"' in page
    if name != "status":
        assert f'aria-describedby="id_{name}_help id_{name}_error"' in page
    # What was typed is kept (control characters removed).
    if field != "narrative":
        assert "残す文章" in page
    if typed and "\x00" not in typed and len(typed) < 100:
        assert f'value="{typed}"' in page or f'value="{typed}" checked' in page \
            or name == "status"
    assert not ProgressReport.objects.exists()


def test_forty_digit_ids_are_404_not_500(client, pledge, officer):
    client.force_login(officer)
    big = 10**40
    assert client.get(f"/ja/workspace/{pledge.local_government.pk}/pledges/{big}/progress/"
                      ).status_code == 404
    assert client.get(f"/ja/workspace/{big}/pledges/{pledge.pk}/progress/").status_code == 404


def test_a_forged_value_field_for_another_pledges_target_is_ignored(client, pledge, officer,
                                                                   lg):
    other = published_pledge(lg, targets=1)
    forged = targets(other)[0]
    client.force_login(officer)
    response = client.post(url(lg, pledge.pk),
                           post_data(pledge, **{f"value_{forged.pk}": "99",
                                                f"value_{10**40}": "1"}))
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert list(report.values.values_list("target_id", flat=True)) == [targets(pledge)[0].pk]
    assert not TargetProgress.objects.filter(target=forged).exists()


def test_full_width_digits_and_grouping_are_read(client, pledge, officer):
    first, second = targets(pledge)
    client.force_login(officer)
    response = client.post(url(pledge.local_government, pledge.pk),
                           post_data(pledge, **{f"value_{first.pk}": "１，２００",
                                                f"value_{second.pk}": " 2.50 "}))
    assert response.status_code == 302
    values = dict(ProgressReport.objects.get().values.values_list("target_id",
                                                                   "value_reached"))
    assert values == {first.pk: Decimal("1200"), second.pk: Decimal("2.5")}


# --- The same report twice ------------------------------------------------------------------
def test_a_report_identical_to_the_latest_is_refused(pledge, officer):
    file(pledge, officer)
    with pytest.raises(ValidationError) as excinfo:
        file(pledge, officer, narrative="  2校で教室を開きました。\r\n")  # the same, as typed
    assert codes(excinfo) == {"__all__": ["progress_duplicate"]}
    with translation.override("en"):
        assert excinfo.value.messages == ["This report is already saved."]
    with translation.override("ja"):
        assert excinfo.value.messages == ["この報告はすでに保存されています。"]
    assert ProgressReport.objects.count() == 1
    assert AuditEntry.objects.filter(action="pledge.progress").count() == 1


@pytest.mark.parametrize("change", [
    {"status": "fulfilled"}, {"narrative": "3校目"}, {"reported_on": datetime.date(2026, 4, 2)},
    {"values": {}}, "value"])
def test_a_report_that_differs_in_anything_is_saved(pledge, officer, change):
    file(pledge, officer)
    if change == "value":
        change = {"values": {targets(pledge)[0].pk: Decimal("12.5")}}
    file(pledge, officer, **change)
    assert ProgressReport.objects.count() == 2


def test_only_the_latest_report_counts_as_a_duplicate(pledge, officer):
    file(pledge, officer)
    file(pledge, officer, status="fulfilled")
    file(pledge, officer)  # as two reports ago: a new report
    assert ProgressReport.objects.count() == 3


def test_the_same_form_posted_twice_saves_one_report(client, pledge, officer):
    client.force_login(officer)
    target_url = url(pledge.local_government, pledge.pk)
    assert client.post(target_url, post_data(pledge)).status_code == 302
    response = client.post(target_url, post_data(pledge))  # (the page in Japanese)
    assert response.status_code == 400
    assert "この報告はすでに保存されています。" in response.content.decode()
    assert ProgressReport.objects.count() == 1
