"""The default theme in a real browser: every kind of page of content-example in
headless Chromium, checked with axe-core (WCAG 2.0/2.1 A and AA), by keyboard
only, with JavaScript off, and with the text-size and contrast controls.
"""

from __future__ import annotations

import lxml.html
import pytest

pytest.register_assert_rewrite("example_site")
from example_site import ALERT_NOW, EXAMPLE, PAGE_KINDS, axe_violations  # noqa: E402 - after the rewrite hook

from xaweb.config import load_config  # noqa: E402

pytest_plugins = ["example_site"]

WIDTHS = {"mobile": 360, "desktop": 1280}
# --- axe-core -----------------------------------------------------------------


def axe_report(axe: str, page, high_contrast: bool) -> str:
    report = axe_violations(axe, page)
    if high_contrast:
        # The class the contrast button sets (its persistence is tested below).
        page.evaluate("document.documentElement.classList.add('high-contrast')")
        if contrast_report := axe_violations(axe, page):
            report += f"\nhigh contrast:\n{contrast_report}"
    return report


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_no_axe_violations(open_page, axe, kind, width):
    page = open_page(kind, width)
    assert page.locator("main h1").count() == 1
    # High contrast changes colours only: every kind once, plus the phone's header and menu button.
    report = axe_report(axe, page, high_contrast=width == WIDTHS["desktop"] or kind == "home")
    assert not report, f"{PAGE_KINDS[kind]} at {width}px:\n{report}"


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_no_axe_violations_with_the_alert_banner(open_page, axe, alert_site_url, width):
    page = open_page(alert_site_url + "/", width, now=ALERT_NOW)  # the page's scripts judge expiry by the clock
    page.wait_for_load_state("networkidle")
    assert page.locator(".alert-banner .alert-headline").is_visible()
    report = axe_report(axe, page, high_contrast=True)
    assert not report, f"home with an alert at {width}px:\n{report}"


# --- keyboard only --------------------------------------------------------------


@pytest.mark.parametrize("kind", ["home", "article"])
def test_first_tab_is_the_skip_link_and_enter_moves_focus_into_main(open_page, kind):
    page = open_page(kind)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible()
    assert page.evaluate("document.activeElement.getBoundingClientRect().top") >= 0, "the focused skip link is on screen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "noi-dung"
    # The next Tab continues inside main, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


# Every Tab stop gets an index; a focusin listener records, for each element
# focused, its index, its computed focus style and whether it is on screen.
# A group of radio buttons is one Tab stop (arrows move inside it): its
# checked button, or its first.
_FOCUS_PROBE = """() => {
  const look = e => {
    const s = getComputedStyle(e);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    return {outline: outline ? `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}` : 'none',
            shadow: s.boxShadow, background: s.backgroundColor, color: s.color};
  };
  const name = e => `<${e.tagName.toLowerCase()}> ` +
    (e.getAttribute('href') || e.name || e.id || e.textContent).trim().slice(0, 60);
  const radioStop = e => {
    const group = [...(e.form || document).querySelectorAll('input[type=radio]')].filter(r => r.name === e.name);
    return e === (group.find(r => r.checked) || group[0]);
  };
  const all = [...document.querySelectorAll('a[href], button, summary, input, select, textarea, [tabindex]')]
    .filter(e => e.tabIndex >= 0 && !e.disabled && e.type !== 'hidden' && e.checkVisibility({visibilityProperty: true}))
    .filter(e => e.type !== 'radio' || radioStop(e));
  all.forEach((e, i) => { e.dataset.kb = i; });
  window.__focused = [];
  document.addEventListener('focusin', ev => {
    const r = ev.target.getBoundingClientRect();
    const onScreen = r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
    window.__focused.push({index: ev.target.dataset.kb, name: name(ev.target), look: look(ev.target), onScreen});
  });
  return all.map(e => ({name: name(e), look: look(e)}));
}"""

# Every kind on a desktop (where keyboard users are); phones for a few kinds, with the menu closed.
KEYBOARD_CASES = [(kind, 1280) for kind in PAGE_KINDS] + [(kind, 360) for kind in ("home", "article", "document-list")]


