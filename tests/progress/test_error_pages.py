import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from tests.members.factories import RoleFactory

pytestmark = pytest.mark.django_db


def test_an_unknown_page_answers_404_in_french(client):
    client.force_login(RoleFactory().person)
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_an_unknown_page_answers_404_in_french_to_anonymous_visitors(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_a_server_error_shows_a_french_page_that_needs_nothing_from_the_database():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Un problème est survenu de notre côté" in response.content.decode()


def test_a_form_sent_without_its_security_token_gets_a_french_explanation():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/compte/connexion/", {"username": "a@example.org", "password": "x"})
    assert response.status_code == 403
    assert "La page a expiré" in response.content.decode()
