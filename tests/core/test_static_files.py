"""Static files: the manifest (staticfiles.json) and the front-end packages' package.json
files are never served (issue 6, section 8), checked against a collected STATIC_ROOT."""

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.http import HttpResponseNotFound
from django.test import RequestFactory, override_settings

from withrefugees.core.staticfiles import WhiteNoiseMiddleware

STORAGE = {"BACKEND": "withrefugees.core.staticfiles.ManifestStaticFilesStorage"}


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """STATIC_ROOT and manifest folder after ``collectstatic`` with the project's own
    storage and ignore patterns (nothing passed on the command line, as in a deployment
    script that runs a bare ``manage.py collectstatic``)."""
    root = tmp_path_factory.mktemp("static")
    manifest = tmp_path_factory.mktemp("manifest")
    from django.conf import settings

    with override_settings(STATIC_ROOT=root, STATIC_MANIFEST_ROOT=manifest,
                           STORAGES={**settings.STORAGES, "staticfiles": STORAGE}):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root, manifest


@pytest.fixture
def served(collected, settings):
    root, manifest = collected
    settings.STATIC_ROOT = root
    settings.STATIC_MANIFEST_ROOT = manifest
    settings.STORAGES = {**settings.STORAGES, "staticfiles": STORAGE}
    settings.WHITENOISE_AUTOREFRESH = False
    settings.WHITENOISE_USE_FINDERS = False

    def get(path: str, **extra):
        middleware = WhiteNoiseMiddleware(lambda request: HttpResponseNotFound())
        return middleware(RequestFactory().get(path, **extra))

    return get


def test_no_package_json_is_collected_and_the_manifest_is_outside_static_root(collected):
    root, manifest = collected
    assert not list(root.rglob("package.json"))
    assert not list(root.rglob("staticfiles.json"))
    assert (manifest / "staticfiles.json").is_file()
    assert (root / "vendor" / "leaflet" / "leaflet.js").is_file()
    assert list((root / "vendor" / "world-atlas").glob("countries-110m.*.json"))


@pytest.mark.parametrize("path", [
    "/static/staticfiles.json",
    "/static/vendor/world-atlas/package.json",
    "/static/vendor/noto-sans-jp/package.json",
    "/static/vendor/leaflet/package.json",
])
def test_manifest_and_package_files_answer_404(served, path):
    assert served(path).status_code == 404


def test_stale_files_left_by_an_older_collectstatic_are_not_served(served, collected):
    root, _ = collected
    (root / "staticfiles.json").write_text('{"paths": {}}')
    (root / "vendor" / "world-atlas" / "package.json").write_text('{"version": "2.0.2"}')
    try:
        assert served("/static/staticfiles.json").status_code == 404
        assert served("/static/vendor/world-atlas/package.json").status_code == 404
    finally:
        (root / "staticfiles.json").unlink()
        (root / "vendor" / "world-atlas" / "package.json").unlink()


def test_pages_assets_are_served_by_their_hashed_names(served):
    url = staticfiles_storage.url("vendor/leaflet/leaflet.js")
    assert url != "/static/vendor/leaflet/leaflet.js"  # hashed, from the manifest
    response = served(url)
    assert response.status_code == 200 and "immutable" in response["Cache-Control"]
    assert served("/static/favicon.svg").status_code == 200


def test_staticfiles_app_keeps_its_name_and_our_ignore_patterns(settings):
    """pytest-django's live server serves static files only when the string
    ``django.contrib.staticfiles`` is in INSTALLED_APPS (a fresh clone has no collected
    files: the browser tests then got no JavaScript)."""
    from django.apps import apps

    assert "django.contrib.staticfiles" in settings.INSTALLED_APPS
    patterns = apps.get_app_config("staticfiles").ignore_patterns
    assert {"package.json", "CHANGELOG.md", "*.scss", "CVS", ".*"} <= set(patterns)
