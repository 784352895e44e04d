"""The workspace on the command line: init, import, export; where commands find it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from paychase.cli import _config
from paychase.cli._main import main
from paychase.cli._progress import progress_bar

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "portfolio.json"
NOW = "2026-03-10T09:00:00+01:00"


@pytest.fixture(autouse=True)
def _nowhere_else(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No PAYCHASE_DB and no user config of the machine running the tests leak in."""
    monkeypatch.delenv("PAYCHASE_DB", raising=False)
    monkeypatch.setattr(_config, "_user_config_dir", lambda: tmp_path / "no-user-config")


def test_init_here_writes_the_workspace_and_the_config_that_finds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    assert (tmp_path / "paychase.db").is_file()
    assert (tmp_path / "paychase.toml").read_text(encoding="utf-8") == 'db = "paychase.db"\n'
    assert main(["import", str(EXAMPLE)]) == 0
    capsys.readouterr()
    assert main(["plan", "--now", NOW, "--format", "json"]) == 0
    assert main(["plan", str(EXAMPLE), "--format", "json"]) == 0
    from_books, from_file = capsys.readouterr().out.split("\n}\n", 1)
    assert json.loads(from_books + "}") == json.loads(from_file)


def test_init_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "books.paychase"
    assert main(["init", str(path)]) == 0
    assert "--db" in capsys.readouterr().out  # how to find it, without a config
    assert main(["init", str(path)]) == 2
    assert "a file is there already" in capsys.readouterr().err


def test_a_command_without_a_workspace_says_how_to_make_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for argv in (["plan"], ["run"], ["history", "list"], ["tasks"], ["reviews"], ["export"]):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1
        assert "paychase init" in err
    assert list(tmp_path.iterdir()) == []


def test_the_workspace_comes_from_the_environment_and_the_user_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    books = tmp_path / "elsewhere" / "books.paychase"
    books.parent.mkdir()
    assert main(["init", str(books)]) == 0
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PAYCHASE_DB", str(books))
    assert main(["import", str(EXAMPLE)]) == 0
    monkeypatch.delenv("PAYCHASE_DB")
    user = tmp_path / "user-config"
    user.mkdir()
    (user / "paychase.toml").write_text('db = "../elsewhere/books.paychase"\n', encoding="utf-8")
    monkeypatch.setattr(_config, "_user_config_dir", lambda: user)
    capsys.readouterr()
    assert main(["history", "list", "--client", "nowak"]) == 0
    assert "pl-2026-014" in capsys.readouterr().out


def test_a_config_sets_a_commands_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    with (tmp_path / "paychase.toml").open("a", encoding="utf-8") as config:
        config.write('\n[plan]\nformat = "json"\n')
    assert main(["import", str(EXAMPLE)]) == 0
    capsys.readouterr()
    assert main(["plan", "--now", NOW]) == 0
    assert json.loads(capsys.readouterr().out)["policy"] == "freelancer"


def test_a_broken_config_is_one_line_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "paychase.toml").write_text("db = [1\n", encoding="utf-8")
    assert main(["plan"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "paychase.toml" in err


def test_import_reads_standard_input_and_export_writes_it_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    books = str(tmp_path / "books.paychase")
    assert main(["init", books]) == 0
    stdin = io.TextIOWrapper(io.BytesIO(EXAMPLE.read_bytes()), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stdin)
    capsys.readouterr()
    assert main(["import", "-", "--db", books]) == 0
    assert "25 added" in capsys.readouterr().out
    assert main(["import", str(EXAMPLE), "--db", books, "--quiet"]) == 0
    assert capsys.readouterr().out == ""  # nothing changed: nothing said
    assert main(["export", "--db", books]) == 0
    exported = capsys.readouterr().out
    out = tmp_path / "books.json"
    assert main(["export", "--db", books, "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == exported
    twin = str(tmp_path / "twin.paychase")
    assert main(["init", twin]) == 0
    assert main(["import", str(out), "--db", twin]) == 0
    capsys.readouterr()
    assert main(["export", "--db", twin]) == 0
    assert capsys.readouterr().out == exported


def test_completion_scripts(capsys: pytest.CaptureFixture[str]) -> None:
    for shell in ("bash", "zsh", "fish"):
        assert main(["completion", shell]) == 0
        assert "_PAYCHASE_COMPLETE" in capsys.readouterr().out


def test_a_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    with progress_bar("working") as report:
        report(1, 2)
        report(2, 2)
    assert "working" in screen.getvalue()
    pipe = io.StringIO()
    monkeypatch.setattr("sys.stderr", pipe)
    with progress_bar("working") as report:
        report(1, 1)
    assert pipe.getvalue() == ""


def test_a_misspelt_setting_is_refused_not_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "paychase.toml").write_text(
        'db = "paychase.db"\n[run]\nchanel = ["email=console"]\n', encoding="utf-8"
    )
    assert main(["plan"]) == 2
    err = capsys.readouterr().err
    assert "run has no option --chanel" in err
    assert err.count("\n") == 1
