import codecs
import zipfile
from datetime import date, datetime
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from members import exports, imports
from members.imports import Status
from members.models import Membership, Role, Structure
from members.views.transfer import SESSION_KEY
from progress.lib import xlsx
from tests.members.factories import MembershipFactory, RoleFactory, StructureFactory

pytestmark = pytest.mark.django_db

HEADERS = ["Raison sociale", "SIRET", "Forme juridique", "Effectif", "CP", "Ville"]


def valid_siret(number: int) -> str:
    """A SIRET whose Luhn key is right: 13 digits from `number`, then the check digit."""
    body = f"{number + 1_000_000_000_000:013d}"
    for last in "0123456789":
        total = 0
        for position, digit in enumerate(reversed(body + last)):
            n = int(digit) * (2 if position % 2 else 1)
            total += n - 9 if n > 9 else n
        if total % 10 == 0:
            return body + last
    raise AssertionError("unreachable")


def csv_bytes(*rows, headers=HEADERS, delimiter=";", encoding="cp1252") -> bytes:
    lines = [delimiter.join(headers)] + [delimiter.join(str(v) for v in row) for row in rows]
    return "\r\n".join(lines).encode(encoding)


def workbook(*rows, headers=HEADERS) -> bytes:
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(list(row))
    return xlsx.workbook_bytes(book)


