import pytest
from django.urls import reverse

from tests.members.factories import PASSWORD, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def login(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_it_logs_in_with_the_email_address_and_lands_on_the_home_page(client):
    user = UserFactory()
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).context["user"] == user


def test_it_accepts_the_email_address_in_any_case(client):
    user = UserFactory(email="nadia.benali@example.org")
    response = login(client, "Nadia.Benali@Example.org", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == user


def test_a_wrong_password_gets_a_french_message_and_keeps_the_email(client):
    user = UserFactory()
    response = login(client, user.email, "not the password")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Adresse e-mail ou mot de passe incorrect" in content
    assert f'value="{user.email}"' in content


def test_the_login_page_does_not_tell_whether_an_account_exists(client):
    user = UserFactory()
    known = login(client, user.email, "not the password").content.decode()
    unknown = login(client, "nobody@example.org", "not the password").content.decode()
    message = "Adresse e-mail ou mot de passe incorrect"
    assert message in known and message in unknown


def test_five_failures_lock_the_account_even_with_the_right_password(client):
    user = UserFactory()
    for _attempt in range(5):
        login(client, user.email, "not the password")
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert "Trop de tentatives échouées" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_success_resets_the_failure_count(client):
    user = UserFactory()
    for _attempt in range(4):
        login(client, user.email, "not the password")
    login(client, user.email, PASSWORD)
    client.post(reverse("logout"))
    for _attempt in range(4):
        login(client, user.email, "not the password")
    assert login(client, user.email, PASSWORD).status_code == 302


def test_a_deactivated_account_cannot_log_in(client):
    user = UserFactory(is_active=False)
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logging_out_ends_the_session(client):
    client.force_login(RoleFactory().person)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302
