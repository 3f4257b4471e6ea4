"""A new officer's trial of the workspace's event pages (issue 9, usability fixes): nothing
typed is lost (no "submit as saved" next to the edit form; the report is saved with a
photo), landmark fields grouped for light-ups, a pasted "lat, lon" pair, past events apart,
the local government's time zone first, a phone number for deliveries, and what UNHCR sent
back said first on the dashboard."""

import datetime
import html as htmllib
import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.events.test_revisions import approved
from tests.events.test_revisions import data as event_data
from tests.factories import EventFactory
from tests.workspace.test_events_views import form_data, past_event, png, url
from withrefugees.events import services
from withrefugees.events import services_review as review
from withrefugees.events.forms import EventForm, SupportRequestForm, split_point_pair
from withrefugees.events.models import Event, EventPhoto, Landmark
from withrefugees.workspace.selectors import act_step

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def text(page: str) -> str:
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


# --- 1. No "submit as saved" form next to the edit form ----------------------------------
def test_edit_page_has_no_separate_submit_form(client, lg, officer):
    event = EventFactory(local_government=lg, status="draft", was_approved=False)
    client.force_login(officer)
    page = client.get(url("event_edit", lg, event.pk)).content.decode()
    assert url("event_submit", lg, event.pk) not in page
    assert 'name="submit_now"' in page  # "Save and submit to UNHCR" at the bottom
    listing = client.get(url("events", lg)).content.decode()
    assert url("event_submit", lg, event.pk) in listing  # the list keeps its button


def test_save_and_submit_sends_the_edited_version(client, lg, officer):
    event = EventFactory(local_government=lg, status="draft", was_approved=False)
    client.force_login(officer)
    response = client.post(url("event_edit", lg, event.pk),
                           form_data(title_en="Edited title", submit_now="1"))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == "submitted" and event.title_en == "Edited title"


# --- 2. The report is kept when a photo is added --------------------------------------------
def test_report_and_photo_are_saved_together(client, lg, officer):
    event = past_event(lg, status="submitted", was_approved=False)
    client.force_login(officer)
    page = client.get(url("event_report", lg, event.pk)).content.decode()
    assert page.count('enctype="multipart/form-data"') == 1
    assert page.count(f'action="{url("event_report", lg, event.pk)}"') == 1
    response = client.post(url("event_report", lg, event.pk), {
        "action": "save", "report": "120人が来場しました。", "image": png(), "alt": "会場",
        "credit": "© 府中市"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.report == "120人が来場しました。"
    assert EventPhoto.objects.filter(event=event).count() == 1


def test_report_is_reshown_when_the_photo_is_refused(client, lg, officer):
    event = past_event(lg, status="submitted", was_approved=False)
    client.force_login(officer)
    response = client.post(url("event_report", lg, event.pk), {
        "action": "save", "report": "書きかけの報告", "image": png(), "alt": "",
        "credit": "© 府中市"})
    assert response.status_code == 400
    assert "書きかけの報告" in response.content.decode()
    event.refresh_from_db()
    assert event.report == "" and not EventPhoto.objects.exists()  # both or nothing


def test_report_alone_is_saved_without_a_photo(client, lg, officer):
    event = past_event(lg, status="submitted", was_approved=False)
    client.force_login(officer)
    response = client.post(url("event_report", lg, event.pk), {
        "action": "save", "report": "報告だけ", "alt": "", "credit": ""})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.report == "報告だけ" and not EventPhoto.objects.exists()


# --- 3. Landmark fields grouped; the event takes the new landmark's point ---------------------
def test_landmark_fields_are_in_a_light_up_fieldset(client, lg, officer):
    client.force_login(officer)
    page = client.get(url("event_new", lg).replace("/ja/", "/en/")).content.decode()
    group = re.search(r'<fieldset id="landmark-group">(.*?)<fieldset id="where-group">', page,
                      re.S).group(1)
    assert "For a World Refugee Day light-up" in text(group)
    for name in ("landmark", "new_landmark_name_ja", "new_landmark_latitude"):
        assert f'name="{name}"' in group


def test_event_takes_the_new_landmarks_point(client, lg, officer):
    client.force_login(officer)
    response = client.post(url("event_new", lg), form_data(
        kind="light_up", new_landmark_name_ja="府中の塔",
        new_landmark_latitude="35.67251, 139.48702", latitude="", longitude=""))
    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.latitude, event.longitude) == (35.67251, 139.48702)
    assert Landmark.objects.get().latitude == 35.67251


# --- 4. A pasted "lat, lon" pair -------------------------------------------------------------
@pytest.mark.parametrize("pasted", ["35.67251, 139.48702", "35.67251、139.48702",
                                    "35.67251，139.48702", "35.67251 139.48702",
                                    "３５.６７２５１，１３９.４８７０２"])
def test_pasted_pair_fills_both_fields(lg, pasted):
    form = EventForm(form_data(latitude=pasted, longitude=""), local_government=lg)
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["latitude"], form.cleaned_data["longitude"]) == (
        35.67251, 139.48702)


