"""Fuzzing every parser: arbitrary bytes, and small valid files in each official format with bytes
mutated, give either rows within the declared rules or a one-line bondwatch error; never a
traceback, and each in bounded time (hypothesis deadlines). Seeds are built here (format replays
carrying published figures), so this runs from a plain clone."""

from __future__ import annotations

import json
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bondwatch.errors import BondwatchError
from bondwatch.sources import (
    allotments,
    boj,
    census,
    compiled,
    fiscaldata,
    fred,
    imf,
    mof_japan,
    tic,
    treasury_yields,
    treasurydirect,
)
from bondwatch.sources.checks import AUCTIONS, YIELD_PCT, Bound, Rules, check
from tests.test_sources_allotments import _official_xls
from tests.test_sources_boj import _answer
from tests.test_sources_fiscaldata import page
from tests.test_sources_imf import OFFICIAL as WEO_TAB
from tests.test_sources_tic import MFH
from tests.test_sources_treasury_yields import XML as PAR_XML
from tests.test_sources_treasurydirect import results_xml
from tests.test_trade_census import EXPORTS_ANSWER, IMPORTS_ANSWER
from tests.test_validation import (
    CNC1,
    COMPILED_HEADER,
    COMPILED_UK2,
    UK2,
    boj_csv,
    fiscal_csv,
)

# Published figures: 912810UK2's allotment of 2025-06-16, Census 2024-01 trade with Japan, the
# par curve of 2025-06-12 (20y 4.86, 30y 4.84), JGB yields of 2025-05-21, DGS30 on 2025-05-21 and
# 2023-10-19, WEO April 2025 gross debt 2024 (percent of GDP).
UK2_SHARES = (0.0, 0.2772632460928434, 14.206839657040105, 0.0, 74.06848535223979, 11.447411744627269, 0.0)
UK2_PUBLIC_MN, UK2_SOMA_MN = 21999.9949, 395.645
ALLOTMENTS_CSV = (
    "issue_date,tenor,cusip,Banks,Individuals,Dealers,Pensions & insurers,Investment funds,Foreign,Other,public_size_bn\n"
    f"2025-06-16,30-Year,912810UK2,{','.join(map(str, UK2_SHARES))},{UK2_PUBLIC_MN / 1000}\n"
).encode()
ALLOTMENTS_XLS = _official_xls([[
    pd.Timestamp("2025-06-16"), "Bond", 4.75, "912810UK2", pd.Timestamp("2055-05-15"), UK2_PUBLIC_MN + UK2_SOMA_MN,
    UK2_SOMA_MN, *(round(share / 100 * UK2_PUBLIC_MN, 3) for share in UK2_SHARES),
]])
SEEDS = {
    "fiscaldata csv": (fiscaldata.parse, fiscal_csv(UK2, CNC1), "auctions.csv"),
    "fiscaldata json": (fiscaldata.parse, json.dumps(page([UK2, CNC1], 1, 1)).encode(), "page.json"),
    "compiled": (compiled.parse, (COMPILED_HEADER + COMPILED_UK2).encode(), "compiled.csv"),
    "treasurydirect": (treasurydirect.parse, results_xml(), "R_20250612_1.xml"),
    "par curve csv": (treasury_yields.parse, b"Date,20 Yr,30 Yr\n06/12/2025,4.86,4.84\n", "rates.csv"),
    "par curve xml": (treasury_yields.parse, PAR_XML.encode(), "feed.xml"),
    "mof ja": (mof_japan.parse, "基準日,1年,10年,30年\r\nR7.5.21,0.558,1.53,2.976\r\n".encode("cp932"), "jgbcm.csv"),
    "mof en": (mof_japan.parse, b"Interest Rate,,(Unit : %)\nDate,10Y,30Y\n2025/5/21,1.53,2.976\n", "jgbcme.csv"),
    "fred csv": (fred.parse, b"observation_date,DGS30\n2023-10-19,5.11\n2025-05-21,5.08\n", "DGS30.csv"),
    "fred json": (fred.parse, b'{"observations": [{"date": "2025-05-21", "value": "5.08"}]}',
                  "https://api.stlouisfed.org/fred/series/observations?series_id=DGS30&file_type=json"),
    "tic": (tic.parse, MFH.encode(), "mfh.txt"),
    "allotments csv": (allotments.parse, ALLOTMENTS_CSV, "investor_class_allotments.csv"),
    "allotments xls": (allotments.parse, ALLOTMENTS_XLS, "IC-Coupons.xls"),
    "weo tab": (imf.parse, WEO_TAB.encode(), "WEOApr2025all.xls"),
    "weo datamapper": (imf.parse, b'{"values": {"GGXWDG_NGDP": {"JPN": {"2024": 236.66}, "USA": {"2024": 120.79}}}}',
                       "https://www.imf.org/external/datamapper/api/v1/GGXWDG_NGDP/JPN/USA#vintage=2025-04"),
    "boj api": (boj.parse, json.dumps(_answer()).encode(), "https://www.stat-search.boj.or.jp/api/v1/getDataCode"),
    "boj accounts": (boj.parse, boj_csv(), "boj_accounts_2025-07-20.csv"),
    "census csv": (census.parse, (b"month,exports_to_japan_musd,imports_from_japan_musd,balance_musd\n"
                                  b"2024-01,5638.8,12576.2,-6937.4\n"), "us_japan_goods_trade_monthly.csv"),
    "census api": (census.parse, json.dumps({"exports": EXPORTS_ANSWER, "imports": IMPORTS_ANSWER}).encode(), "census"),
}
# what a parsed table must satisfy (the parsers' own declarations; curves checked in long form)
DECLARED = {
    "auction_results": AUCTIONS,
    "yield_curves": Rules(bounds=(Bound(("yield_pct",), YIELD_PCT.low, YIELD_PCT.high, YIELD_PCT.what),)),
    "tic_holdings": tic.RULES,
    "allotments": allotments.RULES,
    "boj_accounts": boj.ACCOUNTS_RULES,
    "trade_goods": census.RULES,
}
TOKENS = [b"inf", b"1e400", b'"4,35"', b"-1", b"0", b"\x00", b"\n", b"\r\n", b",", b'"', b"\t", b"9999-12-31",
          b"1700-01-01", b"NaN", b"null", b"1,000", b" " * 300, b"<", b"{", b"]"]
