"""``manage.py load_campaign_data``: statement v1, the brochure's participants, reasons."""

from django.core.management.base import BaseCommand

from withrefugees.campaign.seed import campaign_seed_load


class Command(BaseCommand):
    help = "Load the campaign's own records (idempotent)."

    def handle(self, *args, **options):
        created = campaign_seed_load()
        self.stdout.write("campaign data: " + ", ".join(f"{k} +{v}" for k, v in created.items()))
