"""IMF World Economic Outlook: the "by countries" file and the DataMapper API, into ``weo``.

Formats read:

* the WEO by-countries download (``WEOApr2025all.xls``, which is really tab-delimited text,
  UTF-16 with a byte-order mark or Latin-1/UTF-8): columns ``WEO Country Code, ISO, WEO Subject
  Code, Country, Subject Descriptor, Subject Notes, Units, Scale, Country/Series-specific
  Notes, 1980 ... 2030, Estimates Start After``, values with thousands commas, ``n/a`` or
  ``--`` for none, a closing line naming the release ("World Economic Outlook Database, April
  2025"); the comma-separated extract of the offline mirror has the same columns (fewer of them);
* the DataMapper API (``https://www.imf.org/external/datamapper/api/v1/<INDICATOR>/<ISO>/...``):
  ``{"values": {INDICATOR: {ISO: {"1980": value, ...}}}}``. It serves the current release; the
  fetcher reads its name from the ``indicators`` answer and records it in the location as
  ``#vintage=YYYY-MM``.

The vintage ('2025-04') comes from the closing line, else the file name (``weo_2025-04_...``,
``WEOApr2025all``). Values after "Estimates Start After" are flagged ``estimate``.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from urllib.parse import urlsplit

import httpx
import numpy as np
import pandas as pd

from bondwatch import http
from bondwatch.errors import DataFormatError, NotFoundError
from bondwatch.sources import Fetched, Parsed
from bondwatch.sources.checks import Rules, check
from bondwatch.sources.formats import (
    LINE,
    decode,
    load_json,
    number_columns,
    read_csv,
    require_terminated,
)

SOURCE = "IMF World Economic Outlook"
DATAMAPPER = "https://www.imf.org/external/datamapper/api/v1"
KEY = ("vintage", "iso", "subject_code", "year")
# fetched live from DataMapper (the series of the offline extract)
INDICATORS = (
    "NGDP_RPCH", "NGDPD", "GGR_NGDP", "GGX_NGDP", "GGXCNL_NGDP", "GGXONLB_NGDP", "GGXWDN_NGDP",
    "GGXWDG_NGDP", "BCA_NGDPD",
)
COUNTRIES = ("USA", "JPN")
_MONTHS = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), start=1)}
_RELEASE = re.compile(r"World Economic Outlook(?: Database)?,?\s*\(?([A-Z][a-z]+)\s+(\d{4})", re.I)
_FILE_VINTAGE = re.compile(r"(\d{4})-(\d{2})")
_FILE_WEO = re.compile(r"WEO([A-Z][a-z]{2})(\d{4})", re.I)
_ISO = re.compile(r"^[A-Z]{3}$")
_NULL = ("", "n/a", "--", "NA", "n.a.")
FIRST_YEAR = 1980  # the WEO database starts in 1980
PROJECTION_YEARS = 10  # WEO projects five years ahead; a release carries no year later than this
RULES = Rules(key=("iso", "subject_code"))  # one row per country and subject


def _vintage(text: str, location: str) -> str:
    """'YYYY-MM' of the release, from the closing line or the file name."""
    tail = text[-2000:]
    m = _RELEASE.search(tail)
    if m and m.group(1).lower() in _MONTHS:
        return f"{m.group(2)}-{_MONTHS[m.group(1).lower()]:02d}"
    name = location.rsplit("/", 1)[-1]
    m = _FILE_VINTAGE.search(name)
    if m:
        return f"{m.group(1)}-{m.group(2)}"
    m = _FILE_WEO.search(name)
    if m:
        month = next((i for full, i in _MONTHS.items() if full.startswith(m.group(1).lower())), None)
        if month:
            return f"{m.group(2)}-{month:02d}"
    raise DataFormatError(
        SOURCE, location, "cannot tell the WEO release: no 'World Economic Outlook Database, <Month> <Year>' "
        "line and no YYYY-MM or WEOMonYYYY in the file name",
    )


def _decode(data: bytes, location: str) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise DataFormatError(SOURCE, location, "not valid UTF-16 text despite its byte-order mark") from None
    return decode(data, source=SOURCE, location=location, expected="the WEO by-countries file",
                  encodings=("utf-8", "cp1252"))


def _parse_table(text: str, location: str) -> pd.DataFrame:
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    lines = text.rstrip().split("\n")
    table_lines = len(lines)
    while lines and len(lines[-1].split(delimiter)) < 5:  # closing release line, blank lines
        lines.pop()
    if len(lines) == table_lines:  # the last table row ends the file: it must be complete
        require_terminated(text, source=SOURCE, location=location, delimiter=delimiter)
    frame = read_csv("\n".join(lines) + "\n", source=SOURCE, location=location, delimiter=delimiter,
                     required=("ISO", "WEO Subject Code", "Units", "Scale"))
    years = [c for c in frame.columns if re.fullmatch(r"\d{4}", c)]
    if not years:
        raise DataFormatError(SOURCE, f"{location} line 1", "no year columns (1980 ... 2030)")
    last_year = datetime.now().year + PROJECTION_YEARS
    odd_year = next((y for y in years if not FIRST_YEAR <= int(y) <= last_year), None)
    if odd_year:
        raise DataFormatError(SOURCE, f"{location} line 1", f"column {odd_year!r}: expected a year from {FIRST_YEAR} to {last_year}")
    bad_iso = ~frame["ISO"].str.strip().str.match(_ISO)
    if bad_iso.any():
        i = int(bad_iso.to_numpy().nonzero()[0][0])
        raise DataFormatError(
            SOURCE, f"{location} line {frame[LINE].iloc[i]}",
            f"ISO {frame['ISO'].iloc[i]!r}: expected a 3-letter ISO country code such as USA or JPN",
        )
    subjects = frame["WEO Subject Code"].str.strip()
    values = pd.DataFrame(
        number_columns(frame, years, source=SOURCE, location=location, nulls=_NULL,
                       expected="a number, n/a or --", name=lambda row, year: f"{subjects.iloc[row]} {year}"),
        columns=years, index=frame.index,
    )
    check(values.assign(iso=frame["ISO"].str.strip(), subject_code=subjects), RULES, source=SOURCE,
          location=location, lines=frame[LINE])
    long = values.assign(
        iso=frame["ISO"].str.strip(), subject_code=subjects,
        units=frame["Units"].str.strip(), scale=frame["Scale"].str.strip(),
        after=pd.to_numeric(frame.get("Estimates Start After", pd.Series(np.nan, index=frame.index)), errors="coerce"),
    ).melt(id_vars=["iso", "subject_code", "units", "scale", "after"], var_name="year", value_name="value")
    long = long.dropna(subset=["value"])
    long["year"] = long["year"].astype(int)
    long["estimate"] = (long["year"] > long["after"]).where(long["after"].notna())
    return long.drop(columns="after")


def _parse_datamapper(text: str, location: str) -> pd.DataFrame:
    payload = load_json(text, source=SOURCE, location=location)
    values = payload.get("values") if isinstance(payload, dict) else None
    if not isinstance(values, dict):
        raise DataFormatError(SOURCE, location, "expected a DataMapper answer {'values': {INDICATOR: {ISO: {year: value}}}}")
    nested = [(code, by_country) for code, by_country in values.items()
              if not isinstance(by_country, dict) or not all(isinstance(v, dict) for v in by_country.values())]
    if nested:
        raise DataFormatError(SOURCE, f"{location} values.{nested[0][0]}", "expected {ISO: {year: value}}")
    rows = [
        (iso, code, year, value)
        for code, by_country in values.items()
        for iso, by_year in by_country.items()
        for year, value in by_year.items()
        if value is not None
    ]
    frame = pd.DataFrame(rows, columns=["iso", "subject_code", "year", "value"], dtype=object)
    years = pd.to_numeric(frame["year"].where(frame["year"].str.fullmatch(r"\d{4}", na=False)), errors="coerce")
    numbers = frame["value"].map(lambda v: float(v) if isinstance(v, int | float) and not isinstance(v, bool) else np.nan)
    last_year = datetime.now().year + PROJECTION_YEARS
    bad = (~frame["iso"].str.match(_ISO, na=False) | ~years.between(FIRST_YEAR, last_year)
           | ~np.isfinite(numbers.to_numpy(dtype=float)))
    if bad.any():
        iso, code, year, value = frame[bad].iloc[0]
        raise DataFormatError(
            SOURCE, f"{location} values.{code}.{iso}", f"year {year!r} = {value!r}: expected a 3-letter ISO code, "
            f"a year from {FIRST_YEAR} to {last_year} and a finite number",
        )
    frame["year"], frame["value"] = years.astype(int), numbers.astype(float)
    frame[["units", "scale", "estimate"]] = None
    return frame


def parse(data: bytes, location: str) -> Parsed:
    """Parse a WEO by-countries file (tab or comma) or a DataMapper answer into ``weo`` rows."""
    text = _decode(data, location)
    if text.lstrip().startswith("{"):
        fragment = urlsplit(location).fragment
        if not fragment.startswith("vintage="):
            raise DataFormatError(SOURCE, location, "a DataMapper answer needs its release in the location (#vintage=YYYY-MM)")
        vintage, frame = fragment.split("=", 1)[1], _parse_datamapper(text, location)
    else:
        frame = _parse_table(text, location)
        vintage = _vintage(text, location)
    if frame.empty:
        raise DataFormatError(SOURCE, location, "no values in the file")
    frame.insert(0, "vintage", vintage)
    columns = ["vintage", "iso", "subject_code", "year", "value", "units", "scale", "estimate"]
    return Parsed("weo", frame[columns].reset_index(drop=True), KEY, f"WEO {vintage}")


def release_vintage(indicators_json: bytes) -> str:
    """'YYYY-MM' of the release DataMapper serves, from its ``indicators`` answer ('... (April 2025)')."""
    text = indicators_json.decode("utf-8", "replace")
    found = re.findall(r"World Economic Outlook\s*\(([A-Z][a-z]+)\s+(\d{4})\)", text)
    if not found:
        raise DataFormatError(SOURCE, f"{DATAMAPPER}/indicators", "no 'World Economic Outlook (<Month> <Year>)' source")
    month, year = max(found, key=lambda f: (int(f[1]), _MONTHS.get(f[0].lower(), 0)))
    return f"{year}-{_MONTHS[month.lower()]:02d}"


def fetch(client: httpx.Client, *, indicators=INDICATORS, countries=COUNTRIES) -> list[Fetched]:
    """DataMapper values for ``indicators`` x ``countries``, tagged with the current release."""
    meta = http.get(f"{DATAMAPPER}/indicators", source=SOURCE, client=client)
    vintage = release_vintage(meta.content)
    fetched = []
    for indicator in indicators:
        url = f"{DATAMAPPER}/{indicator}/{'/'.join(countries)}"
        response = http.get(url, source=SOURCE, client=client)
        values = json.loads(response.content).get("values") or {}
        missing = [c for c in countries if c not in values.get(indicator, {})]
        if missing:
            raise NotFoundError(f"IMF DataMapper has no {indicator} for {', '.join(missing)} (unknown country code?)")
        fetched.append(Fetched(f"{url}#vintage={vintage}", response.content, datetime.now(timezone.utc)))
    return fetched
