import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from parcours.models import Enrolment, Parcours, Session
from tests.members.factories import NetworkFactory, StructureFactory, UserFactory

PARIS = timezone.get_fixed_timezone(60)


class ParcoursFactory(DjangoModelFactory):
    class Meta:
        model = Parcours

    network = factory.SubFactory(NetworkFactory)
    title = factory.Sequence(lambda n: f"Impliquer les usagers n° {n + 1}")
    topic = "Implication des usagers"
    starts_on = datetime.date(2026, 11, 1)
    ends_on = datetime.date(2027, 7, 3)
    capacity = 8
    status = Parcours.Status.RUNNING

    class Params:
        community = factory.Trait(
            kind=Parcours.Kind.COMMUNITY, ends_on=None, capacity=None, title="Communauté"
        )


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    parcours = factory.SubFactory(ParcoursFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Session collective n° {n + 1}")
    starts_at = factory.Sequence(
        lambda n: (
            datetime.datetime(2026, 12, 1, 9, 30, tzinfo=PARIS) + datetime.timedelta(weeks=4 * n)
        )
    )
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + datetime.timedelta(hours=3))
    place = "Maison des associations, Arras"


class EnrolmentFactory(DjangoModelFactory):
    """A structure enrolled with its pair (people given a pilot/co-pilot role by the test, or
    made here with no role)."""

    class Meta:
        model = Enrolment

    parcours = factory.SubFactory(ParcoursFactory)
    structure = factory.SubFactory(StructureFactory)
    pilot = factory.SubFactory(UserFactory)
