"""Reads of the workspace: the local governments one is an officer of, where a local
government stands on the four steps, what to do next, the days until World Refugee Day in
its own time zone, and its recent activity from the audit trail.

Steps are a list of descriptors (``STEPS``): each names the step and a *provider*, a function
``(local_government) -> StepStatus``. Step 1's provider reads the signatures, step 2's the
posted links (``social.selectors``), step 3's the events (``events.selectors``), step 4's
the pledges (``pledges.selectors``). A descriptor without a provider shows as "not started"
with a link to the page that explains it.
"""

import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, CharField, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from withrefugees.accounts.models import Invitation, Membership
from withrefugees.accounts.rules import officer_local_government_ids
from withrefugees.campaign import selectors as campaign_selectors
from withrefugees.campaign.services import local_government_time_zones
from withrefugees.core.models import AuditEntry
from withrefugees.events import selectors as events_selectors
from withrefugees.places.models import LocalGovernment
from withrefugees.pledges import selectors as pledges_selectors
from withrefugees.profiles.selectors import profile_for
from withrefugees.social import selectors as social_selectors

# --- The local governments of an officer --------------------------------------------------


def officer_local_governments(user) -> list[LocalGovernment]:
    """The local governments ``user`` is an officer of, with country and region, in the
    order of their names (one query; none when ``user`` belongs to none)."""
    ids = officer_local_government_ids(user)
    if not ids:
        return []
    found = LocalGovernment.objects.with_places().filter(pk__in=ids)
    return sorted(found, key=lambda lg: (lg.label, lg.pk))


# --- World Refugee Day --------------------------------------------------------------------
WORLD_REFUGEE_DAY = (6, 20)  # (month, day): 20 June, every year


def days_until_world_refugee_day(*, today: date) -> int:
    """Whole days from ``today`` to the next 20 June: 0 on 20 June itself, 365 (366 when a
    29 February lies between) on 21 June. A pure function of the date."""
    month, day = WORLD_REFUGEE_DAY
    this_year = date(today.year, month, day)
    if today <= this_year:
        return (this_year - today).days
    return (date(today.year + 1, month, day) - today).days


def local_government_zone(local_government: LocalGovernment) -> zoneinfo.ZoneInfo:
    """The time zone the local government's days are counted in: the first of
    ``campaign.services.local_government_time_zones``, else the platform's ``TIME_ZONE``."""
    zones = local_government_time_zones(local_government)
    return zones[0] if zones else zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_today(local_government: LocalGovernment) -> date:
    """Today's date where the local government is (``local_government_zone``)."""
    return timezone.localdate(timezone.now(), local_government_zone(local_government))


# --- The four steps -----------------------------------------------------------------------
DONE, IN_PROGRESS, NOT_STARTED = "done", "in_progress", "not_started"
STATUS_LABELS = {DONE: _("done"), IN_PROGRESS: _("in progress"),
                 NOT_STARTED: _("not started")}


@dataclass(frozen=True)
class StepStatus:
    """Where one local government stands on one step.

    ``status``: ``done``, ``in_progress`` or ``not_started`` (shown in words, never by colour
    alone); ``summary``: one sentence saying so; ``url``/``link_text``: where to act on the
    step (empty: no link); ``detail``: what the step's provider gives its template (step 1:
    a ``SignDetail``)."""

    status: str
    summary: str | Promise
    url: str = ""
    link_text: str | Promise = ""
    detail: object = None

    @property
    def status_label(self) -> str | Promise:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def done(self) -> bool:
        return self.status == DONE


@dataclass(frozen=True)
class StepDescriptor:
    """One of the four steps: ``key`` (``sign``, ``post``, ``act``, ``pledge``), ``number``,
    ``title``, ``about`` (what the step is, one sentence) and ``provider``, the step app's
    ``(local_government) -> StepStatus`` (None until its feature exists: then "not started",
    linking ``explained_at``, the public page that explains the step)."""

    key: str
    number: int
    title: str | Promise
    about: str | Promise
    provider: Callable[[LocalGovernment], StepStatus] | None = None
    template: str = ""  # the step's own detail template in the dashboard, if any

    def explained_at(self) -> str:
        return reverse("campaign:home") + "#steps-title"


