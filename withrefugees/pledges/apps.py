from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    """Step 4 (Pledge): pledges of local governments to the Global Compact on Refugees, the
    builder and its checklist, Word and PDF documents, UNHCR's review, the email to the GCR
    mailbox, progress reports with reminders, the public pledge browser and staff exports."""

    name = "withrefugees.pledges"
    label = "pledges"
    verbose_name = _("Step 4: pledges")

