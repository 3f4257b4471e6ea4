"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import translation

LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}


def language_switch_url(request: HttpRequest, language: str) -> str:
    """This page's address in ``language``, built only from the URL pattern the request
    resolved to (its name and arguments) and the re-encoded query string, never from the
    raw path: a path that resolves to nothing, or to no named page, links to the home page
    of ``language`` (``/en/``). So ``//evil.example/`` cannot become a link off the site."""
    home = f"/{language}/"
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return home
    if not match.url_name:
        return home
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with translation.override(language):
        try:
            url = reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return home
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


def site(request: HttpRequest) -> dict:
    """The campaign contact address and, for the language switch, this page's address in
    each language (``[(code, name in that language, url)]``, see ``language_switch_url``)."""
    return {
        "CAMPAIGN_CONTACT_EMAIL": settings.CAMPAIGN_CONTACT_EMAIL,
        "language_links": [(code, LANGUAGE_NAMES.get(code, code),
                            language_switch_url(request, code))
                           for code, _name in settings.LANGUAGES],
    }