@dataclass(frozen=True)
class Step:
    """A descriptor with the status its provider gave (what the dashboard lists)."""

    key: str
    number: int
    title: str | Promise
    about: str | Promise
    state: StepStatus
    template: str = ""

    @property
    def done(self) -> bool:
        return self.state.done


@dataclass(frozen=True)
class SignDetail:
    """Step 1 for the workspace: the local government's current signature, if any.

    ``status``: ``published``, ``pending`` (awaiting UNHCR's review), ``unconfirmed``
    (awaiting email confirmation) or ``""`` (no signature, or only rejected or withdrawn
    ones); ``status_label`` in words; ``statement_version`` (its number), ``signed_on`` (None
    when unknown) and ``signed_on_precision`` (show both with ``date_of_record``);
    ``profile_url``: the public profile page."""

    status: str = ""
    status_label: str | Promise = ""
    statement_version: int | None = None
    signed_on: date | None = None
    signed_on_precision: str = "unknown"
    language: str = ""
    profile_url: str = ""


SIGNATURE_SHOWN = ("published", "pending", "unconfirmed")


def sign_detail(local_government: LocalGovernment) -> SignDetail:
    """Step 1's detail (one query): the published or pending signature of the local
    government, else its latest one awaiting email confirmation."""
    rank = Case(When(status="published", then=Value(0)), When(status="pending", then=Value(1)),
                default=Value(2), output_field=IntegerField())
    signature = (local_government.signatures.filter(status__in=SIGNATURE_SHOWN)
                 .select_related("statement_text__version")
                 .order_by(rank, "-created_at", "-pk").first())
    profile_url = reverse("profiles:profile", args=[local_government.pk])
    if signature is None:
        return SignDetail(profile_url=profile_url)
    return SignDetail(
        status=signature.status, status_label=signature.get_status_display(),
        statement_version=signature.statement_text.version.number,
        signed_on=signature.signed_on, signed_on_precision=signature.signed_on_precision,
        language=signature.language, profile_url=profile_url)


def sign_step(local_government: LocalGovernment) -> StepStatus:
    """Step 1 (Sign): done when published; in progress while awaiting email confirmation
    or review; else not started, linking the sign form with the place chosen."""
    detail = sign_detail(local_government)
    if detail.status == "published":
        return StepStatus(DONE, _("Signed and published."), url=detail.profile_url,
                          link_text=_("See the public profile"), detail=detail)
    if detail.status == "pending":
        return StepStatus(IN_PROGRESS, _("Signed; UNHCR is reviewing the signature."),
                          url=detail.profile_url, link_text=_("See the public profile"),
                          detail=detail)
    if detail.status == "unconfirmed":
        return StepStatus(IN_PROGRESS,
                          _("Signed; the contact has not confirmed the email address yet. "
                            "Open the link in the email the campaign sent."),
                          url=detail.profile_url, link_text=_("See the public profile"),
                          detail=detail)
    return StepStatus(NOT_STARTED, _("Not signed yet."),
                      url=f"{reverse('campaign:sign')}?lg={local_government.pk}",
                      link_text=_("Sign the statement"), detail=detail)


@dataclass(frozen=True)
class PostDetail:
    """Step 2 for the workspace: how many posted links are ``visible`` on the public profile
    and how many ``hidden`` by staff; ``kit_url`` (the post kit), ``links_url`` (record and
    list posted links), ``explained_url`` (the public page that explains the steps)."""

    visible: int = 0
    hidden: int = 0
    kit_url: str = ""
    links_url: str = ""
    explained_url: str = ""


