"""State of step 2 (Post).

- ``PostTemplate``: the text of a ready-made post for one occasion in one language, edited by
  staff in the admin; placeholders are filled in per local government (``posts.render``).
- ``Mention``: an account of UNHCR in Japan that ready-made posts may mention (staff choose
  which, and in what order).
- ``PostedLink``: the address (URL) of a post a local government made, recorded by one of its
  officers; the network is recognised from the URL (``links.recognise``); staff may hide it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from withrefugees.core.models import TimeStampedModel
from withrefugees.places.models import LocalGovernment


class Network(models.TextChoices):
    """The networks of step 2 (the same values as ``profiles.SocialAccount.Network``)."""

    X = "x", "X"
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    YOUTUBE = "youtube", "YouTube"
    LINE = "line", "LINE"
    BLUESKY = "bluesky", "Bluesky"
    THREADS = "threads", "Threads"
    MASTODON = "mastodon", "Mastodon"
    LINKEDIN = "linkedin", "LinkedIn"


class Occasion(models.TextChoices):
    """What a ready-made post is about. ``event`` and ``pledge`` posts are offered per
    approved event and per pledge once steps 3 and 4 provide them."""

    JOINING = "joining", _("joining the campaign")
    WORLD_REFUGEE_DAY = "world_refugee_day", _("World Refugee Day")
    EVENT = "event", _("an event")
    PLEDGE = "pledge", _("a pledge")


class Language(models.TextChoices):
    JA = "ja", _("Japanese")
    EN = "en", _("English")


class PostTemplate(TimeStampedModel):
    """One ready-made post: ``occasion`` × ``language`` (one each), ``body`` with
    placeholders (``posts.PLACEHOLDERS``: ``{name}``, ``{url}``, ``{hashtags}``,
    ``{mentions}``, and per occasion ``{event_title}``, ``{event_date}``,
    ``{pledge_title}``)."""

    occasion = models.CharField(_("occasion"), max_length=30, choices=Occasion.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    body = models.TextField(_("text"), max_length=4000)

    class Meta:
        verbose_name = _("ready-made post")
        verbose_name_plural = _("ready-made posts")
        ordering = ["occasion", "language"]
        constraints = [
            models.UniqueConstraint(fields=["occasion", "language"],
                                    name="post_template_one_per_occasion_language"),
            models.CheckConstraint(condition=Q(occasion__in=[c.value for c in Occasion]),
                                   name="post_template_occasion_valid"),
            models.CheckConstraint(condition=Q(language__in=["ja", "en"]),
                                   name="post_template_language_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_occasion_display()} ({self.language})"


class Mention(models.Model):
    """An account of UNHCR that ready-made posts mention when ``included``: ``handle`` as
    typed in a post (e.g. ``@UNHCR_Japan``), on ``network``; ``position`` orders them."""

    network = models.CharField(_("network"), max_length=20, choices=Network.choices)
    handle = models.CharField(_("account name"), max_length=100,
                              help_text=_("As written in a post, e.g. @UNHCR_Japan."))
    label = models.CharField(_("whose account"), max_length=200, blank=True)
    included = models.BooleanField(_("mention in ready-made posts"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("UNHCR account to mention")
        verbose_name_plural = _("UNHCR accounts to mention")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["network", "handle"],
                                    name="mention_unique_handle_per_network"),
            models.CheckConstraint(condition=Q(network__in=[c.value for c in Network]),
                                   name="mention_network_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.handle} ({self.get_network_display()})"


class PostedLink(TimeStampedModel):
    """The address of a post a local government made with #WithRefugees. ``url`` as
    normalised by ``links.recognise``, ``network`` as recognised from it, ``post_key`` the
    post's identity (``links.Recognised.post_key``: the same for every address of one post,
    e.g. ``x:<status id>``), each unique per local government, so a post is recorded once;
    ``hidden`` by staff (with a reason) keeps it off public pages."""

    local_government = models.ForeignKey(LocalGovernment, on_delete=models.CASCADE,
                                         related_name="posted_links",
                                         verbose_name=_("local government"))
    url = models.URLField(_("address (URL) of the post"), max_length=500)
    network = models.CharField(_("network"), max_length=20, choices=Network.choices)
    # links.POST_KEY_MAX_LENGTH (not imported: links imports this module).
    post_key = models.CharField(_("identity of the post"), max_length=550, editable=False)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+",
                                 verbose_name=_("recorded by"))
    hidden = models.BooleanField(_("hidden by UNHCR"), default=False)
    hidden_reason = models.CharField(_("why it is hidden"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("posted link")
        verbose_name_plural = _("posted links")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["local_government", "url"],
                                    name="posted_link_unique_per_local_government"),
            models.UniqueConstraint(fields=["local_government", "post_key"],
                                    name="posted_link_one_per_post"),
            models.CheckConstraint(condition=Q(network__in=[c.value for c in Network]),
                                   name="posted_link_network_valid"),
            models.CheckConstraint(condition=Q(hidden=False) | ~Q(hidden_reason=""),
                                   name="posted_link_hidden_has_reason"),
        ]
        indexes = [models.Index(fields=["local_government", "hidden", "-created_at"],
                                name="posted_link_public_list")]

    def __str__(self) -> str:
        return self.url
