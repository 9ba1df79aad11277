import zipfile
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from guide import exports, imports
from guide.imports import Status
from guide.models import Domain, Guide, Item, Theme
from guide.views.transfer import SESSION_KEY
from members.models import Role
from progress.lib import xlsx
from tests.guide.factories import DomainFactory, GuideFactory, ItemFactory, ThemeFactory
from tests.members.factories import RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADERS = [
    "Code thème",
    "Thème",
    "Titre court",
    "Enjeux du thème",
    "Code domaine",
    "Domaine d'action",
    "Code",
    "Type",
    "Libellé",
    "Unité",
    "Aide",
    "Exemple",
    "Guide officiel",
]


def row(code="1.1.1", kind="Question", text="Qui décide ?", unit=None, **cells):
    """A row of the sheet: an item of domain 1.1 in theme 1 unless told otherwise."""
    values = {
        "Code thème": "1",
        "Thème": "Gouvernance",
        "Code domaine": "1.1",
        "Domaine d'action": "Pouvoir",
        "Code": code,
        "Type": kind,
        "Libellé": text,
        "Unité": unit,
        **{header.replace("_", " "): value for header, value in cells.items()},
    }
    return [values.get(header) for header in HEADERS]


def workbook(*rows, headers=HEADERS) -> bytes:
    book = Workbook()
    book.active.title = "Guide"
    book.active.append(headers)
    for values in rows:
        book.active.append([xlsx.neutralise(value) for value in values])  # as exports do
    return xlsx.workbook_bytes(book)


