r"""The text types of the input models: valid Unicode, one line where it must be, bounded.

Text from a case file ends up in places less forgiving than Python's `str`: in the plan's
reasons and the messages (a lone surrogate such as ``"\ud800"`` cannot be encoded to UTF-8), in
e-mail headers (a line break, or an RFC 2047 encoded word ``=?utf-8?q?=0D=0A?=`` that some
Pythons decode into one, would add a header; a name of thousands of characters makes a header
line no server accepts) and in file names. Each text field of the case therefore takes one of
these types, and a value that could not go where the field goes is refused when the case is
read, naming the field.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

__all__ = [
    "MAX_EMAIL",
    "MAX_LINE",
    "MAX_NAME",
    "MAX_NUMBER",
    "Contact",
    "EmailAddress",
    "HeaderLine",
    "InvoiceNumber",
    "Line",
    "Text",
    "check_unicode",
]

MAX_NAME = 200
"""The longest name or subject: a person's or company's name, a stage, what a chase is about."""
MAX_NUMBER = 100
"""The longest invoice number (it names the invoice in subjects and in document file names)."""
MAX_EMAIL = 254
"""The longest e-mail address (RFC 5321 allows no longer path)."""
MAX_LINE = 500
"""The longest other one-line text: a postal address, a phone number, a reference."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_ENCODED_WORD = re.compile(r"=\?.*\?=")
# RFC 5322 dot-atom text, and non-ASCII letters (RFC 6531); a domain of dot-separated labels.
_LETTER = r"A-Za-z0-9\u00a0-\U0010ffff"
_ATOM = rf"[{_LETTER}!#$%&'*+/=?^_`{{|}}~-]+"
_LABEL = rf"[{_LETTER}](?:[{_LETTER}-]*[{_LETTER}])?"
_ADDR_SPEC = re.compile(rf"^{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})*$")


def check_unicode(value: str) -> str:
    r"""`value` if it is valid Unicode; a lone surrogate (``"\ud800"``) is refused.

    JSON may write one (``"\ud800"``), but no UTF-8 text, e-mail or file name can hold it.

    >>> check_unicode("Zielińska")
    'Zielińska'
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(
            f"not valid Unicode: a lone surrogate (U+{ord(value[error.start]):04X}) at "
            f"character {error.start + 1}"
        ) from None
    return value


def _one_line(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("control characters (such as line breaks) are not allowed here")
    return value


def _no_encoded_word(value: str) -> str:
    if _ENCODED_WORD.search(value):
        raise ValueError(
            "an RFC 2047 encoded word ('=?...?=') is not allowed here: it could add e-mail headers"
        )
    return value


def _addr_spec(value: str) -> str:
    if not _ADDR_SPEC.match(value):
        raise ValueError(
            "not a plain e-mail address: write local@domain, without a name, quotes or <>"
        )
    return value


Text = Annotated[str, AfterValidator(check_unicode)]
"""Any text, on any number of lines: notes for people, keys and references to ids."""

Contact = Annotated[
    str, Field(max_length=MAX_LINE), AfterValidator(check_unicode), AfterValidator(_one_line)
]
"""Where a channel reaches someone: a phone number, a handle, a postal address; one line of at
most `MAX_LINE` characters."""

Line = Annotated[
    str,
    Field(min_length=1, max_length=MAX_LINE),
    AfterValidator(check_unicode),
    AfterValidator(_one_line),
]
"""One line of text, 1 to `MAX_LINE` characters."""

HeaderLine = Annotated[
    str,
    Field(min_length=1, max_length=MAX_NAME),
    AfterValidator(check_unicode),
    AfterValidator(_one_line),
    AfterValidator(_no_encoded_word),
]
"""A name or subject that may go into an e-mail header: one line, 1 to `MAX_NAME` characters,
no RFC 2047 encoded word."""

InvoiceNumber = Annotated[
    str,
    Field(max_length=MAX_NUMBER),
    AfterValidator(check_unicode),
    AfterValidator(_one_line),
    AfterValidator(_no_encoded_word),
]
"""An invoice number: one line of at most `MAX_NUMBER` characters, no encoded word."""

EmailAddress = Annotated[
    str,
    Field(max_length=MAX_EMAIL),
    AfterValidator(check_unicode),
    AfterValidator(_one_line),
    AfterValidator(_no_encoded_word),
    AfterValidator(_addr_spec),
]
"""A plain e-mail address (``local@domain``) of at most `MAX_EMAIL` characters."""
