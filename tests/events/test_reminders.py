"""The World Refugee Day reminder (``events.reminders``): once per year and signatory local
government, one email per officer in their language, no duplicates after a crash or when
two runs overlap; the reminder date set by staff."""

import datetime
import uuid
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from tests.campaign.concurrency import (  # noqa: F401 (fixtures)
    ON_POSTGRESQL,
    at_once,
    reference_data,
    restore_data_after_module,
)
from tests.factories import SignatureFactory, jp
from withrefugees.accounts.models import Invitation
from withrefugees.core.audit import audit_history
from withrefugees.core.models import OutboundEmail
from withrefugees.core.outbox import outbox_deliver
from withrefugees.events import reminders, services_review, tasks
from withrefugees.events.models import ReminderSchedule, ReminderSent

pytestmark = pytest.mark.django_db
D = datetime.date
DUE = D(2027, 5, 9)  # six weeks before 20 June 2027


def accepted_invitation(user, lg, language: str) -> Invitation:
    now = timezone.now()
    return Invitation.objects.create(
        local_government=lg, email=user.email, email_canonical=user.email_canonical,
        language=language, token_hash=uuid.uuid4().hex * 2, status="accepted",
        expires_at=now, accepted_at=now, accepted_by=user)


def deliver_all() -> list[str]:
    return [outbox_deliver(email_id=pk) for pk in OutboundEmail.objects.filter(
        status="pending").order_by("pk").values_list("pk", flat=True)]


def reminder_rows():
    return OutboundEmail.objects.filter(kind=reminders.REMINDER)


@pytest.fixture
def two_signatories(signatory, other_lg, officer, other_officer):
    SignatureFactory(local_government=other_lg, status="published",
                     published_at=timezone.now(), email="soumu@city.chofu.lg.jp")
    return signatory, other_lg


@pytest.fixture
def in_japan(monkeypatch):
    """Pretend today (in Japan) is ``in_japan(date)``."""
    def set_today(day: datetime.date):
        monkeypatch.setattr(reminders, "today_in_japan", lambda: day)
        monkeypatch.setattr(tasks, "timezone", _FixedToday(day))
    return set_today


class _FixedToday:
    """``django.utils.timezone`` for the handler, with ``localdate`` fixed."""

    def __init__(self, day):
        self.day = day

    def localdate(self, *args, **kwargs):
        return self.day

    def __getattr__(self, name):
        return getattr(timezone, name)


# --- When -----------------------------------------------------------------------------------
@pytest.mark.parametrize("today,due", [
    (D(2027, 5, 8), None), (DUE, 2027), (D(2027, 6, 20), 2027), (D(2027, 6, 21), None),
    (D(2027, 1, 1), None), (D(2027, 12, 31), None),
])
def test_reminders_are_due_from_six_weeks_before_until_world_refugee_day(today, due):
    assert reminders.default_send_on(2027) == DUE
    assert reminders.due_year(today) == due


def test_the_date_staff_set_replaces_the_default(staff):
    row = services_review.reminder_schedule_set(year=2027, send_on=D(2027, 6, 1),
                                                actor=staff)
    assert reminders.send_on(2027) == D(2027, 6, 1)
    assert reminders.due_year(DUE) is None and reminders.due_year(D(2027, 6, 1)) == 2027
    entry = audit_history(row).get()
    assert entry.action == "reminder_schedule.set" and entry.actor == staff
    assert entry.changes == {"send_on": [None, "2027-06-01"]}
    services_review.reminder_schedule_set(year=2027, send_on=D(2027, 6, 1), actor=staff)
    assert audit_history(row).count() == 1  # the same date: nothing written


