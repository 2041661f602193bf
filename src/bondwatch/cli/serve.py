"""`bondwatch serve`: the REST API and the web dashboard on a local port.

FastAPI and uvicorn are imported inside the command, never when the CLI starts.
"""

from __future__ import annotations

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free port).")
@click.option("--from", "from_dir", metavar="DIR|auto",
              help="First import the publishers' files from a folder ('auto': the offline mirror), as `update --from`.")
@click.option("--warehouse", type=click.Path(dir_okay=False), help="Warehouse file (default: the user's).")
@click.option("--cache-size", default=512, show_default=True,
              help="Answers kept per warehouse generation (0: compute every request).")
def serve(host: str, port: int, from_dir: str | None, warehouse: str | None, cache_size: int) -> None:
    """Serve the REST API (/api/v1, docs at /docs) and the dashboard; read-only on the warehouse."""
    from bondwatch.web.server import LOOPBACK, bind, make_server, url_of

    if from_dir:
        from bondwatch.service.update import resolve_source, update

        root = resolve_source(from_dir)
        click.echo(f"importing from {root or 'the official APIs'}", err=True)
        update(root, warehouse=warehouse)
    if host not in LOOPBACK:
        click.echo(f"warning: listening on {host}: anyone who can reach this machine can read the dashboard "
                   "and the API (no authentication)", err=True)
    sock = bind(host, port)
    server = make_server(warehouse, log_level="warning", cache_size=cache_size)
    click.echo(f"bondwatch dashboard: {url_of(sock)}  (API: {url_of(sock)}api/v1/, docs: {url_of(sock)}docs; "
               "Ctrl-C stops)")
    server.run(sockets=[sock])