def upload(content: bytes, name="guide.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=xlsx.CONTENT_TYPE)


def parse(content: bytes, guide=None) -> imports.Plan:
    return imports.parse(upload(content), guide)


def problems(content: bytes) -> list[tuple]:
    return [(p.row, p.column, p.message) for p in parse(content).problems]


def dump(guide) -> list[dict]:
    """Every stored field of the guide's themes, domains and items, updated_at included."""
    return [
        row
        for model in (Theme, Domain, Item)
        for row in model.objects.filter(guide=guide).order_by("pk").values()
    ]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def facilitator(client):
    role = RoleFactory(facilitator=True)
    client.force_login(role.person)
    return role


@pytest.fixture
def guide(facilitator):
    """A draft guide of the facilitator's network, with a bit of everything in it."""
    guide = GuideFactory(network=facilitator.network, status=Guide.Status.DRAFT)
    theme = ThemeFactory(guide=guide, code="1", title="Gouvernance", stakes="Décider ensemble")
    domain = DomainFactory(theme=theme, code="1.1", title="Pouvoir")
    ItemFactory(domain=domain, code="1.1.1", text="Qui décide ?", is_official=True)
    ItemFactory(
        domain=domain,
        code="1.1.2",
        indicator=True,
        unit=Item.Unit.KWH,
        text="=SOMME(A1:A9) consommés",  # formula-looking text must round-trip
        help_text="Sur l'année.\r\nCompteur compris.",  # as a browser sends a textarea
        example="-12 %",
    )
    ItemFactory(domain=domain, code="1.1.3", text="Une question archivée ?", is_archived=True)
    DomainFactory(theme=theme, code="1.2", title="Un domaine encore vide")
    ThemeFactory(guide=guide, code="2", title="Un thème encore vide", short_title="Vide")
    return guide


def pending_file(client) -> str:
    return f"imports/{client.session[SESSION_KEY]['token']}.xlsx"


# --- Problems in the rows, in French, with their row and column ---------------------------------


def test_it_names_a_missing_column():
    headers = [header for header in HEADERS if header != "Code domaine"]
    assert problems(workbook(headers=headers)) == [
        (
            1,
            "Code domaine",
            "La colonne « Code domaine » manque : recopiez la première ligne du modèle.",
        )
    ]


def test_it_reports_an_empty_mandatory_cell_with_its_row_and_column():
    content = workbook(row(), row(code="1.1.2", text=None))
    assert problems(content) == [(3, "Libellé", "Cette cellule est vide, or elle est obligatoire.")]


def test_it_names_both_rows_of_a_duplicate_code():
    content = workbook(row(code="Q1"), row(code="Q2"), row(code="Q1"))
    assert problems(content) == [
        (
            4,
            "Code",
            "Le code Q1 est utilisé aux lignes 2 et 4 : un code est unique dans le guide.",
        )
    ]


def test_it_refuses_an_unknown_kind():
    assert problems(workbook(row(kind="Sondage"))) == [
        (2, "Type", "Type inconnu « Sondage » : écrivez Question ou Indicateur.")
    ]


def test_it_refuses_an_unknown_unit():
    assert problems(workbook(row(kind="Indicateur", unit="litres"))) == [
        (
            2,
            "Unité",
            "Unité inconnue « litres » : choisissez parmi %, nombre, €, heures, jours, années, "
            "ratio, points, kWh, tCO2e.",
        )
    ]


def test_it_asks_for_the_unit_of_an_indicator():
    assert problems(workbook(row(kind="Indicateur"))) == [
        (2, "Unité", "Un indicateur a besoin d'une unité : remplissez cette cellule.")
    ]


def test_it_refuses_a_unit_on_a_question():
    assert problems(workbook(row(unit="%"))) == [
        (2, "Unité", "Une question n'a pas d'unité : laissez cette cellule vide.")
    ]


def test_it_refuses_a_domain_under_two_themes():
    content = workbook(row(code="Q1"), row(code="Q2", Code_thème="2", Thème="Emploi"))
    assert problems(content) == [
        (
            3,
            "Code domaine",
            "Le domaine d'action 1.1 est déjà rangé sous le thème 1 à la ligne 2 : un domaine "
            "appartient à un seul thème.",
        )
    ]


def test_it_refuses_an_invalid_code():
    assert problems(workbook(row(code="1 1"))) == [
        (
            2,
            "Code",
            "Un code se compose de lettres, de chiffres, de points ou de tirets, par exemple 1.3 "
            "ou 1.3.2.",
        )
    ]


def test_it_refuses_two_titles_for_one_theme():
    content = workbook(row(code="Q1"), row(code="Q2", Thème="Gouvernance partagée"))
    assert problems(content) == [
        (
            3,
            "Thème",
            "Le thème 1 a un autre texte à la ligne 2 : donnez les mêmes textes à toutes les "
            "lignes d'un thème.",
        )
    ]


def test_it_needs_at_least_one_row_under_the_headers():
    assert problems(workbook()) == [
        (None, "", "La feuille n'a aucune ligne sous sa ligne d'en-têtes.")
    ]


def test_it_lists_every_problem_of_the_file_at_once():
    content = workbook(row(code="Q1", kind="Sondage"), row(code="Q2", text=None), row(code="Q3"))
    assert [(row, column) for row, column, _message in problems(content)] == [
        (2, "Type"),
        (3, "Libellé"),
    ]


def test_it_reads_headers_whatever_their_case_and_codes_typed_as_numbers():
    content = workbook(
        row(Code_thème=1, Code_domaine=1.1, code=3.0),
        headers=[header.upper() for header in HEADERS],
    )
    plan = parse(content)
    assert plan.is_valid
    assert [change.node.code for change in plan.changes] == ["1", "1.1", "3"]


# --- Files that are not a plain, reasonable .xlsx ----------------------------------------------


def test_it_refuses_a_workbook_with_macros():
    with pytest.raises(xlsx.SpreadsheetError, match=r"macros \(\.xlsm\) sont refusés"):
        imports.parse(upload(workbook(row()), name="guide.xlsm"))


def test_it_refuses_macros_hidden_in_a_file_named_xlsx():
    buffer = BytesIO(workbook(row()))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"Attribute VB_Name")
    with pytest.raises(xlsx.SpreadsheetError, match=r"macros \(\.xlsm\) sont refusés"):
        parse(buffer.getvalue())


