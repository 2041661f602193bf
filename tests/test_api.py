"""The REST API: every endpoint on a tiny warehouse of real published rows (no mirror needed),
errors with their status codes, CSV, the offline docs, reads during an update, and the mirror."""

from __future__ import annotations

import csv
import io
import json
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bondwatch.service.auctions import FLAT_COLUMNS
from bondwatch.web.app import create_app
from tests.conftest import home_holding, need_mirror, run_cli
from tests.web_fixture import build_fixture_warehouse, write_fixture_mirror

# the 2025-06-12 30-year reopening, as published (TreasuryDirect / Fiscal Data)
PUBLISHED_UK2 = {"high_yield": 4.844, "bid_to_cover": 2.43, "indirect_pct": 65.16, "direct_pct": 23.42,
                 "dealer_pct": 11.41, "median_yield": 4.8, "cusip": "912810UK2"}


@pytest.fixture(scope="module")
def fixture_warehouse(tmp_path_factory) -> Path:
    return build_fixture_warehouse(tmp_path_factory.mktemp("api-wh"))


@pytest.fixture(scope="module")
def client(fixture_warehouse) -> TestClient:
    with TestClient(create_app(fixture_warehouse)) as test_client:
        yield test_client


def get_json(client: TestClient, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.text
    return response.json()


def test_auction_card_carries_the_published_figures_and_their_sources(client):
    doc = get_json(client, "/api/v1/auction/30y?date=2025-06-12")
    assert (doc["schema_version"], doc["kind"]) == ("1.0", "auction")
    card = doc["data"][0]
    assert {k: card[k] for k in PUBLISHED_UK2} == PUBLISHED_UK2
    assert card["vs_last6"]["dealer_pct"]["n"] == 6
    results = [s for s in doc["sources"] if s["used_for"] == "auction results"]
    assert {s["dataset"] for s in results} == {"fiscaldata.auctions", "compiled.coupon_auctions"}
    assert all(isinstance(s["provenance_id"], int) and s["retrieved_at"].endswith("Z") for s in doc["sources"])
    curve = next(s for s in doc["sources"] if s["used_for"] == "par curve for tail_curve_bp")
    assert curve["location"].endswith("2025-daily-treasury-rates.csv")
    assert doc["meta"]["units"]["shares"].startswith("percent of competitive accepted")


def test_api_card_is_the_cli_json_card(client, fixture_warehouse, tmp_path, monkeypatch, capsys):
    home_holding(fixture_warehouse, tmp_path, monkeypatch)
    code, out, _ = run_cli(capsys, "auction", "30y", "--date", "2025-06-12", "--json")
    assert code == 0
    [cli_card] = json.loads(out)["data"]
    # the CLI prints the API's document byte for byte (click adds the final newline)
    assert out == client.get("/api/v1/auction/30y?date=2025-06-12").text + "\n"
    assert {k: cli_card[k] for k in PUBLISHED_UK2} == PUBLISHED_UK2


# each command line beside its endpoint; the URLs are those whose published values the tests below check
CLI_AND_API = [
    (("curve", "us", "--date", "2025-06-12", "--at", "7.5y"), "/api/v1/curve/us?date=2025-06-12&at=7.5y"),
    (("curve", "jp", "--date", "2025-06-14"), "/api/v1/curve/jp?date=2025-06-14"),
    (("series", "DGS10", "--since", "2025-06-10"), "/api/v1/series/DGS10?since=2025-06-10"),
    (("fx", "usdjpy", "--since", "2025-06-12"), "/api/v1/fx/usdjpy?since=2025-06-12"),
    (("snapshot", "--date", "2025-06-12"), "/api/v1/snapshot?date=2025-06-12"),
    (("status",), "/api/v1/status"),
    (("debt", "scenarios"), "/api/v1/debt/scenarios"),
    (("tariff", "toyota"), "/api/v1/tariff/toyota"),
    (("tariff", "toyota", "--rate", "15", "--usdjpy", "150"), "/api/v1/tariff/toyota?rate=15&usdjpy=150"),
]


@pytest.mark.parametrize(("args", "url"), CLI_AND_API, ids=[" ".join(a) for a, _ in CLI_AND_API])
def test_cli_json_is_the_api_body(client, fixture_warehouse, monkeypatch, capsys, args, url):
    monkeypatch.setenv("BONDWATCH_HOME", str(fixture_warehouse.parent))  # read-only: status names this file
    code, out, err = run_cli(capsys, *args, "--json")
    assert code == 0, err
    assert out == client.get(url).text + "\n"


def test_cli_csv_is_the_api_csv(client, fixture_warehouse, monkeypatch, capsys):
    monkeypatch.setenv("BONDWATCH_HOME", str(fixture_warehouse.parent))
    code, out, _ = run_cli(capsys, "snapshot", "--date", "2025-06-12", "--csv")
    assert code == 0 and out == client.get("/api/v1/snapshot?date=2025-06-12&format=csv").text
    assert out.splitlines()[0] == "label,value,unit,as_of,stale,chg_1w,chg_1m,chg_1y,change_unit,source"
    assert "UST 10y,4.36,%,2025-06-12," in out  # the par curve's 10-year, 2025-06-12


def test_api_body_is_result_to_json_byte_for_byte(client, fixture_warehouse):
    from bondwatch.service.results import auction_result

    body = client.get("/api/v1/auction/30y?date=2025-06-12").content
    assert body == auction_result("30y", "2025-06-12", warehouse=fixture_warehouse).to_json().encode()


def test_auction_csv_is_the_flat_scorecard(client):
    response = client.get("/api/v1/auction/912810UK2?format=csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == list(FLAT_COLUMNS)
    assert [(r["auction_date"], r["high_yield"]) for r in rows] == [("2025-05-08", "4.819"), ("2025-06-12", "4.844")]


def test_auctions_listing_oldest_first(client):
    doc = get_json(client, "/api/v1/auctions?tenor=30y&since=2024-06-01")
    dates = [c["auction_date"] for c in doc["data"]]
    assert dates == sorted(dates) and len(dates) == 13 and dates[-1] == "2025-06-12"
    assert doc["data"][0]["high_yield"] == 4.403  # 2024-06-13, 912810UA4


def test_curves_us_and_japan_with_interpolation(client):
    us = get_json(client, "/api/v1/curve/us?date=2025-06-12&at=7.5y")
    nodes = {r["tenor"]: r for r in us["data"]}
    assert (nodes["10 Yr"]["yield_pct"], nodes["30 Yr"]["yield_pct"]) == (4.36, 4.84)
    assert nodes["7.5y"]["interpolated"] and nodes["7.5y"]["yield_pct"] == pytest.approx(4.15 + 0.21 / 6)
    assert us["meta"]["date"] == "2025-06-12" and us["sources"][0]["dataset"] == "treasury.par_yield_curve"
    jp = get_json(client, "/api/v1/curve/jp?date=2025-06-14")  # a Saturday: Thursday's curve
    nodes = {r["tenor"]: r["yield_pct"] for r in jp["data"]}
    assert jp["meta"]["date"] == "2025-06-12" and (nodes["10Y"], nodes["30Y"]) == (1.48, 2.804)
    assert jp["sources"][0]["dataset"] == "mof_japan.jgb_yields"


def test_series_and_fx(client):
    doc = get_json(client, "/api/v1/series/DGS10?since=2025-06-10")
    assert [(r["date"], r["value"]) for r in doc["data"]] == [("2025-06-10", 4.47), ("2025-06-11", 4.41),
                                                                ("2025-06-12", 4.36)]
    assert doc["sources"][0]["location"].endswith("DGS10.csv")
    fx = get_json(client, "/api/v1/fx/usdjpy?since=2025-06-12")
    [row] = fx["data"]
    assert {k: row[k] for k in ("pair", "date", "rate")} == {"pair": "usdjpy", "date": "2025-06-12", "rate": 143.64}
    assert row["provenance_id"] == fx["sources"][0]["provenance_id"]
    assert fx["meta"]["units"].startswith("yen per US dollar")


def test_snapshot_items_verdicts_and_a_source_per_item(client):
    doc = get_json(client, "/api/v1/snapshot?date=2025-06-12")
    items = {i["label"]: i for i in doc["data"]}
    assert (items["UST 10y"]["value"], items["JGB 10y"]["value"], items["USD/JPY"]["value"]) == (4.36, 1.48, 143.64)
    assert items["UST-JGB 10y spread"]["value"] == pytest.approx(4.36 - 1.48)
    assert items["Fed total assets"]["value"] == pytest.approx(6677.155)  # WALCL $ millions -> $ bn
    used = {s["used_for"] for s in doc["sources"]}
    assert {"UST 10y", "JGB 30y", "USD/JPY", "10y breakeven", "Fed total assets", "30y verdict"} <= used
    assert {a["tenor"] for a in doc["tables"]["auctions"]} == {"10y", "30y"}
    lines = client.get("/api/v1/snapshot?date=2025-06-12&format=csv&table=auctions").text.splitlines()
    assert lines[0] == "tenor,auction_date,cusip,verdict" and len(lines) == 3


def test_status_lists_every_import_with_provenance(client):
    doc = get_json(client, "/api/v1/status")
    assert len(doc["data"]) == 10  # 2 auction files, 2 par curve files, 1 JGB file, 5 FRED series
    assert [s["provenance_id"] for s in doc["sources"]] == [r["id"] for r in doc["data"]]
    assert all(len(r["checksum"]) == 64 for r in doc["data"])


def test_tariff_model_with_inputs_and_sensitivity(client):
    doc = get_json(client, "/api/v1/tariff/toyota")
    assert doc["meta"]["operating_profit_change_jpy"] == pytest.approx(-177.27e9, rel=1e-3)
    reported = doc["tables"]["reported"][0]
    assert reported["operating_profit_change_jpy"] == -180e9  # Toyota, 2025-05-08
    assert reported["model_over_reported"] == pytest.approx(0.985, abs=1e-3)
    assert doc["tables"]["sensitivity"][0]["case"] == "base"
    assert any(s["used_for"] == "units_per_year" and "2,332,623" in s["publisher"] for s in doc["sources"])
    flat = get_json(client, "/api/v1/tariff/toyota?rate=15&usdjpy=150")
    assert flat["meta"]["inputs"]["rate_pct"] == 15 and flat["meta"]["decomposition"]["fx_effect_jpy"] != 0


def test_debt_scenarios_list_the_presets(client):
    names = [s["name"] for s in get_json(client, "/api/v1/debt/scenarios")["data"]]
    assert {"us-baseline", "jp-baseline", "us-deficits-2.4t"} <= set(names)


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/api/v1/auction/30y?date=2025-06-13", 404, "no 30-year auction on 2025-06-13; nearest: 2025-06-12"),
        ("/api/v1/auction/7y", 404, "no 7-year auctions in the warehouse"),
        ("/api/v1/auction/912810UK3", 400, "is not a valid CUSIP"),
        ("/api/v1/auction/912810TY4", 404, "no auction of CUSIP 912810TY4"),
        ("/api/v1/auction/30y?date=2025-13-01", 400, "--date '2025-13-01': expected a date as YYYY-MM-DD"),
        ("/api/v1/curve/de", 400, "curve 'de': expected one of us, jp"),
        ("/api/v1/curve/us?at=45y", 400, "outside the published maturities"),
        ("/api/v1/series/NOSUCH", 404, "series 'NOSUCH' is not in the warehouse"),
        ("/api/v1/fx/eurusd", 400, "fx pair 'eurusd': expected one of usdjpy, usdcny"),
        ("/api/v1/foreign?holder=japan", 404, "no TIC holdings in the warehouse"),
        ("/api/v1/debt/project/US", 404, "weo vintage 2025-04 for USA: not in the warehouse"),
        ("/api/v1/debt/project/FR", 400, "country = 'FR': expected one of US, USA, JP, JPN"),
        ("/api/v1/debt/project/US?paths=0", 422, "query.paths: Input should be greater than or equal to 1"),
        ("/api/v1/debt/stress/JP", 404, "weo vintage 2025-04 for JPN: not in the warehouse"),
        ("/api/v1/debt/compare/US", 422, "query.scenario: Field required"),
        ("/api/v1/fx-gap/US", 404, "series GDP: 0 quarter(s) of 2024 in the warehouse, need 4"),
        ("/api/v1/tariff/honda", 404, "exporter 'honda': no such preset"),
        ("/api/v1/tariff/toyota?pass_through=2", 400, "pass_through"),
        ("/api/v1/snapshot?format=xml", 422, "query.format: Input should be 'json' or 'csv'"),
        ("/api/v1/auction/30y?format=csv&table=nosuch", 400, "table 'nosuch': expected one of data"),
        ("/api/v1/nosuch", 404, "/api/v1/nosuch: Not Found"),
    ],
)
def test_errors_are_one_json_line_with_a_status(client, url, status, message):
    response = client.get(url)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert message in error and "\n" not in error


