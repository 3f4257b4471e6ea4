"""Who a mailbox is (issue 6, section 2): the daily limit per mailbox compares canonical
mailboxes (``Signature.email_canonical``), the address is stored as typed in its
normalised form, reviewers' hints read normalised domains, and addresses mail cannot be
sent to are refused at the sign form with a message saying why, keeping what was typed."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as global_apps
from django.db import connection

from tests.factories import StaffFactory, jp
from withrefugees.campaign import services
from withrefugees.campaign.models import Signature
from withrefugees.campaign.selectors import review_hints, statement_text_current
from withrefugees.core.emails import InvalidEmail

from .services.conftest import signature_in
from .test_signing import sign

pytestmark = pytest.mark.django_db
# Six reference local governments of Hokkaido that have not signed.
PLACES = ["011002", "012025", "012033", "012041", "012050", "012068"]
FULL_WIDTH = "soumu@ｃｉｔｙ.ｋｕｍａｍｏｔｏ.ｌｇ.ｊｐ"
# The test client's sender (``services.sender_of``): the daily limit counts per sender.
CLIENT = services.sender_of("127.0.0.1")
LG_DOMAIN_OK = "The email domain looks like a Japanese local government domain."


def sign_at(client, code: str, email: str, **overrides):
    lg = jp(code)
    return sign(client, lang="en", place_query=lg.name, local_government=str(lg.pk),
                email=email, **overrides)


@pytest.mark.parametrize("spellings", [
    [f"hanako+{n}@example.jp" for n in range(1, 7)],
    ["hanako@example.jp", "Hanako@EXAMPLE.JP", "hanako+a@example.jp", "HANAKO+b@Example.jp",
     "ｈａｎａｋｏ@example.jp", "hanako@ｅｘａｍｐｌｅ.ｊｐ"],
    ["hanako.yamada@gmail.com", "hanakoyamada@gmail.com", "Hanako.Yamada+1@gmail.com",
     "h.anako.yamada@googlemail.com", "HANAKOYAMADA+x@GoogleMail.com",
     "hanako.yamada@ｇｍａｉｌ.ｃｏｍ"],
    ["a@ドメイン.jp", "A@ドメイン.JP", "a+1@xn--eckwd4c7c.jp", "a@XN--ECKWD4C7C.jp",
     "a+2@ドメイン.jp", "ａ@ドメイン.jp"],
], ids=["plus-tags", "case-and-width", "gmail-dots", "idn"])
def test_one_mailbox_gets_at_most_five_a_day_however_it_is_spelled(client, mailoutbox,
                                                                    spellings):
    codes = [sign_at(client, code, email).status_code
             for code, email in zip(PLACES, spellings, strict=True)]
    assert codes == [302] * 5 + [400]
    assert len(mailoutbox) == services.MAILBOX_MAX_PER_SENDER
    assert not Signature.objects.filter(local_government=jp(PLACES[5])).exists()
    keys = set(Signature.objects.filter(local_government__jis_code__in=PLACES)
               .values_list("email_canonical", flat=True))
    assert len(keys) == 1


def test_the_sixth_is_refused_on_the_email_field_with_everything_kept(client, mailoutbox):
    for n, code in enumerate(PLACES[:5], start=1):
        sign_at(client, code, f"hanako+{n}@example.jp")
    response = sign_at(client, PLACES[5], "hanako+6@example.jp", signatory_name="残す名前")
    assert response.status_code == 400
    form = response.context["form"]
    assert "Several signatures have been submitted with this email address today" in str(
        form.errors["email"])
    body = response.content.decode()
    assert 'value="hanako+6@example.jp"' in body and 'value="残す名前"' in body


def test_other_mailboxes_of_the_same_domain_are_not_limited(client, mailoutbox):
    for n, code in enumerate(PLACES[:5], start=1):
        sign_at(client, code, f"hanako+{n}@example.jp")
    assert sign_at(client, PLACES[5], "taro+1@example.jp").status_code == 302


def test_the_address_is_stored_as_typed_in_its_normalised_form(client, mailoutbox):
    sign_at(client, PLACES[0], "  Hanako+1@ＥＸＡＭＰＬＥ.JP ")
    signature = Signature.objects.get(local_government__jis_code=PLACES[0])
    assert signature.email == "Hanako+1@example.jp"
    assert signature.email_canonical == "hanako@example.jp"
    assert mailoutbox[0].to == ["Hanako+1@example.jp"]


def test_full_width_domain_is_stored_half_width_and_hinted_as_a_local_government(
        client, mailoutbox):
    kumamoto = jp("431001")  # 熊本市
    response = sign(client, lang="en", place_query=kumamoto.name,
                    local_government=str(kumamoto.pk), email=FULL_WIDTH,
                    website="https://www.city.kumamoto.jp/")
    assert response.status_code == 302
    signature = Signature.objects.get(local_government=kumamoto)
    assert signature.email == "soumu@city.kumamoto.lg.jp"
    assert mailoutbox[0].to == ["soumu@city.kumamoto.lg.jp"]
    hints = review_hints(signature)
    assert ("ok", LG_DOMAIN_OK) in [(level, str(text)) for level, text in hints]
    assert [level for level, _text in hints] == ["ok", "ok"]  # matches the website too


@pytest.mark.parametrize("email,website,expected", [
    # Rows stored before the form normalised addresses.
    (FULL_WIDTH, "", ["ok"]),
    ("soumu@ＣＩＴＹ.Kumamoto.LG.JP", "", ["ok"]),
    ("soumu@city.kumamoto.lg.jp", "https://ｗｗｗ.ｃｉｔｙ.ｋｕｍａｍｏｔｏ.ｊｐ/", ["ok", "ok"]),
    ("a@ｇｍａｉｌ.ｃｏｍ", "", ["warn", "warn"]),  # free mail, not a local government's
    ("kokusai@ｐｒｅｆ.ｋｕｍａｍｏｔｏ.ｊｐ", "", ["ok"]),
    # An LGWAN-side mail domain and the website's domain of the same city match.
    ("soumu@city.kumamoto.lg.jp", "https://www.city.kumamoto.jp/", ["ok", "ok"]),
    ("soumu@city.fukuoka.lg.jp", "https://www.city.kumamoto.jp/", ["warn", "ok"]),
    ("soumu@city.kumamoto.lg.jp", "https://ドメイン.jp/", ["warn", "ok"]),
])
def test_review_hints_read_normalised_domains(email, website, expected):
    signature = signature_in(Signature.Status.PENDING, local_government=jp("431001"),
                             website=website)
    Signature.objects.filter(pk=signature.pk).update(email=email)  # as stored long ago
    signature.refresh_from_db()
    assert [level for level, _text in review_hints(signature)] == expected


@pytest.mark.parametrize("typed,code,shown", [
    ("soumu@city.kumamoto\ufffd.lg.jp", "email_domain", "is not a valid internet domain"),
    ("soumu@\ufffd\ufffd.lg.jp", "email_domain", "is not a valid internet domain"),
    ("kokusai@xn--zz.jp", "email_domain", "is not a valid internet domain"),
    ("kokusai@😀.jp", "email_domain", "is not a valid internet domain"),
    ("kokusai@city", "email_domain", "is not a valid internet domain"),
    ("kokusai@city.fuchu.test", "email_domain_reserved", "is a reserved domain"),
    ("kokusai@city.local", "email_domain_reserved", "is a reserved domain"),
    ("kokusai@localhost", "email_domain_reserved", "is a reserved domain"),
    ("総務課@city.fuchu.hiroshima.jp", "email_local_part", "kana, kanji or accented letters"),
    ("josé@example.es", "email_local_part", "kana, kanji or accented letters"),
    ("not-an-email", "invalid_email", "Enter a valid email address"),
    ("kokusai@@city.jp", "invalid_email", "Enter a valid email address"),
])
def test_addresses_mail_cannot_be_sent_to_are_refused_keeping_what_was_typed(
        client, mailoutbox, typed, code, shown):
    response = sign(client, lang="en", email=typed, signatory_name="残す名前",
                    message="ともに")
    assert response.status_code == 400
    errors = response.context["form"].errors.as_data()["email"]
    assert [e.code for e in errors] == [code]
    body = response.content.decode()
    assert shown in body
    assert f'value="{typed}"' in body  # nothing typed is lost
    assert 'value="残す名前"' in body and "ともに" in body
    assert not Signature.objects.filter(local_government__jis_code="342084").exists()
    assert mailoutbox == []


def test_the_refusal_is_translated(client):
    response = sign(client, lang="ja", email="soumu@city.kumamoto\ufffd.lg.jp")
    errors = response.context["form"].errors.as_data()["email"]
    assert errors[0].code == "email_domain"
    assert "city.kumamoto\ufffd.lg.jp" in errors[0].messages[0]  # the domain is named


def test_the_service_normalises_and_refuses_too(django_capture_on_commit_callbacks):
    data = dict(statement_text=statement_text_current("ja"), language="ja",
                signatory_name="山田太郎", signatory_title="市長", contact_name="佐藤花子",
                department="総務部")
    with pytest.raises(InvalidEmail) as refused:
        services.signature_submit(local_government=jp(PLACES[0]),
                                  email="soumu@city\ufffd.jp", **data)
    assert refused.value.code == "email_domain"
    assert not Signature.objects.filter(local_government__jis_code=PLACES[0]).exists()
    with django_capture_on_commit_callbacks(execute=True):
        signature = services.signature_submit(local_government=jp(PLACES[0]),
                                              email=FULL_WIDTH, **data)
    assert (signature.email, signature.email_canonical) == (
        "soumu@city.kumamoto.lg.jp", "soumu@city.kumamoto.lg.jp")


def test_staff_corrections_keep_the_canonical_mailbox_in_step(client, mailoutbox):
    signature = signature_in(Signature.Status.UNCONFIRMED, local_government=jp(PLACES[0]),
                             email="other@example.jp")
    Signature.objects.filter(pk=signature.pk).update(sender=CLIENT)  # sent by this client
    services.signature_update(signature=signature, actor=StaffFactory(),
                              data={"email": "Hanako+9@ＥＸＡＭＰＬＥ.jp"})
    signature.refresh_from_db()
    assert signature.email == "Hanako+9@example.jp"
    assert signature.email_canonical == "hanako@example.jp"
    # The corrected signature counts against hanako's mailbox from now on.
    codes = [sign_at(client, code, f"hanako+{n}@example.jp").status_code
             for n, code in enumerate(PLACES[1:], start=1)]
    assert codes == [302] * 4 + [400]


def test_existing_signatures_get_their_canonical_mailbox_from_the_migration(client,
                                                                           mailoutbox):
    """campaign 0006 fills ``email_canonical`` of the rows that exist, addresses stored
    before the checks included; they then count against the mailbox's limit."""
    stored = ["Hanako+1@example.jp", "hanako@ｅｘａｍｐｌｅ.ｊｐ", "HANAKO+3@EXAMPLE.JP",
              "ｈａｎａｋｏ@example.jp", "山田@example.jp", ""]
    made = [signature_in(Signature.Status.UNCONFIRMED, local_government=jp(code))
            for code in PLACES]
    for signature, email in zip(made, stored, strict=True):
        Signature.objects.filter(pk=signature.pk).update(email=email, email_canonical="",
                                                         sender=CLIENT)
    migration = importlib.import_module(
        "withrefugees.campaign.migrations.0006_signature_email_canonical")
    # The data step alone (the column exists): the schema editor only gives the database.
    migration.fill_email_canonical(global_apps, SimpleNamespace(connection=connection))
    keys = [Signature.objects.get(pk=s.pk).email_canonical for s in made]
    assert keys == ["hanako@example.jp"] * 4 + ["山田@example.jp", ""]
    assert sign_at(client, "012076", "hanako+5@example.jp").status_code == 302
    assert sign_at(client, "012084", "hanako+6@example.jp").status_code == 400
