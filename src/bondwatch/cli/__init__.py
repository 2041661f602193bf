"""The ``bondwatch`` command line: a thin layer over :mod:`bondwatch.service`.

Subcommands live in their own modules and are imported only when invoked, so that
``bondwatch auction 30y`` starts without loading pandas, matplotlib or the models.
Exit codes: 0 ok, 2 bad usage or input, 1 other failure.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys

import click

from bondwatch.errors import BondwatchError, first_line, os_reason

# command name -> "module:attribute" (a click.Command)
COMMANDS: dict[str, str] = {
    "update": "bondwatch.cli.data:update",
    "status": "bondwatch.cli.data:status",
    "auction": "bondwatch.cli.auctions:auction",
    "auctions": "bondwatch.cli.auctions:auctions",
    "watch": "bondwatch.cli.auctions:watch",
    "series": "bondwatch.cli.market:series",
    "curve": "bondwatch.cli.market:curve",
    "fx": "bondwatch.cli.market:fx",
    "foreign": "bondwatch.cli.market:foreign",
    "snapshot": "bondwatch.cli.market:snapshot",
    "debt": "bondwatch.cli.debt:debt",
    "fx-gap": "bondwatch.cli.trade:fx_gap",
    "tariff": "bondwatch.cli.trade:tariff",
    "serve": "bondwatch.cli.serve:serve",
}


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module only when that subcommand runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if self._available(name))

    @staticmethod
    def _available(name: str) -> bool:
        module = COMMANDS[name].split(":")[0]
        return importlib.util.find_spec(module) is not None

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None or not self._available(name):
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="bondwatch")
def cli() -> None:
    """bondwatch: sovereign-debt markets from official data.

    Start with `bondwatch update --from auto` (the offline mirror when it sits beside the
    checkout, else the official APIs), then `bondwatch auction 30y`.
    """


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning bondwatch errors into one stderr line and an exit code."""
    try:
        cli.main(args=argv, prog_name="bondwatch", standalone_mode=False)
    except BondwatchError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort as exc:
        if _after_ctrl_c(exc):  # click turns Ctrl-C into Abort
            _interrupted()
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    except KeyboardInterrupt:
        _interrupted()
    except OSError as exc:  # a file or folder named on the command line, e.g. --chart
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"error: {where}{os_reason(exc)}", err=True)
        sys.exit(1)
    except Exception as exc:  # a bug: still one line, the traceback on request
        if _after_ctrl_c(exc):  # e.g. an ImportError from a C extension interrupted while loading
            _interrupted()
        if os.environ.get("BONDWATCH_DEBUG"):
            raise
        click.echo(f"error: unexpected {type(exc).__name__}: {first_line(exc)} "
                   "(a bondwatch bug; BONDWATCH_DEBUG=1 shows the traceback)", err=True)
        sys.exit(1)


def _interrupted() -> None:
    """Ctrl-C: updates are atomic, so an interrupted one leaves the previous warehouse (exit 130)."""
    click.echo("interrupted; warehouse unchanged", err=True)
    sys.exit(130)


def _after_ctrl_c(exc: BaseException) -> bool:
    """Whether ``exc`` was raised while handling a KeyboardInterrupt (or because of one)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
