"""Users in the admin: found by email, added with an email address and a password typed
twice, given roles (groups) and permissions on the change form.

Built on ``django.contrib.auth.admin.UserAdmin`` (password change page, permission
widgets) with forms for the email-based ``accounts.User``: one account per canonical
mailbox (``core.emails``), checked here so the form shows the error instead of the
database refusing the row.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from withrefugees.core.admin import AuditedAdminMixin
from withrefugees.core.emails import InvalidEmail, email_canonical, email_normalise
from withrefugees.core.services import staff_edit_password

from . import invitation_mail  # noqa: F401 (its outbox handler, in every process)
from .models import Invitation, Membership, User
from .rules import can
from .services import (
    AlreadyOfficer,
    InvitationRevoked,
    InvitationUsed,
    LastOfficer,
    NotAllowed,
    invitation_create,
    invitation_revoke,
    membership_add,
    membership_remove,
)


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

    def get_actions(self, request):
        """No bulk delete: each account is deleted through ``account_delete``."""
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        """Django's confirmation page; the deletion itself is ``accounts.services.
        account_delete`` (the last officer of a local government is refused with the
        reason; the address leaves the trail)."""
        from withrefugees.core.errors import ServiceError

        from .services import account_delete

        user = self.get_object(request, unquote(object_id))
        if request.method == "POST" and user is not None and self.has_delete_permission(
                request, user):
            try:
                account_delete(user=user, actor=request.user)
            except ServiceError as exc:
                self.message_user(request, str(exc.message), messages.ERROR)
                return redirect("admin:accounts_user_change", user.pk)
            self.message_user(request, _("The account was deleted."), messages.SUCCESS)
            return redirect("admin:accounts_user_changelist")
        return super().delete_view(request, object_id, extra_context)

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


# --- Officers of local governments and invitations ------------------------------------------
# Staff add or remove officers and invite people here; every change goes through
# ``accounts.services`` (audited, the last-officer rule kept), never a bare save or delete.


class OfficersRuleMixin:
    """Who may see and use these admin pages: the rule ``accounts.manage_officers`` (staff
    with a second factor), the same rule the services ask, rather than model
    permissions (a reviewer manages officers too)."""

    def _allowed(self, request, obj=None) -> bool:
        return can(request.user, "accounts.manage_officers",
                   getattr(obj, "local_government", None))

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return False  # never edited: removed and added, withdrawn and sent again


class MembershipAddForm(forms.ModelForm):
    """The account by its email address (any spelling of the mailbox: ``core.emails``)
    and the local government (autocomplete)."""

    user_email = forms.CharField(
        label=_("Email address of the account"), max_length=254,
        help_text=_("The person must have an account. Someone without one: send an "
                    "invitation instead (Invitations → Add)."))

    class Meta:
        model = Membership
        fields = ["local_government"]

    def clean_user_email(self):
        typed = self.cleaned_data.get("user_email", "")
        try:
            canonical = email_canonical(typed)
        except InvalidEmail as exc:
            raise forms.ValidationError(exc.messages[0], code=exc.code) from exc
        found = User.objects.filter(email_canonical=canonical).first()
        if found is None:
            raise forms.ValidationError(
                _("No account has this email address. Send an invitation instead."),
                code="no_such_account")
        self.instance.user = found
        return typed

    def clean(self):
        cleaned = super().clean()
        lg = cleaned.get("local_government")
        user = getattr(self.instance, "user", None) if "user_email" in cleaned else None
        if lg and user and Membership.objects.filter(user=user, local_government=lg).exists():
            self.add_error("user_email", forms.ValidationError(AlreadyOfficer.message,
                                                               code=AlreadyOfficer.code))
        return cleaned


@admin.register(Membership)
class MembershipAdmin(OfficersRuleMixin, admin.ModelAdmin):
    """Add an officer (the account by its email address, the local government, both with
    autocomplete: ``membership_add``) or remove one (``membership_remove``: refused for
    the last officer of a local government). A membership itself is never edited."""

    form = MembershipAddForm
    list_display = ["user", "user_name", "local_government", "created_at", "added_by"]
    list_select_related = ["user", "added_by", "local_government__region",
                           "local_government__country"]
    search_fields = ["user__email", "user__full_name", "local_government__name",
                     "local_government__name_en", "local_government__jis_code"]
    autocomplete_fields = ["local_government"]
    ordering = ["local_government__name", "created_at"]
    actions = ["remove_officers"]

    @admin.display(description=_("name"), ordering="user__full_name")
    def user_name(self, membership: Membership) -> str:
        return membership.user.full_name

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(
            "user", "added_by", "local_government__region", "local_government__country")

    def get_readonly_fields(self, request, obj=None):
        return ["user", "local_government", "created_at", "added_by"] if obj else []

    def get_fields(self, request, obj=None):
        return ["user", "local_government", "created_at", "added_by"] if obj else \
            ["user_email", "local_government"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        if change:  # never: has_change_permission is False
            raise PermissionDenied
        try:
            membership = membership_add(user=obj.user, local_government=obj.local_government,
                                        actor=request.user)
        except (AlreadyOfficer, NotAllowed) as exc:
            raise PermissionDenied(str(exc.message)) from exc
        obj.pk, obj.created_at, obj.added_by = (membership.pk, membership.created_at,
                                                membership.added_by)

    def delete_view(self, request, object_id, extra_context=None):
        """Django's confirmation page; the removal itself is ``membership_remove``."""
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and request.method == "POST" and \
                self.has_delete_permission(request, obj):
            try:
                membership_remove(membership=obj, actor=request.user)
            except (LastOfficer, NotAllowed) as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return redirect("admin:accounts_membership_change", obj.pk)
            except Membership.DoesNotExist:
                pass
            self.message_user(request, _("%(officer)s was removed.") % {"officer": obj},
                              messages.SUCCESS)
            return redirect("admin:accounts_membership_changelist")
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        membership_remove(membership=obj, actor=request.user)

    @admin.action(description=_("Remove the selected officers"), permissions=["delete"])
    def remove_officers(self, request, queryset):
        removed = 0
        for membership in queryset.select_related("user", "local_government"):
            try:
                membership_remove(membership=membership, actor=request.user)
                removed += 1
            except (LastOfficer, NotAllowed) as exc:
                self.message_user(request, f"{membership}: {exc.message}", messages.ERROR)
            except Membership.DoesNotExist:
                pass
        if removed:
            self.message_user(request, ngettext("%(count)d officer removed.",
                                                "%(count)d officers removed.", removed)
                              % {"count": removed}, messages.SUCCESS)