def test_no_warehouse_is_404_saying_how_to_fill_it(tmp_path):
    with TestClient(create_app(tmp_path / "bondwatch.duckdb")) as empty:
        response = empty.get("/api/v1/snapshot")
    assert response.status_code == 404 and "run `bondwatch update --from auto`" in response.json()["error"]


def test_openapi_lists_every_command_and_docs_work_offline(client):
    spec = get_json(client, "/api/v1/openapi.json")
    paths = set(spec["paths"])
    for endpoint in ("auction/{target}", "auctions", "curve/{country}", "series/{series_id}", "fx/{pair}",
                     "foreign", "snapshot", "debt/project/{country}", "debt/stress/{country}",
                     "debt/compare/{country}", "fx-gap/{country}", "tariff/{exporter}", "status"):
        assert f"/api/v1/{endpoint}" in paths
    docs = client.get("/docs").text
    assert "/static/docs.js" in docs and "cdn" not in docs.lower()
    assert client.get("/static/docs.js").status_code == 200


def test_pages_and_static_files_load_nothing_from_the_network(client):
    web = Path(__file__).resolve().parents[1] / "src" / "bondwatch" / "web"
    for page in ("/", "/auction", "/jgb-auction", "/curves", "/foreign", "/debt", "/trade", "/status", "/check"):
        html = client.get(page).text
        assert 'src="/static/app.js"' in html
        assert "http://" not in html and "https://" not in html
    for script in (web / "static").glob("*.js"):
        assert "https://" not in script.read_text(encoding="utf-8"), script
    assert client.get("/static/vendor/uplot/uPlot.iife.min.js").status_code == 200
    assert (web / "static" / "vendor" / "uplot" / "LICENSE").is_file()


