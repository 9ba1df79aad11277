"""Step 2: each theme of the guide retained with a priority, or left aside with a reason."""

import pytest
from django.urls import reverse

from demarches.models import ThemeChoice
from members.models import Role
from tests.demarches.factories import AnswerFactory, CycleFactory, ThemeChoiceFactory
from tests.guide.factories import ItemFactory, ThemeFactory
from tests.members.factories import RoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot():
    return RoleFactory(kind=Role.Kind.PILOT)


@pytest.fixture
def cycle(pilot):
    return CycleFactory(structure=pilot.structure)


@pytest.fixture
def themes(cycle):
    return [
        ThemeFactory(guide=cycle.guide, code=str(n), title=title, position=n)
        for n, title in enumerate(["Gouvernance", "Territorialité", "Éthique"], start=1)
    ]


def themes_url(cycle):
    return reverse("demarches:themes", args=[cycle.pk])


def decisions(themes, **rows):
    """POST data: rows maps a theme's index (as `t0`, `t1`…) to (status, priority, reason)."""
    data = {}
    for index, theme in enumerate(themes):
        status, priority, reason = rows[f"t{index}"]
        data[f"theme-{theme.pk}-status"] = status
        data[f"theme-{theme.pk}-priority"] = priority
        data[f"theme-{theme.pk}-reason"] = reason
    return data


def test_it_lists_the_current_themes_of_the_guide_in_guide_order(client, cycle, pilot, themes):
    ThemeFactory(guide=cycle.guide, title="Thème archivé", is_archived=True)
    client.force_login(pilot.person)
    content = client.get(themes_url(cycle)).content.decode()
    assert content.index("Gouvernance") < content.index("Territorialité") < content.index("Éthique")
    assert "Thème archivé" not in content


def test_retained_themes_are_saved_with_their_priority(client, cycle, pilot, themes):
    client.force_login(pilot.person)
    data = decisions(
        themes,
        t0=("retained", "2", ""),
        t1=("retained", "1", ""),
        t2=("left_aside", "", "Nos salariés sont déjà formés à la déontologie."),
    )
    response = client.post(themes_url(cycle), data)
    assert response.status_code == 302
    saved = {
        c.theme.title: (c.is_retained, c.priority, c.reason) for c in cycle.theme_choices.all()
    }
    assert saved == {
        "Gouvernance": (True, 2, ""),
        "Territorialité": (True, 1, ""),
        "Éthique": (False, 0, "Nos salariés sont déjà formés à la déontologie."),
    }


def test_saving_again_updates_the_choices_in_place(client, cycle, pilot, themes):
    ThemeChoiceFactory(cycle=cycle, theme=themes[0], priority=1)
    client.force_login(pilot.person)
    data = decisions(
        themes,
        t0=("left_aside", "", "Pas cette année."),
        t1=("retained", "1", ""),
        t2=("retained", "2", ""),
    )
    client.post(themes_url(cycle), data)
    assert cycle.theme_choices.count() == 3
    assert cycle.theme_choices.get(theme=themes[0]).reason == "Pas cette année."


def test_a_theme_left_aside_without_a_reason_is_refused_and_the_input_kept(
    client, cycle, pilot, themes
):
    client.force_login(pilot.person)
    data = decisions(
        themes,
        t0=("retained", "1", ""),
        t1=("left_aside", "", "  "),
        t2=("left_aside", "", "Déjà couvert par notre charte éthique."),
    )
    response = client.post(themes_url(cycle), data)
    content = response.content.decode()
    assert response.status_code == 200
    assert (
        "Dites en quelques mots pourquoi ce thème est laissé de côté : "
        "la synthèse publiée le demande." in content
    )
    assert "Déjà couvert par notre charte éthique." in content  # what was typed stays
    assert "2. Territorialité : Dites en quelques mots" in content  # the summary names the row
    assert not ThemeChoice.objects.exists()  # all or nothing


def test_a_retained_theme_needs_a_priority(client, cycle, pilot, themes):
    client.force_login(pilot.person)
    data = decisions(
        themes, t0=("retained", "", ""), t1=("retained", "1", ""), t2=("retained", "2", "")
    )
    response = client.post(themes_url(cycle), data)
    assert "Donnez une priorité à ce thème retenu." in response.content.decode()
    assert not ThemeChoice.objects.exists()


def test_a_theme_can_stay_undecided_and_saves_no_choice(client, cycle, pilot, themes):
    client.force_login(pilot.person)
    data = decisions(themes, t0=("retained", "1", ""), t1=("retained", "2", ""), t2=("", "", ""))
    response = client.post(themes_url(cycle), data)
    assert response.status_code == 302
    assert set(cycle.theme_choices.values_list("theme", flat=True)) == {
        themes[0].pk,
        themes[1].pk,
    }


def test_a_theme_set_back_to_undecided_loses_its_choice(client, cycle, pilot, themes):
    ThemeChoiceFactory(cycle=cycle, theme=themes[2], is_retained=False, reason="Plus tard.")
    client.force_login(pilot.person)
    data = decisions(themes, t0=("retained", "1", ""), t1=("", "", ""), t2=("", "", ""))
    client.post(themes_url(cycle), data)
    assert list(cycle.theme_choices.values_list("theme", flat=True)) == [themes[0].pk]


def test_leaving_aside_a_theme_with_selected_items_is_refused(client, cycle, pilot, themes):
    ThemeChoiceFactory(cycle=cycle, theme=themes[0], priority=1)
    for _ in range(3):
        AnswerFactory(cycle=cycle, item=ItemFactory(domain__theme=themes[0]))
    client.force_login(pilot.person)
    data = decisions(
        themes,
        t0=("left_aside", "", "Finalement pas cette année."),
        t1=("retained", "1", ""),
        t2=("retained", "2", ""),
    )
    response = client.post(themes_url(cycle), data)
    assert "3 items de ce thème sont sélectionnés : retirez-les d&#x27;abord" in (
        response.content.decode()
    )
    assert cycle.theme_choices.get(theme=themes[0]).is_retained
    assert cycle.answers.count() == 3


@pytest.mark.parametrize("kind", [Role.Kind.BOARD_MEMBER, Role.Kind.CONTRIBUTOR])
def test_board_members_and_contributors_read_the_decisions_without_a_form(
    client, cycle, themes, kind
):
    ThemeChoiceFactory(
        cycle=cycle, theme=themes[2], is_retained=False, reason="Déjà couvert ailleurs."
    )
    client.force_login(RoleFactory(kind=kind, structure=cycle.structure).person)
    content = client.get(themes_url(cycle)).content.decode()
    assert "Déjà couvert ailleurs." in content and "Laissé de côté" in content
    assert "Enregistrer les thèmes" not in content
    assert 'type="radio"' not in content


@pytest.mark.parametrize("kind", [Role.Kind.BOARD_MEMBER, Role.Kind.CONTRIBUTOR])
def test_board_members_and_contributors_cannot_save_themes(client, cycle, themes, kind):
    client.force_login(RoleFactory(kind=kind, structure=cycle.structure).person)
    data = decisions(
        themes, t0=("retained", "1", ""), t1=("retained", "2", ""), t2=("retained", "3", "")
    )
    assert client.post(themes_url(cycle), data).status_code == 404
    assert not ThemeChoice.objects.exists()
