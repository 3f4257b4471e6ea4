"""Step 2 in the workspace: the post kit (ready-made posts, counts per network, share links,
copy). Helper B builds it."""

from django.http import HttpRequest, HttpResponse

from ..access import workspace_required


@workspace_required("social.use_kit")
def post_kit(request: HttpRequest, *, lg) -> HttpResponse:
    raise NotImplementedError
