"""Step 11: the AG debate. The pilot pair prepares the questions put to the assembly (proposed
from the year's themes the first time), prints the debate sheet, then records what the AG
said and the adjustments decided, which next year's démarche recalls."""

import datetime
import html
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demarches.models import AgDebate, Answer
from members.models import Membership, Role
from tests.demarches.factories import (
    ActionFactory,
    AnswerFactory,
    CycleFactory,
    ThemeChoiceFactory,
)
from tests.members.factories import MembershipFactory, RoleFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2027, 6, 20, 10, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def text(response) -> str:
    """The page as a person reads it (apostrophes and all, unescaped)."""
    return html.unescape(response.content.decode())


def page_url(cycle):
    return reverse("demarches:ag_debate", args=[cycle.pk])


def sheet_url(cycle):
    return reverse("demarches:ag_debate_sheet", args=[cycle.pk])


def data(**overrides):
    return {
        "questions": "Nos objectifs sont-ils justes ?",
        "held_on": "",
        "remarks": "",
        "adjustments": "",
        "version": "0",
        **overrides,
    }


def recorded(cycle, **fields):
    return AgDebate.objects.create(
        cycle=cycle,
        questions=fields.pop("questions", "Nos objectifs sont-ils justes ?"),
        held_on=fields.pop("held_on", datetime.date(2027, 6, 12)),
        remarks=fields.pop("remarks", "Les adhérents demandent un point sur le bénévolat."),
        adjustments=fields.pop("adjustments", "Objectif de bénévolat relevé."),
        **fields,
    )


def facilitator_of(structure, sharing):
    network_role = RoleFactory(facilitator=True)
    MembershipFactory(network=network_role.network, structure=structure, sharing=sharing)
    return network_role.person


# --- Before the AG: the questions -------------------------------------------------------------


def test_the_pilot_is_offered_a_question_per_retained_theme_until_saving(client, cycle, pilot):
    ThemeChoiceFactory(cycle=cycle, theme__title="Gouvernance démocratique")
    ThemeChoiceFactory(cycle=cycle, theme__title="Emploi", is_retained=False, reason="Plus tard")
    client.force_login(pilot)
    content = text(client.get(page_url(cycle)))
    assert (
        "Les objectifs fixés sur « Gouvernance démocratique » vous paraissent-ils justes ?"
        in content
    )
    assert "« Emploi »" not in content
    assert "Quelles actions vous paraissent prioritaires ?" in content
    assert "Qu'ajouteriez-vous au plan d'action ?" in content
    assert "Questions proposées à partir des thèmes de l'année" in content
    assert not AgDebate.objects.exists()


def test_the_default_questions_are_offered_once(client, cycle, pilot):
    ThemeChoiceFactory(cycle=cycle, theme__title="Gouvernance démocratique")
    client.force_login(pilot)
    client.post(page_url(cycle), data(questions=""))
    content = text(client.get(page_url(cycle)))
    assert "Gouvernance démocratique »" not in content  # the pair emptied the list on purpose
    assert "Questions proposées" not in content


def test_the_pilot_saves_the_questions_one_per_line(client, cycle, pilot):
    client.force_login(pilot)
    response = client.post(
        page_url(cycle),
        data(questions="1. Nos objectifs sont-ils justes ?\n\n  - Que faut-il ajouter ?  \n"),
    )
    assert response.status_code == 302
    assert response.url == page_url(cycle)
    debate = AgDebate.objects.get(cycle=cycle)
    assert debate.question_list == ["Nos objectifs sont-ils justes ?", "Que faut-il ajouter ?"]
    assert debate.updated_by == pilot
    assert not debate.is_recorded
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Les questions pour l'AG sont enregistrées."]


def test_more_questions_than_the_sheet_holds_are_refused_and_kept(client, cycle, pilot):
    client.force_login(pilot)
    questions = "\n".join(f"Question numéro {n} ?" for n in range(1, 10))
    response = client.post(page_url(cycle), data(questions=questions))
    content = text(response)
    assert "9 questions : la fiche en contient 6 au plus." in content
    assert "Question numéro 9 ?" in content
    assert not AgDebate.objects.exists()


# --- After the AG: what it said ---------------------------------------------------------------


