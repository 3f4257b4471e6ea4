"""The officers' services of step 4 (``pledges.services``): who may write, each validation
rule with its code and translated message, the audit rows, the state changes, starting from
a public pledge."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from tests.factories import PledgeFactory, PledgeTargetFactory, jp
from withrefugees.core.audit import audit_history
from withrefugees.core.models import AuditEntry
from withrefugees.places.models import Country
from withrefugees.pledges import services
from withrefugees.pledges.models import (
    AreaOfFocus,
    CoPledger,
    MultistakeholderPledge,
    Pledge,
    PledgeTarget,
)
from withrefugees.pledges.services import CoPledgerInput, PledgeInput, TargetInput

pytestmark = pytest.mark.django_db


def full(**overrides) -> PledgeInput:
    """Everything the checklist asks for."""
    values = dict(
        title_ja="難民の子どもの日本語教室", title_en="Japanese classes for refugee children",
        description_ja="市内の小中学校で日本語の補習教室を開きます。",
        description_en="Japanese support classes in our schools.",
        expected_impact_ja="子どもが学び続けられる。",
        expected_impact_en="Refugee children keep learning.",
        kinds=("policy",), objectives=("self_reliance",),
        areas=tuple(AreaOfFocus.objects.filter(key="education")), scope="local",
        starts_on=datetime.date(2027, 4, 1), ends_on=datetime.date(2030, 3, 31),
        contact_name="府中 花子", contact_email="pledge@city.fuchu.example",
        targets=(TargetInput(indicator="通う子ども", target_value=Decimal("30"), unit="人",
                             target_date=datetime.date(2030, 3, 31)),))
    values.update(overrides)
    return PledgeInput(**values)


def codes(exc: ValidationError, field: str) -> list[str]:
    return [e.code for e in exc.error_dict[field]]


def refused(lg, officer, field: str, **overrides) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        services.pledge_create(local_government=lg, actor=officer, data=full(**overrides))
    assert field in info.value.error_dict, info.value.error_dict
    return info.value


def actions(target) -> list[str]:
    return [entry.action for entry in audit_history(target)]


# --- Create, update -------------------------------------------------------------------------
def test_officer_creates_a_draft_with_its_parts_and_one_audit_row(lg, officer, other_lg):
    pledge = services.pledge_create(local_government=lg, actor=officer, data=full(
        co_pledgers=(CoPledgerInput(local_government=other_lg),
                     CoPledgerInput(organisation_name="府中市国際交流協会")),
        budget_amount=Decimal("5000000"), budget_currency="JPY"))
    assert pledge.status == "draft" and pledge.local_government == lg
    assert pledge.created_by == officer and pledge.kind_policy and not pledge.kind_support
    assert [t.indicator for t in pledge.targets.all()] == ["通う子ども"]
    assert [(c.local_government_id, c.organisation_name) for c in pledge.co_pledgers.all()] == [
        (other_lg.pk, ""), (None, "府中市国際交流協会")]
    assert pledge.budget_amount == Decimal("5000000") and pledge.budget_currency == "JPY"
    entry = audit_history(pledge).get()
    assert entry.action == "pledge.create" and entry.actor == officer
    assert entry.changes["title_ja"] == [None, "難民の子どもの日本語教室"]
    assert entry.changes["targets"][1][0][0] == "通う子ども"


def test_a_draft_saves_incomplete_but_needs_a_title(lg, officer):
    pledge = services.pledge_create(local_government=lg, actor=officer,
                                    data=PledgeInput(title_en="Only a title"))
    assert pledge.title_en == "Only a title" and not pledge.targets.exists()
    exc = refused(lg, officer, "title_ja", title_ja="", title_en="  ")
    assert codes(exc, "title_ja") == ["title_required"]


def test_update_replaces_targets_and_co_pledgers_and_audits_the_changes(lg, officer):
    pledge = PledgeFactory(local_government=lg)
    PledgeTargetFactory(pledge=pledge, indicator="古い指標")
    CoPledger.objects.create(pledge=pledge, organisation_name="旧団体")
    services.pledge_update(pledge=pledge, actor=officer, data=full(
        title_ja="新しい題", targets=(TargetInput(indicator="新しい指標",
                                                target_value=Decimal("12.5")),),
        co_pledgers=(CoPledgerInput(organisation_name="新団体"),)))
    pledge.refresh_from_db()
    assert pledge.title_ja == "新しい題"
    assert list(pledge.targets.values_list("indicator", "target_value")) == [
        ("新しい指標", Decimal("12.5"))]
    assert list(pledge.co_pledgers.values_list("organisation_name", flat=True)) == ["新団体"]
    entry = AuditEntry.objects.filter(action="pledge.update").get()
    assert entry.changes["title_ja"][1] == "新しい題"
    assert entry.changes["co_pledgers"] == [[[None, "旧団体"]], [[None, "新団体"]]]


def test_update_without_change_writes_no_audit_row(lg, officer):
    pledge = services.pledge_create(local_government=lg, actor=officer, data=full())
    services.pledge_update(pledge=pledge, actor=officer, data=full())
    assert actions(pledge) == ["pledge.create"]


def test_characters_are_kept_literally(lg, officer):
    text = "A & B <b>\"quoted\"</b> 'single' ＆ 〜"
    pledge = services.pledge_create(local_government=lg, actor=officer,
                                    data=full(title_en=text, description_en=text))
    pledge.refresh_from_db()
    assert pledge.title_en == text and pledge.description_en == text


# --- Who may write --------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["other_officer", "staff", "staff_without_totp", "nobody"])
def test_only_the_leads_officers_create(request, lg, who):
    actor = None if who == "nobody" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.pledge_create(local_government=lg, actor=actor, data=full())
    assert not Pledge.objects.exists()


@pytest.mark.parametrize("who", ["other_officer", "staff"])
def test_others_cannot_update_submit_withdraw_delete(request, lg, who):
    actor = request.getfixturevalue(who)
    pledge = PledgeFactory(local_government=lg)
    calls = [lambda: services.pledge_update(pledge=pledge, actor=actor, data=full()),
             lambda: services.pledge_submit(pledge=pledge, actor=actor),
             lambda: services.pledge_withdraw(pledge=pledge, actor=actor),
             lambda: services.pledge_delete(pledge=pledge, actor=actor)]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert Pledge.objects.get(pk=pledge.pk).status == "draft"
    assert not AuditEntry.objects.filter(action__startswith="pledge.").exists()


def test_a_co_pledgers_officer_cannot_edit_the_joint_pledge(lg, other_lg, other_officer):
    pledge = PledgeFactory(local_government=lg)
    CoPledger.objects.create(pledge=pledge, local_government=other_lg)
    with pytest.raises(PermissionDenied):
        services.pledge_update(pledge=pledge, actor=other_officer, data=full(title_ja="乗っ取り"))
    assert Pledge.objects.get(pk=pledge.pk).title_ja != "乗っ取り"


@pytest.mark.parametrize("status", ["submitted", "sent_to_gcr", "published"])
def test_only_editable_statuses_are_updated(lg, officer, status):
    extra = {"gcr_reference": "GRF-1"} if status == "published" else {}
    pledge = PledgeFactory(local_government=lg, status=status, **extra)
    with pytest.raises(ValidationError) as info:
        services.pledge_update(pledge=pledge, actor=officer, data=full(title_ja="変更"))
    assert info.value.code == "pledge_not_editable"
    with translation.override("en"):
        assert "cannot be changed here" in info.value.messages[0]
    with pytest.raises(ValidationError) as info:
        services.pledge_delete(pledge=pledge, actor=officer)
    assert info.value.code == "pledge_not_deletable"
    assert Pledge.objects.get(pk=pledge.pk).title_ja != "変更"


def test_a_returned_pledge_is_edited(lg, officer):
    pledge = PledgeFactory(local_government=lg, status="returned", review_comment="英語を")
    services.pledge_update(pledge=pledge, actor=officer, data=full(title_en="Fixed"))
    pledge.refresh_from_db()
    assert pledge.title_en == "Fixed" and pledge.status == "returned"


# --- Validation rules, each with its code -------------------------------------------------
@pytest.mark.parametrize("field, value, code", [
    ("title_ja", "題\x00", "null_characters"),
    ("title_en", "a\x07b", "control_characters"),
    ("title_en", "a\u202eb", "control_characters"),
    ("description_en", "x" * 5001, "max_length"),
    ("title_ja", "題" * 201, "max_length"),
    ("contact_email", "not an email", "invalid_email"),
    ("contact_email", "はなこ@city.example.jp", "email_local_part"),
    ("matches_gcr_reference", "r" * 301, "max_length"),
])
def test_text_rules(lg, officer, field, value, code):
    exc = refused(lg, officer, field, **{field: value})
    assert codes(exc, field) == [code]


def test_contact_email_is_normalised(lg, officer):
    pledge = services.pledge_create(local_government=lg, actor=officer, data=full(
        contact_email="Pledge@ＣＩＴＹ.fuchu.example"))
    assert pledge.contact_email == "Pledge@city.fuchu.example"


def test_end_before_start_and_years_out_of_range(lg, officer):
    exc = refused(lg, officer, "ends_on", starts_on=datetime.date(2030, 1, 1),
                  ends_on=datetime.date(2029, 1, 1))
    assert codes(exc, "ends_on") == ["end_before_start"]
    exc = refused(lg, officer, "starts_on", starts_on=datetime.date(1900, 1, 1))
    assert codes(exc, "starts_on") == ["date_out_of_range"]
    with translation.override("en"):
        assert "1900" in exc.error_dict["starts_on"][0].messages[0]


@pytest.mark.parametrize("amount, currency, field, code", [
    (Decimal("100"), "", "budget_currency", "budget_currency_required"),
    (None, "USD", "budget_amount", "budget_amount_required"),
    (Decimal("-1"), "USD", "budget_amount", "number_negative"),
    (Decimal("100.5"), "JPY", "budget_amount", "budget_decimals"),
    (Decimal("1.234"), "USD", "budget_amount", "budget_decimals"),
    (Decimal("1E+400"), "USD", "budget_amount", "number_too_large"),
    (Decimal("NaN"), "USD", "budget_amount", "number_not_finite"),
    (Decimal("Infinity"), "USD", "budget_amount", "number_not_finite"),
    (100.5, "USD", "budget_amount", "number_not_decimal"),
    (Decimal("100"), "XYZ", "budget_currency", "currency_invalid"),
    (Decimal("100"), "usd", "budget_currency", "currency_invalid"),
])
def test_budget_rules(lg, officer, amount, currency, field, code):
    exc = refused(lg, officer, field, budget_amount=amount, budget_currency=currency)
    assert code in codes(exc, field)


def test_budget_decimals_follow_the_currency(lg, officer):
    with translation.override("en"):
        exc = refused(lg, officer, "budget_amount", budget_amount=Decimal("1.5"),
                      budget_currency="JPY")
        assert "JPY" in exc.error_dict["budget_amount"][0].messages[0]
        assert "no decimals" in exc.error_dict["budget_amount"][0].messages[0]
    pledge = services.pledge_create(local_government=lg, actor=officer, data=full(
        budget_amount=Decimal("12500.50"), budget_currency="USD"))
    assert pledge.budget_amount == Decimal("12500.50")


@pytest.mark.parametrize("value, code", [
    (Decimal("NaN"), "number_not_finite"), (Decimal("-Infinity"), "number_not_finite"),
    (Decimal("1E+400"), "number_too_large"), (Decimal("1" * 21), "number_too_large"),
    (Decimal("1.12345"), "number_too_many_decimals"), (Decimal("-3"), "number_negative"),
    (3.5, "number_not_decimal"),
])
def test_target_values_are_finite_decimals(lg, officer, value, code):
    exc = refused(lg, officer, "targets", targets=(TargetInput(indicator="x",
                                                               target_value=value),))
    assert codes(exc, "targets") == [code]


def test_target_needs_an_indicator(lg, officer):
    exc = refused(lg, officer, "targets", targets=(TargetInput(indicator=" ",
                                                               target_value=Decimal(1)),))
    assert codes(exc, "targets") == ["target_invalid"]


def test_scope_and_countries(lg, officer):
    exc = refused(lg, officer, "countries", scope="countries", countries=())
    assert codes(exc, "countries") == ["countries_required"]
    exc = refused(lg, officer, "countries", scope="local",
                  countries=tuple(Country.objects.filter(code="TR")))
    assert codes(exc, "countries") == ["countries_not_named"]
    exc = refused(lg, officer, "scope", scope="moon")
    assert codes(exc, "scope") == ["scope_invalid"]
    pledge = services.pledge_create(local_government=lg, actor=officer, data=full(
        scope="countries", countries=tuple(Country.objects.filter(code__in=["TR", "UG"]))))
    assert sorted(pledge.countries.values_list("code", flat=True)) == ["TR", "UG"]


@pytest.mark.parametrize("forum", ["none", "grf_2019"])
def test_multistakeholder_pledges_only_from_grf_2023(lg, officer, forum):
    msp = MultistakeholderPledge.objects.filter(key="call_to_local_action")
    exc = refused(lg, officer, "multistakeholder_pledges", forum=forum,
                  multistakeholder_pledges=tuple(msp))
    assert codes(exc, "multistakeholder_pledges") == ["multistakeholder_forum"]
    for ok in ("grf_2023", "next_grf"):
        pledge = services.pledge_create(local_government=lg, actor=officer, data=full(
            forum=ok, multistakeholder_pledges=tuple(msp)))
        assert pledge.multistakeholder_pledges.get().key == "call_to_local_action"


def test_forged_kinds_objectives_forum(lg, officer):
    assert codes(refused(lg, officer, "kinds", kinds=("bribe",)), "kinds") == ["kind_invalid"]
    assert codes(refused(lg, officer, "objectives", objectives=("x",)), "objectives") == [
        "objective_invalid"]
    assert codes(refused(lg, officer, "forum", forum="grf_1999"), "forum") == ["forum_invalid"]


def test_inactive_area_only_when_already_on_the_pledge(lg, officer):
    area = AreaOfFocus.objects.create(key="old", name_ja="旧", name_en="Old", active=False)
    exc = refused(lg, officer, "areas", areas=(area,))
    assert codes(exc, "areas") == ["area_inactive"]
    pledge = PledgeFactory(local_government=lg)
    pledge.areas.add(area)
    services.pledge_update(pledge=pledge, actor=officer, data=full(areas=(area,)))
    assert list(pledge.areas.all()) == [area]


def test_co_pledger_rules(lg, officer, other_lg):
    exc = refused(lg, officer, "co_pledgers",
                  co_pledgers=(CoPledgerInput(local_government=lg),))
    assert codes(exc, "co_pledgers") == ["co_pledger_is_lead"]
    exc = refused(lg, officer, "co_pledgers", co_pledgers=(
        CoPledgerInput(local_government=other_lg), CoPledgerInput(local_government=other_lg)))
    assert codes(exc, "co_pledgers") == ["co_pledger_twice"]
    exc = refused(lg, officer, "co_pledgers", co_pledgers=(
        CoPledgerInput(local_government=other_lg, organisation_name="両方"),))
    assert codes(exc, "co_pledgers") == ["co_pledger_invalid"]
    exc = refused(lg, officer, "co_pledgers", co_pledgers=(
        CoPledgerInput(organisation_name="NPO\x00"),))
    assert codes(exc, "co_pledgers") == ["null_characters"]


def test_matches_a_public_pledge_never_itself(lg, officer, other_lg):
    draft = PledgeFactory(local_government=other_lg)
    exc = refused(lg, officer, "matches", matches=draft)
    assert codes(exc, "matches") == ["matches_not_public"]
    public = PledgeFactory(local_government=other_lg, status="sent_to_gcr")
    pledge = services.pledge_create(local_government=lg, actor=officer,
                                    data=full(matches=public))
    assert pledge.matches == public
    mine = PledgeFactory(local_government=lg, status="returned")
    mine_public = Pledge.objects.get(pk=mine.pk)
    mine_public.status = "sent_to_gcr"  # as if it were public: still not itself
    with pytest.raises(ValidationError) as info:
        services.pledge_update(pledge=mine, actor=officer, data=full(matches=mine_public))
    assert codes(info.value, "matches") == ["matches_itself"]


def test_nothing_is_half_saved(lg, officer):
    pledge = PledgeFactory(local_government=lg, title_ja="元の題")
    PledgeTargetFactory(pledge=pledge)
    with pytest.raises(ValidationError):
        services.pledge_update(pledge=pledge, actor=officer, data=full(
            title_ja="新しい題", targets=(TargetInput(indicator="x",
                                                    target_value=Decimal("NaN")),)))
    pledge.refresh_from_db()
    assert pledge.title_ja == "元の題" and pledge.targets.count() == 1


# --- Submit, withdraw, delete ---------------------------------------------------------------
def test_submit_refused_while_the_checklist_is_incomplete(lg, officer):
    pledge = services.pledge_create(local_government=lg, actor=officer,
                                    data=PledgeInput(title_ja="題だけ"))
    with pytest.raises(ValidationError) as info, translation.override("en"):
        services.pledge_submit(pledge=pledge, actor=officer)
    assert info.value.code == "pledge_incomplete"
    assert "targets" in info.value.params["missing"]
    assert "title_en" in info.value.params["missing"]
    with translation.override("en"):
        assert "At least one measurable target" in info.value.messages[0]
    assert Pledge.objects.get(pk=pledge.pk).status == "draft"


def test_submit_withdraw_and_submit_again(lg, officer):
    pledge = services.pledge_create(local_government=lg, actor=officer, data=full())
    services.pledge_submit(pledge=pledge, actor=officer)
    assert pledge.status == "submitted" and pledge.submitted_at is not None
    with pytest.raises(ValidationError) as info:
        services.pledge_submit(pledge=pledge, actor=officer)
    assert info.value.code == "pledge_not_submittable"
    services.pledge_withdraw(pledge=pledge, actor=officer)
    assert pledge.status == "draft"
    with pytest.raises(ValidationError) as info:
        services.pledge_withdraw(pledge=pledge, actor=officer)
    assert info.value.code == "pledge_not_withdrawable"
    services.pledge_submit(pledge=pledge, actor=officer)
    assert actions(pledge) == ["pledge.create", "pledge.submit", "pledge.withdraw",
                               "pledge.submit"]
    entry = audit_history(pledge).filter(action="pledge.withdraw").get()
    assert (entry.from_state, entry.to_state) == ("submitted", "draft")


def test_a_returned_pledge_is_submitted_again(lg, officer):
    pledge = PledgeFactory(local_government=lg, status="returned")
    PledgeTargetFactory(pledge=pledge)
    services.pledge_submit(pledge=pledge, actor=officer)
    assert pledge.status == "submitted"


def test_delete_a_draft_keeps_its_audit_history(lg, officer):
    pledge = PledgeFactory(local_government=lg, title_ja="消す下書き")
    PledgeTargetFactory(pledge=pledge)
    pk = pledge.pk
    services.pledge_delete(pledge=pledge, actor=officer)
    assert not Pledge.objects.filter(pk=pk).exists()
    assert not PledgeTarget.objects.filter(pledge_id=pk).exists()
    entry = AuditEntry.objects.get(action="pledge.delete")
    assert entry.object_id == str(pk) and entry.to_state == "deleted"
    assert entry.changes["title_ja"] == ["消す下書き", None]


# --- Start from a public pledge -------------------------------------------------------------
def test_start_from_copies_the_public_pledge_but_not_its_contact(lg, other_lg, officer):
    source = PledgeFactory(local_government=other_lg, status="published",
                           gcr_reference="GRF-9", scope="countries",
                           contact_name="調布の担当", forum="grf_2023",
                           review_comment="ok", budget_amount=Decimal("10"),
                           budget_currency="USD")
    source.countries.set(Country.objects.filter(code="TR"))
    source.multistakeholder_pledges.set(MultistakeholderPledge.objects.filter(
        key="call_to_local_action"))
    PledgeTargetFactory(pledge=source, indicator="受け入れ人数")
    CoPledger.objects.create(pledge=source, organisation_name="NPO")
    pledge = services.pledge_start_from(source=source, local_government=lg, actor=officer)
    assert pledge.local_government == lg and pledge.status == "draft"
    assert pledge.copied_from == source and pledge.title_ja == source.title_ja
    assert pledge.kind_policy and pledge.objective_self_reliance
    assert [a.key for a in pledge.areas.all()] == ["education"]
    assert [c.code for c in pledge.countries.all()] == ["TR"]
    assert [t.indicator for t in pledge.targets.all()] == ["受け入れ人数"]
    assert pledge.forum == "grf_2023" and pledge.multistakeholder_pledges.count() == 1
    assert pledge.contact_name == "" and pledge.contact_email == ""
    assert not pledge.co_pledgers.exists() and pledge.review_comment == ""
    assert pledge.gcr_reference == "" and pledge.budget_amount is None
    assert actions(pledge) == ["pledge.start_from"]


@pytest.mark.parametrize("status", ["draft", "submitted", "returned"])
def test_start_from_only_a_public_pledge(lg, other_lg, officer, status):
    source = PledgeFactory(local_government=other_lg, status=status)
    with pytest.raises(ValidationError) as info:
        services.pledge_start_from(source=source, local_government=lg, actor=officer)
    assert info.value.code == "pledge_not_public"


def test_start_from_for_another_city_is_refused(lg, other_lg, other_officer):
    source = PledgeFactory(local_government=jp("131016"), status="sent_to_gcr")
    with pytest.raises(PermissionDenied):
        services.pledge_start_from(source=source, local_government=lg, actor=other_officer)
