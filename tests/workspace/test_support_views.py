"""The workspace's support request pages (step 3): ask UNHCR, follow the status and replies.
Records are looked up within the local government of the URL; bad input never gives a
500 and what was typed is kept."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import EventFactory, SupportRequestFactory
from withrefugees.core.models import AuditEntry
from withrefugees.events.models import SupportReply, SupportRequest

pytestmark = pytest.mark.django_db


def url(name, lg, *args):
    return reverse(f"workspace:{name}", args=[lg.pk, *args])


def data(**overrides) -> dict:
    values = {"items-TOTAL_FORMS": "3", "items-INITIAL_FORMS": "0",
              "items-0-kind": "materials", "items-0-quantity": "50",
              "items-0-description": "ポスター（A2）",
              "items-1-kind": "film", "items-1-quantity": "", "items-1-description": "映画",
              "needed_from": "2027-06-01", "needed_by": "2027-06-20",
              "delivery_address": "〒183-8703 東京都府中市宮西町2-24", "message": "お願いします"}
    values.update(overrides)
    return values


def test_ask_for_support_for_an_event(client, lg, officer):
    event = EventFactory(local_government=lg)
    client.force_login(officer)
    page = client.get(url("support_new", lg) + f"?event={event.pk}")
    assert page.status_code == 200
    assert page.context["form"].initial["event"] == event.pk
    response = client.post(url("support_new", lg), data(event=str(event.pk)))
    support = SupportRequest.objects.get(local_government=lg)
    assert response.status_code == 302
    assert response["Location"] == url("support_request", lg, support.pk)
    assert support.event == event and support.requested_by == officer
    assert support.language == "ja"
    assert [(i.kind, i.quantity) for i in support.items.all()] == [("materials", 50),
                                                                   ("film", None)]
    assert AuditEntry.objects.filter(action="support_request.create").count() == 1


def test_the_language_is_the_officers_current_one(client, lg, officer):
    client.force_login(officer)
    with translation.override("en"):
        target = url("support_new", lg)
    assert target.startswith("/en/")
    client.post(target, data())
    assert SupportRequest.objects.get().language == "en"


def test_another_citys_event_in_the_query_is_ignored(client, lg, other_lg, officer):
    theirs = EventFactory(local_government=other_lg)
    client.force_login(officer)
    page = client.get(url("support_new", lg) + f"?event={theirs.pk}")
    assert "event" not in page.context["form"].initial
    assert client.get(url("support_new", lg) + "?event=" + "9" * 50).status_code == 200


def test_a_forged_event_id_is_a_field_error(client, lg, other_lg, officer):
    theirs = EventFactory(local_government=other_lg)
    client.force_login(officer)
    response = client.post(url("support_new", lg), data(event=str(theirs.pk)))
    assert response.status_code == 400
    assert not SupportRequest.objects.exists()


def test_errors_keep_what_was_typed(client, lg, officer):
    client.force_login(officer)
    response = client.post(url("support_new", lg), data(needed_by="2027-05-01",
                                                        message="消えないメッセージ"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "消えないメッセージ" in page and "ポスター（A2）" in page
    assert response.context["form"].errors.as_data()["needed_by"][0].code == (
        "needed_dates_order")
    assert not SupportRequest.objects.exists()


def test_at_least_one_item(client, lg, officer):
    client.force_login(officer)
    response = client.post(url("support_new", lg), data(**{
        "items-0-kind": "", "items-0-quantity": "", "items-0-description": "",
        "items-1-kind": "", "items-1-description": ""}))
    assert response.status_code == 400
    assert response.context["items"].non_form_errors().as_data()[0].code == "items_required"


GARBAGE = ["\x00", "a\x07b", "x" * 20_000, "2027-02-30", "99999-12-31", "-1", "1e400",
           "9" * 5000, "<script>alert(1)</script>", "💥" * 300]
FIELDS = ["event", "needed_from", "needed_by", "delivery_address", "message",
          "items-0-kind", "items-0-quantity", "items-0-description", "items-TOTAL_FORMS",
          "items-INITIAL_FORMS"]


@pytest.mark.parametrize("field", FIELDS)
def test_garbage_never_gives_500(client, lg, officer, field):
    client.force_login(officer)
    for value in GARBAGE:
        response = client.post(url("support_new", lg), data(**{field: value}))
        assert response.status_code in (302, 400), (field, value, response.status_code)


def test_list_and_detail_show_status_and_replies_newest_last(client, lg, officer):
    support = SupportRequestFactory(local_government=lg, status="in_progress")
    SupportReply.objects.create(request=support, body="最初の返事")
    SupportReply.objects.create(request=support, body="二番目の返事")
    client.force_login(officer)
    for page in (client.get(url("support_requests", lg)),
                 client.get(url("support_request", lg, support.pk))):
        assert page.status_code == 200
        content = page.content.decode()
        assert content.index("最初の返事") < content.index("二番目の返事")
        assert support.get_status_display() in content


def test_list_queries_do_not_grow(client, lg, officer, django_assert_max_num_queries):
    client.force_login(officer)
    SupportRequestFactory(local_government=lg)
    with django_assert_max_num_queries(30) as one:
        client.get(url("support_requests", lg))
    for _ in range(8):
        support = SupportRequestFactory(local_government=lg, event=EventFactory(
            local_government=lg))
        SupportReply.objects.create(request=support, body="返事")
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url("support_requests", lg))


def test_another_citys_request_is_404(client, lg, other_lg, officer):
    theirs = SupportRequestFactory(local_government=other_lg)
    client.force_login(officer)
    assert client.get(url("support_request", lg, theirs.pk)).status_code == 404
    assert client.get(url("support_request", other_lg, theirs.pk)).status_code == 403
    assert client.get(url("support_request", lg, 10**30)).status_code == 404


def test_list_is_get_only(client, lg, officer):
    client.force_login(officer)
    assert client.post(url("support_requests", lg)).status_code == 405
