"""Browser tests of the map (issue 6 §6): the wheel scrolls the page unless the map has
focus or Ctrl/⌘ is held, one finger scrolls the page and two move the map, each with a
visible hint; after Enter or Space on a cluster, focus stays on what the cluster became."""

import pytest

# The browser, page and live-server fixtures of the step 1 browser tests.
from tests.e2e.test_e2e import browser, page, site  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The map is shorter than the page at this size, so that the page can scroll under it.
VIEWPORT = {"width": 1000, "height": 600}


def open_map(tab, url, lang="en"):
    tab.set_viewport_size(VIEWPORT)
    tab.goto(f"{url}/{lang}/map/")
    tab.wait_for_selector(".signatory-cluster")
    tab.wait_for_timeout(600)  # the first clustering animation


def zoom(tab) -> int:
    return int(tab.get_attribute("#map", "data-zoom"))


def scroll_y(tab) -> float:
    return tab.evaluate("() => window.scrollY")


def marker_offset(tab):
    """Where the Hiroshima marker sits inside the map (moves only when the map pans)."""
    return tab.evaluate("""() => {
        const m = document.querySelector('.signatory-marker').getBoundingClientRect();
        const c = document.getElementById('map').getBoundingClientRect();
        return [m.left - c.left, m.top - c.top];
    }""")


def wheel_over_map(tab, dy=200):
    box = tab.locator("#map").bounding_box()
    tab.mouse.move(box["x"] + box["width"] / 3, box["y"] + 60)
    tab.mouse.wheel(0, dy)
    tab.wait_for_timeout(700)  # Leaflet's wheel debounce and zoom animation


def hint(tab) -> str:
    shown = tab.locator(".map-hint.map-hint-shown")
    return shown.inner_text() if shown.count() else ""


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_wheel_over_the_map_scrolls_the_page_with_a_hint(site, page, lang):  # noqa: F811
    open_map(page, site.url, lang)
    before = zoom(page)
    wheel_over_map(page, 200)
    assert scroll_y(page) > 0, "the page did not scroll"
    assert zoom(page) == before, "the map zoomed"
    assert "Ctrl" in hint(page)  # the hint names the key (⌘ on a Mac)
    # Upwards too, and the hint goes away by itself.
    y = scroll_y(page)
    wheel_over_map(page, -100)
    assert scroll_y(page) < y and zoom(page) == before
    page.wait_for_timeout(2200)
    assert hint(page) == ""


@pytest.mark.parametrize("key", ["Control", "Meta"])
def test_wheel_with_a_modifier_zooms_the_map(site, page, key):  # noqa: F811
    open_map(page, site.url)
    before = zoom(page)
    page.keyboard.down(key)
    wheel_over_map(page, -300)
    page.keyboard.up(key)
    assert zoom(page) > before
    assert scroll_y(page) == 0
    assert hint(page) == ""


@pytest.mark.parametrize("how", ["click", "tab"])
def test_wheel_zooms_the_map_once_it_has_focus(site, page, how):  # noqa: F811
    open_map(page, site.url)
    before = zoom(page)
    if how == "click":
        box = page.locator("#map").bounding_box()
        page.mouse.click(box["x"] + 20, box["y"] + box["height"] - 40)
    else:
        page.locator("#map").focus()
    assert page.evaluate("() => document.activeElement.id") == "map"
    y = scroll_y(page)
    wheel_over_map(page, -300)
    assert zoom(page) > before
    assert scroll_y(page) == y
    # Focus elsewhere: the wheel scrolls the page again.
    page.locator(".map-list a").first.focus()
    page.evaluate("() => window.scrollTo(0, 0)")
    after = zoom(page)
    wheel_over_map(page, 200)
    assert zoom(page) == after and scroll_y(page) > 0


@pytest.fixture
def touch_page(browser):  # noqa: F811
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", has_touch=True,
                                  is_mobile=False, viewport=VIEWPORT)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def touch_drag(tab, starts, dy=-150, steps=8):
    """Move fingers (a list of (x, y)) together by dy pixels with raw touch events."""
    cdp = tab.context.new_cdp_session(tab)
    points = lambda k: [{"x": x, "y": y + dy * k / steps, "id": i}  # noqa: E731
                        for i, (x, y) in enumerate(starts)]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": points(0)})
    for k in range(1, steps + 1):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": points(k)})
        tab.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    tab.wait_for_timeout(500)


def test_one_finger_scrolls_the_page_two_fingers_move_the_map(site, touch_page):  # noqa: F811
    tab = touch_page
    open_map(tab, site.url)
    box = tab.locator("#map").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + 120
    assert tab.evaluate("() => getComputedStyle(document.getElementById('map')).touchAction") \
        == "pan-x pan-y"
    offset = marker_offset(tab)
    touch_drag(tab, [(x, y)], dy=-150)
    assert marker_offset(tab) == offset, "one finger moved the map"
    assert scroll_y(tab) > 0, "one finger did not scroll the page"
    assert "two fingers" in hint(tab)
    tab.evaluate("() => window.scrollTo(0, 0)")
    box = tab.locator("#map").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + 150
    touch_drag(tab, [(x - 60, y), (x + 60, y)], dy=80)
    moved = marker_offset(tab)
    assert moved[1] - offset[1] > 40, "two fingers did not move the map"
    assert scroll_y(tab) == 0


def cluster_ids(tab):
    return tab.evaluate("""() => [...document.querySelectorAll('.signatory-cluster')]
        .map(n => n.textContent.trim())""")


def active(tab) -> dict:
    return tab.evaluate("""() => {
        const a = document.activeElement;
        return {id: a.id, cls: a.className, title: a.getAttribute('title') || '',
                inMap: document.getElementById('map').contains(a)};
    }""")


@pytest.mark.parametrize("key", ["Enter", " "])
def test_keyboard_on_a_cluster_keeps_focus_on_its_markers(site, page, key):  # noqa: F811
    open_map(page, site.url)
    # The campaign's records: Hiroshima alone, three signatories around Tokyo clustered.
    tokyo_area = set(page.evaluate("""() => JSON.parse(document.getElementById('map-points')
        .textContent).filter(p => p.lon > 138).map(p => p.label)"""))
    assert len(tokyo_area) == 3 and cluster_ids(page) == ["3"]
    before = zoom(page)
    page.locator(".signatory-cluster").first.focus()
    page.keyboard.press(key)
    page.wait_for_timeout(1500)
    assert zoom(page) > before
    focused = active(page)
    assert focused["inMap"] and focused["id"] != "map", focused
    assert "leaflet-marker-icon" in focused["cls"]
    # What has focus is one of the cluster's markers, or a smaller cluster of them.
    assert focused["title"] in tokyo_area or "signatory-cluster" in focused["cls"], focused
    # No page scroll by Space (a screenful); focus may bring a marker at the edge into view.
    assert scroll_y(page) < 100
    # Repeated until the markers are single: focus follows each time, down to a marker.
    for _ in range(6):
        if "signatory-cluster" not in active(page)["cls"]:
            break
        page.keyboard.press(key)
        page.wait_for_timeout(1500)
    focused = active(page)
    assert focused["title"] in tokyo_area, focused
