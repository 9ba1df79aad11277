import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from demarches import exports, imports, services
from demarches.models import Action, Answer, ThemeChoice
from demarches.views.transfer import SESSION_KEY
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

TABLE, PLAN, THEMES = "Tableau de pilotage", "Plan d'action", "Thèmes"


@pytest.fixture
def cycle():
    cycle = CycleFactory(structure__name="La Ressourcerie du Val", year=2026)
    theme = ThemeFactory(guide=cycle.guide, code="1", title="Gouvernance démocratique")
    domain = DomainFactory(theme=theme, code="1.3", title="Exercice du pouvoir")
    question = ItemFactory(domain=domain, code="1.3.1", text="La participation à l'AG ?")
    indicator = ItemFactory(domain=domain, code="1.3.2", indicator=True, text="Admin formés")
    ItemFactory(domain=domain, code="1.3.3", text="Une question non choisie ?")
    ThemeChoiceFactory(cycle=cycle, theme=theme, priority=1)
    ThemeFactory(guide=cycle.guide, code="2", title="Emploi")
    AnswerFactory(
        cycle=cycle,
        item=question,
        situation="Pas de données consolidées\r\n(uniquement les feuilles d'émargement) ",
        assessment=Answer.Assessment.TO_IMPROVE,
        objective_1y="=Dresser l'état des lieux",
    )
    formed = AnswerFactory(
        cycle=cycle,
        item=indicator,
        value=Decimal("40"),
        target_1y=Decimal("62.5"),
        assessment=Answer.Assessment.GOOD_PRACTICE,
    )
    AnswerFactory(cycle=cycle, own=True, domain=domain, situation="Notre propre question")
    action = ActionFactory(
        cycle=cycle,
        title="Former les administrateurs",
        owner_name="Camille",
        budget=Decimal("1200.50"),
        is_quick_win=True,
    )
    action.answers.set([formed])
    ActionFactory(cycle=cycle, title="Refaire l'émargement", starts_on=None, due_on=None)
    return cycle


@pytest.fixture
def pilot(client, cycle):
    person = RoleFactory(kind=Role.Kind.PILOT, structure=cycle.structure).person
    client.force_login(person)
    return person


def export(cycle) -> bytes:
    return xlsx.workbook_bytes(exports.export_cycle(cycle))


def edit(content: bytes, sheet: str, changes: dict | None = None, new_rows=()) -> bytes:
    """The workbook with cells changed as someone would in Excel: `changes` maps (reference,
    header) to the new value; `new_rows` are dicts of header → value added at the bottom."""
    book = load_workbook(BytesIO(content))
    table = book[sheet]
    headers = {cell.value: cell.column for cell in table[1]}
    rows = {row[0].value: row[0].row for row in table.iter_rows(min_row=2)}
    for (ref, header), value in (changes or {}).items():
        table.cell(row=rows[ref], column=headers[header]).value = value
    for values in new_rows:
        row = table.max_row + 1
        for header, value in values.items():
            table.cell(row=row, column=headers[header]).value = value
    return xlsx.workbook_bytes(book)


