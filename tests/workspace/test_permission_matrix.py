"""The permission matrix of the workspace (issue 7, "Done when"): every workspace URL and
action, for anonymous visitors, an officer of the city, an officer of another city, staff
without a second factor and staff with one; guessed ids in URLs and forged ids in forms.

Outcomes: ``login`` (sent to the sign-in page), ``refused`` (403, 404, or staff without a
second factor sent to set one up) and ``allowed`` (the page or the action's answer). A
refused action changes nothing: the test compares the records before and after.
"""

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import EventFactory, StaffFactory, SupportRequestFactory
from withrefugees.accounts.models import Invitation, Membership
from withrefugees.core.models import AuditEntry

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "officer", "other_officer", "staff_without_totp", "staff"]


def _invitation(lg, email: str, token: str) -> Invitation:
    return Invitation.objects.create(
        local_government=lg, email=email, email_canonical=email, language="ja",
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        expires_at=timezone.now() + timedelta(days=7))


@pytest.fixture
def world(lg, other_lg, officer, other_officer, make_officer, staff, staff_without_totp,
          settings, tmp_path):
    """Two cities, each with officers and a pending invitation; step 3: each with a draft
    event, an event that took place (with a photo) and a support request."""
    from withrefugees.events.models import EventPhoto

    settings.MEDIA_ROOT = tmp_path / "media"
    colleague = make_officer(lg, email="colleague@city.fuchu.tokyo.jp")
    past = {"starts_at": timezone.now() - timedelta(days=3),
            "ends_at": timezone.now() - timedelta(days=3) + timedelta(hours=2),
            "start_date": timezone.localdate() - timedelta(days=3)}
    past_event = EventFactory(local_government=lg, **past)
    other_past_event = EventFactory(local_government=other_lg, **past)
    step3 = {
        "event": EventFactory(local_government=lg, status="draft"),
        "other_event": EventFactory(local_government=other_lg, status="draft"),
        "past_event": past_event, "other_past_event": other_past_event,
        "photo": EventPhoto.objects.create(event=past_event, image="events/photos/a.png",
                                           alt="会場", credit="© 府中市"),
        "other_photo": EventPhoto.objects.create(event=other_past_event,
                                                 image="events/photos/b.png", alt="会場",
                                                 credit="© 調布市"),
        "support": SupportRequestFactory(local_government=lg),
        "other_support": SupportRequestFactory(local_government=other_lg),
    }
    return {**step3,
        "lg": lg, "other_lg": other_lg,
        "colleague_membership": Membership.objects.get(user=colleague, local_government=lg),
        "other_membership": Membership.objects.get(user=other_officer,
                                                   local_government=other_lg),
        "invitation": _invitation(lg, "new@city.fuchu.tokyo.jp", "tok-a"),
        "other_invitation": _invitation(other_lg, "new@city.chofu.lg.jp", "tok-b"),
        "users": {"officer": officer, "other_officer": other_officer, "staff": staff,
                  "staff_without_totp": staff_without_totp},
    }


def snapshot():
    """What a refused action must not change."""
    from withrefugees.events.models import Event, EventPhoto, Landmark, SupportRequest
    from withrefugees.profiles.models import Profile, SocialAccount

    return (
        sorted(Event.objects.values_list("pk", "status", "title_ja", "report", "sequence")),
        sorted(EventPhoto.objects.values_list("pk", flat=True)),
        Landmark.objects.count(), SupportRequest.objects.count(),
        sorted(Membership.objects.values_list("user_id", "local_government_id")),
        sorted(Invitation.objects.values_list("pk", "status")),
        sorted(Profile.objects.values_list("local_government_id", "introduction_ja",
                                           "public_name_ja", "website")),
        SocialAccount.objects.count(),
        AuditEntry.objects.count(),
    )


def outcome(response) -> str:
    location = response.get("Location", "") if response.status_code in (301, 302) else ""
    if "/accounts/login/" in location:
        return "login"
    if response.status_code in (403, 404) or "/accounts/2fa/" in location:
        return "refused"
    if response.status_code in (200, 302):
        return "allowed"
    return f"HTTP {response.status_code}"


EVENT_POST = {"kind": "forum", "title_ja": "難民との対話フォーラム", "start_date": "2027-06-20",
              "start_time": "14:00", "end_time": "16:00", "time_zone": "Asia/Tokyo",
              "partners-TOTAL_FORMS": "0", "partners-INITIAL_FORMS": "0"}
SUPPORT_POST = {"items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0",
                "items-0-kind": "panels", "items-0-quantity": "10"}