#: Step 2 of a local government with posts recorded but no published signature (withdrawn).
NOT_LISTED_WITHOUT_SIGNATURE = _(
    "Posts are recorded, but the public profile lists them only while your local "
    "government's signature is published.")


def post_step(local_government: LocalGovernment) -> StepStatus:
    """Step 2 (Post): done once at least one posted link is visible on the public profile
    (recorded by an officer and not hidden by staff), else not started; links the post kit
    (one query: ``social.selectors.posted_link_counts``; one more when there are visible
    links: whether the signature is published, as the profile lists them only then). There
    is no "in progress": a post either was made and recorded or not."""
    counts = social_selectors.posted_link_counts(local_government)
    if counts.visible and not campaign_selectors.public_signatures().filter(
            local_government=local_government).exists():
        # Not (or no longer) a signatory: its profile lists no posts (profiles.selectors).
        return StepStatus(NOT_STARTED, NOT_LISTED_WITHOUT_SIGNATURE,
                          url=reverse("workspace:posted_links", args=[local_government.pk]),
                          link_text=_("See the posts recorded"))
    detail = PostDetail(
        visible=counts.visible, hidden=counts.hidden,
        kit_url=reverse("workspace:post_kit", args=[local_government.pk]),
        links_url=reverse("workspace:posted_links", args=[local_government.pk]),
        explained_url=reverse("campaign:home") + "#steps-title")
    if counts.visible:
        summary = ngettext_lazy("%(n)d post recorded and shown on the public profile.",
                                "%(n)d posts recorded and shown on the public profile.",
                                "n") % {"n": counts.visible}
        return StepStatus(DONE, summary, url=detail.kit_url,
                          link_text=_("Open the post kit for more posts"), detail=detail)
    return StepStatus(NOT_STARTED, _("No post recorded yet."), url=detail.kit_url,
                      link_text=_("Open the post kit"), detail=detail)


@dataclass(frozen=True)
class ActDetail:
    """Step 3 for the workspace: ``counts`` (``events.selectors.ActCounts``: the events by
    status), ``events_url`` (the events in the workspace), ``new_url`` (register one),
    ``calendar_url`` (the public calendar filtered by the local government),
    ``explained_url`` (the public page that explains the steps)."""

    counts: events_selectors.ActCounts
    events_url: str = ""
    new_url: str = ""
    calendar_url: str = ""
    explained_url: str = ""


def act_step(local_government: LocalGovernment) -> StepStatus:
    """Step 3 (Act with UNHCR): done once an event is approved (public); in progress while
    one was sent back, awaits review or is a draft (in that order: what needs the officers
    first); else not started. An event or changes sent back by UNHCR are said first, even
    when the step is done. Links the events of the workspace (one query:
    ``events.selectors.act_counts``; one more when an event is approved)."""
    pk = local_government.pk
    counts = events_selectors.act_counts(local_government)
    detail = ActDetail(
        counts=counts, events_url=reverse("workspace:events", args=[pk]),
        new_url=reverse("workspace:event_new", args=[pk]),
        calendar_url=f"{reverse('events:calendar')}?lg={pk}",
        explained_url=reverse("campaign:home") + "#steps-title")
    # What UNHCR sent back needs the officers first: an event, or the changes to an
    # approved one (revisions exist only for approved events: one query more then).
    changes_returned = bool(counts.approved) and events_selectors.event_ids(pk).filter(
        revisions__status="returned").exists()
    approved = ngettext_lazy("%(n)d event approved by UNHCR and shown in the calendar.",
                             "%(n)d events approved by UNHCR and shown in the calendar.",
                             "n") % {"n": counts.approved}
    if counts.returned or changes_returned:
        sent_back = (_("UNHCR sent an event back: see the comment, change it and submit it "
                       "again.") if counts.returned else
                     _("UNHCR sent your changes to an approved event back: see the comment, "
                       "change them and submit them again."))
        return StepStatus(DONE if counts.approved else IN_PROGRESS,
                          format_lazy("{} {}", sent_back, approved) if counts.approved
                          else sent_back,
                          url=detail.events_url, link_text=_("See your events"),
                          detail=detail)
    if counts.approved:
        return StepStatus(DONE, approved, url=detail.events_url,
                          link_text=_("See your events"), detail=detail)
    if counts.submitted:
        return StepStatus(IN_PROGRESS, _("An event is awaiting UNHCR's review."),
                          url=detail.events_url, link_text=_("See your events"),
                          detail=detail)
    if counts.draft:
        return StepStatus(IN_PROGRESS, _("An event is saved as a draft: submit it to UNHCR "
                                         "when it is ready."),
                          url=detail.events_url, link_text=_("See your events"),
                          detail=detail)
    return StepStatus(NOT_STARTED, _("No event registered yet."), url=detail.events_url,
                      link_text=_("Register an event"), detail=detail)


