import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from demarches import services
from demarches.models import Action
from members.models import Role
from tests.demarches.factories import ActionFactory, AnswerFactory, CycleFactory
from tests.members.factories import RoleFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def cycle():
    return CycleFactory()


@pytest.fixture
def people(cycle):
    return {
        kind: RoleFactory(kind=kind, structure=cycle.structure).person
        for kind in ["pilot", "copilot", "contributor", "board_member"]
    }


@pytest.fixture
def pilot(people):
    return people["pilot"]


@pytest.fixture
def contributor(people):
    return people["contributor"]


def form_data(**values):
    """What the action form posts, blank but for `values`."""
    data = {
        "title": "Former les administrateurs",
        "description": "",
        "owner": "",
        "owner_name": "",
        "budget": "",
        "starts_on": "",
        "due_on": "",
        "status": "todo",
        "done_on": "",
        "check_note": "",
        "checked_on": "",
    }
    return {**data, **values}


def edit_data(action, **values):
    """The form of `action` as it is saved, posted from its current version, with `values`."""
    data = form_data(
        title=action.title,
        description=action.description,
        owner=action.owner_id or "",
        owner_name=action.owner_name,
        budget="" if action.budget is None else str(action.budget).replace(".", ","),
        starts_on=action.starts_on or "",
        due_on=action.due_on or "",
        status=action.status,
        version=action.version,
        answers=[answer.pk for answer in action.answers.all()],
    )
    return {**data, **values}


def create(client, cycle, **values):
    return client.post(reverse("demarches:action_create", args=[cycle.pk]), form_data(**values))


def save(client, action, **values):
    return client.post(reverse("demarches:action", args=[action.pk]), edit_data(action, **values))


# --- Creating an action ----------------------------------------------------------------------


def test_it_creates_an_action_with_items_owner_and_budget(client, cycle, pilot, contributor):
    first, second = AnswerFactory(cycle=cycle), AnswerFactory(cycle=cycle)
    AnswerFactory(cycle=cycle)
    client.force_login(pilot)

    response = create(
        client,
        cycle,
        answers=[first.pk, second.pk],
        owner=contributor.pk,
        budget="1200",
        starts_on="2027-01-10",
        due_on="2027-03-31",
        is_quick_win="on",
    )

    action = Action.objects.get()
    assert response.status_code == 302
    assert response.url == action.get_absolute_url()
    assert action.cycle == cycle
    assert set(action.answers.all()) == {first, second}
    assert action.owner == contributor
    assert action.budget == Decimal("1200.00")
    assert (action.starts_on, action.due_on) == (
        datetime.date(2027, 1, 10),
        datetime.date(2027, 3, 31),
    )
    assert action.is_quick_win
    assert action.updated_by == pilot
    assert action.history.get().history_user == pilot


def test_it_reads_a_budget_typed_the_french_way(client, cycle, pilot):
    client.force_login(pilot)
    create(client, cycle, budget="1 200,50 €")
    assert Action.objects.get().budget == Decimal("1200.50")


def test_it_offers_the_items_grouped_by_theme(client, cycle, pilot):
    answer = AnswerFactory(cycle=cycle)
    client.force_login(pilot)
    html = client.get(reverse("demarches:action_create", args=[cycle.pk])).content.decode()
    theme = answer.domain.theme
    assert f"{theme.code}. {theme.title}" in html
    assert f'value="{answer.pk}"' in html


def test_it_refuses_a_due_date_before_the_start_and_keeps_the_input(client, cycle, pilot):
    client.force_login(pilot)

    response = create(
        client,
        cycle,
        title="Réunir le CA",
        description="Trois séances dans l'année",
        starts_on="2027-03-01",
        due_on="2027-02-01",
    )

    assert response.status_code == 200
    assert not Action.objects.exists()
    assert response.context["form"].errors["due_on"] == [
        "L'échéance ne peut pas précéder le début."
    ]
    html = response.content.decode()
    assert "Réunir le CA" in html
    assert "Trois séances dans l&#x27;année" in html
    assert 'value="2027-02-01"' in html and 'value="2027-03-01"' in html


