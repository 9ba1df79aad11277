"""Changes to people and roles: appointing, handing over, ending mandates."""

import datetime

from django.db import transaction
from django.utils import timezone

from members.models import Network, Role, Structure, User


@transaction.atomic
def appoint(
    person: User,
    kind: str,
    *,
    structure: Structure | None = None,
    network: Network | None = None,
    on: datetime.date | None = None,
) -> Role:
    """Give `person` the role; for a pilot or co-pilot seat already held, the current holder's
    mandate ends that day (a hand-over) and stays in the history."""
    on = on or timezone.localdate()
    place = {"structure": structure} if structure else {"network": network}
    current = Role.objects.active().filter(person=person, kind=kind, **place).first()
    if current:
        return current
    if structure and kind in Role.PAIR_KINDS:
        # Lock the structure: two hand-overs of the same seat at once must queue up.
        Structure.objects.select_for_update().get(pk=structure.pk)
        for holder in Role.objects.active().filter(structure=structure, kind=kind):
            end_mandate(holder, on=on)
        # A co-pilot who becomes pilot (or the reverse) leaves their former seat.
        for own in Role.objects.active().filter(
            structure=structure, person=person, kind__in=Role.PAIR_KINDS
        ):
            end_mandate(own, on=on)
    return Role.objects.create(person=person, kind=kind, started_on=on, **place)


def end_mandate(role: Role, *, on: datetime.date | None = None) -> None:
    role.ended_on = max(on or timezone.localdate(), role.started_on)
    role.save(update_fields=["ended_on", "updated_at"])


def hand_over(structure: Structure, kind: str, *, to: User, on=None) -> Role:
    """The pilot (or co-pilot) seat passes to `to`; see `appoint`."""
    return appoint(to, kind, structure=structure, on=on)
