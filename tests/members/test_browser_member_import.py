import re

import pytest

from members.models import Structure
from tests.browser import assert_accessible, log_in
from tests.members.factories import RoleFactory
from tests.members.test_member_import import valid_siret

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KINDS = ["Association", "SCOP", "asso", "Scic", "Mutuelle", "Fondation"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def member_file(path):
    """30 members as Excel in France saves a CSV: Windows-1252, semicolons, CRLF. Rows 6, 13
    and 21 (as Excel numbers them, the header being row 1) are wrong."""
    lines = ["Raison sociale;N° SIRET;Forme juridique;Effectif;Code postal;Ville;Date d'adhésion"]
    for n in range(1, 31):
        name = f"Régie de quartier n° {n}" if n % 2 else f"Épicerie solidaire n° {n}"
        siret = valid_siret(n) if n % 3 else ""
        postcode = f"80{n:03d}"
        if n == 5:
            siret = "73282932000075"  # a wrong check digit
        if n == 12:
            name = ""
        if n == 20:
            postcode = "800"
        lines.append(f"{name};{siret};{KINDS[n % 6]};{n};{postcode};Amiens;0{n % 9 + 1}/09/2019")
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    return path


def test_a_facilitator_imports_a_member_file_with_three_bad_rows(
    live_server, page, output_path, tmp_path
):
    facilitator = RoleFactory(facilitator=True, network__name="Réseau des Hauts")
    log_in(page, live_server, facilitator.person.email)

    page.goto(f"{live_server.url}/reseau/structures/")
    page.get_by_role("link", name="Importer une liste d'adhérents").click()
    page.wait_for_url(re.compile(r"/reseau/structures/importer/\?reseau=\d+$"))
    assert page.title() == "Importer une liste d'adhérents · Progress"
    assert_accessible(page)
    page.screenshot(path=f"{output_path}/member-import-upload.png", full_page=True)

    page.get_by_label("Fichier des adhérents (.csv ou .xlsx)").set_input_files(
        member_file(tmp_path / "adhérents.csv")
    )
    page.get_by_role("button", name="Lire le fichier").click()
    page.wait_for_selector("text=Vérifiez les colonnes")
    assert "30 lignes sous la ligne d'en-têtes" in page.get_by_role("main").inner_text()
    name_column = page.get_by_label("Nom")
    assert name_column.evaluate("select => select.selectedOptions[0].text").startswith(
        "Raison sociale"
    )
    assert_accessible(page)
    page.screenshot(path=f"{output_path}/member-import-columns.png", full_page=True)

    page.get_by_role("button", name="Voir l'aperçu de l'import").click()
    page.wait_for_url(re.compile(r"/reseau/structures/importer/apercu/\?reseau=\d+$"))
    assert page.title() == "Aperçu de l'import · Progress"
    summary = page.get_by_role("table", name="Résumé")
    assert summary.get_by_role("row", name="Nouvelles structures").get_by_role(
        "cell"
    ).all_text_contents() == ["27"]
    assert summary.get_by_role("row", name="Lignes en erreur, ignorées").get_by_role(
        "cell"
    ).all_text_contents() == ["3"]
    errors = page.get_by_role("table", name="Lignes en erreur")
    lines = [row.get_by_role("cell").all_text_contents() for row in errors.get_by_role("row").all()]
    assert lines[1:] == [
        [
            "6",
            "N° SIRET",
            "Ce SIRET n'est pas valide : sa clé de contrôle ne correspond pas. Vérifiez s'il n'y "
            "a pas une faute de frappe.",
        ],
        ["13", "Raison sociale", "Le nom manque : il est obligatoire."],
        [
            "21",
            "Code postal",
            "Un code postal a 5 chiffres, comme 80000 (vous avez écrit « 800 »).",
        ],
    ]
    assert not Structure.objects.exists()
    assert_accessible(page)
    page.screenshot(path=f"{output_path}/member-import-preview.png", full_page=True)

    page.get_by_role("button", name="Importer", exact=True).click()
    page.wait_for_url(re.compile(r"/reseau/structures/\?reseau=\d+$"))
    assert (
        "Import appliqué. Nouvelles structures : 27, ajoutées au réseau : 0, mises à jour : 0, "
        "lignes en erreur ignorées : 3." in page.get_by_role("status").first.inner_text()
    )
    assert "27 structures" in page.get_by_role("main").inner_text()
    page.get_by_role("searchbox", name="Rechercher").fill("Épicerie solidaire n° 2")
    page.get_by_role("button", name="Filtrer").click()
    assert page.get_by_role("link", name="Épicerie solidaire n° 2", exact=True).count() == 1
    assert_accessible(page)
    assert facilitator.network.structures.count() == 27
