"""Debt dynamics for the US and Japan from the warehouse: projections, fan charts, stress tests.

Builds :class:`bondwatch.models.debt.DebtInputs` from the stored IMF WEO vintage (table ``weo``)
and a scenario preset (``presets/debt/NAME.yaml`` or a YAML file of the same form), then runs the
pure models. Every function returns a pandas DataFrame; metadata (scenario, assumptions with their
sources, probabilities) sits in ``frame.attrs``.
"""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bondwatch import store
from bondwatch.errors import NotFoundError, UsageError

if TYPE_CHECKING:
    import pandas as pd

    from bondwatch.models.debt import DebtInputs

PRESET_DIR = Path(__file__).resolve().parents[1] / "presets" / "debt"
COUNTRIES = {"US": "USA", "USA": "USA", "JP": "JPN", "JPN": "JPN"}
PREFIX = {"USA": "us", "JPN": "jp"}
YIELD_CURVE = {"USA": "us_par", "JPN": "jp_mof"}  # 10-year yields for the shock history
MATURITY_KEYS = ("avg_remaining_maturity_months", "avg_maturity_years")  # a scenario gives one of the two
ASSUMPTIONS = (
    "weo_vintage", "end_year", "short_share", *MATURITY_KEYS, "amortization", "fx_share",
    "primary_deficit_increase_bn", "market_rate_shift_pp", "yield_feedback",
)
# WEO's interest is net interest (interest expense minus interest revenue; primary minus overall
# balance), so the engine's generic interest columns are named for what they hold here.
NET_INTEREST_NAMES = {"interest_gdp": "net_interest_gdp", "effective_rate": "net_interest_rate"}
SUMMARY_COLUMNS = ["year", "debt_gdp", "net_interest_gdp", "gfn_gdp", "net_interest_rate", "primary_balance"]
DEBT_CONCEPT = "general government gross debt (IMF WEO)"  # what debt_gdp measures, in attrs
MAX_YAML_BYTES = 1 << 20  # scenario and stress files: 1 MiB is thousands of times a real one


def country_code(country: str) -> str:
    """ISO3 code for US/USA/JP/JPN (any case); UsageError otherwise."""
    iso = COUNTRIES.get(str(country).strip().upper())
    if iso is None:
        raise UsageError(f"country = {country!r}: expected one of US, USA, JP, JPN")
    return iso


def preset_names() -> list[str]:
    """Names of the shipped scenario presets."""
    return sorted(p.stem for p in PRESET_DIR.glob("*.yaml") if p.stem != "stress")


@cache
def _alias_free_loader() -> type:
    """A SafeLoader that refuses YAML aliases (``*name``): scenario files never need them, and
    refusing them while composing stops "billion laughs" expansion before it starts."""
    import yaml

    class AliasFreeLoader(yaml.SafeLoader):
        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                raise yaml.composer.ComposerError(
                    None, None, "aliases (*name) are not allowed in scenario files", self.peek_event().start_mark
                )
            return super().compose_node(parent, index)

    return AliasFreeLoader


def _read_yaml(path: Path, what: str) -> dict:
    """A YAML mapping from ``path``: at most 1 MiB of UTF-8, no aliases; UsageError naming the
    file and line otherwise."""
    import yaml

    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_YAML_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"{what} {path}: cannot be read ({exc.strerror})") from None
    if len(raw) > MAX_YAML_BYTES:
        raise UsageError(f"{what} {path}: larger than {MAX_YAML_BYTES >> 20} MiB; expected a small YAML file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UsageError(
            f"{what} {path}: line {line}: byte 0x{raw[exc.start]:02x} is not UTF-8 text; expected a YAML file"
        ) from None
    try:
        data = yaml.load(text, Loader=_alias_free_loader())  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        position = getattr(exc, "position", None)  # ReaderError: a character YAML does not allow
        line = mark.line + 1 if mark else text[:position].count("\n") + 1 if position is not None else "?"
        problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or "not valid YAML"
        raise UsageError(f"{what} {path}: line {line}: {problem}; expected valid YAML") from None
    except RecursionError:
        raise UsageError(f"{what} {path}: nested too deeply; expected a YAML mapping of assumptions") from None
    if not isinstance(data, dict):
        raise UsageError(f"{what} {path}: expected a mapping at the top level")
    return data


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


