"""Bank of Japan: the Time-Series Statistics API (live) and a Bank of Japan Accounts snapshot.

* API (https://www.stat-search.boj.or.jp/api/v1/getDataCode, JSON, no key, HTTP 200 even on
  errors, which are told by ``STATUS``/``MESSAGE``): ``RESULTSET`` entries with ``SERIES_CODE``,
  ``NAME_OF_TIME_SERIES``, ``UNIT``, ``FREQUENCY`` and ``VALUES: {SURVEY_DATES, VALUES}``
  (dates YYYYMMDD daily/weekly, YYYYMM monthly, YYYYQQ quarterly, YYYY annual; ``null`` = none).
  Stored in ``series`` as ``BOJ:<DB>:<CODE>`` with ``series_meta``. Fetched: the uncollateralised
  overnight call rate (FM01 ``STRDCLUCON``, the rate BOJ policy targets) and the BOJ's JGB
  holdings from the Bank of Japan Accounts database (BS01), whose series code is looked up in the
  BS01 metadata by its name ("Japanese Government Bonds").
* Accounts snapshot CSV (offline mirror): ``as_of, side, item, thousand_yen``, transcribed from
  the BOJ's "Bank of Japan Accounts" release, into ``boj_accounts``.

Licence: BOJ data may be reused with attribution ("Source: Bank of Japan").
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import httpx
import numpy as np
import pandas as pd

from bondwatch import http
from bondwatch.errors import DataFormatError, NotFoundError
from bondwatch.sources import Fetched, Parsed
from bondwatch.sources.checks import Bound, Rules, Span, check, check_wide
from bondwatch.sources.formats import LINE, dates, decode, load_json, numbers, read_csv

SOURCE = "Bank of Japan"
API = "https://www.stat-search.boj.or.jp/api/v1"
POLICY_RATE = ("FM01", "STRDCLUCON")
JGB_HOLDINGS_DB = "BS01"
JGB_HOLDINGS_NAME = "japanese government bonds"
START = "199801"  # first month fetched (the API takes YYYYMM for daily series too)
FOUNDED = "1882-10-10"  # the Bank opened: no BOJ figure is dated earlier
ACCOUNT_SIDES = ("assets", "liabilities_net_assets")
JGS_ITEM, JGS_BREAKDOWN = "Japanese government securities", "annex1_jgs_breakdown"
ROUNDING_THOUSAND_YEN = 0.5
SERIES_RULES = Rules(spans=(Span(("date",), FOUNDED),), key=("date",))
ACCOUNTS_RULES = Rules(
    bounds=(Bound(("thousand_yen",), 0.0, 1e13, "an amount in thousand yen"),),  # 1e13 thousand = 10,000 trillion yen
    spans=(Span(("as_of",), FOUNDED),), key=("as_of", "side", "item"),
)


def series_id(db: str, code: str) -> str:
    """Warehouse ID of a BOJ series: 'BOJ:FM01:STRDCLUCON'."""
    return f"BOJ:{db.upper()}:{code}"


def _survey_dates(raw: pd.Series, frequency: str) -> pd.Series:
    """SURVEY_DATES -> first day of each period (daily/weekly: the day itself)."""
    text = raw.astype(str).str.strip()
    freq = frequency.upper()
    if freq.startswith(("DAILY", "WEEKLY")):
        return pd.to_datetime(text, format="%Y%m%d", errors="coerce")
    if freq.startswith("MONTHLY"):
        return pd.to_datetime(text, format="%Y%m", errors="coerce")
    if freq.startswith("QUARTERLY"):
        year, quarter = text.str[:4], pd.to_numeric(text.str[4:], errors="coerce")
        month = ((quarter.where(quarter.isin([1, 2, 3, 4])) - 1) * 3 + 1).astype("Int64").astype(str)
        return pd.to_datetime(year + "-" + month + "-01", errors="coerce")
    return pd.to_datetime(text.str[:4] + "-01-01", errors="coerce")


def _parse_api(text: str, location: str) -> Parsed:
    payload = load_json(text, source=SOURCE, location=location)
    if not isinstance(payload, dict) or "STATUS" not in payload:
        raise DataFormatError(SOURCE, location, "expected the BOJ API JSON envelope with STATUS and RESULTSET")
    if str(payload["STATUS"]) != "200":
        message = " ".join(str(payload.get("MESSAGE", "")).split())
        raise DataFormatError(SOURCE, location, f"the API answered {payload.get('MESSAGEID', '')} {message}".strip())
    parameter = payload.get("PARAMETER")
    db = str(parameter.get("DB", "")).upper() if isinstance(parameter, dict) else ""
    results = payload.get("RESULTSET") or []
    if not isinstance(results, list) or not all(isinstance(e, dict) and isinstance(e.get("VALUES") or {}, dict) for e in results):
        raise DataFormatError(SOURCE, location, "RESULTSET: expected a list of series, each with VALUES {SURVEY_DATES, VALUES}")
    if not db:
        raise DataFormatError(SOURCE, location, "PARAMETER.DB missing: cannot name the series")
    frames, meta = [], []
    for entry in results:
        code = entry.get("SERIES_CODE")
        frequency = str(entry.get("FREQUENCY", ""))
        observations = entry.get("VALUES") or {}
        raw_dates = pd.Series(observations.get("SURVEY_DATES") or [], dtype=object)
        raw_values = pd.Series(observations.get("VALUES") or [], dtype=object)
        if not code or len(raw_dates) != len(raw_values):
            raise DataFormatError(SOURCE, location, f"series {code!r}: SURVEY_DATES and VALUES differ in length")
        stamps = _survey_dates(raw_dates, frequency)
        values = pd.to_numeric(raw_values, errors="coerce")
        bad = stamps.isna() | (values.isna() & raw_values.notna()) | np.isinf(values.to_numpy(dtype=float))
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise DataFormatError(
                SOURCE, f"{location} series {code}",
                f"date {raw_dates.iloc[i]!r}, value {raw_values.iloc[i]!r}: expected a {frequency.lower()} date and a number or null",
            )
        check_wide(stamps, [str(code)], values.to_numpy(dtype=float)[:, None], SERIES_RULES, source=SOURCE,
                   location=location, lines=[f"series {code} observation {i + 1}" for i in range(len(stamps))])
        keep = values.notna()
        sid = series_id(db, code)
        frames.append(pd.DataFrame({"series_id": sid, "date": stamps[keep].to_numpy(), "value": values[keep].to_numpy()}))
        meta.append({
            "series_id": sid, "title": entry.get("NAME_OF_TIME_SERIES") or entry.get("NAME_OF_TIME_SERIES_J"),
            "units": entry.get("UNIT") or entry.get("UNIT_J"), "frequency": frequency.lower(),
            "source": "Bank of Japan time-series API", "notes": None,
        })
    if not frames:
        raise DataFormatError(SOURCE, location, "no series in RESULTSET (no data for the period?)")
    frame = pd.concat(frames, ignore_index=True)
    if frame.empty:
        raise DataFormatError(SOURCE, location, "every value in RESULTSET is null: no observations")
    vintage = f"{', '.join(m['series_id'] for m in meta)} through {frame['date'].max():%Y-%m-%d}"
    return Parsed("series", frame, ("series_id", "date"), vintage,
                  extra=[Parsed("series_meta", pd.DataFrame(meta), ("series_id",))])


def _parse_accounts(text: str, location: str) -> Parsed:
    frame = read_csv(text, source=SOURCE, location=location, required=("as_of", "side", "item", "thousand_yen"))
    kw = {"source": SOURCE, "location": location}
    out = pd.DataFrame({
        "as_of": dates(frame, "as_of", fmt="%Y-%m-%d", **kw),
        "side": frame["side"].str.strip(),
        "item": frame["item"].str.strip(),
        "thousand_yen": numbers(frame, "thousand_yen", **kw),
    })
    check(out, ACCOUNTS_RULES, lines=frame[LINE], **kw)
    _refuse_totals_that_disagree(out, frame[LINE], location)
    return Parsed("boj_accounts", out, ("as_of", "side", "item"), f"accounts on {out['as_of'].max():%Y-%m-%d}")


def _refuse_totals_that_disagree(out: pd.DataFrame, lines: pd.Series, location: str) -> None:
    """Each side's 'Total' equals the sum of its items, and the JGS breakdown (annex) the
    'Japanese government securities' asset, within half a thousand yen per item added (each figure
    is rounded to the thousand yen: the 2025-07-20 release's assets add up to 2 below their Total)."""
    for _, day in out.groupby("as_of"):
        wholes = [(side, "Total", day["side"].eq(side) & day["item"].ne("Total")) for side in ACCOUNT_SIDES]
        wholes.append(("assets", JGS_ITEM, day["side"].eq(JGS_BREAKDOWN)))
        for side, item, parts in wholes:
            total = day[day["side"].eq(side) & day["item"].eq(item)]
            if len(total) != 1 or not parts.any():
                continue
            added = day.loc[parts, "thousand_yen"].sum()
            if abs(added - total["thousand_yen"].iloc[0]) > ROUNDING_THOUSAND_YEN * parts.sum():
                raise DataFormatError(
                    SOURCE, f"{location} line {lines.loc[total.index[0]]}",
                    f"field 'thousand_yen' = {total['thousand_yen'].iloc[0]:,.0f} ({side}, {item}) but its "
                    f"{int(parts.sum())} items add up to {added:,.0f}: expected them to agree within "
                    f"{ROUNDING_THOUSAND_YEN} per item",
                )


def parse(data: bytes, location: str) -> Parsed:
    """Parse a BOJ API answer (``series``) or an accounts snapshot CSV (``boj_accounts``)."""
    text = decode(data, source=SOURCE, location=location, expected="BOJ API JSON or the accounts CSV",
                  encodings=("utf-8", "cp932"))
    return _parse_api(text, location) if text.lstrip().startswith("{") else _parse_accounts(text, location)


def _api_get(endpoint: str, params: dict[str, str], client: httpx.Client) -> httpx.Response:
    return http.get(f"{API}/{endpoint}", source=SOURCE, params={**params, "format": "json", "lang": "en"}, client=client)


def _jgb_holdings_code(client: httpx.Client) -> str:
    """The BS01 series code whose English name mentions Japanese Government Bonds (monthly first)."""
    answer = json.loads(_api_get("getMetadata", {"db": JGB_HOLDINGS_DB}, client).content)
    matches = [
        r for r in answer.get("RESULTSET") or []
        if JGB_HOLDINGS_NAME in str(r.get("NAME_OF_TIME_SERIES", "")).lower() and r.get("SERIES_CODE")
    ]
    if not matches:
        raise NotFoundError(f"BOJ {JGB_HOLDINGS_DB} metadata lists no series named like '{JGB_HOLDINGS_NAME}'")
    matches.sort(key=lambda r: (not str(r.get("FREQUENCY", "")).upper().startswith("MONTHLY"), r["SERIES_CODE"]))
    return matches[0]["SERIES_CODE"]


def fetch(client: httpx.Client) -> list[Fetched]:
    """The call rate (daily) and the BOJ's JGB holdings (from the BS01 metadata), as API JSON."""
    fetched = []
    for db, code in (POLICY_RATE, (JGB_HOLDINGS_DB, _jgb_holdings_code(client))):
        response = _api_get("getDataCode", {"db": db, "code": code, "startDate": START}, client)
        fetched.append(Fetched(str(response.url), response.content, datetime.now(timezone.utc)))
    return fetched