def test_pair_with_another_longitude_is_refused(lg):
    form = EventForm(form_data(latitude="35.6, 139.4", longitude="140.0"),
                     local_government=lg)
    assert not form.is_valid() and "latitude" in form.errors
    assert split_point_pair("35.6") is None and split_point_pair("a, b") is None


def test_help_text_gives_the_values_apart_and_the_map_only_when_shown(lg, settings):
    settings.MAP_TILE_URL = ""
    with translation.override("en"):
        help_text = str(EventForm(local_government=lg).fields["latitude"].help_text)
    assert "35.6689、139.4776" not in help_text and "map below" not in help_text
    assert "35.6689" in help_text and "139.4776" in help_text
    settings.MAP_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    with translation.override("en"):
        help_text = str(EventForm(local_government=lg).fields["latitude"].help_text)
    assert "map below" in help_text


# --- 5. Past events apart, with only the report and photos ----------------------------------
def test_list_puts_upcoming_first_and_past_apart(client, lg, officer):
    upcoming = EventFactory(local_government=lg, title_en="Coming exhibition")
    past = past_event(lg, title_en="Finished exhibition")
    client.force_login(officer)
    page = client.get(url("events", lg).replace("/ja/", "/en/")).content.decode()
    past_at = page.index('id="events-past-title"')
    assert page.index("Coming exhibition") < past_at < page.index("Finished exhibition")
    past_part = page[past_at:page.index('id="support-title"')]
    assert url("event_report", lg, past.pk).replace("/ja/", "/en/") in past_part
    assert url("event_cancel", lg, past.pk).replace("/ja/", "/en/") not in past_part
    assert f"?event={past.pk}" not in past_part
    assert f"?event={upcoming.pk}" in page[:past_at]


# --- 6. The local government's time zone first ------------------------------------------------
def test_time_zone_of_the_local_government_comes_first(lg):
    choices = EventForm(local_government=lg).fields["time_zone"].choices
    first_group = choices[0][1]
    assert first_group == [("Asia/Tokyo", "Asia/Tokyo")]
    assert "Asia/Tokyo" not in [name for name, _label in choices[1][1]]


# --- 7. Delivery address asks for a phone number ------------------------------------------------
def test_delivery_address_help_asks_for_name_department_and_phone(lg):
    with translation.override("en"):
        help_text = str(SupportRequestForm(local_government=lg).fields["delivery_address"]
                        .help_text)
    assert "phone" in help_text and "department" in help_text and "name" in help_text


# --- 8. The dashboard says first what UNHCR sent back -------------------------------------------
def test_act_step_says_first_that_an_event_was_sent_back(lg):
    EventFactory(local_government=lg, status="approved")
    EventFactory(local_government=lg, status="returned", was_approved=False)
    state = act_step(lg)
    with translation.override("en"):
        assert str(state.summary).startswith("UNHCR sent an event back: see the comment")
    assert state.url == reverse("workspace:events", args=[lg.pk])


def test_act_step_says_changes_were_sent_back(lg, officer, staff):
    event = approved(lg, officer, staff)
    services.event_update(event=event, actor=officer,
                          data=event_data(title_en="Typo fixed"))
    services.event_submit(event=event, actor=officer)
    review.event_return(event=event.revisions.get(), actor=staff, comment="確認してください")
    state = act_step(lg)
    with translation.override("en"):
        assert state.status == "done" and "sent your changes" in str(state.summary)
    assert state.url == reverse("workspace:events", args=[lg.pk])


def test_past_event_page_offers_no_cancel(client, lg, officer):
    event = past_event(lg, status="approved")
    client.force_login(officer)
    page = client.get(url("event_edit", lg, event.pk)).content.decode()
    assert url("event_cancel", lg, event.pk) not in page
    assert url("event_report", lg, event.pk) in page
    assert datetime.date(2024, 6, 20) == event.start_date
