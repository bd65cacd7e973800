"""Issue 11, point 6: formula injection through the influence ledger's exports.

Whoever may name a council can put a formula in its name; the secretariat then downloads the
ledger and opens it in Excel. Every text cell that begins like a formula must arrive as text
(prefixed with `'`; in XLSX typed as a string), and the counts must still be numbers."""

import csv
import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from medvirke.bodies.tests.participation_support import make_council
from medvirke.core.exports import safe_cell

from .conftest import case
from .test_pages_minutes import login

pytestmark = pytest.mark.django_db

HOSTILE_NAMES = [
    '=HYPERLINK("http://x","klikk")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture(name="hostile")
def hostile_fixture(world: Any) -> dict[str, Any]:
    """One council per dangerous prefix, each with a case this year (so it is a column of the
    owner organisation's ledger)."""
    bodies = []
    for name in HOSTILE_NAMES:
        body = make_council(world, name=name)
        year = case(world, body).year
        bodies.append(body)
    return {"bodies": bodies, "year": year}


def _download(client: Any, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def _csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def _as_xml_reads_it(text: str) -> str:
    # An XLSX is XML, whose parser reads a carriage return as a line feed.
    return text.replace("\r", "\n")


def _assert_no_cell_is_a_formula(sheet: Any) -> None:
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.value
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), cell.value


def test_attack_formula_in_body_name_is_text_in_the_owner_ledger_csv(
    world: Any, hostile: Any
) -> None:
    client = login(world.secretary)
    url = reverse("ledger_owner_export", args=[world.hf.pk, "csv"]) + f"?aar={hostile['year']}"
    rows = _csv_rows(_download(client, url))
    header = rows[0]
    for name in HOSTILE_NAMES:
        assert "'" + name in header, name
    for row in rows:
        for value in row:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    counts = {row[0]: row[1:] for row in rows[1:]}
    assert counts["Cases"] == [str(len(HOSTILE_NAMES))] + ["1"] * len(HOSTILE_NAMES)


def test_attack_formula_in_body_name_is_text_in_the_owner_ledger_xlsx(
    world: Any, hostile: Any
) -> None:
    client = login(world.secretary)
    url = reverse("ledger_owner_export", args=[world.hf.pk, "xlsx"]) + f"?aar={hostile['year']}"
    sheet = load_workbook(io.BytesIO(_download(client, url))).active
    _assert_no_cell_is_a_formula(sheet)
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    for name in HOSTILE_NAMES:
        assert _as_xml_reads_it("'" + name) in header, name
    counts = {row[0].value: row[1:] for row in sheet.iter_rows(min_row=2)}
    cases = counts["Cases"]
    assert [c.value for c in cases] == [len(HOSTILE_NAMES)] + [1] * len(HOSTILE_NAMES)
    assert all(c.data_type == "n" for c in cases)  # numbers stay numbers


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_attack_formula_in_body_name_is_text_in_the_body_ledger(
    world: Any, hostile: Any, fmt: str
) -> None:
    client = login(world.secretary)
    for body in hostile["bodies"]:
        url = reverse("ledger_body_export", args=[body.pk, fmt]) + f"?aar={hostile['year']}"
        content = _download(client, url)
        if fmt == "csv":
            header = _csv_rows(content)[0]
        else:
            sheet = load_workbook(io.BytesIO(content)).active
            _assert_no_cell_is_a_formula(sheet)
            header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
        expected = "'" + body.name
        assert header[1] == (expected if fmt == "csv" else _as_xml_reads_it(expected))


def test_safe_cell_keeps_numbers_and_dates_and_quotes_formula_text() -> None:
    from datetime import date
    from decimal import Decimal

    assert safe_cell(-5) == -5 and safe_cell(1.5) == 1.5 and safe_cell(Decimal("-2")) == -2
    assert safe_cell(date(2026, 1, 2)) == date(2026, 1, 2) and safe_cell(None) is None
    assert safe_cell("-5") == "'-5" and safe_cell("Kari") == "Kari" and safe_cell("50 %") == "50 %"