def assert_keyboard_reaches_everything(page) -> None:
    page.wait_for_load_state("networkidle")  # controls a script shows once its data is in (the search filters)
    controls = page.evaluate(_FOCUS_PROBE)
    assert controls, "the page has links"
    for _ in range(len(controls) + 1):
        page.keyboard.press("Tab")
    focused = page.evaluate("window.__focused")
    # Past the last control focus leaves the page or wraps round to the first: stop there.
    indexes = [f["index"] for f in focused]
    for i, index in enumerate(indexes):
        if index is not None and index in indexes[:i]:
            focused = focused[:i]
            break

    assert focused[0]["name"].startswith("<a> #noi-dung"), "the skip link comes first"
    order = [int(f["index"]) for f in focused if f["index"] is not None]
    missed = [controls[i]["name"] for i in sorted(set(range(len(controls))) - set(order))]
    assert not missed, f"not reachable by Tab: {missed}"
    assert order == sorted(order), "Tab follows the reading order"
    problems = []
    for f in focused:
        look = f["look"]
        unfocused = controls[int(f["index"])]["look"] if f["index"] is not None else None
        indicated = look["outline"] != "none" or look["shadow"] != "none" or (unfocused and look["background"] != unfocused["background"])
        if look == unfocused or not indicated:
            problems.append(f"{f['name']}: no visible focus ({look})")
        if not f["onScreen"]:
            problems.append(f"{f['name']}: focused off screen")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("kind,width", KEYBOARD_CASES, ids=[f"{k}-{w}" for k, w in KEYBOARD_CASES])
def test_every_control_is_reachable_by_tab_and_visibly_focused(open_page, kind, width):
    assert_keyboard_reaches_everything(open_page(kind, width))


