"""The dashboard in a real browser: Debian's chromium driven by Playwright against a uvicorn server
on 127.0.0.1. For every page: no console errors, the charts hold the expected number of points,
a form interaction updates the page and its URL, and a screenshot lands in test-artifacts/.

The fixture warehouse (real published rows, no mirror needed) drives the pages it has data for and
the error shown where it has none; the whole mirror drives every page when it is present.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.conftest import need_mirror
from tests.web_fixture import build_fixture_warehouse

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e .[test])")
if not CHROMIUM.exists():
    pytest.skip(f"no chromium at {CHROMIUM}: apt-get install chromium (.ci/run does)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def serve(warehouse: Path):
    from bondwatch.web.server import BackgroundServer

    return BackgroundServer(warehouse)


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    with serve(build_fixture_warehouse(tmp_path_factory.mktemp("browser-wh"))) as server:
        yield server.url.rstrip("/")


@pytest.fixture(scope="module")
def mirror_site(tmp_path_factory):
    from bondwatch.service.update import update

    path = tmp_path_factory.mktemp("browser-mirror") / "bondwatch.duckdb"
    update(from_dir=need_mirror(), warehouse=path)
    with serve(path) as server:
        yield server.url.rstrip("/")


class Page:
    """A browser tab that records console errors and waits for the dashboard to finish drawing."""

    def __init__(self, browser, site: str):
        self.site = site
        self.tab = browser.new_page(viewport={"width": 1100, "height": 900})
        self.errors: list[str] = []
        self.tab.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.tab.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, path: str) -> Page:
        self.tab.goto(self.site + path)
        self.ready()
        return self

    def ready(self) -> None:
        self.tab.wait_for_selector("main[data-state=ready]", timeout=20_000)

    def submit(self, **fields: str) -> None:
        """Fill the page's form and submit it (a select submits on change); waits for the redraw."""
        self.tab.evaluate("document.getElementById('main').dataset.state = 'loading'")
        chosen = None
        for name, value in fields.items():
            field = self.tab.locator(f"form.controls [name={name}]")
            if field.evaluate("e => e.tagName") == "SELECT":
                chosen = (field, value)
            else:
                field.fill(value)
        if chosen:
            chosen[0].select_option(chosen[1])
        else:
            self.tab.locator("form.controls button").click()
        self.ready()

    def points(self, chart_id: str) -> int:
        return int(self.tab.get_attribute(f"#{chart_id}", "data-points"))

    def text(self, selector: str = "main") -> str:
        return self.tab.inner_text(selector)

    def query(self) -> str:
        return self.tab.url.split("?", 1)[-1] if "?" in self.tab.url else ""

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        self.tab.close()


def api(site: str, path: str) -> dict:
    return httpx.get(f"{site}/api/v1/{path}", timeout=30).json()


# ----------------------------------------------------------------------------- fixture warehouse
def test_home_tiles_verdicts_chart_and_date_change(browser, fixture_site):
    page = Page(browser, fixture_site).open("/?date=2025-06-12")
    tiles = page.tab.locator(".tile")
    assert tiles.count() == 10
    assert "4.360" in tiles.nth(0).inner_text() and "1.480" in tiles.nth(2).inner_text()
    dgs10 = api(fixture_site, "series/DGS10?since=2024-06-12&until=2025-06-12")["data"]
    assert page.points("chart-yields") == len(dgs10) == 9
    assert page.tab.locator("a[href='/auction?tenor=30y&date=2025-06-12']").count() == 1
    page.submit(date="2025-06-05")
    assert "date=2025-06-05" in page.query()
    assert "Market snapshot for 2025-06-05" in page.text() and "4.400" in tiles.nth(0).inner_text()
    assert page.points("chart-yields") == 4  # DGS10 2024-06-12, 2025-05-12, 2025-06-04, 2025-06-05
    assert page.errors == []
    page.screenshot("home")


