"""Accessibility details that automated checkers miss (issue 6 §9), in headless Chromium:
the focus indicator's contrast on every background, the place field's descriptions while
typing, Escape in the autocomplete's list, Space on map markers and controls, and the
zoom buttons before the markers in the tab order."""

import re

import pytest

# The browser, page and live-server fixtures of the step 1 browser tests.
from tests.e2e.test_e2e import browser, page, site  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


# --- Contrast (WCAG 2.x relative luminance and contrast ratio) -------------------------------

def parse_colour(text: str) -> tuple[float, float, float, float]:
    """``"rgb(r, g, b)"``, ``"rgba(r, g, b, a)"`` or ``"#rrggbb"`` as (r, g, b, alpha)."""
    if text.startswith("#"):
        digits = text[1:] if len(text) == 7 else "".join(c * 2 for c in text[1:4])
        return (*(int(digits[i:i + 2], 16) for i in (0, 2, 4)), 1.0)
    parts = [float(p) for p in re.findall(r"[\d.]+", text)]
    return (parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else 1.0)


def luminance(colour) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in parse_colour(colour)[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_formula():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#fff", "#000") == pytest.approx(21)
    assert contrast("#ffb800", "#ffffff") == pytest.approx(1.73, abs=0.01)  # the old outline
    assert contrast("#ffd43d", "#00508a") == pytest.approx(5.9, abs=0.1)
    assert contrast("rgb(0, 80, 138)", "#ffffff") == pytest.approx(8.35, abs=0.01)


# For each focusable element: its outline and box-shadow ring once focused from the
# keyboard, and the colours around it (its parents' first opaque background; in the map
# also the land drawn under the markers).
RINGS = """els => els.filter(e => e.getClientRects().length).map(e => {
    e.focus();
    if (document.activeElement !== e || !e.matches(':focus-visible')) return null;
    const s = getComputedStyle(e);
    const shadow = s.boxShadow === 'none' ? null : s.boxShadow.match(/^(rgba?\\([^)]*\\))\\s+0px 0px 0px ([\\d.]+)px$/);
    const backgrounds = [];
    for (let n = e.parentElement; n; n = n.parentElement) {
        const bg = getComputedStyle(n).backgroundColor;
        const alpha = bg.startsWith('rgba') ? parseFloat(bg.split(',')[3]) : 1;
        if (alpha === 1) { backgrounds.push(bg); break; }
    }
    if (e.closest('#map')) {
        const land = document.querySelector('#map .leaflet-overlay-pane path');
        if (land) backgrounds.push(getComputedStyle(land).fill);
    }
    return {what: e.outerHTML.slice(0, 80), outline: [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor],
            offset: parseFloat(s.outlineOffset), shadow: shadow && [shadow[1], parseFloat(shadow[2])], backgrounds};
}).filter(Boolean)"""
FOCUSABLE = ("a[href], button, input:not([type=hidden]), select, textarea, summary, "
             "[tabindex]:not([tabindex='-1'])")


def focus_ring_problems(tab) -> list:
    tab.keyboard.press("Shift")  # keyboard modality: focus() then shows :focus-visible
    problems = []
    for ring in tab.locator(FOCUSABLE).evaluate_all(RINGS):
        style, width, dark = ring["outline"]
        if style != "solid" or width < 2 or not ring["shadow"]:
            problems.append(("not a two-colour ring", ring))
            continue
        light, spread = ring["shadow"]
        # The light ring fills the gap between the element and its outline.
        if spread < 2 or spread < ring["offset"] or contrast(dark, light) < 3:
            problems.append(("rings", ring))
        for bg in ring["backgrounds"]:
            if max(contrast(dark, bg), contrast(light, bg)) < 3:
                problems.append((f"under 3:1 on {bg}", ring))
    return problems


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_focus_ring_has_3_to_1_on_every_background(site, page, lang):  # noqa: F811
    from withrefugees.places.models import LocalGovernment

    shibuya = LocalGovernment.objects.get(jis_code="131130").pk
    found, seen = {}, 0
    for path in ["/", "/signatories/", f"/signatories/{shibuya}/", "/statement/", "/privacy/"]:
        page.goto(f"{site.url}/{lang}{path}")
        found[path] = focus_ring_problems(page)
        seen += page.locator(FOCUSABLE).count()
    # The sign form with errors and the autocomplete open.
    page.goto(f"{site.url}/{lang}/sign/")
    page.locator("form.sign-form button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    page.fill("#id_place_query", "府中")
    page.wait_for_selector(".autocomplete__option")
    found["/sign/"] = focus_ring_problems(page)
    # The map: container, zoom buttons, attribution links, markers, clusters, a popup.
    page.goto(f"{site.url}/{lang}/map/")
    page.wait_for_selector(".signatory-cluster")
    page.wait_for_timeout(600)
    page.locator(".signatory-marker").first.focus()
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup-content a").wait_for()
    found["/map/"] = focus_ring_problems(page)
    assert seen > 50
    assert {p: v for p, v in found.items() if v} == {}


def test_header_and_page_backgrounds_meet_3_to_1_with_the_site_colours(site, page):  # noqa: F811
    """The rings' own colours against each background colour the site uses."""
    page.goto(f"{site.url}/en/")
    dark, light = page.evaluate("""() => { const s = getComputedStyle(document.documentElement);
        return [s.getPropertyValue('--wr-focus-dark').trim(), s.getPropertyValue('--wr-focus-light').trim()]; }""")
    assert contrast(dark, light) >= 3
    # White page, header blue, hero, footer, notice, statement box, map sea and land,
    # markers, the autocomplete's highlighted option.
    for bg in ["#ffffff", "#00508a", "#e8f1fe", "#f2f2f2", "#fff7d6", "#fafafa", "#dcebf7",
               "#f7f7f2", "#1d70b8", "#0072bc"]:
        assert max(contrast(dark, bg), contrast(light, bg)) >= 3, bg


# --- The place field ---------------------------------------------------------------------------

def described_by(tab) -> list[str]:
    return (tab.get_attribute("#id_place_query", "aria-describedby") or "").split()


def description_texts(tab) -> list[str]:
    return tab.evaluate("""() => (document.getElementById('id_place_query')
        .getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)
        .map(id => document.getElementById(id) ? document.getElementById(id).textContent.trim() : null)""")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_place_field_keeps_its_help_and_error_while_typing(site, page, lang):  # noqa: F811
    page.goto(f"{site.url}/{lang}/sign/")
    page.locator("form.sign-form button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    ours = {"id_place_query_help", "id_place_query_error"}
    assert ours <= set(described_by(page))
    field = page.locator("#id_place_query")
    field.focus()
    page.keyboard.type("府")  # the first keystroke
    page.wait_for_selector(".autocomplete__option")
    assert ours <= set(described_by(page))
    page.keyboard.type("中")
    page.locator(".autocomplete__option").first.click()
    page.wait_for_function("document.getElementById('id_local_government').value")
    assert ours <= set(described_by(page))
    field.fill("")
    page.keyboard.type("x")
    assert ours <= set(described_by(page))
    texts = description_texts(page)
    assert None not in texts and all(texts)
    assert len(described_by(page)) == len(set(described_by(page)))  # each id once


def test_place_field_keeps_its_help_text_without_errors(site, page):  # noqa: F811
    page.goto(f"{site.url}/en/sign/")
    assert "id_place_query_help" in described_by(page)
    page.locator("#id_place_query").focus()
    page.keyboard.type("shibuya")
    page.wait_for_selector(".autocomplete__option")
    assert "id_place_query_help" in described_by(page)


@pytest.mark.parametrize("downs", [1, 2])
def test_escape_on_an_option_returns_focus_to_the_field(site, page, downs):  # noqa: F811
    page.goto(f"{site.url}/ja/sign/")
    page.locator("#id_place_query").focus()
    page.keyboard.type("府中")
    page.wait_for_selector(".autocomplete__option")
    page.wait_for_timeout(800)  # the answers to "府" are replaced by those to "府中"
    for n in range(downs):
        page.keyboard.press("ArrowDown")
        page.wait_for_function(f"document.activeElement.id === 'id_place_query__option--{n}'")
    page.keyboard.press("Escape")
    assert page.evaluate("() => document.activeElement.id") == "id_place_query"
    page.wait_for_timeout(300)
    assert page.get_attribute("#id_place_query", "aria-expanded") == "false"  # list closed
    assert page.locator(".autocomplete__menu--visible").count() == 0
    assert page.input_value("#id_place_query") == "府中"
    # Typing goes on in the field and the list comes back.
    page.keyboard.type("市")
    page.wait_for_selector(".autocomplete__option")
    assert page.evaluate("() => document.activeElement.id") == "id_place_query"


# --- The map's keyboard use --------------------------------------------------------------------

def open_map(tab, url, lang="en"):
    tab.set_viewport_size({"width": 1000, "height": 600})
    tab.goto(f"{url}/{lang}/map/")
    tab.wait_for_selector(".signatory-cluster")
    tab.wait_for_timeout(600)


def test_space_on_a_marker_opens_it_without_scrolling(site, page):  # noqa: F811
    open_map(page, site.url)
    marker = page.locator(".signatory-marker").first
    title = marker.get_attribute("title")
    marker.focus()
    page.keyboard.press(" ")
    page.locator(".leaflet-popup-content a").wait_for()
    assert page.evaluate("() => document.activeElement.textContent") == title
    assert page.evaluate("() => window.scrollY") == 0
    # Escape closes it and returns to the marker; Space on the popup's close button too.
    page.keyboard.press("Escape")
    assert page.evaluate("() => document.activeElement.getAttribute('title')") == title
    page.keyboard.press(" ")
    page.locator(".leaflet-popup-close-button").focus()
    page.keyboard.press(" ")
    page.wait_for_timeout(300)
    assert page.locator(".leaflet-popup").count() == 0
    assert page.evaluate("() => window.scrollY") == 0


@pytest.mark.parametrize("button, change", [(".leaflet-control-zoom-in", 1),
                                            (".leaflet-control-zoom-out", -1)])
def test_space_on_a_zoom_button_zooms_without_scrolling(site, page, button, change):  # noqa: F811
    open_map(page, site.url)
    before = int(page.get_attribute("#map", "data-zoom"))
    page.locator(button).focus()
    page.keyboard.press(" ")
    page.wait_for_timeout(600)
    assert int(page.get_attribute("#map", "data-zoom")) == before + change
    assert page.evaluate("() => window.scrollY") == 0


def test_zoom_buttons_come_before_the_markers_in_tab_order(site, page):  # noqa: F811
    open_map(page, site.url)
    page.locator("a[href='#signatory-list']").focus()
    order = []
    for _ in range(20):
        page.keyboard.press("Tab")
        node = page.evaluate("""() => { const a = document.activeElement;
            return document.getElementById('map').contains(a) ? (a.id || a.className) : null; }""")
        if node is None and order:
            break
        order.append(node)
    assert order[0] == "map"
    zoom_in = next(i for i, n in enumerate(order) if "leaflet-control-zoom-in" in n)
    zoom_out = next(i for i, n in enumerate(order) if "leaflet-control-zoom-out" in n)
    markers = [i for i, n in enumerate(order) if "leaflet-marker-icon" in n]
    assert len(markers) == 2  # Hiroshima and the cluster around Tokyo
    assert zoom_in < zoom_out < min(markers)