def test_an_update_beside_the_server_never_breaks_a_request_and_shows_once_done(fixture_warehouse, tmp_path):
    from bondwatch.service.update import update

    path = tmp_path / "bondwatch.duckdb"
    path.write_bytes(fixture_warehouse.read_bytes())
    mirror = write_fixture_mirror(tmp_path / "mirror")
    (mirror / "fred" / "DGS30.csv").write_text(
        "observation_date,DGS30\n2025-06-11,4.91\n2025-06-12,4.84\n", encoding="utf-8")
    failures: list[str] = []
    done = threading.Event()
    with TestClient(create_app(path)) as live:
        assert live.get("/api/v1/series/DGS30").status_code == 404

        def hammer() -> None:
            while not done.is_set():
                response = live.get("/api/v1/auction/30y?date=2025-06-12")
                if response.status_code != 200 or response.json()["data"][0]["high_yield"] != 4.844:
                    failures.append(response.text)

        readers = [threading.Thread(target=hammer) for _ in range(3)]
        for reader in readers:
            reader.start()
        seen = []
        try:
            for _ in range(2):
                update(from_dir=mirror, warehouse=path)
                seen.append(len(live.get("/api/v1/series/DGS30?since=2025-06-01").json()["data"]))
                (mirror / "fred" / "DGS30.csv").write_text(  # the second update: two more days (FRED DGS30)
                    "observation_date,DGS30\n2025-06-09,4.95\n2025-06-10,4.93\n2025-06-11,4.91\n2025-06-12,4.84\n",
                    encoding="utf-8")
        finally:
            done.set()
            for reader in readers:
                reader.join()
        assert failures == []
    assert seen == [2, 4]  # each update's rows, never a cached answer of the previous generation
    assert len(list(tmp_path.glob(".bondwatch.duckdb.web-*"))) == 0  # links removed at shutdown