@dataclass(frozen=True)
class PledgeDetail:
    """Step 4 for the workspace: ``counts`` (``pledges.selectors.PledgeCounts``: the pledges
    it leads by status and progress, the public ones it joins, the stale ones),
    ``pledges_url`` (its pledges in the workspace), ``new_url`` (draft one),
    ``returned_url`` (the pledge sent back, "" when none), ``progress_url`` (report progress
    on a stale pledge, "" when none), ``browser_url`` (the public browser filtered by the
    local government), ``explained_url`` (the public page that explains the steps)."""

    counts: pledges_selectors.PledgeCounts
    pledges_url: str = ""
    new_url: str = ""
    returned_url: str = ""
    progress_url: str = ""
    browser_url: str = ""
    explained_url: str = ""


def pledge_step(local_government: LocalGovernment) -> StepStatus:
    """Step 4 (Pledge): done once a pledge it leads or joins is public (approved by UNHCR
    and submitted to the GCR, or published); in progress while one was sent back, awaits
    review or is a draft (in that order); else not started. A pledge sent back is said
    first, even when the step is done. A joint pledge led by another local government
    counts as its own for the state (done when public, in progress when not yet), said as
    co-pledged. Then published pledges without a progress report for
    the reminder period (``PledgeReminderSettings``), asking for an update. One query
    (``pledges.selectors.pledge_counts``); two more when it has published pledges."""
    pk = local_government.pk
    counts = pledges_selectors.pledge_counts(local_government,
                                             today=local_today(local_government),
                                             zone=local_government_zone(local_government))
    detail = PledgeDetail(
        counts=counts, pledges_url=reverse("workspace:pledges", args=[pk]),
        new_url=reverse("workspace:pledge_new", args=[pk]),
        returned_url=reverse("workspace:pledge_edit", args=[pk, counts.first_returned])
        if counts.first_returned else "",
        progress_url=reverse("workspace:pledge_progress", args=[pk, counts.first_stale])
        if counts.first_stale else "",
        browser_url=f"{reverse('pledges:browser')}?lg={pk}",
        explained_url=reverse("campaign:home") + "#steps-title")
    public = counts.public + counts.co_pledged
    state = DONE if public else IN_PROGRESS
    # Its own public pledges, then the public joint pledges it co-pledges (led by others:
    # a co-pledger submits nothing itself, its lead does).
    said = []
    if counts.public:
        said.append(ngettext_lazy(
            "%(n)d pledge approved by UNHCR and submitted to the GCR.",
            "%(n)d pledges approved by UNHCR and submitted to the GCR.", "n")
            % {"n": counts.public})
    if counts.co_pledged:
        said.append(ngettext_lazy(
            "Co-pledges %(n)d public pledge led by another local government.",
            "Co-pledges %(n)d public pledges led by other local governments.", "n")
            % {"n": counts.co_pledged})
    approved = format_lazy("{} {}", *said) if len(said) == 2 else (said or [""])[0]
    if counts.returned:
        return StepStatus(state, _("UNHCR sent a pledge back: see the comment, change it and "
                                   "submit it again."),
                          url=detail.returned_url, link_text=_("See the pledge sent back"),
                          detail=detail)
    if counts.stale:
        stale = ngettext_lazy(
            "%(n)d published pledge has had no progress report for %(months)d months: "
            "report its progress.",
            "%(n)d published pledges have had no progress report for %(months)d months: "
            "report their progress.", "n") % {"n": counts.stale, "months": counts.stale_months}
        return StepStatus(DONE, format_lazy("{} {}", approved, stale),
                          url=detail.progress_url, link_text=_("Report progress"),
                          detail=detail)
    if public:
        return StepStatus(DONE, approved, url=detail.pledges_url,
                          link_text=_("See your pledges"), detail=detail)
    if counts.submitted:
        return StepStatus(IN_PROGRESS, _("A pledge is awaiting UNHCR's review."),
                          url=detail.pledges_url, link_text=_("See your pledges"),
                          detail=detail)
    if counts.draft:
        return StepStatus(IN_PROGRESS, _("A pledge is saved as a draft: submit it to UNHCR "
                                         "when it is ready."),
                          url=detail.pledges_url, link_text=_("See your pledges"),
                          detail=detail)
    if counts.co_pledged_open:
        return StepStatus(IN_PROGRESS, ngettext_lazy(
            "Co-pledges %(n)d pledge led by another local government, not yet approved by "
            "UNHCR: its lead submits it.",
            "Co-pledges %(n)d pledges led by other local governments, not yet approved by "
            "UNHCR: their leads submit them.", "n") % {"n": counts.co_pledged_open},
            url=detail.pledges_url, link_text=_("See your pledges"), detail=detail)
    return StepStatus(NOT_STARTED, _("No pledge drafted yet."), url=detail.new_url,
                      link_text=_("Draft a pledge"), detail=detail)