ASSUMPTION_TYPES = {
    "weo_vintage": (lambda v: isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}", v), "a WEO vintage 'YYYY-MM'"),
    "end_year": (lambda v: isinstance(v, int) and not isinstance(v, bool), "a year"),
    "short_share": (_is_number, "a number"),
    "avg_remaining_maturity_months": (_is_number, "a number of months"),
    "avg_maturity_years": (_is_number, "a number of years"),
    "amortization": (
        lambda v: v is None or (isinstance(v, list) and all(_is_number(x) for x in v)),
        "a list of shares due in years 1, 2, ...",
    ),
    "fx_share": (_is_number, "a number"),
    "primary_deficit_increase_bn": (
        lambda v: isinstance(v, (list, dict)), "a list of {years: [first, last], total: bn}"
    ),
    "market_rate_shift_pp": (lambda v: isinstance(v, dict), "{year: pp} or {from: year, pp: change}"),
    "yield_feedback": (
        lambda v: isinstance(v, dict) and _is_number(v.get("bp_per_pp")) and isinstance(v.get("reference"), str),
        "{bp_per_pp: number, reference: scenario}",
    ),
}


def _check_assumption(scenario: str, key: str, value: Any) -> None:
    """UsageError unless ``value`` has the form the assumption ``key`` takes."""
    accepts, expected = ASSUMPTION_TYPES[key]
    if not accepts(value):
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
        raise UsageError(f"scenario {scenario}: assumption {key!r} = {shown}: expected {expected}")


