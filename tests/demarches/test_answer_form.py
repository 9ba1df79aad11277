"""The form of one answer: what it asks for a question or an indicator, the bad input it
refuses in French without losing what was typed, and who sees it read-only."""

from decimal import Decimal

import pytest
from django.urls import reverse

from demarches.models import Answer
from members.models import Membership, Role
from tests.demarches.factories import AnswerFactory, CycleFactory
from tests.members.factories import MembershipFactory, RoleFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def question(cycle):
    return AnswerFactory(cycle=cycle)


@pytest.fixture
def indicator(cycle):
    return AnswerFactory(cycle=cycle, item__indicator=True)


def save(client, answer, htmx=True, **data):
    return client.post(
        reverse("demarches:answer_save", args=[answer.pk]),
        {"version": answer.version, **data},
        **(HTMX if htmx else {}),
    )


def page(client, answer):
    return client.get(answer.get_absolute_url()).content.decode()


# --- Bad input -------------------------------------------------------------------------------


def test_a_value_that_is_not_a_number_is_refused_in_french(client, pilot, indicator):
    client.force_login(pilot)
    content = save(client, indicator, value="abc", situation="Mon texte").content.decode()
    assert "Saisissez un nombre, par exemple 12,5." in content
    assert "Modifications non enregistrées" in content
    indicator.refresh_from_db()
    assert indicator.value is None and indicator.situation == "" and indicator.version == 1


def test_the_error_goes_next_to_the_field_without_replacing_the_form(client, pilot, indicator):
    client.force_login(pilot)
    content = save(client, indicator, value="abc").content.decode()
    assert 'id="id_value_errors" class="field-errors" hx-swap-oob="true"' in content
    assert "<textarea" not in content and 'name="value"' not in content


def test_without_javascript_the_wrong_value_stays_on_the_page(client, pilot, indicator):
    client.force_login(pilot)
    response = save(client, indicator, htmx=False, value="abc", situation="Mon texte")
    content = response.content.decode()
    assert response.status_code == 200
    assert 'value="abc"' in content and "Mon texte</textarea>" in content
    assert "Saisissez un nombre, par exemple 12,5." in content
    assert 'aria-invalid="true"' in content


@pytest.mark.parametrize(
    "typed, stored", [("12,5", "12.5"), ("12.5", "12.5"), ("1 250,75", "1250.75"), ("-3", "-3")]
)
def test_a_french_decimal_is_accepted(client, pilot, indicator, typed, stored):
    client.force_login(pilot)
    save(client, indicator, value=typed)
    indicator.refresh_from_db()
    assert indicator.value == Decimal(stored)


def test_a_value_is_shown_the_french_way_with_its_unit(client, pilot, indicator):
    Answer.objects.filter(pk=indicator.pk).update(value=Decimal("12.50"))
    client.force_login(pilot)
    content = page(client, indicator)
    assert 'value="12,5"' in content
    assert "Valeur actuelle (%)" in content


def test_a_target_on_a_question_is_refused(client, pilot, question):
    client.force_login(pilot)
    content = save(client, question, target_1y="30").content.decode()
    assert "Une cible chiffrée ne s&#x27;applique qu&#x27;à un indicateur." in content
    question.refresh_from_db()
    assert question.target_1y is None


def test_a_question_has_no_figures_to_fill(client, pilot, question):
    client.force_login(pilot)
    content = page(client, question)
    assert 'name="value"' not in content and 'name="target_1y"' not in content


def test_an_indicator_takes_targets(client, pilot, indicator):
    client.force_login(pilot)
    save(client, indicator, objective_1y="Mesurer", target_1y="40", target_3y="60,5")
    indicator.refresh_from_db()
    assert (indicator.target_1y, indicator.target_3y) == (Decimal(40), Decimal("60.5"))


def test_not_treated_needs_a_reason(client, pilot, question):
    client.force_login(pilot)
    content = save(client, question, assessment="not_treated").content.decode()
    assert "Dites pourquoi cet item n&#x27;est pas traité." in content
    question.refresh_from_db()
    assert question.assessment == ""


def test_not_treated_with_a_reason_is_saved(client, pilot, question):
    client.force_login(pilot)
    save(client, question, assessment="not_treated", not_treated_reason="Pas un enjeu pour nous")
    question.refresh_from_db()
    assert question.is_filled
    assert question.not_treated_reason == "Pas un enjeu pour nous"


def test_an_unknown_assessment_is_refused(client, pilot, question):
    client.force_login(pilot)
    save(client, question, assessment="excellent")
    question.refresh_from_db()
    assert question.version == 1


# --- What the page shows ---------------------------------------------------------------------


def test_the_page_shows_the_guide_help_in_learn_more(client, pilot, cycle):
    answer = AnswerFactory(
        cycle=cycle, item__help_text="Comptez les présents.", item__example="42 %"
    )
    client.force_login(pilot)
    content = page(client, answer)
    assert "<summary>En savoir plus</summary>" in content
    assert "Comptez les présents." in content and "42 %" in content