STEPS: tuple[StepDescriptor, ...] = (
    StepDescriptor("sign", 1, _("Sign"),
                   _("Sign the Cities #WithRefugees statement online. UNHCR checks it and "
                     "lists your local government."),
                   provider=sign_step, template="workspace/steps/sign.html"),
    StepDescriptor("post", 2, _("Post"),
                   _("Share your participation on social media with #WithRefugees."),
                   provider=post_step, template="workspace/steps/post.html"),
    StepDescriptor("act", 3, _("Act with UNHCR"),
                   _("Hold events such as the blue light-up of landmarks on World Refugee "
                     "Day (20 June), photo exhibitions, film screenings and forums."),
                   provider=act_step, template="workspace/steps/act.html"),
    StepDescriptor("pledge", 4, _("Pledge"),
                   _("Connect your local action to the Global Compact on Refugees with a "
                     "pledge, and report its progress."),
                   provider=pledge_step, template="workspace/steps/pledge.html"),
)


def steps(local_government: LocalGovernment,
          descriptors: Iterable[StepDescriptor] = STEPS) -> list[Step]:
    """The four steps of ``local_government`` with their status (one query per step that
    has a provider; none for the others)."""
    found = []
    for d in descriptors:
        if d.provider is not None:
            state = d.provider(local_government)
        else:
            state = StepStatus(NOT_STARTED, _("Not started."), url=d.explained_at(),
                               link_text=_("How this step works"))
        found.append(Step(d.key, d.number, d.title, d.about, state, d.template))
    return found


# --- What to do next ----------------------------------------------------------------------
@dataclass(frozen=True)
class NextAction:
    """One sentence saying what to do next, and the link that does it."""

    key: str
    text: str | Promise
    url: str
    link_text: str | Promise


def profile_is_empty(local_government: LocalGovernment) -> bool:
    """True while officers have written nothing on the public profile (one query; two for
    a saved profile with only social media accounts)."""
    profile = profile_for(local_government)
    if profile.pk is None:
        return True
    if any((profile.public_name_ja, profile.public_name_en, profile.website, profile.logo,
            profile.introduction_ja, profile.introduction_en)):
        return False
    return not profile.social_accounts.exists()


