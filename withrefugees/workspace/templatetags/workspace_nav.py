"""The local government switcher of workspace pages: ``{% load workspace_nav %}
{% workspace_switcher %}`` lists the other local governments the signed-in person is an
officer of (nothing when there is only one), the current one (``lg`` in the context) marked
``aria-current``."""

from django import template

from withrefugees.accounts.rules import officer_local_government_ids

from ..selectors import officer_local_governments

register = template.Library()


@register.inclusion_tag("workspace/switcher.html", takes_context=True)
def workspace_switcher(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    current = context.get("lg")
    ids = officer_local_government_ids(user) if user is not None else frozenset()
    if len(ids) < 2:  # no query: the ids are cached on the user by the gate's rule
        return {"switch_to": [], "current": current}
    return {"switch_to": officer_local_governments(user), "current": current}
