import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse

from progress.celery import app as celery_app
from tests.conftest import celery_conf
from tests.members.factories import UserFactory


@pytest.fixture
def celery_worker():
    """A real Celery worker, in a thread, consuming from the Redis broker."""
    with (
        celery_conf(task_always_eager=False, broker_url=os.environ["REDIS_URL"]),
        start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
    ):
        yield


def wait_for(condition, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_reset_email_of_a_person_committed_by_the_request(
    client, mailoutbox, celery_worker
):
    user = UserFactory(full_name="Sophie Lambert")
    response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302

    assert wait_for(lambda: len(mailoutbox) == 1), "the worker sent no e-mail within 15 s"
    assert mailoutbox[0].to == [user.email]
    assert "Bonjour Sophie," in mailoutbox[0].body