def upload(content: bytes, name="adherents.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def plan_for(network, content: bytes, name="adherents.csv", **mapping) -> imports.Plan:
    table = imports.read_table(upload(content, name))
    return imports.parse(table, {**imports.propose_mapping(table.headers), **mapping}, network)


def problems(plan) -> list[tuple]:
    return [(p.row, p.column, p.message) for p in plan.problems]


def statuses(plan) -> list[tuple]:
    return [(c.row, c.status) for c in plan.changes]


def imported(network, content: bytes, name="adherents.csv") -> imports.Plan:
    plan = plan_for(network, content, name)
    imports.apply(plan)
    return plan


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
def network(facilitator):
    return facilitator.network


# --- Reading CSV and Excel files ---------------------------------------------------------------


def test_it_reads_a_latin1_csv_separated_by_semicolons_with_accents(network):
    content = csv_bytes(
        ["Écocyclerie des Bords d'Aa", "", "Association", "4", "62500", "Saint-Omer"]
    )
    assert content.decode("cp1252")  # as Excel in France saves "CSV (séparateur : point-virgule)"
    imported(network, content)
    structure = Structure.objects.get()
    assert (structure.name, structure.commune) == ("Écocyclerie des Bords d'Aa", "Saint-Omer")
    assert Membership.objects.get().network == network


def test_it_reads_a_utf8_csv_with_a_byte_order_mark_separated_by_commas(network):
    content = codecs.BOM_UTF8 + csv_bytes(
        ["Régie de quartier Œuvre", "", "", "", "80000", "Amiens"], delimiter=",", encoding="utf-8"
    )
    table = imports.read_table(upload(content))
    assert table.headers == HEADERS  # the BOM is not part of the first header
    imported(network, content)
    assert Structure.objects.get().name == "Régie de quartier Œuvre"


def test_it_reads_a_utf16_csv_as_some_crms_export_it(network):
    content = codecs.BOM_UTF16_LE + csv_bytes(
        ["Régie Œuvre", "", "", "", "80000", "Amiens"], delimiter="\t", encoding="utf-16-le"
    )
    imported(network, content)
    assert Structure.objects.get().name == "Régie Œuvre"


def test_it_reads_a_tab_separated_csv_with_quoted_cells(network):
    content = csv_bytes(['"Jardins; du Val"', "", "", "", "80000", "Amiens"], delimiter="\t")
    imported(network, content)
    assert Structure.objects.get().name == "Jardins; du Val"


def test_it_reads_an_xlsx_workbook_with_numbers_and_real_dates(network):
    siret = valid_siret(1)
    content = workbook(
        ["Atelier Bois", int(siret), "SCOP", 12, 2000, "Laon", datetime(2019, 3, 1)],  # noqa: DTZ001
        headers=[*HEADERS, "Date d'adhésion"],
    )
    imported(network, content, name="adherents.xlsx")
    structure = Structure.objects.get()
    assert (structure.siret, structure.legal_form, structure.headcount) == (siret, "scop", 12)
    assert structure.postcode == "02000"  # the leading zero a number cell dropped
    assert Membership.objects.get().since_on == date(2019, 3, 1)


def test_it_proposes_a_column_for_each_field_from_usual_header_names():
    headers = [
        "Nom",
        "N° SIRET",
        "Statut juridique",
        "Nombre de salariés",
        "Secteur d'activité",
        "Adresse",
        "Code postal",
        "VILLE",
        "Département",
        "Région",
        "Site internet",
        "Date d'adhésion",
        "Notes",
    ]
    assert imports.propose_mapping(headers) == {
        "name": 0,
        "siret": 1,
        "legal_form": 2,
        "headcount": 3,
        "sector": 4,
        "address": 5,
        "postcode": 6,
        "commune": 7,
        "departement": 8,
        "region": 9,
        "website": 10,
        "since_on": 11,
    }


def test_a_column_the_mapping_does_not_recognise_is_ignored():
    mapping = imports.propose_mapping(["Raison sociale", "Statut de l'adhésion", "Remarques"])
    assert mapping["name"] == 0
    assert {key for key, index in mapping.items() if index is not None} == {"name"}


@pytest.mark.parametrize(
    ("written", "legal_form"),
    [
        ("asso", "association"),
        ("Association loi 1901", "association"),
        ("SCOP SARL", "scop"),
        ("Scic", "scic"),
        ("Coopérative", "cooperative"),
        ("Mutuelle", "mutuelle"),
        ("fondation", "fondation"),
        ("SAS ESUS", "ess_company"),
        ("Entreprise de l'ESS", "ess_company"),
        ("Société commerciale de l'ESS", "ess_company"),
        ("Autre", "other"),
    ],
)
def test_legal_forms_are_read_from_french_labels_and_abbreviations(network, written, legal_form):
    plan = plan_for(network, csv_bytes(["Jardins", "", written, "", "80000", "Amiens"]))
    assert plan.changes[0].structure.legal_form == legal_form


@pytest.mark.parametrize("written", ["01/03/2019", "1/3/2019", "2019-03-01", "2019-03-01 00:00:00"])
def test_dates_are_read_day_first_or_year_first(network, written):
    headers = ["Nom", "Date d'adhésion"]
    plan = plan_for(network, csv_bytes(["Jardins", written], headers=headers))
    assert plan.changes[0].membership.since_on == date(2019, 3, 1)


# --- Row-level errors, in French, with the row as Excel numbers it -----------------------------


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        (
            ["", valid_siret(1), "", "", "80000", "Amiens"],
            "Raison sociale",
            "Le nom manque : il est obligatoire.",
        ),
        (
            ["Jardins", "7328293200", "", "", "80000", "Amiens"],
            "SIRET",
            "Un SIRET comporte 14 chiffres (vous avez saisi 10 caractères).",
        ),
        (
            ["Jardins", "73282932000075", "", "", "80000", "Amiens"],
            "SIRET",
            "Ce SIRET n'est pas valide : sa clé de contrôle ne correspond pas. Vérifiez s'il n'y "
            "a pas une faute de frappe.",
        ),
        (
            ["Jardins", "", "", "", "8000A", "Amiens"],
            "CP",
            "Un code postal a 5 chiffres, comme 80000 (vous avez écrit « 8000A »).",
        ),
        (
            ["Jardins", "", "", "12,5", "80000", "Amiens"],
            "Effectif",
            "L'effectif doit être un nombre entier, comme 12 (vous avez écrit « 12,5 »).",
        ),
        (
            ["Jardins", "", "GIE", "", "80000", "Amiens"],
            "Forme juridique",
            "Forme juridique inconnue « GIE » : écrivez l'une de celles-ci : Association, SCOP, "
            "SCIC, Autre coopérative, Mutuelle, Fondation, Société commerciale de l'ESS, Autre.",
        ),
    ],
)
def test_a_bad_cell_is_reported_in_french_with_its_row_and_column(network, cells, column, message):
    good = ["Atelier Bois", "", "", "", "80000", "Amiens"]
    plan = plan_for(network, csv_bytes(good, cells))
    assert problems(plan) == [(3, column, message)]
    assert statuses(plan) == [(2, Status.CREATED)]


