"""Users in the admin: found by email, added with an email address and a password typed
twice, given roles (groups) and permissions on the change form.

Built on ``django.contrib.auth.admin.UserAdmin`` (password change page, permission
widgets) with forms for the email-based ``accounts.User``: one account per canonical
mailbox (``core.emails``), checked here so the form shows the error instead of the
database refusing the row.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from withrefugees.core.admin import AuditedAdminMixin
from withrefugees.core.emails import InvalidEmail, email_canonical, email_normalise
from withrefugees.core.services import staff_edit_password

from .models import User


class EmailFieldMixin:
    """``clean_email``: the normalised address, refused when another account has the same
    canonical mailbox (error code ``email_taken``) or mail cannot be sent to it
    (``invalid_email``)."""

    def clean_email(self) -> str:
        typed = self.cleaned_data.get("email", "")
        try:
            email = email_normalise(typed)
            canonical = email_canonical(email)
        except InvalidEmail as exc:
            raise forms.ValidationError(exc.messages[0], code="invalid_email") from exc
        others = User.objects.filter(email_canonical=canonical)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("An account with this email address already exists."), code="email_taken")
        return email


class UserCreationForm(EmailFieldMixin, BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserChangeForm(EmailFieldMixin, BaseUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    """Every change to an account (address, staff and superuser flags, groups, permissions,
    password) leaves an audit row; the password itself never enters the trail."""

    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ["email", "full_name", "is_staff", "is_superuser", "is_active",
                    "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "email_canonical", "full_name"]
    ordering = ["email_canonical"]
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ["groups", "user_permissions"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["full_name"]}),
        (_("Permissions"), {
            "fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"],
            "description": _("Give UNHCR staff a role by adding them to its group (e.g. "
                             "“UNHCR reviewers”) rather than single permissions."),
        }),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]

    def user_change_password(self, request, id, form_url=""):
        """Django's password page, with the change audited in the same transaction."""
        with transaction.atomic():
            user = self.get_object(request, unquote(id))
            before = user.password if user is not None else ""
            response = super().user_change_password(request, id, form_url)
            if user is not None and request.method == "POST":
                staff_edit_password(user=user, actor=request.user, before_hash=before)
        return response


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedAdminMixin, BaseGroupAdmin):
    """Roles (groups) and their permissions; every change is audited."""