def upload(content: bytes, name="tableau.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=xlsx.CONTENT_TYPE)


def parse(content: bytes, cycle) -> imports.Plan:
    return imports.parse(upload(content), cycle)


def problems(content: bytes, cycle) -> list[str]:
    return [str(problem) for problem in parse(content, cycle).problems]


def fields(change) -> list[tuple]:
    return [(field.label, field.old, field.new) for field in change.fields]


def history_count() -> int:
    return Answer.history.count() + Action.history.count()


def post_file(client, cycle, content: bytes, name="tableau.xlsx"):
    return client.post(
        reverse("demarches:import", args=[cycle.pk]), {"file": upload(content, name)}
    )


def pending_file(client) -> str:
    return f"imports/{client.session[SESSION_KEY]['token']}.xlsx"


# --- Round trip ---------------------------------------------------------------------------


def test_importing_an_export_unchanged_changes_nothing(cycle, pilot):
    plan = parse(export(cycle), cycle)
    assert plan.is_valid, plan.problems
    assert not plan.has_changes
    assert plan.change_count == 0


def test_applying_an_unchanged_export_records_nothing(client, cycle, pilot):
    before = history_count()
    post_file(client, cycle, export(cycle))
    page = client.get(reverse("demarches:import_preview", args=[cycle.pk])).content.decode()
    assert "Aucune modification : le tableau est identique." in page
    assert "Appliquer" not in page
    response = client.post(reverse("demarches:import_preview", args=[cycle.pk]), follow=True)
    assert "Aucune modification : le tableau est identique." in response.content.decode()
    assert history_count() == before


def test_two_edited_values_show_old_and_new_and_nothing_else(cycle):
    content = edit(
        export(cycle),
        TABLE,
        {("1.3.2", "Valeur 2026"): 45, ("1.3.1", "Objectif à 3 ans"): "Un taux de 60 %"},
    )
    plan = parse(content, cycle)
    assert plan.change_count == 2
    assert [(c.ref, fields(c)) for c in plan.answers] == [
        ("1.3.1", [("Objectif à 3 ans", "", "Un taux de 60 %")]),
        ("1.3.2", [("Valeur 2026", "40", "45")]),
    ]
    assert plan.actions == plan.themes == []


def test_the_preview_lists_the_changes_and_applying_saves_them_as_the_importer(
    client, cycle, pilot, django_capture_on_commit_callbacks
):
    content = edit(
        export(cycle),
        TABLE,
        {("1.3.2", "Valeur 2026"): 45, ("1.3.1", "Appréciation"): "Bonne pratique"},
    )
    post_file(client, cycle, content)
    path = pending_file(client)
    page = client.get(reverse("demarches:import_preview", args=[cycle.pk])).content.decode()
    assert "Appliquer les 2 modifications" in page
    assert "avant : </span>À améliorer</del>" in page
    assert "après : </span>Bonne pratique</ins>" in page
    assert Answer.objects.get(item__code="1.3.2").value == 40  # nothing saved yet

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("demarches:import_preview", args=[cycle.pk]))
    assert response["Location"] == cycle.get_absolute_url()
    formed = Answer.objects.get(item__code="1.3.2")
    assert formed.value == 45
    assert (formed.version, formed.updated_by) == (2, pilot)
    assert formed.history.latest().history_user == pilot
    assert Answer.objects.get(item__code="1.3.1").assessment == Answer.Assessment.GOOD_PRACTICE
    assert not default_storage.exists(path)
    assert SESSION_KEY not in client.session
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Tableau de pilotage importé : 2 modifications appliquées."]


def test_formula_looking_text_comes_back_as_it_was(cycle):
    answer = Answer.objects.get(item__code="1.3.1")
    answer.situation = '=HYPERLINK("http://example.org";"Cliquez")'
    answer.save()
    assert not parse(export(cycle), cycle).has_changes


def test_a_new_action_row_creates_an_action(client, cycle, pilot):
    content = edit(
        export(cycle),
        PLAN,
        new_rows=[
            {
                "Action": "Organiser une AG participative",
                "Items liés": "1.3.1, 1.3.2",
                "Responsable": pilot.full_name,
                "Budget (€)": "300",
                "Début": datetime.date(2027, 2, 1),
                "Échéance": "30/06/2027",
                "Petit pas": "Oui",
            }
        ],
    )
    plan = parse(content, cycle)
    assert [(c.is_new, c.label) for c in plan.actions] == [(True, "Organiser une AG participative")]
    assert plan.change_count == 1
    post_file(client, cycle, content)
    assert (
        "nouvelle action"
        in client.get(reverse("demarches:import_preview", args=[cycle.pk])).content.decode()
    )
    client.post(reverse("demarches:import_preview", args=[cycle.pk]))

    action = Action.objects.get(title="Organiser une AG participative")
    assert (action.cycle, action.owner, action.budget, action.status) == (
        cycle,
        pilot,
        Decimal("300"),
        Action.Status.TODO,
    )
    assert (action.starts_on, action.due_on) == (
        datetime.date(2027, 2, 1),
        datetime.date(2027, 6, 30),
    )
    assert action.is_quick_win
    assert sorted(a.code for a in action.answers.all()) == ["1.3.1", "1.3.2"]
    assert action.history.get().history_user == pilot


def test_an_existing_action_is_updated_with_its_links(cycle, pilot):
    action = Action.objects.get(title="Former les administrateurs")
    content = edit(
        export(cycle),
        PLAN,
        {
            (f"A{action.pk}", "Statut"): "Fait",
            (f"A{action.pk}", "Items liés"): "1.3.1",
            (f"A{action.pk}", "Responsable"): "Dominique",
        },
    )
    plan = parse(content, cycle)
    assert fields(plan.actions[0]) == [
        ("Responsable", "Camille", "Dominique"),
        ("Statut", "À faire", "Fait"),
        ("Items liés", "1.3.2", "1.3.1"),
    ]
    imports.apply(plan, by=pilot, stamps=plan.stamps)
    action.refresh_from_db()
    assert (action.status, action.owner_name, action.version) == ("done", "Dominique", 2)
    assert action.done_on is not None
    assert [a.code for a in action.answers.all()] == ["1.3.1"]


