import pytest
from django.urls import reverse

from guide.models import Guide, Item
from members.models import Role
from tests.guide.factories import (
    DomainFactory,
    GuideFactory,
    ItemFactory,
    PracticeFactory,
    ThemeFactory,
)
from tests.members.factories import MembershipFactory, RoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def national():
    return Guide.objects.national().get(edition="2016")


@pytest.fixture
def pilot(client):
    role = RoleFactory(kind=Role.Kind.PILOT)
    client.force_login(role.person)
    return role


def test_the_guide_list_needs_a_login(client):
    response = client.get(reverse("guide:list"))
    assert response.status_code == 302


def test_a_pilot_browses_theme_domain_and_items(client, pilot, national):
    detail = client.get(national.get_absolute_url()).content.decode()
    assert "Les modalités effectives de gouvernance démocratique" in detail
    theme = national.themes.get(code="1")
    page = client.get(theme.get_absolute_url()).content.decode()
    assert "1.3 Exercice du pouvoir" in page
    domain = national.domains.get(code="1.3")
    page = client.get(domain.get_absolute_url()).content.decode()
    for item in domain.items.all():
        assert item.text.replace("'", "&#x27;") in page


def test_filtering_indicators_only_shows_no_question(client, pilot, national):
    response = client.get(national.get_absolute_url(), {"kind": "indicator", "theme": "6"})
    items = response.context["items"]
    assert items and all(item.kind == Item.Kind.INDICATOR for item in items)
    assert all(item.domain.theme.code == "6" for item in items)
    assert "résultats" in response.content.decode()


def test_the_search_box_finds_words_in_the_wording(client, pilot, national):
    response = client.get(national.get_absolute_url(), {"q": "handicap"})
    assert response.context["items"]
    assert all(
        "handicap" in (item.text + item.help_text).lower() for item in response.context["items"]
    )


def test_archived_items_are_not_offered(client, pilot):
    item = ItemFactory(domain__theme__guide__network=None, text="Une question archivée ?")
    item.is_archived = True
    item.save()
    response = client.get(item.domain.get_absolute_url())
    assert "Une question archivée ?" not in response.content.decode()


def test_the_guidance_panel_shows_help_example_and_linked_practices(client, national):
    facilitator = RoleFactory(facilitator=True)
    client.force_login(facilitator.person)
    domain = national.domains.get(code="1.3")
    practice = PracticeFactory(network=facilitator.network, title="AG en world café")
    practice.domains.add(domain)
    other = PracticeFactory(title="Pratique d'un autre réseau")  # private to another network
    other.domains.add(domain)
    page = client.get(domain.get_absolute_url()).content.decode()
    item = domain.items.first()
    assert "En savoir plus" in page
    assert item.help_text.replace("'", "&#x27;") in page
    assert "AG en world café" in page
    assert "Pratique d&#x27;un autre réseau" not in page


def test_practices_linked_to_the_previous_edition_show_on_the_next(client, national):
    facilitator = RoleFactory(facilitator=True)
    client.force_login(facilitator.person)
    practice = PracticeFactory(network=facilitator.network, title="Charte de parité")
    practice.themes.add(national.themes.get(code="6"))
    newer = national.next_editions.get()
    page = client.get(newer.domains.get(code="6.3").get_absolute_url()).content.decode()
    assert "Charte de parité" in page


def test_a_network_guide_is_visible_to_its_members_only(client):
    guide = GuideFactory(title="Implication des usagers")
    member = RoleFactory(kind=Role.Kind.PILOT)
    MembershipFactory(network=guide.network, structure=member.structure)
    outsider = RoleFactory(kind=Role.Kind.PILOT)

    client.force_login(member.person)
    assert client.get(guide.get_absolute_url()).status_code == 200
    client.force_login(outsider.person)
    assert client.get(guide.get_absolute_url()).status_code == 404
    assert "Implication des usagers" not in client.get(reverse("guide:list")).content.decode()


def test_a_draft_is_visible_to_the_networks_facilitators_only(client):
    guide = GuideFactory(status=Guide.Status.DRAFT)
    member = RoleFactory(kind=Role.Kind.PILOT)
    MembershipFactory(network=guide.network, structure=member.structure)
    facilitator = RoleFactory(facilitator=True, network=guide.network)

    client.force_login(member.person)
    assert client.get(guide.get_absolute_url()).status_code == 404
    client.force_login(facilitator.person)
    assert client.get(guide.get_absolute_url()).status_code == 200


def test_the_printable_version_lists_every_item_in_order(client, pilot, national):
    page = client.get(reverse("guide:print", args=[national.pk])).content.decode()
    positions = [page.index(f"<td>{code}</td>") for code in ("1.1.1", "1.3.1", "8.4.3")]
    assert positions == sorted(positions)


def make_guide(size):
    guide = GuideFactory(network=None)
    for _theme in range(size):
        theme = ThemeFactory(guide=guide)
        for _domain in range(2):
            domain = DomainFactory(theme=theme, guide=guide)
            ItemFactory.create_batch(2, domain=domain, guide=guide)
            ItemFactory(domain=domain, guide=guide, indicator=True)
    return guide


@pytest.mark.parametrize("size", [2, 12])
def test_the_guide_page_query_count_does_not_grow_with_the_guide(
    client, pilot, django_assert_num_queries, size
):
    guide = make_guide(size)
    # savepoint, session, user, guide, themes, editable?, next editions, domains,
    # the navigation's roles, release
    with django_assert_num_queries(10):
        response = client.get(guide.get_absolute_url())
    assert len(response.context["themes"]) == size


@pytest.mark.parametrize("size", [2, 12])
def test_the_search_results_query_count_does_not_grow_with_the_guide(
    client, pilot, django_assert_num_queries, size
):
    guide = make_guide(size)
    # as above minus domains, plus items and the practices by theme and by domain
    with django_assert_num_queries(12):
        response = client.get(guide.get_absolute_url(), {"kind": "indicator"})
    assert len(response.context["items"]) == size * 2
