"""Bank of Japan: the accounts snapshot of the mirror and the time-series API (format replays)."""

from __future__ import annotations

import json

import httpx
import pytest

from bondwatch.errors import DataFormatError
from bondwatch.sources import boj
from tests.conftest import need_mirror


def test_accounts_snapshot():
    path = need_mirror() / "boj" / "boj_accounts_2025-07-20.csv"
    parsed = boj.parse(path.read_bytes(), str(path))
    frame = parsed.frame.set_index(["side", "item"])["thousand_yen"]
    assert frame[("annex1_jgs_breakdown", "Japanese government bonds")] == 565_520_452_317
    assert frame[("assets", "Total")] == frame[("liabilities_net_assets", "Total")] == 719_879_536_660
    assert parsed.vintage == "accounts on 2025-07-20"


def _answer(code="STRDCLUCON", dates=(20250718, 20250722), values=(0.477, None), status=200):
    # format replay of getDataCode?format=json&lang=en
    return {"STATUS": status, "MESSAGEID": "M181000I", "MESSAGE": "Normal end", "DATE": "2025-07-23T09:00:00.000+09:00",
            "PARAMETER": {"DB": "FM01", "CODE": code}, "NEXTPOSITION": None,
            "RESULTSET": [{"SERIES_CODE": code, "NAME_OF_TIME_SERIES": "Call Rate, Uncollateralized Overnight/Average",
                           "UNIT": "percent per annum", "FREQUENCY": "DAILY", "LAST_UPDATE": 20250723,
                           "VALUES": {"SURVEY_DATES": list(dates), "VALUES": list(values)}}]}


def test_api_series_and_meta():
    parsed = boj.parse(json.dumps(_answer()).encode(), "https://www.stat-search.boj.or.jp/api/v1/getDataCode")
    assert parsed.frame["series_id"].tolist() == ["BOJ:FM01:STRDCLUCON"]  # null value dropped
    assert parsed.frame["value"].tolist() == [0.477]
    assert parsed.extra[0].frame["units"].iloc[0] == "percent per annum"


def test_api_errors_and_bad_input():
    unknown = {"STATUS": 400, "MESSAGEID": "M181013E", "MESSAGE": "The series code does not exist.: 1", "PARAMETER": None}
    for data, message in [
        (json.dumps(unknown).encode(), "M181013E The series code does not exist"),
        (json.dumps(_answer(dates=(20250718,), values=(0.477, 0.478))).encode(), "differ in length"),
        (json.dumps(_answer(dates=(20251340,), values=(0.4,))).encode(), "expected a daily date"),
        (b'{"STATUS": 200, "RESULTSET": [', "truncated JSON"),
        (b"<html>maintenance</html>", "HTML page"),
        (b"as_of,side,item,thousand_yen\n2025-07-20,assets,Gold\n", "line 2: 3 fields"),
    ]:
        with pytest.raises(DataFormatError, match=message):
            boj.parse(data, "boj")


def test_live_fetch_finds_the_jgb_series_in_the_metadata():
    metadata = {"STATUS": 200, "RESULTSET": [
        {"SERIES_CODE": "MAAA", "NAME_OF_TIME_SERIES": "Assets/Gold", "FREQUENCY": "MONTHLY"},
        {"SERIES_CODE": "MAJGB", "NAME_OF_TIME_SERIES": "Assets/Japanese Government Bonds", "FREQUENCY": "MONTHLY"}]}
    asked = []

    def handler(request):
        params = dict(request.url.params)
        asked.append((request.url.path.rsplit("/", 1)[-1], params.get("db"), params.get("code")))
        if request.url.path.endswith("getMetadata"):
            return httpx.Response(200, json=metadata)
        return httpx.Response(200, json=_answer(code=params["code"]))

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        fetched = boj.fetch(client)
    assert asked == [("getMetadata", "BS01", None), ("getDataCode", "FM01", "STRDCLUCON"), ("getDataCode", "BS01", "MAJGB")]
    assert len(fetched) == 2
