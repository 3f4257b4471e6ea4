"""``{% main_navigation %}``: the main navigation of ``core.navigation``."""

from django import template

from withrefugees.core.navigation import navigation_links

register = template.Library()


@register.inclusion_tag("core/navigation.html", takes_context=True)
def main_navigation(context) -> dict:
    """The ``<nav>`` with the main navigation items; the current page gets
    ``aria-current="page"`` (needs ``request`` in the context; without it none does)."""
    request = context.get("request")
    return {"links": navigation_links(getattr(request, "path", None))}