# ----------------------------------------------------------------------------- on the whole mirror
@pytest.fixture(scope="module")
def mirror_client(tmp_path_factory):
    from bondwatch.service.update import update

    path = tmp_path_factory.mktemp("api-mirror") / "bondwatch.duckdb"
    update(from_dir=need_mirror(), warehouse=path)
    with TestClient(create_app(path)) as test_client:
        yield test_client, path


@pytest.mark.mirror
def test_mirror_auction_matches_cli_and_published(mirror_client, tmp_path, monkeypatch, capsys):
    client, path = mirror_client
    home_holding(path, tmp_path, monkeypatch)
    _, out, _ = run_cli(capsys, "auction", "30y", "--date", "2025-06-12", "--json")
    doc = get_json(client, "/api/v1/auction/30y?date=2025-06-12")
    assert doc == json.loads(out)
    card = doc["data"][0]
    assert {k: card[k] for k in PUBLISHED_UK2} == PUBLISHED_UK2
    assert (card["verdict"], card["score"]) == ("strong", pytest.approx(4.04, abs=0.005))


MIRROR_CLI_AND_API = [
    (("foreign", "--holder", "japan", "--tenor", "30y"), "/api/v1/foreign?holder=japan&tenor=30y"),
    (("fx-gap", "US"), "/api/v1/fx-gap/US"),
    (("fx-gap", "US", "--partner", "JP", "--export-elasticity", "2"), "/api/v1/fx-gap/US?partner=JP&export_elasticity=2"),
    (("debt", "project", "JP", "--paths", "500"), "/api/v1/debt/project/JP?paths=500"),
    (("debt", "stress", "US"), "/api/v1/debt/stress/US"),
    (("debt", "compare", "US", "us-baseline", "us-deficits-2.4t"),
     "/api/v1/debt/compare/US?scenario=us-baseline&scenario=us-deficits-2.4t"),
]