def test_the_pilot_records_the_remarks_and_the_adjustments(client, cycle, pilot):
    client.force_login(pilot)
    response = client.post(
        page_url(cycle),
        data(
            held_on="2027-06-12",
            remarks="Les adhérents veulent plus de place pour les usagers.",
            adjustments="Un collège des usagers ajouté au plan.",
        ),
    )
    assert response.status_code == 302
    debate = AgDebate.objects.get(cycle=cycle)
    assert debate.held_on == datetime.date(2027, 6, 12)
    assert debate.is_recorded
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "Le débat de l'AG est enregistré : la démarche de l'an prochain le rappellera."
    ]


def test_the_pilot_edits_a_saved_debate(client, cycle, pilot):
    debate = recorded(cycle)
    client.force_login(pilot)
    page = client.get(page_url(cycle))
    seen = page.context["form"]["version"].value()
    response = client.post(
        page_url(cycle), data(version=seen, held_on="2027-06-12", remarks="Texte revu.")
    )
    assert response.status_code == 302
    debate.refresh_from_db()
    assert (debate.remarks, debate.adjustments) == ("Texte revu.", "")


@pytest.mark.parametrize(
    ("held_on", "error"),
    [
        ("32/13/2026", "Saisissez une date valide."),
        ("", "Indiquez la date à laquelle l'AG s'est tenue."),
        ("2027-07-01", "Cette date est dans le futur : notez ce que l'AG a dit une fois"),
    ],
)
def test_a_bad_date_is_explained_in_french_and_the_text_kept(client, cycle, pilot, held_on, error):
    client.force_login(pilot)
    response = client.post(
        page_url(cycle),
        data(held_on=held_on, remarks="Les adhérents saluent le travail accompli."),
    )
    assert response.status_code == 200
    content = text(response)
    assert error in content
    assert "Les adhérents saluent le travail accompli." in content
    assert not AgDebate.objects.exists()


def test_a_save_from_an_older_page_is_a_conflict_not_an_overwrite(client, cycle, pilot, copilot):
    debate = recorded(cycle, remarks="Première version.")
    client.force_login(pilot)
    seen = client.get(page_url(cycle)).context["form"]["version"].value()
    # Meanwhile the co-pilot saves the same debate.
    client.force_login(copilot)
    client.post(page_url(cycle), data(version=seen, held_on="2027-06-12", remarks="Sa version."))
    client.force_login(pilot)
    response = client.post(
        page_url(cycle), data(version=seen, held_on="2027-06-12", remarks="Ma version.")
    )
    assert response.status_code == 200
    content = text(response)
    assert "après l'ouverture de cette page : votre texte n'est pas encore enregistré." in content
    assert "<dd>Sa version.</dd>" in content  # the saved version, to compare
    assert "Ma version.</textarea>" in content  # what the pilot typed, still in the form
    debate.refresh_from_db()
    assert debate.remarks == "Sa version."
    # Saving again, once merged, goes through.
    merged = response.context["form"]["version"].value()
    response = client.post(
        page_url(cycle), data(version=merged, held_on="2027-06-12", remarks="Les deux.")
    )
    assert response.status_code == 302
    debate.refresh_from_db()
    assert debate.remarks == "Les deux."


def test_two_first_saves_at_once_are_a_conflict(client, cycle, pilot, copilot):
    client.force_login(copilot)
    client.post(page_url(cycle), data(questions="Sa question ?"))
    client.force_login(pilot)
    response = client.post(page_url(cycle), data(questions="Ma question ?", version="0"))
    assert response.status_code == 200
    assert AgDebate.objects.get().questions == "Sa question ?"
    assert "Ma question ?" in text(response)


# --- Who reads, who writes --------------------------------------------------------------------


@pytest.mark.parametrize("kind", [Role.Kind.CONTRIBUTOR, Role.Kind.BOARD_MEMBER])
def test_the_structures_other_people_read_the_debate_but_cannot_change_it(client, cycle, kind):
    recorded(cycle, questions="Nos objectifs sont-ils justes ?")
    client.force_login(RoleFactory(kind=kind, structure=cycle.structure).person)
    response = client.get(page_url(cycle))
    content = text(response)
    assert "Nos objectifs sont-ils justes ?" in content
    assert "Les adhérents demandent un point sur le bénévolat." in content
    assert "<textarea" not in content
    assert client.post(page_url(cycle), data(questions="Autre ?")).status_code == 404
    assert AgDebate.objects.get().questions == "Nos objectifs sont-ils justes ?"
    assert client.get(sheet_url(cycle)).status_code == 200


