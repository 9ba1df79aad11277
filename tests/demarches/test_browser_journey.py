"""The acceptance journey of a pilot, in a browser, from an empty démarche to the steering
table edited offline and imported back: themes, selection, état des lieux with autosave,
objectives, action plan, export, import with its preview."""

import re
from decimal import Decimal

import openpyxl
import pytest
from playwright.sync_api import expect

from demarches.models import Action, Answer, Cycle, ThemeChoice
from members.models import Role
from tests.browser import assert_accessible, log_in
from tests.members.factories import MembershipFactory, RoleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RETAINED = {"1": "1", "5": "2", "7": "3"}  # theme code → priority
LEFT_ASIDE = ("4", "Traité par notre accord d'entreprise de 2023 : nous y reviendrons.")
ITEMS = [
    "1.3.1", "1.3.2", "1.3.3", "1.6.2",
    "5.2.1", "5.2.2", "5.3.1", "5.3.2",
    "7.1.1", "7.1.2", "7.2.2", "7.3.1",
]  # fmt: skip
# The five items filled in: (code, situation, value, objective at 1 year, target at 1 year)
FILLED = [
    ("1.3.1", "Seules les feuilles d'émargement existent.", None, "Un tableau de suivi.", None),
    ("1.3.2", "Deux administrateurs formés sur dix.", "20", "Former le nouveau CA.", "35"),
    ("5.2.2", "Enquête annuelle papier.", "72,5", "Une enquête en ligne.", "80"),
    ("7.1.2", "Relevé des compteurs 2026.", "48 000", "Isoler la serre.", "44000"),
    ("7.1.1", "Aucun diagnostic à ce jour.", None, "Faire un diagnostic énergie.", None),
]
ACTIONS = [
    ("Registre des présences aux AG", "1.3.1", "0"),
    ("Formation des administrateurs", "1.3.2", "800"),
    ("Questionnaire de satisfaction en ligne", "5.2.2", "150"),
    ("Isolation de la serre n° 2", "7.1.2", "9 500"),
]


