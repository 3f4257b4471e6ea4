"""The public profile of a local government, edited by its officers (and by staff with a
second factor): gate ``profiles.edit_profile``; saving through
``profiles.services.profile_update`` (checked again there, audited; the public pages are
invalidated after commit, so the profile shows the change at once)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from withrefugees.profiles.selectors import hidden_field_labels, profile_for
from withrefugees.profiles.services import profile_moderation_note, profile_update

from ..access import workspace_required
from ..forms_profile import HIDDEN_NOTE, ProfileForm, social_formsets


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_required("profiles.edit_profile")
def profile_edit(request: HttpRequest, lg) -> HttpResponse:
    """GET: the form with the saved profile. POST: validate the form and both groups of
    social accounts (a group whose rows were not posted at all keeps its accounts), save
    them in one ``profile_update`` call, then redirect back here with a message (400 and
    the form as typed when something is wrong; the logo file must be chosen again, which
    the page says). Any local government id in the POST is ignored: ``lg`` comes from the
    URL and the gate."""
    profile = profile_for(lg)
    data = request.POST if request.method == "POST" else None
    form = ProfileForm(data, request.FILES if data is not None else None, profile=profile)
    groups = social_formsets(profile, data)
    other_errors: list[str] = []
    if data is not None:
        valid = form.is_valid()
        valid = all([valid, *(g["formset"].is_valid() for g in groups if g["submitted"])])
        if valid:
            cleaned = form.cleaned_data
            fields = {name: cleaned[name] for name in (
                "public_name_ja", "public_name_en", "website", "logo_alt_ja", "logo_alt_en",
                "introduction_ja", "introduction_en")}
            if cleaned.get("logo"):
                fields["logo"] = cleaned["logo"]
            elif cleaned.get("logo_remove"):
                fields["logo"] = None
            if any(g["submitted"] for g in groups):
                fields["social_accounts"] = [
                    account for g in groups
                    for account in (g["formset"].accounts(g["owner"]) if g["submitted"]
                                    else g["saved"])]
            try:
                profile_update(local_government=lg, actor=request.user, **fields)
            except ValidationError as exc:
                other_errors = form.add_service_errors(exc)
            else:
                messages.success(request, _("The public profile has been saved. It shows the "
                                            "changes now."))
                return redirect("workspace:profile", lg.pk)
    has_errors = data is not None and bool(
        form.errors or other_errors
        or any(g["submitted"] and g["formset"].total_error_count() for g in groups))
    uploaded = request.FILES.get("logo") if has_errors else None
    if uploaded:
        # The note "choose the file again" describes the file input too.
        attrs = form.fields["logo"].widget.attrs
        attrs["aria-describedby"] = " ".join(
            filter(None, [attrs.get("aria-describedby"), f"{form['logo'].auto_id}_again"]))
    hidden = hidden_field_labels(profile)
    return render(request, "workspace/profile_edit.html", {
        "lg": lg, "workspace_page": "profile", "profile": profile, "form": form,
        "social_groups": groups, "formsets": [g["formset"] for g in groups],
        "other_errors": other_errors, "has_errors": has_errors,
        "uploaded_name": uploaded.name[:100] if uploaded else "",
        "hidden_labels": hidden, "moderation_note": profile_moderation_note(profile),
        "logo_alt": profile.localised_with_language("logo_alt") if profile.logo else None,
        "logo_hidden": profile.is_hidden("logo"), "hidden_note": HIDDEN_NOTE,
        "preview_size": _preview_size(profile),
    }, status=400 if has_errors else 200)


def _preview_size(profile, side: int = 200) -> tuple[int, int] | None:
    """The current logo's size scaled down to fit ``side`` pixels (for its preview)."""
    width, height = profile.logo_width, profile.logo_height
    if not (profile.logo and width and height):
        return None
    scale = min(1.0, side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))
