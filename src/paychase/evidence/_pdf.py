"""Printable documents as PDF: the evidence pack and letters, on A4, set in DejaVu.

WeasyPrint lays the HTML out; it is the optional ``paychase[pdf]`` extra and needs pango on
the system (Debian: ``libpango-1.0-0 libpangoft2-1.0-0``), so it is imported on first use. The
text is set in DejaVu Sans and DejaVu Serif (Debian: ``fonts-dejavu-core``), which cover
Latin, Greek and Cyrillic: a Greek εξώδικη or a Russian претензия prints every letter, and
the fonts are embedded in the file.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from paychase.errors import InvalidCaseError, PluginError
from paychase.messages._message import Message

__all__ = ["LETTER_CHANNELS", "letter_pdf", "pdf_bytes"]

LETTER_CHANNELS = frozenset({"letter", "registered_letter"})
"""The channels whose messages are printed and posted: the ones `letter_pdf` accepts."""

# WeasyPrint applies these as user stylesheets, which the document's own rules beat unless
# marked important. The page is A4 whatever the document asks; a document that names no font
# gets DejaVu Sans.
_PAGE = '@page { size: A4 !important; } html { font-family: "DejaVu Sans", sans-serif; }'
# A letter's layout names screen fonts (Arial, Roboto, ...), which a printer's machine may map
# to a face without Greek or Cyrillic: on paper a letter is set in DejaVu Serif.
_LETTER = (
    'body { font-family: "DejaVu Serif", serif !important; } '
    'pre, code { font-family: "DejaVu Sans Mono", monospace !important; }'
)


def pdf_bytes(html: str, *, stylesheet: str = "") -> bytes:
    """An HTML document laid out on A4 pages as a PDF, with its fonts embedded.

    Args:
        html: a whole HTML document, such as `evidence_html` returns.
        stylesheet: CSS applied as a user stylesheet (mark a rule ``!important`` to override
            the document's own), e.g. to choose other fonts.

    Returns:
        The PDF file's bytes.

    Raises:
        PluginError: WeasyPrint is not installed (``pip install 'paychase[pdf]'``) or cannot
            load its system libraries (pango).

    Examples:
        >>> pdf_bytes("<!DOCTYPE html><p>ΕΞΩΔΙΚΗ</p>").startswith(b"%PDF")
        True
    """
    weasyprint = _weasyprint()
    sheets = [weasyprint.CSS(string=_PAGE)]
    if stylesheet:
        sheets.append(weasyprint.CSS(string=stylesheet))
    document = weasyprint.HTML(string=html)
    return bytes(document.write_pdf(stylesheets=sheets))


def letter_pdf(message: Message) -> bytes:
    """A rendered letter as the PDF to print and post: its HTML on A4, set in DejaVu Serif.

    Args:
        message: a rendered message whose channel is ``letter`` or ``registered_letter``.

    Returns:
        The PDF file's bytes.

    Raises:
        InvalidCaseError: the message is not a letter (an e-mail or SMS is not printed).
        PluginError: WeasyPrint is missing or cannot run, as for `pdf_bytes`.
    """
    if message.channel not in LETTER_CHANNELS:
        raise InvalidCaseError(
            "only a letter is written as PDF (channel letter or registered_letter)",
            field="channel",
            value=message.channel,
        )
    return pdf_bytes(message.html, stylesheet=_LETTER)


def _weasyprint() -> Any:
    """The weasyprint module, or a one-line error saying what to install."""
    try:
        # Imported by name: the optional paychase[pdf] extra ships no type information.
        return import_module("weasyprint")
    except ImportError:
        raise PluginError(
            "PDF needs WeasyPrint: pip install 'paychase[pdf]'", field="pdf"
        ) from None
    except OSError as error:  # installed, but pango (a system library) is missing
        raise PluginError(
            f"WeasyPrint cannot load its system libraries (install pango): {error}", field="pdf"
        ) from None
