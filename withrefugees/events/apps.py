from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Step 3 (Act with UNHCR): events of local governments (World Refugee Day light-ups of
    landmarks, photo exhibitions, film screenings, forums, events for young people), their
    review by UNHCR staff, the public calendar and World Refugee Day pages, iCalendar feeds,
    support requests to UNHCR, reminders before World Refugee Day and staff exports."""

    name = "withrefugees.events"
    label = "events"
    verbose_name = _("Step 3: events")
