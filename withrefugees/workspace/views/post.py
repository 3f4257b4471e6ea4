"""Step 2 in the workspace: the post kit (gate ``social.use_kit``).

Ready-made posts (``social.posts``) with the local government's name and public profile
address filled in, in Japanese or English (``?language=``, the page's language by default);
for each, a text box the officer edits, its length on each network (``social.counting``),
share links (``social.sharing``) and a copy button. With JavaScript the counts and share
links follow the typing (``static/js/post-kit.js`` with the ``WithRefugeesCounter`` bundle);
without it, "Check length" posts the texts back and the page shows the server's counts and
links for exactly what was typed. Nothing is saved: an edit is for one use, and a text
stays only in the officer's browser (and this one response).

Also links to the card image, QR code and poster of a signatory (``profiles``) and to the
page where officers record the addresses of their posts."""

from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import get_language, ngettext, ngettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from withrefugees.core.forms import AccessibleForm
from withrefugees.core.mail import absolute_url
from withrefugees.events import posts as event_posts
from withrefugees.pledges import posts as pledge_posts
from withrefugees.profiles.cards import card_url, is_signatory
from withrefugees.profiles.selectors import profile_for
from withrefugees.social import counting, posts, sharing

from ..access import workspace_required

#: The messages of the counts, shared by the server's page and the script (which fills in
#: ``%(n)s``, ``%(amount)s``, ``%(ja)s``, ``%(network)s``, ``%(list)s``, ``%(length)s``,
#: ``%(limit)s`` itself). ``<unit>_one``/``<unit>_other``: an amount of one unit (``AMOUNTS``),
#: for 1 and for other numbers (``amount``: the post languages' plural rule).
MESSAGES = {
    "fits": _("Fits"),
    "over": _("Too long: cut %(amount)s"),
    "over_x": _("Too long: cut %(amount)s (about %(ja)s)"),
    "forbidden": _("Remove < and >: YouTube does not accept them"),
    "summary_x": _("X: %(length)s of %(limit)s."),
    "summary_fits": _("Fits every network."),
    "summary_problems": _("Does not fit: %(list)s."),
    "item_over": _("%(network)s (cut %(amount)s)"),
    "item_forbidden": _("%(network)s (remove < and >)"),
    "separator": pgettext_lazy("between the items of a list", ", "),
    "too_long": _("Too long to count (more than %(max)s characters)."),
    "not_counted": _("Not counted: see the problem above the text box."),
    "copied": _("Copied. Paste it into your post."),
    "copy_failed": _("Could not copy. The text is selected: copy it with Ctrl+C (⌘+C on a "
                     "Mac), or press and hold it on a phone."),
    "leave": _("Your edits to the posts will be lost. Show the posts in the other language "
               "anyway?"),
}

#: The units of "cut N", singular and plural: X counts points (``counting.x_length``), the
#: YouTube description bytes (UTF-8), the other networks characters; ``ja_characters``:
#: the Japanese characters an X cut stands for (2 points each: twitter-text's weight).
AMOUNTS = {
    "points": ("%(n)s point", "%(n)s points"),
    "characters": ("%(n)s character", "%(n)s characters"),
    "bytes": ("%(n)s byte", "%(n)s bytes"),
    "ja_characters": ("%(n)s Japanese character", "%(n)s Japanese characters"),
}
# Marked for translation here (``ngettext`` reads them from AMOUNTS).
_AMOUNT_STRINGS = (
    ngettext_lazy("%(n)s point", "%(n)s points", "n"),
    ngettext_lazy("%(n)s character", "%(n)s characters", "n"),
    ngettext_lazy("%(n)s byte", "%(n)s bytes", "n"),
    ngettext_lazy("%(n)s Japanese character", "%(n)s Japanese characters", "n"),
)
#: The unit of each network's count (``counting.RULES``); others count characters.
UNIT_OF = {"x": "points", "youtube": "bytes"}

#: Rules of ``counting.RULES`` the kit does not show: the YouTube title (the post's first
#: line against 100 characters) is over on almost every post, which is not a video's text.
NOT_IN_KIT = frozenset({"youtube_title"})


def amount(unit: str, n: int) -> str:
    """``"65 points"``: ``n`` (written out) in ``unit`` (a key of ``AMOUNTS``)."""
    return ngettext(*AMOUNTS[unit], n) % {"n": number(n)}