def test_it_refuses_both_an_owner_and_a_name(client, cycle, pilot, contributor):
    client.force_login(pilot)
    response = create(client, cycle, owner=contributor.pk, owner_name="Jeanne, bénévole")
    assert not Action.objects.exists()
    assert response.context["form"].errors["owner_name"] == [
        "Choisissez une personne de la structure ou saisissez un nom, pas les deux."
    ]


def test_a_free_name_carries_an_action_without_an_account(client, cycle, pilot):
    client.force_login(pilot)
    create(client, cycle, owner_name="Jeanne, bénévole")
    assert Action.objects.get().owner_label == "Jeanne, bénévole"


def test_it_refuses_a_negative_budget(client, cycle, pilot):
    client.force_login(pilot)
    response = create(client, cycle, budget="-10")
    assert not Action.objects.exists()
    assert response.context["form"].errors["budget"] == ["Un budget ne peut pas être négatif."]


def test_it_refuses_a_budget_that_is_not_a_number(client, cycle, pilot):
    client.force_login(pilot)
    response = create(client, cycle, budget="mille euros")
    assert response.status_code == 200
    assert "budget" in response.context["form"].errors
    assert "mille euros" in response.content.decode()


def test_it_refuses_an_item_of_another_cycle(client, cycle, pilot):
    elsewhere = AnswerFactory()
    client.force_login(pilot)
    response = create(client, cycle, answers=[elsewhere.pk])
    assert not Action.objects.exists()
    assert "answers" in response.context["form"].errors


def test_it_refuses_an_owner_from_another_structure(client, cycle, pilot):
    stranger = RoleFactory(kind=Role.Kind.CONTRIBUTOR).person
    client.force_login(pilot)
    response = create(client, cycle, owner=stranger.pk)
    assert not Action.objects.exists()
    assert "owner" in response.context["form"].errors


@time_machine.travel(datetime.datetime(2027, 4, 2, 10, tzinfo=datetime.UTC))
def test_a_done_action_without_a_date_is_done_today(client, cycle, pilot):
    client.force_login(pilot)
    create(client, cycle, status="done")
    assert Action.objects.get().done_on == datetime.date(2027, 4, 2)


def test_it_keeps_the_check_evidence(client, cycle, pilot):
    client.force_login(pilot)
    upload = SimpleUploadedFile("bilan.pdf", PDF, content_type="application/pdf")
    client.post(
        reverse("demarches:action_create", args=[cycle.pk]),
        {
            **form_data(status="done", is_effective="on", check_note="Plus de présents"),
            "check_file": upload,
        },
    )
    action = Action.objects.get()
    assert action.is_effective
    with action.check_file.open("rb") as stored:
        assert stored.read() == PDF


def test_it_refuses_check_evidence_that_is_not_what_it_says(client, cycle, pilot):
    client.force_login(pilot)
    upload = SimpleUploadedFile("bilan.pdf", b"MZ\x90\x00", content_type="application/pdf")
    response = client.post(
        reverse("demarches:action_create", args=[cycle.pk]),
        {**form_data(status="done"), "check_file": upload},
    )
    assert not Action.objects.exists()
    assert "check_file" in response.context["form"].errors


def test_a_contributor_cannot_create_an_action(client, cycle, contributor):
    client.force_login(contributor)
    assert create(client, cycle).status_code == 404
    assert not Action.objects.exists()


# --- Updating an action ----------------------------------------------------------------------


def test_the_pilot_pair_updates_an_action(client, cycle, people):
    action = ActionFactory(cycle=cycle)
    answer = AnswerFactory(cycle=cycle)
    client.force_login(people["copilot"])

    response = save(client, action, title="Former tout le CA", answers=[answer.pk], budget="350,5")

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "Former tout le CA"
    assert list(action.answers.all()) == [answer]
    assert action.budget == Decimal("350.50")
    assert action.version == 2


