"""The plan's PDF, read back with pypdf: every action, exact names, the marking on every page, the
watermark only on drafts, no internal codes on the family copy, and the same bytes every time."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from hubapp.domain.meeting_dto import COPY_FAMILY, COPY_PROFESSIONAL
from hubapp.paths import resources_dir
from hubapp.printing import FontSet, UnprintableText, render_html, render_pdf
from hubapp.printing.plan_document import build_plan_document

from .plan_inputs import MARKUP, NAMES, plan_data

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def pdf_of(copy: str = COPY_PROFESSIONAL, **kw: object) -> tuple[bytes, int]:
    out = io.BytesIO()
    pages = render_pdf(build_plan_document(plan_data(**kw), copy), out)  # type: ignore[arg-type]
    return out.getvalue(), pages


def page_texts(pdf: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


_DECOR = (
    r"OFFICIAL-SENSITIVE",
    r"Family plan version \d+ \((family|professional) copy\) · Printed by .*? · Ref [0-9a-f]{12} Page \d+ of ?\d+",
    r"\S+ \S+ family · Plan version \d+ – .*? North Hub · Lead practitioner: Amira Khan",
    r"What will happen Who will do it By when How it is going", r"# Action Who By when Status",
)


def body_text(pdf: bytes) -> str:
    """The text of every page without what the page template draws, joined: what the story says."""
    pages = []
    for text in page_texts(pdf):
        for pattern in _DECOR:
            text = re.sub(pattern, " ", text)
        pages.append(text)
    return " ".join(" ".join(pages).split())


@pytest.mark.parametrize("copy", [COPY_PROFESSIONAL, COPY_FAMILY])
def test_every_action_and_every_name_is_in_the_pdf(copy: str) -> None:
    pdf, pages = pdf_of(copy)
    texts = page_texts(pdf)
    assert len(texts) == pages
    whole = " ".join(texts)
    for n in range(1, 13):
        assert f"Action {n:02d}:" in whole
    for name in NAMES:
        assert name in whole, name
    assert " ".join(MARKUP.split()) in whole  # markup characters print literally


@pytest.mark.parametrize("copy", [COPY_PROFESSIONAL, COPY_FAMILY])
def test_marking_page_numbers_and_provenance_on_every_page(copy: str) -> None:
    pdf, pages = pdf_of(copy, actions=40)
    texts = page_texts(pdf)
    assert pages >= 2
    for n, text in enumerate(texts, 1):
        assert text.count("OFFICIAL-SENSITIVE") == 2
        assert re.search(rf"Page {n} of ?{pages}\b", text), text[-200:]
        assert "Printed by Amira Khan on" in text and "Ref " in text
        assert "version 2" in text


def test_watermark_only_on_drafts() -> None:
    draft = page_texts(pdf_of(COPY_FAMILY, draft=True)[0])
    agreed = page_texts(pdf_of(COPY_FAMILY)[0])
    assert all("DRAFT" in text for text in draft)
    assert not any("DRAFT" in text for text in agreed)


def test_family_copy_has_no_internal_codes_or_staff_notes() -> None:
    family = " ".join(page_texts(pdf_of(COPY_FAMILY)[0]))
    professional = " ".join(page_texts(pdf_of(COPY_PROFESSIONAL)[0]))
    assert "SF01" in professional and "probation" in professional and "999 000 0018" in professional
    for code in [f"SF{n:02d}" for n in range(1, 11)] + ["IN_PROGRESS", "PLAN_ACTIVE", "TAF_REVIEW", "CONTINUE",
                                                           "Level of need", "probation", "999 000 0018", "index child"]:
        assert code not in family, code
    assert "Getting a good education" in family and "Not started yet" in family


def test_header_row_repeats_on_every_page_of_the_goals_table() -> None:
    pdf, pages = pdf_of(COPY_PROFESSIONAL, actions=60)
    texts = page_texts(pdf)
    with_actions = [t for t in texts if re.search(r"Action \d\d:", t)]
    assert len(with_actions) >= 2
    assert all("# Action Who By when Status" in t for t in with_actions)


def test_sixty_actions_a_long_goal_markup_and_other_scripts_make_a_correct_multi_page_pdf() -> None:
    goal = " ".join(f"Sentence {i} of a goal that goes on, with Zoë & <i>markup</i>." for i in range(90))[:5000]
    assert len(goal) == 5000
    for copy in (COPY_PROFESSIONAL, COPY_FAMILY):
        pdf, pages = pdf_of(copy, actions=60, goal_text=goal)
        texts = page_texts(pdf)
        whole = " ".join(texts)
        assert pages >= 4
        assert [int(m) for m in re.findall(r"Action (\d\d):", whole)] == list(range(1, 61))
        assert " ".join(goal.split()) in body_text(pdf)
        assert "<i>markup</i>" in whole and "<script>alert(1)</script>" in whole
        assert "Σοφία Παπαδοπούλου" in whole and "Олена Коваленко" in whole


def test_same_input_same_bytes() -> None:
    assert pdf_of(COPY_FAMILY)[0] == pdf_of(COPY_FAMILY)[0]


def test_metadata_and_bookmarks() -> None:
    reader = PdfReader(io.BytesIO(pdf_of(COPY_PROFESSIONAL)[0]))
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Family plan – Ní Bhriain family"
    assert meta.author == "North Hub"
    assert "Think Family plan" in (meta.subject or "")
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert titles[:3] == ["Household", "Needs and Supporting Families outcomes", "Goals and actions"]


def test_a_letter_no_font_has_is_refused_by_name() -> None:
    document = build_plan_document(plan_data(names=(*NAMES[:7], "Nino ანა")), COPY_FAMILY)
    with pytest.raises(UnprintableText) as info:
        render_pdf(document, io.BytesIO())
    assert "“ა” (U+10D0, georgian letter an)" in str(info.value)
    assert "HTML" in str(info.value)
    assert "ანა" in render_html(document)


def test_right_to_left_text_is_refused_in_the_pdf_but_not_in_html() -> None:
    document = build_plan_document(plan_data(names=(*NAMES[:7], "Amira محمد")), COPY_FAMILY)
    with pytest.raises(UnprintableText) as info:
        render_pdf(document, io.BytesIO())
    assert "right to left" in str(info.value)
    html = render_html(document)
    assert 'dir="auto">Amira محمد' in html


@pytest.mark.skipif(not DEJAVU.is_file(), reason="DejaVu Sans is not installed")
def test_another_font_in_the_fonts_folder_prints_what_noto_sans_lacks(tmp_path: Path) -> None:
    for f in (resources_dir() / "fonts").glob("*.ttf"):
        shutil.copy(f, tmp_path / f.name)
    shutil.copy(DEJAVU, tmp_path / "DejaVuSans.ttf")
    fonts = FontSet(tmp_path)
    document = build_plan_document(plan_data(names=(*NAMES[:7], "Nino ანა")), COPY_FAMILY)
    out = io.BytesIO()
    render_pdf(document, out, fonts)
    assert "Nino ანა" in " ".join(page_texts(out.getvalue()))


def test_accessible_html_of_the_family_copy() -> None:
    html = render_html(build_plan_document(plan_data(draft=True), COPY_FAMILY))
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in html
    assert html.count("OFFICIAL-SENSITIVE") == 2
    assert "DRAFT" in html
    assert '<th scope="col" dir="auto">What will happen</th>' in html
    assert '<th scope="rowgroup"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "SF01" not in html and "probation" not in html
