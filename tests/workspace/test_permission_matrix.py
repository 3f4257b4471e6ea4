"""The permission matrix of the workspace (issue 7, "Done when"): every workspace URL and
action, for anonymous visitors, an officer of the city, an officer of another city, staff
without a second factor and staff with one; guessed ids in URLs and forged ids in forms.

Step 4 (issue 10, "only the lead's officers edit a pledge and file its progress;
co-pledgers can read the draft; nobody else can"): ``STEP4_CASES`` for the same actors and
``co_officer``, an officer of 三鷹市, which co-pledges 府中市's joint pledges: it reads them
through its own workspace (``/workspace/<三鷹市>/pledges/<id>/``), never edits them. Staff
with a second factor read pledges (page, documents, progress) but never draft, edit or file
(``pledges.edit`` excludes staff: they review in the admin).

Outcomes: ``login`` (sent to the sign-in page), ``refused`` (403, 404, or staff without a
second factor sent to set one up) and ``allowed`` (the page or the action's answer). A
refused action changes nothing: the test compares the records before and after.
"""

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    EventFactory,
    PledgeFactory,
    PledgeTargetFactory,
    StaffFactory,
    SupportRequestFactory,
    jp,
)
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
          settings, tmp_path, request):
    """Two cities, each with officers and a pending invitation; step 3: each with a draft
    event, an event that took place (with a photo) and a support request; step 4 (only for
    the step 4 tests, whose names say "pledge" or "step4": the matrix is some 300 cases):
    ``_step4_world``."""
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
    name = request.node.name
    step4 = (_step4_world(lg, other_lg, make_officer)
             if "pledge" in name or "step4" in name else {"co_officer": None})
    return {**step3, **step4,
        "lg": lg, "other_lg": other_lg,
        "colleague_membership": Membership.objects.get(user=colleague, local_government=lg),
        "other_membership": Membership.objects.get(user=other_officer,
                                                   local_government=other_lg),
        "invitation": _invitation(lg, "new@city.fuchu.tokyo.jp", "tok-a"),
        "other_invitation": _invitation(other_lg, "new@city.chofu.lg.jp", "tok-b"),
        "users": {"officer": officer, "other_officer": other_officer, "staff": staff,
                  "staff_without_totp": staff_without_totp,
                  "co_officer": step4["co_officer"]},
    }


CO_LG_CODE = "132047"  # 三鷹市 (東京都): co-pledges 府中市's joint pledges


def _step4_world(lg, other_lg, make_officer) -> dict:
    """府中市 (``lg``) leads a draft joint pledge, a submitted one and a published one, each
    co-pledged by 三鷹市 (``co_lg``, with ``co_officer``); 調布市 (``other_lg``) has a
    draft and a published pledge of its own."""
    from withrefugees.pledges.models import CoPledger, Pledge

    co_lg = jp(CO_LG_CODE)
    co_officer = make_officer(co_lg, email="mitaka@city.mitaka.example")
    made = timezone.now() - timedelta(days=400)

    def pledge(place, status, *, joint=True, **kwargs):
        extra = {"gcr_reference": "GRF-00042"} if status == "published" else {}
        if status != "draft":
            extra["submitted_at"] = made
        record = PledgeFactory(local_government=place, status=status, **extra, **kwargs)
        Pledge.objects.filter(pk=record.pk).update(created_at=made)
        PledgeTargetFactory(pledge=record)
        if joint:
            CoPledger.objects.create(pledge=record, local_government=co_lg)
        return record

    return {
        "co_lg": co_lg, "co_officer": co_officer,
        "pledge": pledge(lg, "draft"),
        "submitted_pledge": pledge(lg, "submitted"),
        "published_pledge": pledge(lg, "published"),
        "other_pledge": pledge(other_lg, "draft", joint=False),
        "other_published_pledge": pledge(other_lg, "published", joint=False),
    }


