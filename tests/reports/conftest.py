import pytest

from members.models import Role
from tests.demarches.factories import CycleFactory
from tests.members.factories import RoleFactory, StructureFactory


@pytest.fixture
def structure():
    return StructureFactory(name="Les Jardins du Val")


@pytest.fixture
def pilot(structure):
    return RoleFactory(kind=Role.Kind.PILOT, structure=structure).person


@pytest.fixture
def cycle(structure):
    """The structure's démarche 2026 (test files about a past year say so themselves)."""
    return CycleFactory(structure=structure, year=2026)
