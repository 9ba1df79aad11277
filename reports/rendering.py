"""From a report's data to its PDF: the HTML of the document, then WeasyPrint.

The fonts come from a Python package (Source Sans Pro, installed from requirements.lock), not
from the machine, so that a report looks the same wherever it is built. The PDF is tagged
(PDF/UA-1) for screen readers and hyphenated the French way (`lang="fr"`, pyphen).
"""

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import font_source_sans_pro
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from reports import documents

FONT_DIR = Path(font_source_sans_pro.__file__).parent / "files"
FONT_FACES = [
    ("normal", 400, "SourceSansPro-Regular.ttf"),
    ("italic", 400, "SourceSansPro-It.ttf"),
    ("normal", 600, "SourceSansPro-Semibold.ttf"),
    ("italic", 600, "SourceSansPro-SemiboldIt.ttf"),
    ("normal", 700, "SourceSansPro-Bold.ttf"),
    ("italic", 700, "SourceSansPro-BoldIt.ttf"),
]
STYLESHEETS = settings.BASE_DIR / "static" / "reports"
# Where the version line goes; left out of the digest so that the same data gives the same
# digest, whatever the day or the version number.
STAMP = "<!--report-stamp-->"


class LayoutUnavailable(Exception):
    """WeasyPrint cannot run on this machine (its system libraries are missing)."""


def font_faces_css() -> str:
    return "\n".join(
        f"@font-face {{ font-family: 'Source Sans Pro'; font-style: {style}; "
        f"font-weight: {weight}; src: url('{(FONT_DIR / name).as_uri()}'); }}"
        for style, weight, name in FONT_FACES
    )


def html(report) -> str:
    """The document's HTML, in French, with the stamp placeholder left in."""
    document = documents.for_kind(report.kind)
    with translation.override("fr"):
        context = document.context(report)
        return render_to_string(document.template, {**context, "report": report, "stamp": STAMP})


def digest(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()


def stamped(source: str, stamp: str) -> str:
    return source.replace(STAMP, stamp)


@cache
def _weasyprint():
    try:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration
    except OSError as error:  # Pango or its friends are missing
        raise LayoutUnavailable(str(error)) from error
    return weasyprint, FontConfiguration


@dataclass
class Pdf:
    data: bytes
    pages: int


def pdf(source: str, stylesheets: tuple[str, ...] = ()) -> Pdf:
    """The PDF of a document's final HTML, with pdf.css and the document's own stylesheets."""
    weasyprint, FontConfiguration = _weasyprint()
    fonts = FontConfiguration()
    stylesheets = [
        weasyprint.CSS(string=font_faces_css(), font_config=fonts),
        *(
            weasyprint.CSS(filename=str(STYLESHEETS / name), font_config=fonts)
            for name in ("pdf.css", *stylesheets)
        ),
    ]
    document = weasyprint.HTML(string=source, base_url=str(settings.BASE_DIR)).render(
        stylesheets=stylesheets, font_config=fonts, pdf_variant="pdf/ua-1"
    )
    return Pdf(document.write_pdf(pdf_variant="pdf/ua-1"), len(document.pages))
