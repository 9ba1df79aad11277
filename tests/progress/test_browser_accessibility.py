"""Pages that no journey test visits still pass axe-core, as a facilitator sees them."""

import pytest

from tests.browser import assert_accessible, log_in
from tests.guide.factories import ItemFactory
from tests.members.factories import MembershipFactory, RoleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_forms_and_secondary_pages_are_accessible(live_server, page):
    facilitator = RoleFactory(facilitator=True)
    structure = MembershipFactory(network=facilitator.network).structure
    item = ItemFactory(domain__theme__guide__network=facilitator.network)
    guide = item.guide
    log_in(page, live_server, facilitator.person.email)
    for path in (
        "/compte/profil/",
        "/compte/mot-de-passe/",
        "/guides/nouveau/",
        f"/guides/{guide.pk}/modifier/",
        f"/guides/{guide.pk}/themes-ajouter/",
        f"/guides/{guide.pk}/elements/{item.code}/modifier/",
        f"/guides/{guide.pk}/nouvelle-edition/",
        f"/guides/{guide.pk}/imprimer/",
        f"/structures/{structure.pk}/modifier/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)


def test_a_form_with_errors_is_accessible_and_its_summary_links_to_the_field(live_server, page):
    facilitator = RoleFactory(facilitator=True)
    item = ItemFactory(domain__theme__guide__network=facilitator.network)
    log_in(page, live_server, facilitator.person.email)
    page.goto(f"{live_server.url}/guides/{item.guide.pk}/elements/{item.code}/modifier/")
    page.get_by_label("Type").select_option("indicator")
    page.get_by_role("button", name="Enregistrer").click()
    summary = page.get_by_role("alert")
    assert "Un indicateur a besoin d'une unité" in summary.text_content()
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_unit"
    assert_accessible(page)