def test_theme_choices_are_imported(cycle, pilot):
    content = edit(
        export(cycle),
        THEMES,
        {
            ("1", "Priorité"): 2,
            ("2", "Retenu"): "Non",
            ("2", "Raison si laissé de côté"): "Traité l'an prochain",
        },
    )
    plan = parse(content, cycle)
    assert [(c.ref, fields(c)) for c in plan.themes] == [
        ("1", [("Priorité", "1", "2")]),
        (
            "2",
            [
                ("Retenu", "", "Non"),
                ("Priorité", "", "0"),
                ("Raison si laissé de côté", "", "Traité l'an prochain"),
            ],
        ),
    ]
    imports.apply(plan, by=pilot, stamps=plan.stamps)
    choices = {c.theme.code: c for c in ThemeChoice.objects.filter(cycle=cycle)}
    assert choices["1"].priority == 2
    assert (choices["2"].is_retained, choices["2"].reason) == (False, "Traité l'an prochain")


# --- Files refused as a whole -----------------------------------------------------------------


def test_another_structures_file_is_refused(cycle):
    other = CycleFactory(structure__name="Le Jardin partagé", year=2026, guide=cycle.guide)
    with pytest.raises(xlsx.SpreadsheetError) as error:
        parse(export(other), cycle)
    assert str(error.value) == (
        "Ce fichier est le tableau de Le Jardin partagé pour 2026 : importez-le dans sa propre "
        "démarche."
    )


def test_another_years_file_is_refused(client, cycle, pilot):
    last_year = CycleFactory(structure=cycle.structure, year=2025, guide=cycle.guide)
    response = post_file(client, cycle, export(last_year))
    assert response.status_code == 200
    assert (
        "Ce fichier est le tableau de La Ressourcerie du Val pour 2025 : importez-le dans sa "
        "propre démarche." in response.content.decode().replace("&#x27;", "'")
    )
    assert SESSION_KEY not in client.session