def load_scenario(name: str, _seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """A scenario preset (shipped name or path to a YAML file), with ``extends`` resolved.

    Returns ``{"name", "country", "description", "assumptions": {key: value},
    "sources": {key: source}}``. Every assumption must carry a ``source``.
    """
    path = Path(name)
    if path.suffix not in (".yaml", ".yml"):
        path = PRESET_DIR / f"{name}.yaml"
        if not path.is_file() or name == "stress":
            raise UsageError(f"scenario = {name!r}: expected one of {', '.join(preset_names())} or a .yaml file")
    elif not path.is_file():
        raise UsageError(f"scenario = {name!r}: no such file")
    if name in _seen:
        raise UsageError(f"scenario {name!r}: 'extends' loops back on itself")
    data = _read_yaml(path, "scenario")
    for key in ("name", "country"):
        if key not in data:
            raise UsageError(f"scenario {path.name}: missing '{key}'")
    country_code(data["country"])
    label = f"{data['name']} ({path.name})"
    if "extends" in data:
        base = load_scenario(str(data["extends"]), (*_seen, name))
        if base["country"] != country_code(data["country"]):
            raise UsageError(f"scenario {label}: extends {data['extends']} of another country")
        assumptions, sources = dict(base["assumptions"]), dict(base["sources"])
    else:
        assumptions, sources = {}, {}
    given = data.get("assumptions") or {}
    if not isinstance(given, dict):
        raise UsageError(f"scenario {label}: 'assumptions' must be a mapping of name -> {{value, source}}")
    if all(key in given for key in MATURITY_KEYS):
        raise UsageError(f"scenario {label}: give {MATURITY_KEYS[0]!r} or {MATURITY_KEYS[1]!r}, not both")
    for key, entry in given.items():
        if key not in ASSUMPTIONS:
            raise UsageError(f"scenario {label}: unknown assumption {key!r}; known: {', '.join(ASSUMPTIONS)}")
        if not isinstance(entry, dict) or "value" not in entry or not str(entry.get("source") or "").strip():
            raise UsageError(f"scenario {label}: assumption {key!r} needs a 'value' and a 'source'")
        _check_assumption(label, key, entry["value"])
        if key in MATURITY_KEYS:  # the maturity given here replaces an inherited one of either kind
            for other in MATURITY_KEYS:
                assumptions.pop(other, None)
                sources.pop(other, None)
        assumptions[key], sources[key] = entry["value"], str(entry["source"])
    for key in ("weo_vintage", "end_year", "short_share"):
        if key not in assumptions:
            raise UsageError(f"scenario {label}: missing assumption {key!r}")
    if not any(key in assumptions for key in MATURITY_KEYS):
        raise UsageError(f"scenario {label}: missing assumption {MATURITY_KEYS[0]!r} (or {MATURITY_KEYS[1]!r})")
    return {
        "name": str(data["name"]),
        "country": country_code(data["country"]),
        "description": str(data.get("description", "")),
        "assumptions": assumptions,
        "sources": sources,
    }


def _weo_table(wh: store.Warehouse, iso: str, vintage: str) -> pd.DataFrame:
    from bondwatch.models.debt_baseline import weo_fiscal_table

    if not wh.has_table("weo"):
        raise NotFoundError("weo: the warehouse has no IMF WEO table; run `bondwatch update --from auto`")
    rows = wh.frame(
        "SELECT subject_code, year, value FROM weo WHERE vintage = ? AND iso = ?", [vintage, iso]
    )
    if rows.empty:
        have = [r[0] for r in wh.rows("SELECT DISTINCT vintage FROM weo ORDER BY 1")]
        raise NotFoundError(
            f"weo vintage {vintage} for {iso}: not in the warehouse (vintages held: {', '.join(have) or 'none'})"
        )
    return weo_fiscal_table(rows)


def _market_yields(wh: store.Warehouse, iso: str) -> pd.Series | None:
    """Annual averages of the stored 10-year government yield (percent), or None if not stored."""
    if not wh.has_table("yield_curves"):
        return None
    frame = wh.frame(
        "SELECT year(date) AS year, avg(yield_pct) AS rate, count(*) AS n FROM yield_curves "
        "WHERE curve = ? AND tenor_years = 10 GROUP BY 1 HAVING count(*) >= 100 ORDER BY 1",
        [YIELD_CURVE[iso]],
    )
    return None if frame.empty else frame.set_index("year")["rate"]


def _deficit_path(spec, inputs: DebtInputs, ngdp_start: float) -> Any:
    """Primary-balance change (percent of GDP, negative = larger deficit) from blocks of
    ``{years: [first, last], total: bn}`` in national currency, spread evenly within each block
    (a block of one year, ``[y, y]``, carries that year's figure)."""
    import numpy as np

    years = np.asarray(inputs.years)
    ngdp = ngdp_start * np.cumprod(1 + inputs.nominal_growth / 100)
    change = np.zeros(len(years))
    for block in spec if isinstance(spec, list) else [spec]:
        try:
            (first, last), total = block["years"], block["total"]
        except (TypeError, KeyError, ValueError):
            first = total = None
        if not (isinstance(first, int) and isinstance(last, int) and _is_number(total)):
            raise UsageError(
                f"primary_deficit_increase_bn: expected a list of {{years: [first, last], total: bn}}, got {block!r}"
            )
        if first < years[0] or last > years[-1] or first > last:
            raise UsageError(
                f"primary_deficit_increase_bn: years {first}-{last} outside the projection {years[0]}-{years[-1]}"
            )
        inside = (years >= first) & (years <= last)
        change[inside] -= total / inside.sum() / ngdp[inside] * 100
    return change


def scenario_inputs(scenario: dict[str, Any], wh: store.Warehouse) -> tuple[DebtInputs, pd.DataFrame]:
    """The projection inputs of a loaded scenario and the WEO fiscal table they come from."""
    from bondwatch.models.debt import maturity_for_remaining
    from bondwatch.models.debt_baseline import baseline_inputs
    from bondwatch.models.debt_stress import yearly_deltas

    a = scenario["assumptions"]
    vintage = str(a["weo_vintage"])
    table = _weo_table(wh, scenario["country"], vintage)
    start = int(vintage[:4])
    amortization = a.get("amortization")
    if "avg_remaining_maturity_months" in a:
        maturity_at_issue = maturity_for_remaining(a["avg_remaining_maturity_months"] / 12, a["short_share"])
    else:
        maturity_at_issue = a["avg_maturity_years"]
    inputs = baseline_inputs(
        table,
        start_year=start,
        end_year=int(a["end_year"]),
        short_share=a["short_share"],
        avg_maturity=maturity_at_issue,
        amortization=tuple(amortization) if amortization else None,
        fx_share=a.get("fx_share", 0.0),
    )
    if "primary_deficit_increase_bn" in a:
        change = _deficit_path(a["primary_deficit_increase_bn"], inputs, float(table.loc[start - 1, "ngdp"]))
        inputs = inputs.with_changes(primary_balance=inputs.primary_balance + change)
    if "market_rate_shift_pp" in a:
        shift = yearly_deltas(a["market_rate_shift_pp"], inputs.years, "market_rate_shift_pp")
        inputs = inputs.with_changes(rate_shock=inputs.rate_shock + shift)
    if "yield_feedback" in a:
        spec = a["yield_feedback"]
        reference = load_scenario(str(spec["reference"]))
        ref_inputs, _ = scenario_inputs(reference, wh)
        if ref_inputs.years != inputs.years:
            raise UsageError(f"yield_feedback.reference {reference['name']}: covers other years than {scenario['name']}")
        inputs = inputs.with_changes(
            yield_feedback_bp_per_pp=spec["bp_per_pp"],
            feedback_reference=_project(ref_inputs)["debt_gdp"].to_numpy(),
        )
    return inputs, table


def _project(inputs: DebtInputs) -> pd.DataFrame:
    """:func:`bondwatch.models.debt.project` with its interest columns named as net interest."""
    from bondwatch.models.debt import project

    return project(inputs).rename(columns=NET_INTEREST_NAMES)


def _resolve(country: str, scenario: str | None) -> dict[str, Any]:
    iso = country_code(country)
    loaded = load_scenario(scenario or f"{PREFIX[iso]}-baseline")
    if loaded["country"] != iso:
        raise UsageError(f"scenario {loaded['name']} is for {loaded['country']}, not {iso}")
    return loaded


def _attach(frame: pd.DataFrame, scenario: dict[str, Any], **extra: Any) -> pd.DataFrame:
    frame.attrs.update(
        country=scenario["country"],
        debt_concept=DEBT_CONCEPT,
        scenario=scenario["name"],
        description=scenario["description"],
        assumptions=[
            {"name": k, "value": v, "source": scenario["sources"].get(k, "")}
            for k, v in scenario["assumptions"].items()
        ],
        **extra,
    )
    return frame


def debt_project(
    country: str,
    scenario: str | None = None,
    *,
    paths: int | None = None,
    seed: int = 0,
    method: str = "var",
    warehouse: str | Path | None = None,
) -> pd.DataFrame:
    """Project general government gross debt (IMF WEO concept) for ``country`` (US/USA/JP/JPN)
    under a scenario preset.

    One row per year: ``debt_gdp``, ``primary_balance`` (+ = surplus, WEO's sign),
    ``net_interest_gdp`` (net interest paid), ``gfn_gdp`` (percent of GDP), the ``contrib_*``
    contributions to the change in debt (pp, summing to ``change_debt``; ``contrib_primary_balance``
    = -``primary_balance``), ``net_interest_rate`` (net interest paid over gross debt at the start
    of the year, percent), ``debt_stabilising_pb``, ``r_minus_g`` and ``r_minus_g_stabilising``.
    ``attrs`` give the maturity profile: ``maturity_at_issue_years`` of new bonds and the stock's
    ``avg_remaining_maturity_years``. With ``paths``
    (1 to 1,000,000) also ``debt_gdp_p5`` ... ``debt_gdp_p95`` from stochastic shocks drawn by
    ``method`` ('normal', 'bootstrap', 'var') with ``seed``; ``attrs['probabilities']`` then holds
    the probability that debt in year 5 exceeds today's and that it stabilises.
    """
    from bondwatch.models.debt import average_remaining_maturity
    from bondwatch.models.debt_baseline import shock_history
    from bondwatch.models.debt_stochastic import (
        PERCENTILES,
        check_paths,
        check_seed,
        fan_chart,
        fit_shocks,
        simulate_paths,
    )

    loaded = _resolve(country, scenario)
    check_seed(seed)
    if paths is not None:
        check_paths(paths)
    with store.Warehouse(warehouse) as wh:
        inputs, table = scenario_inputs(loaded, wh)
        yields = _market_yields(wh, loaded["country"]) if paths is not None else None
    frame = _project(inputs)
    extra: dict[str, Any] = {
        "start_debt_gdp": inputs.initial_debt,
        "start_year": inputs.years[0] - 1,
        "short_share": inputs.short_share,
        "maturity_at_issue_years": inputs.avg_maturity,
        "avg_remaining_maturity_years": average_remaining_maturity(
            inputs.short_share, inputs.avg_maturity, inputs.amortization
        ),
    }
    if paths is not None:
        history = shock_history(table, inputs.years[0] - 1, yields)
        model = fit_shocks(history, method)
        runs = simulate_paths(inputs, model, paths, seed)
        bands, probabilities = fan_chart(runs["debt_gdp"], inputs.initial_debt)
        for p, band in zip(PERCENTILES, bands):
            frame[f"debt_gdp_p{p}"] = band
        extra.update(
            paths=paths, seed=seed, method=method, probabilities=probabilities,
            shock_history=(
                f"{history.index.min()}-{history.index.max()}: WEO real growth, GDP deflator, primary "
                "balance; market rate = "
                + ("10-year government yield, annual average" if yields is not None else "WEO implied net interest rate")
            ),
        )
    return _attach(frame, loaded, **extra)


def debt_stress(
    country: str,
    scenario: str | None = None,
    *,
    custom: str | Path | dict | None = None,
    warehouse: str | Path | None = None,
) -> pd.DataFrame:
    """Standard stress tests (``presets/debt/stress.yaml``) plus custom shocks on a scenario.

    ``custom``: a mapping (or YAML file with a ``scenarios:`` mapping) of name -> shocks, each
    shock a variable among real_growth, inflation, primary_balance, market_rate (pp) and
    fx_depreciation (percent) with ``{year: change}`` or ``{from: year, pp: change}``.
    Long frame: ``scenario`` ('baseline', 'growth', ..., custom names), ``year``, ``debt_gdp``
    (general government gross debt, IMF WEO), ``net_interest_gdp``, ``gfn_gdp``,
    ``net_interest_rate``, ``primary_balance``, ``debt_gdp_vs_baseline``.
    """
    import pandas as pd

    from bondwatch.models.debt_baseline import shock_history
    from bondwatch.models.debt_stress import (
        apply_shocks,
        standard_shocks,
        yearly_deltas,
    )

    loaded = _resolve(country, scenario)
    custom_specs = _custom_scenarios(custom)
    sizes = _read_yaml(PRESET_DIR / "stress.yaml", "stress preset")["shocks"]
    with store.Warehouse(warehouse) as wh:
        inputs, table = scenario_inputs(loaded, wh)
    history = shock_history(table, inputs.years[0] - 1)
    shocks = standard_shocks(
        inputs.years, float(history["real_growth"].std()), float(history["primary_balance"].std()), sizes
    )
    for name, spec in custom_specs.items():
        shocks[name] = {
            var: yearly_deltas(value, inputs.years, f"{name}.{var}") for var, value in spec.items() if var != "source"
        }
    base = _project(inputs)[SUMMARY_COLUMNS]
    frames = [base.assign(scenario="baseline")]
    for name, shock in shocks.items():
        frames.append(_project(apply_shocks(inputs, shock))[SUMMARY_COLUMNS].assign(scenario=name))
    out = pd.concat(frames, ignore_index=True)
    out["debt_gdp_vs_baseline"] = out["debt_gdp"] - out["year"].map(base.set_index("year")["debt_gdp"])
    out = out[["scenario", *SUMMARY_COLUMNS, "debt_gdp_vs_baseline"]]
    return _attach(
        out, loaded,
        stress_sizes=sizes,
        sd_real_growth=float(history["real_growth"].std()),
        sd_primary_balance=float(history["primary_balance"].std()),
    )


def _custom_scenarios(custom: str | Path | dict | None) -> dict[str, dict]:
    if custom is None:
        return {}
    if isinstance(custom, (str, Path)):
        path = Path(custom)
        if not path.is_file():
            raise UsageError(f"custom = {custom}: no such file")
        custom = _read_yaml(path, "custom stress file").get("scenarios")
    if not isinstance(custom, dict) or not all(isinstance(v, dict) for v in custom.values()):
        raise UsageError("custom: expected a mapping of scenario name -> {variable: {year: change}}")
    from bondwatch.models.debt_stress import STANDARD

    taken = next((name for name in custom if name in ("baseline", *STANDARD)), None)
    if taken is not None:
        raise UsageError(f"custom scenario {taken!r}: the name of a standard scenario; choose another name")
    return custom


def debt_compare(country: str, *scenarios: str, warehouse: str | Path | None = None) -> pd.DataFrame:
    """Deterministic paths of several scenarios side by side (long frame: ``scenario``, ``year``,
    ``debt_gdp`` (general government gross debt, IMF WEO), ``net_interest_gdp``, ``gfn_gdp`` in
    percent of GDP, ``net_interest_rate`` in percent, ``primary_balance`` (+ = surplus))."""
    import pandas as pd

    if not scenarios:
        raise UsageError("scenarios: name at least one scenario, e.g. us-baseline us-deficits-2.4t")
    loaded = [_resolve(country, s) for s in scenarios]
    names = [sc["name"] for sc in loaded]
    twice = next((name for name in names if names.count(name) > 1), None)
    if twice is not None:
        raise UsageError(f"scenarios: {twice} is named more than once; name each scenario once")
    frames = []
    with store.Warehouse(warehouse) as wh:
        for sc in loaded:
            inputs, _ = scenario_inputs(sc, wh)
            frames.append(_project(inputs)[SUMMARY_COLUMNS].assign(scenario=sc["name"]))
    out = pd.concat(frames, ignore_index=True)[["scenario", *SUMMARY_COLUMNS]]
    out.attrs.update(
        country=loaded[0]["country"],
        debt_concept=DEBT_CONCEPT,
        scenarios=[{"name": sc["name"], "description": sc["description"]} for sc in loaded],
    )
    return out


def save_chart(frame: pd.DataFrame, path: str | Path, title: str) -> Path:
    """Write a debt chart to ``path`` (PNG or SVG by suffix): one line per ``scenario`` column
    value, or the projection with its percentile bands when ``debt_gdp_p5`` ... are present."""
    target = Path(path)
    if target.suffix.lower() not in (".png", ".svg"):
        raise UsageError(f"chart = {path}: expected a file name ending in .png or .svg")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5))
    try:
        if "scenario" in frame:
            for name, part in frame.groupby("scenario", sort=False):
                ax.plot(part["year"], part["debt_gdp"], marker="o", ms=3, label=name)
        else:
            for lo, hi, alpha in ((5, 95, 0.15), (10, 90, 0.25), (25, 75, 0.35)):
                if f"debt_gdp_p{lo}" in frame:
                    ax.fill_between(frame["year"], frame[f"debt_gdp_p{lo}"], frame[f"debt_gdp_p{hi}"],
                                    color="tab:blue", alpha=alpha, lw=0, label=f"{lo}th-{hi}th percentile")
            if "debt_gdp_p50" in frame:
                ax.plot(frame["year"], frame["debt_gdp_p50"], color="tab:blue", ls="--", label="median")
            ax.plot(frame["year"], frame["debt_gdp"], color="black", marker="o", ms=3, label="deterministic")
        ax.set_title(title)
        ax.set_ylabel("general government gross debt (IMF WEO), % of GDP")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        fig.tight_layout()
        target.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(target)
    finally:
        plt.close(fig)
    return target


__all__ = ["debt_compare", "debt_project", "debt_stress", "load_scenario", "preset_names", "save_chart"]
