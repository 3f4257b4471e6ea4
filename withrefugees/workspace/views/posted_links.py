"""Step 2 in the workspace: the addresses of the posts a local government made. Helper D
builds it."""

from django.http import HttpRequest, HttpResponse

from ..access import workspace_required


@workspace_required("social.record_posted_link")
def posted_links(request: HttpRequest, *, lg) -> HttpResponse:
    raise NotImplementedError


@workspace_required("social.record_posted_link")
def posted_link_remove(request: HttpRequest, link_pk: int, *, lg) -> HttpResponse:
    raise NotImplementedError