def test_auction_page_scorecard_last24_chart_hover_and_tenor_change(browser, fixture_site):
    page = Page(browser, fixture_site).open("/auction?tenor=30y&date=2025-06-12")
    text = page.text()
    assert "912810UK2" in text and "4.844%" in text
    cells = page.tab.locator("table").first.inner_text()
    for figure in ("2.43", "65.16", "23.42", "11.41"):
        assert figure in cells
    assert page.points("chart-btc") == page.points("chart-shares") == 13  # every 30y auction held
    page.tab.hover("#chart-btc .u-over", position={"x": 700, "y": 100})
    legend = page.tab.locator("#chart-btc .u-legend .u-value").nth(1).inner_text()
    assert re.fullmatch(r"2\.\d\d", legend), legend
    page.submit(tenor="10y")
    assert "tenor=10y" in page.query()
    assert "91282CNC1" in page.text() and "2025-06-11" in page.text()
    assert page.points("chart-btc") == 2
    assert page.errors == []
    page.screenshot("auction")


def test_curves_page_two_countries_two_dates(browser, fixture_site):
    page = Page(browser, fixture_site).open("/curves?date=2025-06-12")
    assert page.tab.get_attribute("#chart-curves", "data-series") == "2"
    us = {r["tenor_years"] for r in api(fixture_site, "curve/us?date=2025-06-12")["data"]}
    jp = {r["tenor_years"] for r in api(fixture_site, "curve/jp?date=2025-06-12")["data"]}
    assert page.points("chart-curves") == len(us | jp)
    page.submit(compare="2024-06-12")
    assert "compare=2024-06-12" in page.query()
    assert page.tab.get_attribute("#chart-curves", "data-series") == "4"
    assert "JGB benchmark curve (MOF Japan), 2024-06-12" in page.text()
    assert page.errors == []
    page.screenshot("curves")


def test_status_page_lists_every_import(browser, fixture_site):
    page = Page(browser, fixture_site).open("/status")
    imports = api(fixture_site, "status")["data"]
    assert page.tab.locator("main table tbody tr").count() == len(imports) == 10
    assert "fiscaldata_auctions_fixture.csv" in page.text()
    link = page.tab.locator("p.downloads a", has_text="CSV").first.get_attribute("href")
    assert link == "/api/v1/status?format=csv"
    assert httpx.get(fixture_site + link).text.startswith("id,dataset,source,location,vintage,rows,")
    assert page.errors == []
    page.tab.close()


def test_pages_without_their_data_show_the_one_line_error(browser, fixture_site):
    page = Page(browser, fixture_site).open("/foreign?holder=japan")
    assert "no TIC holdings in the warehouse" in page.text(".error")
    page.tab.close()


# ----------------------------------------------------------------------------- the whole mirror
@pytest.mark.mirror
def test_mirror_foreign_page(browser, mirror_site):
    page = Page(browser, mirror_site).open("/foreign?holder=japan&tenor=30y")
    doc = api(mirror_site, "foreign?holder=japan&tenor=30y")
    assert page.points("chart-tic") == sum(m["holdings_bn"] is not None for m in doc["tables"]["months"])
    assert page.points("chart-allot") == len(doc["data"])
    assert "Indirect is not foreign" in page.text(".caveats")
    page.submit(holder="china")
    assert "holder=china" in page.query() and "China, Mainland" in page.text()
    assert page.errors == []
    page.screenshot("foreign")


@pytest.mark.mirror
def test_mirror_debt_page_fan_chart_and_scenario_change(browser, mirror_site):
    page = Page(browser, mirror_site).open("/debt?country=JP&paths=1000")
    assert page.points("chart-fan") == 11 and page.tab.get_attribute("#chart-fan", "data-series") == "6"
    assert page.points("chart-stress") == 11
    assert "236.66% of GDP" in page.text()
    page.submit(scenario="jp-yields-200bp")
    assert "scenario=jp-yields-200bp" in page.query() and "jp-yields-200bp" in page.text(".u-title")
    assert page.errors == []
    page.screenshot("debt")


