"""The user model: one account per canonical mailbox, signing in with the email address.

Django advises a custom user model from the start ("Using a custom user model when
starting a project", Django 5.2 docs, auth/customizing): here the email address is the
identifier for officers, UNHCR staff and superusers alike.
"""

import hashlib

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from withrefugees.core.emails import email_canonical, email_canonical_lenient, email_normalise


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username: str) -> "User":
        """Sign-in by any spelling of the mailbox (``Hanako@Example.JP`` finds the account
        of ``hanako@example.jp``). Raises ``User.DoesNotExist``."""
        try:
            canonical = email_canonical(username)
        except Exception as exc:  # not an address at all: no such user
            raise self.model.DoesNotExist from exc
        return self.get(email_canonical=canonical)

    def _create(self, email: str, password: str | None, **extra) -> "User":
        user = self.model(email=email, **extra)
        user.set_password(password) if password else user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: ``email`` as typed (normalised), unique by its canonical
    mailbox ``email_canonical`` (``core.emails``)."""

    email = models.EmailField(_("email address"), max_length=254, unique=True)
    email_canonical = models.CharField(_("canonical mailbox"), max_length=254, unique=True,
                                       editable=False)
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    is_staff = models.BooleanField(
        _("UNHCR staff"), default=False,
        help_text=_("Staff review and moderate the campaign's records in the admin."))
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email_canonical"]

    def __str__(self) -> str:
        return self.email

    def clean(self):
        super().clean()
        self.email = email_normalise(self.email)

    def save(self, *args, **kwargs):
        self.email = email_normalise(self.email)
        self.email_canonical = email_canonical(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name or self.email.partition("@")[0]


class Membership(models.Model):
    """An officer of a local government: ``user`` may read and edit that local government's
    records (``accounts.rules``). One person may belong to several local governments (a
    prefecture and a city in it). Written only by ``accounts.services`` (audited); a local
    government keeps at least one officer while officers act (``membership_remove``)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships",
                             verbose_name=_("officer"))
    local_government = models.ForeignKey("places.LocalGovernment", on_delete=models.CASCADE,
                                         related_name="memberships",
                                         verbose_name=_("local government"))
    added_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("added by"))
    created_at = models.DateTimeField(_("member since"), default=timezone.now)

    class Meta:
        verbose_name = _("officer of a local government")
        verbose_name_plural = _("officers of local governments")
        ordering = ["local_government", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "local_government"],
                                    name="membership_unique_user_local_government"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.local_government}"


def token_hash(token: str) -> str:
    """SHA-256 (hex) of an invitation token, as ``Invitation.token_hash`` stores it."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class Invitation(models.Model):
    """An emailed invitation to become an officer of a local government, accepted after
    signing in with the invited address (``accounts.services.invitation_accept``).

    ``token_hash``: SHA-256 (hex) of the random token in the emailed link; the token itself
    is never stored. ``invited_by`` is empty when the platform invited (the contact of a
    signature that staff published). Pending until ``expires_at``; accepted or revoked once.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        REVOKED = "revoked", _("revoked")

    local_government = models.ForeignKey("places.LocalGovernment", on_delete=models.CASCADE,
                                         related_name="invitations",
                                         verbose_name=_("local government"))
    email = models.EmailField(_("email address"), max_length=254)
    email_canonical = models.CharField(_("canonical mailbox"), max_length=254,
                                       editable=False)
    language = models.CharField(_("language"), max_length=8, default="ja")
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("invited by"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("accepted by"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["pending", "accepted",
                                                                   "revoked"]),
                                   name="invitation_status_valid"),
            models.CheckConstraint(
                condition=~models.Q(status="accepted") | models.Q(accepted_at__isnull=False),
                name="accepted_invitation_has_accepted_at"),
            models.UniqueConstraint(fields=["local_government", "email_canonical"],
                                    condition=models.Q(status="pending"),
                                    name="one_pending_invitation_per_mailbox"),
        ]
        # The pending invitations of one mailbox, whatever the local government (sign-in:
        # ``services.account_for_invited_address``; "my account": invitations to me).
        indexes = [models.Index(fields=["email_canonical", "status"],
                                name="invitation_mailbox_status")]

    def __str__(self) -> str:
        return f"{self.email} → {self.local_government}"

    def save(self, *args, **kwargs):
        self.email_canonical = email_canonical_lenient(self.email)
        super().save(*args, **kwargs)

    @property
    def expired(self) -> bool:
        return self.status == self.Status.PENDING and self.expires_at <= timezone.now()
