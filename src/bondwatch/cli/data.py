"""`bondwatch update` and `bondwatch status`."""

from __future__ import annotations

import click

from bondwatch.cli.output import emit_json, emit_result, table


@click.command()
@click.option(
    "--from", "from_dir", metavar="DIR|auto",
    help="Import the publishers' files from a folder (the offline mirror) instead of the APIs; "
    "'auto' uses $BONDWATCH_MIRROR, else shared/data beside the checkout, else ../shared/data or "
    "./shared/data from here, else the APIs.",
)
@click.option("--only", multiple=True, metavar="DATASET", help="Only these datasets (repeatable), e.g. fiscaldata.")
@click.option(
    "--force", is_flag=True,
    help="Import every file again, even datasets whose stored rows come from exactly these files.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the import report as JSON.")
def update(from_dir: str | None, only: tuple[str, ...], force: bool, as_json: bool) -> None:
    """Fetch official data into the warehouse (atomic: all or nothing)."""
    from bondwatch.service.update import resolve_source
    from bondwatch.service.update import update as run_update

    root = resolve_source(from_dir)
    click.echo(f"importing from {root or 'the official APIs'}", err=True)
    report = run_update(root, only=list(only) or None, force=force)
    records = report.to_dict("records")
    if as_json:
        emit_json(records)
        return
    rows = [[r["dataset"], r["location"].rsplit("/", 1)[-1][:60], f"{r['rows']:,}", r["status"]] for r in records]
    click.echo(table(rows, ["dataset", "file or request", "rows", "status"], align_right=[2]))


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status(as_json: bool) -> None:
    """What the warehouse holds: every import with its source, vintage and retrieval time."""
    from bondwatch.service.results import status_result

    result = status_result()
    if emit_result(result, as_json, False):
        return
    click.echo(f"warehouse: {result.meta['warehouse']}")
    body = [[r["id"], r["dataset"], r["location"].rsplit("/", 1)[-1][:50], r["vintage"] or "", f"{r['rows']:,}",
             str(r["retrieved_at"])[:19]] for r in result.data]
    click.echo(table(body, ["id", "dataset", "file or request", "vintage", "rows", "retrieved (UTC)"], align_right=[0, 4]))
