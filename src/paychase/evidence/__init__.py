"""The evidence pack: a client's terms, invoices, payments, contacts and messages in one file.

What a lawyer or a pre-court claim needs, as JSON and as printable HTML.
"""

from paychase.evidence._html import evidence_html, write_evidence
from paychase.evidence._pack import EvidencePack, SentMessage, TimelineEntry, evidence_pack

__all__ = [
    "EvidencePack",
    "SentMessage",
    "TimelineEntry",
    "evidence_html",
    "evidence_pack",
    "write_evidence",
]
