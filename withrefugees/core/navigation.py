"""The site's main navigation, defined once: ``MAIN_NAVIGATION`` lists its items in
order; ``base.html`` renders it with ``{% main_navigation %}`` (``core.templatetags.
navigation``). A later app adds its page here, never in a template.

Each item is a URL name (reversed in the current language) and a translated label; the
item whose address is the current page is marked ``aria-current="page"`` (WCAG 2.2
technique ARIA: the current page in a set of links).
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise


MAIN_NAVIGATION: tuple[NavItem, ...] = (
    NavItem("campaign:home", _("Home")),
    NavItem("campaign:sign", _("Sign the statement")),
    NavItem("campaign:directory", _("Signatories")),
    NavItem("campaign:map", _("Map")),
    NavItem("events:calendar", _("Events")),
    NavItem("pledges:browser", _("Pledges")),
    NavItem("campaign:statement", _("The statement")),
)


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str
    current: bool


def navigation_links(path: str | None, items: tuple[NavItem, ...] = MAIN_NAVIGATION
                     ) -> list[NavLink]:
    """``items`` as links for the active language; ``current`` is True for the item whose
    address equals ``path`` (the request's path, without query string; None: no page)."""
    links = []
    for item in items:
        url = reverse(item.url_name)
        links.append(NavLink(url=url, label=str(item.label), current=url == path))
    return links
