"""Step 3 in the workspace: the events of a local government. Its officers (and staff with a
second factor) register an event (a draft), edit it, submit it to UNHCR, cancel it, and after
it add a short report and photos. Gate ``events.edit_events`` for every page.

Every write goes through ``events.services`` (checked again there, audited). An event or
photo id in the URL is looked up within the local government of the URL
(``events.selectors_officer.event_of``): another city's id is a 404 and is never acted on.

Nothing officers write is public before UNHCR approved it: the changes to an approved
event (the form, partners, image, report, photos) go to its revision (``events.services``),
which the pages show and edit in its place ("approved and public; your changes await
UNHCR's review"); one row per event, never one per revision. The cancel page also drops
the changes (``?what=changes``: ``event_revision_discard``).
Actions that change state take a POST; ``event_submit`` answers a GET with 405 and a page
that explains where the button is; cancelling and removing a photo ask first (GET shows the
question). A form with errors is shown again with what was typed (HTTP 400); a chosen file
must be chosen again, which the page says."""

import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from withrefugees.core.validators import without_control_characters
from withrefugees.events import selectors_officer, services
from withrefugees.events.forms import (
    EventForm,
    PhotoForm,
    ReportForm,
    add_service_errors,
    partner_formset,
)
from withrefugees.events.validation import light_up_warning

from ..access import workspace_required

RULE = "events.edit_events"
EDITABLE = {str(s) for s in services.EDITABLE}
SUBMITTABLE = {str(s) for s in services.SUBMITTABLE}
CANCELLABLE = {str(s) for s in services.CANCELLABLE}
APPROVED = "approved"


def _event_or_404(lg, event_pk: int):
    event = selectors_officer.event_of(lg, event_pk)
    if event is None:
        raise Http404("No such event here.")
    return event


def _has_ended(event, now=None) -> bool:
    """Whether ``event`` is over: its end time has passed, or for an all-day event its last
    day is before today in its own time zone."""
    now = now or timezone.now()
    if event.ends_at is not None:
        return event.ends_at <= now
    try:
        zone = zoneinfo.ZoneInfo(event.time_zone)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return (event.end_date or event.start_date) < timezone.localdate(now, zone)


def _next_steps(event, now=None) -> dict:
    """What an officer can do with ``event`` now (for the list and the event's page):
    ``revision``: its changes awaiting review (an approved event's), ``working``: what the
    form and the report page edit (the revision, else the event); ``ended``: it is over
    (only the report and photos are offered: no cancelling, no new support request)."""
    revision = event.pending_revision
    working = revision or event
    started = selectors_officer.event_has_started(working, now)
    ended = _has_ended(working, now)
    approved = event.status == APPROVED
    return {
        "editable": event.status in EDITABLE or approved,
        "submittable": working.status in SUBMITTABLE and (not approved or bool(revision)),
        "cancellable": event.status in CANCELLABLE and not ended,
        "supportable": event.status != "cancelled" and not ended,
        "after_event": started and event.status != "cancelled",
        "started": started,
        "ended": ended,
        "public": event.is_public,
        "revision": revision,
        "working": working,
    }


@require_http_methods(["GET", "HEAD"])
@workspace_required(RULE)
def event_list(request: HttpRequest, *, lg) -> HttpResponse:
    """The local government's events: those to come (and under way) first, soonest first,
    then the past ones under their own heading, latest first; each with its status in words,
    UNHCR's comment on one sent back, and what to do next (on a past event only the report
    and photos); then its support requests with their status and UNHCR's replies. A fixed
    number of queries whatever the number of rows."""
    events = list(selectors_officer.officer_events(lg))  # latest first
    now = timezone.now()
    rows = [{"event": event, "next": _next_steps(event, now),
             "warning": light_up_warning(event.kind, event.start_date, event.end_date)}
            for event in events]
    upcoming = [row for row in rows if not row["next"]["ended"]][::-1]
    past = [row for row in rows if row["next"]["ended"]]
    return render(request, "workspace/events/list.html", {
        "lg": lg, "workspace_page": "events", "rows": rows, "upcoming_rows": upcoming,
        "past_rows": past,
        "support_requests": list(selectors_officer.officer_support_requests(lg)[:20]),
    })


