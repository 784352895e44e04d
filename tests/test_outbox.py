"""FileOutbox: the .eml and .json files, lookup by Message-ID, atomic writes, file names."""

from __future__ import annotations

import datetime as dt
import email
import errno
import functools
import os
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

import paychase
import paychase.messages
from paychase import PluginError
from paychase.delivery._channel import CheckableChannel
from paychase.delivery._email import email_message
from paychase.delivery._outbox import FileOutbox, outbox_stem
from paychase.messages import Message

REPO = Path(__file__).resolve().parent.parent
NOW = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)

CASE = paychase.load_case(REPO / "examples" / "portfolio.json")
ACTIONS = paychase.plan(CASE, now=None).actions
RENDERER = paychase.messages.Renderer()


@functools.cache  # compiling templates is the slow part; messages are frozen
def rendered(key_prefix: str) -> Message:
    action = next(a for a in ACTIONS if a.key.startswith(key_prefix))
    return RENDERER.render(CASE, action)


GREEK = "papadopoulou-site/gr-2026-131/pre_due/"
POLISH = "nowak-2025/pl-2026-021/polite/"


@pytest.fixture
def outbox(tmp_path: Path) -> FileOutbox:
    return FileOutbox(tmp_path / "outbox", clock=lambda: NOW)


def _names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_the_outbox_is_a_checkable_channel(outbox: FileOutbox) -> None:
    assert isinstance(outbox, CheckableChannel)


def test_the_directory_is_created(tmp_path: Path) -> None:
    FileOutbox(tmp_path / "a" / "b")
    assert (tmp_path / "a" / "b").is_dir()


def test_a_file_in_the_way_is_a_plugin_error(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x")
    with pytest.raises(PluginError, match="cannot create the outbox"):
        FileOutbox(tmp_path / "taken")


def test_send_writes_the_email_and_the_message(outbox: FileOutbox) -> None:
    message = rendered(GREEK)
    receipt = outbox.send(message)
    eml, record = outbox.paths(message.key)
    assert receipt.status == "delivered"
    assert receipt.provider_id == str(eml)
    assert _names(outbox.directory) == sorted([eml.name, record.name])
    assert record.read_text(encoding="utf-8") == message.to_json()
    assert Message.model_validate_json(record.read_bytes()) == message
    assert eml.read_bytes() == email_message(message, date=NOW).as_bytes()


def test_the_eml_parses_back_into_the_same_headers(outbox: FileOutbox) -> None:
    message = rendered(GREEK)
    outbox.send(message)
    eml, _ = outbox.paths(message.key)
    mail = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert isinstance(mail, EmailMessage)
    assert mail["Subject"] == message.subject
    assert mail["Subject"].startswith("Τιμολόγιο")
    assert mail["Message-ID"] == message.header("Message-ID")
    assert mail["X-Paychase-Key"] == message.key
    assert mail["Content-Language"] == "el"
    assert mail["Date"].datetime == NOW
    assert mail["From"] == "Studio Lumen — Marta Zielińska <marta@studio-lumen.example>"
    assert mail["To"] == "Eleni Papadopoulou <eleni.papadopoulou@mail.example>"
    plain = mail.get_body(("plain",))
    assert plain is not None
    assert plain.get_content().replace("\r\n", "\n") == message.text


def test_lookup_finds_a_message_only_after_it_was_sent(outbox: FileOutbox) -> None:
    message = rendered(POLISH)
    assert outbox.lookup(message) is None
    receipt = outbox.send(message)
    assert outbox.lookup(message) == receipt


def test_lookup_wants_the_same_message_id(outbox: FileOutbox) -> None:
    message = rendered(POLISH)
    outbox.send(message)
    other_id = tuple(
        (name, "<paychase.other@studio.example>" if name == "Message-ID" else value)
        for name, value in message.headers
    )
    assert outbox.lookup(message.model_copy(update={"headers": other_id})) is None


def test_an_eml_without_its_json_was_not_sent(outbox: FileOutbox) -> None:
    message = rendered(POLISH)
    outbox.send(message)
    _, record = outbox.paths(message.key)
    record.unlink()  # as if the process died between the two writes
    assert outbox.lookup(message) is None


def test_a_damaged_json_is_not_a_sent_message(outbox: FileOutbox) -> None:
    message = rendered(POLISH)
    outbox.send(message)
    _, record = outbox.paths(message.key)
    record.write_text("{")
    assert outbox.lookup(message) is None


def test_a_failed_write_leaves_no_temporary_files_and_no_commit(
    outbox: FileOutbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = rendered(POLISH)
    real_replace = os.replace

    def full_disk(source: str, target: str | Path) -> None:
        if str(target).endswith(".json"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", full_disk)
    receipt = outbox.send(message)
    assert (receipt.status, receipt.transient) == ("failed", True)
    assert "No space left" in (receipt.error or "")
    eml, _ = outbox.paths(message.key)
    assert _names(outbox.directory) == [eml.name]  # no .tmp, no .json
    assert outbox.lookup(message) is None


def test_a_permission_problem_is_not_transient(
    outbox: FileOutbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_only(source: str, target: str | Path) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(os, "replace", read_only)
    receipt = outbox.send(rendered(POLISH))
    assert (receipt.status, receipt.transient) == ("failed", False)
    assert _names(outbox.directory) == []


def test_sending_again_replaces_the_files(outbox: FileOutbox) -> None:
    message = rendered(POLISH)
    outbox.send(message)
    changed = message.model_copy(update={"text": "Druga wersja.\n"})
    outbox.send(changed)
    _, record = outbox.paths(message.key)
    assert Message.model_validate_json(record.read_bytes()).text == "Druga wersja.\n"
    assert len(_names(outbox.directory)) == 2


def test_a_message_without_a_sender_is_not_written(outbox: FileOutbox) -> None:
    receipt = outbox.send(rendered(POLISH).model_copy(update={"sender": None}))
    assert (receipt.status, receipt.transient) == ("failed", False)
    assert _names(outbox.directory) == []


def test_keys_differing_only_in_slash_and_plus_get_their_own_files(outbox: FileOutbox) -> None:
    base = rendered(POLISH)
    slash = base.model_copy(update={"key": "lindner/de-007/de-008/with_fee/1", "text": "slash\n"})
    plus = base.model_copy(update={"key": "lindner/de-007+de-008/with_fee/1", "text": "plus\n"})
    assert outbox_stem(slash.key) != outbox_stem(plus.key)
    outbox.send(slash)
    outbox.send(plus)
    assert len(_names(outbox.directory)) == 4
    for message in (slash, plus):
        _, record = outbox.paths(message.key)
        assert Message.model_validate_json(record.read_bytes()).text == message.text


@pytest.mark.parametrize(
    "key",
    ["../../etc/passwd", ".hidden", "..", "a" * 1000, "żółw/Τιμολόγιο", "a\\b:c*?", ""],
)
def test_every_key_gives_a_plain_file_name_inside_the_outbox(outbox: FileOutbox, key: str) -> None:
    stem = outbox_stem(key)
    assert len(stem.encode()) <= 150
    assert not stem.startswith(".")
    assert all(c.isascii() and (c.isalnum() or c in "_.-") for c in stem)
    eml, record = outbox.paths(key)
    assert eml.parent == record.parent == outbox.directory
