from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """The officers' workspace of a local government: dashboard, profile form, officers
    and invitations, one's own account. Sits above the step apps and reads them through
    their selectors (like ``profiles``)."""

    name = "withrefugees.workspace"
    label = "workspace"
    verbose_name = _("Workspace")