def test_a_date_not_understood_is_reported_with_its_row(network):
    headers = ["Nom", "Date d'adhésion"]
    plan = plan_for(network, csv_bytes(["Jardins", "mars 2019"], headers=headers))
    assert problems(plan) == [
        (
            2,
            "Date d'adhésion",
            "Cette date n'est pas comprise : « mars 2019 ». Écrivez-la sous la forme 31/12/2024 "
            "ou 2024-12-31.",
        )
    ]


def test_row_numbers_count_the_empty_rows_as_excel_shows_them(network):
    content = csv_bytes(
        ["Jardins", "", "", "", "80000", "Amiens"], [""] * 6, ["", "", "", "", "", "x"]
    )
    assert problems(plan_for(network, content))[0][0] == 4


def test_rows_with_errors_are_skipped_and_the_valid_ones_applied(network):
    plan = imported(
        network,
        csv_bytes(
            ["Atelier Bois", "", "", "", "80000", "Amiens"],
            ["Jardins", "", "", "", "800", "Amiens"],
        ),
    )
    assert plan.skipped == 1
    assert list(Structure.objects.values_list("name", flat=True)) == ["Atelier Bois"]


# --- Matching with the structures Progress knows -----------------------------------------------


def test_an_existing_structure_is_found_by_its_siret_first(network):
    siret = valid_siret(7)
    known = StructureFactory(name="Ancien nom", siret=siret, postcode="80000")
    StructureFactory(name="Nouveau nom", postcode="80000")  # the name matches, not the SIRET
    MembershipFactory(network=network, structure=known)
    plan = plan_for(network, csv_bytes(["Nouveau nom", siret, "", "", "80000", "Amiens"]))
    assert plan.changes[0].structure.pk == known.pk
    assert [(f.label, f.old, f.new) for f in plan.changes[0].fields] == [
        ("Nom", "Ancien nom", "Nouveau nom")
    ]


def test_without_siret_a_structure_is_found_by_name_and_postcode_ignoring_accents_and_case(
    network,
):
    known = StructureFactory(name="Régie de Quartier – Étouvie", postcode="80000")
    MembershipFactory(network=network, structure=known)
    plan = plan_for(network, csv_bytes(["REGIE DE QUARTIER ETOUVIE", "", "", "", "80000", ""]))
    assert plan.changes[0].structure.pk == known.pk


def test_the_same_name_in_another_postcode_is_another_structure(network):
    MembershipFactory(network=network, structure__name="Jardins", structure__postcode="80000")
    plan = plan_for(network, csv_bytes(["Jardins", "", "", "", "60000", "Beauvais"]))
    assert statuses(plan) == [(2, Status.CREATED)]


def test_a_structure_with_another_siret_is_not_matched_by_its_name(network):
    MembershipFactory(
        network=network,
        structure__name="Jardins",
        structure__postcode="80000",
        structure__siret=valid_siret(1),
    )
    plan = plan_for(network, csv_bytes(["Jardins", valid_siret(2), "", "", "80000", "Amiens"]))
    assert statuses(plan) == [(2, Status.CREATED)]


