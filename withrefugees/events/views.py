"""Public pages of step 3 (stubs until built)."""

from django.http import Http404


def calendar(request):
    raise Http404


def event_detail(request, pk: int):
    raise Http404


def world_refugee_day_latest(request):
    raise Http404


def world_refugee_day(request, year: int):
    raise Http404
