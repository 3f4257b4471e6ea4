"""Reminders to report progress on published pledges (``pledges.reminders``): calendar
months with the day clamped, the anchor (the latest report, else the publication in the
lead's zone), once per pledge and due date, a new report moves the anchor, dry runs, the
daily task and the command."""

import datetime
import uuid
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tests.factories import PledgeFactory
from withrefugees.accounts.models import Invitation
from withrefugees.core.models import OutboundEmail
from withrefugees.core.outbox import outbox_deliver
from withrefugees.pledges import reminders, services_review, tasks
from withrefugees.pledges.models import Pledge, PledgeReminderSent

pytestmark = pytest.mark.django_db
D = datetime.date
JST = datetime.timezone(datetime.timedelta(hours=9))


def deliver_all() -> list[str]:
    return [outbox_deliver(email_id=pk) for pk in OutboundEmail.objects.filter(
        status="pending").order_by("pk").values_list("pk", flat=True)]


def reminder_rows():
    return OutboundEmail.objects.filter(kind=reminders.REMINDER)


def published_pledge(lg, *, on: datetime.datetime, reported_on=None, **extra) -> Pledge:
    fields = {"progress_status": "in_progress", "progress_reported_on": reported_on} \
        if reported_on else {}
    return PledgeFactory(local_government=lg, status="published", gcr_reference="GRF-1",
                         published_at=on, **fields, **extra)


# --- Calendar months ----------------------------------------------------------------------------
@pytest.mark.parametrize("day,months,expected", [
    (D(2026, 8, 31), 6, D(2027, 2, 28)),
    (D(2027, 8, 31), 6, D(2028, 2, 29)),  # leap year
    (D(2026, 1, 31), 1, D(2026, 2, 28)),
    (D(2026, 3, 31), -1, D(2026, 2, 28)),
    (D(2026, 5, 15), 6, D(2026, 11, 15)),
    (D(2026, 12, 1), 1, D(2027, 1, 1)),
    (D(2026, 1, 1), -1, D(2025, 12, 1)),
    (D(2026, 8, 31), 12, D(2027, 8, 31)),
    (D(2026, 8, 31), 60, D(2031, 8, 31)),
])
def test_add_months_clamps_the_day(day, months, expected):
    assert reminders.add_months(day, months) == expected


def test_due_dates_are_counted_from_the_anchor_and_do_not_drift():
    anchor = D(2026, 8, 31)
    assert reminders.due_on(anchor, D(2027, 2, 27), 6) is None
    assert reminders.due_on(anchor, D(2027, 2, 28), 6) == D(2027, 2, 28)
    assert reminders.due_on(anchor, D(2027, 8, 30), 6) == D(2027, 2, 28)
    assert reminders.due_on(anchor, D(2027, 8, 31), 6) == D(2027, 8, 31)  # not 28 August
    assert reminders.months_between(anchor, D(2027, 8, 30)) == 11
    assert reminders.months_between(anchor, D(2026, 1, 1)) == 0


@pytest.mark.parametrize("months", [1, 6, 13])
def test_the_stale_threshold_is_exactly_the_month_arithmetic(months):
    """``anchor <= stale_threshold(today)`` ⇔ ``add_months(anchor, months) <= today``, for
    every pair of days over two years (month ends and 29 February included)."""
    start = D(2027, 1, 1)
    days = [start + datetime.timedelta(days=n) for n in range(0, 800, 1)]
    for today in days[400::7] + [D(2028, 2, 29), D(2028, 2, 28), D(2028, 3, 31),
                                 D(2028, 4, 30)]:
        threshold = reminders.stale_threshold(today, months)
        for anchor in days:
            assert (anchor <= threshold) == (reminders.add_months(anchor, months) <= today), (
                today, anchor)


# --- Which pledges are stale ------------------------------------------------------------------
def test_the_anchor_is_the_publication_date_in_japan(lg):
    # 31 August 2026, 23:30 in Japan (14:30 UTC): published on 31 August there.
    pledge = published_pledge(lg, on=datetime.datetime(2026, 8, 31, 23, 30, tzinfo=JST))
    assert reminders.pledge_anchor(pledge) == D(2026, 8, 31)
    assert list(reminders.stale_pledges(D(2027, 2, 27))) == []
    assert list(reminders.stale_pledges(D(2027, 2, 28))) == [pledge]


def test_a_progress_report_is_the_anchor(lg):
    pledge = published_pledge(lg, on=datetime.datetime(2026, 1, 10, tzinfo=JST),
                              reported_on=D(2026, 9, 1))
    assert reminders.pledge_anchor(pledge) == D(2026, 9, 1)
    assert list(reminders.stale_pledges(D(2027, 2, 28))) == []
    assert list(reminders.stale_pledges(D(2027, 3, 1))) == [pledge]