def test_a_workbook_not_exported_from_the_platform_is_refused(cycle):
    book = load_workbook(BytesIO(export(cycle)))
    del book["Identification"]
    with pytest.raises(xlsx.SpreadsheetError, match="n'est pas un tableau de pilotage exporté"):
        parse(xlsx.workbook_bytes(book), cycle)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tableau.xlsm", b"PK", "Les classeurs avec macros (.xlsm) sont refusés"),
        ("tableau.xls", b"garbage", "n&#x27;est pas un classeur Excel (.xlsx)"),
        ("tableau.xlsx", b"\x00\x01 not a spreadsheet" * 50, "n&#x27;est pas un classeur Excel"),
        ("tableau.xlsx", b"0" * (xlsx.MAX_UPLOAD_BYTES + 1), "trop volumineux"),
    ],
)
def test_an_unreadable_file_gets_a_french_message_on_the_form(
    client, cycle, pilot, name, content, message
):
    response = post_file(client, cycle, content, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_renamed_sheet_is_reported(cycle):
    book = load_workbook(BytesIO(export(cycle)))
    book[PLAN].title = "Actions"
    assert problems(xlsx.workbook_bytes(book), cycle) == [
        "La feuille « Plan d'action » manque : importez le classeur tel qu'il a été exporté, "
        "sans renommer ses feuilles."
    ]


# --- Rows reported --------------------------------------------------------------------------


def test_an_unknown_reference_is_reported_not_guessed(cycle):
    content = edit(export(cycle), TABLE, {("1.3.2", "Réf."): "9.9"})
    assert problems(content, cycle) == [
        "Ligne 3 : la référence 9.9 ne correspond à aucun item de cette démarche."
    ]


def test_a_row_cannot_add_an_item_to_the_selection(cycle):
    content = edit(
        export(cycle),
        TABLE,
        new_rows=[
            {"Réf.": "1.3.3", "État des lieux 2026": "Rien"},
            {"Question ou indicateur": "Une question à nous ?", "État des lieux 2026": "Oui"},
        ],
    )
    assert problems(content, cycle) == [
        "Ligne 5 : l'item 1.3.3 n'est pas dans la sélection de cette démarche : ajoutez-le "
        "depuis l'écran « Sélection », l'import n'ajoute pas d'items.",
        "Ligne 6 : cette ligne n'a pas de référence : un item s'ajoute à la sélection sur la "
        "plateforme uniquement, depuis l'écran « Sélection ».",
    ]


def test_an_unknown_action_reference_is_reported(cycle):
    content = edit(export(cycle), PLAN, new_rows=[{"Réf.": "A999999", "Action": "Fantôme"}])
    assert problems(content, cycle) == [
        "Ligne 4 : la référence A999999 ne correspond à aucune action de cette démarche."
    ]


def test_text_in_a_number_column_is_reported_with_its_row_and_column_and_nothing_applied(
    client, cycle, pilot
):
    content = edit(
        export(cycle),
        TABLE,
        {("1.3.2", "Valeur 2026"): "abc", ("1.3.2", "Objectif à 1 an"): "Changé"},
    )
    post_file(client, cycle, content)
    url = reverse("demarches:import_preview", args=[cycle.pk])
    page = client.get(url).content.decode()
    assert "Ligne 3, colonne « Valeur 2026 » : un nombre est attendu." in page
    assert "Le fichier contient 1 erreur : rien n'a été importé." in page
    response = client.post(url)
    assert response.status_code == 200
    assert Answer.objects.get(item__code="1.3.2").objective_1y == ""


def test_numbers_are_read_in_the_french_way(cycle):
    content = edit(export(cycle), TABLE, {("1.3.2", "Cible à 3 ans"): "1 200,5"})
    plan = parse(content, cycle)
    assert plan.answers[0].values == {"target_3y": Decimal("1200.50")}


def test_a_figure_on_a_question_is_refused(cycle):
    content = edit(export(cycle), TABLE, {("1.3.1", "Valeur 2026"): 12})
    assert problems(content, cycle) == [
        "Ligne 2, colonne « Valeur 2026 » : une question n'a pas de valeur chiffrée : écrivez "
        "son état des lieux et ses objectifs en texte."
    ]


def test_an_unknown_assessment_lists_the_allowed_values(cycle):
    content = edit(export(cycle), TABLE, {("1.3.1", "Appréciation"): "Super"})
    assert problems(content, cycle) == [
        "Ligne 2, colonne « Appréciation » : valeur inconnue « Super » : écrivez l'une de "
        "celles-ci : Bonne pratique, À améliorer, Non traité."
    ]


def test_not_treated_needs_a_reason(cycle):
    content = edit(export(cycle), TABLE, {("1.3.1", "Appréciation"): "non traité"})
    assert problems(content, cycle) == [
        "Ligne 2, colonne « Raison si non traité » : dites pourquoi cet item n'est pas traité."
    ]


def test_an_unknown_status_lists_the_allowed_values(cycle):
    action = Action.objects.get(title="Former les administrateurs")
    content = edit(export(cycle), PLAN, {(f"A{action.pk}", "Statut"): "Bientôt"})  # row 2
    assert problems(content, cycle) == [
        "Ligne 2, colonne « Statut » : valeur inconnue « Bientôt » : "
        "écrivez l'une de celles-ci : À faire, En cours, Fait, Abandonné."
    ]


def test_dates_are_checked(cycle):
    action = Action.objects.get(title="Former les administrateurs")
    ref = f"A{action.pk}"
    content = edit(
        export(cycle),
        PLAN,
        {(ref, "Début"): "01/04/2027", (ref, "Échéance"): datetime.date(2027, 3, 1)},
        new_rows=[{"Action": "Autre", "Début": "32/13/2027", "Budget (€)": -5}],
    )
    assert problems(content, cycle) == [
        "Ligne 2, colonne « Échéance » : l'échéance ne peut pas précéder le début.",
        "Ligne 4, colonne « Budget (€) » : un budget ne peut pas être négatif.",
        "Ligne 4, colonne « Début » : « 32/13/2027 » n'est pas une date : écrivez-la sous la "
        "forme 31/03/2027.",
    ]


def test_a_theme_left_aside_needs_a_reason(cycle):
    content = edit(export(cycle), THEMES, {("1", "Retenu"): "Non"})
    assert problems(content, cycle) == [
        "Ligne 2, colonne « Raison si laissé de côté » : dites en quelques mots pourquoi ce "
        "thème est laissé de côté."
    ]


# --- Preview, confirmation, staleness ------------------------------------------------------


def test_a_preview_made_stale_by_someone_elses_save_is_refused(client, cycle, pilot):
    content = edit(export(cycle), TABLE, {("1.3.2", "Valeur 2026"): 45})
    post_file(client, cycle, content)
    url = reverse("demarches:import_preview", args=[cycle.pk])
    client.get(url)
    formed = Answer.objects.get(item__code="1.3.2")
    services.save_answer(formed, {"value": Decimal("41")}, version=formed.version, by=None)

    response = client.post(url, follow=True)
    page = response.content.decode()
    assert "a été modifié par quelqu&#x27;un d&#x27;autre depuis l&#x27;aperçu" in page
    assert Answer.objects.get(item__code="1.3.2").value == 41
    assert SESSION_KEY not in client.session


def test_an_unrelated_save_meanwhile_does_not_block_the_import(client, cycle, pilot):
    content = edit(export(cycle), TABLE, {("1.3.2", "Valeur 2026"): 45})
    post_file(client, cycle, content)
    url = reverse("demarches:import_preview", args=[cycle.pk])
    client.get(url)
    other = Answer.objects.get(item__code="1.3.1")
    services.save_answer(other, {"value": None}, version=other.version, by=None)  # same data

    client.post(url)
    assert Answer.objects.get(item__code="1.3.2").value == 45


def test_a_save_racing_with_the_apply_undoes_the_whole_import(cycle, pilot):
    content = edit(
        export(cycle),
        TABLE,
        {("1.3.1", "Objectif à 3 ans"): "Un taux de 60 %", ("1.3.2", "Valeur 2026"): 45},
    )
    plan = parse(content, cycle)
    # Someone saves between the plan and the saves: the versions no longer match.
    formed = Answer.objects.get(item__code="1.3.2")
    services.save_answer(formed, {"situation": "Autre"}, version=formed.version, by=None)
    with pytest.raises(imports.Stale):
        imports.apply(plan, by=pilot, stamps=plan.stamps)
    assert Answer.objects.get(item__code="1.3.1").objective_3y == ""
    assert Answer.objects.get(item__code="1.3.2").value == 40


def test_cancelling_removes_the_file(client, cycle, pilot):
    post_file(client, cycle, export(cycle))
    path = pending_file(client)
    response = client.post(reverse("demarches:import_preview", args=[cycle.pk]), {"cancel": "1"})
    assert response["Location"] == reverse("demarches:transfer", args=[cycle.pk])
    assert not default_storage.exists(path)


def test_the_preview_without_a_file_leads_back_to_the_upload(client, cycle, pilot):
    response = client.get(reverse("demarches:import_preview", args=[cycle.pk]))
    assert response["Location"] == reverse("demarches:import", args=[cycle.pk])


def test_a_pending_import_of_another_cycle_is_not_this_ones(client, cycle, pilot):
    post_file(client, cycle, export(cycle))
    other = CycleFactory(structure=cycle.structure, year=2027, guide=cycle.guide)
    response = client.get(reverse("demarches:import_preview", args=[other.pk]))
    assert response["Location"] == reverse("demarches:import", args=[other.pk])


@pytest.mark.parametrize("kind", [Role.Kind.CONTRIBUTOR, Role.Kind.BOARD_MEMBER])
def test_only_the_pilot_pair_imports(client, cycle, kind):
    client.force_login(RoleFactory(kind=kind, structure=cycle.structure).person)
    assert client.get(reverse("demarches:import", args=[cycle.pk])).status_code == 404
    response = post_file(client, cycle, export(cycle))
    assert response.status_code == 404
    assert client.post(reverse("demarches:import_preview", args=[cycle.pk])).status_code == 404


# --- Bounded queries -------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 25])
def test_planning_runs_the_same_queries_whatever_the_size(cycle, size, django_assert_num_queries):
    domain = DomainFactory(theme__guide=cycle.guide)
    answers = [
        AnswerFactory(cycle=cycle, item=ItemFactory(domain=domain, indicator=i % 2 == 0))
        for i in range(size)
    ]
    for i in range(size):
        ActionFactory(cycle=cycle).answers.set(answers[i : i + 2])
    tables = imports.read_file(upload(export(cycle)), cycle)
    # answers, action links, actions, theme choices, themes, people (and one more when a row
    # names an item outside the selection)
    with django_assert_num_queries(6):
        plan = imports.make_plan(tables, cycle)
    assert plan.is_valid and not plan.has_changes


def test_last_years_reminder_columns_are_not_imported(cycle, pilot):
    before = CycleFactory(structure=cycle.structure, year=2025, guide=cycle.guide)
    formed = Answer.objects.get(item__code="1.3.2")
    formed.previous = AnswerFactory(cycle=before, item=formed.item, value=Decimal("30"))
    formed.save()
    cycle.previous = before
    cycle.save()
    content = edit(export(cycle), TABLE, {("1.3.2", "Valeur 2025 (rappel, non importé)"): 99})
    plan = parse(content, cycle)
    assert plan.is_valid and not plan.has_changes
