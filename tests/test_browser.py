"""The built site in a real Chromium: filter, tabs, copy, themes, look-up, no-JS fallbacks, no errors."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser import page_urls






@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    yield page
    context.close()


def test_filter_finds_codes_by_words(page, base):
    page.goto(base + "/")
    box = page.get_by_label("Type the code or the message you see")
    box.fill("too many")
    expect(page.locator('li:has(a[href="/429/"])')).to_be_visible()
    expect(page.locator('li:has(a[href="/200/"])')).to_be_hidden()
    status = page.locator("[data-filter-status]")
    expect(status).to_have_text(re.compile(r"^\d+ of \d+ match$"))
    shown, total = map(int, re.findall(r"\d+", status.text_content()))
    assert 0 < shown < total == page.locator("[data-group] li").count()
    expect(page.locator("[data-group] li:visible")).to_have_count(shown)
    expect(page.locator("#class-2xx")).to_be_hidden()
    box.fill("rate limit")
    expect(page.locator('li:has(a[href="/429/"])')).to_be_visible()
    box.fill("zzzz")
    expect(page.locator("[data-filter-status]")).to_have_text("Nothing matches “zzzz”")
    box.fill("")
    expect(page.locator('li:has(a[href="/200/"])')).to_be_visible()
    assert page.errors == []


@pytest.mark.parametrize("query, code", [("payload too large", 413), ("unprocessable entity", 422),
                                         ("request-uri too long", 414), ("rate limit", 429),
                                         ("cloudflare", 522), ("nginx", 499), ("arcgis", 499)])
def test_filter_finds_former_names_and_keywords(page, base, query, code):
    page.goto(base + "/?q=" + query)
    expect(page.locator(f'li:has(a[href="/{code}/"])')).to_be_visible()
    expect(page.locator('li:has(a[href="/200/"])')).to_be_hidden()


def test_filter_reads_the_query_from_the_lookup_box(page, base):
    page.goto(base + "/202/")
    page.get_by_label("Look up a status code").fill("gateway")  # many pages: the list
    page.get_by_role("button", name="Go").click()
    page.wait_for_url(base + "/?q=gateway")
    expect(page.locator('li:has(a[href="/502/"])')).to_be_visible()
    expect(page.locator('li:has(a[href="/404/"])')).to_be_hidden()
    page.get_by_label("Look up a status code").fill("404")
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/404/")


def test_tabs_switch_by_mouse_and_keyboard(page, base):
    page.goto(base + "/202/")
    tabs = page.locator("#examples [role=tab]")
    expect(tabs).to_have_count(3)
    panels = page.locator("#examples [role=tabpanel]")
    expect(tabs.nth(0)).to_have_attribute("aria-selected", "true")
    expect(panels.nth(0)).to_be_visible()
    expect(panels.nth(1)).to_be_hidden()
    tabs.nth(1).click()
    expect(tabs.nth(1)).to_have_attribute("aria-selected", "true")
    expect(panels.nth(1)).to_be_visible()
    expect(panels.nth(0)).to_be_hidden()
    expect(panels.nth(1).locator("pre")).to_contain_text("from flask import")
    page.keyboard.press("ArrowRight")
    expect(tabs.nth(2)).to_be_focused()
    expect(panels.nth(2)).to_be_visible()
    assert page.errors == []


def test_copy_button_copies_the_code(browser, base):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(base + "/202/")
    panel = page.locator("#examples [role=tabpanel]").first
    panel.get_by_role("button", name="Copy").click()
    expect(panel.get_by_role("button", name="Copied")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == panel.locator("pre").text_content()
    assert copied.startswith("const express = require('express');")
    context.close()


@pytest.mark.parametrize("scheme, background", [("light", "rgb(255, 255, 255)"),
                                                ("dark", "rgb(17, 20, 24)")])
def test_colour_scheme_follows_the_system(browser, base, scheme, background):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(base + "/202/")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == background
    context.close()


def test_theme_toggle_overrides_and_remembers(page, base):
    page.goto(base + "/")
    toggle = page.get_by_role("button", name="Colour theme: auto. Change")
    toggle.click()  # auto -> light
    page.get_by_role("button", name="Colour theme: light. Change").click()  # -> dark
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(17, 20, 24)"
    page.goto(base + "/202/")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"


def test_without_javascript_everything_is_still_there(browser, base):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "/202/")
    expect(page.locator("#examples pre")).to_have_count(3)
    for index in range(3):
        expect(page.locator("#examples pre").nth(index)).to_be_visible()
    expect(page.locator("[role=tablist]")).to_have_count(0)
    expect(page.get_by_role("link", name="Look up a code")).to_be_visible()
    page.goto(base + "/")
    expect(page.locator("[data-filter]")).to_be_hidden()
    expect(page.locator('li:has(a[href="/429/"])')).to_be_visible()
    context.close()


def test_no_page_logs_an_error(page, base, built_site):
    for path in page_urls(built_site):
        page.goto(base + path)
        page.wait_for_load_state("load")
    assert page.errors == []
