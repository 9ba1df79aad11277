import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def ask_for_reset(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("password_reset"), {"email": email})


def link_in(message) -> str:
    return re.search(r"https?://testserver(/\S+)", message.body).group(1)


def test_known_and_unknown_addresses_get_the_same_answer(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory()
    known = ask_for_reset(client, user.email, django_capture_on_commit_callbacks)
    unknown = ask_for_reset(client, "nobody@example.org", django_capture_on_commit_callbacks)
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("password_reset_done")
    assert [m.to for m in mailoutbox] == [[user.email]]


def test_the_email_is_in_french_and_its_link_sets_a_new_password(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(full_name="Nadia Benali")
    ask_for_reset(client, user.email, django_capture_on_commit_callbacks)
    message = mailoutbox[0]
    assert message.subject == "Progress : choisissez un nouveau mot de passe"
    assert "Bonjour Nadia," in message.body
    assert "Bonjour Nadia," in message.alternatives[0][0]

    form_url = client.get(link_in(message), follow=True).redirect_chain[-1][0]
    response = client.post(
        form_url,
        {
            "new_password1": "un jardin partagé en 2027",
            "new_password2": "un jardin partagé en 2027",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("un jardin partagé en 2027")


def test_the_email_is_sent_only_once_the_request_is_committed(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("password_reset"), {"email": user.email})
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1


def test_a_used_link_does_not_work_twice(client, mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory()
    ask_for_reset(client, user.email, django_capture_on_commit_callbacks)
    link = link_in(mailoutbox[0])
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "Cocagne-2027!", "new_password2": "Cocagne-2027!"})

    response = client.get(link, follow=True)
    assert "Ce lien ne fonctionne plus" in response.content.decode()


def test_an_expired_link_says_so_in_french(client, mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory()
    ask_for_reset(client, user.email, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + timezone.timedelta(days=2)):
        response = client.get(link_in(mailoutbox[0]), follow=True)
    content = response.content.decode()
    assert "Ce lien ne fonctionne plus" in content
    assert "Demander un nouveau lien" in content


def test_a_malformed_address_gets_a_french_message(client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "pas-une-adresse"})
    assert response.status_code == 200
    assert "Saisissez une adresse de courriel valide" in response.content.decode()
    assert mailoutbox == []
