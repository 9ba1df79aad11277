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