def next_action(local_government: LocalGovernment, *, step_list: list[Step],
                officer_count: int, profile_empty: bool) -> NextAction | None:
    """The first thing not done, in this order: sign (or finish signing), fill in the
    public profile, invite a colleague (while there is one officer only), then the first
    later step not done. None when all is done."""
    lg_pk = local_government.pk
    sign = step_list[0] if step_list and step_list[0].key == "sign" else None
    if sign is not None and sign.state.status == NOT_STARTED:
        return NextAction("sign", _("Your local government has not signed the statement yet."),
                          sign.state.url, _("Sign the statement"))
    if profile_empty:
        return NextAction("profile",
                          _("Your public profile is empty: add your website, social media "
                            "accounts, logo and a short introduction."),
                          reverse("workspace:profile", args=[lg_pk]),
                          _("Edit your public profile"))
    if officer_count <= 1:
        return NextAction("invite",
                          _("You are the only officer of your local government: invite a "
                            "colleague, so that someone else can keep the workspace going."),
                          reverse("workspace:officers", args=[lg_pk]), _("Invite a colleague"))
    for step in step_list:
        if step.key != "sign" and not step.done:
            return NextAction(step.key, step.about, step.state.url,
                              step.state.link_text or _("How this step works"))
    return None


# --- Recent activity ----------------------------------------------------------------------
#: What an audit action says, in plain words (unknown actions are shown by their code).
ACTION_TEXTS: dict[str, str | Promise] = {
    "signature.submit": _("signed the statement online"),
    "signature.confirm": _("confirmed the email address of the signature"),
    "signature.resend": _("asked for the confirmation email again"),
    "signature.publish": _("published the signature"),
    "signature.reject": _("declined the signature"),
    "signature.withdraw": _("withdrew the signature"),
    "signature.update": _("corrected the details of the signature"),
    "signature.seed": _("added the signature from the campaign's records"),
    "profile.create": _("filled in the public profile"),
    "profile.update": _("updated the public profile"),
    "profile.hide": _("hid a field of the public profile"),
    "profile.moderate": _("hid a field of the public profile"),
    "membership.add": _("added an officer"),
    "membership.create": _("added an officer"),
    "membership.remove": _("removed an officer"),
    "membership.delete": _("removed an officer"),
    "invitation.create": _("invited a colleague"),
    "invitation.accept": _("accepted an invitation and joined"),
    "invitation.revoke": _("revoked an invitation"),
    "invitation.resend": _("sent an invitation again"),
    "account.delete": _("deleted their account"),
    "posted_link.add": _("recorded the address of a post"),
    "posted_link.remove": _("removed the address of a post"),
    "posted_link.hide": _("hid the address of a post"),
    "posted_link.show": _("showed the address of a post again"),
    # Step 3 (events.services).
    "event.create": _("registered an event"),
    "event.update": _("changed an event"),
    "event.submit": _("submitted an event to UNHCR"),
    "event.approve": _("approved an event"),
    "event.return": _("sent an event back with a comment"),
    "event.cancel": _("cancelled an event"),
    "event.report": _("wrote the report after an event"),
    "event.seed": _("added a light-up from the campaign's records"),
    "event_photo.add": _("added a photo of an event"),
    "event_photo.remove": _("removed a photo of an event"),
    "landmark.create": _("added a landmark"),
    "landmark.seed": _("added a landmark from the campaign's records"),
    "support_request.create": _("asked UNHCR for support"),
    "support_request.reply": _("answered a request for support"),
    "support_request.status": _("changed the status of a request for support"),
    # Step 4 (pledges.services).
    "pledge.create": _("drafted a pledge"),
    "pledge.update": _("changed a pledge"),
    "pledge.start_from": _("started a pledge from a published one"),
    "pledge.submit": _("submitted a pledge to UNHCR"),
    "pledge.withdraw": _("withdrew a pledge from UNHCR's review"),
    "pledge.delete": _("deleted a draft pledge"),
    "pledge.approve": _("approved a pledge and submitted it to the GCR"),
    "pledge.return": _("sent a pledge back with a comment"),
    "pledge.publish": _("recorded the GCR reference of a pledge"),
    "pledge.email_gcr": _("emailed a pledge to the GCR again"),
    "pledge.progress": _("reported progress on a pledge"),
    "progress_report.file": _("reported progress on a pledge"),
    "progress_report.create": _("reported progress on a pledge"),
}
#: A membership change the officer made about themselves.
JOINED = _("joined as an officer")
LEFT = _("left the local government")
#: Actions done by the (anonymous) person who signed: "who" says so rather than "the
#: platform".
SIGNER_ACTIONS = frozenset({"signature.submit", "signature.confirm", "signature.resend"})

