"""Who may ask for, read and freeze which report.

A structure's reports are read by its board members and its pilot pair, and by the network's
facilitators for what the structure shares: the synthesis when it shares a summary, the full
report when it shares the full démarche. The pilot pair asks for them and freezes a version
for the AG. A network's activity report belongs to its facilitators.
"""

import rules

from demarches.rules import (
    LEADS,
    _holds,
    _shares_with_facilitator,
    facilitator_sees_summary,
    leads_cycle,
    works_in_cycle_structure,
)
from members.models import Membership, Role
from members.rules import facilitates_network, is_platform_admin

READERS = (*LEADS, Role.Kind.BOARD_MEMBER)
SHARING_FOR = {
    "full": [Membership.Sharing.FULL],
    "synthesis": [Membership.Sharing.SUMMARY, Membership.Sharing.FULL],
}


@rules.predicate
def reads_cycle_report(user, report):
    if not user.is_authenticated or report.cycle_id is None:
        return False
    cycle = report.cycle
    return _holds(user, cycle.structure_id, READERS) or _shares_with_facilitator(
        user, cycle.structure_id, SHARING_FOR[report.kind]
    )


@rules.predicate
def reads_network_report(user, report):
    return report.network_id is not None and facilitates_network(user, report.network)


# The page listing a cycle's reports (each person sees the versions they may read; a
# contributor sees none, and where the AG debate is).
rules.add_perm(
    "reports.view_cycle_reports",
    is_platform_admin | works_in_cycle_structure | facilitator_sees_summary,
)
rules.add_perm("reports.manage_cycle_reports", leads_cycle)
# One report (its status page and its PDF).
rules.add_perm("reports.view_report", is_platform_admin | reads_cycle_report | reads_network_report)
rules.add_perm("reports.manage_network_reports", is_platform_admin | facilitates_network)