def test_a_row_without_siret_fills_in_the_siret_of_a_structure_found_by_name(network):
    known = MembershipFactory(network=network, structure__name="Jardins").structure
    imported(network, csv_bytes(["Jardins", valid_siret(3), "", "", "80000", "Amiens"]))
    known.refresh_from_db()
    assert known.siret == valid_siret(3)
    assert Structure.objects.count() == 1


def test_a_siret_twice_in_the_file_is_reported_on_the_second_row(network):
    siret = valid_siret(4)
    plan = plan_for(
        network,
        csv_bytes(
            ["Jardins", siret, "", "", "80000", "Amiens"],
            ["Atelier Bois", "", "", "", "80000", "Amiens"],
            ["Jardins du Val", siret, "", "", "80000", "Amiens"],
        ),
    )
    assert problems(plan) == [(4, "SIRET", "Même SIRET qu'à la ligne 2 : cette ligne est ignorée.")]
    assert statuses(plan) == [(2, Status.CREATED), (3, Status.CREATED)]


def test_a_name_and_postcode_twice_in_the_file_is_reported_on_the_second_row(network):
    plan = plan_for(
        network,
        csv_bytes(
            ["Jardins du Val", "", "", "", "80000", "Amiens"],
            ["JARDINS DU VAL", "", "", "4", "80000", "Amiens"],
        ),
    )
    assert problems(plan) == [
        (
            3,
            "Raison sociale",
            "Même nom et même code postal qu'à la ligne 2 : cette ligne est ignorée.",
        )
    ]


def test_two_rows_that_designate_one_known_structure_are_reported(network):
    siret = valid_siret(5)
    MembershipFactory(
        network=network,
        structure__name="Jardins",
        structure__postcode="80000",
        structure__siret=siret,
    )
    plan = plan_for(
        network,
        csv_bytes(
            ["Les Jardins", siret, "", "", "80000", "Amiens"],
            ["Jardins", "", "", "", "80000", "Amiens"],
        ),
    )
    assert problems(plan) == [
        (
            3,
            "Raison sociale",
            "Cette ligne désigne la même structure que la ligne 2 : elle est ignorée.",
        )
    ]


def test_reimporting_the_same_file_changes_nothing(network):
    content = csv_bytes(
        ["Jardins du Val", valid_siret(1), "SCOP", "12", "80000", "Amiens"],
        ["Atelier Bois", "", "asso", "", "02000", "Laon"],
    )
    imported(network, content)
    before = list(Structure.objects.order_by("pk").values())
    plan = imported(network, content)
    assert statuses(plan) == [(2, Status.UNCHANGED), (3, Status.UNCHANGED)]
    assert not plan.has_changes
    assert list(Structure.objects.order_by("pk").values()) == before  # updated_at included
    assert Membership.objects.count() == 2


def test_importing_the_directory_export_back_changes_nothing(network):
    membership = MembershipFactory(
        network=network,
        since_on=date(2018, 9, 1),
        structure__name="=1+1 Jardins",  # formula-looking: neutralised, then read back as it was
        structure__siret=valid_siret(9),
        structure__legal_form=Structure.LegalForm.ESS_COMPANY,
        structure__headcount=7,
        structure__website="https://jardins.example.org",
        structure__postcode="02000",
    )
    content = exports.export_directory(network, Membership.objects.all())
    plan = plan_for(network, content, name="structures.xlsx")
    assert problems(plan) == []
    assert statuses(plan) == [(2, Status.UNCHANGED)]
    assert plan.changes[0].structure.pk == membership.structure.pk


