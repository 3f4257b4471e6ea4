"""Posted links through the pages: the workspace list and form, removal with a confirmation,
the dashboard's step 2, the public profile's step 2 section, the admin's hide and show; who
may do what; queries that do not grow with the number of links."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import StaffFactory
from withrefugees.core.models import AuditEntry
from withrefugees.social import services
from withrefugees.social.models import PostedLink

pytestmark = pytest.mark.django_db

POST = "https://x.com/fuchu_city/status/1790000000000000001"


def url(name: str, *args, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse(name, args=args)


def add(lg, actor, address=POST, *, days_ago: int = 0) -> PostedLink:
    link = services.posted_link_add(local_government=lg, url=address, actor=actor)
    if days_ago:
        PostedLink.objects.filter(pk=link.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago))
        link.refresh_from_db()
    return link


def html_of(response) -> str:
    return response.content.decode()


# --- The list and the form ------------------------------------------------------------------
def test_an_officer_records_a_post_and_sees_it_listed(client, lg, officer):
    client.force_login(officer)
    page = client.get(url("workspace:posted_links", lg.pk))
    assert page.status_code == 200
    assert "No post has been recorded yet." in html_of(page)
    response = client.post(url("workspace:posted_links", lg.pk),
                           {"url": " https://twitter.com/fuchu_city/status/"
                                   "1790000000000000001?s=20 "}, follow=True)
    assert response.redirect_chain[-1] == (url("workspace:posted_links", lg.pk), 302)
    html = html_of(response)
    assert "Your post on X has been recorded." in html
    assert f'href="{POST}" rel="nofollow noopener noreferrer"' in html
    assert "Shown" in html and "府中花子" in html
    assert PostedLink.objects.get().added_by == officer


@pytest.mark.parametrize("typed, words", [
    ("https://x.com/fuchu_city", "not of one post"),
    ("javascript:alert(1)", "“javascript:”"),
    ("https://example.org/<b>1</b>", "is not one of the social networks"),
    ("", "Enter the address (URL) of the post."),
])
def test_a_refused_address_is_shown_again_with_the_reason(client, lg, officer, typed, words):
    client.force_login(officer)
    response = client.post(url("workspace:posted_links", lg.pk), {"url": typed})
    assert response.status_code == 400
    html = html_of(response)
    assert words in html
    field = re.search(r"<input [^>]*name=\"url\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in field and "id_url_error" in field
    if typed:
        from django.utils.html import escape

        assert f'value="{escape(typed)}"' in field  # what was typed, kept (and escaped)
    assert "<b>1</b>" not in html
    assert not PostedLink.objects.exists()


def test_the_same_post_twice_says_it_is_already_listed(client, lg, officer):
    add(lg, officer)
    client.force_login(officer)
    response = client.post(url("workspace:posted_links", lg.pk),
                           {"url": "https://mobile.twitter.com/fuchu_city/status/"
                                   "1790000000000000001"})
    assert response.status_code == 400
    assert "already in the list" in html_of(response)


def test_the_page_is_in_japanese_by_default(client, lg, officer):
    client.force_login(officer)
    html = html_of(client.get(url("workspace:posted_links", lg.pk, lang="ja")))
    assert '<html lang="ja">' in html and "府中市" in html


def test_the_tables_post_column_is_not_the_steps_title(client, lg, officer):
    """"Post" the column (a post on social media) is another msgid than "Post" the step
    (ja: SNSで発信), by its context (issue 8 test round)."""
    from django.utils.translation import gettext, pgettext

    add(lg, officer)
    client.force_login(officer)
    html = html_of(client.get(url("workspace:posted_links", lg.pk, lang="ja")))
    header = re.search(r'<thead><tr><th scope="col">([^<]*)</th>', html).group(1)
    with translation.override("ja"):
        assert header == pgettext("a post on social media, table column", "Post")
        assert header != gettext("Post") == "SNSで発信"


def test_hidden_links_show_the_reason_to_officers(client, lg, officer, staff):
    link = add(lg, officer)
    services.posted_link_hide(link=link, actor=staff, reason="Not about refugees.")
    client.force_login(officer)
    html = html_of(client.get(url("workspace:posted_links", lg.pk)))
    assert "Hidden by UNHCR" in html and "Not about refugees." in html


def test_dates_are_in_the_readers_zone(client, lg, officer):
    add(lg, officer)
    client.force_login(officer)
    html = html_of(client.get(url("workspace:posted_links", lg.pk)))
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0900">', html)
    client.cookies["tz"] = "America/Sao_Paulo"
    html = html_of(client.get(url("workspace:posted_links", lg.pk)))
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0300">', html)


# --- Who may ------------------------------------------------------------------------------
def test_anonymous_visitors_are_sent_to_sign_in(client, lg):
    for address in (url("workspace:posted_links", lg.pk),
                    url("workspace:posted_link_remove", lg.pk, 1)):
        response = client.get(address)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(url("workspace:posted_links", lg.pk), {"url": POST})
    assert "/accounts/login/" in response["Location"]
    assert not PostedLink.objects.exists()


@pytest.mark.parametrize("who", ["other_officer", "staff_without_totp"])
def test_another_citys_officer_and_staff_without_totp_are_refused(client, request, lg,
                                                                   officer, who):
    link = add(lg, officer)
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("workspace:posted_links", lg.pk)).status_code in (302, 403)
    client.post(url("workspace:posted_links", lg.pk),
                {"url": "https://x.com/fuchu_city/status/2"})
    client.post(url("workspace:posted_link_remove", lg.pk, link.pk), {"confirm": "yes"})
    assert list(PostedLink.objects.values_list("pk", flat=True)) == [link.pk]


def test_another_citys_officer_gets_403(client, lg, officer, other_officer):
    add(lg, officer)
    client.force_login(other_officer)
    assert client.get(url("workspace:posted_links", lg.pk)).status_code == 403


def test_a_forged_link_id_of_another_city_is_404_and_untouched(client, lg, other_lg, officer,
                                                               other_officer):
    theirs = add(other_lg, other_officer)
    client.force_login(officer)
    before = AuditEntry.objects.count()
    for method in ("get", "post"):
        response = getattr(client, method)(
            url("workspace:posted_link_remove", lg.pk, theirs.pk), {"confirm": "yes"})
        assert response.status_code == 404
    assert PostedLink.objects.filter(pk=theirs.pk).exists()
    assert AuditEntry.objects.count() == before
    # Through their own local government's address: the gate refuses.
    response = client.post(url("workspace:posted_link_remove", other_lg.pk, theirs.pk),
                           {"confirm": "yes"})
    assert response.status_code == 403


def test_staff_with_a_second_factor_may_help(client, lg, staff):
    client.force_login(staff)
    response = client.post(url("workspace:posted_links", lg.pk), {"url": POST})
    assert response.status_code == 302
    assert PostedLink.objects.get().added_by == staff


# --- Removing -------------------------------------------------------------------------------
def test_removing_asks_first_then_removes(client, lg, officer):
    link = add(lg, officer)
    client.force_login(officer)
    remove = url("workspace:posted_link_remove", lg.pk, link.pk)
    html = html_of(client.get(url("workspace:posted_links", lg.pk)))
    assert f'href="{remove}"' in html
    page = client.get(remove)
    assert page.status_code == 200
    assert "Remove this posted link?" in html_of(page) and POST in html_of(page)
    assert 'name="confirm" value="yes"' in html_of(page)
    assert client.post(remove).status_code == 200  # no confirmation: asks again
    assert PostedLink.objects.filter(pk=link.pk).exists()
    response = client.post(remove, {"confirm": "yes"}, follow=True)
    assert response.redirect_chain[-1] == (url("workspace:posted_links", lg.pk), 302)
    assert "has been removed" in html_of(response)
    assert not PostedLink.objects.exists()
    assert client.post(remove, {"confirm": "yes"}).status_code == 404  # already gone


# --- The dashboard --------------------------------------------------------------------------
def step_row(html: str, key: str) -> str:
    return re.search(rf'<tr class="step-{key} [^"]*">(.*?)</tr>', html, re.S).group(1)


def test_the_dashboard_counts_the_posts(client, signatory, officer, staff):
    lg = signatory
    client.force_login(officer)
    row = step_row(html_of(client.get(url("workspace:dashboard", lg.pk))), "post")
    assert "not started" in row and "No post recorded yet." in row
    assert f'href="{url("workspace:post_kit", lg.pk)}"' in row
    assert f'href="{url("workspace:posted_links", lg.pk)}"' in row
    add(lg, officer)
    hidden = add(lg, officer, "https://bsky.app/profile/fuchu.bsky.social/post/3k")
    add(lg, officer, "https://www.instagram.com/p/C7abc/")
    services.posted_link_hide(link=hidden, actor=staff, reason="spam")
    row = step_row(html_of(client.get(url("workspace:dashboard", lg.pk))), "post")
    assert "done" in row and "2 posts recorded and shown on the public profile." in row
    assert "2 posts are shown on your public profile. 1 is hidden by UNHCR." in row
    assert ";" not in re.search(r'<dl class="summary workspace-post">.*?</dl>', row, re.S)[0]
    ja = step_row(html_of(client.get(url("workspace:dashboard", lg.pk, lang="ja"))), "post")
    assert "2" in ja


def test_only_hidden_posts_do_not_make_the_step_done(client, lg, officer, staff):
    link = add(lg, officer)
    services.posted_link_hide(link=link, actor=staff, reason="spam")
    client.force_login(officer)
    row = step_row(html_of(client.get(url("workspace:dashboard", lg.pk))), "post")
    assert "not started" in row


# --- The public profile ---------------------------------------------------------------------
def profile_html(client, lg, lang="en") -> str:
    response = client.get(url("profiles:profile", lg.pk, lang=lang))
    assert response.status_code == 200
    return html_of(response)


def post_section(html: str) -> str:
    return re.search(r'<li class="step-post[^"]*">(.*?)</li>\s*<li class="step-act',
                     html, re.S).group(1)


def test_the_profile_lists_visible_links_newest_first(client, signatory, officer, staff):
    old = add(signatory, officer, "https://www.facebook.com/fuchu.city/posts/1", days_ago=3)
    new = add(signatory, officer, "https://bsky.app/profile/fuchu.bsky.social/post/3k",
              days_ago=1)
    hidden = add(signatory, officer, "https://www.instagram.com/p/Chidden/")
    services.posted_link_hide(link=hidden, actor=staff, reason="spam")
    client.logout()
    html = profile_html(client, signatory)
    section = post_section(html)
    assert 'class="step-post done"' in html
    assert f'<a href="{new.url}" rel="nofollow ugc">Bluesky, ' in section
    assert f'<a href="{old.url}" rel="nofollow ugc">Facebook, ' in section
    assert section.index(new.url) < section.index(old.url)
    assert "Chidden" not in html
    # Visitors get the QR code and the poster to share or print.
    for name in ("profiles:qr_svg", "profiles:qr_png", "profiles:poster"):
        assert f'href="{url(name, signatory.pk)}"' in section
    from withrefugees.profiles import cards
    from withrefugees.profiles.selectors import profile_for

    with translation.override("en"):
        card = cards.card_url(signatory, profile_for(signatory), signatory=True)
    assert (f'href="{card}"' in section) == bool(card)


def test_the_profile_without_visible_links_says_nothing_recorded(client, signatory, officer,
                                                                staff):
    link = add(signatory, officer)
    services.posted_link_hide(link=link, actor=staff, reason="spam")
    html = profile_html(client, signatory)
    assert "Nothing recorded yet." in post_section(html)
    assert 'class="step-post done"' not in html and POST not in html


def test_a_withdrawn_signatory_lists_no_posts_and_offers_nothing_to_share(client, signatory,
                                                                         officer, staff):
    """Step 2 shows only while step 1 is done (issue 8 test round)."""
    from withrefugees.campaign.models import Signature
    from withrefugees.campaign.services import signature_withdraw

    add(signatory, officer)
    assert POST in post_section(profile_html(client, signatory))
    signature_withdraw(signature=Signature.objects.get(local_government=signatory), actor=staff,
                       note="at the local government's request")
    html = profile_html(client, signatory)
    section = post_section(html)
    assert POST not in html and "Posted with #WithRefugees" not in section
    assert "Nothing recorded yet." in section and 'class="step-post done"' not in html
    for name in ("profiles:qr_svg", "profiles:qr_png", "profiles:poster"):
        assert url(name, signatory.pk) not in html
    assert "/card-" not in html and "Share and print" not in section
    # The links stay recorded: they show again once it signs again and is published.
    assert PostedLink.objects.filter(local_government=signatory).count() == 1


def test_a_local_government_that_never_signed_lists_no_posts(client, lg, officer):
    add(lg, officer)
    html = profile_html(client, lg)
    assert POST not in html and 'class="step-post done"' not in html
    assert url("profiles:poster", lg.pk) not in html


def test_a_profile_shows_a_change_at_once(client, settings, signatory, officer, staff,
                                          django_capture_on_commit_callbacks):
    settings.PAGE_CACHE_SECONDS = 600  # the whole-page cache on: the audit row refreshes it
    assert POST not in profile_html(client, signatory)
    with django_capture_on_commit_callbacks(execute=True):
        link = add(signatory, officer)
    assert POST in profile_html(client, signatory)
    with django_capture_on_commit_callbacks(execute=True):
        services.posted_link_hide(link=link, actor=staff, reason="spam")
    assert POST not in profile_html(client, signatory)


def test_query_counts_do_not_grow_with_the_links(client, signatory, officer):
    def count(address: str) -> int:
        client.get(address)  # warm caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(address).status_code == 200
        return len(captured)

    add(signatory, officer)
    client.force_login(officer)
    list_one = count(url("workspace:posted_links", signatory.pk))
    client.logout()
    profile_one = count(url("profiles:profile", signatory.pk))
    for i in range(19):
        add(signatory, officer, f"https://x.com/fuchu_city/status/{i + 2}")
    assert count(url("profiles:profile", signatory.pk)) == profile_one
    client.force_login(officer)
    assert count(url("workspace:posted_links", signatory.pk)) == list_one


# --- The admin ------------------------------------------------------------------------------
@pytest.fixture
def moderator(db):
    user = StaffFactory(email="moderator@unhcr.example")
    user.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="social", codename__in=["view_postedlink",
                                                       "change_postedlink"]))
    return user


def test_staff_hide_with_a_reason_and_show_again_in_the_admin(client, lg, officer, moderator):
    link = add(lg, officer)
    client.force_login(moderator)
    listing = client.get(reverse("admin:social_postedlink_changelist"))
    assert listing.status_code == 200 and POST in html_of(listing)
    change = html_of(client.get(reverse("admin:social_postedlink_change", args=[link.pk])))
    hide = reverse("admin:social_postedlink_hide", args=[link.pk])
    assert f'href="{hide}"' in change
    assert 'name="url"' not in change  # the address is never edited here
    assert client.get(hide).status_code == 200
    assert client.post(hide, {"reason": ""}).status_code == 200  # a reason is required
    link.refresh_from_db()
    assert not link.hidden
    response = client.post(hide, {"reason": "Not about refugees."})
    assert response.status_code == 302
    link.refresh_from_db()
    assert (link.hidden, link.hidden_reason) == (True, "Not about refugees.")
    show = reverse("admin:social_postedlink_show", args=[link.pk])
    assert client.get(show).status_code == 200
    link.refresh_from_db()
    assert link.hidden  # a GET changes nothing
    assert client.post(show).status_code == 302
    link.refresh_from_db()
    assert not link.hidden
    assert list(AuditEntry.objects.filter(action__in=["posted_link.hide", "posted_link.show"])
                .values_list("action", "actor")) == [("posted_link.hide", moderator.pk),
                                                      ("posted_link.show", moderator.pk)]


def test_the_admin_actions_hide_and_show_several(client, lg, officer, moderator):
    first = add(lg, officer)
    second = add(lg, officer, "https://www.instagram.com/p/C7abc/")
    client.force_login(moderator)
    changelist = reverse("admin:social_postedlink_changelist")
    selected = {"action": "hide_selected", "_selected_action": [first.pk, second.pk]}
    page = client.post(changelist, selected)
    assert page.status_code == 200 and 'name="reason"' in html_of(page)
    assert not PostedLink.objects.filter(hidden=True).exists()
    response = client.post(changelist, {**selected, "confirm": "yes", "reason": "spam"})
    assert response.status_code == 302
    assert PostedLink.objects.filter(hidden=True).count() == 2
    client.post(changelist, {"action": "show_selected", "_selected_action": [first.pk]})
    assert list(PostedLink.objects.filter(hidden=True)) == [second]


def test_the_admin_adds_and_deletes_nothing(client, lg, officer, moderator):
    link = add(lg, officer)
    client.force_login(moderator)
    assert client.get(reverse("admin:social_postedlink_add")).status_code == 403
    client.post(reverse("admin:social_postedlink_delete", args=[link.pk]), {"post": "yes"})
    assert PostedLink.objects.filter(pk=link.pk).exists()


@pytest.mark.parametrize("who", ["officer", "staff_without_totp", "staff_without_role"])
def test_officers_and_staff_without_permission_cannot_moderate(client, request, lg, officer,
                                                                who):
    link = add(lg, officer)
    user = (StaffFactory(email="norole@unhcr.example", roles=[]) if who == "staff_without_role"
            else request.getfixturevalue(who))
    client.force_login(user)
    for name in ("admin:social_postedlink_hide", "admin:social_postedlink_show"):
        response = client.post(reverse(name, args=[link.pk]), {"reason": "spam"})
        # 403, or sent to sign in (the admin) or to set up a second factor.
        assert response.status_code == 403 or "/admin/social/" not in response["Location"]
    link.refresh_from_db()
    assert not link.hidden
    assert not AuditEntry.objects.filter(action="posted_link.hide").exists()


def test_reviewers_moderate_posted_links(client, lg, officer, staff):
    """The reviewer role (``accounts.roles``) carries the permission to hide and show."""
    link = add(lg, officer)
    client.force_login(staff)
    client.post(reverse("admin:social_postedlink_hide", args=[link.pk]), {"reason": "spam"})
    link.refresh_from_db()
    assert link.hidden


# --- In the browser (headless Chromium, no server: the test answers the page and its files,
# with the page's own Content-Security-Policy): axe-core finds no violation -----------------
CHROMIUM = "/usr/bin/chromium"
ORIGIN = "http://localhost"


def axe_violations(response, path: str, *, width: int = 375) -> list:
    from pathlib import Path

    from django.contrib.staticfiles import finders
    from playwright.sync_api import sync_playwright

    axe = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
    html, csp = response.content, response.get("Content-Security-Policy", "")

    def answer(route):
        address = route.request.url.split("#")[0]
        if address == f"{ORIGIN}{path}":
            return route.fulfill(body=html, content_type="text/html; charset=utf-8",
                                 headers={"Content-Security-Policy": csp} if csp else {})
        local = address.removeprefix(ORIGIN)
        if local == "/__axe__.js":
            return route.fulfill(path=str(axe), content_type="application/javascript")
        found = finders.find(local.removeprefix("/static/")) \
            if local.startswith("/static/") else None
        if found:
            kind = "text/css" if found.endswith(".css") else "application/javascript"
            return route.fulfill(path=found, content_type=kind)
        return route.fulfill(status=404, body=b"")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-background-networking"])
        try:
            page = browser.new_page(viewport={"width": width, "height": 800})
            page.route(f"{ORIGIN}/**", answer)
            page.goto(f"{ORIGIN}{path}")
            # Long addresses wrap: nothing is wider than the window (reflow).
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            page.add_script_tag(url=f"{ORIGIN}/__axe__.js")
            result = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
        finally:
            browser.close()
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_no_accessibility_violations(client, signatory, officer, staff, lang):
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing")
    add(signatory, officer)
    hidden = add(signatory, officer, "https://www.facebook.com/fuchu.city/posts/pfbid0" +
                 "a" * 120)
    services.posted_link_hide(link=hidden, actor=staff, reason="Not about refugees.")
    client.force_login(officer)
    path = url("workspace:posted_links", signatory.pk, lang=lang)
    refused = client.post(path, {"url": "https://x.com/fuchu_city"})  # the form with an error
    assert refused.status_code == 400
    assert axe_violations(refused, path) == []
    remove = url("workspace:posted_link_remove", signatory.pk, hidden.pk, lang=lang)
    assert axe_violations(client.get(remove), remove) == []
    client.logout()
    profile = url("profiles:profile", signatory.pk, lang=lang)
    assert axe_violations(client.get(profile), profile) == []


def test_the_dashboard_activity_lists_posted_links_also_removed_ones(client, lg, other_lg,
                                                                     officer, other_officer):
    link = add(lg, officer)
    services.posted_link_remove(link=link, actor=officer)
    add(other_lg, other_officer, "https://x.com/chofu_city/status/1790000000000000009")
    client.force_login(officer)
    with translation.override("en"):
        html = html_of(client.get(url("workspace:dashboard", lg.pk)))
    activity = html[html.index('id="activity-title"'):]
    assert "recorded the address of a post" in activity
    assert "removed the address of a post" in activity
    assert activity.count("the address of a post") == 2  # not 調布市's


# --- Review of issue 8 (new user, 375 px) ------------------------------------------------------
def test_the_profile_lists_ten_compact_lines_and_says_how_many_more(client, signatory,
                                                                      officer):
    for i in range(12):
        add(signatory, officer, f"https://x.com/fuchu_city/status/{i + 1}", days_ago=12 - i)
    client.logout()
    section = post_section(profile_html(client, signatory))
    lines = re.findall(r'<li><a href="([^"]+)" rel="nofollow ugc">([^<]+)</a></li>', section)
    assert len(lines) == 10
    assert lines[0][0] == "https://x.com/fuchu_city/status/12"  # the newest first
    assert re.fullmatch(r"X, [A-Z][a-z]+\.? \d{1,2}, \d{4}", lines[0][1])
    assert "https://x.com/fuchu_city/status/2<" not in section  # the two oldest are not
    assert "2 earlier posts are not listed here." in section
    assert "posted-links-url" not in section  # no raw address under each line


def test_the_posted_links_table_has_a_short_public_column_and_dates_with_a_space(
        client, lg, officer):
    add(lg, officer)
    client.force_login(officer)
    html = html_of(client.get(url("workspace:posted_links", lg.pk, lang="ja")))
    header = re.search(r"<thead>.*?</thead>", html, re.S)[0]
    with translation.override("ja"):
        from django.utils.translation import gettext
        long_header = gettext("On the public profile")
    assert 'class="visually-hidden"' in header
    visible = re.sub(r'<span class="visually-hidden">.*?</span>', "", header, flags=re.S)
    assert long_header not in visible  # the long words only for screen readers
    # 「2026年11月30日 6:17」: date and time apart (Django's ja DATETIME_FORMAT has no space).
    assert re.search(r"\d+日</span> <span class=\"posted-links-nowrap\">\d+:\d\d<", html)


def test_the_admin_history_labels_shown_and_hidden(client, lg, officer, moderator):
    link = add(lg, officer)
    services.posted_link_hide(link=link, actor=moderator, reason="spam")
    client.force_login(moderator)
    history = html_of(client.get(reverse("admin:social_postedlink_history", args=[link.pk])))
    trail = html_of(client.get(reverse("admin:core_auditentry_changelist")))
    from django.utils.translation import gettext
    with translation.override("ja"):  # the admin is read in Japanese (/ja/admin/)
        labels = gettext("shown on the public profile"), gettext("hidden by UNHCR")
    for html in (history, trail):
        assert labels[0] in html and labels[1] in html
        assert not re.search(r">\s*(shown|hidden)\s*<", html)
