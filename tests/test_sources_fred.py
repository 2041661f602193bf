"""FRED: CSV downloads of the mirror, API JSON, the key kept secret, bad input."""

from __future__ import annotations

import json

import httpx
import pandas as pd
import pytest

from bondwatch.errors import DataFormatError, NotFoundError, UsageError
from bondwatch.sources import fred
from tests.conftest import need_mirror


def _series(series_id: str) -> pd.DataFrame:
    path = need_mirror() / "fred" / f"{series_id}.csv"
    return fred.parse(path.read_bytes(), str(path)).frame.set_index("date")["value"]


def test_published_values():
    t10yie = _series("T10YIE")
    assert t10yie[pd.Timestamp("2025-05-21")] == 2.35
    assert t10yie.max() == 3.02 and t10yie.idxmax() == pd.Timestamp("2022-04-21")
    usdjpy = _series("DEXJPUS")
    assert usdjpy[pd.Timestamp("2024-12-31")] == 157.37
    assert usdjpy[pd.Timestamp("2025-06-30")] == 144.17
    dgs30 = _series("DGS30")
    assert dgs30[pd.Timestamp("2025-05-21")] == 5.08
    assert dgs30[pd.Timestamp("2023-10-19")] == 5.11


def test_empty_values_are_no_observation():
    dgs30 = _series("DGS30")
    assert pd.Timestamp("1980-01-01") not in dgs30.index  # published as an empty value
    assert dgs30.notna().all()


def test_vintage_and_observations_only():
    """A CSV download carries no metadata: the parse gives observations only (titles come from
    KNOWN when read), so the provenance row count is the observation count."""
    path = need_mirror() / "fred" / "WALCL.csv"
    parsed = fred.parse(path.read_bytes(), str(path))
    assert parsed.vintage == "WALCL through 2025-12-24"
    assert parsed.extra == [] and len(parsed.frame) == 1202
    assert fred.KNOWN["WALCL"][1:] == ("millions of dollars", "weekly")


def test_older_layout_with_dots_and_several_series():
    text = b"DATE,DGS10,DGS2\n2025-05-20,4.48,3.97\n2025-05-21,4.60,.\n2025-05-22,.,3.99\n"
    frame = fred.parse(text, "fredgraph.csv").frame
    assert len(frame) == 4
    assert frame[frame["series_id"] == "DGS10"]["value"].tolist() == [4.48, 4.60]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"<!DOCTYPE html><html><head><title>Series Not Found</title></html>", "HTML page"),
        (b"observation_date,DGS10\n2025-05-20,4.48\n2025-05-21\n", "line 3: 1 fields where the header has 2"),
        (b"observation_date,DGS10\n2025-05-20,4.48\n2025-05-21,4.6x\n", "line 3: field 'DGS10' = '4.6x'"),
        (b"observation_date,DGS10\n2025-05-20,4.48\n21/05/2025,4.6\n", "line 3: date '21/05/2025'"),
        (b"\xff\xfeo\x00b\x00", "not valid utf-8"),
        (b"when,what\n2025-01-01,1\n", "expected observation_date,<SERIES_ID>"),
    ],
)
def test_bad_input_one_line_errors(data, message):
    with pytest.raises(DataFormatError) as err:
        fred.parse(data, "DGS10.csv")
    assert message in str(err.value) and "\n" not in str(err.value)


def test_api_json_and_error_payload():
    # format replay: fred/series/observations?file_type=json
    body = {"realtime_start": "2025-06-01", "observations": [
        {"realtime_start": "2025-06-01", "realtime_end": "2025-06-01", "date": "2025-05-21", "value": "2.35"},
        {"realtime_start": "2025-06-01", "realtime_end": "2025-06-01", "date": "2025-05-26", "value": "."}]}
    location = f"{fred.API_URL}?series_id=T10YIE&file_type=json"
    frame = fred.parse(json.dumps(body).encode(), location).frame
    assert frame["value"].tolist() == [2.35] and frame["series_id"].tolist() == ["T10YIE"]
    error = {"error_code": 400, "error_message": "Bad Request.  The series does not exist."}
    with pytest.raises(DataFormatError, match="The series does not exist"):
        fred.parse(json.dumps(error).encode(), location)


def test_fetch_csv_without_key(monkeypatch):
    monkeypatch.delenv(fred.KEY_ENV, raising=False)
    seen = []

    def handler(request):
        seen.append(request.url)
        return httpx.Response(200, content=b"observation_date,T10YIE\n2025-05-21,2.35\n")

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        fetched = fred.fetch(client, series_ids=["t10yie"])
    assert str(seen[0]) == "https://fred.stlouisfed.org/graph/fredgraph.csv?id=T10YIE"
    assert fred.parse(fetched[0].data, fetched[0].location).frame["value"].tolist() == [2.35]


def test_fetch_api_never_records_the_key(monkeypatch):
    monkeypatch.setenv(fred.KEY_ENV, "SECRET123")

    def handler(request):
        assert request.url.params["api_key"] == "SECRET123"
        if request.url.path.endswith("/observations"):
            return httpx.Response(200, json={"observations": [{"date": "2025-05-21", "value": "2.35"}]})
        return httpx.Response(200, json={"seriess": [{"id": "T10YIE", "title": "10-Year Breakeven Inflation Rate",
                                                       "units": "Percent", "frequency": "Daily"}]})

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        fetched = fred.fetch(client, series_ids=["T10YIE"])
    assert all("SECRET123" not in f.location for f in fetched)
    assert fred.parse(fetched[1].data, fetched[1].location).frame["title"].iloc[0] == "10-Year Breakeven Inflation Rate"


def test_unknown_series_and_key_not_in_error(monkeypatch):
    monkeypatch.setenv(fred.KEY_ENV, "SECRET123")
    body = {"error_code": 400, "error_message": "Bad Request.  The series does not exist."}
    with httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(400, json=body))) as client:
        with pytest.raises(NotFoundError) as err:
            fred.fetch(client, series_ids=["NOSUCHSERIES"])
    assert "NOSUCHSERIES" in str(err.value) and "SECRET123" not in str(err.value)
    with pytest.raises(UsageError, match="expected a FRED series ID"):
        fred.check_id("DGS 10; drop")


def test_requested_ids_from_environment(monkeypatch):
    monkeypatch.setenv(fred.EXTRA_ENV, "dexuseu, SP500")
    ids = fred.requested_ids()
    assert ids[: len(fred.DEFAULT_IDS)] == list(fred.DEFAULT_IDS) and ids[-2:] == ["DEXUSEU", "SP500"]
