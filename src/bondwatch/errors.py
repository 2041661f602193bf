"""Errors with one-line messages and CLI exit codes.

Every failure a user can cause or meet is raised as a :class:`BondwatchError` subclass whose
``str()`` is a single line naming the source, the place (file and line, field, URL) and what
was expected. The CLI prints that line to stderr and exits with :attr:`exit_code`:
2 for bad usage or bad input, 1 for other failures (network, API errors).
"""

from __future__ import annotations


class BondwatchError(Exception):
    """Base class: a failure with a one-line message; exit code 1."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split()))


class UsageError(BondwatchError):
    """Bad usage: unknown tenor, CUSIP or series, a date with no data, a value out of range (exit 2)."""

    exit_code = 2


class NotFoundError(UsageError):
    """The thing asked for is not in the warehouse (exit 2)."""


class DataFormatError(BondwatchError):
    """A file or API response is not in the expected official format (exit 2).

    ``source`` names the publisher or format, ``where`` the file/URL and line or field.
    """

    exit_code = 2

    def __init__(self, source: str, where: str, problem: str):
        self.source, self.where, self.problem = source, where, problem
        super().__init__(f"{source}: {where}: {problem}")


class SourceUnavailableError(BondwatchError):
    """A publisher could not be reached or answered with an error (exit 1)."""

    exit_code = 1


class WarehouseBusyError(BondwatchError):
    """Another update holds the warehouse lock (exit 1)."""

    exit_code = 1


class WarehouseError(BondwatchError):
    """The warehouse file or its folder cannot be opened, read or written: permissions, a full
    disk, a read-only file system, a file that is not a DuckDB database (exit 1)."""

    exit_code = 1


def os_reason(exc: OSError) -> str:
    """An OSError in words with its errno name, e.g. 'No space left on device (ENOSPC)'."""
    import errno

    name = errno.errorcode.get(exc.errno or 0)
    words = exc.strerror or str(exc) or type(exc).__name__
    return f"{words} ({name})" if name else words


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message, or its class name if it has none."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
