"""Step 3 in the workspace: the events of a local government (stubs until built)."""

from django.http import Http404


def event_list(request, lg_pk: int):
    raise Http404


def event_new(request, lg_pk: int):
    raise Http404


def event_edit(request, lg_pk: int, event_pk: int):
    raise Http404


def event_submit(request, lg_pk: int, event_pk: int):
    raise Http404


def event_cancel(request, lg_pk: int, event_pk: int):
    raise Http404


def event_report(request, lg_pk: int, event_pk: int):
    raise Http404


def event_photo_remove(request, lg_pk: int, event_pk: int, photo_pk: int):
    raise Http404