def test_only_published_pledges_are_stale(lg):
    PledgeFactory(local_government=lg, status="sent_to_gcr",
                  published_at=datetime.datetime(2020, 1, 1, tzinfo=JST))
    PledgeFactory(local_government=lg, status="draft")
    assert list(reminders.stale_pledges(D(2030, 1, 1))) == []


def test_the_period_staff_set_is_used(lg, staff):
    pledge = published_pledge(lg, on=datetime.datetime(2026, 5, 1, 12, tzinfo=JST))
    assert list(reminders.stale_pledges(D(2026, 8, 1))) == []
    services_review.reminder_settings_update(actor=staff, stale_after_months=3)
    assert list(reminders.stale_pledges(D(2026, 8, 1))) == [pledge]


# --- Sending ----------------------------------------------------------------------------------
@pytest.fixture
def stale(lg, officer):
    """Published on 15 March 2026 (Japan), no report: due on 15 September 2026."""
    return published_pledge(lg, on=datetime.datetime(2026, 3, 15, 10, tzinfo=JST))


def test_each_officer_gets_one_reminder_in_their_language(stale, officer, make_officer, lg):
    english = make_officer(lg, email="mary@city.fuchu.tokyo.jp")
    now = timezone.now()
    Invitation.objects.create(
        local_government=lg, email=english.email, email_canonical=english.email_canonical,
        language="en", token_hash=uuid.uuid4().hex * 2, status="accepted", expires_at=now,
        accepted_at=now, accepted_by=english)
    run = reminders.send_pledge_reminders(today=D(2026, 9, 20))
    assert run.reminded == [stale.pk] and run.emails == 2
    assert PledgeReminderSent.objects.get().due_on == D(2026, 9, 15)
    assert deliver_all() == ["sent", "sent"]
    by_address = {m.to[0]: m for m in mail.outbox}
    ja, en = by_address[officer.email], by_address[english.email]
    assert en.extra_headers["Content-Language"] == "en" and stale.title_en in en.subject
    assert "6 months ago" in en.body and "no progress report yet" in en.body
    assert stale.title_ja in ja.subject
    assert f"/ja/workspace/{lg.pk}/pledges/{stale.pk}/progress/" in ja.body


def test_a_second_run_sends_nothing(stale):
    reminders.send_pledge_reminders(today=D(2026, 9, 15))
    run = reminders.send_pledge_reminders(today=D(2026, 9, 16))
    assert run.reminded == [] and run.already == [stale.pk]
    assert PledgeReminderSent.objects.count() == 1 and reminder_rows().count() == 1


def test_the_next_due_date_reminds_again(stale):
    reminders.send_pledge_reminders(today=D(2026, 9, 15))
    assert reminders.send_pledge_reminders(today=D(2027, 3, 14)).reminded == []
    assert reminders.send_pledge_reminders(today=D(2027, 3, 15)).reminded == [stale.pk]
    assert list(PledgeReminderSent.objects.order_by("due_on").values_list(
        "due_on", flat=True)) == [D(2026, 9, 15), D(2027, 3, 15)]


def test_a_new_progress_report_moves_the_anchor(stale):
    reminders.send_pledge_reminders(today=D(2026, 9, 15))
    Pledge.objects.filter(pk=stale.pk).update(progress_status="in_progress",
                                              progress_reported_on=D(2026, 10, 1))
    assert reminders.send_pledge_reminders(today=D(2027, 3, 15)).reminded == []
    assert list(reminders.stale_pledges(D(2027, 3, 31))) == []
    run = reminders.send_pledge_reminders(today=D(2027, 4, 1))
    assert run.reminded == [stale.pk]
    assert PledgeReminderSent.objects.filter(due_on=D(2027, 4, 1)).exists()


def test_a_reminder_overtaken_by_a_report_is_not_sent(stale):
    reminders.send_pledge_reminders(today=D(2026, 9, 15))
    Pledge.objects.filter(pk=stale.pk).update(progress_status="planning",
                                              progress_reported_on=D(2026, 9, 15))
    assert deliver_all() == ["cancelled"] and mail.outbox == []


def test_a_dry_run_sends_nothing(stale):
    run = reminders.send_pledge_reminders(today=D(2026, 9, 15), dry_run=True)
    assert run.reminded == [stale.pk] and run.emails == 1
    assert not PledgeReminderSent.objects.exists() and not reminder_rows().exists()