@pytest.mark.parametrize("year,send_on,field,code", [
    (2027, D(2027, 6, 21), "send_on", "send_on_after_wrd"),
    (2027, D(2026, 12, 1), "send_on", "send_on_outside_year"),
    (2017, D(2017, 5, 1), "year", "year_out_of_range"),
])
def test_a_reminder_date_that_makes_no_sense_is_refused(staff, year, send_on, field, code):
    with pytest.raises(ValidationError) as caught:
        services_review.reminder_schedule_set(year=year, send_on=send_on, actor=staff)
    assert caught.value.error_dict[field][0].code == code
    assert not ReminderSchedule.objects.exists()


@pytest.mark.parametrize("who", ["officer", "staff_without_totp"])
def test_only_staff_with_a_second_factor_set_the_date(request, who):
    with pytest.raises(PermissionDenied):
        services_review.reminder_schedule_set(year=2027, send_on=D(2027, 5, 1),
                                              actor=request.getfixturevalue(who))
    assert not ReminderSchedule.objects.exists()


# --- Who and how ----------------------------------------------------------------------------
def test_each_officer_of_a_signatory_gets_one_email_in_their_language(
        signatory, officer, make_officer, other_lg, other_officer, in_japan):
    english = make_officer(signatory, email="mary@city.fuchu.tokyo.jp")
    accepted_invitation(english, signatory, "en")
    in_japan(DUE)
    run = reminders.reminders_send()
    assert (run.year, run.reminded, run.emails) == (2027, [signatory.pk], 2)
    sent = ReminderSent.objects.get()
    assert (sent.local_government, sent.year, sent.recipients) == (signatory, 2027, 2)
    assert {(e.recipient, e.language) for e in reminder_rows()} == {
        (officer.email, "ja"), (english.email, "en")}
    assert deliver_all() == ["sent", "sent"]
    by_address = {m.to[0]: m for m in mail.outbox}
    assert other_officer.email not in by_address  # 調布市 has not signed
    en = by_address[english.email]
    assert en.extra_headers["Content-Language"] == "en"
    assert "2027" in en.subject
    assert f"/en/workspace/{signatory.pk}/events/new/" in en.body
    assert "42 days" in en.body
    assert f"/ja/workspace/{signatory.pk}/events/new/" in by_address[officer.email].body


def test_a_second_run_sends_nothing(two_signatories, in_japan):
    in_japan(DUE)
    first = reminders.reminders_send()
    in_japan(DUE + datetime.timedelta(days=1))
    second = reminders.reminders_send()
    assert len(first.reminded) == 2 and second.reminded == [] and second.emails == 0
    assert ReminderSent.objects.count() == 2 and reminder_rows().count() == 2


def test_nothing_before_the_date_nor_after_world_refugee_day(signatory, officer, in_japan):
    for day in (DUE - datetime.timedelta(days=1), D(2027, 6, 21)):
        in_japan(day)
        assert reminders.reminders_send().year is None
    assert not ReminderSent.objects.exists() and not reminder_rows().exists()


def test_a_signatory_without_officers_is_reminded_once_it_has_one(signatory, make_officer,
                                                                  in_japan):
    in_japan(DUE)
    run = reminders.reminders_send()
    assert run.reminded == [] and signatory.pk in run.without_officers
    assert not ReminderSent.objects.exists()
    make_officer(signatory)
    assert reminders.reminders_send().reminded == [signatory.pk]


def test_a_crash_between_local_governments_sends_nothing_twice(two_signatories, monkeypatch,
                                                               in_japan):
    in_japan(DUE)
    first, second = sorted(lg.pk for lg in two_signatories)
    real_queue = reminders._queue

    def crash_on_the_second(sent, recipients):
        real_queue(sent, recipients)  # its emails are promised ...
        if sent.local_government_id == second:
            raise RuntimeError("worker killed")  # ... but the transaction never commits

    monkeypatch.setattr(reminders, "_queue", crash_on_the_second)
    with pytest.raises(RuntimeError):
        reminders.reminders_send()
    assert list(ReminderSent.objects.values_list("local_government_id", flat=True)) == [first]
    assert reminder_rows().count() == 1  # the second's row and email were rolled back
    monkeypatch.setattr(reminders, "_queue", real_queue)
    run = reminders.reminders_send()  # the re-run after the restart
    assert run.reminded == [second]
    assert ReminderSent.objects.count() == 2
    assert sorted(reminder_rows().values_list("args__local_government_id", flat=True)) == [
        first, second]