WHO_STAFF = _("UNHCR staff")
WHO_PLATFORM = _("the platform")
WHO_FORMER = _("a former officer")
WHO_SIGNER = _("the person who signed")


@dataclass(frozen=True)
class Activity:
    """One line of recent activity: ``at`` (aware datetime), ``who`` and ``what`` in plain
    words, ``action`` (the audit code)."""

    at: datetime
    who: str | Promise
    what: str | Promise
    action: str


def _as_ids(queryset: QuerySet) -> QuerySet:
    """The primary keys of ``queryset`` as text (``AuditEntry.object_id``), as a subquery."""
    return queryset.annotate(_audit_id=Cast("pk", CharField())).values("_audit_id")


def _names_local_government(lg_pk: int) -> Q:
    """Audit rows whose changes name the local government as old or new value (a
    membership or invitation deleted since: ``core.services.staff_edit_delete`` keeps its
    last values)."""
    return Q(changes__local_government__0=lg_pk) | Q(changes__local_government__1=lg_pk)


def activity_entries(local_government: LocalGovernment, *,
                     limit: int = 20) -> list[AuditEntry]:
    """The latest ``limit`` audit rows about the local government's records, newest first,
    with their actors: its signatures, its profile, its posted links, its events (their
    photos are audited on them), landmarks and support requests, its memberships and
    invitations, the pledges it leads and their progress reports
    (current ones by id; deleted ones by the local government named in their changes).
    One query, whatever the number of rows, officers or signatures. Never another local
    government's rows."""
    lg_pk = local_government.pk
    signature_model = local_government.signatures.model
    profile_model = type(profile_for(local_government))
    posted_links = social_selectors.posted_link_ids(lg_pk)
    events = events_selectors.event_ids(lg_pk)
    landmarks = events_selectors.landmark_ids(lg_pk)
    support = events_selectors.support_request_ids(lg_pk)
    pledges = pledges_selectors.pledge_ids(lg_pk)
    reports = pledges_selectors.progress_report_ids(lg_pk)
    kinds = ContentType.objects.get_for_models(Membership, Invitation, signature_model,
                                               profile_model, posted_links.model,
                                               events.model, landmarks.model, support.model,
                                               pledges.model, reports.model)
    ct = {model._meta.model_name: content_type for model, content_type in kinds.items()}
    profile_ids = _as_ids(profile_model.objects.filter(local_government_id=lg_pk))
    where = (
        Q(content_type=ct["signature"],
          object_id__in=_as_ids(local_government.signatures.all()))
        | Q(content_type=ct["profile"], object_id__in=profile_ids)
        | (Q(content_type=ct["membership"])
           & (Q(object_id__in=_as_ids(Membership.objects.filter(local_government_id=lg_pk)))
              | _names_local_government(lg_pk)))
        | (Q(content_type=ct["invitation"])
           & (Q(object_id__in=_as_ids(Invitation.objects.filter(local_government_id=lg_pk)))
              | _names_local_government(lg_pk)))
        | (Q(content_type=ct["postedlink"])
           & (Q(object_id__in=_as_ids(posted_links))
              | _names_local_government(lg_pk)))
        | (Q(content_type=ct[events.model._meta.model_name])
           & (Q(object_id__in=_as_ids(events)) | _names_local_government(lg_pk)))
        | (Q(content_type=ct[landmarks.model._meta.model_name])
           & Q(object_id__in=_as_ids(landmarks)))
        | (Q(content_type=ct[support.model._meta.model_name])
           & (Q(object_id__in=_as_ids(support)) | _names_local_government(lg_pk)))
        | (Q(content_type=ct[pledges.model._meta.model_name])
           & (Q(object_id__in=_as_ids(pledges)) | _names_local_government(lg_pk)))
        | (Q(content_type=ct[reports.model._meta.model_name])
           & Q(object_id__in=_as_ids(reports)))
    )
    return list(AuditEntry.objects.filter(where).select_related("actor")
                .order_by("-at", "-pk")[:limit])


