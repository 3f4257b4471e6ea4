from . import admin_posts  # noqa: F401, I001 (registers the ready-made posts' admin)

# Posted links in the admin: UNHCR staff read every local government's recorded posts
# (filter by network and hidden, search by address or local government) and hide one that
# breaks the campaign's rules, with a reason the officers read, or show it again. Both go
# through ``services.posted_link_hide``/``posted_link_show`` (audited, public pages
# refreshed); the admin never adds links or edits their address (officers record them in the
# workspace). Moderating needs the rule ``social.moderate_posted_link`` (staff with a second
# factor) and the model permission ``social.change_postedlink``.

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from withrefugees.accounts.rules import can
from withrefugees.core.admin import STATE_LABELS, AuditedAdminMixin

from . import services
from .models import PostedLink


# The audit rows of a posted link name its state ``shown`` or ``hidden`` (services.py); the
# audit history and the whole trail show these labels (``hidden`` is a boolean field, which
# has no choices to read them from).
STATE_LABELS[PostedLink] = {
    "shown": _("shown on the public profile"),
    "hidden": _("hidden by UNHCR"),
}


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it hidden?"), max_length=services.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Shown to the local government's officers next to the link, and kept in "
                    "the history."))


@admin.register(PostedLink)
class PostedLinkAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["local_government", "network", "url_link", "hidden", "hidden_reason",
                    "created_at"]
    list_filter = ["hidden", "network"]
    list_select_related = ["local_government__country", "local_government__region"]
    search_fields = ["url", "local_government__name", "local_government__name_en",
                     "local_government__reading", "local_government__jis_code"]
    date_hierarchy = "created_at"
    fields = ["local_government", "network", "url_link", "added_by", "created_at", "hidden",
              "hidden_reason"]
    readonly_fields = fields
    actions = ["hide_selected", "show_selected"]
    change_form_template = "admin/social/postedlink/change_form.html"
    audit_state_field = "hidden"

    # Officers record and remove links; staff only hide and show them.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_moderate_permission(self, request) -> bool:
        return (can(request.user, "social.moderate_posted_link")
                and request.user.has_perm("social.change_postedlink"))

    @admin.display(description=_("address (URL) of the post"), ordering="url")
    def url_link(self, link: PostedLink) -> str:
        return format_html('<a href="{}" rel="nofollow noopener noreferrer">{}</a>',
                           link.url, link.url)

    def get_urls(self):
        return [
            path("<int:pk>/hide/", self.admin_site.admin_view(self.hide_view),
                 name="social_postedlink_hide"),
            path("<int:pk>/show/", self.admin_site.admin_view(self.show_view),
                 name="social_postedlink_show"),
        ] + super().get_urls()

    def render_change_form(self, request, context, *args, **kwargs):
        context["can_moderate"] = self.has_moderate_permission(request)
        return super().render_change_form(request, context, *args, **kwargs)

    def _change_url(self, link: PostedLink) -> str:
        return reverse("admin:social_postedlink_change", args=[link.pk])

    def _moderate_page(self, request, links, *, form=None, action: str, single=None):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Hide posted links") if action == "hide" else _("Show posted links again"),
            "links": links, "form": form, "action": action, "single": single,
            "opts": self.opts, "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/social/postedlink/moderate.html", context)

    def hide_view(self, request, pk: int):
        """GET: the link and a reason to give. POST: hide it (``posted_link_hide``)."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        link = get_object_or_404(PostedLink.objects.select_related("local_government"), pk=pk)
        form = HideForm(request.POST or None, initial={"reason": link.hidden_reason})
        if request.method == "POST" and form.is_valid():
            if self._hide(request, [link], form):
                return HttpResponseRedirect(self._change_url(link))
        return self._moderate_page(request, [link], form=form, action="hide", single=link)

    def show_view(self, request, pk: int):
        """GET: asks. POST: show the link again (``posted_link_show``)."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        link = get_object_or_404(PostedLink.objects.select_related("local_government"), pk=pk)
        if request.method == "POST":
            self._show(request, [link])
            return HttpResponseRedirect(self._change_url(link))
        return self._moderate_page(request, [link], action="show", single=link)

    def _hide(self, request, links, form: HideForm) -> bool:
        done = 0
        for link in links:
            try:
                services.posted_link_hide(link=link, actor=request.user,
                                          reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                for error in exc.messages:
                    form.add_error("reason", error)
                return False
            except PostedLink.DoesNotExist:
                continue  # removed by its officers meanwhile
            done += 1
        self.message_user(request, ngettext("%(count)d link is now hidden.",
                                            "%(count)d links are now hidden.", done)
                          % {"count": done}, messages.SUCCESS)
        return True

    def _show(self, request, links) -> None:
        done = 0
        for link in links:
            try:
                services.posted_link_show(link=link, actor=request.user)
            except PostedLink.DoesNotExist:
                continue
            done += 1
        self.message_user(request, ngettext("%(count)d link is shown again.",
                                            "%(count)d links are shown again.", done)
                          % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Hide the selected links (give a reason)"),
                  permissions=["moderate"])
    def hide_selected(self, request, queryset):
        links = list(queryset.select_related("local_government"))
        form = HideForm(request.POST if request.POST.get("confirm") == "yes" else None)
        if form.is_bound and form.is_valid() and self._hide(request, links, form):
            return None  # back to the list
        return self._moderate_page(request, links, form=form, action="hide")

    @admin.action(description=_("Show the selected links again"), permissions=["moderate"])
    def show_selected(self, request, queryset):
        self._show(request, list(queryset.filter(hidden=True)))
