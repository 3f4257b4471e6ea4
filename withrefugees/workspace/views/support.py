"""Step 3 in the workspace: support requests to UNHCR (stubs until built)."""

from django.http import Http404


def support_list(request, lg_pk: int):
    raise Http404


def support_new(request, lg_pk: int):
    raise Http404


def support_detail(request, lg_pk: int, request_pk: int):
    raise Http404
