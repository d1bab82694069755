"""report.html: the round at a glance, checked as HTML, and in a real browser with axe-core."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import html5lib
import pytest
from click.testing import CliRunner
from conftest import ROOT

from ria_docs.cli import main
from ria_docs.pipeline import check_folder, merge_folder, report_page
from ria_docs.report_html import problems_text

AXE = ROOT / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
CHROMEDRIVER = shutil.which("chromedriver")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.fixture
def page(every_state, tmp_path) -> Path:
    cycle, baseline = every_state
    result = CliRunner().invoke(main, ["check", str(cycle), "--baseline", str(baseline), "--html",
                                       str(tmp_path / "report.html")])
    assert result.exit_code == 1  # EMSIG's return has an error
    assert result.output.splitlines()[-1] == f"Wrote {tmp_path / 'report.html'}"
    return tmp_path / "report.html"


def test_report_html_is_valid_html_and_self_contained(page):
    text = page.read_text(encoding="utf-8")
    html5lib.HTMLParser(strict=True).parse(text)  # raises on any parse error
    for outside in ("http://", "https://", "<link", "src=", "@import", "url("):
        assert outside not in text, f"{outside} reaches outside the file"


def test_report_html_says_every_state_in_words_and_names_the_problems(every_state, page):
    text = page.read_text(encoding="utf-8")
    for word in ("✓ Returned", "✗ Has errors", "↺ Carried forward", "○ Missing"):
        assert word in text
    assert "RAG &#34;Purple&#34; is not a RAG status" in text or 'RAG "Purple" is not a RAG status' in text
    assert "What changed since December 2019" in text


def test_the_same_round_gives_the_same_page(every_state):
    cycle, baseline = every_state
    first = report_page(check_folder(cycle, baseline=baseline))
    assert report_page(check_folder(cycle, baseline=baseline)) == first


def test_merge_writes_report_html_with_links_to_the_documents(tmp_path):
    result = merge_folder(ROOT / "inputs", tmp_path / "out", templates=ROOT / "templates")
    assert tmp_path / "out" / "report.html" in result.written
    text = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    for name in ("ria-plan.docx", "regional-update.docx", "tartan-rug.xlsx", "plan.json"):
        assert f'<a href="{name}">{name}</a>' in text
    assert "<caption>Activities by RAG status (Blue: complete)</caption>" in text
    assert "Each LA against each indicator" in text  # the tartan rug


# -- in a browser ---------------------------------------------------------------------------------------

def _browser_missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed"
    if not (CHROMEDRIVER and CHROMIUM):
        return "chromium and chromium-driver are not installed"
    if not AXE.is_file():
        return f"axe-core is not installed ({AXE})"
    return None


@pytest.fixture
def browser():
    missing = _browser_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing}: .ci/run installs it")
        pytest.skip(missing)
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1100,1400"):
        options.add_argument(argument)
    options.binary_location = CHROMIUM
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


@pytest.mark.browser
def test_in_a_browser_the_states_problems_links_and_copy_button_work(every_state, page, browser, tmp_path):
    from selenium.webdriver.common.by import By

    cycle, baseline = every_state
    browser.get(page.as_uri())
    rows = {row.find_element(By.TAG_NAME, "th").text: [td.text for td in row.find_elements(By.TAG_NAME, "td")]
            for row in browser.find_elements(By.XPATH, "//h2[@id='glance']/following-sibling::table[1]/tbody/tr")}
    assert rows["2nd Tier Safeguarding Leads"][0] == "✓ Returned"
    assert rows["EMSIG Schools and Learning Leads"][0] == "✗ Has errors"
    assert rows["Commissioning Leads"] == [
        "○ Missing", "", "no return yet; carried forward: what it said in December 2019 is used"]
    assert rows["Virtual School Heads"] == ["○ Missing", "", "no return yet"]
    tiles = [li.text.replace("\n", " ") for li in browser.find_elements(By.CSS_SELECTOR, "ul.counts li")]
    missing = sum(state == "○ Missing" for state, *_ in rows.values())
    # carried forward: the three that returned in December and not now, and EMSIG's, left out for its error
    assert f"{missing} ○ Missing" in tiles and "4 ↺ Carried forward" in tiles
    assert rows["EMSIG Schools and Learning Leads"][2] == (
        "1 error(s): see below; carried forward: what it said in December 2019 is used")
    assert len(browser.find_elements(By.XPATH, "//h2[@id='chase']/following-sibling::table[1]/tbody/tr")) == missing
    problems = browser.find_elements(By.CSS_SELECTOR, "#returns ~ section ul.problems li")
    assert any('RAG "Purple" is not a RAG status' in li.text and "How to fix" in li.text for li in problems)
    link = browser.find_element(By.CSS_SELECTOR, "a[href^='mailto:adoption.chair@']")
    assert link.text.startswith("Email ") and link.text.endswith("(adoption.chair@example.org.uk)")
    href = urlparse(link.get_attribute("href"))
    assert (href.scheme, unquote(href.path)) == ("mailto", "adoption.chair@example.org.uk")
    assert parse_qs(href.query)["subject"] == ["Regional Adoption: your return for March 2020"]
    button = browser.find_element(By.CSS_SELECTOR, "button[data-copy]")
    button.click()
    said = browser.find_element(By.ID, button.get_attribute("aria-describedby"))
    assert said.text == "Copied."
    copied = browser.find_element(By.ID, button.get_attribute("data-copy")).get_attribute("textContent")
    report = check_folder(cycle, baseline=baseline).report
    assert copied == problems_text([p for p in report.by_file() if p.file and "EMSIG" in p.file])
    height = browser.execute_script("return document.body.scrollHeight")
    browser.set_window_size(1100, height + 40)
    browser.save_screenshot(str(tmp_path / "report.png"))
    assert (tmp_path / "report.png").stat().st_size > 10_000


@pytest.mark.browser
def test_axe_finds_no_serious_accessibility_problem(page, browser):
    browser.get(page.as_uri())
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map("
        "v => [v.id, v.impact, v.nodes.length, v.help])));")
    serious = [v for v in result if v[1] in ("serious", "critical")]
    assert serious == [], serious
