"""Step 4 in the workspace: the Word (.docx) and PDF documents of a pledge, in Japanese or
English (``pledges.documents``), for the officers of its lead local government, of a
co-pledging local government (issue 10: "co-pledgers can read the draft") and staff with a
second factor (rule ``pledges.read`` on the pledge).

The pledge is looked up within the local government of the URL
(``pledges.selectors_officer.workspace_pledge``: as lead or co-pledger): another city's id
is a 404, as is a language other than ``ja``/``en``. Downloads: ``Content-Disposition:
attachment`` with an ASCII file name (``pledge-12-ja.docx``), ``Cache-Control: private,
no-store`` (a draft and its contact are not for shared caches)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from withrefugees.accounts.rules import can
from withrefugees.pledges import documents, selectors_officer

from ..access import workspace_required

RULE = "pledges.read"


def _pledge_or_404(request: HttpRequest, lg, pledge_pk: int, language: str):
    if language not in documents.LANGUAGES:
        raise Http404("No document in this language.")
    pledge = selectors_officer.workspace_pledge(lg, pledge_pk)
    if pledge is None or not can(request.user, RULE, pledge):
        raise Http404("No such pledge here.")
    return pledge


def _download(content: bytes, *, media_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=media_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Content-Length"] = str(len(content))
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_http_methods(["GET", "HEAD"])
@workspace_required("workspace.view")
def pledge_docx(request: HttpRequest, pledge_pk: int, language: str, *, lg) -> HttpResponse:
    """The pledge as a Word document (``pledge-<id>-<language>.docx``)."""
    pledge = _pledge_or_404(request, lg, pledge_pk, language)
    return _download(documents.pledge_docx(pledge, language=language),
                     media_type=documents.MEDIA_TYPES["docx"],
                     filename=documents.document_filename(pledge, language=language,
                                                          extension="docx"))


@require_http_methods(["GET", "HEAD"])
@workspace_required("workspace.view")
def pledge_pdf(request: HttpRequest, pledge_pk: int, language: str, *, lg) -> HttpResponse:
    """The pledge as a PDF (``pledge-<id>-<language>.pdf``)."""
    pledge = _pledge_or_404(request, lg, pledge_pk, language)
    return _download(documents.pledge_pdf(pledge, language=language),
                     media_type=documents.MEDIA_TYPES["pdf"],
                     filename=documents.document_filename(pledge, language=language,
                                                          extension="pdf"))
