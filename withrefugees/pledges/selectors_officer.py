"""Reads of step 4 for the workspace: a local government's pledges (as lead, and the joint
pledges it co-pledges), one pledge within a local government's workspace, and the choice
lists of the builder (areas of focus, multistakeholder pledges, countries, co-pledging local
governments, pledges to match, the local governments one may start a pledge for)."""

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import get_language

from withrefugees.places.models import Country, LocalGovernment

from .models import (
    PUBLIC_STATUSES,
    AreaOfFocus,
    CoPledger,
    GcrObjective,
    MultistakeholderPledge,
    Pledge,
    PledgeKind,
    PledgeTarget,
)


def _with_parts(queryset: QuerySet[Pledge]) -> QuerySet[Pledge]:
    return (queryset.select_related("local_government", "local_government__region",
                                    "local_government__country", "matches", "copied_from",
                                    "gcr_email")
            .prefetch_related("areas", "countries", "multistakeholder_pledges",
                              Prefetch("co_pledgers", CoPledger.objects.select_related(
                                  "local_government", "local_government__region",
                                  "local_government__country")),
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


# --- Choices of the builder -----------------------------------------------------------------
def _by_label(items, key=str):
    return sorted(items, key=lambda item: key(item).casefold())


def area_choices(pledge: Pledge | None = None) -> QuerySet[AreaOfFocus]:
    """The areas of focus the builder offers: the active ones, and those already on
    ``pledge`` (an area staff retired stays on the pledges that name it)."""
    condition = Q(active=True)
    if pledge is not None and pledge.pk:
        condition |= Q(pledges=pledge)
    return AreaOfFocus.objects.filter(condition).distinct().order_by("position", "pk")


def multistakeholder_choices(pledge: Pledge | None = None
                             ) -> QuerySet[MultistakeholderPledge]:
    """The multistakeholder pledges offered: the active ones and those ``pledge`` joins."""
    condition = Q(active=True)
    if pledge is not None and pledge.pk:
        condition |= Q(pledges=pledge)
    return (MultistakeholderPledge.objects.filter(condition).distinct()
            .order_by("position", "pk"))


def country_choices() -> QuerySet[Country]:
    """Every country, sorted by its name in the active language."""
    order = "name_ja" if (get_language() or "ja")[:2] == "ja" else "name_en"
    return Country.objects.order_by(order, "code")


def co_pledger_choices(lead: LocalGovernment, pledge: Pledge | None = None
                       ) -> list[LocalGovernment]:
    """The local governments that may be named as co-pledgers of a pledge led by ``lead``:
    those with a published signature or at least one officer on the platform, and those
    already named on ``pledge``; never the lead. Sorted by their label in the active
    language (a fixed number of queries)."""
    from withrefugees.accounts.models import Membership
    from withrefugees.campaign.selectors import public_signatures

    ids = set(public_signatures().values_list("local_government_id", flat=True))
    ids |= set(Membership.objects.values_list("local_government_id", flat=True))
    if pledge is not None and pledge.pk:
        ids |= set(pledge.co_pledgers.exclude(local_government=None)
                   .values_list("local_government_id", flat=True))
    ids.discard(lead.pk)
    return _by_label(LocalGovernment.objects.with_places().filter(pk__in=ids),
                     key=lambda lg: lg.label)


def co_pledger_queryset(lead: LocalGovernment, pledge: Pledge | None = None
                        ) -> QuerySet[LocalGovernment]:
    """``co_pledger_choices`` as a queryset (what a form's choice accepts)."""
    return LocalGovernment.objects.with_places().filter(
        pk__in=[lg.pk for lg in co_pledger_choices(lead, pledge)])


def matchable_pledges(pledge: Pledge | None = None) -> QuerySet[Pledge]:
    """The pledges another may match: approved by UNHCR (public), never ``pledge``
    itself; newest first, with their local governments."""
    queryset = (Pledge.objects.filter(status__in=PUBLIC_STATUSES)
                .select_related("local_government", "local_government__region",
                                "local_government__country")
                .order_by("-created_at", "-pk"))
    if pledge is not None and pledge.pk:
        queryset = queryset.exclude(pk=pledge.pk)
    return queryset


def public_pledge(pk: int) -> Pledge | None:
    """The public pledge ``pk`` (approved by UNHCR) to start from, or None."""
    if not (0 < pk < 2**63):
        return None
    return (Pledge.objects.filter(pk=pk, status__in=PUBLIC_STATUSES)
            .select_related("local_government").first())


def editable_local_governments(user) -> list[LocalGovernment]:
    """The local governments ``user`` may draft pledges for (``pledges.edit``: an officer),
    sorted by label."""
    from withrefugees.accounts.rules import can, officer_local_government_ids

    ids = officer_local_government_ids(user)
    places = LocalGovernment.objects.with_places().filter(pk__in=ids)
    return _by_label([lg for lg in places if can(user, "pledges.edit", lg)],
                     key=lambda lg: lg.label)


def kind_labels(pledge: Pledge) -> list[str]:
    """The labels of the kinds ``pledge`` is, in the choices' order (active language)."""
    return [str(PledgeKind(kind).label) for kind in pledge.kinds]


def objective_labels(pledge: Pledge) -> list[str]:
    """The labels of the GCR objectives ``pledge`` serves, in the compact's order."""
    return [str(GcrObjective(objective).label) for objective in pledge.objectives]
