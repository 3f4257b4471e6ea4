"""The public profile page of a local government (every local government has one)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from withrefugees.places.models import LocalGovernment

from . import selectors


def profile(request: HttpRequest, pk: int) -> HttpResponse:
    """Signatories show their steps; the others that they have not signed yet and how to
    join (their page is ``noindex``). 404 for an unknown local government."""
    try:
        page = selectors.profile_page(pk)
    except LocalGovernment.DoesNotExist as exc:
        raise Http404("No such local government.") from exc
    return render(request, "profiles/profile.html", {"page": page,
                                                     "lg": page.local_government})


# Step 2's images (helper C builds them; see profiles/cards.py).
def card(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    raise NotImplementedError


def qr_svg(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError


def qr_png(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError


def poster(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError
