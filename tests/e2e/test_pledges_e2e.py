"""Browser tests of step 4 (issue 10, "Done when"), in headless Chromium against the live
server with a real SMTP sink: an officer drafts a pledge in the builder, downloads its Word
document (read back by mammoth, an independent reader) and submits it; staff (password and
authenticator code) approve it on the review page; the email with the Word documents reaches
the SMTP sink at the GCR address; staff record its GCR reference (published); the officer
files a progress report; the public browser, the pledge page and the profile show it.
axe-core finds no violations on the builder (empty, with errors, filled), the progress page,
the pledge page and the browser, in ja and en."""

import io

import pytest

# The browser, page, live-server and SMTP fixtures of the step 1 browser tests.
from tests.e2e.test_e2e import axe_violations, browser, site, smtp_sink  # noqa: F401
from tests.e2e.test_events_e2e import _staff_page
from tests.e2e.test_workspace_e2e import _signed_in_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Characters an officer types that XML and HTML must keep literally.
TITLE = "難民の子どもの日本語教室＆学習支援 <府中> \"Fuchu\" & 'friends'"
DESCRIPTION = "市内の小中学校で、難民の子どもに日本語の補習教室を開きます。"
TARGET = "日本語教室に通う難民の子ども"
GCR_REFERENCE = "GRF-2027-0042"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def officer_of_a_signatory(site, settings):  # noqa: F811
    from django.contrib.auth import get_user_model

    from tests.factories import SignatureFactory
    from withrefugees.accounts.models import Membership

    settings.GCR_PLEDGE_EMAIL = "gcr-pledges@unhcr.example"
    from tests.factories import load_pledge_vocabulary

    load_pledge_vocabulary()  # an earlier browser test emptied the database
    signature = SignatureFactory(status="published", published_at="2026-06-20T10:00:00+09:00",
                                 signed_on="2026-06-01", signed_on_precision="day")
    officer = get_user_model().objects.create_user(email="hanako@city.fuchu.tokyo.jp",
                                                   full_name="府中花子")
    Membership.objects.create(user=officer, local_government=signature.local_government)
    return officer, signature.local_government


def _docx_text(content: bytes) -> str:
    import mammoth

    return mammoth.extract_raw_text(io.BytesIO(content)).value


def _fill_builder(page, *, education_pk: int, local_action_pk: int) -> None:
    page.fill("#id_title_ja", TITLE)
    page.fill("#id_title_en", "Japanese classes for refugee children")
    page.fill("#id_description_ja", DESCRIPTION)
    page.fill("#id_description_en", "Japanese support classes for refugee children.")
    page.fill("#id_expected_impact_ja", "難民の子どもが学校で学び続けられる。")
    page.fill("#id_expected_impact_en", "Refugee children keep learning at school.")
    page.locator("input[name=kinds][value=policy]").check()
    page.locator("input[name=objectives][value=self_reliance]").check()
    page.locator(f"input[name=areas][value='{education_pk}']").check()
    page.locator("input[name=scope][value=local]").check()
    page.fill("#id_starts_on", "2027-04-01")
    page.fill("#id_ends_on", "2030-03-31")
    page.fill("#id_targets-0-indicator", TARGET)
    page.fill("#id_targets-0-target_value", "30")
    page.fill("#id_targets-0-unit", "人")
    page.fill("#id_targets-0-target_date", "2030-03-31")
    page.fill("#id_contact_name", "府中 花子")
    page.fill("#id_contact_email", "pledge@city.fuchu.tokyo.jp")
    page.locator("input[name=forum][value=next_grf]").check()
    page.locator(f"input[name=multistakeholder_pledges][value='{local_action_pk}']").check()


def test_pledge_drafted_approved_sent_to_the_gcr_published_and_reported(
        site, smtp_sink, browser, officer_of_a_signatory):  # noqa: F811
    from withrefugees.pledges.models import AreaOfFocus, MultistakeholderPledge, Pledge

    officer, lg = officer_of_a_signatory
    workspace = _signed_in_page(browser, officer, site, "ja")

    # 1. The officer drafts the pledge in the builder and saves it.
    workspace.goto(f"{site.url}/ja/workspace/{lg.pk}/pledges/new/")
    _fill_builder(workspace, education_pk=AreaOfFocus.objects.get(key="education").pk,
                  local_action_pk=MultistakeholderPledge.objects.get(
                      key="call_to_local_action").pk)
    workspace.locator("#pledge-form button[name=save]").click()
    workspace.wait_for_load_state()
    pledge = Pledge.objects.get(title_ja=TITLE)
    assert pledge.status == "draft" and pledge.targets.get().indicator == TARGET
    assert list(pledge.areas.values_list("key", flat=True)) == ["education"]

    # 2. Its Word document, downloaded from the builder, read back by mammoth.
    with workspace.expect_download() as download:
        workspace.locator(f"a[href$='/pledges/{pledge.pk}/pledge-ja.docx']").first.click()
    text = _docx_text(open(download.value.path(), "rb").read())
    assert TITLE in text and DESCRIPTION in text and TARGET in text

    # 3. Submitted to UNHCR (saved first: nothing typed is lost); not public yet.
    workspace.locator("#pledge-form button[name=submit_now]").click()
    workspace.wait_for_load_state()
    pledge.refresh_from_db()
    assert pledge.status == "submitted"
    visitor = browser.new_context(locale="ja-JP").new_page()
    assert visitor.goto(f"{site.url}/ja/pledges/{pledge.pk}/").status == 404

    # 4. Staff approve it on its review page: the Word documents go to the GCR mailbox.
    staff = _staff_page(browser, site)
    staff.goto(f"{site.url}/ja/admin/pledges/pledge/{pledge.pk}/review/")
    staff.locator("button[name=action][value=approve]").click()
    staff.wait_for_load_state()
    pledge.refresh_from_db()
    assert pledge.status == "sent_to_gcr"
    to_gcr = None
    for count in range(1, 4):
        message = smtp_sink.wait_for(count)
        if message["To"] == "gcr-pledges@unhcr.example":
            to_gcr = message
            break
    assert to_gcr is not None, [m["To"] for m in smtp_sink.messages]
    attachments = {part.get_filename(): part for part in to_gcr.iter_attachments()}
    assert attachments and all(p.get_content_type() == DOCX for p in attachments.values())
    texts = [_docx_text(part.get_payload(decode=True)) for part in attachments.values()]
    assert any(TITLE in t and DESCRIPTION in t for t in texts)
    pledge.refresh_from_db()
    assert pledge.sent_to_gcr_at is not None  # recorded when the server accepted it

    # 5. Staff record the GCR reference: published.
    staff.goto(f"{site.url}/ja/admin/pledges/pledge/{pledge.pk}/review/")
    staff.fill("#id_gcr-gcr_reference", GCR_REFERENCE)
    staff.locator("button[name=action][value=publish]").click()
    staff.wait_for_load_state()
    pledge.refresh_from_db()
    assert pledge.status == "published" and pledge.gcr_reference == GCR_REFERENCE

    # 6. The officer files a progress report.
    workspace.goto(f"{site.url}/ja/workspace/{lg.pk}/pledges/{pledge.pk}/progress/")
    workspace.locator("input[name=status][value=in_progress]").check()
    workspace.fill("#id_narrative", "2校で教室を開き、12人が通っています。")
    workspace.locator("form.pledge-progress-form input[name^=value_]").first.fill("12")
    workspace.locator("form.pledge-progress-form button[type=submit]").click()
    workspace.wait_for_load_state()
    pledge.refresh_from_db()
    assert pledge.progress_status == "in_progress"

    # 7. The public browser lists it, its page shows the progress, the profile step 4.
    visitor.goto(f"{site.url}/ja/pledges/")
    assert visitor.get_by_role("link", name=TITLE).count() >= 1
    visitor.goto(f"{site.url}/ja/pledges/{pledge.pk}/")
    main = visitor.locator("main").inner_text()
    assert TITLE in main and GCR_REFERENCE in main and "12人が通っています" in main
    assert "pledge@city.fuchu.tokyo.jp" not in visitor.content()  # the contact is private
    visitor.goto(f"{site.url}/ja/signatories/{lg.pk}/")
    assert visitor.get_by_role("link", name=TITLE).count() >= 1
    # The dashboard: step 4 done.
    workspace.goto(f"{site.url}/ja/workspace/{lg.pk}/")
    assert "status-done" in workspace.locator("tr.step-pledge").get_attribute("class")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_step_4_pages_have_no_axe_violations(site, browser, officer_of_a_signatory,  # noqa: F811
                                             lang):
    from django.utils import timezone

    from tests.factories import PledgeFactory, PledgeTargetFactory
    from withrefugees.pledges.services_progress import progress_report_file

    officer, lg = officer_of_a_signatory
    published = PledgeFactory(local_government=lg, status="published",
                              gcr_reference="GRF-1", published_at=timezone.now(),
                              submitted_at=timezone.now(), reviewed_at=timezone.now())
    target = PledgeTargetFactory(pledge=published)
    progress_report_file(pledge=published, actor=officer, status="in_progress",
                         narrative="2校で開講。", reported_on=timezone.localdate(),
                         values={target.pk: 12})
    draft = PledgeFactory(local_government=lg)
    workspace = _signed_in_page(browser, officer, site, lang)
    found = {}

    def check(page, name):
        page.wait_for_load_state()
        violations = axe_violations(page)
        if violations:
            found[name] = violations

    base = f"{site.url}/{lang}/workspace/{lg.pk}/pledges"
    for name, path in [("list", "/"), ("builder empty", "/new/"),
                       ("builder draft", f"/{draft.pk}/"),
                       ("published (read only)", f"/{published.pk}/"),
                       ("progress", f"/{published.pk}/progress/")]:
        workspace.goto(base + path)
        check(workspace, name)
    # The builder with errors: an end before the start, a bad amount.
    workspace.goto(base + f"/{draft.pk}/")
    workspace.fill("#id_starts_on", "2030-01-01")
    workspace.fill("#id_ends_on", "2029-01-01")
    workspace.fill("#id_budget_amount", "12,5x")
    workspace.locator("#pledge-form button[name=save]").click()
    check(workspace, "builder with errors")
    assert workspace.locator(".error-summary").count() == 1
    # The focus is on the error summary (a keyboard or screen reader user hears it).
    assert workspace.evaluate("document.activeElement.id") == "error-summary"
    # The progress form with errors.
    workspace.goto(base + f"/{published.pk}/progress/")
    workspace.fill("#id_reported_on", "2999-01-01")
    workspace.locator("form.pledge-progress-form button[type=submit]").click()
    check(workspace, "progress with errors")
    assert workspace.evaluate("document.activeElement.id") == "error-summary"

    visitor = browser.new_context(locale="ja-JP" if lang == "ja" else "en-GB").new_page()
    for name, path in [("browser", "/pledges/"),
                       ("browser filtered", "/pledges/?area=education&status=in_progress"),
                       ("browser searched", "/pledges/?q=%E6%97%A5%E6%9C%AC%E8%AA%9E"),
                       ("pledge page", f"/pledges/{published.pk}/"),
                       ("profile", f"/signatories/{lg.pk}/")]:
        response = visitor.goto(f"{site.url}/{lang}{path}")
        assert response.status == 200, path
        check(visitor, name)
    assert visitor.locator("main").count() == 1
    assert not found, found