@pytest.mark.mirror
@pytest.mark.parametrize(("args", "url"), MIRROR_CLI_AND_API, ids=[" ".join(a) for a, _ in MIRROR_CLI_AND_API])
def test_mirror_cli_json_is_the_api_body(mirror_client, monkeypatch, capsys, args, url):
    client, path = mirror_client
    monkeypatch.setenv("BONDWATCH_HOME", str(path.parent))
    code, out, err = run_cli(capsys, *args, "--json")
    assert code == 0, err
    assert out == client.get(url).text + "\n"


@pytest.mark.mirror
def test_mirror_foreign_debt_and_fx_gap(mirror_client):
    client, _ = mirror_client
    foreign = get_json(client, "/api/v1/foreign?tenor=30y")
    row = next(r for r in foreign["data"] if r["cusip"] == "912810UK2" and r["auction_date"] == "2025-06-12")
    assert round(row["foreign_allotment_pct"], 2) == 11.45 and round(row["indirect_pct"], 2) == 65.16
    assert {"TIC holdings", "indirect shares", "foreign allotment shares"} == {s["used_for"] for s in foreign["sources"]}
    japan = get_json(client, "/api/v1/foreign?holder=japan&tenor=30y")
    december = next(m for m in japan["tables"]["months"] if m["month"] == "2025-12-01")
    assert december["holdings_bn"] == 1185.5
    gap = get_json(client, "/api/v1/fx-gap/US")
    assert gap["data"][0]["required_depreciation_pct"] == pytest.approx(28.7755, abs=1e-3)
    assert {"GDP", "balance check"} <= {s["used_for"] for s in gap["sources"]}
    project = get_json(client, "/api/v1/debt/project/JP?paths=500")
    assert "debt_gdp_p50" in project["data"][0] and project["meta"]["paths"] == 500
    assert any(s["dataset"] == "imf.weo" and s["provenance_id"] for s in project["sources"])
    stress = get_json(client, "/api/v1/debt/stress/US")
    assert stress["data"][0]["scenario"] == "baseline"
    compare = get_json(client, "/api/v1/debt/compare/US?scenario=us-baseline&scenario=us-deficits-2.4t")
    assert {r["scenario"] for r in compare["data"]} == {"us-baseline", "us-deficits-2.4t"}


