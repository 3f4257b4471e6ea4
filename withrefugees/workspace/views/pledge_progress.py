"""Step 4 in the workspace: the progress reports of a pledge (issue 10, section 3).

``workspace/<lg>/pledges/<id>/progress/``: the history of the pledge's reports, newest
first (date, stage, narrative, values reached per target with unit and target value),
and, for the lead local government's officers on a published pledge, the form to file one
(``pledges.services_progress.progress_report_file``: checked again there, audited).

Who sees what: the pledge is looked up within the local government of the URL
(``pledges.selectors_officer.workspace_pledge``: the pledges it leads or co-pledges;
another city's id is a 404). The lead's officers file; a co-pledging local government's
officers, and staff with a second factor (``pledges.read``), read the history: a POST from
them is refused (403), as the lead files one consolidated report for a joint pledge. A
form with errors is shown again with what was typed (HTTP 400); on success the page
comes back with a message."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from withrefugees.accounts.rules import can
from withrefugees.pledges import selectors_officer, services_progress
from withrefugees.pledges.forms_progress import ProgressForm, plain_number

from ..access import workspace_required


def _pledge_or_404(lg, pledge_pk: int):
    pledge = selectors_officer.workspace_pledge(lg, pledge_pk)
    if pledge is None:
        raise Http404("No such pledge here.")
    return pledge


def _history(pledge) -> list[dict]:
    """The reports, newest first, each with its values as rows to show."""
    rows = []
    for report in services_progress.progress_reports_of(pledge):
        rows.append({"report": report, "values": [
            {"target": value.target, "value": plain_number(value.value_reached),
             "target_value": plain_number(value.target.target_value)}
            for value in report.values.all()]})
    return rows


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_required("workspace.view")
def pledge_progress(request: HttpRequest, pledge_pk: int, *, lg) -> HttpResponse:
    """GET: the history and, for the lead's officers on a published pledge, the form
    (stage, narrative, date: today in the lead's zone, a value per target). POST (the
    lead's officers only, else 403): ``progress_report_file``, then back here with a
    message; with errors the form again with what was typed (400)."""
    pledge = _pledge_or_404(lg, pledge_pk)
    if not can(request.user, "pledges.read", pledge):
        raise PermissionDenied
    lead = selectors_officer.is_lead(pledge, lg)
    may_file = lead and can(request.user, services_progress.RULE, pledge.local_government)
    published = services_progress.takes_reports(pledge)
    if request.method == "POST" and not may_file:
        raise PermissionDenied
    targets = list(pledge.targets.all())
    today = services_progress.progress_today(pledge.local_government)
    form = ProgressForm(request.POST if request.method == "POST" else None,
                        targets=targets, today=today)
    other_errors: list[str] = []
    status = 200
    if request.method == "POST":
        status = 400
        if not published:
            other_errors = [_("Progress is reported on a pledge once the GCR has published "
                              "it. Nothing was saved.")]
        elif form.is_valid():
            data = form.cleaned_data
            try:
                report = services_progress.progress_report_file(
                    pledge=pledge, actor=request.user, status=data["status"],
                    narrative=data["narrative"], reported_on=data["reported_on"],
                    values=form.values())
            except ValidationError as exc:
                other_errors = form.add_service_errors(exc)
            else:
                when = date_format(report.reported_on, "DATE_FORMAT")
                messages.success(request, _("Your progress report of %(date)s has been "
                                            "saved.") % {"date": when})
                if pledge.progress_reported_on != report.reported_on:
                    messages.info(request, _(
                        "It is dated before the latest report (%(latest)s): the pledge's "
                        "progress is still that of the latest report.") % {
                        "latest": date_format(pledge.progress_reported_on, "DATE_FORMAT")})
                return redirect("workspace:pledge_progress", lg.pk, pledge.pk)
    title, title_lang = pledge.localised_with_language("title")
    return render(request, "workspace/pledges/progress.html", {
        "lg": lg, "workspace_page": "pledges", "pledge": pledge, "lead": lead,
        "title": title, "title_lang": title_lang,
        "may_file": may_file and published, "published": published, "form": form,
        "history": _history(pledge), "has_errors": status == 400,
        "other_errors": other_errors, "today": today,
    }, status=status)
