"""Every named rule (django-rules, asked through ``accounts.rules.can``) for the five kinds
of people of the permission matrix, for a local government and for another one. A rule
added without a row here fails ``test_every_rule_is_in_the_table``."""

import pytest
import rules
import rules.rulesets

from withrefugees.accounts.rules import can

pytestmark = pytest.mark.django_db

PEOPLE = ["anonymous", "officer", "other_officer", "staff_without_totp", "staff"]
# rule: which people pass it for the officer's own local government (``lg``)
TABLE = {
    "workspace.view": {"officer", "staff"},
    "accounts.manage_officers": {"officer", "staff"},
    "accounts.staff_area": {"staff"},
    "accounts.own_account": {"officer", "other_officer", "staff_without_totp", "staff"},
    "profiles.edit_profile": {"officer", "staff"},
    "profiles.moderate_profile": {"staff"},
    "social.use_kit": {"officer", "staff"},
    "social.record_posted_link": {"officer", "staff"},
    "social.moderate_posted_link": {"staff"},
    "social.edit_post_templates": {"staff"},
    "events.edit_events": {"officer", "staff"},
    "events.request_support": {"officer", "staff"},
    "events.review_events": {"staff"},
    "events.answer_support": {"staff"},
    "events.export": {"staff"},
    "events.edit_reminders": {"staff"},
    # Step 4: only the lead's officers edit and report progress (issue 10); with a local
    # government as the object, "read" is its officers' and staff's (co-pledgers: a pledge
    # is the object, tests/pledges/test_permissions.py).
    "pledges.edit": {"officer"},
    "pledges.report_progress": {"officer"},
    "pledges.read": {"officer", "staff"},
    "pledges.review": {"staff"},
    "pledges.export": {"staff"},
    "pledges.edit_settings": {"staff"},
}


def test_every_rule_is_in_the_table():
    from django.apps import apps

    # Every app of this project (rules.apps.AutodiscoverRulesConfig imported their rules.py).
    labels = {config.label for config in apps.get_app_configs()
              if config.name.startswith("withrefugees.")}
    ours = {name for name in rules.rulesets.default_rules if name.split(".")[0] in labels}
    assert ours == set(TABLE)


@pytest.mark.parametrize("rule", sorted(TABLE))
@pytest.mark.parametrize("who", PEOPLE)
def test_rule(rule, who, lg, officer, other_officer, staff, staff_without_totp):
    from django.contrib.auth.models import AnonymousUser

    people = {"anonymous": AnonymousUser(), "officer": officer,
              "other_officer": other_officer, "staff": staff,
              "staff_without_totp": staff_without_totp}
    assert can(people[who], rule, lg) is (who in TABLE[rule])


def test_a_superuser_without_second_factor_passes_no_staff_rule(lg):
    from tests.factories import SuperuserFactory

    root = SuperuserFactory(totp=False)
    assert root.has_perm("campaign.review_signature")  # Django's shortcut for superusers
    for rule in ("accounts.staff_area", "workspace.view", "profiles.moderate_profile"):
        assert not can(root, rule, lg)


def test_an_unknown_rule_is_an_error_not_a_refusal(officer, lg):
    with pytest.raises(KeyError):
        can(officer, "workspace.veiw", lg)
