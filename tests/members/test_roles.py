import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from members.models import Role
from tests.members.factories import NetworkFactory, RoleFactory, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_structure_cannot_have_two_active_pilots():
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleFactory(kind=Role.Kind.PILOT, structure=pilot.structure)


def test_an_ended_mandate_makes_room_for_the_next_pilot_and_stays_in_the_history():
    previous = RoleFactory(kind=Role.Kind.PILOT, started_on=timezone.localdate().replace(year=2022))
    previous.ended_on = timezone.localdate()
    previous.save()
    RoleFactory(kind=Role.Kind.PILOT, structure=previous.structure)
    pilots = previous.structure.roles.filter(kind=Role.Kind.PILOT)
    assert pilots.count() == 2
    assert pilots.active().count() == 1


def test_pilot_and_copilot_can_be_held_at_the_same_time():
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    RoleFactory(kind=Role.Kind.COPILOT, structure=pilot.structure)
    assert pilot.structure.roles.active().count() == 2


def test_a_structure_can_have_several_contributors():
    structure = StructureFactory()
    RoleFactory.create_batch(3, kind=Role.Kind.CONTRIBUTOR, structure=structure)
    assert structure.roles.count() == 3


def test_a_facilitator_role_belongs_to_a_network_not_a_structure():
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(
            person=UserFactory(), kind=Role.Kind.FACILITATOR, structure=StructureFactory()
        )
    role = Role.objects.create(
        person=UserFactory(), kind=Role.Kind.FACILITATOR, network=NetworkFactory()
    )
    assert role.place == role.network


def test_the_constraint_message_is_in_french():
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    duplicate = Role(person=UserFactory(), kind=Role.Kind.PILOT, structure=pilot.structure)
    with pytest.raises(ValidationError) as error:
        duplicate.validate_constraints()
    assert "a déjà un·e pilote" in str(error.value)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_facilitators_naming_a_pilot_at_the_same_moment_leave_exactly_one():
    structure = StructureFactory()
    people = UserFactory.create_batch(2)
    barrier = threading.Barrier(2)
    outcomes = []

    def appoint(person):
        try:
            with transaction.atomic():
                barrier.wait(timeout=5)
                Role.objects.create(person=person, kind=Role.Kind.PILOT, structure=structure)
            outcomes.append("appointed")
        except IntegrityError:
            outcomes.append("refused")
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=appoint, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["appointed", "refused"]
    assert structure.roles.active().filter(kind=Role.Kind.PILOT).count() == 1
