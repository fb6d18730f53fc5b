"""PDF documents (discharge summary, safety plan): tagged for screen readers, on the program's
paper.

Every PDF is written with WeasyPrint's PDF/UA-1 variant (`pdf_variant="pdf/ua-1"`, WeasyPrint 62
and later): the file carries a structure tree (/StructTreeRoot), marked content, the document
language from `<html lang>` and the title from `<title>`, so assistive technology reads headings,
lists and tables in order. The page size comes from the program (`Program.paper_size`): US Letter
by default for US programs, A4 where a program is configured for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models

PDF_VARIANT = "pdf/ua-1"


class PaperSize(models.TextChoices):
    LETTER = "letter", "US Letter (8.5 x 11 in)"
    A4 = "a4", "A4 (210 x 297 mm)"


# CSS `size` keywords (CSS Paged Media) for each choice.
_CSS_SIZE = {PaperSize.LETTER: "letter", PaperSize.A4: "A4"}


def page_size_css(paper_size: str) -> str:
    """The CSS page size keyword for a program's paper size (Letter when unknown)."""
    return _CSS_SIZE.get(paper_size, "letter")  # type: ignore[call-overload]


def pdf_render(
    html: str,
    *,
    paper_size: str,
    base_url: str | None = None,
    stylesheets: Sequence[Any] = (),
) -> bytes:
    """`html` (a whole document with `lang` and `<title>`) as a tagged PDF/UA-1 on
    `paper_size`. The page size is given last, so it wins over a size in the document's CSS."""
    from weasyprint import CSS, HTML  # imported late: heavy, and only needed for a download

    size = CSS(string=f"@page {{ size: {page_size_css(paper_size)}; }}")
    return HTML(string=html, base_url=base_url).write_pdf(
        stylesheets=[*stylesheets, size], pdf_variant=PDF_VARIANT
    )
