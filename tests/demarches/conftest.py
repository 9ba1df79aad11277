"""The people of one structure and its démarche, as most démarche tests need them. A test
module that wants them otherwise (a pilot's Role rather than the person, say) defines its own
fixture of the same name, which wins."""

import pytest

from members.models import Role
from tests.demarches.factories import AnswerFactory, CycleFactory
from tests.members.factories import RoleFactory, StructureFactory


@pytest.fixture
def structure():
    return StructureFactory()


@pytest.fixture
def pilot(structure):
    return RoleFactory(kind=Role.Kind.PILOT, structure=structure).person


@pytest.fixture
def copilot(structure):
    return RoleFactory(kind=Role.Kind.COPILOT, structure=structure).person


@pytest.fixture
def contributor(structure):
    return RoleFactory(kind=Role.Kind.CONTRIBUTOR, structure=structure).person


@pytest.fixture
def board_member(structure):
    return RoleFactory(kind=Role.Kind.BOARD_MEMBER, structure=structure).person


@pytest.fixture
def cycle(structure):
    return CycleFactory(structure=structure)


@pytest.fixture
def answer(structure):
    return AnswerFactory(cycle=CycleFactory(structure=structure))