FUZZ = settings(max_examples=40, deadline=timedelta(seconds=2), suppress_health_check=[HealthCheck.too_slow])


def parsed_within_rules_or_one_line_error(parser, data: bytes, location: str) -> None:
    try:
        parsed = parser(data, location)
    except BondwatchError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    for part in (parsed, *parsed.extra):
        numbers = part.frame.select_dtypes("number").to_numpy(dtype=float)
        assert not np.isinf(numbers).any(), part.table
        if part.table in DECLARED:
            check(part.frame, DECLARED[part.table], source="fuzz", location=location, lines=range(len(part.frame)))


@st.composite
def mutations(draw, seed: bytes) -> bytes:
    """``seed`` with one to four byte-level edits: a byte changed, bytes inserted or deleted, the
    tail cut off, a stretch repeated, or a token that tempts a parser (inf, "4,35", NUL, ...)."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        edit = draw(st.sampled_from(["byte", "insert", "delete", "cut", "repeat", "token"]))
        if edit == "byte" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif edit == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif edit == "delete":
            del data[at:at + draw(st.integers(1, 16))]
        elif edit == "cut":
            del data[at:]
        elif edit == "repeat":
            data[at:at] = data[at:at + draw(st.integers(1, 80))]
        else:
            data[at:at] = draw(st.sampled_from(TOKENS))
    return bytes(data)


@pytest.mark.parametrize("name", list(SEEDS))
def test_seed_files_parse(name):
    parser, data, location = SEEDS[name]
    assert len(parser(data, location).frame)


@pytest.mark.parametrize("name", list(SEEDS))
@FUZZ
@given(data=st.data())
def test_mutated_official_files(name, data):
    parser, seed, location = SEEDS[name]
    parsed_within_rules_or_one_line_error(parser, data.draw(mutations(seed)), location)


@pytest.mark.parametrize("name", list(SEEDS))
@FUZZ
@given(raw=st.binary(max_size=600))
def test_arbitrary_bytes(name, raw):
    parser, _, location = SEEDS[name]
    parsed_within_rules_or_one_line_error(parser, raw, location)
