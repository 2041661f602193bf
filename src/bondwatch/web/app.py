"""The ASGI application: the REST API under ``/api/v1``, the dashboard pages and their static files.

Every endpoint calls one adapter of :mod:`bondwatch.service.results` and renders its
:class:`bondwatch.result.Result` as JSON (``Result.to_json()``, the same text the CLI prints with
``--json``) or CSV (``?format=csv``, ``&table=NAME`` for a secondary table). bondwatch errors map
to status codes in one handler (:data:`STATUS_CODES`) and answer ``{"error": "one line"}``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from bondwatch import __version__, paths
from bondwatch.errors import (
    BondwatchError, DataFormatError, NotFoundError, SourceUnavailableError, UsageError, WarehouseBusyError,
)
from bondwatch.result import Result
from bondwatch.service import results
from bondwatch.web.warehouse import WarehouseFile

HERE = Path(__file__).resolve().parent
# most specific first: NotFoundError is a UsageError
STATUS_CODES: tuple[tuple[type[BondwatchError], int], ...] = (
    (NotFoundError, 404),
    (UsageError, 400),
    (DataFormatError, 422),
    (WarehouseBusyError, 503),
    (SourceUnavailableError, 502),
    (BondwatchError, 500),
)
PAGES = {
    "home": ("/", "Markets"),
    "auction": ("/auction", "Auctions"),
    "curves": ("/curves", "Curves"),
    "series": ("/series", "Series"),
    "foreign": ("/foreign", "Foreign demand"),
    "debt": ("/debt", "Debt"),
    "trade": ("/trade", "Trade"),
    "status": ("/status", "Status"),
    "check": ("/check", "Claims"),
}

Format = Annotated[Literal["json", "csv"], Query(description="json (the Result document) or csv (one table)")]
TableName = Annotated[str | None, Query(description="with format=csv: a secondary table of the result")]
Day = Annotated[str | None, Query(description="YYYY-MM-DD", examples=["2025-06-12"])]


def status_code(error: BondwatchError) -> int:
    """HTTP status of a bondwatch error (see :data:`STATUS_CODES`)."""
    return next(code for kind, code in STATUS_CODES if isinstance(error, kind))


def render(result: Result, format: str = "json", table: str | None = None) -> Response:
    """A Result as the response body: its JSON document, or one of its tables as CSV."""
    if format == "csv":
        name = f"bondwatch-{result.kind}{'-' + table if table else ''}.csv"
        return Response(result.to_csv(table), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'inline; filename="{name}"'})
    return Response(result.to_json(), media_type="application/json")


def api_router(warehouse: Callable[[], str], shown_path: Path) -> APIRouter:
    """The ``/api/v1`` endpoints; ``warehouse()`` gives the path each request reads (the current
    generation of the file ``shown_path``)."""
    api = APIRouter(prefix="/api/v1")

    @api.get("/ping", summary="Constant answer (liveness; the load benchmark's baseline)")
    def ping() -> Response:
        return Response('{"ok":true}', media_type="application/json")

    @api.get("/auction/{target}", summary="Scorecard of an auction: a tenor (latest or on date) or a CUSIP")
    def auction(target: str, date: Day = None, format: Format = "json", table: TableName = None) -> Response:
        return render(results.auction_result(target, date, warehouse=warehouse()), format, table)

    @api.get("/auctions", summary="Scorecards of every auction, oldest first")
    def auctions(tenor: str | None = None, since: Day = None, until: Day = None, format: Format = "json",
                 table: TableName = None) -> Response:
        return render(results.auctions_result(tenor, since, until, warehouse=warehouse()), format, table)

    @api.get("/curve/{country}", summary="US par curve (us) or MOF JGB curve (jp) on a date, percent")
    def curve(country: str, date: Day = None, at: Annotated[list[str] | None, Query()] = None,
              format: Format = "json", table: TableName = None) -> Response:
        return render(results.curve_result(country, date, at, warehouse=warehouse()), format, table)

    @api.get("/series/{series_id}", summary="A stored series (FRED ID or BOJ:...)")
    def series(series_id: str, since: Day = None, until: Day = None, format: Format = "json",
               table: TableName = None) -> Response:
        return render(results.series_result(series_id, since, until, warehouse=warehouse()), format, table)

    @api.get("/fx/{pair}", summary="An exchange rate: usdjpy or usdcny (FRED H.10)")
    def fx(pair: str, since: Day = None, format: Format = "json", table: TableName = None) -> Response:
        return render(results.fx_result(pair, since, warehouse=warehouse()), format, table)

    @api.get("/foreign", summary="TIC holdings beside foreign allotments and indirect shares, with caveats")
    def foreign(holder: str = "total", tenor: str = "30y", since: Day = None, format: Format = "json",
                table: TableName = None) -> Response:
        return render(results.foreign_result(holder, tenor, since, warehouse=warehouse()), format, table)

    @api.get("/snapshot", summary="UST/JGB 10y and 30y, spreads, USD/JPY, breakevens, Fed assets, verdicts")
    def snapshot(date: Day = None, format: Format = "json", table: TableName = None) -> Response:
        return render(results.snapshot_result(date, warehouse=warehouse()), format, table)

    @api.get("/debt/scenarios", summary="The shipped debt scenario presets")
    def debt_scenarios(format: Format = "json", table: TableName = None) -> Response:
        return render(results.debt_scenarios_result(), format, table)

    @api.get("/debt/project/{country}", summary="Debt projection with r-g decomposition and fan-chart bands")
    def debt_project(country: str, scenario: str | None = None,
                     paths: Annotated[int | None, Query(ge=1, le=1_000_000)] = None, seed: int = 0,
                     method: Literal["var", "normal", "bootstrap"] = "var", format: Format = "json",
                     table: TableName = None) -> Response:
        result = results.debt_project_result(country, scenario, paths=paths, seed=seed, method=method,
                                             warehouse=warehouse())
        return render(result, format, table)

    @api.get("/debt/stress/{country}", summary="Standard debt stress tests")
    def debt_stress(country: str, scenario: str | None = None, format: Format = "json",
                    table: TableName = None) -> Response:
        return render(results.debt_stress_result(country, scenario, warehouse=warehouse()), format, table)

    @api.get("/debt/compare/{country}", summary="Scenarios side by side (repeat scenario=)")
    def debt_compare(country: str, scenario: Annotated[list[str], Query(min_length=1)],
                     format: Format = "json", table: TableName = None) -> Response:
        return render(results.debt_compare_result(country, scenario, warehouse=warehouse()), format, table)

    @api.get("/fx-gap/{country}", summary="Real depreciation that closes the trade gap, J-curve, sensitivity")
    def fx_gap(country: str, partner: str | None = None, target: float = 0.0,
               export_elasticity: float | None = None, import_elasticity: float | None = None,
               pass_through: float | None = None, format: Format = "json", table: TableName = None) -> Response:
        result = results.fx_gap_result(country, partner, target_pct=target, export_elasticity=export_elasticity,
                                       import_elasticity=import_elasticity, pass_through=pass_through,
                                       warehouse=warehouse())
        return render(result, format, table)

    @api.get("/tariff/{exporter}", summary="A tariff's effect on an exporter, with the sensitivity table")
    def tariff(exporter: str, start: Annotated[str | None, Query(alias="from")] = None,
               end: Annotated[str | None, Query(alias="to")] = None, rate: float | None = None,
               pass_through: float | None = None, elasticity: float | None = None, usdjpy: float | None = None,
               customs_value: float | None = None, price: float | None = None, margin: float | None = None,
               by: Literal["month", "quarter", "year", "period"] = "period", format: Format = "json",
               table: TableName = None) -> Response:
        result = results.tariff_result(
            exporter, by=by, start=start, end=end, rate_pct=rate, pass_through=pass_through,
            demand_elasticity=elasticity, usdjpy=usdjpy, customs_value_usd=customs_value,
            market_price_usd=price, margin_usd=margin,
        )
        return render(result, format, table)

    @api.get("/status", summary="Every import in the warehouse with its provenance")
    def status(format: Format = "json", table: TableName = None) -> Response:
        result = results.status_result(warehouse=warehouse())
        result.meta["warehouse"] = str(shown_path)
        return render(result, format, table)

    return api


def _page(name: str) -> str:
    title = PAGES[name][1]
    nav = "".join(
        f'<a href="{path}"{" aria-current=page" if key == name else ""}>{label}</a>'
        for key, (path, label) in PAGES.items()
    )
    template = (HERE / "templates" / "page.html").read_text(encoding="utf-8")
    return template.replace("{{page}}", name).replace("{{title}}", title).replace("{{nav}}", nav) \
        .replace("{{version}}", __version__)


def create_app(warehouse: Path | str | None = None) -> FastAPI:
    """The application reading ``warehouse`` (default: the user's warehouse), read-only."""
    source = WarehouseFile(warehouse or paths.warehouse_path())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        source.close()

    app = FastAPI(
        title="bondwatch", version=__version__, docs_url=None, redoc_url=None, openapi_url="/api/v1/openapi.json",
        lifespan=lifespan,
        description="Sovereign-debt markets from official data. Every JSON answer is a Result document "
        "(schema in docs/api.md): schema_version, kind, meta, sources, data, tables.",
    )
    app.state.warehouse = source

    @app.exception_handler(BondwatchError)
    def bondwatch_error(request: Request, exc: BondwatchError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=status_code(exc))

    @app.exception_handler(RequestValidationError)
    def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        return JSONResponse({"error": f"{where}: {first.get('msg', 'invalid value')}"}, status_code=422)

    @app.exception_handler(HTTPException)
    def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"error": f"{request.url.path}: {exc.detail}"}, status_code=exc.status_code)

    app.include_router(api_router(source.current, source.path))
    pages = {name: _page(name) for name in PAGES}
    for name, (path, _) in PAGES.items():
        app.add_api_route(path, _page_handler(pages[name]), include_in_schema=False, response_class=HTMLResponse)
    docs = (HERE / "templates" / "docs.html").read_text(encoding="utf-8")
    app.add_api_route("/docs", _page_handler(docs), include_in_schema=False, response_class=HTMLResponse)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app


def _page_handler(html: str) -> Callable[[], HTMLResponse]:
    def page() -> HTMLResponse:
        return HTMLResponse(html)

    return page
