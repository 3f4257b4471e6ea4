"""Pledges in the post kit (step 2's ``social.posts``): one ready-made ``pledge`` post per
public pledge of a local government (as lead: UNHCR approved it, ``PUBLIC_STATUSES``).

``post_occasions(local_government, language=…)`` gives ``social.posts.ExtraOccasion``s: key
``pledge-<pk>``, occasion ``pledge``, title the pledge's, and the values of the ``pledge``
placeholders: ``pledge_title`` (the title in the post's language, else the other) and
``url``: the absolute address of the pledge's public page (``pledges:pledge``) in the
post's language, in place of the profile's (an occasion's values come after the common
ones in ``social.posts.render``), so that the post links to the pledge itself. The
hashtags (``#WithRefugees``) come from the template, or are added by ``render``.

Which pledges: public ones led by the local government (a co-pledger's officers post
about it from the lead's page), the latest approved first, at most ``MAX_POSTS``. A draft,
one awaiting review or sent back is never offered: it is not public.
"""

from django.db.models import F
from django.utils import translation

from withrefugees.core.mail import absolute_url
from withrefugees.social.posts import ExtraOccasion, language_of

from .models import PUBLIC_STATUSES, Pledge

MAX_POSTS = 10


def post_pledges(local_government) -> list[Pledge]:
    """The pledges ``post_occasions`` offers (see the module docstring; one query)."""
    return list(Pledge.objects.filter(local_government=local_government,
                                      status__in=PUBLIC_STATUSES)
                .order_by(F("reviewed_at").desc(nulls_last=True), "-pk")[:MAX_POSTS])


def pledge_public_url(pledge: Pledge, language: str) -> str:
    """The absolute address of ``pledge``'s public page in ``language``."""
    return absolute_url("pledges:pledge", language=language, args=[pledge.pk])


def post_occasions(local_government, *, language: str | None = None) -> list[ExtraOccasion]:
    """One ``ExtraOccasion`` per pledge of ``post_pledges`` (see the module docstring), in
    ``language`` (default: the active one). One query."""
    language = language_of(language or translation.get_language() or "ja")
    occasions = []
    for pledge in post_pledges(local_government):
        title = pledge.localised("title", language)
        occasions.append(ExtraOccasion(
            key=f"pledge-{pledge.pk}", occasion="pledge", title=title,
            values={"pledge_title": title, "url": pledge_public_url(pledge, language)}))
    return occasions
