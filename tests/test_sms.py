"""SMS segments (issue 17, X8): GSM-7 with its extension table, else UCS-2 in UTF-16 units."""

from __future__ import annotations

import pytest
from tests.test_message_machinery import LANGUAGES, Host, action, interest_case, render

from paychase.messages import Renderer
from paychase.messages._sms import SMS_SEGMENTS_NOTED, sms_length


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", "GSM-7", 0, 1),
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        ("£@$¥ΔΩ èé ÄÖÜß", "GSM-7", 14, 1),  # all in the basic table, Greek capitals too
        ("€" * 80, "GSM-7", 160, 1),  # the extension table: two septets each
        ("€" * 81, "GSM-7", 162, 2),
        ("a" + "€" * 77, "GSM-7", 155, 1),
        # 152 septets, then an escaped character that may not be split: a third segment
        ("a" * 152 + "[" + "a" * 152, "GSM-7", 306, 3),
        ("ł" * 70, "UCS-2", 70, 1),
        ("ł" * 71, "UCS-2", 71, 2),
        ("ж" * 134, "UCS-2", 134, 2),
        ("ά" * 135, "UCS-2", 135, 3),
        ("a" * 69 + "ç", "UCS-2", 70, 1),  # ç is not in GSM-7 (only Ç is)
        ("😀" * 35, "UCS-2", 70, 1),  # outside the BMP: two UTF-16 units each
        ("😀" * 36, "UCS-2", 72, 2),
        ("a" * 66 + "😀" + "a" * 66, "UCS-2", 134, 3),  # a pair is never split
    ],
)
def test_segments(text: str, encoding: str, units: int, segments: int) -> None:
    length = sms_length(text)
    assert (length.encoding, length.units, length.segments) == (encoding, units, segments)


def test_the_length_reads_as_a_sentence() -> None:
    assert str(sms_length("ł" * 71)) == "2 segments (UCS-2, 71 UTF-16 units)"
    assert str(sms_length("a")) == "1 segment (GSM-7, 1 septets)"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_long_sms_gets_a_note_and_a_short_one_none(language: str) -> None:
    case = interest_case(language)
    sms = render(case, action(case, tone="friendly", channel="sms", template="tradesperson/polite"))
    length = sms_length(sms.text.strip())
    noted = [note for note in sms.notes if "SMS takes" in note]
    assert bool(noted) == (length.segments > SMS_SEGMENTS_NOTED)
    if noted:
        assert noted == [f"the SMS takes {length}: shorten it, or send it by e-mail"]
    email = render(case, action(case, tone="friendly", template="tradesperson/polite"))
    assert not [note for note in email.notes if "SMS" in note]


def test_the_polish_reminder_sms_fits_two_segments() -> None:
    """The review's finding (three segments: diacritics force UCS-2) is fixed by a short form."""
    case = interest_case("pl")
    sms = render(case, action(case, tone="friendly", channel="sms", template="tradesperson/polite"))
    assert sms_length(sms.text.strip()).encoding == "UCS-2"
    assert sms_length(sms.text.strip()).segments <= SMS_SEGMENTS_NOTED
    assert not [note for note in sms.notes if "SMS takes" in note]


def test_a_host_sms_over_two_segments_is_noted() -> None:
    case = interest_case("pl")
    long_text = '{% if part == "subject" %}x{% else %}{{ "ł" * 150 }}{% endif %}'
    renderer = Renderer(templates=[Host({("pl", "probe/long"): long_text})])
    planned = action(case, tone="friendly", channel="sms", template="probe/long")
    sms = renderer.render(case, planned)
    assert (
        "the SMS takes 3 segments (UCS-2, 150 UTF-16 units): shorten it, or send it by e-mail"
        in (sms.notes)
    )
