"""Selectors of the profile page: default profile, the "Sign" section from campaign, names
and fields in the reader's language."""

import pytest
from django.utils import translation

from tests.factories import SignatureFactory, jp
from withrefugees.campaign.models import RejectionReason, Signature
from withrefugees.campaign.selectors import ProfileSection, profile_section
from withrefugees.profiles import selectors
from withrefugees.profiles.services import SocialAccountInput, profile_update

pytestmark = pytest.mark.django_db
S = Signature.Status


def test_profile_for_gives_an_unsaved_default_until_the_first_edit():
    lg = jp("132063")
    profile = selectors.profile_for(lg)
    assert profile.pk is None and profile.local_government == lg and profile.website == ""
    saved = profile_update(local_government=lg, actor=None, website="https://example.org/")
    lg = selectors.local_governments_with_profile().get(pk=lg.pk)
    assert selectors.profile_for(lg) == saved


@pytest.mark.parametrize("status", [S.UNCONFIRMED, S.PENDING, S.REJECTED, S.WITHDRAWN])
def test_sign_section_is_not_started_unless_published(status):
    extra = {"rejection_reason": RejectionReason.objects.first()} if status == S.REJECTED \
        else {"published_at": "2026-01-01T00:00Z"} if status == S.WITHDRAWN else {}
    signature = SignatureFactory(status=status, message="secret until published", **extra)
    section = profile_section(signature.local_government)
    assert section == ProfileSection(status="not_started") and not section.done


def test_sign_section_shows_what_was_signed():
    signature = SignatureFactory(status=S.PUBLISHED, published_at="2026-01-01T00:00Z",
                                 signed_on="2026-06-20", language="en", message="Together")
    section = profile_section(signature.local_government_id)
    assert section.done
    assert (section.signatory_name, section.signatory_title) == ("山田太郎", "市長")
    assert str(section.signed_on) == "2026-06-20" and section.language == "en"
    assert section.statement_version == signature.statement_text.version.number
    assert section.message == "Together" and section.website == signature.website
    assert not any(hasattr(section, name) for name in ("email", "contact_name", "department"))


def test_page_of_a_local_government_that_has_not_signed():
    page = selectors.profile_page(jp("132063").pk)
    assert not page.is_signatory and page.profile.pk is None
    assert [(s.key, s.number, s.status) for s in page.sections] == [
        ("sign", 1, "not_started"), ("post", 2, "not_started"), ("act", 3, "not_started"),
        ("pledge", 4, "not_started")]
    assert page.social_accounts == [] and page.website == "" and not page.introduction


def test_page_of_a_signatory_in_the_readers_language():
    signature = SignatureFactory(status=S.PUBLISHED, published_at="2026-01-01T00:00Z")
    lg = signature.local_government
    profile_update(local_government=lg, actor=None, public_name_en="Fuchu City, Tokyo",
                   introduction_ja="府中市の紹介",
                   social_accounts=[SocialAccountInput("x", "https://x.com/fuchu")])
    with translation.override("en"):
        page = selectors.profile_page(lg.pk)
        assert page.is_signatory and page.sections[0].data.signatory_name == "山田太郎"
        assert page.name == "Fuchu City, Tokyo"
        # Only a Japanese introduction: shown, marked as Japanese.
        assert (page.introduction.text, page.introduction.lang) == ("府中市の紹介", "ja")
        assert page.website == signature.website  # none in the profile: as signed
        assert [a.label for a in page.social_accounts] == ["X"]
    with translation.override("ja"):
        page = selectors.profile_page(lg.pk)
        assert page.name == "府中市"  # no Japanese public name: the reference name
        assert page.introduction.lang == "ja"
    profile_update(local_government=lg, actor=None, website="https://fuchu.example/")
    assert selectors.profile_page(lg.pk).website == "https://fuchu.example/"


def test_unknown_local_government():
    from withrefugees.places.models import LocalGovernment

    with pytest.raises(LocalGovernment.DoesNotExist):
        selectors.profile_page(99_999_999)


def test_other_network_is_labelled_by_its_host():
    from withrefugees.profiles.models import SocialAccount

    assert SocialAccount(network="other", url="https://www.note.com/fuchu").label == "note.com"
    assert SocialAccount(network="youtube", url="https://youtube.com/@f").label == "YouTube"
