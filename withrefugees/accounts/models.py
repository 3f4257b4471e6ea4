"""The user model: one account per canonical mailbox, signing in with the email address.

Django advises a custom user model from the start ("Using a custom user model when
starting a project", Django 5.2 docs, auth/customizing): here the email address is the
identifier for officers, UNHCR staff and superusers alike.
"""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from withrefugees.core.emails import email_canonical, email_normalise


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