def test_overlapping_runs_send_nothing_twice(two_signatories, monkeypatch, in_japan):
    """Run B finishes between run A's read of the local governments to remind and its
    writes: A's inserts meet the unique constraint, and nothing of A's is kept."""
    in_japan(DUE)
    stale = reminders.pending_ids(2027)  # what run A read
    reminders.reminders_send()  # run B, complete
    monkeypatch.setattr(reminders, "pending_ids", lambda year: stale)
    run_a = reminders.reminders_send()
    assert run_a.reminded == [] and sorted(run_a.taken) == sorted(lg.pk for lg in two_signatories)
    assert ReminderSent.objects.count() == 2 and reminder_rows().count() == 2


def test_the_email_is_not_sent_once_the_signature_is_withdrawn(signatory, officer, in_japan):
    in_japan(DUE)
    reminders.reminders_send()
    signatory.signatures.update(status="withdrawn")
    assert deliver_all() == ["cancelled"] and mail.outbox == []


def test_the_email_is_not_sent_after_world_refugee_day(signatory, officer, in_japan):
    in_japan(D(2027, 6, 20))
    reminders.reminders_send()
    in_japan(D(2027, 6, 21))
    assert deliver_all() == ["cancelled"] and mail.outbox == []


def test_on_the_day_itself_the_email_says_today(signatory, officer, in_japan):
    in_japan(D(2027, 6, 20))
    reminders.reminders_send()
    assert deliver_all() == ["sent"]
    # (The officer's language is Japanese: the day is named, no "0 days until".)
    body = mail.outbox[0].body
    assert "本日2027年6月20日は世界難民の日です" in body and "あと0日" not in body


def test_the_periodic_task_sends_what_is_due(signatory, officer, in_japan):
    in_japan(DUE)
    tasks.world_refugee_day_reminders_task.call_local()
    assert ReminderSent.objects.filter(local_government=signatory, year=2027).exists()


def test_the_command_for_staff(two_signatories):
    out = StringIO()
    call_command("send_wrd_reminders", date="2027-05-10", dry_run=True, stdout=out)
    assert "2 local government(s)" in out.getvalue() and "dry run" in out.getvalue()
    assert not ReminderSent.objects.exists() and not reminder_rows().exists()
    out = StringIO()
    call_command("send_wrd_reminders", date="2027-05-10", stdout=out)
    assert "2 local government(s), 2 email(s)" in out.getvalue()
    out = StringIO()
    call_command("send_wrd_reminders", date="2027-05-01", stdout=out)
    assert "not due" in out.getvalue()
    assert ReminderSent.objects.count() == 2


def test_the_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("send_wrd_reminders", date="2027-13-01")


# --- Real concurrent runs (PostgreSQL: SQLite runs one writing transaction at a time) -------


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_concurrent_runs_remind_each_local_government_once(make_officer, monkeypatch):
    """Four runs at the same moment, from threads with their own connections."""
    codes = ["132063", "132080", "132012", "132021", "132039"]  # 府中, 調布, 八王子, 立川, 武蔵野
    for code in codes:
        lg = jp(code)
        SignatureFactory(local_government=lg, status="published",
                         published_at=timezone.now(), email=f"soumu@{code}.example.jp")
        make_officer(lg)
    monkeypatch.setattr(reminders, "today_in_japan", lambda: DUE)
    results = at_once(4, lambda i: reminders.reminders_send().reminded)
    assert not [r for r in results if isinstance(r, BaseException)], results
    reminded = [pk for run in results for pk in run]
    assert sorted(reminded) == sorted(jp(code).pk for code in codes)  # each once
    assert ReminderSent.objects.count() == 5 and reminder_rows().count() == 5