def test_it_refuses_garbage_bytes():
    with pytest.raises(xlsx.SpreadsheetError) as error:
        parse(b"\x00\x01 this is not a spreadsheet at all" * 50)
    assert (
        str(error.value) == "Ce fichier n'est pas un classeur Excel (.xlsx), ou il est endommagé."
    )


def test_it_refuses_a_zip_that_is_not_a_workbook():
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(xlsx.SpreadsheetError, match="n'est pas un classeur Excel"):
        parse(buffer.getvalue())


def test_it_refuses_another_extension():
    with pytest.raises(xlsx.SpreadsheetError, match="n'est pas un classeur Excel"):
        imports.parse(upload(workbook(row()), name="guide.csv"))


def test_it_refuses_an_oversized_file():
    with pytest.raises(xlsx.SpreadsheetError) as error:
        parse(b"0" * (xlsx.MAX_UPLOAD_BYTES + 1))
    assert str(error.value) == "Ce fichier est trop volumineux : la limite est de 5,0\xa0Mio."


def test_it_refuses_an_empty_workbook():
    with pytest.raises(xlsx.SpreadsheetError, match="Ce classeur est vide"):
        parse(xlsx.workbook_bytes(Workbook()))


# --- Applying a plan ----------------------------------------------------------------------------


def test_the_template_creates_a_new_guide_with_its_three_items(facilitator):
    plan = parse(exports.template_workbook())
    guide = imports.apply(
        plan, by=facilitator.person, title="Usagers", edition="2026", network=facilitator.network
    )
    assert (guide.status, guide.network, guide.created_by) == (
        Guide.Status.DRAFT,
        facilitator.network,
        facilitator.person,
    )
    assert list(guide.items.order_by("code").values_list("code", "kind", "unit")) == [
        ("1.1.1", "question", ""),
        ("1.1.2", "indicator", "percent"),
        ("2.1.1", "indicator", "hours"),
    ]
    assert guide.themes.get(code="1").short_title == "Gouvernance"
    assert guide.domains.get(code="2.1").theme.code == "2"


def test_importing_an_export_back_changes_nothing(guide, facilitator):
    before = dump(guide)
    guide_updated_at = guide.updated_at

    plan = parse(exports.export_guide(guide), guide)
    assert plan.is_valid
    assert [plan.count(status) for status in Status] == [0, 0, 6, 0]
    imports.apply(plan, by=facilitator.person)

    assert dump(guide) == before
    guide.refresh_from_db()
    assert guide.updated_at == guide_updated_at


def test_importing_the_national_guide_back_changes_nothing():
    national = Guide.objects.national().get(edition="2016")
    before = dump(national)
    plan = parse(exports.export_guide(national), national)
    assert plan.is_valid and not plan.has_changes
    imports.apply(plan, by=UserFactory(is_staff=True))
    assert dump(national) == before


def test_formula_looking_text_is_written_neutralised_and_read_back_as_it_was(guide):
    content = exports.export_guide(guide)
    sheet = load_workbook(BytesIO(content))["Guide"]
    assert sheet["I3"].value == "'=SOMME(A1:A9) consommés"
    assert sheet["L3"].value == "'-12 %"
    item = next(c.node for c in parse(content, guide).changes if c.node.code == "1.1.2")
    assert (item.text, item.example) == ("=SOMME(A1:A9) consommés", "-12 %")


def test_an_update_shows_each_changed_field_old_and_new(guide):
    sheet_rows = [
        row(code="1.1.1", text="Qui décide, et comment ?", Guide_officiel="Oui"),
        row(code="1.1.2", kind="Indicateur", unit="%", text="=SOMME(A1:A9) consommés"),
    ]
    plan = parse(workbook(*sheet_rows), guide)
    changed = {c.node.code: c.fields for c in plan.changes if c.status == Status.CHANGED}
    assert [(f.label, f.old, f.new) for f in changed["1.1.1"]] == [
        ("Libellé", "Qui décide ?", "Qui décide, et comment ?")
    ]
    assert [(f.label, f.old, f.new) for f in changed["1.1.2"]] == [
        ("Unité", "kWh", "%"),
        ("Aide", "Sur l'année.\r\nCompteur compris.", ""),
        ("Exemple", "-12 %", ""),
    ]


