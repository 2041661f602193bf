"""The result type: one JSON/CSV rendering, NaN and infinities to null once, dates ISO, sources."""

from __future__ import annotations

import json
import math
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from bondwatch.errors import UsageError
from bondwatch.result import SCHEMA_VERSION, Result, Source, jsonable

FRED = Source(publisher="Federal Reserve Bank of St. Louis, FRED", dataset="fred.series",
              location="fred/DGS10.csv", vintage="DGS10 through 2025-12-30",
              retrieved_at="2026-12-04T14:49:48Z", provenance_id=13, used_for="UST 10y")


def test_nan_inf_numpy_and_dates_become_json_once():
    value = {"nan": float("nan"), "inf": -math.inf, "np": np.float64(4.844), "i": np.int64(22),
             "flag": np.bool_(True), "day": date(2025, 6, 12), "at": datetime(2025, 6, 12, 17, 0),
             "nat": pd.NaT, "nested": [np.nan, (1, np.float32(0.5))]}
    assert jsonable(value) == {"nan": None, "inf": None, "np": 4.844, "i": 22, "flag": True, "day": "2025-06-12",
                               "at": "2025-06-12T17:00:00", "nat": None, "nested": [None, [1, 0.5]]}


def test_frame_dates_without_time_become_dates_and_nan_null():
    frame = pd.DataFrame({"date": pd.to_datetime(["2025-06-11", "2025-06-12"]), "value": [4.41, np.nan],
                          "retrieved_at": pd.to_datetime(["2026-12-04 14:49:48", "2026-12-04 00:00:00"])})
    records = Result("series", frame).records()
    assert records == [
        {"date": "2025-06-11", "value": 4.41, "retrieved_at": "2026-12-04T14:49:48"},
        {"date": "2025-06-12", "value": None, "retrieved_at": "2026-12-04T00:00:00"},
    ]


def test_document_layout_is_versioned_and_strict_json():
    result = Result("series", pd.DataFrame({"date": [date(2025, 6, 12)], "value": [4.36]}),
                    meta={"units": "percent", "gap": float("inf")}, sources=[FRED],
                    tables={"extra": [{"x": float("nan")}]})
    doc = result.to_dict()
    assert list(doc) == ["schema_version", "kind", "meta", "sources", "data", "tables"]
    assert doc["schema_version"] == SCHEMA_VERSION
    assert doc["meta"] == {"units": "percent", "gap": None}
    assert doc["sources"] == [FRED.to_dict()] and doc["sources"][0]["provenance_id"] == 13
    assert doc["data"] == [{"date": "2025-06-12", "value": 4.36}]
    assert doc["tables"] == {"extra": [{"x": None}]}
    assert json.loads(result.to_json()) == doc  # allow_nan=False would raise on any NaN left


def test_frame_view_of_records():
    result = Result("auctions", [{"cusip": "912810UK2", "high_yield": 4.844}])
    assert result.frame.loc[0, "high_yield"] == 4.844


def test_csv_uses_the_declared_columns_and_leaves_nested_values_out():
    records = [{"cusip": "912810UK2", "high_yield": 4.844, "reasons": ["a"], "vs_last6": {"x": 1}, "v": None}]
    assert Result("auction", records).to_csv() == "cusip,high_yield,v\n912810UK2,4.844,\n"
    assert Result("auction", records, csv_columns=("high_yield",)).to_csv() == "high_yield\n4.844\n"
    result = Result("snapshot", [], tables={"auctions": [{"tenor": "30y", "verdict": "strong"}]})
    assert result.to_csv("auctions") == "tenor,verdict\n30y,strong\n"


def test_unknown_table_is_a_usage_error_naming_the_tables():
    with pytest.raises(UsageError, match="table 'nosuch': expected one of data, months"):
        Result("foreign", [], tables={"months": []}).to_csv("nosuch")


def test_import_bondwatch_result_does_not_load_pandas():
    import subprocess
    import sys

    code = "import sys, bondwatch.result; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