def test_a_reader_is_not_shown_the_default_questions_as_if_chosen(client, cycle, board_member):
    ThemeChoiceFactory(cycle=cycle, theme__title="Gouvernance démocratique")
    client.force_login(board_member)
    content = text(client.get(page_url(cycle)))
    assert "Le binôme de pilotage n'a pas encore préparé les questions." in content
    assert "Gouvernance démocratique »" not in content


@pytest.mark.parametrize(
    ("sharing", "status"), [(Membership.Sharing.SUMMARY, 404), (Membership.Sharing.FULL, 200)]
)
def test_the_network_reads_the_debate_only_when_the_structure_shares_everything(
    client, cycle, sharing, status
):
    recorded(cycle)
    client.force_login(facilitator_of(cycle.structure, sharing))
    assert client.get(page_url(cycle)).status_code == status
    assert client.get(sheet_url(cycle)).status_code == status
    assert client.post(page_url(cycle), data()).status_code == 404


def test_another_structures_pilot_gets_a_404(client, cycle):
    client.force_login(RoleFactory(kind=Role.Kind.PILOT).person)
    assert client.get(page_url(cycle)).status_code == 404
    assert client.get(sheet_url(cycle)).status_code == 404


# --- The debate sheet -------------------------------------------------------------------------


def test_the_sheet_shows_the_structure_the_year_the_ag_and_the_questions(client, cycle, pilot):
    recorded(cycle, questions="Nos objectifs sont-ils justes ?\nQue faut-il ajouter ?")
    client.force_login(pilot)
    content = text(client.get(sheet_url(cycle)))
    assert cycle.structure.name in content
    assert "Démarche de progrès 2026 · AG du 12 juin 2027" in content
    assert content.index("Nos objectifs sont-ils justes ?") < content.index("Que faut-il ajouter ?")
    assert "Autre chose à nous dire ?" in content
    assert "Imprimer" in content and "js/print.js" in content


def test_the_sheet_recalls_each_retained_theme_and_its_first_objectives(client, cycle, pilot):
    theme = ThemeChoiceFactory(cycle=cycle, theme__short_title="Gouvernance").theme
    AnswerFactory(
        cycle=cycle,
        item__domain__theme=theme,
        item__indicator=True,
        item__text="Part des administrateurs formés",
        target_1y=Decimal(50),
    )
    AnswerFactory(cycle=cycle, item__domain__theme=theme, objective_1y="Un mot " * 40)
    AnswerFactory(
        cycle=cycle,
        item__domain__theme=theme,
        assessment=Answer.Assessment.NOT_TREATED,
        not_treated_reason="Pas cette année",
        objective_1y="Objectif d'une question non traitée",
    )
    for _n in range(3):
        AnswerFactory(cycle=cycle, item__domain__theme=theme, objective_1y="Un autre objectif")
    client.force_login(pilot)
    content = text(client.get(sheet_url(cycle)))
    assert "Gouvernance" in content
    assert "Part des administrateurs formés : 50 %" in content
    assert "Un mot Un mot" in content and "Un mot " * 40 not in content  # shortened
    assert "Objectif d'une question non traitée" not in content
    assert "et 2 autres objectifs" in content


def test_the_sheet_offers_the_default_questions_until_the_pair_saves_its_own(
    client, cycle, contributor
):
    ThemeChoiceFactory(cycle=cycle, theme__title="Gouvernance démocratique")
    client.force_login(contributor)
    content = text(client.get(sheet_url(cycle)))
    assert "« Gouvernance démocratique » vous paraissent-ils justes ?" in content
    assert "Ce sont les questions proposées par défaut" in content


# --- In the démarche --------------------------------------------------------------------------


def test_the_cycle_page_counts_the_questions_prepared(client, cycle, pilot):
    recorded(cycle, questions="Une ?\nDeux ?", remarks="", adjustments="")
    client.force_login(pilot)
    content = text(client.get(cycle.get_absolute_url()))
    assert "2 questions préparées pour l'assemblée." in content
    assert "Noter ce que l'AG a dit" in content
    assert page_url(cycle) in content


