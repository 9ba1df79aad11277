import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from members import invitations, tasks
from members.models import Invitation, Role, User
from tests.members.factories import MembershipFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "un jardin partagé en 2027"


@pytest.fixture
def facilitator():
    return RoleFactory(facilitator=True, person__full_name="Camille Martin")


@pytest.fixture
def structure(facilitator):
    return MembershipFactory(
        network=facilitator.network, structure__name="Les Jardins du Val"
    ).structure


def invite(client, by, structure, django_capture_on_commit_callbacks, **data):
    client.force_login(by)
    data = {"email": "nadia@example.org", "full_name": "Nadia Benali", "kind": "pilot", **data}
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("members:invite", args=[structure.pk]), data)


def link_in(message) -> str:
    return re.search(r"https?://testserver(/\S+)", message.body).group(1)


def create_account(client, link):
    return client.post(
        link,
        {"full_name": "Nadia Benali", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


@pytest.fixture
def invited(client, facilitator, structure, mailoutbox, django_capture_on_commit_callbacks):
    """A pilot invitation sent by the facilitator; the client is logged out again."""
    invite(client, facilitator.person, structure, django_capture_on_commit_callbacks)
    client.logout()
    return link_in(mailoutbox[-1])


def test_a_facilitator_invites_a_pilot_and_they_get_one_french_email_with_a_working_link(
    client, facilitator, structure, mailoutbox, django_capture_on_commit_callbacks
):
    response = invite(client, facilitator.person, structure, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response.url == structure.get_absolute_url()
    [message] = mailoutbox
    assert message.to == ["nadia@example.org"]
    assert message.subject == (
        "Progress : vous êtes invité·e à devenir pilote pour Les Jardins du Val"
    )
    assert "Bonjour Nadia Benali," in message.body
    assert "Camille Martin vous invite à devenir pilote pour Les Jardins du Val" in message.body
    assert "conduit la démarche de progrès annuelle" in message.body
    expires_on = timezone.localdate() + datetime.timedelta(days=7)
    assert f"jusqu'au {expires_on.day} " in message.body
    assert "Accepter l'invitation" in message.alternatives[0][0]

    client.logout()
    page = client.get(link_in(message))
    assert page.status_code == 200
    assert "Invitation à devenir pilote pour Les Jardins du Val" in page.content.decode()


def test_the_email_is_sent_only_once_the_request_is_committed(
    client, facilitator, structure, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(facilitator.person)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            reverse("members:invite", args=[structure.pk]),
            {"email": "nadia@example.org", "full_name": "Nadia Benali", "kind": "pilot"},
        )
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1


def test_accepting_creates_the_account_and_the_active_pilot_role(client, structure, invited):
    response = create_account(client, invited)

    assert response.status_code == 302
    assert response.url == structure.get_absolute_url()
    person = User.objects.get(email="nadia@example.org")
    assert person.check_password(NEW_PASSWORD)
    assert Role.objects.active().filter(person=person, kind="pilot", structure=structure).exists()
    page = client.get(response.url)  # logged in as the new account
    assert "Bienvenue ! Vous êtes désormais pilote pour Les Jardins du Val." in (
        page.content.decode()
    )


def test_a_weak_password_is_refused_in_french_and_nothing_is_created(client, invited):
    response = client.post(
        invited, {"full_name": "Nadia Benali", "password1": "12345678", "password2": "12345678"}
    )
    assert response.status_code == 200
    assert "Ce mot de passe est entièrement numérique" in response.content.decode()
    assert not User.objects.filter(email="nadia@example.org").exists()
    assert Invitation.objects.get().is_pending


def test_an_existing_account_accepts_after_logging_in_and_the_role_attaches_to_it(
    client, structure, invited
):
    person = UserFactory(email="nadia@example.org")
    content = client.get(invited).content.decode()
    assert "Vous avez déjà un compte" in content
    assert f"{reverse('login')}?next=/invitation/" in content

    client.force_login(person)
    assert "Accepter" in client.get(invited).content.decode()
    response = client.post(invited)

    assert response.url == structure.get_absolute_url()
    assert User.objects.count() == 2  # the facilitator and Nadia: no second account
    assert person.roles.active().get().kind == Role.Kind.PILOT


def test_someone_logged_in_with_another_account_is_offered_to_log_out(client, invited):
    client.force_login(UserFactory(email="someone.else@example.org"))
    content = client.get(invited).content.decode()
    assert "mais vous êtes connecté·e en tant que someone.else@example.org" in content
    assert "Me déconnecter et continuer" in content

    client.post(invited)
    assert Invitation.objects.get().is_pending
    response = client.post(reverse("logout"), {"next": invited})
    assert response.url == invited  # back to the invitation, logged out


def test_a_second_use_of_the_link_says_it_was_already_used(client, invited):
    create_account(client, invited)
    response = client.get(invited)
    assert response.status_code == 410
    assert "Cette invitation a déjà été utilisée" in response.content.decode()

    client.logout()
    assert "Cette invitation a déjà été utilisée" in client.get(invited).content.decode()


def test_the_service_lets_an_invitation_be_claimed_only_once(structure, facilitator):
    invitation = Invitation.objects.create(
        email="nadia@example.org", kind="copilot", structure=structure
    )
    person = UserFactory(email="nadia@example.org")
    invitations.accept(invitation, person=person)
    stale = Invitation.objects.get(pk=invitation.pk)
    stale.accepted_at = None  # as another request read it before the first claim
    with pytest.raises(ValidationError, match="déjà été utilisée"):
        invitations.accept(stale, person=person)
    assert person.roles.count() == 1


def test_an_expired_link_is_refused(client, invited):
    with time_machine.travel(timezone.now() + Invitation.VALID_FOR + datetime.timedelta(hours=1)):
        page = client.get(invited)
        create_account(client, invited)
    assert page.status_code == 410
    assert "Cette invitation a expiré" in page.content.decode()
    assert not User.objects.filter(email="nadia@example.org").exists()


def test_a_resent_invitation_kills_the_previous_link(
    client, facilitator, invited, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(facilitator.person)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("members:invitation_resend", args=[Invitation.objects.get().pk])
        )
    assert response.status_code == 302
    new_link = link_in(mailoutbox[-1])
    assert new_link != invited
    client.logout()

    old = client.get(invited)
    assert old.status_code == 410
    assert "Ce lien ne fonctionne pas" in old.content.decode()
    assert create_account(client, new_link).status_code == 302


def test_a_cancelled_invitation_is_refused(client, facilitator, invited):
    client.force_login(facilitator.person)
    client.post(reverse("members:invitation_cancel", args=[Invitation.objects.get().pk]))
    client.logout()

    response = client.get(invited)
    assert response.status_code == 410
    assert "Cette invitation a été annulée" in response.content.decode()
    create_account(client, invited)
    assert not User.objects.filter(email="nadia@example.org").exists()


def test_a_tampered_link_gets_a_french_page_not_an_error(client, invited):
    response = client.get(invited[:-3] + "abc/")
    assert response.status_code == 410
    assert "Ce lien ne fonctionne pas" in response.content.decode()


def test_resend_and_cancel_only_answer_post(client, facilitator, invited):
    client.force_login(facilitator.person)
    pk = Invitation.objects.get().pk
    assert client.get(reverse("members:invitation_resend", args=[pk])).status_code == 405
    assert client.get(reverse("members:invitation_cancel", args=[pk])).status_code == 405


def test_a_pilot_cannot_invite_a_pilot(client, django_capture_on_commit_callbacks, mailoutbox):
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    response = invite(client, pilot.person, pilot.structure, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert mailoutbox == []


@pytest.mark.parametrize("kind", ["copilot", "contributor", "board_member"])
def test_a_pilot_invites_their_team(client, kind, django_capture_on_commit_callbacks, mailoutbox):
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    response = invite(
        client, pilot.person, pilot.structure, django_capture_on_commit_callbacks, kind=kind
    )
    assert response.status_code == 302
    assert Invitation.objects.get().kind == kind
    assert len(mailoutbox) == 1


def test_a_pilot_may_not_resend_or_cancel_a_pilot_invitation(client, structure, invited):
    pilot = RoleFactory(kind=Role.Kind.PILOT, structure=structure)
    client.force_login(pilot.person)
    pk = Invitation.objects.get().pk
    assert client.post(reverse("members:invitation_resend", args=[pk])).status_code == 404
    assert client.post(reverse("members:invitation_cancel", args=[pk])).status_code == 404
    content = client.get(structure.get_absolute_url()).content.decode()
    assert "Nadia Benali" in content  # listed as pending, without the buttons
    assert reverse("members:invitation_cancel", args=[pk]) not in content


def test_the_structure_page_offers_resend_and_cancel_to_whoever_may(client, facilitator, invited):
    client.force_login(facilitator.person)
    pk = Invitation.objects.get().pk
    content = client.get(Invitation.objects.get().structure.get_absolute_url()).content.decode()
    assert reverse("members:invitation_resend", args=[pk]) in content
    assert reverse("members:invitation_cancel", args=[pk]) in content


def test_a_facilitator_of_another_network_gets_404(client, structure):
    client.force_login(RoleFactory(facilitator=True).person)
    assert client.get(reverse("members:invite", args=[structure.pk])).status_code == 404


def test_a_contributor_cannot_invite(client):
    contributor = RoleFactory(kind=Role.Kind.CONTRIBUTOR)
    client.force_login(contributor.person)
    url = reverse("members:invite", args=[contributor.structure.pk])
    assert client.get(url).status_code == 404


def test_accepting_a_pilot_invitation_hands_the_seat_over_and_keeps_the_old_pilot(
    client, structure, invited
):
    old = RoleFactory(
        kind=Role.Kind.PILOT,
        structure=structure,
        person__full_name="Paul Durand",
        started_on=datetime.date(2022, 9, 1),
    )
    response = create_account(client, invited)

    old.refresh_from_db()
    assert old.ended_on == timezone.localdate()
    content = client.get(response.url).content.decode()
    history = content.split("Historique des mandats")[1]
    assert "Paul Durand, pilote du 1 septembre 2022" in history


def test_a_duplicate_pending_invitation_is_refused_with_a_french_message(
    client, facilitator, structure, invited, mailoutbox, django_capture_on_commit_callbacks
):
    response = invite(
        client,
        facilitator.person,
        structure,
        django_capture_on_commit_callbacks,
        email="Nadia@Example.org",
    )
    assert response.status_code == 200
    assert (
        "Une invitation est déjà en attente pour nadia@example.org comme pilote"
        in response.content.decode()
    )
    assert Invitation.objects.count() == 1
    assert len(mailoutbox) == 1


def test_someone_who_already_holds_the_role_is_not_invited_to_it(
    client, facilitator, structure, django_capture_on_commit_callbacks
):
    RoleFactory(kind=Role.Kind.PILOT, structure=structure, person__email="nadia@example.org")
    response = invite(client, facilitator.person, structure, django_capture_on_commit_callbacks)
    assert "nadia@example.org est déjà pilote pour Les Jardins du Val" in (
        response.content.decode()
    )
    assert not Invitation.objects.exists()


def test_the_task_sends_nothing_for_a_cancelled_invitation(structure, mailoutbox):
    invitation = Invitation.objects.create(
        email="nadia@example.org", kind="pilot", structure=structure
    )
    invitations.cancel(invitation)
    tasks.send_invitation(invitation.pk, base_url="https://progress.example.org")
    assert mailoutbox == []
