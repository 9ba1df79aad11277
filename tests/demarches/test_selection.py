"""Steps 3–4: the items selected in the retained themes, the structure's own items, and the
balance of questions and indicators."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from guide.models import Item
from members.models import Role
from tests.demarches.factories import (
    ActionFactory,
    AnswerFactory,
    CycleFactory,
    ThemeChoiceFactory,
)
from tests.guide.factories import DomainFactory, ItemFactory, ThemeFactory
from tests.members.factories import RoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot():
    return RoleFactory(kind=Role.Kind.PILOT)


@pytest.fixture
def cycle(pilot):
    return CycleFactory(structure=pilot.structure)


@pytest.fixture
def governance(cycle):
    """A retained theme with one domain, two questions and an indicator."""
    theme = ThemeFactory(guide=cycle.guide, code="1", title="Gouvernance démocratique")
    ThemeChoiceFactory(cycle=cycle, theme=theme, priority=2)
    domain = DomainFactory(theme=theme, code="1.3", title="Exercice du pouvoir")
    ItemFactory(domain=domain, code="1.3.1", text="Le taux de participation à l'AG ?")
    ItemFactory(domain=domain, code="1.3.2", text="Les administrateurs sont-ils formés ?")
    ItemFactory(domain=domain, code="1.3.3", indicator=True, text="Part d'élus formés")
    return theme


def item(cycle, code) -> Item:
    return Item.objects.get(guide=cycle.guide, code=code)


def selection_url(cycle, query=""):
    return reverse("demarches:selection", args=[cycle.pk]) + query


def selected_codes(cycle) -> set[str]:
    return {answer.code for answer in cycle.answers.select_related("item", "domain")}


def test_it_offers_the_items_of_the_retained_themes_by_priority(client, cycle, pilot, governance):
    first = ThemeFactory(guide=cycle.guide, code="3", title="Territorialité")
    ThemeChoiceFactory(cycle=cycle, theme=first, priority=1)
    ItemFactory(domain__theme=first, text="Ancrage local ?")
    client.force_login(pilot.person)
    content = client.get(selection_url(cycle)).content.decode()
    assert content.index("Ancrage local ?") < content.index(
        "Le taux de participation à l&#x27;AG ?"
    )
    assert "Indicateur · %" in content


def test_items_of_a_theme_left_aside_are_not_offered(client, cycle, pilot, governance):
    aside = ThemeFactory(guide=cycle.guide, title="Éthique")
    ThemeChoiceFactory(cycle=cycle, theme=aside, is_retained=False, reason="Pas cette année.")
    ItemFactory(domain__theme=aside, text="Une charte de déontologie ?")
    client.force_login(pilot.person)
    assert "Une charte de déontologie ?" not in client.get(selection_url(cycle)).content.decode()


def test_a_forged_post_cannot_select_an_item_of_a_theme_left_aside(
    client, cycle, pilot, governance
):
    aside = ThemeFactory(guide=cycle.guide, title="Éthique")
    ThemeChoiceFactory(cycle=cycle, theme=aside, is_retained=False, reason="Pas cette année.")
    forged = ItemFactory(domain__theme=aside)
    other_guide = ItemFactory()
    client.force_login(pilot.person)
    client.post(
        selection_url(cycle), {"item": [forged.pk, other_guide.pk, item(cycle, "1.3.1").pk]}
    )
    assert selected_codes(cycle) == {"1.3.1"}


def test_saving_selects_the_checked_items_and_takes_out_the_unchecked_ones(
    client, cycle, pilot, governance
):
    AnswerFactory(cycle=cycle, item=item(cycle, "1.3.1"))
    client.force_login(pilot.person)
    response = client.post(
        selection_url(cycle), {"item": [item(cycle, "1.3.2").pk, item(cycle, "1.3.3").pk]}
    )
    assert response.status_code == 302
    assert selected_codes(cycle) == {"1.3.2", "1.3.3"}
    answer = cycle.answers.get(item__code="1.3.3")
    assert answer.domain == item(cycle, "1.3.3").domain
    assert answer.history.get().history_user == pilot.person


def content_of(kind, answer):
    if kind == "situation":
        answer.situation = "Pas de données consolidées"
        answer.save()
    elif kind == "objective":
        answer.objective_3y = "Atteindre 40 % de participation"
        answer.save()
    elif kind == "evidence":
        evidence = answer.evidence.create(name="Émargements")
        evidence.file.save("emargements.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    elif kind == "action":
        ActionFactory(cycle=answer.cycle).answers.add(answer)


@pytest.mark.parametrize("kind", ["situation", "objective", "evidence", "action"])
def test_an_answer_with_content_is_not_taken_out_and_the_message_names_it(
    client, cycle, pilot, governance, kind
):
    answer = AnswerFactory(cycle=cycle, item=item(cycle, "1.3.1"))
    content_of(kind, answer)
    client.force_login(pilot.person)
    response = client.post(selection_url(cycle), {"item": [item(cycle, "1.3.2").pk]})
    content = response.content.decode()
    assert response.status_code == 200
    assert "ne peuvent pas être retirés de la sélection" in content
    assert "1.3.1 Le taux de participation à l&#x27;AG ?</a>" in content
    assert selected_codes(cycle) == {"1.3.1"}  # nothing saved, 1.3.2 not added either


def test_after_a_refusal_the_rest_of_the_submission_stays_on_screen(
    client, cycle, pilot, governance
):
    AnswerFactory(cycle=cycle, item=item(cycle, "1.3.1"), situation="Pas de données")
    AnswerFactory(cycle=cycle, item=item(cycle, "1.3.3"))
    client.force_login(pilot.person)
    content = client.post(
        selection_url(cycle), {"item": [item(cycle, "1.3.2").pk]}
    ).content.decode()
    checked = {
        code for code in ("1.3.1", "1.3.2", "1.3.3") if is_checked(content, item(cycle, code))
    }
    assert checked == {"1.3.1", "1.3.2"}  # 1.3.1 kept for its content, 1.3.3 as unchecked
    assert "Conservé : il contient déjà du travail." in content


def is_checked(content: str, row: Item) -> bool:
    start = content.index(f'id="check-item-{row.pk}"')
    return " checked" in content[start : content.index(">", start)]


def test_items_can_be_searched_by_their_wording(client, cycle, pilot, governance):
    client.force_login(pilot.person)
    content = client.get(selection_url(cycle, "?q=formés")).content.decode()
    assert (
        "Les administrateurs sont-ils formés ?" in content and "Part d&#x27;élus formés" in content
    )
    assert "Le taux de participation" not in content


def test_a_filtered_page_saves_only_the_items_it_shows(client, cycle, pilot, governance):
    AnswerFactory(cycle=cycle, item=item(cycle, "1.3.1"))
    client.force_login(pilot.person)
    # Only the indicators are shown: the question selected above is not in the form.
    client.post(selection_url(cycle, "?kind=indicator"), {"item": [item(cycle, "1.3.3").pk]})
    assert selected_codes(cycle) == {"1.3.1", "1.3.3"}


def test_the_balance_warns_gently_when_no_indicator_is_selected(client, cycle, pilot, governance):
    AnswerFactory(cycle=cycle, item=item(cycle, "1.3.1"))
    client.force_login(pilot.person)
    content = client.get(selection_url(cycle)).content.decode()
    assert (
        "Aucun indicateur chiffré pour l'instant : le guide conseille d'équilibrer "
        "questions et indicateurs." in content
    )
    assert "aucun indicateur dans ce thème pour l'instant" in content


def test_the_balance_counts_questions_and_indicators(client, cycle, pilot, governance):
    AnswerFactory(cycle=cycle, item=item(cycle, "1.3.1"))
    AnswerFactory(cycle=cycle, item=item(cycle, "1.3.3"))
    AnswerFactory(
        cycle=cycle,
        item=None,
        domain=item(cycle, "1.3.1").domain,
        own_kind="question",
        own_text="?",
    )
    client.force_login(pilot.person)
    content = client.get(selection_url(cycle)).content.decode()
    assert "<strong>2 questions</strong>" in content and "<strong>1 indicateur</strong>" in content
    assert "Aucun indicateur chiffré" not in content


def own_item_url(cycle):
    return reverse("demarches:own_item", args=[cycle.pk])


def test_the_pilot_adds_an_own_indicator_to_a_retained_domain(client, cycle, pilot, governance):
    domain = item(cycle, "1.3.1").domain
    client.force_login(pilot.person)
    response = client.post(
        own_item_url(cycle),
        {"domain": domain.pk, "kind": "indicator", "text": "Heures de bénévolat", "unit": "hours"},
        follow=True,
    )
    answer = cycle.answers.get(item=None)
    assert (answer.domain, answer.own_kind, answer.own_unit) == (domain, "indicator", "hours")
    assert "Heures de bénévolat" in response.content.decode()  # listed in its domain


def test_an_own_indicator_needs_a_unit(client, cycle, pilot, governance):
    client.force_login(pilot.person)
    response = client.post(
        own_item_url(cycle),
        {
            "domain": item(cycle, "1.3.1").domain.pk,
            "kind": "indicator",
            "text": "Heures de bénévolat",
        },
    )
    content = response.content.decode()
    assert "Un indicateur a besoin d&#x27;une unité." in content
    assert "Heures de bénévolat" in content
    assert not cycle.answers.exists()


def test_an_own_question_has_no_unit(client, cycle, pilot, governance):
    client.force_login(pilot.person)
    response = client.post(
        own_item_url(cycle),
        {
            "domain": item(cycle, "1.3.1").domain.pk,
            "kind": "question",
            "text": "Nos bénévoles sont-ils écoutés ?",
            "unit": "percent",
        },
    )
    assert "Une question n&#x27;a pas d&#x27;unité." in response.content.decode()
    assert not cycle.answers.exists()


def test_an_own_item_goes_only_in_a_domain_of_a_retained_theme(client, cycle, pilot, governance):
    aside = ThemeFactory(guide=cycle.guide, title="Éthique")
    ThemeChoiceFactory(cycle=cycle, theme=aside, is_retained=False, reason="Pas cette année.")
    domain = DomainFactory(theme=aside)
    client.force_login(pilot.person)
    response = client.post(
        own_item_url(cycle), {"domain": domain.pk, "kind": "question", "text": "Une question ?"}
    )
    assert response.status_code == 200
    assert not cycle.answers.exists()


def test_an_own_item_is_taken_out_by_unchecking_it_unless_it_has_content(
    client, cycle, pilot, governance
):
    domain = item(cycle, "1.3.1").domain
    AnswerFactory(cycle=cycle, item=None, domain=domain, own_kind="question", own_text="?")
    filled = AnswerFactory(
        cycle=cycle, item=None, domain=domain, own_kind="question", own_text="Nos bénévoles ?"
    )
    client.force_login(pilot.person)
    client.post(selection_url(cycle), {"own": [filled.pk]})
    assert list(cycle.answers.all()) == [filled]

    filled.situation = "Écoutés une fois par an"
    filled.save()
    response = client.post(selection_url(cycle), {})
    assert "Nos bénévoles ?" in response.content.decode()
    assert list(cycle.answers.all()) == [filled]


@pytest.mark.parametrize("kind", [Role.Kind.BOARD_MEMBER, Role.Kind.CONTRIBUTOR])
def test_board_members_and_contributors_read_only_the_selected_items(
    client, cycle, governance, kind
):
    AnswerFactory(cycle=cycle, item=item(cycle, "1.3.1"))
    client.force_login(RoleFactory(kind=kind, structure=cycle.structure).person)
    content = client.get(selection_url(cycle)).content.decode()
    assert "Le taux de participation à l&#x27;AG ?" in content
    assert "Les administrateurs sont-ils formés ?" not in content
    assert 'type="checkbox"' not in content and "Enregistrer la sélection" not in content


@pytest.mark.parametrize("kind", [Role.Kind.BOARD_MEMBER, Role.Kind.CONTRIBUTOR])
def test_board_members_and_contributors_cannot_change_the_selection(
    client, cycle, governance, kind
):
    AnswerFactory(cycle=cycle, item=item(cycle, "1.3.1"))
    client.force_login(RoleFactory(kind=kind, structure=cycle.structure).person)
    assert client.post(selection_url(cycle), {}).status_code == 404
    assert client.get(own_item_url(cycle)).status_code == 404
    data = {"domain": item(cycle, "1.3.1").domain.pk, "kind": "question", "text": "?"}
    assert client.post(own_item_url(cycle), data).status_code == 404
    assert selected_codes(cycle) == {"1.3.1"}


def retain_and_select(cycle, guide, *, themes: int, per_domain: int):
    """Retain the first `themes` themes and select `per_domain` items of each of their
    domains, with an own item, evidence and a linked action in each domain."""
    action = ActionFactory(cycle=cycle)
    for priority, theme in enumerate(guide.themes.all()[:themes], start=1):
        ThemeChoiceFactory(cycle=cycle, theme=theme, priority=priority)
        for domain in theme.domains.all():
            for row in domain.items.all()[:per_domain]:
                answer = AnswerFactory(cycle=cycle, item=row)
                answer.evidence.create(name="Preuve", file="evidence/preuve.pdf")
                action.answers.add(answer)
            AnswerFactory(cycle=cycle, item=None, domain=domain, own_kind="question", own_text="?")


@pytest.mark.parametrize(("themes", "per_domain"), [(1, 1), (8, 3)])
def test_the_selection_page_runs_a_bounded_number_of_queries(
    client,
    pilot,
    national_guide,
    django_assert_num_queries,
    themes,
    per_domain,
):
    cycle = CycleFactory(structure=pilot.structure, guide=national_guide)
    retain_and_select(cycle, national_guide, themes=themes, per_domain=per_domain)
    client.force_login(pilot.person)
    # session, user, cycle, who may change it, the 4 queries of the selection, the roles
    # of the menu, who may read it (the tabs), the request's savepoint
    with django_assert_num_queries(13):
        response = client.get(selection_url(cycle))
    assert response.status_code == 200


def test_digits_that_are_not_ascii_are_ignored_not_a_server_error(client, cycle, pilot):
    client.force_login(pilot.person)
    assert client.post(selection_url(cycle), {"item": "²"}).status_code == 302
    own_item = reverse("demarches:own_item", args=[cycle.pk])
    assert client.get(own_item, {"domaine": "²"}).status_code == 200
