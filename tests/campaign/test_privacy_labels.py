"""What the sign form and the privacy notice say is public is what the public pages show
(issue 6, section 8: the website sat under "Contact (not shown publicly)" but is shown)."""

import re
from html.parser import HTMLParser

import pytest

from tests.factories import SignatureFactory
from withrefugees.campaign.models import Signature

pytestmark = pytest.mark.django_db
S = Signature.Status


class FieldsetsParser(HTMLParser):
    """Maps each form field name to the legend of the innermost fieldset around it."""

    def __init__(self):
        super().__init__()
        self.stack: list[list[str]] = []  # legends text of open fieldsets
        self.in_legend = False
        self.legend_of: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "fieldset":
            self.stack.append([])
        elif tag == "legend":
            self.in_legend = True
        elif tag in ("input", "textarea", "select") and self.stack and attrs.get("name"):
            if attrs.get("type") not in ("hidden", "radio"):
                self.legend_of[attrs["name"]] = "".join(self.stack[-1]).strip()

    def handle_endtag(self, tag):
        if tag == "fieldset":
            self.stack.pop()
        elif tag == "legend":
            self.in_legend = False

    def handle_data(self, data):
        if self.in_legend and self.stack:
            self.stack[-1].append(data)


def legends(client) -> dict[str, str]:
    parser = FieldsetsParser()
    parser.feed(client.get("/en/sign/").content.decode())
    return parser.legend_of


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_website_is_grouped_with_what_is_public(client):
    found = legends(client)
    assert "not shown publicly" not in found["website"]
    assert "public profile" in found["website"]
    for private in ("contact_name", "department", "email"):
        assert found[private] == "Contact (not shown publicly)"
    for public in ("signatory_name", "signatory_title", "message"):
        assert "not shown" not in found[public] and "public profile" in found[public]
    body = client.get("/en/sign/").content.decode()
    assert "Shown on your public profile, e.g." in body  # the website's help text


def test_privacy_notice_lists_the_website_as_public_and_contacts_as_never_public(client):
    html = client.get("/en/privacy/").content.decode()
    public = visible_text(html.split('id="public"')[1].split('id="never-public"')[0])
    never = visible_text(html.split('id="never-public"')[1].split("<h2")[0])
    for item in ("website", "signatory", "message", "date it signed", "statement signed"):
        assert item in public, item
    for item in ("contact person", "department", "email address"):
        assert item in never, item
        assert item not in public, item
    assert "website" not in never


def test_nothing_labelled_private_appears_on_public_pages(client):
    """Every field under a "not shown publicly" legend, filled with a value of its own, is
    absent from the profile, the directory and the map; the public ones are on the
    profile."""
    signature = SignatureFactory(
        status=S.PUBLISHED, published_at="2026-02-01T00:00Z", signed_on="2026-02-01",
        signatory_name="Signatory Uniquename",
        signatory_title="Mayor Uniquetitle", contact_name="Contact Secretperson",
        department="Department Secretunit", email="secret-mailbox@city.fuchu.tokyo.jp",
        website="https://public-site.example.org/", message="Public message text")
    found = legends(client)
    private = [name for name, legend in found.items() if "not shown publicly" in legend]
    assert set(private) == {"contact_name", "department", "email"}
    pages = [client.get(f"/{lang}/{path}").content.decode()
             for lang in ("ja", "en")
             for path in (f"signatories/{signature.local_government_id}/", "signatories/",
                          "map/")]
    for name in private:
        value = getattr(signature, name)
        assert all(value not in page for page in pages), name
    profile = client.get(f"/en/signatories/{signature.local_government_id}/").content.decode()
    for name in [n for n, legend in found.items() if "public profile" in legend]:
        assert getattr(signature, name) in profile, name
