"""The sign form's autocomplete under a slow network and a rate limit (issue 6, §4 and §8)."""

import json
import re

import pytest

from tests.e2e.test_e2e import browser, page, site  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_late_answer_to_an_older_query_is_dropped(site, page):  # noqa: F811
    held = []

    def hold_the_first_letter(route):
        if re.search(r"[?&]q=%E3%81%97$", route.request.url):  # "し" alone: answer late
            held.append(route)
        else:
            route.continue_()

    page.route(re.compile(r".*/places/search\.json.*"), hold_the_first_letter)
    page.goto(f"{site.url}/ja/sign/")
    field = page.locator("#id_place_query")
    field.press_sequentially("し")
    page.wait_for_function("() => true")
    page.wait_for_timeout(400)  # past the 150 ms debounce: the request for "し" is out
    field.press_sequentially("ぶや")
    page.get_by_role("option", name=re.compile("渋谷区")).wait_for()
    assert held, "the first request was not sent"
    held[0].fulfill(status=200, content_type="application/json", body=json.dumps(
        {"results": [{"id": 1, "label": "静岡県", "kind": "都道府県", "code": "220001"}]}))
    page.wait_for_timeout(500)
    options = page.get_by_role("option").all_inner_texts()
    assert any("渋谷区" in o for o in options) and not any("静岡県" in o for o in options)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_rate_limited_search_says_it_is_busy(site, page, lang):  # noqa: F811
    message = {"ja": "検索が混み合っています。", "en": "The search is busy."}[lang]
    page.route(re.compile(r".*/places/search\.json.*"), lambda route: route.fulfill(
        status=429, content_type="application/json",
        body=json.dumps({"busy": True, "results": [], "message": message})))
    page.goto(f"{site.url}/{lang}/sign/")
    page.locator("#id_place_query").press_sequentially("府中")
    from playwright.sync_api import expect

    expect(page.locator(".autocomplete__option--no-results")).to_have_text(message)
