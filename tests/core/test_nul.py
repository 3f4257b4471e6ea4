"""Control characters in form fields (issue 6, §7): a NUL is refused with a message that
says what is wrong (Django's own reads "enter some characters" in Japanese), and no form
shown again carries a control character."""

import re

import pytest
from django.http import QueryDict

from tests.campaign.test_signing import form_data, sign
from withrefugees.campaign.forms import DirectoryForm, SignForm
from withrefugees.campaign.models import Signature

pytestmark = pytest.mark.django_db

NUL_JA = "ヌル文字"
DJANGO_JA = "何か文字を入力してください"
SIGN_FIELDS = ["place_query", "local_government", "signatory_name", "signatory_title",
               "contact_name", "department", "email", "website", "message", "new_name",
               "new_country", "new_region", "not_listed", "consent_statement",
               "consent_privacy", "statement_hash"]
CONTROLS = ["\x00", "\x01", "\x08", "\x1b", "\x7f", "\x85", "\x9f"]


def error_of(body: str, field: str) -> str:
    match = re.search(rf'id="id_{field}_error">([^<]*)<', body)
    return match.group(1) if match else ""


@pytest.mark.parametrize("field", SIGN_FIELDS)
def test_nul_in_any_sign_field_is_refused_by_name(client, field):
    value = form_data().get(field) or "x"
    before = Signature.objects.count()
    response = sign(client, lang="en", **{field: value[:1] + "\x00" + value[1:]})
    body = response.content.decode()
    assert response.status_code == 400
    assert "\x00" not in body
    assert "NUL character (U+0000)" in body
    assert Signature.objects.count() == before
    if field in ("place_query", "signatory_name", "email", "website", "message"):
        assert "NUL character (U+0000)" in error_of(body, field)
        assert "valid" not in error_of(body, field)  # one message, not Django's as well


def test_nul_message_in_japanese_is_not_djangos(client, settings):
    body = sign(client, lang="ja", signatory_name="佐藤\x00一郎").content.decode()
    assert DJANGO_JA not in body
    assert "NUL" in error_of(body, "signatory_name")


@pytest.mark.parametrize("control", CONTROLS)
@pytest.mark.parametrize("field", ["place_query", "signatory_name", "email", "website",
                                   "message", "new_country", "local_government"])
def test_no_control_character_is_shown_again(client, field, control):
    response = sign(client, lang="en", **{field: f"a{control}b"})
    body = response.content.decode()
    assert response.status_code == 400
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", body), field
    if field in ("place_query", "signatory_name", "email", "message"):
        assert 'value="ab"' in body or "\nab</textarea>" in body  # kept, without it


def test_text_without_control_characters_is_unchanged(client):
    """Tabs and line breaks stay (a multi-line message), nothing is refused for them."""
    response = sign(client, lang="en", message="first line\r\nsecond\tline")
    assert response.status_code == 302
    signature = Signature.objects.get(local_government__jis_code="342084")
    assert signature.message.replace("\r\n", "\n") == "first line\nsecond\tline"


def test_directory_search_with_nul(client):
    # A NUL in a query string never reaches a view (core.middleware.NulCharacterMiddleware):
    # the page says what is wrong and echoes nothing.
    response = client.get("/en/signatories/", {"q": "渋谷\x00", "sort": "name"})
    body = response.content.decode()
    assert response.status_code == 400 and "\x00" not in body
    assert "NUL character (U+0000)" in body


@pytest.mark.parametrize("data", [
    QueryDict("q=a%00b&sort=name"), {"q": "a\x00b", "sort": "name"}])
def test_forms_refuse_nul_whatever_the_data_type(data):
    form = DirectoryForm(data)
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["q"]] == ["null_characters"]
    assert form["q"].value() == "ab"


def test_a_form_without_control_characters_keeps_its_data():
    data = QueryDict("q=%E6%B8%8B%E8%B0%B7&sort=name")
    form = DirectoryForm(data)
    assert form.is_valid() and form.data is data


def test_checkbox_with_nul_is_refused():
    form = SignForm({**form_data(), "consent_privacy": "\x00"})
    assert not form.is_valid()
    assert form.errors.as_data()["consent_privacy"][0].code == "null_characters"