# (name, method, url(world), data(world), expected outcome per actor)
A, R, L = "allowed", "refused", "login"
CASES = [
    ("home", "get", lambda w: reverse("workspace:home"), None,
     dict(anonymous=L, officer=A, other_officer=A, staff_without_totp=A, staff=A)),
    ("dashboard", "get", lambda w: reverse("workspace:dashboard", args=[w["lg"].pk]), None,
     dict(anonymous=L, officer=A, other_officer=R, staff_without_totp=R, staff=A)),
    ("profile form", "get", lambda w: reverse("workspace:profile", args=[w["lg"].pk]), None,
     dict(anonymous=L, officer=A, other_officer=R, staff_without_totp=R, staff=A)),
    ("profile save", "post", lambda w: reverse("workspace:profile", args=[w["lg"].pk]),
     lambda w: {"introduction_ja": "書き換え", "public_name_ja": "書き換え市"},
     dict(anonymous=L, officer=A, other_officer=R, staff_without_totp=R, staff=A)),
    ("officers", "get", lambda w: reverse("workspace:officers", args=[w["lg"].pk]), None,
     dict(anonymous=L, officer=A, other_officer=R, staff_without_totp=R, staff=A)),
    ("invite", "post", lambda w: reverse("workspace:officers", args=[w["lg"].pk]),
     lambda w: {"email": "guest@example.org", "language": "ja"},
     dict(anonymous=L, officer=A, other_officer=R, staff_without_totp=R, staff=A)),
    ("remove officer", "post",
     lambda w: reverse("workspace:officer_remove",
                       args=[w["lg"].pk, w["colleague_membership"].pk]),
     lambda w: {"confirm": "yes"},
     dict(anonymous=L, officer=A, other_officer=R, staff_without_totp=R, staff=A)),
    ("revoke invitation", "post",
     lambda w: reverse("workspace:invitation_revoke", args=[w["lg"].pk, w["invitation"].pk]),
     lambda w: {},
     dict(anonymous=L, officer=A, other_officer=R, staff_without_totp=R, staff=A)),
    # Step 3: events and support requests.
    ("events", "get", lambda w: reverse("workspace:events", args=[w["lg"].pk]), None,
     dict(anonymous=L, officer=A, other_officer=R, staff_without_totp=R, staff=A)),
    ("event form", "get", lambda w: reverse("workspace:event_new", args=[w["lg"].pk]), None,
     dict(anonymous=L, officer=A, other_officer=R, staff_without_totp=R, staff=A)),
    ("event register", "post", lambda w: reverse("workspace:event_new", args=[w["lg"].pk]),
     lambda w: EVENT_POST,
     dict(anonymous=L, officer=A, other_officer=R, staff_without_totp=R, staff=A)),
    ("event page", "get",
     lambda w: reverse("workspace:event_edit", args=[w["lg"].pk, w["event"].pk]), None,
     dict(anonymous=L, officer=A, other_officer=R, staff_without_totp=R, staff=A)),
    ("event edit", "post",
     lambda w: reverse("workspace:event_edit", args=[w["lg"].pk, w["event"].pk]),
     lambda w: EVENT_POST,
     dict(anonymous=L, officer=A, other_officer=R, staff_without_totp=R, staff=A)),
    ("event submit", "post",
     lambda w: reverse("workspace:event_submit", args=[w["lg"].pk, w["event"].pk]),
     lambda w: {},
     dict(anonymous=L, officer=A, other_officer=R, staff_without_totp=R, staff=A)),
    ("event cancel", "post",
     lambda w: reverse("workspace:event_cancel", args=[w["lg"].pk, w["event"].pk]),
     lambda w: {"confirm": "yes"},
     dict(anonymous=L, officer=A, other_officer=R, staff_without_totp=R, staff=A)),
    ("event report page", "get",
     lambda w: reverse("workspace:event_report", args=[w["lg"].pk, w["past_event"].pk]),
     None, dict(anonymous=L, officer=A, other_officer=R, staff_without_totp=R, staff=A)),
    ("event report", "post",
     lambda w: reverse("workspace:event_report", args=[w["lg"].pk, w["past_event"].pk]),
     lambda w: {"action": "report", "report": "来場者120人"},
     dict(anonymous=L, officer=A, other_officer=R, staff_without_totp=R, staff=A)),
    ("event photo remove", "post",
     lambda w: reverse("workspace:event_photo_remove",
                       args=[w["lg"].pk, w["past_event"].pk, w["photo"].pk]),
     lambda w: {"confirm": "yes"},
     dict(anonymous=L, officer=A, other_officer=R, staff_without_totp=R, staff=A)),
    ("support requests", "get",
     lambda w: reverse("workspace:support_requests", args=[w["lg"].pk]), None,
     dict(anonymous=L, officer=A, other_officer=R, staff_without_totp=R, staff=A)),
    ("support form", "get", lambda w: reverse("workspace:support_new", args=[w["lg"].pk]),
     None, dict(anonymous=L, officer=A, other_officer=R, staff_without_totp=R, staff=A)),
    ("support ask", "post", lambda w: reverse("workspace:support_new", args=[w["lg"].pk]),
     lambda w: SUPPORT_POST,
     dict(anonymous=L, officer=A, other_officer=R, staff_without_totp=R, staff=A)),
    ("support request", "get",
     lambda w: reverse("workspace:support_request", args=[w["lg"].pk, w["support"].pk]),
     None, dict(anonymous=L, officer=A, other_officer=R, staff_without_totp=R, staff=A)),
    ("my account", "get", lambda w: reverse("workspace:account"), None,
     dict(anonymous=L, officer=A, other_officer=A, staff_without_totp=A, staff=A)),
    ("admin index", "get", lambda w: reverse("admin:index"), None,
     dict(anonymous=L, officer=R, other_officer=R, staff_without_totp=R, staff=A)),
    ("admin officers", "get", lambda w: reverse("admin:accounts_membership_changelist"), None,
     dict(anonymous=L, officer=R, other_officer=R, staff_without_totp=R, staff=A)),
    ("admin signatures", "get", lambda w: reverse("admin:campaign_signature_changelist"),
     None, dict(anonymous=L, officer=R, other_officer=R, staff_without_totp=R, staff=A)),
    ("admin profile", "get", lambda w: reverse("admin:profiles_profile_changelist"), None,
     dict(anonymous=L, officer=R, other_officer=R, staff_without_totp=R, staff=A)),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_matrix(client, world, actor, case):
    name, method, url, data, expected = case
    if actor != "anonymous":
        client.force_login(world["users"][actor])
    before = snapshot()
    response = getattr(client, method)(url(world), data(world) if data else None)
    got = outcome(response)
    assert got == expected[actor], (name, actor, response.status_code,
                                    response.get("Location"))
    if got != "allowed" and method == "post":
        assert snapshot() == before, f"{name} by {actor} changed something"


# --- Guessed ids and forged ids: an officer of 府中市 aims at 調布市's records ----------
def test_guessed_local_government_id_is_404(client, world):
    client.force_login(world["users"]["officer"])
    for view in ("workspace:dashboard", "workspace:profile", "workspace:officers"):
        assert client.get(reverse(view, args=[10**9])).status_code == 404


@pytest.mark.parametrize("view, key", [("workspace:officer_remove", "other_membership"),
                                       ("workspace:invitation_revoke", "other_invitation")])
def test_another_citys_record_through_own_url_is_404_and_untouched(client, world, view, key):
    client.force_login(world["users"]["officer"])
    before = snapshot()
    response = client.post(reverse(view, args=[world["lg"].pk, world[key].pk]),
                           {"confirm": "yes"})
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("view, args, data", [
    ("workspace:event_edit", ["other_event"], EVENT_POST),
    ("workspace:event_submit", ["other_event"], {}),
    ("workspace:event_cancel", ["other_event"], {"confirm": "yes"}),
    ("workspace:event_report", ["other_past_event"], {"action": "report", "report": "x"}),
    ("workspace:event_photo_remove", ["other_past_event", "other_photo"], {"confirm": "yes"}),
    ("workspace:event_photo_remove", ["past_event", "other_photo"], {"confirm": "yes"}),
    ("workspace:support_request", ["other_support"], None),
])
def test_another_citys_step3_record_through_own_url_is_404(client, world, view, args, data):
    client.force_login(world["users"]["officer"])
    before = snapshot()
    target = reverse(view, args=[world["lg"].pk, *(world[key].pk for key in args)])
    assert client.get(target).status_code == 404
    if data is not None:
        assert client.post(target, data).status_code == 404
    assert snapshot() == before


def test_forged_local_government_in_the_event_form_registers_for_own_city(client, world):
    from withrefugees.events.models import Event

    client.force_login(world["users"]["officer"])
    client.post(reverse("workspace:event_new", args=[world["lg"].pk]),
                {**EVENT_POST, "local_government": world["other_lg"].pk,
                 "local_government_id": world["other_lg"].pk})
    assert Event.objects.get(title_ja="難民との対話フォーラム").local_government == world["lg"]


def test_forged_local_government_in_the_profile_form_changes_only_own_profile(client, world):
    from withrefugees.profiles.models import Profile

    client.force_login(world["users"]["officer"])
    page = client.get(reverse("workspace:profile", args=[world["lg"].pk]))
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    for formset in page.context.get("formsets", []) or []:
        data.update({f"{formset.prefix}-TOTAL_FORMS": "0",
                     f"{formset.prefix}-INITIAL_FORMS": "0"})
    data.update({"introduction_ja": "偽の市の紹介", "local_government": world["other_lg"].pk,
                 "local_government_id": world["other_lg"].pk, "lg": world["other_lg"].pk})
    client.post(reverse("workspace:profile", args=[world["lg"].pk]), data)
    assert not Profile.objects.filter(local_government=world["other_lg"]).exists()


def test_a_staff_member_removed_from_staff_loses_the_admin(client, world):
    staff = world["users"]["staff"]
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200
    staff.is_staff = False
    staff.save()
    assert outcome(client.get(reverse("admin:index"))) == "refused"


def test_staff_without_second_factor_cannot_act_in_the_admin(client, world):
    """A POST (the review's bulk action) is refused as well as pages."""
    from tests.factories import SignatureFactory

    signature = SignatureFactory(status="pending", email_confirmed_at=timezone.now())
    newcomer = StaffFactory(email="another@unhcr.example", totp=False)
    client.force_login(newcomer)
    response = client.post(reverse("admin:campaign_signature_changelist"),
                           {"action": "delete_selected", "_selected_action": [signature.pk]})
    assert outcome(response) == "refused"
    signature.refresh_from_db()
    assert signature.status == "pending"
