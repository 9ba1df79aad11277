"""The data of a network's annual activity report."""

from members.models import Network


def context(report) -> dict:
    return {"network": Network.objects.get(pk=report.network_id), "year": report.year}