def test_the_structures_own_item_has_its_page(client, pilot, cycle):
    own = AnswerFactory(cycle=cycle, own=True, own_text="Nos bénévoles sont-ils formés ?")
    client.force_login(pilot)
    content = page(client, own)
    assert "Nos bénévoles sont-ils formés ?" in content
    assert "En savoir plus" not in content


def test_last_year_is_shown_beside_with_its_objective(client, pilot, structure, cycle):
    before = AnswerFactory(
        cycle=CycleFactory(structure=structure, year=2025, guide=cycle.guide),
        item__indicator=True,
        situation="Pas de données consolidées",
        value=Decimal(20),
        objective_1y="Dresser l'état des lieux",
        target_1y=Decimal(30),
    )
    answer = AnswerFactory(cycle=cycle, item=before.item, previous=before, value=Decimal(31))
    client.force_login(pilot)
    content = page(client, answer)
    assert '<h3 class="h5" id="last-year">L\'an dernier</h3>' in content
    assert "Pas de données consolidées" in content and "Dresser l&#x27;état des lieux" in content
    assert "Cible à 1 an (%)" in content
    assert "Atteint" in content  # computed, read-only for an indicator
    assert 'name="progress"' not in content


def test_a_question_of_the_second_year_asks_for_progress(client, pilot, structure, cycle):
    before = AnswerFactory(cycle=CycleFactory(structure=structure, year=2025, guide=cycle.guide))
    answer = AnswerFactory(cycle=cycle, item=before.item, previous=before)
    client.force_login(pilot)
    assert 'name="progress"' in page(client, answer)
    save(client, answer, progress="partly")
    answer.refresh_from_db()
    assert answer.progress == Answer.Progress.PARTLY


def test_a_first_year_question_does_not_ask_for_progress(client, pilot, question):
    client.force_login(pilot)
    assert 'name="progress"' not in page(client, question)


def test_the_pilot_pair_assigns_to_the_structure_people(client, pilot, structure, question):
    contributor = RoleFactory(kind=Role.Kind.CONTRIBUTOR, structure=structure).person
    board_member = RoleFactory(kind=Role.Kind.BOARD_MEMBER, structure=structure).person
    client.force_login(pilot)
    content = page(client, question)
    assert contributor.full_name in content and board_member.full_name not in content
    save(client, question, assignee=contributor.pk)
    question.refresh_from_db()
    assert question.assignee == contributor


def test_nobody_outside_the_structure_can_be_assigned(client, pilot, question):
    outsider = RoleFactory(kind=Role.Kind.CONTRIBUTOR).person
    client.force_login(pilot)
    save(client, question, assignee=outsider.pk)
    question.refresh_from_db()
    assert question.assignee is None


def test_an_assigned_contributor_cannot_reassign(client, structure, question):
    contributor = RoleFactory(kind=Role.Kind.CONTRIBUTOR, structure=structure).person
    other = RoleFactory(kind=Role.Kind.CONTRIBUTOR, structure=structure).person
    Answer.objects.filter(pk=question.pk).update(assignee=contributor)
    client.force_login(contributor)
    assert 'name="assignee"' not in page(client, question)
    save(client, question, assignee=other.pk, situation="Fait")
    question.refresh_from_db()
    assert (question.assignee, question.situation) == (contributor, "Fait")


def test_links_lead_to_the_neighbouring_items_in_guide_order(client, pilot, cycle):
    first, second, third = (AnswerFactory(cycle=cycle) for _ in range(3))
    client.force_login(pilot)
    content = page(client, second)
    assert f'href="{first.get_absolute_url()}" rel="prev"' in content
    assert f'href="{third.get_absolute_url()}" rel="next"' in content
    assert "Item 2 sur 3" in content


@pytest.mark.parametrize("kind", [Role.Kind.BOARD_MEMBER, Role.Kind.CONTRIBUTOR])
def test_people_who_may_not_change_it_read_it(client, structure, question, kind):
    Answer.objects.filter(pk=question.pk).update(situation="Des feuilles d'émargement")
    reader = RoleFactory(kind=kind, structure=structure).person
    client.force_login(reader)
    content = page(client, question)
    assert "Des feuilles d&#x27;émargement" in content
    assert '<form id="answer-form"' not in content and "<textarea" not in content


def test_a_facilitator_with_full_sharing_reads_it(client, structure, question):
    facilitator = RoleFactory(facilitator=True)
    MembershipFactory(
        network=facilitator.network, structure=structure, sharing=Membership.Sharing.FULL
    )
    client.force_login(facilitator.person)
    response = client.get(question.get_absolute_url())
    assert response.status_code == 200
    assert "<textarea" not in response.content.decode()


def test_another_structures_pilot_gets_a_404(client, question):
    client.force_login(RoleFactory(kind=Role.Kind.PILOT).person)
    assert client.get(question.get_absolute_url()).status_code == 404
