"""Resources of a parcours: files or links, for the whole parcours or one session, added by
the facilitators, opened by the participants through the permission check."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import Role
from parcours.models import Resource, Session
from tests.members.factories import RoleFactory
from tests.parcours.factories import EnrolmentFactory, ParcoursFactory, SessionFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def facilitator():
    return RoleFactory(facilitator=True).person


@pytest.fixture
def parcours(facilitator):
    return ParcoursFactory(network=facilitator.roles.get().network)


@pytest.fixture
def pilot(parcours):
    role = RoleFactory(kind=Role.Kind.PILOT)
    EnrolmentFactory(parcours=parcours, structure=role.structure, pilot=role.person)
    return role.person


@pytest.fixture
def session(parcours):
    return SessionFactory(parcours=parcours, title="Écouter les usagers")


def list_url(parcours):
    return reverse("parcours:resources", args=[parcours.pk])


def add(client, person, parcours, **data):
    client.force_login(person)
    return client.post(list_url(parcours), {"title": "Grille d'écoute", **data})


def stored_file(parcours, session=None, name="grille.pdf"):
    resource = Resource(parcours=parcours, session=session, title="Grille d'écoute")
    resource.file.save(name, ContentFile(PDF), save=True)
    return resource


def test_the_facilitator_adds_a_link_for_a_session(client, facilitator, parcours, session):
    response = add(client, facilitator, parcours, url="https://e.org/grille", session=session.pk)
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert (resource.url, resource.session, resource.created_by) == (
        "https://e.org/grille",
        session,
        facilitator,
    )


def test_the_facilitator_adds_a_file_for_the_whole_parcours(client, facilitator, parcours):
    add(client, facilitator, parcours, file=SimpleUploadedFile("grille.pdf", PDF))
    resource = Resource.objects.get()
    assert resource.session is None and resource.file.name.endswith(".pdf")


def test_a_link_and_a_file_together_are_refused(client, facilitator, parcours):
    response = add(
        client,
        facilitator,
        parcours,
        url="https://e.org/grille",
        file=SimpleUploadedFile("grille.pdf", PDF),
    )
    content = response.content.decode()
    assert "Indiquez soit un lien, soit un fichier, pas les deux." in content
    assert "Grille d&#x27;écoute" in content  # the title typed is kept
    assert not Resource.objects.exists()


def test_neither_a_link_nor_a_file_is_refused(client, facilitator, parcours):
    response = add(client, facilitator, parcours)
    assert "Indiquez un lien ou un fichier." in response.content.decode()
    assert not Resource.objects.exists()


def test_a_renamed_executable_is_refused(client, facilitator, parcours):
    upload = SimpleUploadedFile("grille.pdf", b"MZ\x90\x00 not a pdf")
    response = add(client, facilitator, parcours, file=upload)
    assert "n&#x27;est pas celui d&#x27;un fichier .pdf" in response.content.decode()
    assert not Resource.objects.exists()


def test_an_unaccepted_type_is_refused(client, facilitator, parcours):
    response = add(client, facilitator, parcours, file=SimpleUploadedFile("virus.exe", b"MZ"))
    assert "Ce type de fichier n&#x27;est pas accepté" in response.content.decode()
    assert not Resource.objects.exists()


def test_a_session_of_another_parcours_is_refused(client, facilitator, parcours):
    elsewhere = SessionFactory()
    add(client, facilitator, parcours, url="https://e.org", session=elsewhere.pk)
    assert not Resource.objects.exists()


def test_a_participant_reads_the_list_but_adds_nothing(client, pilot, parcours, session):
    Resource.objects.create(parcours=parcours, session=session, title="Grille", url="https://e.org")
    client.force_login(pilot)
    content = client.get(list_url(parcours)).content.decode()
    assert "Grille" in content and "Écouter les usagers" in content
    assert 'name="title"' not in content
    assert add(client, pilot, parcours, url="https://e.org/x").status_code == 404
    assert Resource.objects.count() == 1


def test_the_list_is_grouped_by_session(client, pilot, parcours, session):
    later = SessionFactory(parcours=parcours, title="Passer à l'action")
    Resource.objects.create(
        parcours=parcours, session=later, title="Plan type", url="https://e.org"
    )
    Resource.objects.create(parcours=parcours, session=session, title="Grille", url="https://e.org")
    Resource.objects.create(parcours=parcours, title="Charte", url="https://e.org")
    client.force_login(pilot)
    content = client.get(list_url(parcours)).content.decode()
    order = ["Pour tout le parcours", "Charte", "Écouter les usagers", "Grille", "Plan type"]
    assert [content.index(text) for text in order] == sorted(content.index(t) for t in order)


def test_a_file_is_downloaded_through_the_view(client, pilot, parcours):
    resource = stored_file(parcours)
    client.force_login(pilot)
    response = client.get(reverse("parcours:resource", args=[resource.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    response.close()


def test_a_link_redirects_to_its_address(client, pilot, parcours):
    resource = Resource.objects.create(parcours=parcours, title="Vidéo", url="https://e.org/v")
    client.force_login(pilot)
    response = client.get(reverse("parcours:resource", args=[resource.pk]))
    assert (response.status_code, response.url) == (302, "https://e.org/v")


def test_no_public_media_url_is_shown(client, pilot, parcours):
    resource = stored_file(parcours)
    client.force_login(pilot)
    content = client.get(list_url(parcours)).content.decode()
    assert reverse("parcours:resource", args=[resource.pk]) in content
    assert resource.file.url not in content


def test_a_pilot_of_another_network_gets_404(client, parcours):
    resource = stored_file(parcours)
    client.force_login(RoleFactory(kind=Role.Kind.PILOT).person)
    response = client.get(reverse("parcours:resource", args=[resource.pk]))
    assert response.status_code == 404
    assert client.get(list_url(parcours)).status_code == 404


def test_another_structures_individual_meeting_keeps_its_resources(client, parcours, pilot):
    other = RoleFactory(kind=Role.Kind.PILOT)
    EnrolmentFactory(parcours=parcours, structure=other.structure, pilot=other.person)
    meeting = SessionFactory(
        parcours=parcours, kind=Session.Kind.INDIVIDUAL, structure=other.structure
    )
    resource = stored_file(parcours, session=meeting, name="diagnostic.pdf")
    client.force_login(pilot)
    assert client.get(reverse("parcours:resource", args=[resource.pk])).status_code == 404
    assert "diagnostic" not in client.get(list_url(parcours)).content.decode()
    client.force_login(other.person)
    response = client.get(reverse("parcours:resource", args=[resource.pk]))
    response.close()  # a download holds its file open until closed
    assert response.status_code == 200
