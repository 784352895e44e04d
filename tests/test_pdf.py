"""Letters and the evidence pack as PDF: WeasyPrint, A4, DejaVu fonts embedded (issue 17, item 4).

Each PDF is read back with pypdf: its text must hold the Greek and Cyrillic words exactly as
they were rendered (a glyph the font lacked would not come back as the letter), every page is
A4, and every font is a DejaVu face embedded in the file. The letters are planned, not made up:
a one-step ladder sends a registered final letter to Studio Kowalski the day after inv-1
(1200.00 PLN) fell due, with the client placed in Russia or in Greece.
"""

# ruff: noqa: RUF001 - the Greek and Russian text is what these tests are about

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from tests.samples import kowalski, sample_case

from paychase import Case, plan
from paychase.cli._main import main
from paychase.errors import InvalidCaseError, PluginError
from paychase.evidence import _pdf as pdf_module
from paychase.evidence import evidence_html, evidence_pack, letter_pdf, pdf_bytes
from paychase.messages import Message, Renderer

A4 = (595.28, 841.89)  # points: 210 mm x 297 mm
KEY = "k1/inv-1/final/1"
LETTER_ONLY = {
    "name": "letter-only",
    "steps": [
        {
            "id": "final",
            "from": "due",
            "offset": "+1d",
            "action": "send_letter",
            "deadline": "14d",
            "channels": ["registered_letter"],
            "tone": "final",
        }
    ],
}
PLACES = {
    "ru": ("RU", "ru_RU", "Europe/Moscow", "Москва, ул. Тверская, 1"),
    "el": ("GR", "el_GR", "Europe/Athens", "Οδός Σκουφά 21, 106 73 Αθήνα"),
}


def letter_case_data(language: str) -> dict[str, Any]:
    """Kowalski in Moscow or Athens, to whom the only step sends a registered final letter."""
    country, locale, timezone, postal = PLACES[language]
    client = kowalski(
        locale=locale,
        country=country,
        timezone=timezone,
        contacts={"email": "c1@example.com", "postal": postal},
    )
    return sample_case(
        clients=[client],
        policy=LETTER_ONLY,
        sender={"name": "Studio Lumen", "address": "ul. Hoża 51/7, Warszawa", "locale": locale},
        now="2026-03-04T09:00:00+01:00",
    )


def planned_letter(language: str) -> Message:
    case = Case.model_validate(letter_case_data(language))
    (action,) = plan(case, now=None).actions
    assert action.key == KEY
    return Renderer().render(case, action)


def flat(text: str) -> str:
    """Words separated by single spaces: a PDF breaks lines where a text file does not."""
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())


def pdf_text(data: bytes) -> str:
    return flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def fonts(data: bytes) -> list[tuple[str, bool]]:
    """Each font of each page: its name and whether the font program is in the file."""
    found = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            described = font
            if "/DescendantFonts" in font:  # a composite font describes itself in its child
                described = font["/DescendantFonts"][0].get_object()
            descriptor = described["/FontDescriptor"].get_object()
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found.append((str(font["/BaseFont"]), embedded))
    return found


def assert_a4_with_dejavu_embedded(data: bytes) -> None:
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(A4, abs=0.5)
    used = fonts(data)
    assert used
    for name, embedded in used:
        assert "DejaVu" in name, name
        assert embedded, name


def sentence(text: str, starting: str) -> str:
    """The sentence of `text` that starts with `starting`, up to its full stop."""
    found = re.search(re.escape(starting) + r"[^.]*\.", flat(text))
    assert found, starting
    return found.group(0)


# --- letters ----------------------------------------------------------------------------------


def test_a_russian_claim_prints_every_cyrillic_letter_on_a4() -> None:
    letter = planned_letter("ru")
    data = letter_pdf(letter)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "ДОСУДЕБНАЯ ПРЕТЕНЗИЯ" in text
    assert sentence(letter.text, "На основании изложенного") in text
    assert_a4_with_dejavu_embedded(data)
    assert any("DejaVu-Serif" in name for name, _ in fonts(data))  # a letter is set in serif


def test_a_greek_extrajudicial_notice_prints_every_greek_letter_on_a4() -> None:
    letter = planned_letter("el")
    assert letter.channel == "registered_letter"
    data = letter_pdf(letter)
    text = pdf_text(data)
    assert "ΕΞΩΔΙΚΗ ΔΗΛΩΣΗ – ΠΡΟΣΚΛΗΣΗ – ΟΧΛΗΣΗ" in text
    # The first sentence after the title, exactly as rendered: accents and final sigma too.
    body = flat(letter.text).split("ΟΧΛΗΣΗ", 1)[1]
    first = re.search(r"[Α-Ωά-ώ][^.]*\.", body)
    assert first is not None
    assert first.group(0) in text
    assert_a4_with_dejavu_embedded(data)


def test_only_a_letter_is_printed() -> None:
    letter = planned_letter("ru")
    email = letter.model_copy(update={"channel": "email"})
    with pytest.raises(InvalidCaseError) as caught:
        letter_pdf(email)
    assert (caught.value.field, caught.value.value) == ("channel", "email")


