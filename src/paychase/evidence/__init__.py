"""The evidence pack: a client's terms, invoices, payments, contacts and messages in one file.

What a lawyer or a pre-court claim needs, as JSON, as printable HTML and as PDF; letters to
print and post as PDF too (`letter_pdf`, with the ``paychase[pdf]`` extra).
"""

from paychase.evidence._html import evidence_html, write_evidence
from paychase.evidence._pack import EvidencePack, SentMessage, TimelineEntry, evidence_pack
from paychase.evidence._pdf import letter_pdf, pdf_bytes

__all__ = [
    "EvidencePack",
    "SentMessage",
    "TimelineEntry",
    "evidence_html",
    "evidence_pack",
    "letter_pdf",
    "pdf_bytes",
    "write_evidence",
]