def snapshot():
    """What a refused action must not change."""
    from withrefugees.events.models import Event, EventPhoto, Landmark, SupportRequest
    from withrefugees.pledges.models import (
        CoPledger,
        Pledge,
        PledgeTarget,
        ProgressReport,
        TargetProgress,
    )
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
        sorted(Pledge.objects.values_list("pk", "local_government_id", "status", "title_ja",
                                          "description_ja", "progress_status",
                                          "progress_reported_on")),
        sorted(PledgeTarget.objects.values_list("pk", "pledge_id", "indicator",
                                                "target_value")),
        sorted(CoPledger.objects.values_list("pk", "pledge_id", "local_government_id")),
        ProgressReport.objects.count(), TargetProgress.objects.count(),
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


# --- Step 4: pledges ---------------------------------------------------------------------
# The views are written by the step's other work: until a view lands (its stub answers
# 404 for everyone), its cases are skipped, not failed; they run on their own once it does.
def _landed(*names: str) -> bool:
    from withrefugees.workspace.views import pledge_documents, pledge_progress, pledges

    modules = (pledges, pledge_documents, pledge_progress)
    views = [getattr(module, name) for name in names for module in modules
             if hasattr(module, name)]
    return bool(views) and all(getattr(view, "__name__", "") != "_stub" for view in views)


STEP4_ACTORS = [*ACTORS, "co_officer"]
PLEDGE_POST = {"title_ja": "難民の子どもの学習支援", "scope": "local", "forum": "none",
               "budget_currency": "", "targets-TOTAL_FORMS": "0",
               "targets-INITIAL_FORMS": "0", "co_pledgers-TOTAL_FORMS": "0",
               "co_pledgers-INITIAL_FORMS": "0"}


def _progress_post(w, actor) -> dict:
    target = w["published_pledge"].targets.get()
    return {"status": "in_progress", "narrative": "2校で教室を開きました。",
            "reported_on": (timezone.localdate() - timedelta(days=30)).isoformat(),
            f"value_{target.pk}": "12"}


def _own_lg(w, actor):
    return {"co_officer": w["co_lg"], "other_officer": w["other_lg"]}.get(actor, w["lg"])


def _ws(name, place, record=None, *extra):
    """The URL of the workspace view ``name`` in the workspace of ``place`` ("lg" or
    "co_lg"), for the pledge ``record`` (a key of the world)."""
    def url(w):
        args = [w[place].pk] + ([w[record].pk] if record else []) + list(extra)
        return reverse(f"workspace:{name}", args=args)
    return url


def _expect(anonymous, officer, co_officer, other_officer, staff_without_totp, staff):
    return dict(anonymous=anonymous, officer=officer, co_officer=co_officer,
                other_officer=other_officer, staff_without_totp=staff_without_totp,
                staff=staff)


