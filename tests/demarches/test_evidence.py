"""Evidence of an état des lieux: documents checked on the way in, downloaded through a view
that checks who asks, never from a public media URL."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from demarches.models import Evidence
from members.models import Role
from tests.members.factories import RoleFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def evidence(answer, pilot):
    evidence = Evidence(answer=answer, name="Feuilles d'émargement 2026.pdf", uploaded_by=pilot)
    evidence.file.save("emargements.pdf", ContentFile(PDF), save=True)
    return evidence


def upload(client, answer, name, content, **extra):
    return client.post(
        reverse("demarches:evidence_upload", args=[answer.pk]),
        {"file": SimpleUploadedFile(name, content)},
        **extra,
    )


def test_a_valid_pdf_is_kept_under_its_original_name(client, pilot, answer):
    client.force_login(pilot)
    response = upload(client, answer, "Émargements AG 2026.pdf", PDF)
    assert response.status_code == 302
    assert response.url == f"{answer.get_absolute_url()}#evidence"
    evidence = answer.evidence.get()
    assert evidence.name == "Émargements AG 2026.pdf"
    assert evidence.uploaded_by == pilot
    with evidence.file.open("rb") as stored:
        assert stored.read() == PDF


def test_the_upload_says_it_worked(client, pilot, answer):
    client.force_login(pilot)
    response = upload(client, answer, "bilan.pdf", PDF, follow=True)
    content = response.content.decode()
    assert "« bilan.pdf » est ajouté aux preuves." in content
    assert "bilan.pdf" in content


def test_a_renamed_program_is_refused_in_french(client, pilot, answer):
    client.force_login(pilot)
    response = upload(client, answer, "rapport.pdf", b"MZ\x90\x00 this is a program", follow=True)
    content = response.content.decode()
    assert "Le contenu de ce fichier n&#x27;est pas celui d&#x27;un fichier .pdf" in content
    assert not Evidence.objects.exists()


def test_a_program_is_refused(client, pilot, answer):
    client.force_login(pilot)
    response = upload(client, answer, "outil.exe", b"MZ\x90\x00", follow=True)
    assert "Ce type de fichier n&#x27;est pas accepté" in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_post_without_a_file_says_so(client, pilot, answer):
    client.force_login(pilot)
    response = client.post(reverse("demarches:evidence_upload", args=[answer.pk]))
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Choisissez un fichier à ajouter." in page


def test_a_too_large_file_is_refused(client, pilot, answer, monkeypatch):
    monkeypatch.setattr("progress.lib.uploads.MAX_UPLOAD_SIZE", 10)
    client.force_login(pilot)
    response = upload(client, answer, "bilan.pdf", PDF, follow=True)
    assert "Ce fichier est trop volumineux" in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_board_member_cannot_upload(client, board_member, answer):
    client.force_login(board_member)
    assert upload(client, answer, "bilan.pdf", PDF).status_code == 404
    assert not Evidence.objects.exists()


def test_the_answer_page_links_to_the_download_view(client, pilot, evidence):
    client.force_login(pilot)
    content = client.get(evidence.answer.get_absolute_url()).content.decode()
    assert reverse("demarches:evidence", args=[evidence.pk]) in content
    assert "Feuilles d&#x27;émargement 2026.pdf" in content
    assert "/media/" not in content


def test_a_board_member_downloads_it_under_its_name(client, board_member, evidence):
    client.force_login(board_member)
    response = client.get(reverse("demarches:evidence", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert "2026.pdf" in response["Content-Disposition"]


def test_another_structures_pilot_gets_a_404_on_download(client, evidence):
    client.force_login(RoleFactory(kind=Role.Kind.PILOT).person)
    assert client.get(reverse("demarches:evidence", args=[evidence.pk])).status_code == 404


def test_a_missing_file_is_a_404_not_a_500(client, pilot, evidence):
    evidence.file.storage.delete(evidence.file.name)
    client.force_login(pilot)
    assert client.get(reverse("demarches:evidence", args=[evidence.pk])).status_code == 404


def test_the_pilot_deletes_it_and_its_file(
    client, pilot, evidence, django_capture_on_commit_callbacks
):
    storage, name = evidence.file.storage, evidence.file.name
    client.force_login(pilot)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("demarches:evidence_delete", args=[evidence.pk]))
    assert response.status_code == 302
    assert not Evidence.objects.exists()
    assert not storage.exists(name)


def test_a_board_member_cannot_delete(client, board_member, evidence):
    client.force_login(board_member)
    response = client.post(reverse("demarches:evidence_delete", args=[evidence.pk]))
    assert response.status_code == 404
    assert Evidence.objects.exists()
