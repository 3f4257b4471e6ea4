"""Reads of the profile app: a local government's profile (saved or default) and the public
profile page, which shows every step through the step apps' selectors (the profile app
reads the step apps; step apps never import it)."""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from withrefugees.campaign import selectors as campaign_selectors
from withrefugees.core.models import CONTENT_LANGUAGES, Localised
from withrefugees.events import selectors as events_selectors
from withrefugees.places.models import LocalGovernment
from withrefugees.pledges import selectors as pledges_selectors
from withrefugees.social import selectors as social_selectors

from .models import HIDEABLE_FIELDS, Profile, SocialAccount


def profile_for(local_government: LocalGovernment) -> Profile:
    """The saved profile of ``local_government``, or an unsaved default ``Profile`` (all
    fields empty) when officers have not edited it yet. Uses the row already loaded by
    ``local_governments_with_profile`` when there is one."""
    try:
        profile = local_government.profile
    except Profile.DoesNotExist:
        profile = None
    return profile or Profile(local_government=local_government)


def hidden_field_labels(profile: Profile) -> list[str]:
    """How officers and staff read the fields staff hid on ``profile`` (translated labels,
    in the order of ``models.HIDEABLE_FIELDS``)."""
    return [str(label) for name, label in HIDEABLE_FIELDS.items()
            if profile.is_hidden(name)]


def local_governments_with_profile():
    """Local governments with their country, region, profile and the profile's social
    accounts loaded (two queries however many accounts there are)."""
    return LocalGovernment.objects.select_related("country", "region", "profile").prefetch_related(
        Prefetch("profile__social_accounts",
                 queryset=SocialAccount.objects.order_by("position", "pk")))




@dataclass(frozen=True)
class StepSection:
    """One step on the profile page: ``key`` (``sign``, ``post``, ``act``, ``pledge``),
    ``number`` (1–4), ``title``, ``status`` (``done`` or ``not_started``), the template that
    shows it and ``data``: what the step app's selector gave."""

    key: str
    number: int
    title: str | Promise
    status: str
    template: str
    data: object = None

    @property
    def done(self) -> bool:
        return self.status == "done"


@dataclass(frozen=True)
class Logo:
    """The logo as the page shows it: ``url``, ``width``/``height`` (pixels, or None) and
    ``alt`` (its text alternative in the reader's language, else the other one, with that
    language)."""

    url: str
    width: int | None
    height: int | None
    alt: Localised


@dataclass(frozen=True)
class SocialGroup:
    """The social media accounts of one ``owner`` (``SocialAccount.Owner``), with the
    group's ``title``."""

    owner: str
    title: str | Promise
    accounts: list[SocialAccount]