# (name, view, method, url(world), data(world, actor), expected per actor)
# Columns of _expect: anonymous, lead's officer, co-pledger's officer, another city's
# officer, staff without a second factor, staff with one.
STEP4_CASES = [
    # In the lead's workspace (府中市).
    ("pledges", "pledge_list", "get", _ws("pledges", "lg"), None,
     _expect(L, A, R, R, R, A)),
    ("pledge builder (new)", "pledge_new", "get", _ws("pledge_new", "lg"), None,
     _expect(L, A, R, R, R, R)),
    ("pledge create", "pledge_new", "post", _ws("pledge_new", "lg"),
     lambda w, a: PLEDGE_POST, _expect(L, A, R, R, R, R)),
    ("pledge page (draft)", "pledge_edit", "get", _ws("pledge_edit", "lg", "pledge"), None,
     _expect(L, A, R, R, R, A)),
    ("pledge save", "pledge_edit", "post", _ws("pledge_edit", "lg", "pledge"),
     lambda w, a: PLEDGE_POST, _expect(L, A, R, R, R, R)),
    ("pledge submit", "pledge_submit", "post", _ws("pledge_submit", "lg", "pledge"),
     lambda w, a: {}, _expect(L, A, R, R, R, R)),
    ("pledge withdraw", "pledge_withdraw", "post",
     _ws("pledge_withdraw", "lg", "submitted_pledge"), lambda w, a: {},
     _expect(L, A, R, R, R, R)),
    ("pledge delete", "pledge_delete", "post", _ws("pledge_delete", "lg", "pledge"),
     lambda w, a: {"confirm": "yes"}, _expect(L, A, R, R, R, R)),
    ("pledge .docx", "pledge_docx", "get", _ws("pledge_docx", "lg", "pledge", "ja"), None,
     _expect(L, A, R, R, R, A)),
    ("pledge .pdf", "pledge_pdf", "get", _ws("pledge_pdf", "lg", "pledge", "en"), None,
     _expect(L, A, R, R, R, A)),
    ("progress page", "pledge_progress", "get",
     _ws("pledge_progress", "lg", "published_pledge"), None, _expect(L, A, R, R, R, A)),
    ("progress report", "pledge_progress", "post",
     _ws("pledge_progress", "lg", "published_pledge"), _progress_post,
     _expect(L, A, R, R, R, R)),
    # In the co-pledger's workspace (三鷹市): its officers read the joint pledge, no more.
    ("co-pledger: pledges", "pledge_list", "get", _ws("pledges", "co_lg"), None,
     _expect(L, R, A, R, R, A)),
    ("co-pledger: pledge page (draft)", "pledge_edit", "get",
     _ws("pledge_edit", "co_lg", "pledge"), None, _expect(L, R, A, R, R, A)),
    ("co-pledger: pledge save", "pledge_edit", "post", _ws("pledge_edit", "co_lg", "pledge"),
     lambda w, a: PLEDGE_POST, _expect(L, R, R, R, R, R)),
    ("co-pledger: pledge submit", "pledge_submit", "post",
     _ws("pledge_submit", "co_lg", "pledge"), lambda w, a: {}, _expect(L, R, R, R, R, R)),
    ("co-pledger: pledge withdraw", "pledge_withdraw", "post",
     _ws("pledge_withdraw", "co_lg", "submitted_pledge"), lambda w, a: {},
     _expect(L, R, R, R, R, R)),
    ("co-pledger: pledge delete", "pledge_delete", "post",
     _ws("pledge_delete", "co_lg", "pledge"), lambda w, a: {"confirm": "yes"},
     _expect(L, R, R, R, R, R)),
    ("co-pledger: pledge .docx", "pledge_docx", "get",
     _ws("pledge_docx", "co_lg", "pledge", "ja"), None, _expect(L, R, A, R, R, A)),
    ("co-pledger: pledge .pdf", "pledge_pdf", "get",
     _ws("pledge_pdf", "co_lg", "pledge", "ja"), None, _expect(L, R, A, R, R, A)),
    ("co-pledger: progress page", "pledge_progress", "get",
     _ws("pledge_progress", "co_lg", "published_pledge"), None, _expect(L, R, A, R, R, A)),
    ("co-pledger: progress report", "pledge_progress", "post",
     _ws("pledge_progress", "co_lg", "published_pledge"), _progress_post,
     _expect(L, R, R, R, R, R)),
    # "Start from this pledge": any officer, for a local government of their own.
    ("start from a published pledge", "pledge_start_from", "get",
     lambda w: reverse("workspace:pledge_start_from", args=[w["published_pledge"].pk]),
     None, _expect(L, A, A, A, R, R)),
    ("start from: new draft", "pledge_start_from", "post",
     lambda w: reverse("workspace:pledge_start_from", args=[w["published_pledge"].pk]),
     lambda w, a: {"local_government": _own_lg(w, a).pk}, _expect(L, A, A, A, R, R)),
    ("start from a draft (not public)", "pledge_start_from", "get",
     lambda w: reverse("workspace:pledge_start_from", args=[w["other_pledge"].pk]),
     None, _expect(L, R, R, R, R, R)),
]


def _step4_params():
    for case in STEP4_CASES:
        yield pytest.param(case, id=case[0], marks=pytest.mark.skipif(
            not _landed(case[1]), reason=f"step 4 view {case[1]} not written yet (stub)"))


