"""Getting one document from an official publisher: timeouts, retries, one clear error.

Every source client asks `Fetcher.get` for its document. A publisher that is down for a moment
is asked again (connection failures by httpx's transport, 5xx answers and timeouts here, with a
short pause); one that stays down, or answers 4xx, ends in one `RateSourceError` naming the
source and the URL — never a traceback, never a partial table.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final

import httpx

from paychase.errors import RateSourceError

__all__ = ["Fetcher", "Response"]

_TIMEOUT: Final = httpx.Timeout(10.0, connect=5.0)
_ATTEMPTS: Final = 3
_SERVER_ERROR: Final = 500
_NOT_FOUND: Final = 404


@dataclass(frozen=True, slots=True)
class Response:
    """What a publisher answered: the final URL, the status and the body as text."""

    url: str
    status: int
    text: str

    @property
    def not_found(self) -> bool:
        """Whether the publisher has no data there (NBP answers 404 for a day with no table)."""
        return self.status == _NOT_FOUND


@dataclass
class Fetcher:
    """An HTTP client for the publishers, with timeouts and retries.

    Args:
        timeout: seconds to wait for a connection and for each read.
        attempts: how often a request is tried before its source is reported unreachable.
        pause: waits between attempts (seconds, doubled each time); tests pass 0.
        sleep: how to wait; tests replace it.
    """

    timeout: httpx.Timeout = field(default_factory=lambda: _TIMEOUT)
    attempts: int = _ATTEMPTS
    pause: float = 0.5
    sleep: Callable[[float], None] = time.sleep
    _client: httpx.Client = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._client = httpx.Client(
            timeout=self.timeout,
            transport=httpx.HTTPTransport(retries=1),
            headers={"User-Agent": "paychase (rates update)"},
            follow_redirects=True,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_: object) -> None:
        self._client.close()

    def get(
        self,
        source: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """The publisher's answer to GET `url`; a 404 is returned for the caller to judge.

        Raises:
            RateSourceError: naming `source` and the URL, when the publisher cannot be reached,
                keeps failing (5xx, timeouts) or refuses the request (4xx other than 404).
        """
        wait = self.pause
        for attempt in range(1, self.attempts + 1):
            try:
                answer = self._client.get(url, params=params, headers=headers)
            except httpx.TransportError as error:
                problem = f"cannot reach it ({_transport_problem(error)})"
            else:
                if answer.status_code < _SERVER_ERROR:
                    return _checked(source, answer)
                problem = f"it answered HTTP {answer.status_code}"
            if attempt < self.attempts:
                self.sleep(wait)
                wait *= 2
        raise RateSourceError(
            f"{problem} after {self.attempts} attempts; check the connection and try again",
            field=source,
            value=url,
        )


def _checked(source: str, answer: httpx.Response) -> Response:
    if answer.is_success or answer.status_code == _NOT_FOUND:
        return Response(str(answer.url), answer.status_code, answer.text)
    raise RateSourceError(
        f"it refused the request (HTTP {answer.status_code})", field=source, value=str(answer.url)
    )


def _transport_problem(error: httpx.TransportError) -> str:
    """A transport failure in words: offline and a timeout need different reactions."""
    if isinstance(error, httpx.TimeoutException):
        return "timed out"
    return str(error) or type(error).__name__
