"""The publishable synthesis (step 12): for each theme of the guide what is at stake, and for
a retained theme its good practices, axes d'amélioration and objectives; a theme left aside
with its reason. Short, and without internal details: no budget, no names, no evidence."""

import re
import subprocess
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demarches.models import Answer, Evidence
from guide.models import Item
from members.models import Role
from reports import cycle_report, rendering, services
from reports.models import Report
from tests.demarches.factories import ActionFactory, AnswerFactory, CycleFactory, ThemeChoiceFactory
from tests.guide.factories import GuideFactory, ItemFactory, ThemeFactory
from tests.members.factories import RoleFactory, StructureFactory
from tests.reports.factories import ReportFactory, years_of_demarche

pytestmark = pytest.mark.django_db

STAKES = (
    "Une structure de l'ESS existe pour répondre à des besoins souvent mal couverts. L'enjeu "
    "est de rester à l'écoute de ses usagers, de les associer à la conception et à "
    "l'évaluation des services, et de garantir qualité et accessibilité à tous."
)


def synthesis_text(cycle, capture) -> tuple[Report, str]:
    with capture(execute=True):
        report = services.request_report(kind=Report.Kind.SYNTHESIS, cycle=cycle, by=None)
    report.refresh_from_db()
    assert report.status == Report.Status.READY, report.failure_reason
    text = subprocess.run(
        ["pdftotext", report.file.path, "-"], capture_output=True, text=True, check=True
    ).stdout
    text = text.replace("\u2010\n", "").replace("\xa0", " ").replace("\u202f", " ")
    return report, re.sub(r"\s+", " ", text)


@pytest.fixture
def cycle():
    structure = StructureFactory(name="Les Jardins du Val")
    pilot = RoleFactory(
        structure=structure, kind=Role.Kind.PILOT, person__full_name="Nadia Benali"
    ).person
    guide = GuideFactory()
    users = ThemeFactory(guide=guide, code="5", title="Lien avec les usagers", stakes=STAKES)
    salaries = ThemeFactory(guide=guide, code="4", title="Politique salariale", position=0)
    ThemeFactory(guide=guide, code="8", title="Éthique et déontologie", stakes="Des valeurs.")
    cycle = CycleFactory(structure=structure, guide=guide, year=2026)
    ThemeChoiceFactory(cycle=cycle, theme=users, priority=1)
    ThemeChoiceFactory(
        cycle=cycle,
        theme=salaries,
        is_retained=False,
        reason="Traitée par l'accord d'entreprise signé en 2023.",
    )
    satisfied = ItemFactory(
        domain__theme=users,
        kind=Item.Kind.INDICATOR,
        unit=Item.Unit.PERCENT,
        text="Part des usagers satisfaits",
    )
    listened = ItemFactory(domain=satisfied.domain, text="Mesurons-nous la satisfaction ?")
    voice = ItemFactory(domain=satisfied.domain, text="Les usagers siègent-ils au CA ?")
    survey = AnswerFactory(
        cycle=cycle,
        item=satisfied,
        value=Decimal(45),
        assessment=Answer.Assessment.TO_IMPROVE,
        improvements="Un questionnaire court chaque trimestre.",
        objective_1y="Progresser vers la cible.",
        target_1y=Decimal(60),
        target_3y=Decimal(80),
        assignee=pilot,
    )
    AnswerFactory(
        cycle=cycle,
        item=listened,
        situation="Marie Dupont anime un temps d'échange mensuel (coût 1 200 €).",
        good_practices="Un temps d'échange mensuel avec les jardiniers.",
        assessment=Answer.Assessment.GOOD_PRACTICE,
        objective_3y="La satisfaction discutée chaque année en CA.",
    )
    AnswerFactory(
        cycle=cycle,
        item=voice,
        assessment=Answer.Assessment.NOT_TREATED,
        not_treated_reason="Le CA en débattra l'an prochain.",
    )
    ActionFactory(
        cycle=cycle, title="Boîte à idées", budget=Decimal(9500), owner_name="Jules Moreau"
    ).answers.add(survey)
    Evidence.objects.create(
        answer=survey, name="enquete-usagers-2026.pdf", file=ContentFile(b"%PDF", "e.pdf")
    )
    return cycle


def test_it_says_what_is_at_stake_in_each_theme_of_the_guide(
    cycle, django_capture_on_commit_callbacks
):
    _report, text = synthesis_text(cycle, django_capture_on_commit_callbacks)
    assert "Notre démarche de progrès 2026" in text
    assert "garantir qualité et accessibilité à tous." in text
    assert "8. Éthique et déontologie Pas travaillé cette année Enjeux : Des valeurs." in text


def test_a_retained_theme_has_its_good_practices_axes_and_objectives(
    cycle, django_capture_on_commit_callbacks
):
    _report, text = synthesis_text(cycle, django_capture_on_commit_callbacks)
    assert "Travaillé cette année" in text
    assert "Ce que nous faisons déjà bien • Un temps d'échange mensuel avec les jardiniers." in text
    assert "Nos axes d'amélioration • Un questionnaire court chaque trimestre." in text
    assert "Nos objectifs d'ici un an • Part des usagers satisfaits : 60 %" in text
    assert "Part des usagers satisfaits : 80 %" in text
    assert "La satisfaction discutée chaque année en CA." in text


def test_a_theme_left_aside_is_explained(cycle, django_capture_on_commit_callbacks):
    _report, text = synthesis_text(cycle, django_capture_on_commit_callbacks)
    assert "4. Politique salariale Laissé de côté cette année" in text
    assert "Traitée par l'accord d'entreprise signé en 2023." in text


def test_it_tells_nothing_internal(cycle, django_capture_on_commit_callbacks):
    _report, text = synthesis_text(cycle, django_capture_on_commit_callbacks)
    for internal in (
        "Marie Dupont",  # the état des lieux stays internal, even of a good practice
        "€",
        "9 500",
        "Boîte à idées",  # actions, their budget and owner stay in the full report
        "Jules Moreau",
        "Nadia Benali",  # nor who filled what
        "enquete-usagers-2026",  # nor the evidence
        "Le CA en débattra",  # nor the items left untreated
    ):
        assert internal not in text


def test_it_stays_short_for_the_eight_themes_of_a_guide(django_capture_on_commit_callbacks):
    cycle = years_of_demarche(items=15, actions=5, themes=8)
    for theme in cycle.guide.themes.all():
        theme.stakes = STAKES
        theme.save()
    report, _text = synthesis_text(cycle, django_capture_on_commit_callbacks)
    assert 1 < report.pages <= 4


def test_the_data_costs_the_same_queries_for_a_small_and_a_large_cycle(
    django_assert_num_queries,
):
    small = ReportFactory(kind=Report.Kind.SYNTHESIS, cycle=years_of_demarche(items=5, actions=3))
    large = ReportFactory(kind=Report.Kind.SYNTHESIS, cycle=years_of_demarche(items=60, actions=40))
    with CaptureQueriesContext(connection) as queries:
        rendering.html(small)
    with django_assert_num_queries(len(queries)):  # the template included
        rendering.html(large)
    context = cycle_report.synthesis_context(large)
    assert sum(len(theme.improvements) for theme in context["themes"]) == 59
