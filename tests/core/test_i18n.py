"""Languages: complete ja/en catalogues, Japanese pages free of English UI text."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))


def test_there_are_ja_and_en_catalogues_for_python_and_javascript():
    names = {str(p.relative_to(LOCALE)) for p in CATALOGUES}
    assert {"ja/LC_MESSAGES/django.po", "ja/LC_MESSAGES/djangojs.po",
            "en/LC_MESSAGES/django.po", "en/LC_MESSAGES/djangojs.po"} <= names


@pytest.mark.skipif(not shutil.which("msgattrib"), reason="GNU gettext is not installed")
@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(LOCALE)))
def test_catalogue_is_complete(po):
    for flag in ("--untranslated", "--only-fuzzy"):
        out = subprocess.run(["msgattrib", flag, "--no-wrap", str(po)], capture_output=True,
                             text=True, check=True).stdout
        entries = [m for m in re.findall(r'^msgid "(.*)"$', out, re.M) if m]
        assert entries == [], f"{po}: {flag} {entries[:5]}"


def _profile(code: str) -> str:
    from withrefugees.places.models import LocalGovernment

    return f"/ja/signatories/{LocalGovernment.objects.get(jis_code=code).pk}/"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/ja/", "/ja/sign/", "/ja/signatories/", "/ja/map/",
                                  "/ja/statement/", "/ja/privacy/", "profile:131130",
                                  "profile:342084"])
def test_japanese_pages_have_no_english_ui_text(client, path):
    if path.startswith("profile:"):  # a signatory (渋谷区) and one that has not signed
        path = _profile(path.split(":")[1])
    response = client.get(path)
    assert response.status_code == 200
    body = response.content.decode()
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", body, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", body)
    for english in ("Sign the statement", "Signatories", "Home", "Skip to main content",
                    "Privacy notice", "Local government", "required", "Search",
                    "Not started", "Not signed", "has not signed", "Social media"):
        assert english not in text, english


@pytest.mark.parametrize("po", [p for p in CATALOGUES if p.parts[-3] == "en"],
                         ids=lambda p: p.name)
def test_english_catalogue_is_the_source_text(po):
    text = po.read_text(encoding="utf-8")
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', text, re.M)
    assert pairs and [m for m, s in pairs if m != s] == []