def test_an_update_shows_each_changed_field_old_and_new(network):
    MembershipFactory(
        network=network,
        since_on=date(2018, 9, 1),
        structure__name="Jardins",
        structure__headcount=4,
        structure__commune="Amiens",
    )
    headers = [*HEADERS, "Date d'adhésion"]
    plan = plan_for(
        network,
        csv_bytes(["Jardins", "", "SCOP", "5", "80000", "Amiens", "01/09/2020"], headers=headers),
    )
    assert statuses(plan) == [(2, Status.UPDATED)]
    assert [(f.label, f.old, f.new) for f in plan.changes[0].fields] == [
        ("Forme juridique", "Association", "SCOP"),
        ("Effectif", "4", "5"),
        ("Adhérente depuis", "01/09/2018", "01/09/2020"),
    ]
    imports.apply(plan)
    membership = Membership.objects.get()
    assert membership.since_on == date(2020, 9, 1)
    assert (membership.structure.legal_form, membership.structure.headcount) == ("scop", 5)


def test_an_empty_cell_leaves_the_stored_value_alone(network):
    MembershipFactory(network=network, structure__name="Jardins", structure__headcount=4)
    plan = imported(network, csv_bytes(["Jardins", "", "", "", "80000", ""]))
    assert statuses(plan) == [(2, Status.UNCHANGED)]
    structure = Structure.objects.get()
    assert (structure.headcount, structure.commune) == (4, "Amiens")


def test_structures_missing_from_the_file_keep_their_adhesion(network):
    MembershipFactory(network=network, structure__name="Pas dans le fichier")
    imported(network, csv_bytes(["Jardins", "", "", "", "80000", "Amiens"]))
    assert Membership.objects.filter(network=network).count() == 2


def test_a_structure_of_another_network_joins_mine_without_being_duplicated(network):
    siret = valid_siret(6)
    elsewhere = MembershipFactory(structure__name="Jardins", structure__siret=siret).structure
    plan = imported(network, csv_bytes(["Jardins", siret, "", "", "80000", "Amiens"]))
    assert statuses(plan) == [(2, Status.JOINED)]
    assert Structure.objects.count() == 1
    assert set(elsewhere.memberships.values_list("network", flat=True)) == {
        network.pk,
        Membership.objects.exclude(network=network).get().network_id,
    }
    assert elsewhere.memberships.get(network=network).status == Membership.Status.ACTIVE


def test_joining_neither_shows_nor_overwrites_what_another_network_recorded(network):
    siret = valid_siret(7)
    elsewhere = MembershipFactory(
        structure__name="Jardins", structure__siret=siret, structure__commune="Amiens"
    ).structure
    plan = imported(network, csv_bytes(["Jardins", siret, "scop", "99", "80000", "Lille"]))
    assert [c.fields for c in plan.changes] == [[]]
    elsewhere.refresh_from_db()
    assert (elsewhere.commune, elsewhere.headcount) == ("Amiens", None)


def test_a_name_without_postcode_matches_only_a_structure_of_my_network(network):
    MembershipFactory(structure__name="Jardins", structure__postcode="")  # another network's
    plan = plan_for(network, csv_bytes(["Jardins", "", "", "", "", ""]))
    assert statuses(plan) == [(2, Status.CREATED)]


def test_an_ended_adhesion_keeps_its_status(network):
    MembershipFactory(network=network, structure__name="Jardins", status=Membership.Status.ENDED)
    imported(network, csv_bytes(["Jardins", "", "", "", "80000", "Amiens"]))
    assert Membership.objects.get().status == Membership.Status.ENDED


