"""HTTP for every publisher: timeouts, retries with exponential backoff, one-line errors.

Tests replay official responses by passing a client built on ``httpx.MockTransport``
(see ``tests/conftest.py``); nothing here talks to the network unless called.
"""

from __future__ import annotations

from typing import Any

import httpx
from tenacity import (
    RetryError,
    retry,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from bondwatch import __version__
from bondwatch.errors import SourceUnavailableError

TIMEOUT = httpx.Timeout(30.0, connect=10.0)
ATTEMPTS = 4
USER_AGENT = f"bondwatch/{__version__} (+https://github.com/bondwatch)"
# seconds: 1, 2, 4 between the four attempts; tests set BACKOFF_MULTIPLIER = 0
BACKOFF_MULTIPLIER = 1.0


class _Retryable(Exception):
    """A response worth retrying (HTTP 429 or 5xx)."""

    def __init__(self, response: httpx.Response):
        self.response = response
        super().__init__(f"HTTP {response.status_code}")


def make_client() -> httpx.Client:
    """A client with bondwatch's timeouts and User-Agent."""
    return httpx.Client(timeout=TIMEOUT, headers={"User-Agent": USER_AGENT}, follow_redirects=True)


def _is_retryable(exc: BaseException) -> bool:
    return isinstance(exc, (_Retryable, httpx.TimeoutException, httpx.TransportError))


def get(
    url: str,
    *,
    source: str,
    params: dict[str, Any] | None = None,
    client: httpx.Client | None = None,
    headers: dict[str, str] | None = None,
    allow_404: bool = False,
) -> httpx.Response:
    """GET ``url``, retrying timeouts, connection errors, 429 and 5xx with exponential backoff.

    Raises :class:`SourceUnavailableError` naming ``source`` and the URL when every attempt
    failed or the publisher answered 4xx. With ``allow_404`` a 404 is returned, not raised
    (for publishers whose files are probed by name, where 404 means "not published").
    """
    owned = client is None
    client = client or make_client()

    @retry(
        retry=retry_if_exception(_is_retryable),
        stop=stop_after_attempt(ATTEMPTS),
        wait=wait_exponential(multiplier=BACKOFF_MULTIPLIER, min=0, max=30),
        reraise=False,
    )
    def attempt() -> httpx.Response:
        response = client.get(url, params=params, headers=headers)
        if response.status_code == 429 or response.status_code >= 500:
            raise _Retryable(response)
        return response

    try:
        response = attempt()
    except RetryError as exc:
        last = exc.last_attempt.exception()
        what = _describe(last)
        raise SourceUnavailableError(
            f"{source}: {what} from {_shown(url, params)} after {ATTEMPTS} attempts"
        ) from None
    finally:
        if owned:
            client.close()
    if response.status_code >= 400 and not (allow_404 and response.status_code == 404):
        raise SourceUnavailableError(
            f"{source}: HTTP {response.status_code} from {_shown(url, params)}"
        )
    return response


def _describe(exc: BaseException | None) -> str:
    if isinstance(exc, _Retryable):
        return f"HTTP {exc.response.status_code}"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.TransportError):
        return f"connection failed ({type(exc).__name__})"
    return str(exc)


def _shown(url: str, params: dict[str, Any] | None) -> str:
    """The URL as shown in errors, with any API key removed."""
    if not params:
        return url
    safe = {k: v for k, v in params.items() if "key" not in k.lower()}
    return str(httpx.URL(url, params=safe))