def test_without_weasyprint_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> Any:
        raise ImportError(f"No module named {name!r}")

    monkeypatch.setattr(pdf_module, "import_module", missing)
    with pytest.raises(PluginError) as caught:
        pdf_bytes("<p>x</p>")
    assert "pip install 'paychase[pdf]'" in str(caught.value)


def test_without_pango_the_error_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pango(name: str) -> Any:
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf_module, "import_module", no_pango)
    with pytest.raises(PluginError, match="install pango"):
        pdf_bytes("<p>x</p>")


# --- the evidence pack ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "heading", "law"),
    [
        ("ru", "Расчёт задолженности и перечень доказательств", "Применимое право: Россия"),
        ("el", "Φάκελος αποδεικτικών στοιχείων", "Εφαρμοστέο δίκαιο: Ελλάδα"),
    ],
)
def test_the_evidence_pack_prints_its_language_jurisdiction_and_sources(
    language: str, heading: str, law: str
) -> None:
    case = Case.model_validate(letter_case_data(language))
    pack = evidence_pack(case, "c1", now=None)
    data = pdf_bytes(evidence_html(pack))
    text = pdf_text(data)
    assert heading in text
    assert law in text
    assert_a4_with_dejavu_embedded(data)


def test_the_evidence_pack_prints_a_rate_source(portfolio_pdf: str) -> None:
    # Lindner & Roth owe German statutory interest: its rate is the Bundesbank's.
    assert "Deutsche Bundesbank: Basiszinssatz" in portfolio_pdf
    assert "Anwendbares Recht: Deutschland" in portfolio_pdf
    assert "research" not in portfolio_pdf


@pytest.fixture(scope="module")
def portfolio_pdf() -> str:
    case = json.loads(Path("examples/portfolio.json").read_text(encoding="utf-8"))
    case["sender"]["locale"] = "de_DE"
    pack = evidence_pack(Case.model_validate(case), "lindner", now=None)
    return pdf_text(pdf_bytes(evidence_html(pack)))


# --- the command line -------------------------------------------------------------------------


@pytest.fixture
def letter_file(tmp_path: Path) -> Path:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(letter_case_data("el"), ensure_ascii=False), encoding="utf-8")
    return path


def test_render_writes_a_letter_as_pdf(
    letter_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "letter.pdf"
    assert main(["render", str(letter_file), "--action", KEY, "--pdf", str(out)]) == 0
    assert capsys.readouterr().out == f"{out}\n"
    assert "ΕΞΩΔΙΚΗ ΔΗΛΩΣΗ" in pdf_text(out.read_bytes())


def test_render_refuses_pdf_for_an_email(capsys: pytest.CaptureFixture[str]) -> None:
    key = "nowak-2025/pl-2026-021/polite/1"
    assert main(["render", "examples/portfolio.json", "--action", key, "--pdf", "x.pdf"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("paychase: error: channel: only a letter is written as PDF")
    assert error.count("\n") == 1
    assert not Path("x.pdf").exists()


def test_an_unwritable_pdf_path_is_one_line_and_exit_2(
    letter_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "missing" / "letter.pdf"
    assert main(["render", str(letter_file), "--action", KEY, "--pdf", str(out)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("paychase: error: --pdf: cannot write there")
    assert error.count("\n") == 1


def test_evidence_writes_the_pack_as_pdf_too(
    letter_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pack.pdf"
    argv = ["evidence", str(letter_file), "--client", "c1", "--out", str(tmp_path)]
    assert main([*argv, "--pdf", str(out)]) == 0
    written = capsys.readouterr().out.split()
    assert [Path(p).name for p in written] == ["evidence-c1.json", "evidence-c1.html", "pack.pdf"]
    assert "Φάκελος αποδεικτικών στοιχείων" in pdf_text(out.read_bytes())


def test_evidence_without_weasyprint_names_the_extra_and_writes_nothing(
    letter_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def missing(name: str) -> Any:
        raise ImportError(name)

    monkeypatch.setattr(pdf_module, "import_module", missing)
    out = tmp_path / "written"
    argv = ["evidence", str(letter_file), "--client", "c1", "--out", str(out), "--pdf", "p.pdf"]
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert error == "paychase: error: pdf: PDF needs WeasyPrint: pip install 'paychase[pdf]'\n"
    assert not out.exists()


def test_preview_writes_each_letter_as_pdf_beside_its_page(
    letter_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "preview"
    assert main(["preview", str(letter_file), "--out", str(out), "--pdf"]) == 0
    assert capsys.readouterr().out.endswith(", 1 letter as PDF\n")
    assert sorted(p.name for p in out.iterdir()) == [
        "001-k1_inv-1_final_1.html",
        "001-k1_inv-1_final_1.pdf",
        "index.html",
    ]
    assert "ΕΞΩΔΙΚΗ ΔΗΛΩΣΗ" in pdf_text((out / "001-k1_inv-1_final_1.pdf").read_bytes())


def test_preview_pdf_needs_out(letter_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", str(letter_file), "--pdf"]) == 2
    assert "--pdf writes beside the pages: give --out DIR" in capsys.readouterr().err
