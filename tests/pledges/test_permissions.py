"""The named rules of step 4 (``withrefugees/pledges/rules.py``), each for every kind of
actor: an officer of the lead local government, an officer of a co-pledging local
government, an officer of another city, staff with and without a second factor, anonymous
visitors (issue 10: "only the lead's officers edit a pledge and file its progress;
co-pledgers can read the draft; nobody else can"), and the ways around them (the object
of another city, a co-pledger's own local government as object, a removed membership)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import PledgeFactory, jp
from withrefugees.accounts.models import Membership
from withrefugees.accounts.rules import can, forget
from withrefugees.pledges.models import CoPledger

pytestmark = pytest.mark.django_db

CO_LG_CODE = "132047"  # 三鷹市 (東京都)


@pytest.fixture
def co_lg():
    return jp(CO_LG_CODE)


@pytest.fixture
def co_officer(make_officer, co_lg):
    return make_officer(co_lg, email="mitaka@city.mitaka.example")


@pytest.fixture
def pledge(lg, co_lg):
    """A draft joint pledge led by 府中市 (``lg``) with 三鷹市 and an organisation."""
    pledge = PledgeFactory(local_government=lg)
    CoPledger.objects.create(pledge=pledge, local_government=co_lg, position=0)
    CoPledger.objects.create(pledge=pledge, organisation_name="難民支援協会", position=1)
    return pledge


@pytest.fixture
def actors(officer, co_officer, other_officer, staff, staff_without_totp):
    return {"lead_officer": officer, "co_officer": co_officer,
            "other_officer": other_officer, "staff": staff,
            "staff_without_totp": staff_without_totp, "anonymous": AnonymousUser()}


ACTORS = ["lead_officer", "co_officer", "other_officer", "staff", "staff_without_totp",
          "anonymous"]
Y, N = True, False
# rule → (object: "lead" = the lead local government, "pledge" = the pledge, None), who may.
EXPECTED = {
    "pledges.edit": ("lead", dict(lead_officer=Y, co_officer=N, other_officer=N, staff=N,
                                  staff_without_totp=N, anonymous=N)),
    "pledges.report_progress": ("lead", dict(lead_officer=Y, co_officer=N, other_officer=N,
                                             staff=N, staff_without_totp=N, anonymous=N)),
    "pledges.read": ("pledge", dict(lead_officer=Y, co_officer=Y, other_officer=N, staff=Y,
                                    staff_without_totp=N, anonymous=N)),
    "pledges.review": (None, dict(lead_officer=N, co_officer=N, other_officer=N, staff=Y,
                                  staff_without_totp=N, anonymous=N)),
    "pledges.export": (None, dict(lead_officer=N, co_officer=N, other_officer=N, staff=Y,
                                  staff_without_totp=N, anonymous=N)),
    "pledges.edit_settings": (None, dict(lead_officer=N, co_officer=N, other_officer=N,
                                         staff=Y, staff_without_totp=N, anonymous=N)),
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("rule", list(EXPECTED))
def test_rule_for_each_actor(actors, pledge, rule, actor):
    kind, expected = EXPECTED[rule]
    obj = {"lead": pledge.local_government, "pledge": pledge, None: None}[kind]
    assert can(actors[actor], rule, obj) is expected[actor]


@pytest.mark.parametrize("rule", ["pledges.edit", "pledges.report_progress"])
def test_edit_rules_also_accept_the_pledge_as_object_for_the_lead_only(actors, pledge, rule):
    """A view may pass the pledge instead of its lead: the lead's officers still pass, a
    co-pledger's do not (the pledge's ``local_government`` is the lead)."""
    assert can(actors["lead_officer"], rule, pledge)
    for actor in ("co_officer", "other_officer", "staff", "anonymous"):
        assert not can(actors[actor], rule, pledge), actor


@pytest.mark.parametrize("rule", ["pledges.edit", "pledges.report_progress"])
def test_a_co_pledger_passes_edit_rules_only_for_its_own_local_government(actors, pledge,
                                                                          co_lg, rule):
    """The edit rules take the *lead* local government: asked about the co-pledger's own
    local government they pass (its own pledges), which is why services ask about
    ``pledge.local_government``, never the local government of the URL."""
    assert can(actors["co_officer"], rule, co_lg)
    assert not can(actors["co_officer"], rule, pledge.local_government)


def test_read_of_a_pledge_that_does_not_involve_the_city(actors, other_lg):
    """Another city's pledge, without co-pledgers: only its own officers and staff read it."""
    foreign = PledgeFactory(local_government=other_lg)
    assert can(actors["other_officer"], "pledges.read", foreign)
    assert can(actors["staff"], "pledges.read", foreign)
    for actor in ("lead_officer", "co_officer", "staff_without_totp", "anonymous"):
        assert not can(actors[actor], "pledges.read", foreign), actor


def test_an_organisation_named_as_co_pledger_gives_nobody_access(actors, pledge, other_lg):
    """A co-pledger named as an organisation is not a local government: no officer gains
    anything from it (here 調布市's officer, whose city is not a co-pledger)."""
    assert pledge.co_pledgers.filter(organisation_name="難民支援協会").exists()
    assert not can(actors["other_officer"], "pledges.read", pledge)


def test_read_without_a_pledge_or_an_unsaved_one_is_refused(actors, lg):
    from withrefugees.pledges.models import Pledge

    unsaved = Pledge(local_government=lg, title_ja="未保存")
    for actor in ("lead_officer", "co_officer", "other_officer"):
        assert not can(actors[actor], "pledges.read", None), actor
    assert can(actors["lead_officer"], "pledges.read", unsaved)
    assert not can(actors["co_officer"], "pledges.read", unsaved)


def test_removed_membership_loses_every_rule(actors, pledge, co_lg):
    lead = actors["lead_officer"]
    co = actors["co_officer"]
    Membership.objects.filter(user__in=[lead, co]).delete()
    forget(lead)
    forget(co)
    assert not can(lead, "pledges.edit", pledge.local_government)
    assert not can(lead, "pledges.report_progress", pledge.local_government)
    assert not can(lead, "pledges.read", pledge)
    assert not can(co, "pledges.read", pledge)


def test_inactive_officer_loses_every_rule(actors, pledge):
    lead = actors["lead_officer"]
    lead.is_active = False
    lead.save()
    forget(lead)
    for rule, obj in (("pledges.edit", pledge.local_government),
                      ("pledges.report_progress", pledge.local_government),
                      ("pledges.read", pledge)):
        assert not can(lead, rule, obj), rule


def test_a_superuser_without_a_second_factor_gets_nothing(pledge):
    from tests.factories import StaffFactory

    boss = StaffFactory(email="boss@unhcr.example", is_superuser=True, totp=False)
    for rule in EXPECTED:
        kind = EXPECTED[rule][0]
        obj = {"lead": pledge.local_government, "pledge": pledge, None: None}[kind]
        assert not can(boss, rule, obj), rule


def test_staff_who_is_also_an_officer_edits_only_as_an_officer(pledge, lg, other_lg):
    """Staff with a second factor who are also officers of 府中市 edit its pledges, and
    never those of a city they are not an officer of."""
    from tests.factories import StaffFactory

    both = StaffFactory(email="both@unhcr.example")
    Membership.objects.create(user=both, local_government=lg)
    forget(both)
    assert can(both, "pledges.edit", lg)
    assert not can(both, "pledges.edit", other_lg)
    assert not can(both, "pledges.report_progress", other_lg)


def test_unknown_rule_fails_loudly(actors, pledge):
    with pytest.raises(KeyError):
        can(actors["lead_officer"], "pledges.edit_all", pledge)
