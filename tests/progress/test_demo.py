import pytest
from django.core.management import call_command
from django.urls import reverse

from members import demo
from members.models import Membership, Network, Role, Structure, User

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (Network, Structure, Membership, Role, User)]


def test_loading_the_demo_twice_changes_nothing(capsys):
    call_command("demo")
    first = counts()
    call_command("demo")
    assert counts() == first
    assert first[0] >= 1 and first[1] >= 3


def test_the_demo_prints_logins_that_work(client, capsys):
    call_command("demo")
    output = capsys.readouterr().out
    assert "pilote@jardins-du-val.example.org" in output
    assert demo.PASSWORD in output
    response = client.post(
        reverse("login"),
        {"username": "pilote@jardins-du-val.example.org", "password": demo.PASSWORD},
    )
    assert response.status_code == 302


def test_the_demo_has_a_facilitator_a_pilot_pair_and_a_board_member():
    call_command("demo")
    structure = Structure.objects.get(name="Les Jardins du Val")
    kinds = set(structure.roles.active().values_list("kind", flat=True))
    assert {Role.Kind.PILOT, Role.Kind.COPILOT, Role.Kind.BOARD_MEMBER} <= kinds
    assert Role.objects.active().filter(kind=Role.Kind.FACILITATOR).exists()