@pytest.mark.parametrize("actor", STEP4_ACTORS)
@pytest.mark.parametrize("case", list(_step4_params()))
def test_step4_matrix(client, world, actor, case):
    name, _view, method, url, data, expected = case
    if actor != "anonymous":
        client.force_login(world["users"][actor])
    before = snapshot()
    response = getattr(client, method)(url(world), data(world, actor) if data else None)
    got = outcome(response)
    assert got == expected[actor], (name, actor, response.status_code,
                                    response.get("Location"))
    if got != "allowed" and method == "post":
        assert snapshot() == before, f"{name} by {actor} changed something"


def test_step4_allowed_writes_do_what_they_say(client, world):
    """The matrix's "allowed" is an answer, not yet the deed: the lead's officer's progress
    report is filed and the co-pledger's start-from makes a draft for 三鷹市."""
    from withrefugees.pledges.models import Pledge, ProgressReport

    if not _landed("pledge_progress", "pledge_start_from"):
        pytest.skip("step 4 views not written yet (stubs)")
    client.force_login(world["users"]["officer"])
    client.post(_ws("pledge_progress", "lg", "published_pledge")(world),
                _progress_post(world, "officer"))
    assert ProgressReport.objects.filter(pledge=world["published_pledge"]).count() == 1
    client.force_login(world["users"]["co_officer"])
    client.post(reverse("workspace:pledge_start_from", args=[world["published_pledge"].pk]),
                {"local_government": world["co_lg"].pk})
    copy = Pledge.objects.get(copied_from=world["published_pledge"])
    assert copy.local_government == world["co_lg"] and copy.status == "draft"


@pytest.mark.parametrize("view, record, extra, data", [
    ("pledge_edit", "other_pledge", (), PLEDGE_POST),
    ("pledge_submit", "other_pledge", (), {}),
    ("pledge_withdraw", "other_pledge", (), {}),
    ("pledge_delete", "other_pledge", (), {"confirm": "yes"}),
    ("pledge_docx", "other_pledge", ("ja",), None),
    ("pledge_pdf", "other_pledge", ("ja",), None),
    ("pledge_progress", "other_published_pledge", (), {"status": "fulfilled",
                                                       "reported_on": "2026-01-01"}),
])
def test_another_citys_pledge_through_own_url_is_404(client, world, view, record, extra,
                                                    data):
    """府中市's officer aims at 調布市's pledge through 府中市's workspace: 404, untouched."""
    if not _landed(view):
        pytest.skip(f"step 4 view {view} not written yet (stub)")
    client.force_login(world["users"]["officer"])
    before = snapshot()
    target = _ws(view, "lg", record, *extra)(world)
    assert client.get(target).status_code == 404
    if data is not None:
        assert client.post(target, data).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("view, record, extra", [
    ("pledge_edit", "pledge", ()), ("pledge_docx", "pledge", ("ja",)),
    ("pledge_progress", "published_pledge", ()),
])
def test_a_city_that_is_no_co_pledger_does_not_find_the_pledge_in_its_workspace(
        client, world, view, record, extra):
    """調布市's officer puts 府中市's pledge id in 調布市's workspace: 404 (調布市 neither
    leads nor co-pledges it)."""
    if not _landed(view):
        pytest.skip(f"step 4 view {view} not written yet (stub)")
    client.force_login(world["users"]["other_officer"])
    target = _ws(view, "other_lg", record, *extra)(world)
    assert client.get(target).status_code == 404


@pytest.mark.parametrize("view, args", [
    ("workspace:pledge_edit", ["lg", 10**40]),
    ("workspace:pledge_progress", ["lg", 10**40]),
    ("workspace:pledge_docx", ["lg", 10**40, "ja"]),
    ("workspace:pledge_docx", ["lg", "pledge", "xx"]),
    ("workspace:pledge_start_from", [10**40]),
])
def test_guessed_pledge_ids_and_languages_are_404(client, world, view, args):
    name = view.split(":")[1]
    if not _landed(name):
        pytest.skip(f"step 4 view {name} not written yet (stub)")
    client.force_login(world["users"]["officer"])
    resolved = [world[a].pk if isinstance(a, str) and a in world else a for a in args]
    assert client.get(reverse(view, args=resolved)).status_code == 404
