"""Step 4 in the workspace: the pledges of a local government to the Global Compact on
Refugees. Its officers draft a pledge in the builder (one long form, with the checklist of
what the GCR asks for), save it (explicitly, or in the background every ~20 seconds:
``static/js/pledge-builder.js`` posts the form with ``X-Requested-With: XMLHttpRequest`` and
gets JSON), submit it to UNHCR, withdraw it from review, delete a draft, and start a new
draft from a public pledge.

Gates: the list and a pledge's page ``workspace.view`` (officers of the local government of
the URL, staff with a second factor); writing pages ``pledges.edit`` (officers only: staff
review in the admin and never edit an officer's pledge). A pledge id in the URL is looked up
within the local government of the URL, as lead or co-pledger
(``pledges.selectors_officer.workspace_pledge``): another city's id is a 404. A joint pledge
is read-only for its co-pledgers' officers (a POST is 403); a pledge that is not a draft or
sent back is shown read-only (a POST is refused with 400 and a message).

Every write goes through ``pledges.services`` (checked again there, audited). Actions that
change state take a POST; ``pledge_submit`` and ``pledge_withdraw`` answer a GET with 405 and
a page that points to the button; deleting asks first. A form with errors is shown again with
what was typed (HTTP 400). As for events, no "submit as saved" form stands beside the
builder's form (it would send the saved version and drop what was just typed): the builder's
"Save and submit to UNHCR" saves what is typed, then submits it, in one transaction
(``_save``). The new-pledge form carries a one-time ``draft_key``: a second POST of it in the
same session (an explicit save during the first autosave, a retry) updates the draft the
first one created instead of creating another (``_drafted``)."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from withrefugees.accounts.rules import can
from withrefugees.pledges import selectors_officer, services
from withrefugees.pledges.checklist import missing, new_pledge_checklist, pledge_checklist
from withrefugees.pledges.forms import (
    PledgeForm,
    StartFromForm,
    add_service_errors,
    co_pledger_formset,
    target_formset,
)
from withrefugees.pledges.validation import format_amount

from ..access import sign_in_required, workspace_required

VIEW_RULE = "workspace.view"
EDIT_RULE = "pledges.edit"
DOCUMENT_LANGUAGES = ("ja", "en")


def _pledge_or_404(lg, pledge_pk: int):
    pledge = selectors_officer.workspace_pledge(lg, pledge_pk)
    if pledge is None:
        raise Http404("No such pledge here.")
    return pledge


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _may_edit(request: HttpRequest, lg, pledge=None) -> bool:
    """Whether the visitor drafts pledges for ``lg`` and (with ``pledge``) ``lg`` leads it."""
    if pledge is not None and not selectors_officer.is_lead(pledge, lg):
        return False
    return can(request.user, EDIT_RULE, lg)


def _checklist_data(items) -> list[dict]:
    return [{"key": item.key, "label": str(item.label), "done": item.done,
             "field_id": item.field_id} for item in items]


def _saved_json(request, lg, pledge) -> JsonResponse:
    items = pledge_checklist(pledge)
    gaps = sum(1 for item in items if not item.done)
    saved = timezone.localtime(pledge.updated_at)
    time_text = formats.time_format(saved, "TIME_FORMAT")
    summary = (ngettext(
        "%(n)s item is still missing. A draft can be saved without it; the pledge is "
        "submitted once nothing is missing.",
        "%(n)s items are still missing. A draft can be saved without them; the pledge is "
        "submitted once nothing is missing.", gaps) % {"n": gaps} if gaps
        else _("Everything the GCR asks for is there."))
    return JsonResponse({
        "ok": True, "saved_at": saved.isoformat(),
        "message": _("Draft saved at %(time)s.") % {"time": time_text},
        "checklist": _checklist_data(items),
        "missing": gaps, "summary": summary,
        "edit_url": reverse("workspace:pledge_edit", args=[lg.pk, pledge.pk]),
    })


def _error_json(form, targets, co_pledgers, other_errors, *, status: int = 400
                ) -> JsonResponse:
    errors = [{"field_id": "", "message": message} for message in other_errors]
    for name, field_errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        field_id = form[name].id_for_label if name in form.fields else ""
        errors += [{"field_id": field_id,
                    "message": f"{label}: {message}" if label else message}
                   for message in field_errors]
    for group, formset, label in (("targets-group", targets, _("Measurable targets")),
                                  ("co-pledgers-group", co_pledgers,
                                   _("Co-pledging entities"))):
        errors += [{"field_id": group, "message": f"{label}: {message}"}
                   for message in formset.non_form_errors()]
        for index, row in enumerate(formset.forms, start=1):
            for name, field_errors in row.errors.items():
                field_id = row[name].id_for_label if name in row.fields else group
                errors += [{"field_id": field_id,
                            "message": f"{label} {index}, {row.fields[name].label}: {m}"
                            if name in row.fields else f"{label} {index}: {m}"}
                           for m in field_errors]
    return JsonResponse({
        "ok": False,
        "message": _("Not saved: check the form (%(count)s problems). What you typed is "
                     "kept.") % {"count": len(errors)},
        "errors": errors}, status=status)


def _documents(lg, pledge) -> list[dict]:
    return [{"language": code,
             "docx": reverse("workspace:pledge_docx", args=[lg.pk, pledge.pk, code]),
             "pdf": reverse("workspace:pledge_pdf", args=[lg.pk, pledge.pk, code])}
            for code in DOCUMENT_LANGUAGES]


@require_http_methods(["GET", "HEAD"])
@workspace_required(VIEW_RULE)
def pledge_list(request: HttpRequest, *, lg) -> HttpResponse:
    """The pledges ``lg`` leads (status, checklist, latest progress, what to do next) and
    the joint pledges it co-pledges (read-only). A fixed number of queries whatever the
    number of pledges (``workspace_pledges`` prefetches their parts)."""
    may_edit = _may_edit(request, lg)
    rows = []
    for pledge in selectors_officer.workspace_pledges(lg):
        lead = selectors_officer.is_lead(pledge, lg)
        gaps = missing(pledge) if lead and pledge.is_editable else []
        rows.append({"pledge": pledge, "lead": lead, "missing": gaps,
                     "editable": lead and may_edit and pledge.is_editable,
                     "submittable": lead and may_edit and pledge.is_editable and not gaps})
    return render(request, "workspace/pledges/list.html", {
        "lg": lg, "workspace_page": "pledges", "may_edit": may_edit,
        "led_rows": [row for row in rows if row["lead"]],
        "joint_rows": [row for row in rows if not row["lead"]],
    })


def _builder_page(request, lg, *, form, targets, co_pledgers, pledge=None, status=200,
                  other_errors=(), draft_key: str = ""):
    checklist = (pledge_checklist(pledge) if pledge is not None
                 else new_pledge_checklist())
    gaps = [item for item in checklist if not item.done]
    return render(request, "workspace/pledges/builder.html", {
        "lg": lg, "workspace_page": "pledges", "form": form, "targets": targets,
        "co_pledgers": co_pledgers, "pledge": pledge, "checklist": checklist,
        "missing": gaps, "has_errors": status == 400, "other_errors": list(other_errors),
        "documents": _documents(lg, pledge) if pledge is not None else [],
        "draft_key": draft_key if pledge is None else "",
    }, status=status)


def _bound(request, lg, pledge=None):
    data = request.POST if request.method == "POST" else None
    form = PledgeForm(data, local_government=lg, pledge=pledge)
    targets = target_formset(pledge, data)
    co_pledgers = co_pledger_formset(lg, pledge, data)
    return form, targets, co_pledgers


def _save(request, save):
    """``save()`` (``pledge_create`` or ``pledge_update``) and, when asked (``submit_now``,
    an explicit save), ``pledge_submit``: one transaction. The pledge's row, locked by the
    save, stays locked until it is submitted, so an autosave sent earlier lands either
    before (and the final text overwrites it) or after (and is refused: no longer
    editable); what is submitted is what the officer sent with the button. A refused
    submission leaves the save. Returns the pledge and the refusal of the submission
    (``None``: submitted, or not asked). A ``ValidationError`` of the save is raised."""
    with transaction.atomic():
        pledge = save()
        if not request.POST.get("submit_now") or _wants_json(request):
            return pledge, None
        try:
            services.pledge_submit(pledge=pledge, actor=request.user)
        except ValidationError as exc:
            return pledge, exc
    return pledge, None


def _after_save(request, lg, pledge, *, created: bool,
                refusal: ValidationError | None) -> HttpResponse:
    """After an explicit save (and submission when asked, ``_save``): the message, and the
    builder (or the pledge's page once submitted)."""
    if request.POST.get("submit_now"):
        if refusal is not None:
            messages.warning(request, _("Your pledge has been saved as a draft.") + " "
                             + " ".join(refusal.messages))
        else:
            messages.success(request, _("“%(title)s” has been saved and sent to UNHCR for "
                                        "review. You will see UNHCR's answer here.")
                             % {"title": pledge})
    elif created:
        messages.success(request, _("Your pledge has been saved as a draft. Complete the "
                                    "checklist, then submit it to UNHCR."))
    else:
        messages.success(request, _("Your changes have been saved."))
    return redirect("workspace:pledge_edit", lg.pk, pledge.pk)


#: Session key of the builder's one-time keys: ``{draft_key: [local government id, pledge
#: id]}`` (the last ``DRAFT_KEYS_KEPT``).
DRAFT_KEYS_SESSION = "pledge_draft_keys"
DRAFT_KEYS_KEPT = 20


def _draft_key(value) -> str:
    """The builder's one-time key as sent (a UUID's 32 hex digits), else ""."""
    try:
        return uuid.UUID(hex=str(value or "")[:40]).hex
    except ValueError:
        return ""


def _drafted(request, lg, key: str):
    """The draft a POST with ``key`` already created for ``lg`` in this session (a second
    save of the new-pledge form: an explicit save during the first autosave, a retry after
    a lost reply), if it is still there and led by ``lg``; else None."""
    place = (request.session.get(DRAFT_KEYS_SESSION) or {}).get(key) if key else None
    if not (isinstance(place, list) and len(place) == 2 and place[0] == lg.pk):
        return None
    pledge = selectors_officer.workspace_pledge(lg, place[1])
    if pledge is None or not selectors_officer.is_lead(pledge, lg):
        return None
    return pledge


def _remember_draft(request, lg, key: str, pledge) -> None:
    if not key:
        return
    keys = dict(request.session.get(DRAFT_KEYS_SESSION) or {})
    keys.pop(key, None)
    keys[key] = [lg.pk, pledge.pk]
    request.session[DRAFT_KEYS_SESSION] = dict(list(keys.items())[-DRAFT_KEYS_KEPT:])


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_required(EDIT_RULE)
def pledge_new(request: HttpRequest, *, lg) -> HttpResponse:
    """GET: the empty builder. POST: ``pledge_create`` (a draft; with ``submit_now`` also
    ``pledge_submit``), then the builder of the new pledge; in the background (JSON) the
    saved time, the checklist and the new pledge's address."""
    if request.method != "POST":
        form, targets, co_pledgers = _bound(request, lg)
        return _builder_page(request, lg, form=form, targets=targets, co_pledgers=co_pledgers,
                             draft_key=uuid.uuid4().hex)
    key = _draft_key(request.POST.get("draft_key"))
    existing = _drafted(request, lg, key)
    if existing is not None:
        return _edit_post(request, lg, existing)
    form, targets, co_pledgers = _bound(request, lg)
    other_errors: list[str] = []
    if all([form.is_valid(), targets.is_valid(), co_pledgers.is_valid()]):
        try:
            pledge, refusal = _save(request, lambda: services.pledge_create(
                local_government=lg, actor=request.user,
                data=form.to_input(targets.targets(), co_pledgers.co_pledgers())))
        except ValidationError as exc:
            other_errors = add_service_errors(form, targets, co_pledgers, exc)
        else:
            _remember_draft(request, lg, key, pledge)
            if _wants_json(request):
                return _saved_json(request, lg, pledge)
            return _after_save(request, lg, pledge, created=True, refusal=refusal)
    if _wants_json(request):
        return _error_json(form, targets, co_pledgers, other_errors)
    return _builder_page(request, lg, form=form, targets=targets, co_pledgers=co_pledgers,
                         status=400, other_errors=other_errors,
                         draft_key=key or uuid.uuid4().hex)


def _read_only_page(request, lg, pledge, *, status: int = 200,
                    errors=()) -> HttpResponse:
    lead = selectors_officer.is_lead(pledge, lg)
    may_edit = _may_edit(request, lg, pledge)
    checklist = pledge_checklist(pledge)
    return render(request, "workspace/pledges/view.html", {
        "lg": lg, "workspace_page": "pledges", "pledge": pledge, "lead": lead,
        "may_edit": may_edit, "errors": list(errors),
        "withdrawable": may_edit and pledge.status == services.WITHDRAWABLE,
        "documents": _documents(lg, pledge),
        "targets": list(pledge.targets.all()), "co_pledgers": list(pledge.co_pledgers.all()),
        "kinds": selectors_officer.kind_labels(pledge),
        "objectives": selectors_officer.objective_labels(pledge),
        "budget": (format_amount(pledge.budget_amount, pledge.budget_currency)
                   if pledge.budget_amount is not None else ""),
        "checklist": checklist, "missing": [item for item in checklist if not item.done],
    }, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_required(VIEW_RULE)
def pledge_edit(request: HttpRequest, pledge_pk: int, *, lg) -> HttpResponse:
    """GET: the builder of a draft or sent-back pledge, for the lead's officers; else the
    pledge read-only (a joint pledge for a co-pledger's officers, staff, a pledge awaiting
    review, approved or published: with UNHCR's comment, the documents, the progress).
    POST: ``pledge_update`` (with ``submit_now`` also ``pledge_submit``), then back here;
    in the background (JSON) the saved time and the checklist, or the errors (400)."""
    pledge = _pledge_or_404(lg, pledge_pk)
    may_edit = _may_edit(request, lg, pledge)
    if request.method != "POST":
        if may_edit and pledge.is_editable:
            form, targets, co_pledgers = _bound(request, lg, pledge)
            return _builder_page(request, lg, form=form, targets=targets,
                                 co_pledgers=co_pledgers, pledge=pledge)
        return _read_only_page(request, lg, pledge)
    if not may_edit:
        raise PermissionDenied
    return _edit_post(request, lg, pledge)


def _edit_post(request, lg, pledge) -> HttpResponse:
    """A POST of the builder of ``pledge`` (which the visitor may edit): ``pledge_update``
    (with ``submit_now`` also ``pledge_submit``, ``_save``)."""
    if not pledge.is_editable:
        message = _("This pledge is %(status)s and can no longer be edited here. Nothing "
                    "was saved.") % {"status": pledge.status_display}
        if _wants_json(request):
            return JsonResponse({"ok": False, "message": message, "errors": []}, status=400)
        return _read_only_page(request, lg, pledge, status=400, errors=[message])
    form, targets, co_pledgers = _bound(request, lg, pledge)
    other_errors: list[str] = []
    if all([form.is_valid(), targets.is_valid(), co_pledgers.is_valid()]):
        try:
            saved, refusal = _save(request, lambda: services.pledge_update(
                pledge=pledge, actor=request.user,
                data=form.to_input(targets.targets(), co_pledgers.co_pledgers())))
        except ValidationError as exc:
            other_errors = add_service_errors(form, targets, co_pledgers, exc)
        else:
            if _wants_json(request):
                return _saved_json(request, lg, saved)
            return _after_save(request, lg, saved, created=False, refusal=refusal)
    if _wants_json(request):
        return _error_json(form, targets, co_pledgers, other_errors)
    return _builder_page(request, lg, form=form, targets=targets, co_pledgers=co_pledgers,
                         pledge=pledge, status=400, other_errors=other_errors)


def _post_only(request, lg, pledge) -> HttpResponse:
    response = render(request, "workspace/pledges/post_only.html", {
        "lg": lg, "workspace_page": "pledges", "pledge": pledge}, status=405)
    response["Allow"] = "POST"
    return response


def _lead_pledge(request, lg, pledge_pk: int):
    """The pledge ``lg`` leads (404 otherwise; a co-pledger's officers: 403)."""
    pledge = _pledge_or_404(lg, pledge_pk)
    if not selectors_officer.is_lead(pledge, lg):
        raise PermissionDenied
    return pledge


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_required(EDIT_RULE)
def pledge_submit(request: HttpRequest, pledge_pk: int, *, lg) -> HttpResponse:
    """POST: send the pledge as it is saved to UNHCR (``pledge_submit``; refused while the
    checklist is incomplete, saying what is missing), then its page. GET: 405 with a page
    that points to the button."""
    pledge = _lead_pledge(request, lg, pledge_pk)
    if request.method != "POST":
        return _post_only(request, lg, pledge)
    try:
        services.pledge_submit(pledge=pledge, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("“%(title)s” has been sent to UNHCR for review.")
                         % {"title": pledge})
    return redirect("workspace:pledge_edit", lg.pk, pledge.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_required(EDIT_RULE)
def pledge_withdraw(request: HttpRequest, pledge_pk: int, *, lg) -> HttpResponse:
    """POST: take a pledge awaiting review back as a draft (``pledge_withdraw``), then its
    builder. GET: 405 with a page that points to the button."""
    pledge = _lead_pledge(request, lg, pledge_pk)
    if request.method != "POST":
        return _post_only(request, lg, pledge)
    try:
        services.pledge_withdraw(pledge=pledge, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("“%(title)s” has been withdrawn from UNHCR's review and "
                                    "is a draft again: change it, then submit it again.")
                         % {"title": pledge})
    return redirect("workspace:pledge_edit", lg.pk, pledge.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_required(EDIT_RULE)
def pledge_delete(request: HttpRequest, pledge_pk: int, *, lg) -> HttpResponse:
    """GET (or a POST without ``confirm=yes``): a page that asks. POST with
    ``confirm=yes``: ``pledge_delete`` (a draft or a pledge sent back), then the list."""
    pledge = _lead_pledge(request, lg, pledge_pk)
    if request.method != "POST" or request.POST.get("confirm") != "yes":
        return render(request, "workspace/pledges/delete.html", {
            "lg": lg, "workspace_page": "pledges", "pledge": pledge,
            "deletable": pledge.is_editable})
    try:
        services.pledge_delete(pledge=pledge, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("workspace:pledge_edit", lg.pk, pledge.pk)
    messages.success(request, _("“%(title)s” has been deleted.") % {"title": pledge})
    return redirect("workspace:pledges", lg.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@sign_in_required
def pledge_start_from(request: HttpRequest, source_pk: int) -> HttpResponse:
    """"Start from this pledge": GET: a page with the pledge, a button (POST) and, for an
    officer of several local governments, the choice of one. POST: ``pledge_start_from``,
    then the new draft's builder. Only a public pledge (else 404); someone who is no
    officer is told why (403)."""
    source = selectors_officer.public_pledge(source_pk)
    if source is None:
        raise Http404("No such public pledge.")
    choices = selectors_officer.editable_local_governments(request.user)
    context = {"lg": None, "workspace_page": "pledges", "source": source,
               "choices": choices}
    if not choices:
        return render(request, "workspace/pledges/start_from.html", context, status=403)
    form = StartFromForm(request.POST if request.method == "POST" else None,
                         choices=choices)
    context["form"] = form
    if request.method != "POST":
        return render(request, "workspace/pledges/start_from.html", context)
    if form.is_valid():
        lg = form.chosen()
        try:
            pledge = services.pledge_start_from(source=source, local_government=lg,
                                                actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("A new draft has been started from “%(title)s”. "
                                        "Adapt it to your local government: the contact, "
                                        "timeframe and budget are yours to fill in.")
                             % {"title": source})
            return redirect("workspace:pledge_edit", lg.pk, pledge.pk)
    context["has_errors"] = True
    return render(request, "workspace/pledges/start_from.html", context, status=400)