def _form_page(request, lg, *, form, partners, event=None, status=200, other_errors=(),
               working=None):
    has_errors = form.is_bound and status == 400
    uploaded = request.FILES.get("image") if has_errors else None
    if uploaded:
        attrs = form.fields["image"].widget.attrs
        attrs["aria-describedby"] = " ".join(
            filter(None, [attrs.get("aria-describedby"), f"{form['image'].auto_id}_again"]))
    working = working or event
    warning = form.warning if form.is_bound else (
        light_up_warning(working.kind, working.start_date, working.end_date)
        if working else None)
    return render(request, "workspace/events/form.html", {
        "lg": lg, "workspace_page": "events", "form": form, "partners": partners,
        "event": event, "working": working,
        "has_errors": has_errors, "other_errors": list(other_errors),
        "uploaded_name": uploaded.name[:100] if uploaded else "",
        "warning": warning, "next": _next_steps(event) if event else None,
        "tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }, status=status)


def _save_messages(request, event, form, *, created: bool, submitted: bool) -> None:
    """``event``: what was saved (an event, or the revision of an approved one)."""
    revision = event.revision_of_id is not None
    if submitted and revision:
        messages.success(request, _("Your changes have been saved and sent to UNHCR for "
                                    "review. Until UNHCR approves them, the event stays "
                                    "public as it was approved."))
    elif submitted:
        messages.success(request, _("The event has been saved and sent to UNHCR for review. "
                                    "You will see UNHCR's answer here."))
    elif created:
        messages.success(request, _("The event has been saved as a draft. Submit it to "
                                    "UNHCR when it is ready."))
    elif revision:
        messages.success(request, _("Your changes have been saved. They become public once "
                                    "UNHCR approves them: submit them for review. Until "
                                    "then the event stays public as it was approved."))
    else:
        messages.success(request, _("Your changes have been saved."))
    if form.warning is not None:
        messages.warning(request, form.warning.message)


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_required(RULE)
def event_new(request: HttpRequest, *, lg) -> HttpResponse:
    """GET: an empty form (time zone: the local government's). POST: ``event_create`` (a
    draft; with ``submit_now`` also ``event_submit``), then the event's page with a message
    (and the light-up date warning, if any)."""
    data = request.POST if request.method == "POST" else None
    form = EventForm(data, request.FILES if data is not None else None, local_government=lg)
    partners = partner_formset(None, data)
    if data is None:
        return _form_page(request, lg, form=form, partners=partners)
    other_errors: list[str] = []
    if all([form.is_valid(), partners.is_valid()]):
        try:
            event = services.event_create(local_government=lg, actor=request.user,
                                          data=form.to_input(partners.partners()),
                                          image=form.cleaned_data.get("image") or None)
            submitted = False
            if request.POST.get("submit_now"):
                services.event_submit(event=event, actor=request.user)
                submitted = True
        except ValidationError as exc:
            other_errors = form.add_service_errors(exc)
        else:
            _save_messages(request, event, form, created=True, submitted=submitted)
            return redirect("workspace:event_edit", lg.pk, event.pk)
    return _form_page(request, lg, form=form, partners=partners, status=400,
                      other_errors=other_errors)


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_required(RULE)
def event_edit(request: HttpRequest, event_pk: int, *, lg) -> HttpResponse:
    """GET: the event's page: its status, UNHCR's comment, what to do next, and the form
    with its values (for an approved event with changes awaiting review: the changes; a
    cancelled event is shown without the form). POST: ``event_update`` (an approved event
    stays public as approved: the changes go to its revision, for UNHCR to review), then
    back here with a message. The id of a revision leads to its event's page."""
    event = _event_or_404(lg, event_pk)
    if event.pk != event_pk:
        return redirect("workspace:event_edit", lg.pk, event.pk)
    working = selectors_officer.working_copy(event)
    data = request.POST if request.method == "POST" else None
    form = EventForm(data, request.FILES if data is not None else None, local_government=lg,
                     event=working)
    partners = partner_formset(working, data)
    if data is None:
        return _form_page(request, lg, form=form, partners=partners, event=event,
                          working=working)
    other_errors: list[str] = []
    if event.status not in EDITABLE and event.status != APPROVED:
        other_errors = [_("This event is %(status)s and can no longer be edited.")
                        % {"status": event.get_status_display()}]
    elif all([form.is_valid(), partners.is_valid()]):
        cleaned = form.cleaned_data
        image = services.UNSET
        if cleaned.get("image"):
            image = cleaned["image"]
        elif cleaned.get("image_remove"):
            image = None
        try:
            saved = services.event_update(event=event, actor=request.user,
                                          data=form.to_input(partners.partners()),
                                          image=image)
            submitted = False
            if request.POST.get("submit_now") and saved.status in SUBMITTABLE:
                saved = services.event_submit(event=saved, actor=request.user)
                submitted = True
        except ValidationError as exc:
            other_errors = form.add_service_errors(exc)
        else:
            _save_messages(request, saved, form, created=False, submitted=submitted)
            return redirect("workspace:event_edit", lg.pk, event.pk)
    return _form_page(request, lg, form=form, partners=partners, event=event, status=400,
                      other_errors=other_errors, working=working)


def _post_only(request, lg, event) -> HttpResponse:
    response = render(request, "workspace/events/post_only.html", {
        "lg": lg, "workspace_page": "events", "event": event}, status=405)
    response["Allow"] = "POST"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_required(RULE)
def event_submit(request: HttpRequest, event_pk: int, *, lg) -> HttpResponse:
    """POST: send the event (a draft or one sent back; or the changes to an approved one)
    to UNHCR (``event_submit``), then the list with a message. GET: 405 with a page that
    points to the button."""
    event = _event_or_404(lg, event_pk)
    if request.method != "POST":
        return _post_only(request, lg, event)
    try:
        submitted = services.event_submit(event=event, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if submitted.revision_of_id is not None:
            messages.success(request, _("Your changes to “%(title)s” have been sent to UNHCR "
                                        "for review. Until UNHCR approves them, the event "
                                        "stays public as it was approved.")
                             % {"title": event})
        else:
            messages.success(request, _("“%(title)s” has been sent to UNHCR for review.")
                             % {"title": submitted})
    return redirect("workspace:events", lg.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_required(RULE)
def event_cancel(request: HttpRequest, event_pk: int, *, lg) -> HttpResponse:
    """GET (or a POST without ``confirm=yes``): a page that asks, with an optional reason.
    POST with ``confirm=yes``: ``event_cancel``; an approved event stays on the public
    calendar, marked cancelled (its changes awaiting review are dropped). With
    ``what=changes`` (query or form): the page asks whether to drop the changes to an
    approved event instead (``event_revision_discard``; the event stays as approved)."""
    event = _event_or_404(lg, event_pk)
    changes_only = (request.POST.get("what") or request.GET.get("what")) == "changes"
    revision = event.pending_revision
    if request.method != "POST" or request.POST.get("confirm") != "yes":
        return render(request, "workspace/events/cancel.html", {
            "lg": lg, "workspace_page": "events", "event": event,
            "revision": revision, "changes_only": changes_only,
            "cancellable": event.status in CANCELLABLE})
    if changes_only:
        services.event_revision_discard(event=event, actor=request.user)
        messages.success(request, _("Your changes to “%(title)s” have been dropped. The "
                                    "event stays as UNHCR approved it.") % {"title": event})
        return redirect("workspace:event_edit", lg.pk, event.pk)
    reason = without_control_characters(request.POST.get("reason", "")[:1000]).strip()
    try:
        services.event_cancel(event=event, actor=request.user, note=reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("“%(title)s” has been cancelled.") % {"title": event})
    return redirect("workspace:events", lg.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_required(RULE)
def event_report(request: HttpRequest, event_pk: int, *, lg) -> HttpResponse:
    """After the event: one form with the report and an optional new photo (POST
    ``action=save``: ``event_report_save`` and, when a photo file, description or credit is
    given, ``event_photo_add``, both or nothing; the older ``action=report`` and
    ``action=photo`` still work, and a report sent with a photo is saved with it). The
    photos are listed, each with a link to remove it. A form with errors is shown again
    with the report and photo texts typed. Before the event starts, or for a cancelled
    event, the page says why there is nothing to add (a POST is refused with 400). For an
    approved event, the report and photos shown and changed are those of its changes
    (public once UNHCR approves them)."""
    event = _event_or_404(lg, event_pk)
    next_steps = _next_steps(event)
    working = next_steps["working"]
    post = request.POST if request.method == "POST" else None
    action = post.get("action") if post is not None else None
    known = action in ("save", "report", "photo")
    # One form: the report and an optional new photo, saved together (typing the report and
    # then adding a photo must not lose the report). "report"/"photo": older pages' buttons.
    want_report = known and "report" in post
    want_photo = known and (action == "photo" or bool(
        request.FILES.get("image") or post.get("alt", "").strip()
        or post.get("credit", "").strip()))
    report_form = ReportForm(post if want_report else None,
                             initial={"report": working.report})
    photo_form = PhotoForm(post if want_photo else None,
                           request.FILES if want_photo else None,
                           use_required_attribute=False)
    status = 200
    other_errors: list[str] = []
    if post is not None:
        status = 400
        if not next_steps["after_event"]:
            other_errors = [_("The report and photos can be added once the event has "
                              "started (and not to a cancelled event).")]
        elif not known:
            other_errors = [_("Nothing was saved: use the button on this page.")]
        elif not (want_report or want_photo):
            other_errors = [_("Nothing was saved: write the report or choose a photo.")]
        elif all([not want_report or report_form.is_valid(),
                  not want_photo or photo_form.is_valid()]):
            refused_on = report_form
            try:
                with transaction.atomic():  # both or nothing
                    if want_report:
                        services.event_report_save(
                            event=event, actor=request.user,
                            report=report_form.cleaned_data["report"])
                    if want_photo:
                        refused_on, data = photo_form, photo_form.cleaned_data
                        services.event_photo_add(event=event, actor=request.user,
                                                 image=data["image"], alt=data["alt"],
                                                 credit=data["credit"])
            except ValidationError as exc:
                other_errors = add_service_errors(refused_on, exc)
            else:
                if want_report and want_photo:
                    messages.success(request, _("The report and the photo have been saved."))
                elif want_report:
                    messages.success(request, _("The report has been saved."))
                else:
                    messages.success(request, _("The photo has been added."))
                _review_message(request, event)
                return redirect("workspace:event_report", lg.pk, event.pk)
    uploaded = request.FILES.get("image") if status == 400 and want_photo else None
    return render(request, "workspace/events/report.html", {
        "lg": lg, "workspace_page": "events", "event": event, "next": next_steps,
        "report_form": report_form, "photo_form": photo_form, "action": action,
        "other_errors": other_errors, "photos": list(working.photos.all()),
        "working": working,
        "uploaded_name": uploaded.name[:100] if uploaded else "",
        "has_errors": status == 400,
    }, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_required(RULE)
def event_photo_remove(request: HttpRequest, event_pk: int, photo_pk: int, *,
                       lg) -> HttpResponse:
    """GET (or a POST without ``confirm=yes``): a page that asks, with the photo. POST with
    ``confirm=yes``: ``event_photo_remove``, then the report page. Another event's photo:
    404."""
    event = _event_or_404(lg, event_pk)
    photo = (selectors_officer.photo_of(selectors_officer.working_copy(event), photo_pk)
             or selectors_officer.photo_of(event, photo_pk))
    if photo is None:
        raise Http404("No such photo here.")
    if request.method != "POST" or request.POST.get("confirm") != "yes":
        return render(request, "workspace/events/photo_remove.html", {
            "lg": lg, "workspace_page": "events", "event": event, "photo": photo})
    try:
        services.event_photo_remove(photo=photo, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The photo has been removed."))
        _review_message(request, event)
    return redirect("workspace:event_report", lg.pk, event.pk)


def _review_message(request, event) -> None:
    """After a change to an approved event: it goes public once UNHCR approves it."""
    if event.status == APPROVED:
        messages.info(request, _("The event stays public as UNHCR approved it: your change "
                                 "becomes public once UNHCR approves your changes. Submit "
                                 "them for review on the event's page."))
