"""The documents Progress builds: for each kind of report, its template and the function
that gathers its data. Each gathering costs a fixed number of queries, whatever the number
of items, actions or structures."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.text import slugify


@dataclass(frozen=True)
class Document:
    template: str
    context: Callable  # report → template context
    file_stem: Callable  # report → the PDF's name, without the version
    # Stylesheets of static/reports/ added to pdf.css, which every document uses.
    stylesheets: tuple[str, ...] = ()


def _cycle_stem(prefix):
    def stem(report):
        return f"{prefix}-{slugify(report.cycle.structure.name)}-{report.year}"

    return stem


def for_kind(kind: str) -> Document:
    from reports import cycle_report, network_report
    from reports.models import Report

    return {
        Report.Kind.FULL: Document(
            "reports/pdf/full.html", cycle_report.full_context, _cycle_stem("rapport-ag")
        ),
        Report.Kind.SYNTHESIS: Document(
            "reports/pdf/synthesis.html", cycle_report.synthesis_context, _cycle_stem("synthese")
        ),
        Report.Kind.NETWORK: Document(
            "reports/pdf/network.html",
            network_report.context,
            lambda report: f"rapport-activite-{slugify(report.network.name)}-{report.year}",
            stylesheets=("network.css",),
        ),
    }[kind]