# --- Files that cannot be read -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "adherents.csv",
            b"\x00\x01\x02 not a spreadsheet" * 50,
            "Ce fichier n'est pas un fichier CSV, ou son encodage n'est pas reconnu : "
            "enregistrez-le depuis votre tableur au format « CSV UTF-8 » ou « Classeur Excel "
            "(.xlsx) ».",
        ),
        (
            "adherents.xlsx",
            b"garbage",
            "Ce fichier n'est pas un classeur Excel (.xlsx), ou il est endommagé.",
        ),
        (
            "adherents.xlsm",
            b"PK",
            "Les classeurs avec macros (.xlsm) sont refusés : enregistrez le fichier au format "
            "Classeur Excel (.xlsx).",
        ),
        (
            "adherents.xls",
            b"\xd0\xcf\x11\xe0",
            "Les anciens fichiers Excel (.xls) ne peuvent pas être lus : enregistrez le fichier "
            "au format Classeur Excel (.xlsx) ou en CSV.",
        ),
        (
            "adherents.pdf",
            b"%PDF-1.4",
            "Choisissez un fichier CSV (.csv) ou un classeur Excel (.xlsx).",
        ),
        ("adherents.csv", b"", "Ce fichier est vide."),
        (
            "adherents.csv",
            b"Nom;SIRET\r\n",
            "Le fichier n'a aucune ligne sous sa ligne d'en-têtes.",
        ),
    ],
)
def test_a_file_that_cannot_be_read_gets_a_french_message(name, content, message):
    with pytest.raises(xlsx.SpreadsheetError) as error:
        imports.read_table(upload(content, name))
    assert str(error.value) == message


def test_macros_hidden_in_a_file_named_xlsx_are_refused():
    buffer = BytesIO(workbook(["Jardins"]))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"Attribute VB_Name")
    with pytest.raises(xlsx.SpreadsheetError, match=r"macros \(\.xlsm\) sont refusés"):
        imports.read_table(upload(buffer.getvalue(), "adherents.xlsx"))


@pytest.mark.parametrize("name", ["adherents.csv", "adherents.xlsx"])
def test_an_oversized_file_is_refused(name):
    with pytest.raises(xlsx.SpreadsheetError) as error:
        imports.read_table(upload(b"0" * (xlsx.MAX_UPLOAD_BYTES + 1), name))
    assert str(error.value) == "Ce fichier est trop volumineux : la limite est de 5,0\xa0Mio."


def test_a_file_with_too_many_rows_is_refused():
    content = csv_bytes(*[[f"S{n}", "", "", "", "80000", ""] for n in range(imports.MAX_ROWS + 1)])
    with pytest.raises(xlsx.SpreadsheetError, match="plus de 5000 lignes"):
        imports.read_table(upload(content))


# --- Applying ----------------------------------------------------------------------------------


def test_nothing_is_half_applied_when_the_apply_fails(network, monkeypatch):
    plan = plan_for(network, csv_bytes(["Jardins", "", "", "", "80000", "Amiens"]))

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Membership.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        imports.apply(plan)
    assert not Structure.objects.exists()


def rows_for(count: int, offset: int = 0) -> list[list[str]]:
    """`count` rows: one in three updates a structure already in the network."""
    return [
        [f"Structure {n}", valid_siret(n), "SCOP", str(n % 50), f"{80000 + n % 90}", "Amiens"]
        for n in range(offset, offset + count)
    ]


@pytest.mark.parametrize("count", [10, 40])
def test_parsing_runs_two_queries_whatever_the_size(network, count, django_assert_num_queries):
    content = csv_bytes(*rows_for(count))
    with django_assert_num_queries(2):  # this network's adhésions, the structures it may match
        plan_for(network, content)


def test_the_apply_runs_as_many_queries_whatever_the_size(network):
    queries = []
    for count, offset in [(10, 0), (40, 100)]:
        for n in range(offset, offset + count, 3):  # structures the file updates
            MembershipFactory(network=network, structure__siret=valid_siret(n))
        plan = plan_for(network, csv_bytes(*rows_for(count, offset)))
        assert plan.count(Status.CREATED) and plan.count(Status.UPDATED)
        with CaptureQueriesContext(connection) as captured:
            imports.apply(plan)
        queries.append(len(captured))
    # savepoint, structures, adhésions, updated structures, released savepoint
    assert queries[0] == queries[1] <= 6, queries


# --- The pages: upload, columns, preview, confirmation -----------------------------------------


def post_file(client, network, content: bytes, name="adherents.csv"):
    url = f"{reverse('members:import')}?reseau={network.pk}"
    return client.post(url, {"file": upload(content, name)})


