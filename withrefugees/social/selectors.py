"""Reads of step 2's posted links, for the workspace (the officers' list, the dashboard's
count) and the public profile (the visible links). Each read is one query whatever the
number of links."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from withrefugees.places.models import LocalGovernment

from .models import PostedLink

#: How many posted links the public profile lists (the newest).
PUBLIC_LIMIT = 50


def public_posted_links(local_government: LocalGovernment | int,
                        limit: int | None = PUBLIC_LIMIT) -> list[PostedLink]:
    """The links of ``local_government`` (an instance or its id) that the public sees (not
    hidden by staff), newest first, at most ``limit`` (None: all). One query; the links'
    ``added_by`` is not loaded (never shown to the public)."""
    links = (PostedLink.objects.filter(local_government=local_government, hidden=False)
             .order_by("-created_at", "-pk"))
    return list(links if limit is None else links[:limit])


def has_public_posted_links() -> Exists:
    """An expression for ``LocalGovernment`` querysets: True when the local government has
    at least one visible posted link (``.annotate(x=has_public_posted_links())``), so that a
    page reads the links only when there are some."""
    return Exists(PostedLink.objects.filter(local_government=OuterRef("pk"), hidden=False))


def officer_posted_links(local_government: LocalGovernment | int) -> list[PostedLink]:
    """All the links of ``local_government``, hidden ones too, newest first, with who
    recorded them (one query), for its officers' list."""
    return list(PostedLink.objects.filter(local_government=local_government)
                .select_related("added_by").order_by("-created_at", "-pk"))


@dataclass(frozen=True)
class PostedLinkCounts:
    """How many posts a local government recorded: ``visible`` on the public pages and
    ``hidden`` by staff."""

    visible: int = 0
    hidden: int = 0

    @property
    def total(self) -> int:
        return self.visible + self.hidden


def posted_link_counts(local_government: LocalGovernment | int) -> PostedLinkCounts:
    """``PostedLinkCounts`` of ``local_government`` (one query)."""
    found = PostedLink.objects.filter(local_government=local_government).aggregate(
        visible=Count("pk", filter=Q(hidden=False)), hidden=Count("pk", filter=Q(hidden=True)))
    return PostedLinkCounts(visible=found["visible"] or 0, hidden=found["hidden"] or 0)


def posted_link_of(local_government: LocalGovernment | int, pk: int) -> PostedLink | None:
    """The link ``pk`` of ``local_government``, or None (also for a link of another local
    government: a forged id finds nothing)."""
    return PostedLink.objects.filter(local_government=local_government, pk=pk).first()


def posted_link_ids(local_government: LocalGovernment | int) -> QuerySet:
    """The ids of ``local_government``'s posted links, as a subquery (``.model`` is
    ``PostedLink``): for the workspace's activity, which reads the audit rows about them."""
    return PostedLink.objects.filter(local_government=local_government).values("pk")
