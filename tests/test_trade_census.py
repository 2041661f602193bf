"""Census US-Japan goods trade: the mirror file, the live API (replayed) and the update path."""

from __future__ import annotations

import json
from datetime import date

import httpx
import pytest

from bondwatch.errors import DataFormatError
from bondwatch.sources import census
from bondwatch.sources.registry import by_name
from tests.conftest import need_mirror

MIRROR_FILE = "census/us_japan_goods_trade_monthly.csv"


def test_mirror_file_parses_to_published_2024_totals():
    path = need_mirror() / MIRROR_FILE
    parsed = census.parse(path.read_bytes(), str(path))
    frame = parsed.frame
    assert parsed.table == "trade_goods" and parsed.key == ("partner_code", "month")
    assert len(frame) == 24 and set(frame["partner_code"]) == {"5880"}
    year = frame[[m.year == 2024 for m in frame["month"]]]
    assert len(year) == 12
    # Census 2024 totals for Japan, $ millions (mirror README)
    assert year["exports_musd"].sum() == pytest.approx(78978.4, abs=0.05)
    assert year["imports_musd"].sum() == pytest.approx(148370.6, abs=0.05)
    may = frame[frame["month"] == date(2025, 5, 1)].iloc[0]
    assert (may["exports_musd"], may["imports_musd"]) == (7131.6, 12010.5)
    assert parsed.vintage == "through 2025-11"


def test_balance_that_disagrees_names_the_line():
    bad = b"month,exports_to_japan_musd,imports_from_japan_musd,balance_musd\n2024-01,5638.8,12576.2,-6937.4\n2024-02,5889.1,11744.6,-5000.0\n"
    with pytest.raises(DataFormatError, match=r"line 3: balance_musd = -5000.0 but exports - imports = -5855.5"):
        census.parse(bad, "t.csv")


def test_missing_column_and_html_page_are_refused():
    with pytest.raises(DataFormatError, match="missing column"):
        census.parse(b"month,exports\n2024-01,1\n", "t.csv")
    with pytest.raises(DataFormatError, match="HTML page"):
        census.parse(b"<!DOCTYPE html><html><body>error</body></html>", "t.csv")


# Answers in the API's official layout: header row first, the CTY_CODE predicate repeated, dollars.
EXPORTS_ANSWER = [
    ["CTY_CODE", "CTY_NAME", "ALL_VAL_MO", "time", "CTY_CODE"],
    ["5880", "JAPAN", "5638812345", "2024-01", "5880"],
    ["5880", "JAPAN", "5889054321", "2024-02", "5880"],
]
IMPORTS_ANSWER = [
    ["CTY_CODE", "CTY_NAME", "GEN_VAL_MO", "time", "CTY_CODE"],
    ["5880", "JAPAN", "12576198765", "2024-01", "5880"],
    ["5880", "JAPAN", "11744612345", "2024-02", "5880"],
]


def test_live_fetch_replayed_through_mock_transport():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        assert request.url.params["CTY_CODE"] == "5880"
        assert request.url.params["time"] == "from 2013-01"
        if request.url.path.endswith("/intltrade/exports/hs"):
            assert request.url.params["get"] == "CTY_CODE,CTY_NAME,ALL_VAL_MO"
            return httpx.Response(200, json=EXPORTS_ANSWER)
        if request.url.path.endswith("/intltrade/imports/hs"):
            assert request.url.params["get"] == "CTY_CODE,CTY_NAME,GEN_VAL_MO"
            return httpx.Response(200, json=IMPORTS_ANSWER)
        return httpx.Response(404)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        fetched = census.fetch(client)
    assert len(fetched) == 1 and len(seen) == 2
    assert all(str(u).startswith("https://api.census.gov/data/timeseries/intltrade/") for u in seen)
    frame = census.parse(fetched[0].data, fetched[0].location).frame
    assert list(frame["month"]) == [date(2024, 1, 1), date(2024, 2, 1)]
    assert frame["exports_musd"].tolist() == pytest.approx([5638.812345, 5889.054321])
    assert frame["imports_musd"].tolist() == pytest.approx([12576.198765, 11744.612345])
    assert set(frame["partner"]) == {"Japan"}


def test_api_answer_with_a_bad_value_names_the_row():
    payload = {"exports": EXPORTS_ANSWER, "imports": [IMPORTS_ANSWER[0], ["5880", "JAPAN", "n/a", "2024-01", "5880"]]}
    with pytest.raises(DataFormatError, match=r"\[imports\] row 2: GEN_VAL_MO = 'n/a'"):
        census.parse(json.dumps(payload).encode(), "api")


def test_api_error_status_is_a_one_line_source_error():
    from bondwatch.errors import SourceUnavailableError

    transport = httpx.MockTransport(lambda request: httpx.Response(400, text="error: unknown variable"))
    with httpx.Client(transport=transport) as client, pytest.raises(SourceUnavailableError, match="HTTP 400"):
        census.fetch(client)


def test_registered_and_imported_by_update(tmp_path):
    mirror = need_mirror()
    dataset = by_name("census.trade_goods")
    assert dataset.mirror_globs == (MIRROR_FILE,)
    from bondwatch.service.update import update
    from bondwatch.store import Warehouse

    result = update(from_dir=mirror, only=["census"], warehouse=tmp_path / "w.duckdb")
    assert result["rows"].tolist() == [24]
    with Warehouse(tmp_path / "w.duckdb") as wh:
        assert wh.rows("SELECT round(sum(imports_musd), 1) FROM trade_goods WHERE year(month) = 2024") == [(148370.6,)]
    again = update(from_dir=mirror, only=["census"], warehouse=tmp_path / "w.duckdb")
    assert again["status"].tolist() == ["unchanged"]
