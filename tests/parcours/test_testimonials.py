"""Testimonials: written by the pilot pairs, published by the facilitators only with their
author's explicit consent, which the author may withdraw."""

import re

import pytest
from django.urls import reverse

from members.models import Role
from parcours import models  # not `Testimonial`: pytest would collect a Test… class
from tests.members.factories import RoleFactory
from tests.parcours.factories import EnrolmentFactory, ParcoursFactory

pytestmark = pytest.mark.django_db

CONSENT = "J'accepte que ce témoignage soit publié par Cress Hauts-de-France"


@pytest.fixture
def facilitator():
    return RoleFactory(facilitator=True, network__name="Cress Hauts-de-France").person


@pytest.fixture
def parcours(facilitator):
    return ParcoursFactory(network=facilitator.roles.get().network)


@pytest.fixture
def pilot(parcours):
    role = RoleFactory(kind=Role.Kind.PILOT)
    EnrolmentFactory(parcours=parcours, structure=role.structure, pilot=role.person)
    return role.person


def list_url(parcours):
    return reverse("parcours:testimonials", args=[parcours.pk])


def publish_url(testimonial):
    return reverse("parcours:testimonial_publish", args=[testimonial.pk])


def write(client, person, parcours, follow=False, **data):
    client.force_login(person)
    return client.post(list_url(parcours), {"text": "Je me sens nourrie.", **data}, follow=follow)


def written(parcours, person, *, consent=True, published=False):
    return models.Testimonial.objects.create(
        parcours=parcours,
        person=person,
        text="Un vrai moment d'ESS.",
        consent_at="2026-11-20T10:00Z" if consent else None,
        is_published=published,
    )


def test_the_consent_box_names_the_network_and_is_unchecked(client, pilot, parcours):
    client.force_login(pilot)
    content = client.get(list_url(parcours)).content.decode().replace("&#x27;", "'")
    assert f"{CONSENT} (site, rapport d'activité)" in content
    consent_box = re.search(r'<input[^>]*name="consent"[^>]*>', content).group()
    assert 'type="checkbox"' in consent_box and "checked" not in consent_box


def test_without_consent_it_is_saved_but_stays_private(client, pilot, parcours):
    response = write(client, pilot, parcours, follow=True)
    saved = models.Testimonial.objects.get()
    assert (saved.person, saved.structure, saved.consent_at, saved.is_published) == (
        pilot,
        pilot.roles.get().structure,
        None,
        False,
    )
    assert "Seul·es les animateur·rices le liront." in response.content.decode()
    board = RoleFactory(kind=Role.Kind.BOARD_MEMBER, structure=pilot.roles.get().structure)
    client.force_login(board.person)
    assert "Je me sens nourrie." not in client.get(list_url(parcours)).content.decode()


def test_with_consent_the_date_is_recorded_but_not_yet_published(client, pilot, parcours):
    write(client, pilot, parcours, consent="on")
    saved = models.Testimonial.objects.get()
    assert saved.consent_at is not None and not saved.is_published


def test_an_empty_testimonial_is_refused(client, pilot, parcours):
    response = write(client, pilot, parcours, text="  ", consent="on")
    assert "Écrivez votre témoignage." in response.content.decode()
    assert not models.Testimonial.objects.exists()


def test_a_reader_of_the_structure_writes_none(client, pilot, parcours):
    board = RoleFactory(kind=Role.Kind.BOARD_MEMBER, structure=pilot.roles.get().structure)
    client.force_login(board.person)
    assert 'name="text"' not in client.get(list_url(parcours)).content.decode()
    assert write(client, board.person, parcours).status_code == 404


def test_the_facilitator_sees_every_testimonial_with_its_consent(
    client, facilitator, pilot, parcours
):
    written(parcours, pilot, consent=False)
    client.force_login(facilitator)
    content = client.get(list_url(parcours)).content.decode()
    assert "Un vrai moment d&#x27;ESS." in content
    assert "n'a pas accepté sa publication" in content


def test_the_facilitator_publishes_with_consent(client, facilitator, pilot, parcours):
    agreed = written(parcours, pilot)
    client.force_login(facilitator)
    response = client.post(publish_url(agreed), {"publish": "1"})
    assert response.status_code == 302 and response.url == list_url(parcours)
    agreed.refresh_from_db()
    assert agreed.is_published


def test_publishing_without_consent_is_refused(client, facilitator, pilot, parcours):
    private = written(parcours, pilot, consent=False)
    client.force_login(facilitator)
    response = client.post(publish_url(private), {"publish": "1"}, follow=True)
    assert "son auteur·rice ne l&#x27;a pas accepté" in response.content.decode()
    private.refresh_from_db()
    assert not private.is_published


def test_the_facilitator_unpublishes(client, facilitator, pilot, parcours):
    published = written(parcours, pilot, published=True)
    client.force_login(facilitator)
    client.post(publish_url(published), {"publish": "0"})
    published.refresh_from_db()
    assert not published.is_published


def test_a_published_testimonial_is_read_by_the_structures_people(client, pilot, parcours):
    written(parcours, pilot, published=True)
    contributor = RoleFactory(kind=Role.Kind.CONTRIBUTOR, structure=pilot.roles.get().structure)
    client.force_login(contributor.person)
    content = client.get(list_url(parcours)).content.decode()
    assert "Un vrai moment d&#x27;ESS." in content
    assert publish_url(models.Testimonial.objects.get()) not in content


def test_the_author_withdraws_consent(client, facilitator, pilot, parcours):
    published = written(parcours, pilot, published=True)
    client.force_login(pilot)
    response = client.post(publish_url(published), {"withdraw": "1"})
    assert response.status_code == 302
    published.refresh_from_db()
    assert (published.consent_at, published.is_published) == (None, False)


def test_the_author_does_not_publish(client, pilot, parcours):
    agreed = written(parcours, pilot)
    client.force_login(pilot)
    response = client.post(publish_url(agreed), {"publish": "1"}, follow=True)
    assert "Seul·es les animateur·rices publient les témoignages." in response.content.decode()
    agreed.refresh_from_db()
    assert not agreed.is_published


def test_another_participant_cannot_touch_my_testimonial(client, pilot, parcours):
    mine = written(parcours, pilot, published=True)
    other = RoleFactory(kind=Role.Kind.PILOT)
    EnrolmentFactory(parcours=parcours, structure=other.structure, pilot=other.person)
    client.force_login(other.person)
    assert client.post(publish_url(mine), {"withdraw": "1"}).status_code == 404
    mine.refresh_from_db()
    assert mine.is_published


def test_the_facilitator_cannot_withdraw_the_authors_consent(client, facilitator, pilot, parcours):
    published = written(parcours, pilot, published=True)
    client.force_login(facilitator)
    assert client.post(publish_url(published), {"withdraw": "1"}).status_code == 404
    published.refresh_from_db()
    assert published.consent_at is not None and published.is_published


def test_publication_is_post_only(client, facilitator, pilot, parcours):
    client.force_login(facilitator)
    assert client.get(publish_url(written(parcours, pilot))).status_code == 405
