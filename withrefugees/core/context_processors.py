"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url


def site(request: HttpRequest) -> dict:
    """The campaign contact address and, for the language switch, this page's address in
    each language (``[(code, name in that language, url)]``)."""
    path = request.get_full_path()
    names = {"ja": "日本語", "en": "English"}
    return {
        "CAMPAIGN_CONTACT_EMAIL": settings.CAMPAIGN_CONTACT_EMAIL,
        "language_links": [(code, names.get(code, code), translate_url(path, code))
                           for code, _name in settings.LANGUAGES],
    }
