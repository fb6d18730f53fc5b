"""The printable safety plan PDF is tagged (PDF/UA-1: a structure tree screen readers follow) and
printed on the program's paper: US Letter by default, A4 where the program is configured so."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from recoverypath.safety import services

from .test_safety import PLAN, web_as

pytestmark = pytest.mark.django_db

LETTER = (612, 792)  # points
A4 = (595, 842)


def _pdf(user, url) -> PdfReader:
    response = web_as(user).get(url)
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def _size(reader: PdfReader) -> tuple[int, int]:
    box = reader.pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def test_the_safety_plan_pdf_is_tagged_with_a_structure_tree_and_a_language(cast):
    services.safety_plan_create(actor=cast.clinician, client=cast.client, **PLAN)
    reader = _pdf(cast.client_user, "/me/safety-plan/print/?format=pdf")
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en"
    assert "Walk the dog" in reader.pages[0].extract_text()


def test_the_safety_plan_pdf_is_us_letter_by_default(cast):
    assert cast.program.paper_size == "letter"
    assert _size(_pdf(cast.client_user, "/me/safety-plan/print/?format=pdf")) == LETTER


def test_a_program_configured_for_a4_prints_the_safety_plan_on_a4(cast):
    cast.program.paper_size = "a4"
    cast.program.save(update_fields=["paper_size"])
    url = f"/clients/{cast.client.id}/safety-plan/print/?format=pdf"
    assert _size(_pdf(cast.clinician, url)) == A4
