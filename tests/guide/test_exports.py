from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from guide import exports
from guide.models import Guide, Item
from members.models import Role
from progress.lib import xlsx
from tests.guide.factories import DomainFactory, GuideFactory, ItemFactory, ThemeFactory
from tests.members.factories import RoleFactory

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


def read(content: bytes, sheet="Guide") -> list[tuple]:
    return list(load_workbook(BytesIO(content))[sheet].iter_rows(values_only=True))


@pytest.fixture
def facilitator(client):
    role = RoleFactory(facilitator=True)
    client.force_login(role.person)
    return role


def test_it_writes_one_row_per_item_with_french_headers_in_order():
    theme = ThemeFactory(code="1", title="Gouvernance", short_title="Gouv.", stakes="Enjeux")
    domain = DomainFactory(theme=theme, code="1.1", title="Pouvoir")
    ItemFactory(domain=domain, code="1.1.1", text="Qui décide ?", help_text="Aide", example="Ex")
    ItemFactory(domain=domain, code="1.1.2", indicator=True, text="Taux", is_official=True)

    rows = read(exports.export_guide(theme.guide))

    assert list(rows[0]) == HEADERS
    assert rows[1:] == [
        ("1", "Gouvernance", "Gouv.", "Enjeux", "1.1", "Pouvoir", "1.1.1", "Question")
        + ("Qui décide ?", None, "Aide", "Ex", "Non"),
        ("1", "Gouvernance", "Gouv.", "Enjeux", "1.1", "Pouvoir", "1.1.2", "Indicateur")
        + ("Taux", "%", None, None, "Oui"),
    ]


def test_it_leaves_archived_items_out():
    item = ItemFactory(text="Encore proposée ?")
    ItemFactory(domain=item.domain, text="Archivée ?", is_archived=True)
    rows = read(exports.export_guide(item.guide))
    assert [row[8] for row in rows[1:]] == ["Encore proposée ?"]


def test_it_writes_units_with_their_code_free_labels():
    domain = DomainFactory()
    for unit in Item.Unit:
        ItemFactory(domain=domain, indicator=True, unit=unit)
    rows = read(exports.export_guide(domain.guide))
    assert [row[9] for row in rows[1:]] == [
        "%",
        "nombre",
        "€",
        "heures",
        "jours",
        "années",
        "ratio",
        "points",
        "kWh",
        "tCO2e",
    ]


def test_it_gives_a_domain_without_item_a_row_of_its_own():
    domain = DomainFactory(code="2.1", title="Domaine vide")
    rows = read(exports.export_guide(domain.guide))
    assert rows[1][4:7] == ("2.1", "Domaine vide", None)


def test_it_offers_drop_downs_for_kind_unit_and_official_guide():
    sheet = load_workbook(BytesIO(exports.export_guide(ItemFactory().guide)))["Guide"]
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists == {
        "H2:H1048576": '"Question,Indicateur"',
        "J2:J1048576": '"%,nombre,€,heures,jours,années,ratio,points,kWh,tCO2e"',
        "M2:M1048576": '"Oui,Non"',
    }


def test_it_styles_and_freezes_the_header_row():
    sheet = load_workbook(BytesIO(exports.export_guide(ItemFactory().guide)))["Guide"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["I"].width > sheet.column_dimensions["A"].width


def test_it_explains_the_columns_in_a_read_me_sheet():
    rows = read(exports.export_guide(ItemFactory().guide), sheet="Lisez-moi")
    text = "\n".join(row[0] or "" for row in rows)
    assert "Une ligne par question ou indicateur" in text
    assert "Les codes sont uniques dans le guide" in text
    assert "%, nombre, €, heures" in text


def test_it_writes_formula_looking_text_so_that_excel_never_runs_it():
    item = ItemFactory(text='=HYPERLINK("http://evil.example","clic")', help_text="+33 1 23")
    sheet = load_workbook(BytesIO(exports.export_guide(item.guide)))["Guide"]
    assert sheet["I2"].data_type == "s"
    assert sheet["I2"].value == '\'=HYPERLINK("http://evil.example","clic")'
    assert sheet["K2"].value == "'+33 1 23"


@pytest.mark.parametrize("size", [5, 50])
def test_it_runs_three_queries_whatever_the_size_of_the_guide(size, django_assert_num_queries):
    guide = GuideFactory()
    for theme_number in range(size // 5):
        domain = DomainFactory(theme__guide=guide, code=f"{theme_number}.1")
        ItemFactory.create_batch(5, domain=domain)
    with django_assert_num_queries(3):  # themes, domains, items
        rows = read(exports.export_guide(guide))
    assert len(rows) == size + 1


def test_the_template_has_three_example_rows():
    rows = read(exports.template_workbook())
    assert list(rows[0]) == HEADERS
    assert [row[6] for row in rows[1:]] == ["1.1.1", "1.1.2", "2.1.1"]
    assert [row[7] for row in rows[1:]] == ["Question", "Indicateur", "Indicateur"]


def test_a_facilitator_downloads_the_template(client, facilitator):
    response = client.get(reverse("guide:template"))
    assert response.status_code == 200
    assert response["Content-Type"] == xlsx.CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="modele-guide.xlsx"'


def test_the_template_is_not_offered_to_a_pilot(client):
    client.force_login(RoleFactory(kind=Role.Kind.PILOT).person)
    assert client.get(reverse("guide:template")).status_code == 404


def test_the_export_is_a_download_named_after_the_guide(client, facilitator):
    guide = GuideFactory(network=facilitator.network, title="Implication des usagers")
    response = client.get(reverse("guide:export", args=[guide.pk]))
    assert response["Content-Type"] == xlsx.CONTENT_TYPE
    assert response["Content-Disposition"] == (
        'attachment; filename="guide-implication-des-usagers-2026.xlsx"'
    )
    assert read(response.content)[0][0] == "Code thème"


def test_a_pilot_exports_the_national_guide(client):
    client.force_login(RoleFactory(kind=Role.Kind.PILOT).person)
    national = Guide.objects.national().get(edition="2016")
    response = client.get(reverse("guide:export", args=[national.pk]))
    assert response.status_code == 200
    assert len(read(response.content)) == national.items.current().count() + 1


def test_a_facilitator_of_another_network_cannot_export_my_draft(client, facilitator):
    draft = GuideFactory(network=RoleFactory(facilitator=True).network, status=Guide.Status.DRAFT)
    assert client.get(reverse("guide:export", args=[draft.pk])).status_code == 404


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+33", "-", "@SUM(A1)", "\tx", "'=1", "''=1", "'plain", "plain", "", "a=b"],
)
def test_neutralised_text_reads_back_as_written(text):
    assert xlsx.unneutralise(xlsx.neutralise(text)) == text
    assert not xlsx.neutralise(text).startswith(xlsx.FORMULA_STARTS)