def test_the_cycle_page_says_when_the_ags_remarks_were_recorded(client, cycle, board_member):
    recorded(cycle)
    client.force_login(board_member)
    content = text(client.get(cycle.get_absolute_url()))
    assert "Remarques de l'AG enregistrées le 20 juin 2027." in content
    assert "Voir le débat de l'AG" in content


def test_next_years_cycle_page_recalls_what_the_ag_said(client, cycle, pilot):
    recorded(
        cycle,
        remarks="Les adhérents demandent un point sur le bénévolat.",
        adjustments="Objectif de bénévolat relevé.",
    )
    following = CycleFactory(structure=cycle.structure, year=2027, previous=cycle)
    client.force_login(pilot)
    content = text(client.get(following.get_absolute_url()))
    assert "Ce que l'AG a dit l'an dernier" in content
    assert "AG du 12 juin 2027" in content
    assert "Les adhérents demandent un point sur le bénévolat." in content
    assert "Objectif de bénévolat relevé." in content
    assert "Voir le débat de l'AG 2026" in content


def test_a_network_that_sees_the_summary_only_does_not_see_the_debate(client, cycle):
    recorded(cycle, remarks="Remarque interne.")
    following = CycleFactory(structure=cycle.structure, year=2027, previous=cycle)
    client.force_login(facilitator_of(cycle.structure, Membership.Sharing.SUMMARY))
    content = text(client.get(following.get_absolute_url()))
    assert "Remarque interne." not in content
    assert "Débat de l'AG" not in content


# --- Query counts -----------------------------------------------------------------------------


def _demarche(cycle, size):
    """A démarche with `size` themes, answers and actions, and last year's debate."""
    previous = CycleFactory(structure=cycle.structure, year=cycle.year - 1, guide=cycle.guide)
    cycle.previous = previous
    cycle.save()
    recorded(previous)
    recorded(cycle, questions="\n".join(f"Question {n} ?" for n in range(size)))
    for _n in range(size):
        theme = ThemeChoiceFactory(cycle=cycle).theme
        AnswerFactory(cycle=cycle, item__domain__theme=theme, objective_1y="Objectif")
        ActionFactory(cycle=cycle)


@pytest.mark.parametrize("size", [2, 8])
def test_the_debate_pages_run_the_same_queries_whatever_the_size(
    client, cycle, pilot, size, django_assert_num_queries
):
    _demarche(cycle, size)
    client.force_login(pilot)
    # savepoint, session, user, cycle, is it the pair's, the debate, the tabs' permissions
    # (roles twice, memberships), release
    with django_assert_num_queries(10):
        assert client.get(page_url(cycle)).status_code == 200
    # … and for the sheet, the retained themes and the answers with objectives, but no
    # "is it the pair's"
    with django_assert_num_queries(11):
        assert client.get(sheet_url(cycle)).status_code == 200


def test_the_debate_costs_the_cycle_page_one_query_whatever_the_size(
    client, structure, pilot, monkeypatch
):
    def queries(cycle):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(cycle.get_absolute_url()).status_code == 200
        return len(captured)

    client.force_login(pilot)
    counts = []
    for size in (2, 8):
        cycle = CycleFactory(structure=structure, year=2030 + 2 * size)
        _demarche(cycle, size)
        with_debate = queries(cycle)
        with monkeypatch.context() as patched:
            patched.setattr("demarches.debate.for_cycle_page", lambda cycle: (None, None))
            without = queries(cycle)
        counts.append((with_debate, without))
    assert counts[0] == counts[1]
    assert counts[0][0] == counts[0][1] + 1


@pytest.mark.parametrize("version", ["2026-01-01", "9999-12-31T23:59:59+00:00", "²", "-1"])
def test_a_tampered_version_gives_the_conflict_screen_not_an_error(client, pilot, cycle, version):
    client.force_login(pilot)
    client.post(page_url(cycle), data(questions="Première question ?"))
    response = client.post(page_url(cycle), data(questions="Autre question ?", version=version))
    assert response.status_code == 200
    assert cycle.ag_debate.question_list == ["Première question ?"]