def activity_who(entry: AuditEntry, *, officer_ids: Iterable[int]) -> str | Promise:
    """Who did it, as this local government's officers may read it: the officer's name or
    email for its current officers, "UNHCR staff" for staff, "the platform" for none (or
    "the person who signed" for the signer's own actions), "a former officer" for an
    account since deleted or no longer an officer here."""
    actor = entry.actor
    if actor is None:
        if entry.actor_pk:
            return WHO_FORMER
        return WHO_SIGNER if entry.action in SIGNER_ACTIONS else WHO_PLATFORM
    if actor.is_staff or actor.is_superuser:
        return WHO_STAFF
    if actor.pk in officer_ids:
        return actor.get_full_name()
    return WHO_FORMER


def activity_what(entry: AuditEntry) -> str | Promise:
    """What was done, in plain words (``ACTION_TEXTS``; an unknown action by its code). A
    membership added or removed by the officer it is about reads "joined" or "left" (an
    accepted invitation; leaving, or deleting one's account)."""
    if entry.action.startswith("membership.") and entry.actor_pk:
        before, after = (list((entry.changes or {}).get("user") or []) + [None, None])[:2]
        if entry.action in ("membership.add", "membership.create") and after == entry.actor_pk:
            return JOINED
        if entry.action in ("membership.remove", "membership.delete") \
                and before == entry.actor_pk:
            return LEFT
    return ACTION_TEXTS.get(entry.action, entry.action)


def recent_activity(local_government: LocalGovernment, *, officer_ids: Iterable[int],
                    limit: int = 20) -> list[Activity]:
    """``activity_entries`` as lines of "when — who — what" (``Activity``); ``officer_ids``:
    the user ids of the local government's current officers (their names are shown)."""
    officer_ids = frozenset(officer_ids)
    return [Activity(at=entry.at, who=activity_who(entry, officer_ids=officer_ids),
                     what=activity_what(entry), action=entry.action)
            for entry in activity_entries(local_government, limit=limit)]


# --- The dashboard ------------------------------------------------------------------------
@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard of one local government shows."""

    local_government: LocalGovernment
    steps: list[Step]
    next_action: NextAction | None
    today: date  # where the local government is
    days_to_world_refugee_day: int
    officer_count: int
    activity: list[Activity]


def dashboard(local_government: LocalGovernment) -> Dashboard:
    """The dashboard of ``local_government`` (a constant number of queries: officers,
    signature, posted links, profile, activity)."""
    officer_ids = list(Membership.objects.filter(local_government=local_government)
                       .values_list("user_id", flat=True))
    step_list = steps(local_government)
    empty = profile_is_empty(local_government)
    today = local_today(local_government)
    return Dashboard(
        local_government=local_government, steps=step_list,
        next_action=next_action(local_government, step_list=step_list,
                                officer_count=len(officer_ids), profile_empty=empty),
        today=today, days_to_world_refugee_day=days_until_world_refugee_day(today=today),
        officer_count=len(officer_ids),
        activity=recent_activity(local_government, officer_ids=officer_ids),
    )