def eventually(page, condition, timeout_ms=10_000):
    for _ in range(timeout_ms // 250):
        if condition():
            return
        page.wait_for_timeout(250)
    raise AssertionError("the autosave never reached the database")


def wait_saved(page):
    expect(page.locator("#answer-status")).to_contain_text("Enregistré à", timeout=10_000)


def test_a_pilot_goes_from_an_empty_demarche_to_an_imported_steering_table(
    live_server, page, national_guide, tmp_path
):
    pilot = RoleFactory(kind=Role.Kind.PILOT, person__full_name="Aïcha Benali")
    MembershipFactory(structure=pilot.structure)
    log_in(page, live_server, pilot.person.email)

    # Start the démarche from the navigation.
    page.get_by_role("link", name="Ma démarche").click()
    page.get_by_role("link", name="Lancer la démarche").click()
    assert_accessible(page)
    page.get_by_label("Date prévue de l'AG").fill("2027-06-12")
    page.get_by_role("button", name="Lancer la démarche").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Démarche")
    cycle = Cycle.objects.get(structure=pilot.structure)
    assert cycle.guide.is_national

    # Step 2: three themes retained in order, one left aside with its reason.
    page.get_by_role("link", name="Thèmes", exact=True).click()
    for code, priority in RETAINED.items():
        row = page.locator(f"fieldset#theme-{cycle.guide.themes.get(code=code).pk}")
        row.get_by_label("Retenu", exact=True).check()
        row.get_by_label("Priorité").fill(priority)
    aside = page.locator(f"fieldset#theme-{cycle.guide.themes.get(code=LEFT_ASIDE[0]).pk}")
    aside.get_by_label("Laissé de côté", exact=True).check()
    page.get_by_role("button", name="Enregistrer les thèmes").click()
    # No reason yet: refused in French, what was typed is still there.
    expect(page.get_by_role("alert")).to_contain_text("pourquoi ce thème est laissé de côté")
    expect(aside.get_by_label("Laissé de côté", exact=True)).to_be_checked()
    aside.get_by_label("Pourquoi il est laissé de côté").fill(LEFT_ASIDE[1])
    page.get_by_role("button", name="Enregistrer les thèmes").click()
    expect(page.get_by_text("Thèmes de l'année enregistrés.")).to_be_visible()
    choices = ThemeChoice.objects.filter(cycle=cycle)
    assert {c.theme.code: c.priority for c in choices if c.is_retained} == {
        code: int(priority) for code, priority in RETAINED.items()
    }
    assert choices.get(is_retained=False).reason == LEFT_ASIDE[1]

    # Steps 3–4: twelve items of the retained themes.
    page.get_by_role("link", name="Sélection", exact=True).click()
    for code in ITEMS:
        page.get_by_role("checkbox", name=re.compile(rf"^{re.escape(code)} ")).check()
    page.get_by_role("button", name="Enregistrer la sélection").click()
    expect(page.get_by_text("Sélection enregistrée")).to_be_visible()
    assert sorted(a.item.code for a in cycle.answers.all()) == sorted(ITEMS)
    assert_accessible(page)

    # Steps 5–7: five items filled in, saved by autosave alone (no button pressed).
    for code, situation, value, objective, target in FILLED:
        page.get_by_role("link", name="État des lieux", exact=True).click()
        row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=code, exact=True))
        row.get_by_role("link").click()
        # htmx binds the autosave once the page has loaded: typing before would not be sent.
        page.wait_for_load_state("load")
        with page.expect_response(re.compile(r"/enregistrer/$")):
            page.get_by_label("Situation actuelle").fill(situation)
        wait_saved(page)
        if value is not None:
            page.get_by_label(re.compile(r"^Valeur actuelle")).fill(value)
        page.get_by_label("À améliorer", exact=True).check()
        page.get_by_label("Objectif à 1 an").fill(objective)
        if target is not None:
            page.get_by_label(re.compile(r"^Cible à 1 an")).fill(target)
        page.get_by_label("Objectif à 3 ans").fill(f"{objective} Et le tenir dans la durée.")
        # Nobody presses a button: the last keystroke is saved once the typing pauses.
        saved = Answer.history.filter(
            cycle=cycle, item__code=code, objective_3y__startswith=objective
        )
        eventually(page, saved.exists)
        wait_saved(page)
    filled = {a.item.code: a for a in cycle.answers.select_related("item")}
    for code, situation, value, objective, target in FILLED:
        answer = filled[code]
        assert answer.situation == situation
        assert answer.objective_1y == objective
        assert answer.assessment == Answer.Assessment.TO_IMPROVE
        if value is not None:
            assert answer.value == Decimal(value.replace(" ", "").replace(",", "."))
            assert answer.target_1y == Decimal(target)
    assert_accessible(page)

    # Step 8: four actions, each linked to its item.
    for title, code, budget in ACTIONS:
        page.get_by_role("link", name="Plan d'action", exact=True).click()
        page.get_by_role("link", name="Nouvelle action").click()
        page.get_by_label("Titre").fill(title)
        page.get_by_role("checkbox", name=re.compile(rf"^{re.escape(code)} ")).check()
        page.get_by_label("Budget (€)").fill(budget)
        page.get_by_label("Début").fill("2027-01-04")
        page.get_by_label("Échéance").fill("2027-03-31")
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_text("Action ajoutée au plan d'action.")).to_be_visible()
    assert cycle.actions.count() == 4
    page.get_by_role("link", name="Plan d'action", exact=True).click()
    assert_accessible(page)

    # Step 9: export the steering table.
    page.get_by_role("link", name="Tableau Excel", exact=True).click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le tableau de pilotage (.xlsx)").click()
    path = tmp_path / "tableau.xlsx"
    download.value.save_as(path)

    # Offline, two values change: an indicator's value and an action's budget.
    workbook = openpyxl.load_workbook(path)
    table, plan = workbook["Tableau de pilotage"], workbook["Plan d'action"]
    value_column = _column(table, "Valeur 2026")
    budget_column = _column(plan, "Budget (€)")
    _row(table, "1.3.2")[value_column].value = 25
    _row(plan, "Formation des administrateurs", column=1)[budget_column].value = 950
    workbook.save(path)

    # Import it back: the preview shows exactly those 2 changes, then applies them.
    page.get_by_label("Fichier Excel (.xlsx)").set_input_files(path)
    page.get_by_role("button", name="Voir l'aperçu de l'import").click()
    expect(page.get_by_role("button", name="Appliquer les 2 modifications")).to_be_visible()
    assert_accessible(page)
    preview = page.locator("main").inner_text()
    assert "20" in preview and "25" in preview and "950" in preview
    page.get_by_role("button", name="Appliquer les 2 modifications").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Démarche")
    assert Answer.objects.get(pk=filled["1.3.2"].pk).value == 25
    action = Action.objects.get(title="Formation des administrateurs")
    assert action.budget == 950
    assert action.history.latest().history_user == pilot.person


def _column(sheet, header: str) -> int:
    headers = [cell.value for cell in sheet[1]]
    return next(i for i, value in enumerate(headers) if value and value.startswith(header))


def _row(sheet, key: str, column: int = 0):
    return next(row for row in sheet.iter_rows(min_row=2) if row[column].value == key)