class InvitationAddForm(forms.ModelForm):
    """Address and local government of a new invitation, checked as the service checks
    them (an address mail can be sent to; not already an officer)."""

    language = forms.ChoiceField(label=_("language"), choices=settings.LANGUAGES,
                                 initial=settings.LANGUAGE_CODE)

    class Meta:
        model = Invitation
        fields = ["local_government", "email", "language"]

    def clean_email(self) -> str:
        try:
            email = email_normalise(self.cleaned_data.get("email", ""))
            email_canonical(email)
        except InvalidEmail as exc:
            raise forms.ValidationError(exc.messages[0], code=exc.code) from exc
        return email

    def clean(self):
        cleaned = super().clean()
        email, lg = cleaned.get("email"), cleaned.get("local_government")
        if email and lg and Membership.objects.filter(
                local_government=lg, user__email_canonical=email_canonical(email)).exists():
            self.add_error("email", forms.ValidationError(AlreadyOfficer.message,
                                                          code=AlreadyOfficer.code))
        return cleaned


@admin.register(Invitation)
class InvitationAdmin(OfficersRuleMixin, admin.ModelAdmin):
    """Invitations: list and filter by status; staff invite someone (``invitation_create``:
    the email with the link is sent) and withdraw pending ones (``invitation_revoke``).
    An invitation is never edited or deleted (its history stays)."""

    form = InvitationAddForm
    list_display = ["email", "local_government", "status", "invited_by", "created_at",
                    "expires_at", "accepted_at"]
    list_filter = ["status", "language"]
    list_select_related = ["local_government__region", "local_government__country",
                           "invited_by"]
    search_fields = ["email", "email_canonical", "local_government__name",
                     "local_government__name_en"]
    autocomplete_fields = ["local_government"]
    date_hierarchy = "created_at"
    actions = ["revoke_invitations"]
    shown = ["email", "local_government", "language", "status", "invited_by", "created_at",
             "expires_at", "accepted_at", "accepted_by", "revoked_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(
            "local_government__region", "local_government__country", "invited_by",
            "accepted_by")

    def get_fields(self, request, obj=None):
        return self.shown if obj else ["local_government", "email", "language"]

    def get_readonly_fields(self, request, obj=None):
        return self.shown if obj else []

    def has_delete_permission(self, request, obj=None):
        return False  # withdrawn instead (the action), so that its history stays

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_revoke_permission(self, request) -> bool:
        return self._allowed(request)

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied
        try:
            invitation = invitation_create(
                local_government=obj.local_government, email=obj.email,
                language=form.cleaned_data["language"], invited_by=request.user)
        except (AlreadyOfficer, NotAllowed) as exc:  # an officer added meanwhile
            raise PermissionDenied(str(exc.message)) from exc
        obj.pk = invitation.pk
        for name in ("email", "email_canonical", "language", "status", "created_at",
                     "expires_at", "token_hash"):
            setattr(obj, name, getattr(invitation, name))

    @admin.action(description=_("Withdraw the selected invitations"),
                  permissions=["revoke"])
    def revoke_invitations(self, request, queryset):
        revoked = 0
        for invitation in queryset.filter(status=Invitation.Status.PENDING):
            try:
                invitation_revoke(invitation=invitation, actor=request.user)
                revoked += 1
            except (InvitationUsed, InvitationRevoked, NotAllowed) as exc:
                self.message_user(request, f"{invitation}: {exc.message}", messages.ERROR)
        self.message_user(request, ngettext("%(count)d invitation withdrawn.",
                                            "%(count)d invitations withdrawn.", revoked)
                          % {"count": revoked}, messages.SUCCESS)
