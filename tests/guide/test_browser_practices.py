import pytest

from guide.models import Practice
from tests.browser import assert_accessible, log_in
from tests.guide.factories import PracticeFactory
from tests.members.factories import MembershipFactory, RoleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_facilitator_adds_a_practice_with_a_link_then_finds_it_by_status(
    live_server, page, output_path, national_guide
):
    facilitator = RoleFactory(facilitator=True, network__name="CRESS Occitanie")
    network = facilitator.network
    MembershipFactory(network=network, structure__name="Les Jardins du Val")
    PracticeFactory(
        title="Une AG en world café",
        network=network,
        status=Practice.Status.TESTED,
        visibility=Practice.Visibility.SHARED,
    )
    log_in(page, live_server, facilitator.person.email)

    page.get_by_role("link", name="Bibliothèque de pratiques").click()
    assert page.title() == "Bibliothèque de pratiques · Progress"
    assert_accessible(page)

    page.get_by_role("link", name="Ajouter une pratique").click()
    assert_accessible(page)
    page.get_by_label("Titre").first.fill("Un registre des besoins sans réponse")
    page.get_by_label("Description").fill("Chaque demande sans réponse est notée et relue.")
    page.get_by_label("À tester").check()
    page.get_by_label("Structure contributrice").select_option(label="Les Jardins du Val")
    page.get_by_label("1. Gouvernance démocratique").first.check()
    resource = page.get_by_role("group", name="Ressource 1")
    resource.get_by_label("Titre").fill("Modèle de registre")
    resource.get_by_label("Lien").fill("https://exemple.org/registre")
    page.get_by_role("button", name="Enregistrer").click()

    assert page.get_by_role("status").inner_text() == "Pratique ajoutée à la bibliothèque."
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Un registre des besoins sans réponse"
    )
    link = page.get_by_role("link", name="Modèle de registre")
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("rel") == "noopener"
    assert_accessible(page)
    page.screenshot(path=f"{output_path}/practice-detail.png", full_page=True)

    page.get_by_role("link", name="Bibliothèque de pratiques").first.click()
    search = page.get_by_role("search")
    search.get_by_label("Statut").select_option(label="À tester")
    search.get_by_role("button", name="Filtrer").click()
    assert page.get_by_role("heading", name="1 pratique", exact=True).is_visible()
    assert page.get_by_role("link", name="Une AG en world café").count() == 0
    assert_accessible(page)
    page.screenshot(path=f"{output_path}/practice-list.png", full_page=True)

    page.get_by_role("link", name="Un registre des besoins sans réponse").click()
    assert page.title() == "Un registre des besoins sans réponse · Progress"
    assert_accessible(page)


def test_a_resource_without_link_or_file_is_announced_in_the_error_summary(
    live_server, page, output_path, national_guide
):
    facilitator = RoleFactory(facilitator=True)
    log_in(page, live_server, facilitator.person.email)
    page.goto(f"{live_server.url}/pratiques/nouvelle/")
    page.get_by_label("Titre").first.fill("Un défi économies d'énergie")
    page.get_by_label("Description").fill("Trois sites se lancent un défi.")
    page.get_by_role("group", name="Ressource 1").get_by_label("Titre").fill("Affiche")
    page.get_by_role("button", name="Enregistrer").click()

    alert = page.get_by_role("alert")
    assert "Ressource 1, lien : Indiquez un lien ou un fichier." in alert.inner_text()
    assert_accessible(page)
    page.screenshot(path=f"{output_path}/practice-form-errors.png", full_page=True)
    assert not Practice.objects.exists()