def test_an_update_moves_a_domain_to_another_theme(guide, facilitator):
    content = workbook(row(Code_thème="2", Thème="Un thème encore vide", Titre_court="Vide"))
    plan = parse(content, guide)
    change = next(c for c in plan.changes if c.node.code == "1.1")
    assert [(f.label, f.old, f.new) for f in change.fields] == [("Thème", "1", "2")]
    imports.apply(plan, by=facilitator.person)
    assert guide.domains.get(code="1.1").theme.code == "2"


def test_elements_missing_from_the_file_are_archived_not_deleted(guide, facilitator):
    plan = parse(workbook(row(code="1.1.1", Guide_officiel="Oui")), guide)
    archived = [(c.level, c.node.code) for c in plan.changes if c.status == Status.ARCHIVED]
    assert archived == [
        ("Thème", "2"),
        ("Domaine d'action", "1.2"),
        ("Question ou indicateur", "1.1.2"),
    ]

    imports.apply(plan, by=facilitator.person)

    assert guide.items.count() == 3
    assert list(guide.items.current().values_list("code", flat=True)) == ["1.1.1"]
    assert guide.themes.get(code="2").is_archived


def test_an_archived_item_back_in_the_file_is_restored(guide, facilitator):
    content = workbook(row(code="1.1.3", text="Une question archivée ?"))
    plan = parse(content, guide)
    change = next(c for c in plan.changes if c.node.code == "1.1.3")
    assert (change.status, change.fields[-1].label) == (Status.CHANGED, "Archivé")
    imports.apply(plan, by=facilitator.person)
    assert not guide.items.get(code="1.1.3").is_archived


def test_new_items_take_their_place_between_the_existing_ones(guide, facilitator):
    content = exports.export_guide(guide)
    book = load_workbook(BytesIO(content))
    book["Guide"].insert_rows(3)
    for column, value in enumerate(row(code="1.1.1bis", text="Et qui propose ?"), start=1):
        book["Guide"].cell(3, column, value)
    plan = parse(xlsx.workbook_bytes(book), guide)
    assert [plan.count(status) for status in Status] == [1, 0, 6, 0]
    imports.apply(plan, by=facilitator.person)
    assert list(guide.items.current().values_list("code", flat=True)) == [
        "1.1.1",
        "1.1.1bis",
        "1.1.2",
    ]


def test_a_plan_with_problems_cannot_be_applied(facilitator):
    plan = parse(workbook(row(kind="Sondage")))
    with pytest.raises(ValueError):
        imports.apply(plan, by=facilitator.person, title="T", edition="1")


def test_planning_an_update_runs_three_queries_whatever_the_size(guide, django_assert_num_queries):
    content = workbook(*[row(code=f"Q{n}") for n in range(200)])
    with django_assert_num_queries(3):  # themes, domains, items of the guide
        parse(content, guide)


# --- The pages: upload, preview, confirmation ---------------------------------------------------


def post_file(client, content: bytes, name="guide.xlsx", **fields):
    network = Role.objects.get(person=client.session["_auth_user_id"]).network
    data = {
        "file": upload(content, name),
        "title": "Usagers",
        "edition": "2026",
        "network": network.pk,
        **fields,
    }
    return client.post(reverse("guide:import"), data)


def test_the_upload_keeps_the_file_until_confirmation_and_writes_nothing(client, facilitator):
    response = post_file(client, exports.template_workbook())
    assert response.status_code == 302
    assert response["Location"] == reverse("guide:import_preview")
    assert default_storage.exists(pending_file(client))
    assert not Guide.objects.filter(title="Usagers").exists()


def test_the_preview_counts_what_would_be_created_and_writes_nothing(client, facilitator):
    post_file(client, exports.template_workbook())
    response = client.get(reverse("guide:import_preview"))
    assert response.status_code == 200
    summary = {row["level"]: row["counts"] for row in response.context["plan"].summary}
    assert summary["Questions et indicateurs"] == [3, 0, 0, 0]
    content = response.content.decode()
    assert "Aperçu de l'import" in content
    assert "Appliquer l'import" in content
    assert not Guide.objects.filter(title="Usagers").exists()


