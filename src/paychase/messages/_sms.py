"""How many SMS segments a text costs: GSM-7 where every character allows it, else UCS-2.

An SMS carries 140 octets. A text whose every character is in the GSM 03.38 default alphabet
goes as 7-bit septets: 160 in one message, 153 a segment once it is split (the user data header
takes the rest); a character of the extension table (``€``, ``[``, ``{``, ``~``…) costs two
septets, an escape and the character, and a segment never ends between the two. Any other
character (``ł``, ``ж``, ``ά``; Greek capitals that have a GSM-7 glyph are still GSM-7) makes
the whole text UCS-2: 70 UTF-16 code units in one message, 67 a segment, a character outside
the Basic Multilingual Plane taking two units that a segment never splits.

Carriers bill by segment and some refuse more than a few, so the renderer notes an SMS that
takes more than `SMS_SEGMENTS_NOTED` (`Message.notes`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

__all__ = ["SMS_SEGMENTS_NOTED", "SmsLength", "sms_length"]

SMS_SEGMENTS_NOTED: Final = 2
"""An SMS longer than this many segments gets a note: shorten it or send an e-mail."""

_GSM7_BASIC: Final = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION: Final = frozenset("\f^{}\\[~]|€")

Encoding = Literal["GSM-7", "UCS-2"]


@dataclass(frozen=True, slots=True)
class SmsLength:
    """A text's size as an SMS: its encoding, units (septets or UTF-16 code units), segments."""

    encoding: Encoding
    units: int
    segments: int

    def __str__(self) -> str:
        unit = "septets" if self.encoding == "GSM-7" else "UTF-16 units"
        segments = "segment" if self.segments == 1 else "segments"
        return f"{self.segments} {segments} ({self.encoding}, {self.units} {unit})"


def sms_length(text: str) -> SmsLength:
    """The encoding, size and number of segments of `text` sent as one SMS.

    >>> sms_length("Invoice 7 is due on 26 January."), sms_length("€" * 81).segments
    (SmsLength(encoding='GSM-7', units=31, segments=1), 2)
    >>> sms_length("Faktura nr 7: termin płatności minął.")
    SmsLength(encoding='UCS-2', units=37, segments=1)
    """
    if all(char in _GSM7_BASIC or char in _GSM7_EXTENSION for char in text):
        sizes = [2 if char in _GSM7_EXTENSION else 1 for char in text]
        return SmsLength("GSM-7", sum(sizes), _segments(sizes, single=160, part=153))
    sizes = [2 if ord(char) > 0xFFFF else 1 for char in text]
    return SmsLength("UCS-2", sum(sizes), _segments(sizes, single=70, part=67))


def _segments(sizes: list[int], *, single: int, part: int) -> int:
    """Segments for characters of these sizes: one if all fit, else filled greedily.

    A character (an escaped GSM-7 one, a UTF-16 surrogate pair) is never split between two
    segments, so a segment may hold a unit less than `part`.
    """
    if sum(sizes) <= single:
        return 1
    segments, used = 1, 0
    for size in sizes:
        if used + size > part:
            segments, used = segments + 1, 0
        used += size
    return segments
