from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "withrefugees.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # The outbox handlers of allauth's mail (tasks) and of invitations (invitation_mail).
        from . import invitation_mail, signin, tasks  # noqa: F401
        from .adapter import connect_audit_signals

        signin.connect_signals()
        connect_audit_signals()
