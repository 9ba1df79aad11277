import os

import pytest
from django.db import connection
from django.urls import reverse

from tests.conftest import celery_conf


@pytest.mark.django_db
def test_it_reports_the_database_and_broker_as_ok(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["broker"].startswith("ok")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_answers_503_when_the_database_is_unreachable(client):
    # Point the connection at a port where no server listens. (SQLite's in-memory test
    # database cannot be taken away, hence PostgreSQL.)
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    try:
        response = client.get(reverse("healthz"))
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    assert response.json()["database"] == "error"


@pytest.mark.redis
@pytest.mark.django_db
def test_it_checks_the_real_broker_when_tasks_go_through_redis(client):
    with celery_conf(task_always_eager=False, broker_url=os.environ["REDIS_URL"]):
        assert client.get(reverse("healthz")).json()["broker"] == "ok"

    with celery_conf(task_always_eager=False, broker_url="redis://127.0.0.1:1/0"):
        response = client.get(reverse("healthz"))
    assert response.json()["broker"] == "error"
    assert response.status_code == 200  # pages still work without the broker
