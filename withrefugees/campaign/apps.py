from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignConfig(AppConfig):
    name = "withrefugees.campaign"
    label = "campaign"
    verbose_name = _("Campaign: statement and signatures")