def post_mapping(client, network, **changes):
    url = f"{reverse('members:import')}?reseau={network.pk}"
    mapping = {**client.get(url).context["mapping_form"].initial, **changes}
    return client.post(url, {"step": "mapping", **mapping})


def preview_url(network) -> str:
    return f"{reverse('members:import_preview')}?reseau={network.pk}"


GOOD_FILE = csv_bytes(
    ["Jardins du Val", valid_siret(1), "asso", "3", "80000", "Amiens"],
    ["Atelier Bois", "", "SCOP", "", "800", "Laon"],
)


def test_the_upload_keeps_the_file_and_shows_the_proposed_columns(client, network):
    response = post_file(client, network, GOOD_FILE)
    assert response["Location"] == f"{reverse('members:import')}?reseau={network.pk}"
    pending = client.session[SESSION_KEY]
    assert default_storage.exists(f"imports/{pending['token']}.csv")
    page = client.get(response["Location"])
    assert page.context["mapping_form"].initial["postcode"] == "4"  # the column "CP"
    assert "Vérifiez les colonnes" in page.content.decode()
    assert not Structure.objects.exists()


def test_the_preview_lists_what_would_change_and_the_errors_and_writes_nothing(client, network):
    post_file(client, network, GOOD_FILE)
    assert post_mapping(client, network)["Location"] == preview_url(network)
    response = client.get(preview_url(network))
    content = response.content.decode()
    assert "Aperçu de l'import" in content
    assert "Nouvelle structure" in content and "Jardins du Val" in content
    assert "Un code postal a 5 chiffres, comme 80000 (vous avez écrit « 800 »)." in content
    assert [(label, count) for label, count in response.context["plan"].summary] == [
        ("Nouvelles structures", 1),
        ("Structures déjà connues qui rejoignent le réseau", 0),
        ("Structures mises à jour", 0),
        ("Structures inchangées", 0),
        ("Lignes en erreur, ignorées", 1),
    ]
    assert not Structure.objects.exists()


def test_a_corrected_mapping_is_used_for_the_preview(client, network):
    content = csv_bytes(
        ["Jardins", "", "", "", "80000", "Amiens"], headers=["A", "B", "C", "D", "E", "F"]
    )
    post_file(client, network, content)
    post_mapping(client, network, name="0", postcode="4", commune="5")
    plan = client.get(preview_url(network)).context["plan"]
    structure = plan.changes[0].structure
    assert (structure.name, structure.postcode, structure.commune) == ("Jardins", "80000", "Amiens")


def test_a_mapping_without_the_name_column_is_refused(client, network):
    post_file(client, network, GOOD_FILE)
    response = post_mapping(client, network, name="")
    assert response.status_code == 200
    assert "Choisissez la colonne qui contient le nom des structures." in response.content.decode()
    assert client.session[SESSION_KEY]["mapping"] is None
    assert client.get(preview_url(network))["Location"].startswith(reverse("members:import"))


def test_a_column_chosen_for_two_fields_is_refused(client, network):
    post_file(client, network, GOOD_FILE)
    response = post_mapping(client, network, commune="0")
    assert "La colonne « Raison sociale » est déjà choisie pour « Nom »." in (
        response.content.decode()
    )


def test_confirming_applies_the_valid_rows_and_says_how_many(
    client, network, django_capture_on_commit_callbacks
):
    post_file(client, network, GOOD_FILE)
    path = f"imports/{client.session[SESSION_KEY]['token']}.csv"
    post_mapping(client, network)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(preview_url(network))
    assert response["Location"] == f"{reverse('members:directory')}?reseau={network.pk}"
    assert list(network.structures.values_list("name", flat=True)) == ["Jardins du Val"]
    assert not default_storage.exists(path)
    assert SESSION_KEY not in client.session
    page = client.get(response["Location"]).content.decode()
    assert (
        "Import appliqué. Nouvelles structures : 1, ajoutées au réseau : 0, mises à jour : 0, "
        "lignes en erreur ignorées : 1." in page
    )


