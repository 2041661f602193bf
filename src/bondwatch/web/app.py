"""The ASGI application: the REST API under ``/api/v1``, the dashboard pages and their static files.

Every endpoint calls one adapter of :mod:`bondwatch.service.results` and renders its
:class:`bondwatch.result.Result` as JSON (``Result.to_json()``, the same text the CLI prints with
``--json``) or CSV (``?format=csv``, ``&table=NAME`` for a secondary table). bondwatch errors map
to status codes in one handler (:data:`STATUS_CODES`) and answer ``{"error": "one line"}``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from bondwatch import __version__, paths
from bondwatch.errors import (
    BondwatchError,
    DataFormatError,
    NotFoundError,
    SourceUnavailableError,
    UsageError,
    WarehouseBusyError,
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
    "jgb-auction": ("/jgb-auction", "JGB auctions"),
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


class ResponseCache:
    """Rendered answers by (warehouse generation, path, query), least recently used first out.

    A generation of the warehouse file never changes (updates replace the file), and every
    endpoint is a pure function of it and of its parameters, so an answer can be served again
    until the file is replaced. ``size`` 0 turns the cache off; bodies over 1 MB are not kept.
    """

    MAX_BODY = 1 << 20

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[tuple[str, str, str], tuple[bytes, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, str]) -> tuple[bytes, str] | None:
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
            return hit

    def put(self, key: tuple[str, str, str], body: bytes, media_type: str) -> None:
        if not self.size or len(body) > self.MAX_BODY:
            return
        with self._lock:
            self._entries[key] = (body, media_type)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


def status_code(error: BondwatchError) -> int:
    """HTTP status of a bondwatch error (see :data:`STATUS_CODES`)."""
    return next(code for kind, code in STATUS_CODES if isinstance(error, kind))


def render(result: Result, format: str = "json", table: str | None = None) -> tuple[bytes, str]:
    """A Result as a response body and media type: its JSON document, or one of its tables as CSV."""
    if format == "csv":
        return result.to_csv(table).encode(), "text/csv; charset=utf-8"
    return result.to_json().encode(), "application/json"


def api_router(warehouse: WarehouseFile, cache: ResponseCache) -> APIRouter:
    """The ``/api/v1`` endpoints, each reading the current generation of ``warehouse``."""
    api = APIRouter(prefix="/api/v1")

    async def answer(request: Request, build: Callable[[str], Result], format: str, table: str | None) -> Response:
        """The cached answer, or ``build(path)`` rendered in a worker thread (the service layer blocks)."""
        with warehouse.reading() as (where, generation):
            key = (generation, request.url.path, request.url.query)
            hit = cache.get(key)
            if hit is None:
                hit = await run_in_threadpool(lambda: render(build(where), format, table))
                cache.put(key, *hit)
        return Response(hit[0], media_type=hit[1])

    @api.get("/ping", summary="Constant answer (liveness; the load benchmark's baseline)")
    async def ping() -> Response:
        return Response('{"ok":true}', media_type="application/json")

    @api.get("/auction/{target}", summary="Scorecard of an auction: a tenor (latest or on date) or a CUSIP")
    async def auction(request: Request, target: str, date: Day = None, format: Format = "json",
                table: TableName = None) -> Response:
        return await answer(request, lambda where: results.auction_result(target, date, warehouse=where), format, table)

    @api.get("/auctions", summary="Scorecards of every auction, oldest first (market=jp: JGB auctions)")
    async def auctions(request: Request, tenor: str | None = None, since: Day = None, until: Day = None,
                       last: Annotated[int | None, Query(ge=1)] = None, market: Literal["us", "jp"] = "us",
                       format: Format = "json", table: TableName = None) -> Response:
        listing = results.jgb_auctions_result if market == "jp" else results.auctions_result
        return await answer(request, lambda where: listing(tenor, since, until, last=last, warehouse=where), format, table)

    @api.get("/curve/{country}", summary="US par curve (us) or MOF JGB curve (jp) on a date, percent")
    async def curve(request: Request, country: str, date: Day = None, at: Annotated[list[str] | None, Query()] = None,
              format: Format = "json", table: TableName = None) -> Response:
        return await answer(request, lambda where: results.curve_result(country, date, at, warehouse=where), format, table)

    @api.get("/series/{series_id}", summary="A stored series (FRED ID or BOJ:...)")
    async def series(request: Request, series_id: str, since: Day = None, until: Day = None, format: Format = "json",
               table: TableName = None) -> Response:
        return await answer(request, lambda where: results.series_result(series_id, since, until, warehouse=where), format, table)

    @api.get("/fx/{pair}", summary="An exchange rate: usdjpy or usdcny (FRED H.10)")
    async def fx(request: Request, pair: str, since: Day = None, format: Format = "json", table: TableName = None) -> Response:
        return await answer(request, lambda where: results.fx_result(pair, since, warehouse=where), format, table)

    @api.get("/foreign", summary="TIC holdings beside foreign allotments and indirect shares, with caveats")
    async def foreign(request: Request, holder: str = "total", tenor: str = "30y", since: Day = None, format: Format = "json",
                table: TableName = None) -> Response:
        return await answer(request, lambda where: results.foreign_result(holder, tenor, since, warehouse=where), format, table)

    @api.get("/snapshot", summary="UST/JGB 10y and 30y, spreads, USD/JPY, breakevens, Fed assets, verdicts")
    async def snapshot(request: Request, date: Day = None, format: Format = "json", table: TableName = None) -> Response:
        return await answer(request, lambda where: results.snapshot_result(date, warehouse=where), format, table)

    @api.get("/debt/scenarios", summary="The shipped debt scenario presets")
    async def debt_scenarios(request: Request, format: Format = "json", table: TableName = None) -> Response:
        return await answer(request, lambda where: results.debt_scenarios_result(), format, table)

    def shipped(scenarios: list[str | None]) -> None:
        """The API takes shipped presets only: a path would read files of the server's."""
        from bondwatch.service.debt import preset_names

        names = preset_names()
        for name in scenarios:
            if name is not None and name not in names:
                raise UsageError(f"scenario {name!r}: expected a shipped preset ({', '.join(names)})")

    @api.get("/debt/project/{country}", summary="Debt projection with r-g decomposition and fan-chart bands")
    async def debt_project(request: Request, country: str, scenario: str | None = None,
                     paths: Annotated[int | None, Query(ge=1, le=1_000_000)] = None, seed: int = 0,
                     method: Literal["var", "normal", "bootstrap"] = "var", format: Format = "json",
                     table: TableName = None) -> Response:
        shipped([scenario])
        return await answer(request, lambda where: results.debt_project_result(
            country, scenario, paths=paths, seed=seed, method=method, warehouse=where), format, table)

    @api.get("/debt/stress/{country}", summary="Standard debt stress tests")
    async def debt_stress(request: Request, country: str, scenario: str | None = None, format: Format = "json",
                    table: TableName = None) -> Response:
        shipped([scenario])
        return await answer(request, lambda where: results.debt_stress_result(country, scenario, warehouse=where), format, table)

    @api.get("/debt/compare/{country}", summary="Scenarios side by side (repeat scenario=)")
    async def debt_compare(request: Request, country: str, scenario: Annotated[list[str], Query(min_length=1)],
                     format: Format = "json", table: TableName = None) -> Response:
        shipped(list(scenario))
        return await answer(request, lambda where: results.debt_compare_result(country, scenario, warehouse=where), format, table)

    @api.get("/fx-gap/{country}", summary="Real depreciation that closes the trade gap, J-curve, sensitivity")
    async def fx_gap(request: Request, country: str, partner: str | None = None, target: float = 0.0,
               export_elasticity: float | None = None, import_elasticity: float | None = None,
               pass_through: float | None = None, format: Format = "json", table: TableName = None) -> Response:
        return await answer(request, lambda where: results.fx_gap_result(
            country, partner, target_pct=target, export_elasticity=export_elasticity,
            import_elasticity=import_elasticity, pass_through=pass_through, warehouse=where), format, table)

    @api.get("/tariff/{exporter}", summary="A tariff's effect on an exporter, with the sensitivity table")
    async def tariff(request: Request, exporter: str, start: Annotated[str | None, Query(alias="from")] = None,
               end: Annotated[str | None, Query(alias="to")] = None, rate: float | None = None,
               pass_through: float | None = None, elasticity: float | None = None, usdjpy: float | None = None,
               customs_value: float | None = None, price: float | None = None, margin: float | None = None,
               by: Literal["month", "quarter", "year", "period"] = "period", format: Format = "json",
               table: TableName = None) -> Response:
        return await answer(request, lambda where: results.tariff_result(
            exporter, by=by, start=start, end=end, rate_pct=rate, pass_through=pass_through,
            demand_elasticity=elasticity, usdjpy=usdjpy, customs_value_usd=customs_value,
            market_price_usd=price, margin_usd=margin,
        ), format, table)

    @api.get("/status", summary="Every import in the warehouse with its provenance")
    async def status(request: Request, format: Format = "json", table: TableName = None) -> Response:
        def build(where: str) -> Result:
            result = results.status_result(warehouse=where)
            result.meta["warehouse"] = str(warehouse.path)
            return result

        return await answer(request, build, format, table)

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


def create_app(warehouse: Path | str | None = None, cache_size: int = 512) -> FastAPI:
    """The application reading ``warehouse`` (default: the user's warehouse), read-only, keeping
    up to ``cache_size`` rendered answers per warehouse generation (:class:`ResponseCache`)."""
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

    app.include_router(api_router(source, ResponseCache(cache_size)))
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
