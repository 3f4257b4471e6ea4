"""Reads of step 4 for the workspace: a local government's pledges (as lead, and the joint
pledges it co-pledges), one pledge within a local government's workspace."""

from django.db.models import Prefetch, Q, QuerySet

from withrefugees.places.models import LocalGovernment

from .models import CoPledger, Pledge, PledgeTarget


def _with_parts(queryset: QuerySet[Pledge]) -> QuerySet[Pledge]:
    return (queryset.select_related("local_government", "matches", "copied_from",
                                    "gcr_email")
            .prefetch_related("areas", "countries", "multistakeholder_pledges",
                              Prefetch("co_pledgers",
                                       CoPledger.objects.select_related("local_government")),
                              Prefetch("targets", PledgeTarget.objects.order_by("position",
                                                                                "pk"))))


def workspace_pledges(local_government: LocalGovernment) -> QuerySet[Pledge]:
    """The pledges ``local_government`` leads and those it co-pledges (read only), newest
    first, with their parts prefetched (a fixed number of queries for the list)."""
    lg_pk = local_government.pk
    return _with_parts(Pledge.objects.filter(
        Q(local_government_id=lg_pk) | Q(co_pledgers__local_government_id=lg_pk))
        .distinct().order_by("-created_at", "-pk"))


def workspace_pledge(local_government: LocalGovernment, pk: int) -> Pledge | None:
    """The pledge ``pk`` if ``local_government`` leads or co-pledges it, else None (the
    view answers 404: another city's pledge is not found, not forbidden). A ``pk`` beyond
    the database's integer range is None as well."""
    if not (0 < pk < 2**63):
        return None
    return workspace_pledges(local_government).filter(pk=pk).first()


def is_lead(pledge: Pledge, local_government: LocalGovernment) -> bool:
    """Whether ``local_government`` is the lead of ``pledge`` (else a co-pledger)."""
    return pledge.local_government_id == local_government.pk
