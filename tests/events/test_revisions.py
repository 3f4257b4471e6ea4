"""Nothing an officer writes is public before UNHCR approved that exact content (the review of
issue 9): the changes to an approved event go to its revision and the approved version stays
public meanwhile; a sent-back event cancelled never goes public; the report and photos after
an approved event wait for review; staff approve only the version they saw. Every public
read (event page, JSON-LD, calendar, feeds, profile, World Refugee Day page, post kit,
counts) is checked after each step."""

import datetime
import io
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from tests.factories import EventFactory, LandmarkFactory
from withrefugees.core.audit import audit_history
from withrefugees.events import posts, selectors, selectors_officer, services
from withrefugees.events import services_review as review
from withrefugees.events.models import Event, EventPhoto
from withrefugees.events.services import EventInput, LandmarkInput, PartnerInput
from withrefugees.workspace.selectors import act_step

pytestmark = pytest.mark.django_db
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png(color=(0, 114, 188)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def data(**overrides) -> EventInput:
    """A World Refugee Day light-up of 20 June 2027 (or ``past=True``: 2024)."""
    year = 2024 if overrides.pop("past", False) else 2027
    values = dict(kind="light_up", title_ja="承認された題", title_en="Approved title",
                  time_zone="Asia/Tokyo",
                  starts_at=datetime.datetime(year, 6, 20, 19, 0, tzinfo=TOKYO),
                  ends_at=datetime.datetime(year, 6, 20, 22, 0, tzinfo=TOKYO),
                  new_landmark=LandmarkInput(name_ja="府中の塔"), venue="府中の塔",
                  partners=(PartnerInput("civil_society", "府中市国際交流協会"),))
    values.update(overrides)
    return EventInput(**values)


def approved(lg, officer, staff, **overrides) -> Event:
    """An event registered, submitted and approved through the services."""
    event = services.event_create(local_government=lg, actor=officer, data=data(**overrides))
    services.event_submit(event=event, actor=officer)
    review.event_approve(event=event, actor=staff)
    event.refresh_from_db()
    assert event.is_public
    return event


def public_texts(client, lg, *events: Event) -> str:
    """Everything the public reads about ``lg``'s events, in one text: each event's page
    (with its JSON-LD) and .ics when public, the calendar (ja, en), the feeds, the profile,
    the World Refugee Day pages of 2024 and 2027, the post kit."""
    paths = [reverse("events:calendar"), "/en/events/", reverse("events:feed_all"),
             reverse("events:feed_local_government", args=[lg.pk]),
             f"/en/signatories/{lg.pk}/", f"/ja/signatories/{lg.pk}/",
             reverse("events:world_refugee_day", args=[2027]),
             reverse("events:world_refugee_day", args=[2024])]
    for event in events:
        paths += [reverse("events:event", args=[event.pk]),
                  reverse("events:feed_event", args=[event.pk])]
    texts = []
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        if response.status_code == 200:
            texts.append(response.content.decode())
    for day in (datetime.date(2024, 6, 1), datetime.date(2027, 6, 1)):
        for occasion in posts.post_occasions(lg, language="en", today=day):
            texts.append(f"{occasion.title} {occasion.values}")
    return "\n".join(texts)


# --- 1. A sent-back event cancelled stays private ---------------------------------------------
def test_a_returned_event_renamed_and_cancelled_never_goes_public(client, lg, officer,
                                                                    staff):
    event = approved(lg, officer, staff)
    review.event_return(event=event, actor=staff, comment="写真のクレジットがありません。")
    services.event_update(event=event, actor=officer,
                          data=data(title_ja="未審査の題", title_en="Unreviewed title"))
    services.event_cancel(event=event, actor=officer)
    event.refresh_from_db()
    assert event.status == "cancelled" and not event.was_approved and not event.is_public
    assert client.get(reverse("events:event", args=[event.pk])).status_code == 404
    texts = public_texts(client, lg, event)
    assert "Unreviewed title" not in texts and "未審査の題" not in texts
    assert not selectors.public_events().filter(pk=event.pk).exists()


def test_an_approved_event_cancelled_stays_public_as_approved_and_drops_its_changes(
        client, lg, officer, staff):
    event = approved(lg, officer, staff)
    services.event_update(event=event, actor=officer,
                          data=data(title_ja="未審査の題", title_en="Unreviewed title"))
    services.event_cancel(event=event, actor=officer, note="台風")
    event.refresh_from_db()
    assert event.status == "cancelled" and event.is_public and not event.revisions.exists()
    texts = public_texts(client, lg, event)
    assert "Approved title" in texts and "STATUS:CANCELLED" in texts
    assert "Unreviewed title" not in texts


# --- 2. Changes to an approved event: a revision ----------------------------------------------
def test_changes_to_an_approved_event_are_public_only_once_approved(client, lg, officer,
                                                                      staff):
    event = approved(lg, officer, staff)
    sequence = event.sequence
    revision = services.event_update(
        event=event, actor=officer,
        data=data(title_ja="新しい題", title_en="New title", venue="新しい会場",
                  partners=(PartnerInput("company", "株式会社府中"),)))
    assert revision.revision_of_id == event.pk and revision.status == "draft"
    event.refresh_from_db()
    assert (event.status, event.title_en, event.sequence) == ("approved", "Approved title",
                                                             sequence)
    texts = public_texts(client, lg, event)
    assert "Approved title" in texts and "府中市国際交流協会" in texts
    assert "New title" not in texts and "株式会社府中" not in texts
    # The revision is never public nor counted anywhere.
    assert client.get(reverse("events:event", args=[revision.pk])).status_code == 404
    assert selectors.act_counts(lg) == selectors.ActCounts(approved=1)
    assert act_step(lg).detail.counts.total == 1
    assert list(selectors.event_ids(lg.pk)) == [event]
    assert list(selectors_officer.officer_events(lg)) == [event]
    assert list(selectors_officer.supportable_events(lg)) == [event]
    # A second edit reuses the revision.
    again = services.event_update(event=event, actor=officer, data=data(
        title_ja="新しい題", title_en="New title 2", venue="新しい会場",
        partners=(PartnerInput("company", "株式会社府中"),)))
    assert again.pk == revision.pk and Event.objects.filter(revision_of=event).count() == 1
    submitted = services.event_submit(event=event, actor=officer)
    assert submitted.pk == revision.pk and submitted.status == "submitted"
    event.refresh_from_db()
    assert event.status == "approved" and event.title_en == "Approved title"
    # Staff see what changes, field by field.
    rows = {row.name: row for row in selectors_officer.revision_differences(submitted)}
    assert set(rows) == {"title_ja", "title_en", "venue", "partners"}
    assert (rows["title_en"].old, rows["title_en"].new) == ("Approved title", "New title 2")
    assert "株式会社府中" in rows["partners"].new
    result = review.event_approve(event=submitted, actor=staff,
                                  version=review.event_version(submitted))
    assert result.pk == event.pk
    event.refresh_from_db()
    assert (event.status, event.title_en, event.venue) == ("approved", "New title 2",
                                                          "新しい会場")
    assert event.sequence == sequence + 1 and not Event.objects.filter(
        revision_of__isnull=False).exists()
    assert [[p.kind, p.name] for p in event.partners.all()] == [["company", "株式会社府中"]]
    row = audit_history(event).last()
    assert row.action == "event.approve" and row.changes["title_en"] == [
        "Approved title", "New title 2"]
    assert {"title_ja", "venue", "partners"} <= set(row.changes)
    texts = public_texts(client, lg, event)
    assert "New title 2" in texts and "株式会社府中" in texts
    assert f"SEQUENCE:{event.sequence}" in texts


def test_changes_sent_back_leave_the_approved_event_public_unchanged(client, lg, officer,
                                                                       staff):
    event = approved(lg, officer, staff)
    services.event_update(event=event, actor=officer, data=data(title_en="Typo fixed"))
    services.event_submit(event=event, actor=officer)
    revision = event.revisions.get()
    review.event_return(event=revision, actor=staff, comment="英語の題を確認してください。")
    revision.refresh_from_db()
    event.refresh_from_db()
    assert revision.status == "returned" and revision.review_comment.startswith("英語")
    assert event.status == "approved" and event.title_en == "Approved title"
    assert event.is_public and "Typo fixed" not in public_texts(client, lg, event)
    assert audit_history(event).last().action == "event.return"
    # Edited and submitted again: the same revision, submitted.
    services.event_update(event=event, actor=officer, data=data(title_en="Typo fixed again"))
    assert services.event_submit(event=event, actor=officer).pk == revision.pk


def test_an_edit_that_changes_nothing_leaves_no_revision(lg, officer, staff):
    event = approved(lg, officer, staff)
    landmark = event.landmark
    result = services.event_update(event=event, actor=officer,
                                   data=data(new_landmark=None, landmark=landmark))
    assert result.pk == event.pk and not event.revisions.exists()
    # Changed, then changed back: the revision goes.
    services.event_update(event=event, actor=officer,
                          data=data(new_landmark=None, landmark=landmark, title_en="X"))
    assert event.revisions.exists()
    services.event_update(event=event, actor=officer,
                          data=data(new_landmark=None, landmark=landmark))
    assert not event.revisions.exists()


def test_an_approved_event_without_changes_has_nothing_to_submit(lg, officer, staff):
    event = approved(lg, officer, staff)
    with pytest.raises(ValidationError) as caught:
        services.event_submit(event=event, actor=officer)
    assert caught.value.code == "event_not_submittable"


def test_staff_sending_back_an_approved_event_with_changes_keeps_them_private(
        client, lg, officer, staff):
    event = approved(lg, officer, staff)
    services.event_update(event=event, actor=officer, data=data(title_en="Unreviewed title"))
    review.event_return(event=event, actor=staff, comment="掲載を一旦止めます。")
    event.refresh_from_db()
    assert event.status == "returned" and event.title_en == "Unreviewed title"
    assert not event.revisions.exists() and not event.is_public
    services.event_cancel(event=event, actor=officer)
    event.refresh_from_db()
    assert not event.is_public
    assert "Unreviewed title" not in public_texts(client, lg, event)


def test_the_officers_may_drop_their_changes(lg, officer, staff,
                                             django_capture_on_commit_callbacks):
    event = approved(lg, officer, staff)
    services.event_update(event=event, actor=officer, image=png(), data=data(
        title_en="Second thoughts", image_alt="青い塔", image_credit="© 府中市"))
    revision = event.revisions.get()
    new_image = revision.image.name
    assert default_storage.exists(new_image) and not event.image
    with django_capture_on_commit_callbacks(execute=True):
        services.event_revision_discard(event=event, actor=officer)
    assert not default_storage.exists(new_image)
    event.refresh_from_db()
    assert not event.revisions.exists() and event.title_en == "Approved title"
    assert event.status == "approved"


def test_a_revision_is_never_public_and_one_per_event_in_the_database(lg):
    event = EventFactory(local_government=lg)
    EventFactory(local_government=lg, revision_of=event, status="draft", was_approved=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(local_government=lg, revision_of=event, status="draft",
                     was_approved=False)
    other = EventFactory(local_government=lg)
    for status in ("approved", "cancelled"):
        with pytest.raises(IntegrityError), transaction.atomic():
            EventFactory(local_government=lg, revision_of=other, status=status)
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(local_government=lg, revision_of=other, status="submitted",
                     was_approved=True)


# --- 3. Report and photos after the event ------------------------------------------------------
def test_report_and_photos_of_an_approved_event_wait_for_review(
        client, lg, officer, staff, django_capture_on_commit_callbacks):
    event = approved(lg, officer, staff, past=True)
    services.event_report_save(event=event, actor=officer, report="120人が来場しました。")
    photo = services.event_photo_add(event=event, actor=officer, image=png(),
                                     alt="青く照らされた塔", credit="© 府中市")
    revision = event.revisions.get()
    assert photo.event_id == revision.pk
    event.refresh_from_db()
    assert event.report == "" and not event.photos.exists()
    texts = public_texts(client, lg, event)
    assert "120人が来場しました。" not in texts and "青く照らされた塔" not in texts
    assert selectors.world_refugee_day(2024).photos == []
    revision = services.event_submit(event=event, actor=officer)
    review.event_approve(event=revision, actor=staff, version=review.event_version(revision))
    event.refresh_from_db()
    assert event.report == "120人が来場しました。"
    public_photo = event.photos.get()
    texts = public_texts(client, lg, event)
    assert "120人が来場しました。" in texts and "青く照らされた塔" in texts
    assert [p.alt for p in selectors.world_refugee_day(2024).photos] == ["青く照らされた塔"]
    # Removing a public photo is a change too: it stays public until approved, and its file
    # is kept while the public event shows it.
    with django_capture_on_commit_callbacks(execute=True):
        services.event_photo_remove(photo=public_photo, actor=officer)
    assert event.photos.count() == 1 and default_storage.exists(public_photo.image.name)
    revision = event.revisions.get()
    assert not revision.photos.exists()
    assert "青く照らされた塔" in public_texts(client, lg, event)
    services.event_submit(event=event, actor=officer)
    with django_capture_on_commit_callbacks(execute=True):
        review.event_approve(event=revision, actor=staff)
    assert not EventPhoto.objects.exists()
    assert not default_storage.exists(public_photo.image.name)


def test_on_an_event_never_approved_the_report_and_photos_are_part_of_the_review(
        lg, officer, staff):
    event = services.event_create(local_government=lg, actor=officer, data=data(past=True))
    services.event_photo_add(event=event, actor=officer, image=png(), alt="塔", credit="©")
    services.event_report_save(event=event, actor=officer, report="よかった")
    assert not event.revisions.exists() and event.photos.count() == 1
    services.event_submit(event=event, actor=officer)
    version = review.event_version(event)
    services.event_report_save(event=event, actor=officer, report="とてもよかった")
    with pytest.raises(review.EventChanged):
        review.event_approve(event=event, actor=staff, version=version)


# --- 4. Staff approve the version they saw -----------------------------------------------------
def test_approve_refuses_a_version_changed_since_the_page_was_loaded(lg, officer, staff):
    event = services.event_create(local_government=lg, actor=officer, data=data())
    services.event_submit(event=event, actor=officer)
    event.refresh_from_db()
    seen = review.event_version(event)
    # The officer edits the submitted event: it stays submitted.
    services.event_update(event=event, actor=officer, data=data(title_en="Edited meanwhile"))
    event.refresh_from_db()
    assert event.status == "submitted"
    with pytest.raises(review.EventChanged):
        review.event_approve(event=event, actor=staff, version=seen)
    event.refresh_from_db()
    assert event.status == "submitted" and not event.is_public
    assert "event.approve" not in [row.action for row in audit_history(event)]
    review.event_approve(event=event, actor=staff, version=review.event_version(event))
    event.refresh_from_db()
    assert event.status == "approved" and event.title_en == "Edited meanwhile"


def test_approve_refuses_a_revision_changed_since(lg, officer, staff):
    event = approved(lg, officer, staff)
    services.event_update(event=event, actor=officer, data=data(title_en="Seen"))
    revision = services.event_submit(event=event, actor=officer)
    seen = review.event_version(revision)
    services.event_update(event=event, actor=officer, data=data(title_en="Not seen"))
    with pytest.raises(review.EventChanged):
        review.event_approve(event=revision, actor=staff, version=seen)
    event.refresh_from_db()
    assert event.title_en == "Approved title"


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_the_review_page_shows_the_changes_and_refuses_an_unseen_version(
        staff_client, lg, officer, staff):
    event = approved(lg, officer, staff)
    services.event_update(event=event, actor=officer, data=data(title_en="Seen by staff"))
    revision = services.event_submit(event=event, actor=officer)
    queue = staff_client.get("/en/admin/events/event/?review=needed")
    assert list(queue.context["cl"].result_list) == [revision]
    assert "Changes to" in queue.content.decode()
    assert list(staff_client.get("/en/admin/events/event/").context["cl"].result_list) == [
        event]
    url = reverse("admin:events_event_review", args=[revision.pk])
    page = staff_client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and "Approved title" in body and "Seen by staff" in body
    assert [row.name for row in page.context["differences"]] == ["title_en"]
    version = page.context["form"]["version"].value()
    services.event_update(event=event, actor=officer, data=data(title_en="Changed meanwhile"))
    response = staff_client.post(url, {"decision": "approve", "version": version})
    assert response.status_code == 400
    assert "changed this event after you opened it" in response.content.decode()
    assert "Changed meanwhile" in response.content.decode()
    event.refresh_from_db()
    assert event.title_en == "Approved title"
    version = response.context["form"]["version"].value()
    response = staff_client.post(url, {"decision": "approve", "version": version})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title_en == "Changed meanwhile" and not event.revisions.exists()


def test_a_review_post_without_the_version_approves_nothing(staff_client, lg, officer):
    event = services.event_create(local_government=lg, actor=officer, data=data())
    services.event_submit(event=event, actor=officer)
    url = reverse("admin:events_event_review", args=[event.pk])
    assert staff_client.post(url, {"decision": "approve"}).status_code == 400
    event.refresh_from_db()
    assert event.status == "submitted"


# --- The workspace: one row per event ----------------------------------------------------------
def test_the_workspace_shows_one_row_per_event_and_edits_the_changes(
        client, lg, officer, staff, django_assert_max_num_queries):
    event = approved(lg, officer, staff)
    client.force_login(officer)
    events_url = reverse("workspace:events", args=[lg.pk])
    with django_assert_max_num_queries(40) as before:
        client.get(events_url)
    services.event_update(event=event, actor=officer, data=data(title_en="Awaiting review"))
    services.event_submit(event=event, actor=officer)
    revision = event.revisions.get()
    for _ in range(3):
        other = approved(lg, officer, staff, new_landmark=None,
                         landmark=LandmarkFactory(local_government=lg))
        services.event_update(event=other, actor=officer, data=data(
            new_landmark=None, landmark=other.landmark, title_en="Other changes"))
    with django_assert_max_num_queries(len(before.captured_queries)):
        page = client.get(events_url)
    rows = page.context["rows"]
    assert len(rows) == 4 and revision.pk not in [row["event"].pk for row in rows]
    with translation.override("ja"):
        assert gettext("your changes await UNHCR's review") in page.content.decode()
    edit = client.get(reverse("workspace:event_edit", args=[lg.pk, event.pk]))
    assert edit.context["form"].initial["title_en"] == "Awaiting review"
    # The id of the revision (in the email of changes sent back) leads to the event's page.
    response = client.get(reverse("workspace:event_edit", args=[lg.pk, revision.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:event_edit", args=[lg.pk, event.pk])
    # Dropping the changes asks first.
    drop = reverse("workspace:event_cancel", args=[lg.pk, event.pk])
    assert client.get(drop + "?what=changes").status_code == 200
    client.post(drop, {"confirm": "yes", "what": "changes"})
    event.refresh_from_db()
    assert event.status == "approved" and not event.revisions.exists()


def test_the_workspace_edit_of_an_approved_event_is_not_public(client, lg, officer, staff):
    event = approved(lg, officer, staff)
    client.force_login(officer)
    form = {"kind": "light_up", "title_ja": "承認された題", "title_en": "Typo fixd",
            "start_date": "2027-06-20", "start_time": "19:00", "end_date": "2027-06-20",
            "end_time": "22:00", "time_zone": "Asia/Tokyo", "landmark": event.landmark_id,
            "venue": "府中の塔", "partners-TOTAL_FORMS": "0", "partners-INITIAL_FORMS": "0",
            "submit_now": "1"}
    response = client.post(reverse("workspace:event_edit", args=[lg.pk, event.pk]), form)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title_en == "Approved title" and event.revisions.get().status == "submitted"
    assert "Typo fixd" not in public_texts(client, lg, event)


def test_the_bulk_approve_action_never_approves_changes(staff_client, lg, officer, staff):
    """Changes to an approved event are approved on their page only (where staff see the
    differences), never by the list's bulk action."""
    event = approved(lg, officer, staff)
    revision = services.event_update(event=event, actor=officer,
                                     data=data(title_en="Unseen change"))
    services.event_submit(event=revision, actor=officer)
    response = staff_client.post(reverse("admin:events_event_changelist") + "?review=needed",
                                 {"action": "approve_selected",
                                  "_selected_action": [revision.pk]}, follow=True)
    assert response.status_code == 200
    event.refresh_from_db()
    assert event.title_en == "Approved title"
    assert Event.objects.filter(pk=revision.pk, status="submitted").exists()


def test_exports_never_list_changes_as_events(lg, officer, staff, rf):
    from withrefugees.events.exports import events_export_response

    event = approved(lg, officer, staff)
    services.event_update(event=event, actor=officer, data=data(title_en="Unseen change"))
    body = events_export_response(Event.objects.all(), "csv",
                                  request=rf.get("/")).content.decode("utf-8-sig")
    assert "Approved title" in body and "Unseen change" not in body