def test_the_alert_banner_is_reachable_by_tab_and_visibly_focused(open_page, alert_site_url):
    page = open_page(alert_site_url + "/", now=ALERT_NOW)
    page.wait_for_load_state("networkidle")
    assert page.locator(".alert-banner a").is_visible()
    assert_keyboard_reaches_everything(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_mobile_menu_opens_with_the_keyboard(open_page, javascript):
    page = open_page("article", 360, javascript)
    menu = page.locator("details.menu")
    assert not menu.evaluate("d => d.open")
    first_link = page.locator(".menu-list a").first
    assert not first_link.is_visible()
    for _ in range(20):  # Tab to the menu button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    else:
        pytest.fail("the menu button is not reachable by Tab")
    page.keyboard.press("Enter")
    assert menu.evaluate("d => d.open")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.menu-list') !== null")
    assert first_link.is_visible()
    if javascript:  # xaweb.js: Escape closes the menu and returns to its button
        page.keyboard.press("Escape")
        assert not menu.evaluate("d => d.open")
        assert page.evaluate("document.activeElement.tagName") == "SUMMARY"


def _access_keys(doc) -> dict[str, str]:
    links = [a for a in doc.iter("a") if a.get("accesskey")]
    keys = {a.get("accesskey"): a.get("href") for a in links}
    assert len(keys) == len(links), "an access key is used twice"
    return keys


def test_access_keys_lead_home_sitemap_and_search_on_every_page(built_site):
    home = _access_keys(lxml.html.fromstring((built_site / "index.html").read_bytes()))
    assert set(home) == {"1", "3", "4"}
    assert home["1"] == "/" and home["3"] == "/so-do-trang/" and home["4"] == "/tim-kiem/"
    assert (built_site / "tim-kiem" / "index.html").is_file()
    for path in built_site.rglob("*.html"):
        if path.parent.name != "bang-tin":  # the bulletin board's screen: nobody types at it
            assert _access_keys(lxml.html.fromstring(path.read_bytes())) == home, path


def test_access_keys_are_documented_on_the_accessibility_page(built_site):
    header = _access_keys(lxml.html.fromstring((built_site / "index.html").read_bytes()))
    statement = lxml.html.fromstring((built_site / "ho-tro-tiep-can" / "index.html").read_bytes())
    rows = statement.xpath("//main//tr[.//kbd]")
    assert {row.findtext(".//kbd"): row.find(".//a").get("href") for row in rows} == header
    text = statement.text_content()
    assert "Phím tắt" in text and "Alt + phím số" in text


def test_accessibility_statement_is_written_from_the_config(built_site):
    contact = load_config(EXAMPLE).contact
    statement = lxml.html.fromstring((built_site / "ho-tro-tiep-can" / "index.html").read_bytes())
    main = statement.xpath("//main")[0]
    text = " ".join(main.text_content().split())
    assert "Tuyên bố hỗ trợ tiếp cận" in text and "WCAG) phiên bản 2.1, mức AA" in text
    assert main.xpath(f"//a[@href='mailto:{contact.email}']") and contact.phone in text
    # The section's own intro and pages are still there.
    assert "Cam kết của Ủy ban nhân dân xã" in text
    assert main.xpath("//a[@href='/ho-tro-tiep-can/tuyen-bo-ve-kha-nang-tiep-can/']")


def _press_access_key(page, key: str) -> None:
    """Alt+key as Chromium on Linux reads access keys. Playwright's keyboard leaves out
    the unmodified text Blink matches access keys by, so the event goes through CDP."""
    cdp = page.context.new_cdp_session(page)
    event = {"modifiers": 1, "key": key, "code": f"Digit{key}", "windowsVirtualKeyCode": ord(key)}
    cdp.send("Input.dispatchKeyEvent", {"type": "keyDown", "unmodifiedText": key, **event})
    cdp.send("Input.dispatchKeyEvent", {"type": "keyUp", **event})
    cdp.detach()


@pytest.mark.parametrize("key", ["1", "3", "4"])
def test_access_key_navigates(open_page, site_url, key):
    page = open_page("article")
    target = page.get_attribute(f"a[accesskey='{key}']", "href")
    with page.expect_navigation():
        _press_access_key(page, key)
    assert page.url == site_url + target


# --- without JavaScript ---------------------------------------------------------------

_MAIN_TEXT = """() => {
  // Buttons and menus (the search filters) only act through JavaScript; compare what there is to read.
  for (const b of document.querySelectorAll('main button, main select')) b.hidden = true;
  for (const l of document.querySelectorAll('main label')) if (l.control && l.control.tagName === 'SELECT') l.hidden = true;
  return document.querySelector('main').innerText;
}"""


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_main_text_is_readable_without_javascript(open_page, kind):
    with_js = open_page(kind).evaluate(_MAIN_TEXT).splitlines()
    without_js = open_page(kind, javascript=False).evaluate(_MAIN_TEXT).splitlines()
    # Without JavaScript a page may say more (how a form works then), never less.
    missing = [line for line in with_js if line.strip() and line not in without_js]
    assert not missing, f"only readable with JavaScript: {missing}"
    assert len("".join(without_js)) > 100


def test_javascript_controls_are_hidden_without_javascript(open_page):
    page = open_page("article", javascript=False)
    for selector in ("[data-display-tools]", "[data-print]"):
        assert page.locator(selector).get_attribute("hidden") is not None
        assert not page.locator(selector).is_visible()
    page = open_page("article")
    for selector in ("[data-display-tools]", "[data-print]"):
        assert page.locator(selector).is_visible()


# --- text size and contrast -------------------------------------------------------


def _root_font_px(page) -> float:
    return float(page.evaluate("getComputedStyle(document.documentElement).fontSize").removesuffix("px"))


def test_larger_text_persists_across_pages(open_page, site_url):
    page = open_page("home", fresh=True)
    normal = _root_font_px(page)
    page.get_by_role("button", name="Rất lớn").click()
    larger = _root_font_px(page)
    assert larger >= normal * 1.3
    assert page.get_by_role("button", name="Rất lớn").get_attribute("aria-pressed") == "true"
    assert page.get_by_role("button", name="Thường").get_attribute("aria-pressed") == "false"

    with page.expect_navigation():
        page.locator(".menu-list a", has_text="Văn bản").click()
    assert page.url == site_url + "/van-ban/"
    assert _root_font_px(page) == larger
    assert page.get_by_role("button", name="Rất lớn").get_attribute("aria-pressed") == "true"
    assert "text-larger" in page.evaluate("[...document.documentElement.classList]")

    page.get_by_role("button", name="Thường").click()
    page.goto(site_url + "/tin-tuc/")
    assert _root_font_px(page) == normal


def test_high_contrast_persists_across_pages(open_page, site_url):
    page = open_page("article", fresh=True)
    body_background = "getComputedStyle(document.body).backgroundColor"
    assert page.evaluate(body_background) == "rgb(255, 255, 255)"
    button = page.get_by_role("button", name="Tương phản cao")
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    assert page.evaluate(body_background) == "rgb(0, 0, 0)"

    page.goto(site_url + PAGE_KINDS["document-list"])
    assert page.evaluate(body_background) == "rgb(0, 0, 0)"
    assert page.get_by_role("button", name="Tương phản cao").get_attribute("aria-pressed") == "true"

    page.get_by_role("button", name="Tương phản cao").click()
    page.goto(site_url + "/")
    assert page.evaluate(body_background) == "rgb(255, 255, 255)"


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_largest_text_reflows_at_320px_without_sideways_scrolling(open_page, kind):
    # WCAG 1.4.10: 320 CSS pixels wide, here with the largest text as well.
    page = open_page(kind, 320)
    page.evaluate("document.documentElement.classList.add('text-larger')")
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > innerWidth + 1 && !e.closest('.table-wrap, .visually-hidden'))
        .map(e => e.tagName.toLowerCase() + '.' + e.className).slice(0, 5)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, f"wider than the screen: {wide}"


def test_the_controls_work_with_the_keyboard(open_page):
    page = open_page("home", fresh=True)
    page.get_by_role("button", name="Lớn", exact=True).focus()
    page.keyboard.press("Enter")
    assert "text-large" in page.evaluate("[...document.documentElement.classList]")
    page.get_by_role("button", name="Tương phản cao").focus()
    page.keyboard.press("Space")
    assert "high-contrast" in page.evaluate("[...document.documentElement.classList]")


