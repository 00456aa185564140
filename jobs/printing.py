"""A4 printouts (rosters, reports, registers) with the CJK fonts of the machine.

fpdf2 embeds the Noto CJK OpenType collection (``fonts-noto-cjk``) as a subset, so a
printout carries its own glyphs and opens on an isolated network. Every page carries
who printed it and when, and its page number, in the footer: a printout says who took
it out of the system.
"""

from pathlib import Path

from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

FONT_DIR = Path("/usr/share/fonts/opentype/noto")
# Index of Simplified Chinese in the Noto Sans CJK collection (JP, KR, SC, TC, HK).
COLLECTION_SC = 2
FONT = "noto"
_HEADINGS = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))


class FontMissing(RuntimeError):
    pass


class Printout(FPDF):
    """A titled A4 document; ``mark`` (who printed it and when) goes at the foot of each page."""

    def __init__(self, title: str, mark: str, *, landscape: bool = False, font_dir: Path = FONT_DIR):
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        regular, bold = font_dir / "NotoSansCJK-Regular.ttc", font_dir / "NotoSansCJK-Bold.ttc"
        if not regular.exists():
            raise FontMissing(f"CJK font not found at {regular}: install fonts-noto-cjk")
        self.add_font(FONT, fname=str(regular), collection_font_number=COLLECTION_SC)
        self.add_font(FONT, style="B", fname=str(bold if bold.exists() else regular),
                      collection_font_number=COLLECTION_SC)
        self.title_text, self.mark = title, mark
        self.set_title(title)
        self.set_creator("dossier")
        self.set_auto_page_break(auto=True, margin=15)
        self.alias_nb_pages()
        self.add_page()

    def header(self):
        self.set_font(FONT, "B", 14)
        self.cell(0, 9, self.title_text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def footer(self):
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.cell(0, 6, self.mark, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 6, _("Page %(page)s of %(pages)s", page=self.page_no(), pages="{nb}"), align="R")

    def heading(self, text: str):
        self.set_font(FONT, "B", 11)
        self.cell(0, 8, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def paragraph(self, text: str, size: int = 10):
        self.set_font(FONT, size=size)
        self.multi_cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def table(self, headers: list[str], rows, size: int = 9, widths: tuple | None = None):
        """Rows of cells, the header repeated on every page; ``rows`` may be a generator;
        ``widths``: the columns' relative widths (equal unless given)."""
        self.set_font(FONT, size=size)
        with super().table(headings_style=_HEADINGS, line_height=size * 0.6, first_row_as_headings=True,
                           repeat_headings=1, col_widths=widths) as table:
            table.row([str(h) for h in headers])
            for row in rows:
                table.row(["" if value is None else str(value) for value in row])

