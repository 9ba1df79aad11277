"""Export and import of a cycle's steering table: 60 items of the national guide, all filled,
40 actions, and a previous year (so the table carries last year's columns too).

    DJANGO_SETTINGS_MODULE=progress.settings .venv/bin/python bench/demarche_transfer.py

It always runs on a scratch SQLite file in a temporary directory (whatever DATABASE_URL says,
never db.sqlite3), migrates it (which loads the national guide), and prints the median time
(ms) and the SQL queries of each step over a few runs. The issue's bars: an export in under
1 s, an import preview in under 2 s.
"""

import os
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from io import BytesIO
from pathlib import Path

SCRATCH = Path(tempfile.mkdtemp(prefix="progress-bench-"))
os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH / 'bench.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(SCRATCH / "media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "progress.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from demarches import exports, imports, services  # noqa: E402
from demarches.models import Action, Answer, ThemeChoice  # noqa: E402
from guide.models import Guide  # noqa: E402
from members.models import Role, Structure, User  # noqa: E402
from progress.lib import xlsx  # noqa: E402

ITEMS, ACTIONS, RUNS = 60, 40, 5
TEXT = "Un état des lieux de quelques lignes, comme en écrivent les structures. " * 3


def fill(answer: Answer, year: int) -> None:
    answer.situation = f"{TEXT} ({year})"
    answer.assessment = Answer.Assessment.TO_IMPROVE
    answer.good_practices = "Des comptes rendus diffusés à tous les salariés."
    answer.improvements = "Associer davantage les bénévoles aux décisions."
    answer.objective_1y = "Dresser l'état des lieux et se fixer un objectif quantitatif."
    answer.objective_3y = "Avoir atteint l'objectif fixé en année 1."
    if answer.is_indicator:
        answer.value = Decimal(30 + year % 10)
        answer.target_1y = Decimal(50)
        answer.target_3y = Decimal(70)
    answer.save()


def build() -> tuple:
    guide = Guide.objects.national().get(edition="2016")
    structure = Structure.objects.create(name="Structure du banc d'essai")
    pilot = User.objects.create_user("bench@example.org", "bench-passphrase", full_name="Banc")
    Role.objects.create(person=pilot, kind=Role.Kind.PILOT, structure=structure)
    items = list(guide.items.current().select_related("domain__theme").order_by("pk")[:ITEMS])
    assert len(items) == ITEMS, f"the national guide has only {len(items)} items"

    before = services.start_cycle(structure, year=2025, guide=guide, by=pilot)
    for theme in {item.domain.theme for item in items}:
        ThemeChoice.objects.create(cycle=before, theme=theme, priority=theme.position)
    for item in items:
        fill(Answer(cycle=before, item=item, domain=item.domain), 2025)

    cycle = services.start_cycle(structure, year=2026, guide=guide, by=pilot)
    answers = list(cycle.answers.select_related("item"))
    for answer in answers:
        fill(answer, 2026)
    for number in range(ACTIONS):
        action = Action.objects.create(
            cycle=cycle,
            title=f"Action n° {number + 1} du plan",
            description="Ce que l'on fera, et avec qui.",
            owner=pilot if number % 2 else None,
            owner_name="" if number % 2 else "Une bénévole",
            budget=Decimal(100 * number),
            status=Action.Status.DOING,
            is_quick_win=number % 5 == 0,
        )
        action.answers.set(answers[number : number + 2])
    return cycle, pilot


def measure(label: str, function, runs=RUNS):
    """Run `function` a few times: print the median time and the queries of one run."""
    times, result, queries = [], None, 0
    for _run in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            result = function()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    print(f"  {label:<46} {statistics.median(times):8.1f} ms {queries:6} queries")
    return result


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("tableau.xlsx", content, content_type=xlsx.CONTENT_TYPE)


def two_edits(content: bytes, value: int) -> bytes:
    """The table with two cells changed, as in Excel: a value and an objective."""
    book = load_workbook(BytesIO(content))
    sheet = book[str(exports.SHEETS["answers"])]
    headers = {cell.value: cell.column for cell in sheet[1]}
    indicator = next(row for row in sheet.iter_rows(min_row=2) if row[4].value == "Indicateur")
    indicator[headers["Valeur 2026"] - 1].value = value
    sheet.cell(row=2, column=headers["Objectif à 3 ans"]).value = f"Un objectif revu ({value})"
    return xlsx.workbook_bytes(book)


def main():
    call_command("migrate", verbosity=0)
    setup_test_environment()  # lets the test client in (ALLOWED_HOSTS)
    translation.activate("fr")
    cycle, pilot = build()
    content = xlsx.workbook_bytes(exports.export_cycle(cycle))
    print(f"Scratch database: {SCRATCH / 'bench.sqlite3'}")
    print(
        f"Cycle {cycle.year}: {cycle.answers.count()} items, {cycle.actions.count()} actions, "
        f"previous year {cycle.previous.year}; workbook {len(content) / 1024:.0f} KiB\n"
    )

    print(f"As functions (median of {RUNS} runs)")
    measure("export (workbook bytes)", lambda: xlsx.workbook_bytes(exports.export_cycle(cycle)))
    plan = measure(
        "preview of the unchanged file (parse + plan)",
        lambda: imports.parse(upload(content), cycle),
    )
    assert plan.is_valid and not plan.has_changes, plan.problems
    edited = two_edits(content, 99)
    plan = measure("preview of a file with 2 edits", lambda: imports.parse(upload(edited), cycle))
    assert plan.change_count == 2, plan.changes

    values = iter(range(100, 100 + RUNS))

    def apply_two_edits():
        # Each run starts from the current table, so that its versions are the current ones.
        plan = imports.parse(upload(two_edits(content, next(values))), cycle)
        start = time.perf_counter()
        imports.apply(plan, by=pilot, stamps=plan.stamps)
        return (time.perf_counter() - start) * 1000

    applied = [apply_two_edits() for _run in range(RUNS)]
    print(f"  {'apply the 2 edits (one transaction)':<46} {statistics.median(applied):8.1f} ms")

    print("\nThrough the pages (the export: median of 5 after a first page has loaded the app)")
    client = Client()
    client.force_login(pilot)
    content = xlsx.workbook_bytes(exports.export_cycle(cycle))
    cold = time.perf_counter()
    client.get(reverse("demarches:transfer", args=[cycle.pk]))  # imports, templates, catalogues
    cold_ms = (time.perf_counter() - cold) * 1000
    print(f"  {'first page of the process (cold start)':<46} {cold_ms:8.1f} ms")
    export_url = reverse("demarches:export", args=[cycle.pk])
    measure("GET export", lambda: client.get(export_url), runs=RUNS)
    edited = two_edits(content, 42)
    response = measure(
        "POST upload",
        lambda: client.post(reverse("demarches:import", args=[cycle.pk]), {"file": upload(edited)}),
        runs=1,
    )
    assert response.status_code == 302, response.content
    url = reverse("demarches:import_preview", args=[cycle.pk])
    response = measure("GET preview", lambda: client.get(url), runs=1)
    assert response.context["plan"].change_count == 2
    response = measure("POST confirmation (apply)", lambda: client.post(url), runs=1)
    assert response.status_code == 302, response.content


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
