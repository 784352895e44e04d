"""Invoice documents to attach: a host's folder of PDFs, found by invoice id or number.

Steps such as ``with_fee`` and ``final`` say ``attach_invoice``; the invoice document itself is
the host's (paychase never draws invoices). `InvoiceFolder` finds it in a directory by the
invoice's id or its number with ``/`` and other unsafe characters replaced by ``_`` —
``FV/2026/02/014`` is ``FV_2026_02_014.pdf``.
"""

from __future__ import annotations

import mimetypes
import os
import re
from pathlib import Path

from paychase.case._invoices import Invoice
from paychase.errors import PluginError
from paychase.messages._message import Attachment

__all__ = ["InvoiceFolder", "document_stem"]

_EXTENSIONS = (".pdf", ".html", ".png", ".jpg", ".xml")


def document_stem(text: str) -> str:
    """A file-name stem for an invoice id or number: unsafe characters become ``_``.

    >>> document_stem("FV/2026/02/014")
    'FV_2026_02_014'
    """
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "_"


class InvoiceFolder:
    """Finds ``<id>.<ext>`` or ``<number>.<ext>`` in a directory (pdf, html, png, jpg, xml).

    Raises:
        PluginError: the directory does not exist.
    """

    def __init__(self, path: str | Path) -> None:
        if not isinstance(path, str | os.PathLike):
            raise PluginError("not a directory path", field="invoices", value=path)
        self.path = Path(path)
        if not self.path.is_dir():
            raise PluginError("not a directory", field="invoices", value=str(self.path))

    def __call__(self, invoice: Invoice) -> Attachment | None:
        """The invoice's document, or None when the folder has none.

        Raises:
            PluginError: a document's path cannot be looked at or read (a name too long, no
                permission).
        """
        stems = dict.fromkeys(document_stem(s) for s in (invoice.id, invoice.number) if s)
        for stem in stems:
            for extension in _EXTENSIONS:
                candidate = self.path / f"{stem}{extension}"
                try:
                    if candidate.is_file():
                        return _attachment(candidate)
                except OSError as error:
                    raise PluginError(
                        f"cannot read an invoice document: {error.strerror}",
                        field="invoices",
                        value=str(candidate),
                    ) from None
        return None


def _attachment(path: Path) -> Attachment:
    """The document at `path` as an attachment, its type guessed from its name."""
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Attachment(filename=path.name, content_type=kind, data=path.read_bytes())
