import pytest

from guide.models import Guide
from members.models import Role
from tests.browser import assert_accessible, log_in
from tests.members.factories import RoleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pilot_browses_theme_domain_items_and_filters_indicators_only(
    live_server, page, output_path, national_guide
):
    pilot = RoleFactory(kind=Role.Kind.PILOT)
    log_in(page, live_server, pilot.person.email)

    page.get_by_role("link", name="Guides", exact=True).click()
    assert_accessible(page)
    page.get_by_role(
        "link", name="Guide des bonnes pratiques des entreprises de l'ESS"
    ).first.click()
    assert "Édition 2016" in page.content() or "Édition 2017" in page.content()
    assert_accessible(page)

    page.get_by_role("link", name="1. Les modalités effectives de gouvernance démocratique").click()
    assert page.get_by_role("heading", level=1).text_content().startswith("1. ")
    assert_accessible(page)

    page.get_by_role("link", name="1.3 Exercice du pouvoir").first.click()
    assert page.get_by_role("heading", level=1).text_content() == "1.3 Exercice du pouvoir"
    first = page.locator(".guide-item").first
    first.get_by_text("En savoir plus").click()
    assert first.locator("details").get_attribute("open") is not None
    assert_accessible(page)

    page.get_by_label("Type").select_option("indicator")
    page.get_by_role("button", name="Filtrer").click()
    badges = page.locator(".guide-item .badge").all_text_contents()
    assert badges and all(
        text.startswith("Indicateur") for text in badges if "officiel" not in text
    )
    assert_accessible(page)
    page.screenshot(path=f"{output_path}/domain-indicators.png", full_page=True)


def test_a_facilitator_searches_the_whole_guide(live_server, page, national_guide):
    facilitator = RoleFactory(facilitator=True)
    log_in(page, live_server, facilitator.person.email)
    guide = Guide.objects.national().get(edition="2017")
    page.goto(f"{live_server.url}{guide.get_absolute_url()}")
    page.get_by_role("searchbox", name="Rechercher").fill("parité")
    page.get_by_label("Thème").select_option("1")
    page.get_by_role("button", name="Filtrer").click()
    heading = page.get_by_role("heading", name="résultat")
    assert heading.count() == 1
    assert_accessible(page)