@pytest.mark.mirror
def test_mirror_trade_page_inputs_update_both_models(browser, mirror_site):
    page = Page(browser, mirror_site).open("/trade")
    assert "28.8%" in page.text("#fx-gap") and "-177.3 bn yen" in page.text("#tariff")
    assert "model/reported = 0.98" in page.text("#tariff")
    assert page.points("chart-jcurve") == 12 and page.points("chart-tariff") == 2  # April, May 2025
    page.submit(export_elasticity="1.5", rate="15")
    assert "export_elasticity=1.5" in page.query() and "rate=15" in page.query()
    assert "28.8%" not in page.text("#fx-gap .headline")
    assert "-177.3 bn yen" not in page.text("#tariff")
    assert page.errors == []
    page.screenshot("trade")


@pytest.mark.mirror
def test_mirror_home_auction_series_check_and_docs(browser, mirror_site):
    page = Page(browser, mirror_site).open("/?date=2025-06-12")
    assert "STRONG" in page.text() and page.errors == []
    page.screenshot("home-mirror")
    page = Page(browser, mirror_site).open("/auction?tenor=30y&date=2025-06-12")
    assert page.points("chart-btc") == 24 and "verdict: STRONG (score 4.04)" in page.text()
    page.screenshot("auction-mirror")
    page = Page(browser, mirror_site).open("/series?id=DEXJPUS&since=2025-01-01")
    assert page.points("chart-series") == len(api(mirror_site, "series/DEXJPUS?since=2025-01-01")["data"])
    page.submit(id="T10YIE")
    assert "id=T10YIE" in page.query() and page.errors == []
    page.screenshot("series")
    page = Page(browser, mirror_site).open("/check")
    assert "bondwatch check" in page.text() and page.errors == []
    page.screenshot("check")
    page = Page(browser, mirror_site).open("/docs")
    assert "GET /api/v1/auction/{target}" in page.text() and page.errors == []
    page.screenshot("docs")


@pytest.mark.mirror
def test_mirror_jgb_auction_page_scorecard_last24_and_tenor_change(browser, mirror_site):
    page = Page(browser, mirror_site).open("/jgb-auction?tenor=jgb-20y&date=2025-05-20")
    cells = page.tab.locator("table").first.inner_text()
    assert "bid-to-cover (x)\t2.50\t3.36" in cells
    assert "verdict: VERY WEAK (score -4.31)" in page.text()
    assert "previous business day" in page.text(".notes") and "no accepted prices held" in page.text(".notes")
    last24 = api(mirror_site, "auctions?market=jp&tenor=jgb-20y&until=2025-05-20&last=24")["data"]
    assert page.points("chart-btc") == page.points("chart-yvb") == len(last24) == 24
    assert page.tab.locator("main .table-wrap table").nth(1).locator("tbody tr").count() == 24
    csv = page.tab.locator("p.downloads a", has_text="CSV").last.get_attribute("href")
    assert httpx.get(mirror_site + csv).text.count("\n") == 25  # header and the 24 rows
    assert page.tab.locator("nav a[aria-current=page]").inner_text() == "JGB auctions"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.tab.screenshot(path=str(ARTIFACTS / "jgb-auction.png"), full_page=True)
    page.submit(tenor="jgb-10y")
    assert "tenor=jgb-10y" in page.query() and "date=" not in page.query()
    latest = api(mirror_site, "auctions?market=jp&tenor=jgb-10y&last=24")["data"]
    assert f"jgb-10y auctioned {latest[-1]['auction_date']}" in page.text(".headline")
    assert page.points("chart-btc") == len(latest)
    assert page.errors == []
    page.screenshot("jgb-auction-10y")
    page = Page(browser, mirror_site).open("/?date=2025-06-12")
    link = page.tab.locator("a[href^='/jgb-auction?tenor=jgb-']").first
    link.click()
    page.ready()
    assert "JGB auction scorecard" in page.text("h1") and page.errors == []
    page.tab.close()
