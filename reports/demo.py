"""The demo's reports, built for real: Les Jardins du Val's AG report and synthesis of 2025,
frozen for that year's AG, a first synthesis of 2026 not frozen yet, and the CRESS's activity
report of 2026. Loading twice changes nothing."""

from demarches.models import Cycle
from members.models import Network, User
from reports import services, tasks
from reports.models import Report

JARDINS = "Les Jardins du Val"
PILOT = "pilote@jardins-du-val.example.org"
FACILITATOR = "camille.animatrice@cress-demo.example.org"
NETWORK = "CRESS Hauts-de-France (démo)"


def _build(**document) -> Report:
    """Ask for a report and build it at once, in this process, as the task would."""
    report = services.request_report(**document)
    # The demo loads in one transaction, so the task enqueued on commit would come too late
    # to freeze the version; it then finds the report done and does nothing.
    tasks.build_report.apply(args=[report.pk])
    report.refresh_from_db()
    return report


def load() -> None:
    cycles = {
        cycle.year: cycle
        for cycle in Cycle.objects.filter(structure__name=JARDINS).select_related("structure")
    }
    if not cycles or Report.objects.filter(cycle__in=cycles.values()).exists():
        return
    pilot = User.objects.get(email=PILOT)
    last_year = cycles[2025]
    for kind in Report.CYCLE_KINDS:
        report = _build(kind=kind, cycle=last_year, by=pilot)
        if report.status == Report.Status.READY:
            services.freeze(report.version, for_date=last_year.ag_on, by=pilot)
    _build(kind=Report.Kind.SYNTHESIS, cycle=cycles[2026], by=pilot)

    network = Network.objects.get(name=NETWORK)
    facilitator = User.objects.get(email=FACILITATOR)
    _build(kind=Report.Kind.NETWORK, network=network, year=2026, by=facilitator)