@dataclass(frozen=True)
class ProfilePage:
    """What the public profile page shows. ``name``: the official name in the reader's
    language (the officers', else the reference name); ``introduction`` in the reader's
    language or the other one; ``website``: the profile's, else the one given when signing;
    ``logo`` (or None); ``social_groups``: the local government's accounts, then its mayor's
    or governor's (groups without accounts left out); ``social_accounts``: all of them;
    ``is_signatory``: True when step 1 is done (only signatories' pages are indexed by
    search engines). Fields hidden by staff (``Profile.hidden_fields``) count as empty.
    Never personal data (email, contact person, department)."""

    local_government: LocalGovernment
    profile: Profile
    name: str
    introduction: Localised
    website: str
    social_accounts: list[SocialAccount]
    sections: list[StepSection] = field(default_factory=list)
    logo: Logo | None = None
    social_groups: list[SocialGroup] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The name with what tells same-name places apart (府中市（広島県）,
        Fuchu City (Hiroshima)), for the page title."""
        area = self.local_government.area_name
        if not area:
            return self.name
        ja = (get_language() or "ja").startswith("ja")
        return f"{self.name}（{area}）" if ja else f"{self.name} ({area})"

    @property
    def is_signatory(self) -> bool:
        return bool(self.sections) and self.sections[0].done


#: How many posted links the profile lists, the newest (24 posts took some 20 screens of a
#: phone, issue 8's review); how many more there are is said under them.
PROFILE_LIMIT = 10


@dataclass(frozen=True)
class PostSection:
    """Step 2 on the profile page, all empty unless the local government is a signatory
    now (step 1 done: a published signature; not once it is withdrawn): ``links``, the
    posted links the public sees (not hidden by staff), newest first, at most
    ``PROFILE_LIMIT`` (10); ``more``, how many older ones are not listed (0 or more); what
    visitors may share or print: ``card_url`` (the card image, "" while there is none),
    ``qr_svg_url``, ``qr_png_url``, ``poster_url``."""

    links: list = field(default_factory=list)
    more: int = 0
    card_url: str = ""
    qr_svg_url: str = ""
    qr_png_url: str = ""
    poster_url: str = ""

    @property
    def done(self) -> bool:
        return bool(self.links)


def post_section(local_government: LocalGovernment, profile: Profile, *,
                 signatory: bool) -> PostSection:
    """Step 2's section of ``local_government``'s profile page: empty when it is not a
    ``signatory`` (never signed, or its signature withdrawn: the public no longer sees its
    posts, which said it had signed). Reads the links (one query) only for a signatory, and
    not when ``local_government`` was loaded with the annotation
    ``has_public_posted_links`` False (``profile_page``). The card's address needs no query
    (``cards.card_url`` told that it is a signatory)."""
    if not signatory:
        return PostSection()
    links: list = []
    more = 0
    if getattr(local_government, "has_public_posted_links", True):
        # All visible links in one query (the count of the others needs no second one; a
        # local government records a few dozen at most), the newest PROFILE_LIMIT listed.
        links = social_selectors.public_posted_links(local_government, limit=None)
        more, links = max(len(links) - PROFILE_LIMIT, 0), links[:PROFILE_LIMIT]
    from . import cards  # (cards reads this module)

    pk = local_government.pk
    return PostSection(
        links=links, more=more,
        card_url=cards.card_url(local_government, profile, signatory=True),
        qr_svg_url=reverse("profiles:qr_svg", args=[pk]),
        qr_png_url=reverse("profiles:qr_png", args=[pk]),
        poster_url=reverse("profiles:poster", args=[pk]))


def profile_page(pk: int) -> ProfilePage:
    """The public profile page of the local government ``pk``, signatory or not (three
    queries whatever the profile holds; one more for a signature from the campaign's
    records, whose sources are read with it, one more when a signatory has posted links
    the public sees, however many, one more when it has public events, however many, and
    one more when it leads or joins public pledges, however many).
    Raises ``LocalGovernment.DoesNotExist`` for an unknown ``pk`` and for a place typed in
    by a signer (``source=submitted``) that has no published signature."""
    lg = (local_governments_with_profile()
          .annotate(has_public_posted_links=social_selectors.has_public_posted_links(),
                    has_public_events=events_selectors.has_public_events(),
                    has_public_pledges=pledges_selectors.has_public_pledges())
          .get(pk=pk))
    profile = profile_for(lg)
    language = (get_language() or CONTENT_LANGUAGES[0])[:2]
    sign = campaign_selectors.profile_section(lg)
    if lg.source == LocalGovernment.DataSource.SUBMITTED and sign.status != "done":
        # A place typed in by a signer is shown only once staff have published its
        # signature: until then its name is unreviewed text from anyone.
        raise LocalGovernment.DoesNotExist("a submitted place without a published signature")
    sections = [StepSection(key="sign", number=1, title=_("Sign"), status=sign.status,
                            template="profiles/sections/sign.html", data=sign)]
    post = post_section(lg, profile, signatory=sign.status == "done")
    sections.append(StepSection(key="post", number=2, title=_("Post"),
                                status="done" if post.done else "not_started",
                                template="profiles/sections/post.html", data=post))
    # Step 3: its public events (signatory or not: UNHCR approved each one), with the
    # landmarks it lit on World Refugee Day.
    act = events_selectors.local_government_events(lg)
    sections.append(StepSection(key="act", number=3, title=_("Act with UNHCR"),
                                status=act.status, template="profiles/sections/act.html",
                                data=act))
    # Step 4: the public pledges it leads or joins (UNHCR approved each one), with their
    # latest progress.
    pledge = pledges_selectors.local_government_pledges(lg)
    sections.append(StepSection(key="pledge", number=4, title=_("Pledge"),
                                status=pledge.status, template="profiles/sections/pledge.html",
                                data=pledge))
    groups = social_groups(profile)
    return ProfilePage(
        local_government=lg, profile=profile,
        name=profile.shown_localised("public_name", language, fallback=False)[0]
        or lg.display_name,
        introduction=Localised(*profile.shown_localised("introduction", language)),
        website=profile.shown("website") or sign.website,
        social_accounts=[account for group in groups for account in group.accounts],
        sections=sections,
        logo=_logo(profile, language),
        social_groups=groups,
    )


#: The groups of social media accounts, in the order shown, with the hideable key of each.
SOCIAL_GROUPS = (
    (SocialAccount.Owner.LOCAL_GOVERNMENT, "social_accounts_local_government",
     _("Social media of the local government")),
    (SocialAccount.Owner.HEAD, "social_accounts_head",
     _("Social media of the mayor or governor")),
)


def social_groups(profile: Profile) -> list[SocialGroup]:
    """The public's groups of ``profile``'s social accounts (see ``ProfilePage``): groups
    hidden by staff and groups without accounts are left out. Uses the prefetched accounts
    (no query for an unsaved profile)."""
    accounts = list(profile.social_accounts.all()) if profile.pk else []
    groups = []
    for owner, key, title in SOCIAL_GROUPS:
        mine = [a for a in accounts if a.owner == owner]
        if mine and not profile.is_hidden(key):
            groups.append(SocialGroup(owner=owner.value, title=title, accounts=mine))
    return groups


def _logo(profile: Profile, language: str) -> Logo | None:
    if not profile.logo or profile.is_hidden("logo"):
        return None
    return Logo(url=profile.logo.url, width=profile.logo_width, height=profile.logo_height,
                alt=Localised(*profile.localised_with_language("logo_alt", language)))
