"""Static files: only what pages use is collected and served.

- ``IGNORE_PATTERNS``, added to ``django.contrib.staticfiles``'s own when the apps are ready
  (``CoreConfig.ready`` calls ``extend_ignore_patterns``; collectstatic reads the app
  config's ``ignore_patterns``): the patterns that ``collectstatic`` leaves out whoever
  runs it, ``make`` or a deployment script. Django's
  own (``CVS``, ``.*``, ``*~``), the front-end packages' metadata (``package.json``,
  ``README.md``, ``CHANGELOG.md``...: they name exact versions, which helps nobody but an
  attacker) and the Noto Sans JP weights and subsets that ``base.html`` does not load
  (only 400 and 700, in the ``japanese`` subset's woff2/woff files listed in ``400.css``
  and ``700.css``).
- ``ManifestStaticFilesStorage``: WhiteNoise's compressed manifest storage with the
  manifest (``staticfiles.json``, the map of every file to its hashed name) written to
  ``settings.STATIC_MANIFEST_ROOT``, outside ``STATIC_ROOT``: whatever serves
  ``STATIC_ROOT`` (WhiteNoise, or a reverse proxy) cannot serve it.
- ``WhiteNoiseMiddleware``: WhiteNoise's middleware that never serves a file named in
  ``NOT_SERVED`` (``staticfiles.json``, ``package.json``) even when an older
  ``collectstatic`` left one in ``STATIC_ROOT``: those answer 404.
"""

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from whitenoise.middleware import WhiteNoiseMiddleware as BaseWhiteNoiseMiddleware
from whitenoise.storage import CompressedManifestStaticFilesStorage

NOT_SERVED = frozenset({"staticfiles.json", "package.json"})

# Noto Sans JP (@fontsource/noto-sans-jp): only the 400 and 700 weights are served.
_FONT_PATTERNS = ["*[1235689]00.css", "*-[1235689]00-normal.woff*", "cyrillic*.css",
                  "japanese*.css", "latin*.css", "vietnamese*.css", "index.css", "*.scss",
                  "*.ts", "metadata.json", "unicode.json"]
_PACKAGE_PATTERNS = ["package.json", "CHANGELOG.md", "README.md",
                     "WhereAreTheJavascriptFiles.txt"]


IGNORE_PATTERNS = [*_PACKAGE_PATTERNS, *_FONT_PATTERNS]


def extend_ignore_patterns() -> None:
    """Add ``IGNORE_PATTERNS`` to the staticfiles app's (once). The app stays listed as
    ``django.contrib.staticfiles`` in ``INSTALLED_APPS``, not as a subclass: tools look
    for that name (pytest-django's live server serves static files only then)."""
    config = apps.get_app_config("staticfiles")
    missing = [p for p in IGNORE_PATTERNS if p not in config.ignore_patterns]
    if missing:
        config.ignore_patterns = [*config.ignore_patterns, *missing]


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files; the manifest in ``STATIC_MANIFEST_ROOT``."""

    def __init__(self, *args, **kwargs):
        if kwargs.get("manifest_storage") is None:
            kwargs["manifest_storage"] = FileSystemStorage(
                location=settings.STATIC_MANIFEST_ROOT)
        super().__init__(*args, **kwargs)


class WhiteNoiseMiddleware(BaseWhiteNoiseMiddleware):
    """WhiteNoise, without the files of ``NOT_SERVED``."""

    def add_file_to_dictionary(self, url, path, stat_cache=None):
        if url.rsplit("/", 1)[-1] in NOT_SERVED:
            return
        super().add_file_to_dictionary(url, path, stat_cache=stat_cache)

    def find_file(self, url):  # WHITENOISE_AUTOREFRESH (DEBUG)
        if url.rsplit("/", 1)[-1] in NOT_SERVED:
            return None
        return super().find_file(url)
