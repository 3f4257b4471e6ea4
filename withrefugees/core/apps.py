from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "withrefugees.core"
    label = "core"
    verbose_name = _("Audit")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from .staticfiles import extend_ignore_patterns

        extend_ignore_patterns()
