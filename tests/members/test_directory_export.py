from datetime import date, datetime
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from members.models import Membership, Role
from progress.lib import xlsx
from tests.members.factories import MembershipFactory, RoleFactory, StructureFactory

pytestmark = pytest.mark.django_db

HEADERS = [
    "Nom",
    "SIRET",
    "Forme juridique",
    "Effectif",
    "Secteur",
    "Adresse",
    "Code postal",
    "Commune",
    "Département",
    "Région",
    "Site web",
    "Adhérente depuis",
    "Statut de l'adhésion",
    "Pilote",
    "Copilote",
]


@pytest.fixture
def facilitator(client):
    role = RoleFactory(facilitator=True, network__name="Réseau des Hauts")
    client.force_login(role.person)
    return role


def export(client, **filters) -> list[dict]:
    """The rows of the exported sheet, as dicts keyed by header."""
    response = client.get(reverse("members:directory_export"), filters)
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content))["Structures"]
    header, *rows = sheet.iter_rows(values_only=True)
    assert list(header) == HEADERS
    return [dict(zip(HEADERS, row, strict=True)) for row in rows]


def names(rows) -> list[str]:
    return [row["Nom"] for row in rows]


def test_it_downloads_an_xlsx_named_after_the_network(client, facilitator):
    response = client.get(reverse("members:directory_export"))
    assert response["Content-Type"] == xlsx.CONTENT_TYPE
    assert 'filename="structures-reseau-des-hauts.xlsx"' in response["Content-Disposition"]


def test_it_writes_every_field_of_the_structure_and_its_adhesion(client, facilitator):
    MembershipFactory(
        network=facilitator.network,
        since_on=date(2019, 3, 1),
        status=Membership.Status.SUSPENDED,
        structure=StructureFactory(
            name="Atelier Bois",
            siret="73282932000074",
            legal_form="scop",
            headcount=12,
            sector="Menuiserie",
            address="3 rue des Copeaux",
            postcode="02000",
            commune="Laon",
            departement="Aisne",
            region="Hauts-de-France",
            website="https://atelier-bois.example.org",
        ),
    )
    [row] = export(client)
    assert row == {
        "Nom": "Atelier Bois",
        "SIRET": "73282932000074",
        "Forme juridique": "SCOP",
        "Effectif": 12,
        "Secteur": "Menuiserie",
        "Adresse": "3 rue des Copeaux",
        "Code postal": "02000",
        "Commune": "Laon",
        "Département": "Aisne",
        "Région": "Hauts-de-France",
        "Site web": "https://atelier-bois.example.org",
        "Adhérente depuis": datetime(2019, 3, 1),  # noqa: DTZ001 (a date cell reads back so)
        "Statut de l'adhésion": "Suspendue",
        "Pilote": None,
        "Copilote": None,
    }


def test_it_names_the_active_pilot_pair_with_their_e_mails(client, facilitator):
    structure = MembershipFactory(network=facilitator.network).structure
    RoleFactory(
        kind=Role.Kind.PILOT,
        structure=structure,
        person__full_name="Nadia Benali",
        person__email="nadia@example.org",
    )
    RoleFactory(
        kind=Role.Kind.COPILOT,
        structure=structure,
        person__full_name="Tom Leroy",
        person__email="tom@example.org",
    )
    RoleFactory(
        kind=Role.Kind.PILOT,
        structure=structure,
        person__full_name="Ancienne Pilote",
        started_on=date(2020, 1, 1),
        ended_on=date(2021, 1, 1),
    )
    [row] = export(client)
    assert row["Pilote"] == "Nadia Benali <nadia@example.org>"
    assert row["Copilote"] == "Tom Leroy <tom@example.org>"


def test_it_respects_the_directory_filters(client, facilitator):
    MembershipFactory(
        network=facilitator.network,
        structure__name="Atelier Bois",
        structure__legal_form="scop",
        structure__departement="Nord",
    )
    MembershipFactory(
        network=facilitator.network,
        structure__name="Jardins",
        structure__departement="Somme",
        status=Membership.Status.ENDED,
    )
    assert names(export(client)) == ["Atelier Bois", "Jardins"]
    assert names(export(client, q="bois")) == ["Atelier Bois"]
    assert names(export(client, departement="Somme")) == ["Jardins"]
    assert names(export(client, legal_form="scop")) == ["Atelier Bois"]
    assert names(export(client, status="ended")) == ["Jardins"]


def test_formula_looking_texts_are_neutralised(client, facilitator):
    MembershipFactory(
        network=facilitator.network,
        structure__name='=HYPERLINK("http://evil.example","Cliquez")',
        structure__sector="+33 Services",
    )
    [row] = export(client)
    assert row["Nom"] == '\'=HYPERLINK("http://evil.example","Cliquez")'
    assert row["Secteur"] == "'+33 Services"


def test_another_networks_structures_are_absent(client, facilitator):
    MembershipFactory(network=facilitator.network, structure__name="Chez nous")
    MembershipFactory(structure__name="Ailleurs")
    assert names(export(client)) == ["Chez nous"]


def test_a_network_not_facilitated_cannot_be_exported(client, facilitator):
    other = MembershipFactory(structure__name="Ailleurs").network
    response = client.get(reverse("members:directory_export"), {"reseau": other.pk})
    assert response.status_code == 404


def test_a_pilot_cannot_export(client):
    client.force_login(RoleFactory(kind=Role.Kind.PILOT).person)
    assert client.get(reverse("members:directory_export")).status_code == 404


@pytest.mark.parametrize("size", [2, 200])
def test_the_export_runs_the_same_queries_whatever_the_size(
    client, facilitator, size, django_assert_num_queries
):
    for membership in MembershipFactory.create_batch(size, network=facilitator.network):
        RoleFactory(kind=Role.Kind.PILOT, structure=membership.structure)
    # savepoint, session, user, roles, network, départements, adhésions, structures, pairs,
    # savepoint released
    with django_assert_num_queries(10):
        rows = export(client, legal_form="association")
    assert len(rows) == size
    assert all(row["Pilote"] for row in rows)
