import pytest
from django.urls import reverse

from members.models import Role
from tests.members.factories import RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_person_edits_their_own_name_and_email(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("members:profile"), {"full_name": "Nadia Benali", "email": "N@Ex.org"})
    user.refresh_from_db()
    assert (user.full_name, user.email) == ("Nadia Benali", "n@ex.org")


def test_an_email_of_another_account_is_refused(client):
    UserFactory(email="pris@example.org")
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("members:profile"), {"full_name": "X", "email": "pris@example.org"}
    )
    assert "Un autre compte utilise déjà cette adresse" in response.content.decode()


def test_a_person_with_two_roles_switches_and_pages_say_in_whose_name(client):
    pilot = RoleFactory(kind=Role.Kind.PILOT, structure__name="Les Jardins du Val")
    facilitator = RoleFactory(facilitator=True, person=pilot.person, network__name="CRESS X")
    client.force_login(pilot.person)
    client.post(reverse("members:switch_role"), {"role": pilot.pk, "next": "/"})
    home = client.get(reverse("home")).content.decode()
    assert "Vous agissez en tant que : Pilote · Les Jardins du Val" in home
    assert pilot.structure.get_absolute_url() in home  # "Ma structure"
    client.post(reverse("members:switch_role"), {"role": facilitator.pk, "next": "/"})
    home = client.get(reverse("home")).content.decode()
    assert "Vous agissez en tant que : Animateur·rice · CRESS X" in home
    assert reverse("members:directory") in home


def test_switching_to_a_role_of_someone_else_is_refused(client):
    other = RoleFactory()
    client.force_login(RoleFactory().person)
    response = client.post(reverse("members:switch_role"), {"role": other.pk})
    assert response.status_code == 404


def test_switching_never_redirects_to_another_site(client):
    role = RoleFactory()
    client.force_login(role.person)
    response = client.post(
        reverse("members:switch_role"), {"role": role.pk, "next": "https://evil.example/"}
    )
    assert response.url == reverse("home")
