import pytest
from django.urls import reverse

from tests.members.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_a_person_changes_their_password(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "un atelier bois coopératif",
            "new_password2": "un atelier bois coopératif",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("un atelier bois coopératif")


def test_a_wrong_current_password_is_refused_in_french(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "un atelier bois coopératif",
            "new_password2": "un atelier bois coopératif",
        },
    )
    assert response.status_code == 200
    assert "Votre ancien mot de passe est incorrect" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_page_needs_a_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
