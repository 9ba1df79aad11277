"""The data of a structure's reports for one year: the full AG report and the publishable
synthesis."""

from demarches.models import Cycle


def full_context(report) -> dict:
    cycle = Cycle.objects.select_related("structure", "guide").get(pk=report.cycle_id)
    return {"cycle": cycle}


def synthesis_context(report) -> dict:
    cycle = Cycle.objects.select_related("structure", "guide").get(pk=report.cycle_id)
    return {"cycle": cycle}