def test_a_file_gone_from_the_storage_is_asked_for_again(client, network):
    post_file(client, network, GOOD_FILE)
    default_storage.delete(f"imports/{client.session[SESSION_KEY]['token']}.csv")
    response = client.get(f"{reverse('members:import')}?reseau={network.pk}", follow=True)
    assert "Le fichier n&#x27;est plus disponible : choisissez-le à nouveau." in (
        response.content.decode()
    )
    assert response.context["mapping_form"] is None
    assert SESSION_KEY not in client.session


def test_a_siret_taken_meanwhile_fails_the_whole_apply(network):
    siret = valid_siret(8)
    plan = plan_for(
        network,
        csv_bytes(
            ["Atelier Bois", "", "", "", "80000", "Amiens"],
            ["Jardins", siret, "", "", "80000", "Amiens"],
        ),
    )
    StructureFactory(name="Créée entre-temps", siret=siret)
    with pytest.raises(IntegrityError):
        imports.apply(plan)
    assert list(Structure.objects.values_list("name", flat=True)) == ["Créée entre-temps"]


def test_a_failed_confirmation_keeps_the_import_and_says_why(client, network, monkeypatch):
    post_file(client, network, GOOD_FILE)
    post_mapping(client, network)

    def fail(plan):
        raise IntegrityError("structure_siret_unique")

    monkeypatch.setattr(imports, "apply", fail)
    response = client.post(preview_url(network), follow=True)
    assert "L&#x27;annuaire a changé pendant l&#x27;import, qui n&#x27;a pas été appliqué" in (
        response.content.decode()
    )
    assert SESSION_KEY in client.session


def test_cancelling_removes_the_file_and_writes_nothing(client, network):
    post_file(client, network, GOOD_FILE)
    path = f"imports/{client.session[SESSION_KEY]['token']}.csv"
    post_mapping(client, network)
    client.post(preview_url(network), {"cancel": "1"})
    assert not default_storage.exists(path)
    assert not Structure.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("adherents.csv", b"\x00garbage" * 10, "n&#x27;est pas un fichier CSV"),
        ("adherents.xlsx", b"garbage", "n&#x27;est pas un classeur Excel (.xlsx)"),
        ("adherents.csv", b"0" * (xlsx.MAX_UPLOAD_BYTES + 1), "trop volumineux"),
    ],
)
def test_an_unreadable_file_gets_a_french_message_on_the_form(
    client, network, name, content, message
):
    response = post_file(client, network, content, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert SESSION_KEY not in client.session


def test_the_preview_without_a_file_leads_back_to_the_upload(client, network):
    response = client.get(preview_url(network))
    assert response["Location"] == f"{reverse('members:import')}?reseau={network.pk}"


def test_a_facilitator_of_another_network_cannot_reach_my_import(client, network):
    post_file(client, network, GOOD_FILE)
    post_mapping(client, network)
    session = dict(client.session[SESSION_KEY])
    other = RoleFactory(facilitator=True)
    client.force_login(other.person)
    assert client.get(preview_url(network)).status_code == 404
    assert client.post(preview_url(network)).status_code == 404
    assert client.get(f"{reverse('members:import')}?reseau={network.pk}").status_code == 404
    # Even holding my session's import, it only reaches their own network, where it is not.
    stolen = client.session
    stolen[SESSION_KEY] = session
    stolen.save()
    assert client.post(reverse("members:import_preview")).status_code == 302
    assert not Structure.objects.exists()


def test_a_pilot_cannot_import(client):
    client.force_login(RoleFactory(kind=Role.Kind.PILOT).person)
    assert client.get(reverse("members:import")).status_code == 404
    assert client.get(reverse("members:import_preview")).status_code == 404
