"""The discharge summary PDF is tagged (PDF/UA-1: pypdf finds /StructTreeRoot) and on the
program's paper size (US Letter by default, A4 where configured)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from recoverypath.discharge.services.summary import summary_pdf

from .test_summary import graduated  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def _reader(summary) -> PdfReader:
    return PdfReader(io.BytesIO(summary_pdf(summary=summary)))


def _size(reader: PdfReader) -> tuple[int, int]:
    box = reader.pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def test_the_summary_pdf_carries_a_structure_tree_for_screen_readers(graduated):  # noqa: F811
    root = _reader(graduated).trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en"


def test_the_summary_pdf_is_letter_for_a_us_program_and_a4_where_configured(
    cast,
    graduated,  # noqa: F811
):
    assert _size(_reader(graduated)) == (612, 792)
    cast.program.paper_size = "a4"
    cast.program.save(update_fields=["paper_size"])
    graduated.plan.program.refresh_from_db()
    assert _size(_reader(graduated)) == (595, 842)