def test_a_contributor_updates_the_status_and_check_of_an_action_they_carry(
    client, cycle, people, contributor
):
    answer = AnswerFactory(cycle=cycle)
    action = ActionFactory(cycle=cycle, owner=contributor)
    action.answers.set([answer])
    client.force_login(contributor)

    page = client.get(reverse("demarches:action", args=[action.pk]))
    assert 'name="owner"' not in page.content.decode()
    response = save(
        client,
        action,
        status="done",
        check_note="Deux fois plus de présents à l'AG",
        owner=people["pilot"].pk,  # forged: not theirs to change
        owner_name="Quelqu'un d'autre",
        answers=[],
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.DONE
    assert action.check_note == "Deux fois plus de présents à l'AG"
    assert action.owner == contributor
    assert action.owner_name == ""
    assert list(action.answers.all()) == [answer]


def test_another_contributor_reads_but_cannot_update(client, cycle, contributor):
    action = ActionFactory(cycle=cycle, owner=contributor, title="Former les élus")
    other = RoleFactory(kind=Role.Kind.CONTRIBUTOR, structure=cycle.structure).person
    client.force_login(other)

    page = client.get(reverse("demarches:action", args=[action.pk]))
    assert "Former les élus" in page.content.decode()
    assert 'id="action-form"' not in page.content.decode()
    assert save(client, action, title="Détourné").status_code == 404
    action.refresh_from_db()
    assert action.title == "Former les élus"


def test_a_board_member_reads_without_a_form(client, cycle, people):
    action = ActionFactory(cycle=cycle, title="Former les élus", budget=Decimal("1200"))
    client.force_login(people["board_member"])

    html = client.get(reverse("demarches:action", args=[action.pk])).content.decode()

    assert "Former les élus" in html
    assert "1\xa0200,00&nbsp;€" in html
    assert '<form method="post" enctype' not in html
    assert save(client, action, title="Détourné").status_code == 404
    action.refresh_from_db()
    assert action.title == "Former les élus"


def test_the_action_page_links_to_its_history(client, cycle, pilot):
    action = ActionFactory(cycle=cycle)
    client.force_login(pilot)
    html = client.get(reverse("demarches:action", args=[action.pk])).content.decode()
    assert reverse("demarches:action_history", args=[action.pk]) in html


# --- Two people editing the same action ------------------------------------------------------


@pytest.fixture
def stale(cycle, people):
    """An action the pilot opened at version 1, which the co-pilot saved meanwhile."""
    action = ActionFactory(cycle=cycle, title="Former les élus", budget=Decimal("100"))
    form = edit_data(action)
    services.save_action(action, {"title": "Former tout le CA"}, version=1, by=people["copilot"])
    return action, form


def test_a_stale_version_shows_the_conflict_with_both_values(client, stale, pilot, people):
    action, form = stale
    client.force_login(pilot)

    response = client.post(
        reverse("demarches:action", args=[action.pk]), {**form, "title": "Former les bénévoles"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Quelqu'un a enregistré cette action" in html
    assert f"Enregistré par {people['copilot'].full_name}" in html
    assert "Votre saisie" in html
    assert "Former les bénévoles" in html and "Former tout le CA" in html
    assert "Enregistrer quand même ma version" in html
    differences = response.context["differences"]
    assert [(d.label, d.mine, d.theirs) for d in differences] == [
        ("Titre", "Former les bénévoles", "Former tout le CA")
    ]
    action.refresh_from_db()
    assert (action.title, action.version) == ("Former tout le CA", 2)


def test_saving_my_version_anyway_overwrites(client, stale, pilot):
    action, form = stale
    client.force_login(pilot)

    response = client.post(
        reverse("demarches:action", args=[action.pk]),
        {**form, "title": "Former les bénévoles", "overwrite": "2"},
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.title, action.version) == ("Former les bénévoles", 3)


def test_saving_anyway_from_a_version_already_gone_is_a_conflict_again(
    client, stale, pilot, people
):
    action, form = stale
    services.save_action(action, {"title": "Troisième titre"}, version=2, by=people["copilot"])
    client.force_login(pilot)

    response = client.post(
        reverse("demarches:action", args=[action.pk]),
        {**form, "title": "Former les bénévoles", "overwrite": "2"},
    )

    assert response.status_code == 200
    action.refresh_from_db()
    assert action.title == "Troisième titre"


# --- The list --------------------------------------------------------------------------------


def titles(response) -> list[str]:
    return [action.title for action in response.context["actions"]]


def test_the_list_shows_what_matters_of_each_action(client, cycle, pilot, contributor):
    answer = AnswerFactory(cycle=cycle)
    action = ActionFactory(
        cycle=cycle,
        title="Former les élus",
        owner=contributor,
        budget=Decimal("1200"),
        is_quick_win=True,
        status=Action.Status.DONE,
        is_effective=True,
    )
    action.answers.set([answer])
    ActionFactory(cycle=cycle, status=Action.Status.DONE, title="Refaire le site")
    client.force_login(pilot)

    html = client.get(reverse("demarches:actions", args=[cycle.pk])).content.decode()

    assert "Former les élus" in html
    assert answer.code in html
    assert contributor.full_name in html
    assert "1\xa0200,00&nbsp;€" in html
    assert "petit pas" in html
    assert "Fait" in html
    assert "efficacité vérifiée" in html
    assert "à vérifier" in html  # the other one, done and not checked
    assert reverse("demarches:action_create", args=[cycle.pk]) in html
    assert reverse("demarches:calendar", args=[cycle.pk]) in html


@time_machine.travel(datetime.datetime(2027, 4, 15, 10, tzinfo=datetime.UTC))
def test_the_list_flags_overdue_actions_and_filters_them(client, cycle, pilot):
    ActionFactory(cycle=cycle, title="En retard", due_on=datetime.date(2027, 3, 31))
    ActionFactory(
        cycle=cycle, title="Faite", due_on=datetime.date(2027, 3, 31), status=Action.Status.DONE
    )
    ActionFactory(cycle=cycle, title="À venir", due_on=datetime.date(2027, 5, 31))
    client.force_login(pilot)
    url = reverse("demarches:actions", args=[cycle.pk])

    assert "en retard" in client.get(url).content.decode()
    assert titles(client.get(url, {"is_overdue": "on"})) == ["En retard"]


def test_the_list_filters_quick_wins(client, cycle, pilot):
    ActionFactory(cycle=cycle, title="Petit pas", is_quick_win=True)
    ActionFactory(cycle=cycle, title="Grand chantier")
    client.force_login(pilot)
    response = client.get(reverse("demarches:actions", args=[cycle.pk]), {"is_quick_win": "on"})
    assert titles(response) == ["Petit pas"]


def test_the_list_filters_my_actions(client, cycle, contributor):
    ActionFactory(cycle=cycle, title="La mienne", owner=contributor)
    ActionFactory(cycle=cycle, title="Une autre")
    client.force_login(contributor)
    response = client.get(reverse("demarches:actions", args=[cycle.pk]), {"mine": "on"})
    assert titles(response) == ["La mienne"]


def test_the_list_filters_by_status(client, cycle, pilot):
    ActionFactory(cycle=cycle, title="En cours", status=Action.Status.DOING)
    ActionFactory(cycle=cycle, title="À faire")
    client.force_login(pilot)
    response = client.get(reverse("demarches:actions", args=[cycle.pk]), {"status": "doing"})
    assert titles(response) == ["En cours"]


def test_the_list_filters_by_owner_and_without_one(client, cycle, pilot, contributor):
    ActionFactory(cycle=cycle, title="Portée", owner=contributor)
    ActionFactory(cycle=cycle, title="Par une bénévole", owner_name="Jeanne")
    ActionFactory(cycle=cycle, title="Orpheline")
    client.force_login(pilot)
    url = reverse("demarches:actions", args=[cycle.pk])
    assert titles(client.get(url, {"owner": contributor.pk})) == ["Portée"]
    assert titles(client.get(url, {"owner": "none"})) == ["Orpheline"]


def test_the_list_filters_by_theme_through_the_linked_items(client, cycle, pilot):
    governance, other = AnswerFactory(cycle=cycle), AnswerFactory(cycle=cycle)
    ActionFactory(cycle=cycle, title="Gouvernance").answers.set([governance])
    ActionFactory(cycle=cycle, title="Autre").answers.set([other, governance])
    ActionFactory(cycle=cycle, title="Sans item")
    client.force_login(pilot)
    response = client.get(
        reverse("demarches:actions", args=[cycle.pk]), {"theme": other.domain.theme_id}
    )
    assert titles(response) == ["Autre"]


def test_a_bad_filter_value_is_ignored(client, cycle, pilot):
    ActionFactory(cycle=cycle, title="Une action")
    client.force_login(pilot)
    response = client.get(
        reverse("demarches:actions", args=[cycle.pk]),
        {"status": "n'importe quoi", "owner": "99999", "theme": "abc"},
    )
    assert response.status_code == 200
    assert titles(response) == ["Une action"]


def test_the_totals_count_the_filtered_actions(client, cycle, pilot):
    ActionFactory(cycle=cycle, budget=Decimal("1000"), is_quick_win=True)
    ActionFactory(cycle=cycle, budget=Decimal("250.50"), status=Action.Status.DOING)
    ActionFactory(cycle=cycle, budget=Decimal("99"), status=Action.Status.DONE)
    client.force_login(pilot)
    url = reverse("demarches:actions", args=[cycle.pk])

    totals = client.get(url).context["totals"]
    assert totals["budget"] == Decimal("1349.50")
    assert dict(totals["by_status"]) == {"À faire": 1, "En cours": 1, "Fait": 1, "Abandonné": 0}

    response = client.get(url, {"is_quick_win": "on"})
    assert response.context["totals"]["budget"] == Decimal("1000")
    assert "1\xa0000,00&nbsp;€" in response.content.decode()


@pytest.mark.parametrize("count", [3, 60])
def test_the_list_query_count(client, cycle, pilot, contributor, django_assert_num_queries, count):
    answers = AnswerFactory.create_batch(3, cycle=cycle)
    for action in ActionFactory.create_batch(count, cycle=cycle, owner=contributor):
        action.answers.set(answers)
    client.force_login(pilot)
    # the request's savepoint and its release, session, user, cycle, the filters' owners and
    # themes, the actions, their linked items, the counts by status of the chart, the roles
    # of the navigation, the permissions for the tabs and the reports tab, the permission to
    # create
    with django_assert_num_queries(14):
        client.get(reverse("demarches:actions", args=[cycle.pk]), {"status": "todo"})


# --- The check evidence ----------------------------------------------------------------------


@pytest.fixture
def checked(cycle, contributor):
    action = ActionFactory(cycle=cycle, owner=contributor, status=Action.Status.DONE)
    action.check_file.save("bilan.pdf", ContentFile(PDF), save=True)
    return action


@pytest.mark.parametrize("kind", ["pilot", "board_member"])
def test_the_structure_downloads_the_check_evidence(client, checked, people, kind):
    client.force_login(people[kind])
    response = client.get(reverse("demarches:action_check_file", args=[checked.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    response.close()


def test_another_structures_pilot_cannot_download_the_check_evidence(client, checked):
    client.force_login(RoleFactory(kind=Role.Kind.PILOT).person)
    response = client.get(reverse("demarches:action_check_file", args=[checked.pk]))
    assert response.status_code == 404


def test_an_action_without_check_evidence_has_nothing_to_download(client, cycle, pilot):
    action = ActionFactory(cycle=cycle)
    client.force_login(pilot)
    response = client.get(reverse("demarches:action_check_file", args=[action.pk]))
    assert response.status_code == 404
