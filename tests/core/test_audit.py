"""The one audit trail: staff edits of plain records through core.services (and so through
every admin that uses AuditedAdminMixin), the history page of a record, and the read-only
list of the whole trail."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import SignatureFactory, StaffFactory, SuperuserFactory
from withrefugees.campaign import services
from withrefugees.campaign.models import RejectionReason, Signature, StatementText, StatementVersion
from withrefugees.core.audit import audit_history
from withrefugees.core.models import AuditEntry
from withrefugees.core.services import audited_fields, staff_edit_delete, staff_edit_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    from tests.factories import give_totp

    root = get_user_model().objects.create_superuser(email="root@unhcr.example",
                                                     password="correct horse battery")
    give_totp(root)  # the admin needs a second factor
    return root


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def rows(record):
    return list(audit_history(record).values_list("action", "actor", "changes", "note"))


# --- services ------------------------------------------------------------------------------
def test_staff_edit_save_audits_creation_change_and_nothing_for_no_change(superuser):
    reason = RejectionReason(label_ja="重複", label_en="Duplicate", position=9)
    staff_edit_save(instance=reason, actor=superuser, note="new reason")
    assert rows(reason) == [("rejectionreason.create", superuser.pk,
                             {"label_ja": [None, "重複"], "label_en": [None, "Duplicate"],
                              "is_active": [None, True], "position": [None, 9]},
                             "new reason")]
    reason.label_en = "Duplicate signature"  # as an admin form leaves the instance
    reason.is_active = False
    assert staff_edit_save(instance=reason, actor=superuser).action == "rejectionreason.update"
    assert rows(reason)[-1] == ("rejectionreason.update", superuser.pk,
                                {"label_en": ["Duplicate", "Duplicate signature"],
                                 "is_active": [True, False]}, "")
    assert staff_edit_save(instance=reason, actor=superuser) is None  # saved, nothing new
    assert len(rows(reason)) == 2


def test_staff_edit_save_writes_nothing_when_the_save_is_refused(superuser):
    text = StatementVersion.objects.get(is_current=True).texts.get(language="ja")
    SignatureFactory(statement_text=text)
    text.body = text.body + " changed"
    with pytest.raises(ValidationError):
        staff_edit_save(instance=text, actor=superuser)
    assert not audit_history(text).exists()


def test_staff_edit_delete_keeps_the_last_values_in_the_trail(superuser):
    reason = RejectionReason.objects.create(label_ja="古い", label_en="Old")
    pk = reason.pk
    entry = staff_edit_delete(instance=reason, actor=superuser, note="unused")
    assert not RejectionReason.objects.filter(pk=pk).exists()
    entry.refresh_from_db()
    assert (entry.action, entry.object_id, entry.note) == ("rejectionreason.delete", str(pk),
                                                           "unused")
    assert entry.changes["label_en"] == ["Old", None]


def test_audited_fields_leave_out_the_automatic_ones():
    assert "created_at" not in audited_fields(StatementVersion)
    assert "id" not in audited_fields(StatementVersion)
    assert {"number", "is_current", "note"} <= set(audited_fields(StatementVersion))
    assert {"title", "body"} <= set(audited_fields(StatementText))
    assert "content_hash" not in audited_fields(StatementText)  # derived from the two


# --- admin edits go through the services ---------------------------------------------------
def test_admin_change_form_list_edit_and_delete_leave_rows(admin_client, superuser):
    reason = RejectionReason.objects.create(label_ja="旧", label_en="Old", position=5)
    url = reverse("admin:campaign_rejectionreason_change", args=[reason.pk])
    response = admin_client.post(url, {"label_ja": "旧", "label_en": "New", "is_active": "on",
                                       "position": 5})
    assert response.status_code == 302
    assert rows(reason) == [("rejectionreason.update", superuser.pk,
                             {"label_en": ["Old", "New"]}, "")]

    changelist = reverse("admin:campaign_rejectionreason_changelist")
    reasons = list(RejectionReason.objects.order_by("position", "pk"))
    data = {"form-TOTAL_FORMS": len(reasons), "form-INITIAL_FORMS": len(reasons),
            "_save": "Save"}
    for i, r in enumerate(reasons):
        data[f"form-{i}-id"] = r.pk
        data[f"form-{i}-position"] = r.position
        if r.is_active and r.pk != reason.pk:
            data[f"form-{i}-is_active"] = "on"
    assert admin_client.post(changelist, data).status_code == 302
    assert rows(reason)[-1][:3] == ("rejectionreason.update", superuser.pk,
                                    {"is_active": [True, False]})

    delete = reverse("admin:campaign_rejectionreason_delete", args=[reason.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert rows(reason)[-1][0] == "rejectionreason.delete"


def test_admin_delete_action_goes_through_the_service(admin_client):
    reason = RejectionReason.objects.create(label_ja="消す", label_en="Gone")
    admin_client.post(reverse("admin:campaign_rejectionreason_changelist"), {
        "action": "delete_selected", "_selected_action": [reason.pk], "post": "yes"})
    assert not RejectionReason.objects.filter(pk=reason.pk).exists()
    assert rows(reason)[-1][0] == "rejectionreason.delete"


def test_statement_version_with_inline_text_and_make_current_are_audited(admin_client,
                                                                          superuser):
    response = admin_client.post(reverse("admin:campaign_statementversion_add"), {
        "number": 2, "note": "v2",
        "texts-TOTAL_FORMS": 1, "texts-INITIAL_FORMS": 0,
        "texts-0-language": "ja", "texts-0-title": "第2版", "texts-0-body": "本文",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    version = StatementVersion.objects.get(number=2)
    text = version.texts.get()
    assert rows(version)[0][0] == "statementversion.create"
    assert rows(text)[0][0] == "statementtext.create"
    assert rows(text)[0][2]["title"] == [None, "第2版"]

    admin_client.post(reverse("admin:campaign_statementversion_changelist"), {
        "action": "make_current", "_selected_action": [version.pk]})
    version.refresh_from_db()
    assert version.is_current
    assert rows(version)[-1][:2] == ("statementversion.make_current", superuser.pk)

    history = admin_client.get(reverse("admin:campaign_statementversion_history",
                                       args=[version.pk])).content.decode()
    assert "statementversion.make_current" in history and "1 → 2" in history
    assert "statementtext.create" in history and "第2版" in history  # the text's row too


def test_places_admin_edit_is_audited(admin_client, superuser):
    from tests.factories import jp

    lg = jp("131130")
    url = reverse("admin:places_localgovernment_change", args=[lg.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(name_en="Shibuya (edited)", country=lg.country_id, region=lg.region_id)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert rows(lg)[-1][:3] == ("localgovernment.update", superuser.pk,
                                {"name_en": [lg.name_en, "Shibuya (edited)"]})


# --- reading the trail ---------------------------------------------------------------------
def test_history_page_lists_who_when_what_fields_and_note(admin_client, superuser):
    reason = RejectionReason.objects.create(label_ja="旧", label_en="Old")
    reason.label_en = "Brand new"
    staff_edit_save(instance=reason, actor=superuser, note="clearer wording")
    page = admin_client.get(reverse("admin:campaign_rejectionreason_history",
                                    args=[reason.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "root@unhcr.example" in body and "rejectionreason.update" in body
    assert "reason (english)" in body.lower() or "理由（英語）" in body  # the field's verbose name
    assert "Old → Brand new" in body and "clearer wording" in body


def test_history_page_needs_view_permission(client):
    reason = RejectionReason.objects.create(label_ja="旧", label_en="Old")
    url = reverse("admin:campaign_rejectionreason_history", args=[reason.pk])
    client.force_login(StaffFactory(roles=[]))
    assert client.get(url).status_code == 403
    client.force_login(StaffFactory())  # the reviewer role may view reasons
    assert client.get(url).status_code == 200


def test_audit_trail_list_is_read_only_and_filters_by_action_and_kind(client):
    reviewer = StaffFactory()
    client.force_login(reviewer)
    reason = RejectionReason.objects.create(label_ja="旧", label_en="Old")
    reason.label_en = "Filtered"
    staff_edit_save(instance=reason, actor=reviewer)
    url = reverse("admin:core_auditentry_changelist")

    def listed(**params) -> set[str]:
        response = client.get(url, params)
        assert response.status_code == 200
        return {entry.action for entry in response.context["cl"].result_list}

    assert listed(action="rejectionreason.update") == {"rejectionreason.update"}
    assert listed(q="渋谷区") == {"signature.seed"}  # search by record
    entry = AuditEntry.objects.filter(action="rejectionreason.update").get()
    assert listed(content_type__id__exact=entry.content_type_id) == {"rejectionreason.update"}
    assert {"signature.seed", "rejectionreason.update"} <= listed()
    detail = client.get(reverse("admin:core_auditentry_change", args=[entry.pk]))
    assert detail.status_code == 200 and "Filtered" in detail.content.decode()
    assert client.post(reverse("admin:core_auditentry_change", args=[entry.pk]),
                       {"note": "forged"}).status_code == 403
    assert client.get(reverse("admin:core_auditentry_add")).status_code == 403
    assert client.post(reverse("admin:core_auditentry_delete", args=[entry.pk]),
                       {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.note == ""


def test_audit_trail_list_needs_its_permission(client):
    client.force_login(StaffFactory(roles=[]))
    assert client.get(reverse("admin:core_auditentry_changelist")).status_code == 403


def test_a_password_hash_never_enters_the_trail(superuser):
    user = get_user_model().objects.create_user(email="someone@unhcr.example",
                                                password="first password 1")
    user.set_password("second password 2")
    entry = staff_edit_save(instance=user, actor=superuser)
    assert entry.changes == {"password": ["[redacted]", "[redacted]"]}
    assert "pbkdf2" not in str(AuditEntry.objects.filter(object_id=str(user.pk)).values())


def test_audit_trail_list_shows_only_kinds_of_record_the_user_may_view(client):
    """Found by review: the trail showed reviewers the diffs of records they cannot view."""
    from withrefugees.accounts.models import User
    from withrefugees.core.audit import audit_record

    user = User.objects.create_user("someone@city.example.jp", "x" * 16)
    audit_record(target=user, action="user.update", changes={"is_staff": [False, True]})
    reason = RejectionReason.objects.create(label_ja="Visible reason", label_en="Visible reason")
    audit_record(target=reason, action="rejectionreason.update")
    client.force_login(StaffFactory())  # the reviewer role: no view_user
    body = client.get(reverse("admin:core_auditentry_changelist")).content.decode()
    assert "Visible reason" in body and "someone@city.example.jp" not in body
    client.force_login(SuperuserFactory())
    body = client.get(reverse("admin:core_auditentry_changelist")).content.decode()
    assert "someone@city.example.jp" in body


def test_rows_of_a_deleted_account_still_say_which_account_acted(client):
    """Found by review: deleting a staff account made its actions anonymous."""
    from withrefugees.accounts.models import User
    from withrefugees.core.audit import audit_history

    reviewer = StaffFactory()
    signature = SignatureFactory(status=Signature.Status.PENDING)
    services.signature_publish(signature=signature, actor=reviewer)
    admin = SuperuserFactory()
    client.force_login(admin)
    response = client.post(f"/en/admin/accounts/user/{reviewer.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not User.objects.filter(pk=reviewer.pk).exists()
    published = audit_history(signature).get(action="signature.publish")
    assert published.actor is None and published.actor_pk == reviewer.pk
    assert published.actor_label == f"a former officer (#{reviewer.pk})"
    # (deleted through accounts.services.account_delete: the address leaves, masked)
    from withrefugees.core.outbox import mask_address

    deleted = audit_history(reviewer).get(action="account.delete")
    assert deleted.actor == admin
    assert deleted.changes["email"] == [mask_address(reviewer.email), None]
    history = client.get(f"/en/admin/campaign/signature/{signature.pk}/history/")
    assert f"a former officer (#{reviewer.pk})" in history.content.decode()


def test_records_deleted_by_a_cascade_get_their_own_audit_rows(client):
    """Found by review: deleting a local government removed its profile without a trace."""
    from withrefugees.core.audit import audit_history
    from withrefugees.places.models import Country
    from withrefugees.places.services import local_government_submit
    from withrefugees.profiles.services import SocialAccountInput, profile_update

    admin = SuperuserFactory()
    lg = local_government_submit(name="Testville", country=Country.objects.get(pk="GB"))
    profile = profile_update(local_government=lg, actor=admin, public_name_en="X town",
                             social_accounts=[SocialAccountInput("x", "https://x.com/xt")])
    account = profile.social_accounts.get()
    client.force_login(admin)
    response = client.post(f"/en/admin/places/localgovernment/{lg.pk}/delete/",
                           {"post": "yes"})
    assert response.status_code == 302
    assert audit_history(lg).last().action == "localgovernment.delete"
    for record, action in ((profile, "profile.delete"), (account, "socialaccount.delete")):
        row = audit_history(record).last()
        assert row.action == action and row.actor == admin and "Testville" in row.note
    assert audit_history(profile).last().changes["public_name_en"] == ["X town", None]