def test_documents_are_stacked_cards_on_a_phone_with_every_column_in_sight(open_page):
    page = open_page("document-list", 360)
    cells = page.evaluate("""() => [...document.querySelectorAll('.doc-list tbody tr:first-child td')].map(td => {
        const r = td.getBoundingClientRect();
        return {label: getComputedStyle(td, '::before').content, left: r.left, right: r.right, visible: r.width > 0 && r.height > 0};
    })""")
    assert [c["label"] for c in cells] == ['"Số/Ký hiệu: "', '"Ngày ban hành: "', '"Trích yếu: "', '"Tệp đính kèm: "'], cells
    assert len(cells) == 4 and all(c["visible"] and c["left"] >= 0 and c["right"] <= 360 for c in cells), cells
    wrap = page.evaluate("(() => { const w = document.querySelector('.table-wrap'); return [w.scrollWidth, w.clientWidth]; })()")
    assert wrap[0] <= wrap[1], f"the table still scrolls sideways: {wrap}"
    wide = page.evaluate("""() => [...document.querySelectorAll('.doc-table, .doc-table *')]
        .filter(e => e.getBoundingClientRect().right > innerWidth + 1 && !e.closest('.visually-hidden, thead')).length""")
    assert wide == 0


def _box(page, selector: str) -> dict:
    return page.evaluate(f"(() => {{ const r = document.querySelector({selector!r}).getBoundingClientRect();"
                         " return {top: r.top + scrollY, bottom: r.bottom + scrollY, height: r.height}; })()")


def test_on_a_phone_the_header_is_compact_and_announcements_come_before_the_introduction(open_page):
    page = open_page("home", 360)
    header = _box(page, ".site-header")
    assert header["height"] <= 200, header  # the band, one row of tools, the menu button (300 px before)
    assert page.locator("[data-display-tools]").is_hidden()  # folded behind the "Cỡ chữ" button
    announcements, intro = _box(page, ".announcements"), _box(page, ".home-intro")
    assert announcements["top"] < 400 and announcements["top"] < intro["top"], (announcements, intro)


def test_the_display_tools_unfold_from_their_button_by_keyboard(open_page):
    page = open_page("article", 360, fresh=True)
    toggle = page.get_by_role("button", name="Cỡ chữ")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    larger = page.get_by_role("button", name="Rất lớn")
    assert larger.is_visible()
    larger.click()
    assert "text-larger" in page.evaluate("[...document.documentElement.classList]")
    # On a wide screen the tools are always in sight and the button is not there.
    wide = open_page("article", 1280)
    assert wide.locator("[data-display-toggle]").is_hidden() and wide.get_by_role("button", name="Rất lớn").is_visible()


def test_a_tall_lead_image_leaves_the_text_in_the_first_screen(open_page):
    page = open_page("article", 360, fresh=True)
    # A portrait photo (1000×2000) in place of the landscape one.
    page.evaluate("""() => new Promise(done => {
        const img = document.querySelector('.lead-image img');
        document.querySelector('.lead-image source')?.remove();
        img.removeAttribute('srcset'); img.removeAttribute('width'); img.removeAttribute('height');
        img.onload = done;
        img.src = 'data:image/svg+xml,' + encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="2000"/>');
    })""")
    image = _box(page, ".lead-image img")
    assert 0 < image["height"] <= 0.5 * 800 + 1, image
    width = page.evaluate("document.querySelector('.lead-image img').getBoundingClientRect().width")
    assert abs(width / image["height"] - 0.5) < 0.02  # shown whole, not cropped or stretched


def test_share_links_and_copying_the_address(browser, site_url):
    context = browser.new_context(viewport={"width": 360, "height": 800}, permissions=["clipboard-read", "clipboard-write"])
    context.route(lambda url: not url.startswith("http://127.0.0.1"), lambda route: route.abort())
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(site_url + PAGE_KINDS["article"])
    share = page.locator(".share")
    assert share.get_by_role("link", name="Facebook").is_visible() and share.get_by_role("link", name="Zalo").is_visible()
    share.get_by_role("button", name="Sao chép liên kết").click()
    page.wait_for_function("document.querySelector('.share [role=status]').textContent.length > 0", timeout=5000)
    assert share.locator("[role=status]").inner_text() == "Đã sao chép liên kết"
    assert page.evaluate("navigator.clipboard.readText()").endswith(PAGE_KINDS["article"])
    assert all(url.startswith(site_url) or url.startswith("data:") for url in requested), requested
    context.close()
