import pytest
from django.urls import reverse

from guide import services
from guide.models import Guide, Item
from members.models import Role
from tests.guide.factories import DomainFactory, GuideFactory, ItemFactory, ThemeFactory
from tests.members.factories import RoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def facilitator(client):
    role = RoleFactory(facilitator=True)
    client.force_login(role.person)
    return role


def test_a_facilitator_creates_a_draft_thematic_guide_for_their_network(client, facilitator):
    response = client.post(
        reverse("guide:create"),
        {"title": "Implication des usagers", "edition": "2026", "network": facilitator.network.pk},
    )
    guide = Guide.objects.get(title="Implication des usagers")
    assert response.url == guide.get_absolute_url()
    assert guide.network == facilitator.network
    assert guide.status == Guide.Status.DRAFT
    assert guide.created_by == facilitator.person


def test_a_pilot_cannot_create_a_guide(client):
    client.force_login(RoleFactory(kind=Role.Kind.PILOT).person)
    assert client.get(reverse("guide:create")).status_code == 404


def test_a_facilitator_cannot_create_a_guide_for_another_network(client, facilitator):
    other = RoleFactory(facilitator=True).network
    response = client.post(
        reverse("guide:create"), {"title": "Intrus", "edition": "2026", "network": other.pk}
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Guide.objects.filter(title="Intrus").exists()


def test_the_national_guide_is_not_editable_by_a_facilitator(client, facilitator):
    national = Guide.objects.national().get(edition="2016")
    assert client.get(reverse("guide:edit", args=[national.pk])).status_code == 404
    assert client.post(reverse("guide:theme_create", args=[national.pk])).status_code == 404


def test_another_networks_guide_answers_404(client, facilitator):
    guide = GuideFactory()
    item = ItemFactory(domain__theme__guide=guide, guide=guide)
    for url in (
        reverse("guide:edit", args=[guide.pk]),
        reverse("guide:item_edit", args=[guide.pk, item.code]),
    ):
        assert client.get(url).status_code == 404


def test_a_facilitator_adds_a_theme_a_domain_and_an_indicator(client, facilitator):
    guide = GuideFactory(network=facilitator.network)
    client.post(
        reverse("guide:theme_create", args=[guide.pk]),
        {"code": "1", "title": "Participation des usagers", "position": 0},
    )
    theme = guide.themes.get(code="1")
    client.post(
        reverse("guide:domain_create", args=[guide.pk]),
        {"theme": theme.pk, "code": "1.1", "title": "Instances", "position": 0},
    )
    domain = guide.domains.get(code="1.1")
    response = client.post(
        reverse("guide:item_create", args=[guide.pk]),
        {
            "domain": domain.pk,
            "code": "1.1.1",
            "kind": "indicator",
            "text": "Part d'usagers au CA",
            "unit": "percent",
            "position": 0,
        },
    )
    assert response.status_code == 302
    assert guide.items.get(code="1.1.1").unit == Item.Unit.PERCENT


def test_an_indicator_without_unit_is_refused_in_french_and_the_text_is_kept(client, facilitator):
    domain = DomainFactory(theme__guide__network=facilitator.network)
    response = client.post(
        reverse("guide:item_create", args=[domain.guide_id]),
        {
            "domain": domain.pk,
            "code": "9.9",
            "kind": "indicator",
            "text": "Mon indicateur",
            "unit": "",
            "position": 0,
        },
    )
    content = response.content.decode()
    assert "Un indicateur a besoin d&#x27;une unité" in content
    assert "Mon indicateur" in content
    assert not domain.items.exists()


def test_a_question_with_a_unit_is_refused(client, facilitator):
    domain = DomainFactory(theme__guide__network=facilitator.network)
    response = client.post(
        reverse("guide:item_create", args=[domain.guide_id]),
        {
            "domain": domain.pk,
            "code": "9.9",
            "kind": "question",
            "text": "Ma question ?",
            "unit": "percent",
            "position": 0,
        },
    )
    assert "Une question n&#x27;a pas d&#x27;unité" in response.content.decode()


def test_a_code_already_used_in_the_guide_is_refused_without_error_500(client, facilitator):
    item = ItemFactory(domain__theme__guide__network=facilitator.network, code="1.1.1")
    response = client.post(
        reverse("guide:item_create", args=[item.guide_id]),
        {
            "domain": item.domain_id,
            "code": "1.1.1",
            "kind": "question",
            "text": "Doublon ?",
            "position": 0,
        },
    )
    assert response.status_code == 200
    assert "Ce code est déjà utilisé dans ce guide" in response.content.decode()


def test_a_malformed_code_is_refused(client, facilitator):
    guide = GuideFactory(network=facilitator.network)
    response = client.post(
        reverse("guide:theme_create", args=[guide.pk]),
        {"code": "1/2", "title": "Thème", "position": 0},
    )
    assert "Un code se compose de lettres" in response.content.decode()


def test_archiving_a_domain_archives_its_items_and_restoring_brings_them_back(client, facilitator):
    item = ItemFactory(domain__theme__guide__network=facilitator.network)
    domain = item.domain
    url = reverse("guide:archive", args=[domain.guide_id, "domaines", domain.code])
    client.post(url)
    item.refresh_from_db()
    assert item.is_archived
    client.post(url)
    item.refresh_from_db()
    assert not item.is_archived


def test_an_item_nothing_depends_on_can_be_deleted(client, facilitator):
    item = ItemFactory(domain__theme__guide__network=facilitator.network)
    client.post(reverse("guide:delete", args=[item.guide_id, "elements", item.code]))
    assert not Item.objects.filter(pk=item.pk).exists()


def test_an_item_continued_by_a_later_edition_cannot_be_deleted_and_says_why(client, facilitator):
    item = ItemFactory(domain__theme__guide__network=facilitator.network)
    services.derive_edition(item.guide, edition="2027", by=facilitator.person)
    response = client.post(
        reverse("guide:delete", args=[item.guide_id, "elements", item.code]), follow=True
    )
    assert Item.objects.filter(pk=item.pk).exists()
    assert "ne peut pas être supprimé" in response.content.decode()
    assert "Archivez-le plutôt" in response.content.decode()


def test_a_theme_cannot_be_deleted_when_one_of_its_items_is_continued(facilitator):
    item = ItemFactory(domain__theme__guide__network=facilitator.network)
    services.derive_edition(item.guide, edition="2027", by=facilitator.person)
    with pytest.raises(services.CannotDelete):
        services.delete_node(item.domain.theme)
    assert Item.objects.filter(pk=item.pk).exists()


def test_publishing_makes_the_guide_visible_to_the_network(client, facilitator):
    guide = GuideFactory(network=facilitator.network, status=Guide.Status.DRAFT)
    client.post(reverse("guide:publish", args=[guide.pk]))
    guide.refresh_from_db()
    assert guide.status == Guide.Status.PUBLISHED


def test_a_new_edition_copies_everything_and_maps_each_element(client, facilitator):
    guide = GuideFactory(network=facilitator.network)
    theme = ThemeFactory(guide=guide)
    domain = DomainFactory(theme=theme, guide=guide)
    items = ItemFactory.create_batch(3, domain=domain, guide=guide)
    response = client.post(reverse("guide:new_edition", args=[guide.pk]), {"edition": "2027"})
    new = Guide.objects.get(edition="2027")
    assert response.url == new.get_absolute_url()
    assert new.previous == guide and new.status == Guide.Status.DRAFT
    assert {i.previous_id for i in new.items.all()} == {i.pk for i in items}
    assert new.themes.get().previous == theme
    assert new.domains.get().previous == domain
    assert new.domains.get().theme == new.themes.get()


def test_a_new_edition_needs_a_new_name(client, facilitator):
    guide = GuideFactory(network=facilitator.network, edition="2026")
    response = client.post(reverse("guide:new_edition", args=[guide.pk]), {"edition": "2026"})
    assert "Ce guide a déjà une édition de ce nom" in response.content.decode()
