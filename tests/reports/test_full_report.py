"""The full AG report: a cover, a table of contents with page numbers, the démarche and who
took part, each retained theme item by item with its actions, the themes left aside with
their reasons, the progress made since last year with charts, the action plan with its
budget, and what the AG said last year; the structure's name in the running header.

The PDF is built the way users get it (a request, then the task) and read back as text."""

import datetime
import re
import subprocess
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demarches.models import Action, AgDebate, Answer, Presentation
from guide.models import Item
from members.models import Role
from reports import cycle_report, rendering, services
from reports.models import Report
from tests.demarches.factories import (
    ActionFactory,
    AnswerFactory,
    CycleFactory,
    PresentationFactory,
    ThemeChoiceFactory,
)
from tests.guide.factories import DomainFactory, GuideFactory, ItemFactory, ThemeFactory
from tests.members.factories import RoleFactory, StructureFactory, UserFactory
from tests.reports.factories import ReportFactory, years_of_demarche

pytestmark = pytest.mark.django_db


def pdf_pages(report: Report) -> list[str]:
    """The text of each page, spaces made plain and words cut by hyphenation joined again."""
    text = subprocess.run(
        ["pdftotext", report.file.path, "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")[: report.pages]
    return [
        re.sub(
            r"\s+", " ", page.replace("\u2010\n", "").replace("\xa0", " ").replace("\u202f", " ")
        )
        for page in pages
    ]


def build(cycle, kind, capture) -> Report:
    with capture(execute=True):
        report = services.request_report(kind=kind, cycle=cycle, by=None)
    report.refresh_from_db()
    assert report.status == Report.Status.READY, report.failure_reason
    return report


@pytest.fixture
def demarche():
    """Les Jardins du Val in their second year, with last year's AG on record."""
    structure = StructureFactory(name="Les Jardins du Val")
    pilot = RoleFactory(
        structure=structure, kind=Role.Kind.PILOT, person__full_name="Nadia Benali"
    ).person
    RoleFactory(structure=structure, kind=Role.Kind.COPILOT, person__full_name="Thomas Leroy")
    volunteer = UserFactory(full_name="Jules Moreau")
    RoleFactory(structure=structure, kind=Role.Kind.CONTRIBUTOR, person=volunteer)

    guide = GuideFactory(title="Guide des bonnes pratiques", edition="2017")
    governance = ThemeFactory(guide=guide, code="1", title="Gouvernance démocratique")
    users = ThemeFactory(guide=guide, code="5", title="Lien avec les usagers")
    ethics = ThemeFactory(guide=guide, code="8", title="Éthique et déontologie")
    hours = ItemFactory(
        domain=DomainFactory(theme=governance),
        code="1.6.3",
        kind=Item.Kind.INDICATOR,
        unit=Item.Unit.HOURS,
        text="Volume annuel d'heures de bénévolat",
    )
    satisfied = ItemFactory(
        domain=DomainFactory(theme=users),
        code="5.2.2",
        kind=Item.Kind.INDICATOR,
        unit=Item.Unit.PERCENT,
        text="Part des usagers satisfaits",
    )
    means = ItemFactory(domain=hours.domain, code="1.3.5", text="Les élus ont-ils des moyens ?")

    last_year = CycleFactory(structure=structure, guide=guide, year=2025)
    AgDebate.objects.create(
        cycle=last_year,
        held_on=datetime.date(2026, 6, 13),
        remarks="Les membres demandent un point sur le bénévolat.",
        adjustments="Suivre le bénévolat chaque trimestre en CA.",
    )
    cycle = CycleFactory(
        structure=structure,
        guide=guide,
        year=2026,
        previous=last_year,
        ag_on=datetime.date(2027, 6, 12),
    )
    for year_cycle in (last_year, cycle):
        ThemeChoiceFactory(cycle=year_cycle, theme=governance, priority=1)
        ThemeChoiceFactory(cycle=year_cycle, theme=users, priority=2)
        ThemeChoiceFactory(
            cycle=year_cycle,
            theme=ethics,
            is_retained=False,
            reason="Reporté : le groupe de travail ne pouvait pas tout mener de front.",
        )
    before = AnswerFactory(cycle=last_year, item=hours, value=2100, target_1y=2300)
    volunteering = AnswerFactory(
        cycle=cycle,
        item=hours,
        previous=before,
        value=2300,
        situation="Relevé des feuilles d'heures.",
        assessment=Answer.Assessment.GOOD_PRACTICE,
        objective_1y="Tenir le cap.",
        target_1y=2500,
    )
    satisfaction = AnswerFactory(
        cycle=cycle,
        item=satisfied,
        value=45,
        assessment=Answer.Assessment.TO_IMPROVE,
        improvements="Un questionnaire court chaque trimestre.",
        target_1y=60,
        assignee=volunteer,
    )
    AnswerFactory(
        cycle=cycle,
        item=means,
        assessment=Answer.Assessment.NOT_TREATED,
        not_treated_reason="Nos administrateurs sont choisis pour leur expertise.",
    )
    serre = ActionFactory(
        cycle=cycle,
        title="Isolation de la serre",
        budget=Decimal(9500),
        status=Action.Status.DOING,
        owner=pilot,
        due_on=datetime.date(2027, 2, 14),
    )
    serre.answers.add(volunteering)
    ActionFactory(
        cycle=cycle, title="Boîte à idées des usagers", budget=Decimal(50), owner=volunteer
    ).answers.add(satisfaction)
    ActionFactory(
        cycle=cycle,
        title="Journée portes ouvertes",
        budget=Decimal(500),
        status=Action.Status.ABANDONED,
    )
    PresentationFactory(
        cycle=cycle, kind=Presentation.Kind.STAFF_MEETING, notes="Réunion plénière, 18 salariés."
    )
    return cycle


@pytest.fixture
def pages(demarche, django_capture_on_commit_callbacks):
    return pdf_pages(build(demarche, Report.Kind.FULL, django_capture_on_commit_callbacks))


def test_it_is_a_document_of_several_pages(demarche, django_capture_on_commit_callbacks):
    report = build(demarche, Report.Kind.FULL, django_capture_on_commit_callbacks)
    assert report.pages > 1
    assert report.file.name.endswith(".pdf")


def test_the_cover_names_the_structure_the_year_the_ag_and_the_pilot_pair(pages):
    cover = pages[0]
    for text in (
        "Les Jardins du Val",
        "Rapport d'AG 2026",
        "12 juin 2027",
        "Nadia Benali (pilote)",
        "Thomas Leroy (copilote)",
        "Guide des bonnes pratiques, édition 2017",
        "Version 1, générée le",
    ):
        assert text in cover
    assert not re.search(rf"\b1 ?/ ?{len(pages)}\b", cover)  # no page number on the cover


def test_every_page_after_the_cover_has_the_running_header_and_its_number(pages):
    for number, page in enumerate(pages[1:], start=2):
        assert page.startswith("Les Jardins du Val · Rapport d'AG 2026")
        assert re.search(rf"\b{number} ?/ ?{len(pages)} $", page)


def test_the_table_of_contents_gives_the_page_of_each_section(pages):
    contents = pages[1]
    assert "Sommaire" in contents
    for title in (
        "La démarche 2026",
        "Ce que l'AG a dit l'an dernier",
        "1. Gouvernance démocratique",
        "5. Lien avec les usagers",
        "Le chemin parcouru depuis 2025",
        "Plan d'action 2026",
    ):
        number = int(re.search(re.escape(title) + r"[ .]*?(\d+) ", contents).group(1))
        assert number > 2
        assert title in pages[number - 1], f"{title} is not on page {number}"


def test_it_tells_the_steps_and_who_took_part(pages):
    text = " ".join(pages)
    assert "Les douze étapes du guide" in text
    assert "Prioriser les thèmes de l'année" in text
    assert "Jules Moreau — 1 item renseigné, 1 action portée" in text
    assert "Réunion plénière, 18 salariés." in text


def test_each_item_shows_its_état_des_lieux_assessment_and_objectives(pages):
    text = " ".join(pages)
    assert "2 300 heures" in text
    assert "45 %" in text
    assert "cible : 60 %" in text
    assert "Bonne pratique" in text
    assert "Un questionnaire court chaque trimestre." in text


def test_it_says_why_an_item_is_not_treated_and_a_theme_left_aside(pages):
    text = " ".join(pages)
    assert "Nos administrateurs sont choisis pour leur expertise." in text
    assert "8. Éthique et déontologie" in text
    assert "Reporté : le groupe de travail ne pouvait pas tout mener de front." in text


def test_the_action_plan_lists_actions_with_their_budget_and_the_total(pages):
    plan = next(page for page in pages if "Plan d'action 2026 Actions de l'année" in page)
    for text in ("Isolation de la serre", "Boîte à idées des usagers", "Journée portes ouvertes"):
        assert text in plan
    assert "9 500 €" in plan
    assert "En cours" in plan
    # The abandoned open day is not spent.
    assert "Budget total (hors actions abandonnées) 9 550 €" in plan


def test_it_shows_the_progress_since_last_year_with_a_chart_per_indicator(pages):
    progress = next(page for page in pages if "Le chemin parcouru depuis 2025 Chaque" in page)
    assert "1.6.3 Volume annuel d'heures de bénévolat" in progress
    assert "Atteint" in progress
    # The chart: a bar per year, and the objective at 1 year as a line.
    assert "2 100" in progress
    assert "Objectif : 2 500 heures" in progress


def test_it_recalls_what_the_ag_said_last_year(pages):
    section = next(page for page in pages if "Ce que l'AG a dit l'an dernier À l'AG" in page)
    assert "13 juin 2026" in section
    assert "Les membres demandent un point sur le bénévolat." in section
    assert "Suivre le bénévolat chaque trimestre en CA." in section


def test_it_lists_the_questions_put_to_this_years_ag(demarche, django_capture_on_commit_callbacks):
    AgDebate.objects.create(cycle=demarche, questions="Faut-il ouvrir le CA aux usagers ?")
    pages = pdf_pages(build(demarche, Report.Kind.FULL, django_capture_on_commit_callbacks))
    text = " ".join(pages)
    assert "Le débat de l'AG 2026" in text
    assert "Faut-il ouvrir le CA aux usagers ?" in text


def test_the_data_costs_the_same_queries_for_a_small_and_a_large_cycle(
    django_assert_num_queries,
):
    years = (2024, 2025, 2026)
    small = ReportFactory(cycle=years_of_demarche(items=5, actions=3, years=years))
    large = ReportFactory(cycle=years_of_demarche(items=60, actions=40, years=years))
    with CaptureQueriesContext(connection) as queries:
        rendering.html(small)
    # The template included: it reads what the context gathered, never the database.
    with django_assert_num_queries(len(queries)):
        html = rendering.html(large)
    assert "Action 2026 n° 40" in html
    context = cycle_report.full_context(large)
    assert sum(len(section.entries) for section in context["themes"]) == 60


def test_a_demarche_just_started_still_gets_its_report(django_capture_on_commit_callbacks):
    cycle = CycleFactory(structure=StructureFactory(name="Atelier Bois"), previous=None)
    pages = pdf_pages(build(cycle, Report.Kind.FULL, django_capture_on_commit_callbacks))
    text = " ".join(pages)
    assert "Atelier Bois" in pages[0]
    assert "Aucun thème n'est retenu pour l'instant." in text
    assert "Aucune action prévue pour l'instant." in text
    assert "Ce que l'AG a dit l'an dernier" not in text  # no last year to recall
