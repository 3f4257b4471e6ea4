"""iCalendar feeds of step 3 (stubs until built)."""

from django.http import Http404


def feed_all(request):
    raise Http404


def feed_kind(request, kind: str):
    raise Http404


def feed_local_government(request, lg_pk: int):
    raise Http404


def feed_event(request, pk: int):
    raise Http404