def over_message(key: str, n: int) -> str:
    """"Too long: cut 65 points (about 33 Japanese characters)": the cut of ``n`` on the
    network ``key`` in its unit; on X also the Japanese characters it is (``n``/2 rounded
    up)."""
    unit = UNIT_OF.get(key, "characters")
    if key == "x":
        return MESSAGES["over_x"] % {"amount": amount(unit, n),
                                     "ja": amount("ja_characters", -(-n // 2))}
    return MESSAGES["over"] % {"amount": amount(unit, n)}


def amount_messages() -> dict[str, str]:
    """The ``AMOUNTS`` for the script, translated: ``<unit>_one`` and ``<unit>_other``."""
    messages = {}
    for unit, forms_ in AMOUNTS.items():
        messages[f"{unit}_one"] = ngettext(*forms_, 1)
        messages[f"{unit}_other"] = ngettext(*forms_, 2)
    return messages

LANGUAGE_CHOICES = [("ja", _("Japanese")), ("en", _("English"))]


def number(n: int) -> str:
    """``1,234``: as the script writes numbers (``toLocaleString("en-US")``)."""
    return f"{n:,}"


class PostLanguageForm(AccessibleForm):
    language = forms.ChoiceField(
        label=_("Language of the posts"), choices=LANGUAGE_CHOICES,
        help_text=_("Only the posts change language; this page stays as it is."))


#: The kit's own words for control characters (``AccessibleForm`` says the text "cannot be
#: stored"; the kit stores nothing).
CONTROL_MESSAGE = _("This text contained invisible control characters (such as a vertical "
                    "tab or a form feed), which social networks do not accept. They have "
                    "been removed from the box: check the text, then check its length again.")
#: The codes of ``core.validators.control_characters_refusal``.
CONTROL_CODES = frozenset({"null_characters", "control_characters"})


class PostTextsForm(AccessibleForm):
    """One text box per ready-made post (``text_<key>``), as typed: nothing is stripped.
    A text of more than ``counting.MAX_TEXT`` characters is refused (code
    ``post_text_too_long``) and shown again as it was; a text with control characters (NUL,
    VT, FF, NEL... : ``AccessibleForm``) is refused with ``CONTROL_MESSAGE`` (code
    ``post_text_control_characters``) and shown again without them."""

    def __init__(self, data=None, *, ready: list[posts.ReadyPost]):
        super().__init__(data)
        self.ready = ready
        for post in ready:
            self.fields[self.name_of(post)] = forms.CharField(
                label=_("Text of the post: %(about)s") % {"about": post.title},
                required=False, strip=False, initial=post.text,
                help_text=_("Edit it as you like, then copy it. Nothing you type here is "
                            "saved."),
                widget=forms.Textarea(attrs={"rows": 8, "lang": post.language,
                                             "data-post-text": post.key}))
        self._describe()

    @staticmethod
    def name_of(post: posts.ReadyPost) -> str:
        return f"text_{post.key}"

    def _describe(self) -> None:
        super()._describe()
        for post in getattr(self, "ready", []):
            attrs = self.fields[self.name_of(post)].widget.attrs
            attrs["aria-describedby"] = " ".join(filter(None, [
                attrs.get("aria-describedby"), f"post-{post.key}-summary"]))

    def _refuse_control_characters(self) -> None:
        super()._refuse_control_characters()
        for name in list(self._errors):
            if name in self.fields and any(error.code in CONTROL_CODES
                                           for error in self._errors[name].as_data()):
                del self._errors[name]
                self.add_error(name, ValidationError(CONTROL_MESSAGE,
                                                     code="post_text_control_characters"))

    def clean(self):
        data = super().clean()
        for name in self.fields:
            # Counted as the text box holds it (line breaks as one character), as the script does.
            value = counting.normalise_newlines(data.get(name) or "")
            if len(value) > counting.MAX_TEXT:
                self.add_error(name, ValidationError(
                    _("This text is too long to count: %(length)s characters, and the kit "
                      "counts up to %(max)s. Shorten it, then check its length again."),
                    code="post_text_too_long",
                    params={"length": number(len(value)), "max": number(counting.MAX_TEXT)}))
        return data

    def text(self, post: posts.ReadyPost) -> str:
        """The text of ``post`` as shown in its box (as typed, or as rendered)."""
        return self[self.name_of(post)].value() or ""


@dataclass(frozen=True)
class CountRow:
    """One network's line of the counts table (numbers already written out)."""

    key: str
    label: str
    length: str
    limit: int
    limit_shown: str
    unit: str
    unit_key: str
    fits: bool
    over: int
    forbidden: bool
    result: str


@dataclass
class KitSection:
    """One ready-made post on the page: the ``post``, its text box (``field``), its counts
    (empty when the text is refused), the one-line ``summary`` that describes the box,
    and its share links."""

    post: posts.ReadyPost
    field: forms.BoundField
    rows: list[CountRow] = field(default_factory=list)
    summary: str = ""
    share: list[sharing.ShareLink] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.post.key

    @property
    def heading(self) -> str:
        return capfirst(self.post.title)


def count_rows(text: str) -> tuple[list[CountRow], str]:
    """The counts table of ``text`` (``NOT_IN_KIT`` aside) and its summary line ("X: 120
    of 280. Fits every network." or every network of the table that does not fit). Raises
    ``counting.TooLong``."""
    rows, problems, x = [], [], None
    for c in counting.counts(text):
        if c.rule.key in NOT_IN_KIT:
            continue
        results = []
        if c.over:
            results.append(over_message(c.rule.key, c.over))
            problems.append(MESSAGES["item_over"] % {
                "network": c.rule.label,
                "amount": amount(UNIT_OF.get(c.rule.key, "characters"), c.over)})
        if c.forbidden:
            results.append(str(MESSAGES["forbidden"]))
            problems.append(MESSAGES["item_forbidden"] % {"network": c.rule.label})
        if c.rule.key == "x":
            x = c
        rows.append(CountRow(
            key=c.rule.key, label=str(c.rule.label), length=number(c.length),
            limit=c.rule.limit, limit_shown=number(c.rule.limit), unit=str(c.rule.unit),
            unit_key=UNIT_OF.get(c.rule.key, "characters"), fits=c.fits, over=c.over,
            forbidden=bool(c.forbidden),
            result=" ".join(results) if results else str(MESSAGES["fits"])))
    summary = [MESSAGES["summary_x"] % {"length": number(x.length),
                                        "limit": number(x.rule.limit)}] if x else []
    summary.append(MESSAGES["summary_problems"] % {"list": str(MESSAGES["separator"]).join(
        problems)} if problems else str(MESSAGES["summary_fits"]))
    return rows, " ".join(summary)


def extra_occasions(lg, language: str) -> list[posts.ExtraOccasion]:
    """Posts about the approved events (``events.posts.post_occasions``: coming, or held in
    the last days), then about the public pledges ``lg`` leads
    (``pledges.posts.post_occasions``: each links to the pledge's public page), in
    ``language``."""
    return [*event_posts.post_occasions(lg, language=language),
            *pledge_posts.post_occasions(lg, language=language)]


def post_name(lg, profile, language: str) -> str:
    """The name of ``lg`` in ``language`` as its public profile shows it: the officers'
    official name (unless hidden by staff), else the reference name in that language, else
    the official reference name."""
    return (profile.shown_localised("public_name", language, fallback=False)[0]
            or lg.localised("name", language, fallback=False, default=lg.name))


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_required("social.use_kit")
def post_kit(request: HttpRequest, lg) -> HttpResponse:
    """GET: the kit in ``?language=`` (``ja``/``en``; another value or none: the page's
    language). POST ("Check length"): the texts as typed (fields ``text_<key>``, in the
    ``language`` posted) with their counts and share links; a refused text comes back as
    typed with the reason (HTTP 400). Never saves anything."""
    page_language = posts.language_of(get_language() or "ja")
    source = request.POST if request.method == "POST" else request.GET
    asked = source.get("language", "")
    language = asked if asked in dict(LANGUAGE_CHOICES) else page_language

    profile = profile_for(lg)
    profile_url = absolute_url("profiles:profile", language=language, args=[lg.pk])
    mentions = posts.mentions_by_network()  # {network: "@a @b"}
    mentions_shown = mentions.get(posts.MENTION_NETWORK, "")  # what {mentions} gives
    ready = posts.ready_posts(language=language, name=post_name(lg, profile, language),
                              url=profile_url, extra_occasions=extra_occasions(lg, language),
                              mentions=mentions_shown.split())
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        for post in ready:  # a box missing from the POST shows the ready-made text
            data.setdefault(PostTextsForm.name_of(post), post.text)
    form = PostTextsForm(data, ready=ready)
    has_errors = form.is_bound and not form.is_valid()

    sections = []
    for post in ready:
        bound = form[PostTextsForm.name_of(post)]
        section = KitSection(post=post, field=bound)
        if not bound.errors:
            text = counting.normalise_newlines(form.text(post))
            section.rows, section.summary = count_rows(text)
            section.share = sharing.share_links(text, page_url=profile_url,
                                                mentions_shown=mentions_shown,
                                                mentions=mentions)
        else:
            section.summary = str(MESSAGES["not_counted"])
        sections.append(section)

    signed = is_signatory(lg)  # a published signature now (not one since withdrawn)
    with translation.override(language):
        images = {
            "card": card_url(lg, profile, signatory=True) if signed else "",
            "qr_svg": reverse("profiles:qr_svg", args=[lg.pk]),
            "qr_png": reverse("profiles:qr_png", args=[lg.pk]),
            "poster": reverse("profiles:poster", args=[lg.pk]),
        }
    return render(request, "workspace/post_kit.html", {
        "lg": lg, "workspace_page": "post", "form": form, "sections": sections,
        "language": language, "language_form": PostLanguageForm(initial={"language": language}),
        "language_name": dict(LANGUAGE_CHOICES)[language], "profile_url": profile_url,
        "signed": signed, "images": images, "has_errors": has_errors,
        "messages_js": {**MESSAGES, **amount_messages()}, "max_text": counting.MAX_TEXT,
        "mentions_shown": mentions_shown, "mentions": mentions,
        "edited": form.is_bound and any(
            counting.normalise_newlines(form.text(post)) != post.text for post in ready),
    }, status=400 if has_errors else 200)
