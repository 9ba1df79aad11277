import re

import pytest
from openpyxl import load_workbook

from guide.models import Guide, Item
from tests.browser import assert_accessible, log_in
from tests.members.factories import RoleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def fill_template(template_path, path, rows):
    """The downloaded template, its examples replaced by `rows`."""
    book = load_workbook(template_path)
    sheet = book["Guide"]
    sheet.delete_rows(2, sheet.max_row)
    for values in rows:
        sheet.append(values)
    book.save(path)
    return path


def item_row(number):
    theme, domain = (number - 1) // 10 + 1, (number - 1) // 5 + 1
    is_indicator = number % 2 == 0
    return [
        str(theme),
        f"Thème {theme}",
        None,
        None,
        f"{theme}.{domain}",
        f"Domaine {domain}",
        f"U{number}",
        "Indicateur" if is_indicator else "Question",
        f"Part des usagers impliqués n° {number}" if is_indicator else f"Question {number} ?",
        "%" if is_indicator else None,
        None,
        None,
        "Non",
    ]


def upload(page, path, title):
    page.get_by_label("Fichier Excel (.xlsx)").set_input_files(path)
    page.get_by_label("Titre du nouveau guide").fill(title)
    page.get_by_label("Édition du nouveau guide").fill("2026")
    page.get_by_role("button", name="Voir l'aperçu de l'import").click()
    page.wait_for_url(re.compile(r"/guides/importer/apercu/$"))


def test_a_facilitator_creates_a_guide_from_the_template_and_sees_the_errors_of_a_bad_file(
    live_server, page, output_path, tmp_path
):
    facilitator = RoleFactory(facilitator=True, network__name="Réseau des Hauts")
    log_in(page, live_server, facilitator.person.email)

    page.goto(f"{live_server.url}/guides/importer/")
    assert page.title() == "Importer un guide · Progress"
    assert_accessible(page)
    page.screenshot(path=f"{output_path}/import-upload.png", full_page=True)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le modèle Excel").click()
    download = download_info.value
    assert download.suggested_filename == "modele-guide.xlsx"
    template = tmp_path / download.suggested_filename
    download.save_as(template)
    good = fill_template(template, tmp_path / "usagers.xlsx", [item_row(n) for n in range(1, 21)])

    upload(page, good, "Implication des usagers")
    assert page.title() == "Aperçu de l'import · Progress"
    summary = page.get_by_role("table", name="Résumé")
    items_row = summary.get_by_role("row", name=re.compile("^Questions et indicateurs"))
    assert items_row.get_by_role("cell").all_text_contents() == ["20", "0", "0", "0"]
    assert page.get_by_role("table", name="Ce que l'import change").get_by_text("U20").count()
    assert not Guide.objects.filter(title="Implication des usagers").exists()
    assert_accessible(page)
    page.screenshot(path=f"{output_path}/import-preview.png", full_page=True)

    page.get_by_role("button", name="Appliquer l'import").click()
    guide = Guide.objects.get(title="Implication des usagers", network=facilitator.network)
    page.wait_for_url(f"{live_server.url}{guide.get_absolute_url()}")
    assert (
        "Import appliqué. Créés : 26, modifiés : 0, archivés : 0."
        in page.get_by_role("status").inner_text()
    )
    assert page.get_by_role("heading", level=1).inner_text() == "Implication des usagers"
    assert guide.items.count() == 20
    assert_accessible(page)

    items_before = list(Item.objects.order_by("pk").values())
    bad_rows = [item_row(n) for n in range(1, 6)]
    bad_rows[1][7] = "Sondage"  # row 3: unknown kind
    bad_rows[3][9] = None  # row 5: an indicator without unit
    bad_rows[4][6] = "U1"  # row 6: the code of row 2
    bad = fill_template(template, tmp_path / "mauvais.xlsx", bad_rows)

    page.goto(f"{live_server.url}/guides/importer/")
    upload(page, bad, "Guide raté")
    assert "Le fichier contient 3 erreurs : rien n'a été importé." in (
        page.get_by_role("alert").inner_text()
    )
    errors = page.get_by_role("table", name="Erreurs trouvées dans le fichier")
    lines = [row.get_by_role("cell").all_text_contents() for row in errors.get_by_role("row").all()]
    assert lines[1:] == [
        ["3", "Type", "Type inconnu « Sondage » : écrivez Question ou Indicateur."],
        ["5", "Unité", "Un indicateur a besoin d'une unité : remplissez cette cellule."],
        [
            "6",
            "Code",
            "Le code U1 est utilisé aux lignes 2 et 6 : un code est unique dans le guide.",
        ],
    ]
    assert page.get_by_role("button", name="Appliquer l'import").count() == 0
    assert_accessible(page)
    page.screenshot(path=f"{output_path}/import-errors.png", full_page=True)

    assert not Guide.objects.filter(title="Guide raté").exists()
    assert list(Item.objects.order_by("pk").values()) == items_before