def test_confirming_applies_the_import_and_removes_the_file(
    client, facilitator, django_capture_on_commit_callbacks
):
    post_file(client, exports.template_workbook())
    path = pending_file(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("guide:import_preview"))
    guide = Guide.objects.get(title="Usagers", edition="2026", network=facilitator.network)
    assert response["Location"] == guide.get_absolute_url()
    assert guide.items.count() == 3
    assert not default_storage.exists(path)
    assert SESSION_KEY not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "Import appliqué. Créés : 7, modifiés : 0, archivés : 0." in page


def test_a_file_with_errors_changes_nothing_even_when_confirmed(client, facilitator, guide):
    before = dump(guide)
    post_file(client, workbook(row(), row(code="1.1.2", kind="Sondage")), guide=guide.pk)
    response = client.post(reverse("guide:import_preview"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Le fichier contient 1 erreur : rien n'a été importé." in content
    assert "Type inconnu « Sondage »" in content
    assert dump(guide) == before


def test_cancelling_removes_the_file(client, facilitator):
    post_file(client, exports.template_workbook())
    path = pending_file(client)
    response = client.post(reverse("guide:import_preview"), {"cancel": "1"})
    assert response["Location"] == reverse("guide:import")
    assert not default_storage.exists(path)
    assert not Guide.objects.filter(title="Usagers").exists()


def test_the_preview_without_a_file_leads_back_to_the_upload(client, facilitator):
    response = client.get(reverse("guide:import_preview"))
    assert response["Location"] == reverse("guide:import")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("guide.xlsm", b"PK", "Les classeurs avec macros (.xlsm) sont refusés"),
        ("guide.xlsx", b"garbage", "n&#x27;est pas un classeur Excel (.xlsx)"),
        ("guide.xlsx", b"0" * (xlsx.MAX_UPLOAD_BYTES + 1), "trop volumineux"),
    ],
)
def test_an_unreadable_file_gets_a_french_message_on_the_form(
    client, facilitator, name, content, message
):
    response = post_file(client, content, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_new_guide_needs_a_title_and_edition_not_taken(client, facilitator):
    GuideFactory(network=facilitator.network, title="Usagers", edition="2026")
    response = post_file(client, exports.template_workbook())
    assert "Ce guide a déjà une édition de ce nom." in response.content.decode()
    assert SESSION_KEY not in client.session


def test_importing_from_a_guide_page_preselects_that_guide(client, guide):
    response = client.get(reverse("guide:import"), {"guide": guide.pk})
    assert response.context["form"]["guide"].value() == guide.pk


def test_a_pilot_cannot_import(client):
    client.force_login(RoleFactory(kind=Role.Kind.PILOT).person)
    assert client.get(reverse("guide:import")).status_code == 404
    assert client.get(reverse("guide:import_preview")).status_code == 404


def test_a_facilitator_of_another_network_gets_a_404_on_importing_into_my_draft(client, guide):
    client.force_login(RoleFactory(facilitator=True).person)
    assert client.get(reverse("guide:import"), {"guide": guide.pk}).status_code == 404
    assert client.get(reverse("guide:import"), {"guide": "abc"}).status_code == 404

    response = post_file(client, exports.export_guide(guide), guide=guide.pk)
    assert "Sélectionnez un choix valide" in response.content.decode()

    session = client.session
    pending = {"token": "0" * 32, "guide": guide.pk, "title": "", "edition": "", "network": None}
    session[SESSION_KEY] = pending
    session.save()
    assert client.get(reverse("guide:import_preview")).status_code == 404


def test_a_facilitator_of_another_network_gets_a_404_on_exporting_my_draft(client, guide):
    client.force_login(RoleFactory(facilitator=True).person)
    assert client.get(reverse("guide:export", args=[guide.pk])).status_code == 404