def test_a_lead_without_officers_is_reminded_once_it_has_one(stale, officer, make_officer, lg):
    officer.memberships.all().delete()
    run = reminders.send_pledge_reminders(today=D(2026, 9, 15))
    assert run.without_officers == [stale.pk] and not PledgeReminderSent.objects.exists()
    make_officer(lg)
    assert reminders.send_pledge_reminders(today=D(2026, 9, 16)).reminded == [stale.pk]


def test_a_crash_while_queueing_leaves_nothing_half_done(stale, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(reminders, "outbox_enqueue", broken)
    with pytest.raises(RuntimeError):
        reminders.send_pledge_reminders(today=D(2026, 9, 15))
    assert not PledgeReminderSent.objects.exists()
    monkeypatch.undo()
    assert reminders.send_pledge_reminders(today=D(2026, 9, 15)).reminded == [stale.pk]


def test_a_row_written_by_another_run_meanwhile_is_not_sent_twice(stale, monkeypatch):
    """The other run committed its row after this run read what was done."""
    original = reminders.reminder_send_one

    def racing(*, pledge, due, anchor):
        original(pledge=pledge, due=due, anchor=anchor)  # the other run
        return original(pledge=pledge, due=due, anchor=anchor)

    monkeypatch.setattr(reminders, "reminder_send_one", racing)
    run = reminders.send_pledge_reminders(today=D(2026, 9, 15))
    assert run.taken == [stale.pk]
    assert PledgeReminderSent.objects.count() == 1 and reminder_rows().count() == 1


def test_the_periodic_task_sends_what_is_due(stale, monkeypatch):
    monkeypatch.setattr(reminders, "today_in_japan", lambda: D(2026, 9, 15))
    tasks.pledge_reminders_task.call_local()
    assert PledgeReminderSent.objects.filter(pledge=stale, due_on=D(2026, 9, 15)).exists()


def test_the_command_for_staff(stale):
    out = StringIO()
    call_command("send_pledge_reminders", date="2026-09-15", dry_run=True, stdout=out)
    assert "Dry run" in out.getvalue() and "1 pledge(s)" in out.getvalue()
    assert not PledgeReminderSent.objects.exists()
    out = StringIO()
    call_command("send_pledge_reminders", date="2026-09-15", stdout=out)
    assert "1 pledge(s) reminded, 1 email(s)" in out.getvalue()
    out = StringIO()
    call_command("send_pledge_reminders", date="2026-09-16", stdout=out)
    assert "0 pledge(s) reminded" in out.getvalue() and "1 already" in out.getvalue()


@pytest.mark.parametrize("bad", ["2026-13-01", "99999-01-01", "yesterday", "2026-02-30"])
def test_the_command_refuses_a_bad_date(bad):
    with pytest.raises(CommandError):
        call_command("send_pledge_reminders", date=bad)


# --- Dates at the ends of the calendar (review of step 4) ----------------------------------------
@pytest.mark.parametrize("day,months,expected", [
    (D(1, 1, 1), -6, D.min),
    (D(1, 6, 30), -6, D.min),
    (D(1, 7, 31), -6, D(1, 1, 31)),
    (D(9999, 12, 31), 6, D.max),
    (D(9999, 7, 1), 6, D.max),
    (D(9999, 6, 30), 6, D(9999, 12, 30)),
])
def test_add_months_clamps_to_the_dates_python_has(day, months, expected):
    assert reminders.add_months(day, months) == expected


@pytest.mark.parametrize("today", [D(1, 1, 1), D(1, 6, 30), D(9999, 12, 31)])
def test_the_reminders_on_the_first_and_last_days_do_not_crash(lg, today):
    published_pledge(lg, on=datetime.datetime(2020, 1, 15, 12, tzinfo=JST))
    run = reminders.send_pledge_reminders(today=today, dry_run=True)
    assert run.today == today
    assert reminders.stale_threshold(today, 60) <= today


@pytest.mark.parametrize("bad", ["0001-01-01", "0001-06-30", "2015-12-31", "9999-07-01",
                                 "9999-12-31"])
def test_the_command_refuses_a_date_outside_its_range(bad):
    with pytest.raises(CommandError, match="2016-01-01 to 9999-06-30"):
        call_command("send_pledge_reminders", date=bad)


@pytest.mark.parametrize("good", ["2016-01-01", "9999-06-30"])
def test_the_command_runs_on_the_ends_of_its_range(lg, good):
    published_pledge(lg, on=datetime.datetime(2020, 1, 15, 12, tzinfo=JST))
    out = StringIO()
    call_command("send_pledge_reminders", date=good, dry_run=True, stdout=out)
    assert good in out.getvalue()
