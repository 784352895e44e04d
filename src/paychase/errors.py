"""The exceptions paychase raises, split by whose fault the problem is.

`InvalidCaseError` and `PolicyError` blame the host's data (they are also `ValueError`s);
`PluginError` blames a host-provided channel, template or calendar. Every error names the
field, the problem and the offending value, so a CLI can print it in one line and a host can
show it next to the right input.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "CurrencyMismatchError",
    "InvalidCaseError",
    "PaychaseError",
    "PluginError",
    "PolicyError",
    "RateSourceError",
]

_NO_VALUE = object()


class PaychaseError(Exception):
    """Root of every error paychase raises on purpose.

    Args:
        problem: what is wrong, in words a host can show to a person.
        field: where it is wrong, as a dotted path (``invoices[0].total``).
        value: the offending value, if there is one worth showing.
        others: further problems found in the same input, each as ``"field: problem"``.

    Examples:
        >>> str(PaychaseError("must not be negative", field="invoices[0].total", value="-5"))
        "invoices[0].total: must not be negative (got '-5')"
    """

    def __init__(
        self,
        problem: str,
        *,
        field: str | None = None,
        value: object = _NO_VALUE,
        others: Sequence[str] = (),
    ) -> None:
        self.problem = problem
        """What is wrong, in words a host can show to a person."""
        self.field = field
        """Where it is wrong, as a dotted path; None when the error is about no one field."""
        self.value = None if value is _NO_VALUE else value
        """The offending value; None when none was given (see `has_value`)."""
        self.has_value = value is not _NO_VALUE
        """Whether a value was given, so that a given None can be told from no value."""
        self.others = tuple(others)
        """Further problems found in the same input, each as ``"field: problem"``."""
        super().__init__(self.summary())

    def summary(self) -> str:
        """The first problem as one line: ``field: problem (got value)``."""
        text = f"{self.field}: {self.problem}" if self.field else self.problem
        if self.has_value:
            text += f" (got {_short_repr(self.value)})"
        return text

    def __str__(self) -> str:
        if not self.others:
            return self.summary()
        more = len(self.others)
        return f"{self.summary()} (and {more} more problem{'s' if more > 1 else ''})"


class InvalidCaseError(PaychaseError, ValueError):
    """The case file (clients, contracts, invoices, history) is not valid input."""


class CurrencyMismatchError(InvalidCaseError):
    """Amounts in different currencies were combined, or an invoice disagrees with its contract."""


class PolicyError(PaychaseError, ValueError):
    """A policy (built-in name or inline ladder) cannot be used as written."""


class PluginError(PaychaseError):
    """A host-provided plug-in (channel, template loader, calendar, store) misbehaved."""


class RateSourceError(PaychaseError):
    """An official publisher of reference rates could not be reached or answered unreadably.

    Raised by ``paychase rates update`` per source: offline, a timeout, an HTTP error, or a
    response that no longer has the documented format. Nothing is written when it is raised.
    """


def _short_repr(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
