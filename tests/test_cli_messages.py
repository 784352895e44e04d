"""The message commands: ``render``, ``preview``, ``templates check`` and ``evidence``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import html5lib
import pytest

from paychase import load_case, plan
from paychase._files import write_text_atomically
from paychase.cli._main import main
from paychase.errors import PluginError
from paychase.messages import InvoiceFolder, Message
from paychase.messages._check import check_templates, hard_coded_terms
from paychase.messages._templates import TemplateDirectory
from paychase.testing import MemoryTemplates

EXAMPLE = "examples/portfolio.json"
NOWAK_CALL = "nowak-2025/pl-2026-014/check_call/1"
LINDNER_FEE_STEP = "lindner-2026/de-2026-007+de-2026-008/with_fee/1"


def valid_html(text: str) -> None:
    html5lib.HTMLParser(strict=True).parse(text)


def test_render_prints_headers_and_the_text_in_the_clients_language(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["render", EXAMPLE, "--action", NOWAK_CALL]) == 0
    out = capsys.readouterr().out
    assert out.startswith("To: Pracownia Nowak sp. z o.o. <+48 22 555 01 23>\n")
    assert "Locale: pl_PL · Template: pl/freelancer/check_call" in out
    assert "4\xa0920,00\xa0zł" in out  # babel separates with no-break spaces


def test_render_in_another_locale_and_as_html(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", EXAMPLE, "--action", NOWAK_CALL, "--locale", "de_DE"]) == 0
    assert "Template: de/freelancer/check_call" in capsys.readouterr().out
    assert main(["render", EXAMPLE, "--action", NOWAK_CALL, "--format", "html"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("<!DOCTYPE html>")
    valid_html(page)


def test_render_json_is_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", EXAMPLE, "--action", NOWAK_CALL, "--format", "json"]) == 0
    message = Message.model_validate_json(capsys.readouterr().out)
    assert message.key == NOWAK_CALL
    assert message.channel == "phone"


def test_render_an_unknown_key_names_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", EXAMPLE, "--action", "k/none/x/1"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("paychase: error: --action: no planned action has this key")
    assert NOWAK_CALL in error


def test_render_attaches_invoice_documents_found_by_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "RE-2026-007.pdf").write_bytes(b"%PDF-1.7 seven")
    args = ["render", EXAMPLE, "--now", "2026-03-12T10:00:00+01:00"]
    assert main([*args, "--action", LINDNER_FEE_STEP, "--invoices", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Attachment: RE-2026-007.pdf (application/pdf)" in out
    assert "Note: invoice RE-2026-008 should be attached: no document found" in out


def test_render_uses_host_templates_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    step = tmp_path / "pl" / "freelancer" / "check_call.jinja"
    step.parent.mkdir(parents=True)
    step.write_text(
        '{% extends "generic/call" %}{% block subject %}Nasz skrypt{% endblock %}',
        encoding="utf-8",
    )
    args = ["render", EXAMPLE, "--action", NOWAK_CALL, "--templates", str(tmp_path)]
    assert main(args) == 0
    assert "Subject: Nasz skrypt\n" in capsys.readouterr().out


def test_preview_prints_every_planned_message(capsys: pytest.CaptureFixture[str]) -> None:
    actions = plan(load_case(EXAMPLE), now=None).actions
    assert main(["preview", EXAMPLE]) == 0
    out = capsys.readouterr().out
    assert out.count("\n== ") + out.startswith("== ") == len(actions)
    for action in actions:
        assert f" {action.key}\nTo: " in out


def test_preview_writes_a_page_per_message_and_an_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    actions = plan(load_case(EXAMPLE), now=None).actions
    assert main(["preview", EXAMPLE, "--out", str(tmp_path / "out")]) == 0
    assert capsys.readouterr().out.endswith("index.html\n")
    pages = sorted((tmp_path / "out").glob("0*.html"))
    assert len(pages) == len(actions)
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    valid_html(index)
    for page in pages:
        assert f'href="{page.name}"' in index
        valid_html(page.read_text(encoding="utf-8"))


def test_templates_check_passes_for_the_built_ins(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["templates", "check"]) == 0
    assert "all templates render" in capsys.readouterr().out


def test_templates_check_reports_host_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    polite = tmp_path / "de" / "freelancer" / "polite.jinja"
    polite.parent.mkdir(parents=True)
    polite.write_text(
        '{% extends "_layout/message" %}{% block subject %}Hallo{% endblock %}'
        "{% block body %}Bitte zahlen Sie binnen 14 Tagen: {{ no_such_thing }}{% endblock %}",
        encoding="utf-8",
    )
    assert main(["templates", "check", "--dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "hard-coded: de/freelancer/polite (host): '14 Tagen'" in out
    assert "failing: de_DE/freelancer/polite" not in out  # locales are checked by language
    assert "failing: de/freelancer/polite: template: template failed: UndefinedError" in out
    assert out.rstrip().endswith("2 problems")


CP1250 = Path(__file__).resolve().parent / "data" / "hostile_templates" / "cp1250_polite.jinja"
NOWAK_POLITE = "nowak-2025/pl-2026-021/polite/1"


@pytest.fixture
def cp1250_templates(tmp_path: Path) -> Path:
    """A host template directory whose Polish and English 'polite' steps are Windows-1250."""
    for locale in ("pl", "en"):
        polite = tmp_path / "templates" / locale / "freelancer" / "polite.jinja"
        polite.parent.mkdir(parents=True)
        polite.write_bytes(CP1250.read_bytes())
    return tmp_path / "templates"


def _one_line_encoding_error(err: str) -> None:
    assert err.count("\n") == 1, err
    assert "template: not UTF-8 at byte 64: save the template as UTF-8" in err
    assert re.search(r"\(got '(pl|en)/freelancer/polite\.jinja'\)", err), err


@pytest.mark.parametrize("command", ["render", "preview"])
def test_a_template_that_is_not_utf8_is_one_line_naming_the_file(
    command: str, cp1250_templates: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [command, EXAMPLE, "--templates", str(cp1250_templates)]
    assert main([*args, "--action", NOWAK_POLITE] if command == "render" else args) == 2
    _one_line_encoding_error(capsys.readouterr().err)


def test_templates_check_reports_a_template_that_is_not_utf8(cp1250_templates: Path) -> None:
    # What `templates check --dir` prints, for one language (all five take a while).
    problems = check_templates(host_directory=TemplateDirectory(cp1250_templates), locales=["pl"])
    lines = {str(p) for p in problems}
    problem = "template: not UTF-8 at byte 64: save the template as UTF-8"
    assert (
        f"failing: pl/freelancer/polite (host): {problem} (got 'pl/freelancer/polite.jinja')"
        in lines
    )
    assert f"failing: pl/freelancer/polite: {problem} (got 'pl/freelancer/polite.jinja')" in lines


def test_a_run_goes_on_past_a_template_that_is_not_utf8(
    cp1250_templates: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Harrow's polite reminder (English) is due at 16:00 with Papadopoulou's, whose Greek text
    # is the built-in one: the first cannot be rendered, the second is still sent.
    outbox = tmp_path / "out"
    args = ["run", "--db", str(tmp_path / "db.sqlite"), "--case", EXAMPLE]
    args += ["--now", "2026-03-10T16:00:00+01:00", "--templates", str(cp1250_templates)]
    args += ["--channel", f"email=outbox:{outbox}", "--channel", f"sms=outbox:{outbox}"]
    assert main(["init", str(tmp_path / "db.sqlite")]) == 0
    capsys.readouterr()
    main(args)
    out = " ".join(capsys.readouterr().out.split())  # long lines wrap at the terminal's width
    failed = "retry_later harrow-retainer/gb-0042/polite/2 [sms] not rendered: template: "
    assert f"{failed}not UTF-8 at byte 64" in out
    assert "sent papadopoulou-site/gr-2026-131/pre_due/1 [email]" in out


def test_templates_check_reports_a_language_without_texts() -> None:
    problems = check_templates(locales=["fr"])
    assert problems
    assert {p.kind for p in problems} == {"missing"}
    assert any(
        str(p) == "missing: fr/freelancer/polite: no text (falls back to en)" for p in problems
    )


def test_templates_check_renders_host_loaders_in_front() -> None:
    broken = MemoryTemplates({("en", "saas/notice"): "{% extends 'no/such/layout' %}"})
    problems = check_templates([broken], locales=["en"])
    assert [(p.kind, p.template) for p in problems] == [("failing", "en/saas/notice")]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Zapłać w ciągu 14 dni.", ["14 dni"]),
        ("Оплатите в течение 30 дней.", ["30 дней"]),
        ("Εντός 5 ημερών.", ["5 ημερών"]),
        ("Zinsen von 9 % p. a.", ["9 %"]),
        ("Due on 24.03.2026 or 2026-03-24.", ["24.03.2026", "2026-03-24"]),
        ("A fee of €40 or 40 EUR.", ["€4", "40 EUR"]),
        ("{{ 'within 7 days' }}", ["7 days"]),
        ("Art. 481 KC, § 288 BGB, ст. 395 ГК РФ: {{ terms.grace }}", []),
        ("<style>td { padding: 0.3em 10% }</style>{{ x }}", []),
        ("{% if %}", []),  # a syntax error is the render check's to report
    ],
)
def test_hard_coded_terms(text: str, found: list[str]) -> None:
    assert hard_coded_terms(text) == found


def test_evidence_writes_json_and_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evidence", EXAMPLE, "--client", "lindner", "--out", str(tmp_path)]) == 0
    written = capsys.readouterr().out.split()
    assert [Path(p).name for p in written] == ["evidence-lindner.json", "evidence-lindner.html"]
    assert json.loads((tmp_path / "evidence-lindner.json").read_text())["client"]["id"] == "lindner"
    valid_html((tmp_path / "evidence-lindner.html").read_text(encoding="utf-8"))


def test_evidence_for_an_unknown_client_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evidence", EXAMPLE, "--client", "nobody"]) == 2
    assert capsys.readouterr().err.startswith("paychase: error: client: unknown client")


def test_invoice_folder_needs_a_directory(tmp_path: Path) -> None:
    with pytest.raises(PluginError, match="not a directory"):
        InvoiceFolder(tmp_path / "missing")


def test_atomic_write_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.html"
    target.write_text("old", encoding="utf-8")
    write_text_atomically(target, "new ✓")
    assert target.read_text(encoding="utf-8") == "new ✓"
    assert [p.name for p in tmp_path.iterdir()] == ["out.html"]
    assert target.stat().st_mode & 0o777 == 0o644
