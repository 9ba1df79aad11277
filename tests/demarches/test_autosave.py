"""Autosave of an answer (htmx): each save bumps the version; a save that started from an older
version shows both texts instead of overwriting the other person's."""

import pytest
from django.urls import reverse

from demarches.models import Answer
from members.models import Role
from tests.members.factories import RoleFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def save(client, answer, **data):
    return client.post(
        reverse("demarches:answer_save", args=[answer.pk]),
        {"version": answer.version, **data},
        **HTMX,
    )


def test_it_saves_and_bumps_the_version(client, pilot, answer):
    client.force_login(pilot)
    response = save(client, answer, situation="Feuilles d'émargement uniquement")
    assert response.status_code == 200
    assert "Enregistré à" in response.content.decode()
    answer.refresh_from_db()
    assert answer.situation == "Feuilles d'émargement uniquement"
    assert answer.version == 2
    assert answer.updated_by == pilot


def test_it_pushes_the_new_version_into_the_form(client, pilot, answer):
    client.force_login(pilot)
    content = save(client, answer, situation="Un texte").content.decode()
    assert 'name="version" value="2"' in content
    assert 'hx-swap-oob="true"' in content


def test_two_saves_in_a_row_from_the_pushed_version_both_land(client, pilot, answer):
    client.force_login(pilot)
    save(client, answer, situation="Premier jet")
    answer.refresh_from_db()
    save(client, answer, situation="Second jet")
    answer.refresh_from_db()
    assert (answer.situation, answer.version) == ("Second jet", 3)


def test_a_save_that_changes_nothing_makes_no_new_version(client, pilot, answer):
    client.force_login(pilot)
    save(client, answer, situation="Un texte")
    answer.refresh_from_db()
    content = save(client, answer, situation="Un texte").content.decode()
    assert "Enregistré à" in content
    answer.refresh_from_db()
    assert answer.version == 2 and answer.history.count() == 2


def test_a_stale_version_shows_both_texts_and_keeps_the_other_persons(
    client, pilot, copilot, answer
):
    client.force_login(copilot)
    save(client, answer, situation="Le texte de la copilote")
    client.force_login(pilot)
    response = save(client, answer, situation="Le texte du pilote")  # still version 1
    content = response.content.decode()
    assert response.status_code == 200
    assert "Votre version" in content
    assert "Le texte du pilote" in content
    assert f"La version enregistrée par {copilot.full_name} à" in content
    assert "Le texte de la copilote" in content
    assert "Garder ma version" in content and "Reprendre la version enregistrée" in content
    answer.refresh_from_db()
    assert answer.situation == "Le texte de la copilote"


def test_keep_my_version_overwrites_deliberately(client, pilot, copilot, answer):
    client.force_login(copilot)
    save(client, answer, situation="Le texte de la copilote")
    client.force_login(pilot)
    response = client.post(
        reverse("demarches:answer_save", args=[answer.pk]),
        {"version": 1, "keep_version": 2, "situation": "Le texte du pilote"},
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert (answer.situation, answer.version, answer.updated_by) == ("Le texte du pilote", 3, pilot)


def test_a_stale_version_with_the_same_text_is_no_conflict(client, pilot, copilot, answer):
    client.force_login(copilot)
    save(client, answer, situation="Le même texte")
    client.force_login(pilot)
    content = save(client, answer, situation="Le même texte").content.decode()
    assert "Enregistré à" in content and 'value="2"' in content


def test_a_missing_version_is_refused_in_french_without_saving(client, pilot, answer):
    client.force_login(pilot)
    response = client.post(
        reverse("demarches:answer_save", args=[answer.pk]), {"situation": "Un texte"}, **HTMX
    )
    assert response.status_code == 200
    assert "Modifications non enregistrées" in response.content.decode()
    assert "rechargez la page" in response.content.decode()
    answer.refresh_from_db()
    assert answer.situation == "" and answer.version == 1


def test_an_invalid_version_is_refused_in_french(client, pilot, answer):
    client.force_login(pilot)
    response = save(client, answer, version="deux", situation="Un texte")
    assert "rechargez la page" in response.content.decode()
    answer.refresh_from_db()
    assert answer.version == 1


def test_the_save_button_without_javascript_comes_back_to_the_answer(client, pilot, answer):
    client.force_login(pilot)
    response = client.post(
        reverse("demarches:answer_save", args=[answer.pk]),
        {"version": 1, "situation": "Sans JavaScript"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == answer.get_absolute_url()
    assert "Réponse enregistrée." in response.content.decode()


def test_a_conflict_without_javascript_shows_the_page_with_my_text(client, pilot, copilot, answer):
    client.force_login(copilot)
    save(client, answer, situation="Le texte de la copilote")
    client.force_login(pilot)
    response = client.post(
        reverse("demarches:answer_save", args=[answer.pk]),
        {"version": 1, "situation": "Le texte du pilote"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Garder ma version" in content
    assert "Le texte du pilote</textarea>" in content
    assert "data-autosave-paused" in content


def test_an_assigned_contributor_can_save(client, structure, answer):
    contributor = RoleFactory(kind=Role.Kind.CONTRIBUTOR, structure=structure).person
    Answer.objects.filter(pk=answer.pk).update(assignee=contributor)
    client.force_login(contributor)
    assert save(client, answer, situation="Par la contributrice").status_code == 200
    answer.refresh_from_db()
    assert answer.situation == "Par la contributrice"


def test_a_contributor_not_assigned_gets_a_404(client, structure, answer):
    contributor = RoleFactory(kind=Role.Kind.CONTRIBUTOR, structure=structure).person
    client.force_login(contributor)
    assert save(client, answer, situation="Non").status_code == 404


def test_a_board_member_gets_a_404_on_save(client, structure, answer):
    board_member = RoleFactory(kind=Role.Kind.BOARD_MEMBER, structure=structure).person
    client.force_login(board_member)
    assert save(client, answer, situation="Non").status_code == 404
    answer.refresh_from_db()
    assert answer.situation == ""


def test_a_get_is_not_allowed(client, pilot, answer):
    client.force_login(pilot)
    response = client.get(reverse("demarches:answer_save", args=[answer.pk]))
    assert response.status_code == 405


def test_the_page_loads_the_autosave_script_and_htmx_attributes(client, pilot, answer):
    client.force_login(pilot)
    content = client.get(answer.get_absolute_url()).content.decode()
    assert "js/autosave.js" in content
    assert 'hx-trigger="input changed delay:1s, change"' in content
    assert 'aria-live="polite"' in content
    assert "<script>" not in content
