"""Step 2 in the workspace: the addresses (URLs) of the posts a local government made. Its
officers (and staff with a second factor) record one (the network is recognised from the
address; a refused address is shown again with the reason), see the list with what staff
hid and why, and remove one after confirming it.

Every write goes through ``social.services``; a link id in the URL is looked up within the
local government of the URL (``social.selectors.posted_link_of``), so another local
government's link gives 404 and is never acted on."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from withrefugees.core.forms import AccessibleForm
from withrefugees.social import selectors, services
from withrefugees.social.links import MESSAGES

from ..access import workspace_required


class PostedLinkForm(AccessibleForm):
    """``url``: the address as typed or pasted (checked by ``social.links.recognise``
    through the service, whose refusals ``add_refusal`` shows on the field). No
    ``max_length`` here: ``recognise`` refuses any address over ``links.MAX_LENGTH`` with one
    message (code ``too_long``, saying the length), and the browser cuts nothing off a
    pasted address (the request's size is bounded by ``DATA_UPLOAD_MAX_MEMORY_SIZE``)."""

    url = forms.CharField(
        label=gettext_lazy("Address (URL) of the post"), strip=False,
        help_text=gettext_lazy(
            "Open your post on the network, choose “Copy link” (or copy the address bar) "
            "and paste it here, e.g. https://x.com/your_city/status/1234567890. Posts on X, "
            "Facebook, Instagram, YouTube, LINE, Bluesky, Threads, LinkedIn and well-known "
            "Mastodon servers can be recorded."),
        error_messages={"required": MESSAGES["empty"]},
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                     "inputmode": "url", "class": "posted-links-input"}))

    def add_refusal(self, error: ValidationError) -> None:
        """Show the service's refusal on the field, with its code."""
        self.add_error("url", error)
        self._describe()


def _page(request: HttpRequest, lg, form: PostedLinkForm, *, status: int = 200) -> HttpResponse:
    return render(request, "workspace/posted_links.html", {
        "lg": lg, "workspace_page": "posted_links", "form": form,
        "links": selectors.officer_posted_links(lg),
        "counts": selectors.posted_link_counts(lg),
    }, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_required("social.record_posted_link")
def posted_links(request: HttpRequest, *, lg) -> HttpResponse:
    """GET: the form and the local government's posted links, newest first, hidden ones with
    the reason staff gave. POST: record the address typed (``posted_link_add``), then back
    here with a message; a refused address (unknown site, an account's page rather than a
    post, already recorded ...) is shown on the field with what was typed (HTTP 400)."""
    form = PostedLinkForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            link = services.posted_link_add(local_government=lg, url=form.cleaned_data["url"],
                                            actor=request.user)
        except ValidationError as exc:
            form.add_refusal(exc)
        else:
            messages.success(request, _("Your post on %(network)s has been recorded. It is "
                                        "listed on your public profile.")
                             % {"network": link.get_network_display()})
            return redirect("workspace:posted_links", lg.pk)
    return _page(request, lg, form, status=400 if form.is_bound else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_required("social.record_posted_link")
def posted_link_remove(request: HttpRequest, link_pk: int, *, lg) -> HttpResponse:
    """GET (or a POST without ``confirm=yes``): a page that asks, with the link. POST with
    ``confirm=yes``: remove it (``posted_link_remove``), then the list with a message. A link
    of another local government, or one already removed: 404."""
    link = selectors.posted_link_of(lg, link_pk)
    if link is None:
        raise Http404("No such posted link here.")
    if request.method != "POST" or request.POST.get("confirm") != "yes":
        return render(request, "workspace/posted_link_remove.html", {
            "lg": lg, "workspace_page": "posted_links", "link": link})
    try:
        services.posted_link_remove(link=link, actor=request.user)
    except ObjectDoesNotExist:
        messages.info(request, _("This link had already been removed."))
    else:
        messages.success(request, _("The link to your post on %(network)s has been removed "
                                    "from your list and from the public profile.")
                         % {"network": link.get_network_display()})
    return redirect("workspace:posted_links", lg.pk)