# ----------------------------------------------------------------------------- bondwatch serve
def test_the_cli_starts_without_fastapi_or_uvicorn():
    import subprocess
    import sys

    code = "import sys; from bondwatch.cli import cli; print(sorted(m for m in ('fastapi', 'uvicorn') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def serve_on_a_taken_port(capsys, warehouse: Path, host: str) -> tuple[int, int, str]:
    """Run `bondwatch serve` on a port another socket holds: (port, exit code, stderr)."""
    import socket

    with socket.socket() as taken:
        taken.bind((host, 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = run_cli(capsys, "serve", "--host", host, "--port", str(port), "--warehouse", str(warehouse))
    return port, code, err


def test_serve_on_a_busy_port_is_one_line_and_exit_2(capsys, fixture_warehouse):
    port, code, err = serve_on_a_taken_port(capsys, fixture_warehouse, "127.0.0.1")
    assert code == 2
    assert f"--host 127.0.0.1 --port {port}: cannot listen there" in err and err.count("\n") == 1


def test_listening_socket_is_tcp_so_answers_are_not_held_by_nagle():
    import socket

    from bondwatch.web.server import bind

    sock = bind("127.0.0.1", 0)
    try:  # asyncio sets TCP_NODELAY only on IPPROTO_TCP sockets (a 0 proto cost ~40 ms an answer)
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()


def test_serve_on_a_public_address_warns_before_listening(capsys, fixture_warehouse):
    _, code, err = serve_on_a_taken_port(capsys, fixture_warehouse, "0.0.0.0")
    warning, error = err.splitlines()
    assert warning.startswith("warning: listening on 0.0.0.0: anyone who can reach this machine")
    assert code == 2 and "cannot listen there" in error


@pytest.mark.parametrize("url", [
    "/api/v1/debt/project/us?scenario=/tmp/evil.yaml",
    "/api/v1/debt/stress/us?scenario=../../../../tmp/evil",
    "/api/v1/debt/compare/us?scenario=us-baseline&scenario=/etc/passwd.yaml",
])
def test_the_api_reads_shipped_scenarios_only_never_a_server_file(client, url, tmp_path):
    # a path in `scenario` would let a page learn which YAML files exist and echo parts of them
    doc = get_json(client, url, status=400)
    assert doc["error"].startswith("scenario ") and "expected a shipped preset" in doc["error"]


def test_without_hard_links_a_replaced_warehouse_is_read_anew(tmp_path, monkeypatch):
    """Review finding: where os.link fails, the server read the file itself, and DuckDB's one open
    database per path kept serving the replaced file; cached answers were keyed by that same path."""
    import os

    import duckdb

    from bondwatch.web import warehouse as web_warehouse

    def no_links(source, target):
        raise OSError(1, "hard links not permitted")

    monkeypatch.setattr(web_warehouse.os, "link", no_links)
    path = tmp_path / "bondwatch.duckdb"

    def write(value: int) -> None:
        fresh = tmp_path / "new.duckdb"
        with duckdb.connect(str(fresh)) as con:
            con.execute("CREATE TABLE t AS SELECT ? AS v", [value])
        os.replace(fresh, path)  # the atomic rename store.writing does

    def read(file: web_warehouse.WarehouseFile) -> tuple[int, tuple | None]:
        with file.reading() as (where, generation):
            with duckdb.connect(where, read_only=True) as con:
                return con.execute("SELECT v FROM t").fetchone()[0], generation

    write(1)
    file = web_warehouse.WarehouseFile(path)
    first, first_generation = read(file)
    write(2)
    second, second_generation = read(file)
    file.close()
    assert (first, second) == (1, 2)
    assert first_generation != second_generation  # cached answers of the old file are not served


def test_serve_refuses_a_port_out_of_range(capsys):
    code, _, err = run_cli(capsys, "serve", "--port", "70000")
    assert code == 2 and "70000 is not in the range 0<=x<=65535" in err and "bug" not in err


def test_every_date_argument_follows_one_rule(client):
    # review finding: auctions refused a trailing space that series accepted (two date parsers)
    assert client.get("/api/v1/auctions?since=2025-06-01%20").status_code == 200
    assert client.get("/api/v1/series/DGS10?since=2025-06-10%20").status_code == 200
    bad = get_json(client, "/api/v1/auctions?since=2025-13-01", status=400)
    assert bad["error"] == "--since '2025-13-01': expected a date as YYYY-MM-DD"
