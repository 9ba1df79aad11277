"""The AG reports of a structure in its third year: 3 years × 60 items of the national guide
(indicators with values and targets, questions with text), 40 actions a year linked to the
items, answers linked year to year, an AG debate each year.

    .venv/bin/python bench/reports.py

It always runs on a scratch SQLite file in a temporary directory (whatever DATABASE_URL says,
never db.sqlite3), with the task run in this process (the embedded default: no REDIS_URL). It
prints, for the full report and the synthesis, the time from the request to the ready PDF
(median of a few builds, each one a new version: an answer changes before each), split into
our HTML (queries, charts, template), WeasyPrint and the rest; WeasyPrint alone on each
build's final HTML, run right after it; the SQL queries of one build (also for a structure a
third of the size: the count must not grow). Times are wall and CPU: on a shared machine the
wall time grows with the others' load, the CPU time of this one-threaded work much less.
Memory is the process's peak resident set (getrusage ru_maxrss: the high-water mark of the
whole process, Django and the data included, as a worker would see it).

The issue's bars: the full report ≤ 5 s and ≤ 400 MB, the synthesis ≤ 2 s, our part (queries,
charts, template) < 30 % of the whole.
"""

import datetime
import itertools
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

SCRATCH = Path(tempfile.mkdtemp(prefix="progress-bench-"))
os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH / 'bench.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(SCRATCH / "media")
os.environ.pop("REDIS_URL", None)  # the task runs in this process, within the request
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "progress.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import translation  # noqa: E402

from demarches import services as demarches  # noqa: E402
from demarches.models import Action, AgDebate, Answer, Presentation, Step, ThemeChoice  # noqa: E402
from guide.models import Guide  # noqa: E402
from members.models import Role, Structure, User  # noqa: E402
from reports import rendering, services  # noqa: E402
from reports.models import Report  # noqa: E402

YEARS = (2024, 2025, 2026)
ITEMS, ACTIONS, RUNS = 60, 40, 3
FULL_BAR_S, FULL_BAR_MB, SYNTHESIS_BAR_S, OUR_PART_BAR = 5.0, 400, 2.0, 30
TEXT = (
    "Un état des lieux de quelques lignes, comme en écrivent les structures : ce qui se fait, "
    "qui s'en occupe, ce qui manque encore. "
)


def fill(answer: Answer, year: int, index: int) -> None:
    """What a structure writes of an item: an indicator gets a value and its targets, a
    question some text; one item in ten is not treated, with its reason."""
    answer.situation = f"{TEXT}({year}, n° {index + 1})"
    answer.good_practices = "Des comptes rendus diffusés à tous les salariés."
    answer.improvements = "Associer davantage les bénévoles aux décisions."
    answer.objective_1y = "Dresser l'état des lieux et se fixer un objectif quantitatif."
    answer.objective_3y = "Avoir atteint l'objectif fixé en année 1."
    answer.assessment = (
        Answer.Assessment.NOT_TREATED
        if index % 10 == 9
        else (Answer.Assessment.GOOD_PRACTICE if index % 3 == 0 else Answer.Assessment.TO_IMPROVE)
    )
    answer.not_treated_reason = (
        "Pas de données cette année." if answer.assessment == Answer.Assessment.NOT_TREATED else ""
    )
    if answer.is_indicator:
        answer.value = Decimal(20 + 5 * (year - YEARS[0]) + index % 7)
        answer.target_1y = answer.value + 5
        answer.target_3y = answer.value + 15
    answer.save()


def structure_with_three_years(name: str, items: int, actions: int):
    guide = Guide.objects.national().get(edition="2016")
    structure = Structure.objects.create(name=name)
    since = datetime.date(YEARS[0], 1, 1)
    people = {}
    for kind in (Role.Kind.PILOT, Role.Kind.COPILOT, Role.Kind.CONTRIBUTOR):
        person = User.objects.create_user(
            f"{kind}-{structure.pk}@example.org", "bench-passphrase", full_name=f"{kind} {name}"
        )
        Role.objects.create(person=person, kind=kind, structure=structure, started_on=since)
        people[kind] = person
    pilot = people[Role.Kind.PILOT]
    chosen = list(guide.items.current().select_related("domain__theme").order_by("pk")[:items])
    assert len(chosen) == items, f"the national guide has only {len(chosen)} items"
    themes = {item.domain.theme for item in chosen}
    aside = guide.themes.exclude(pk__in=[theme.pk for theme in themes]).first()

    cycle = None
    for year in YEARS:
        cycle = demarches.start_cycle(
            structure, year=year, guide=guide, by=pilot, ag_on=datetime.date(year + 1, 6, 12)
        )
        if cycle.previous is None:  # the first year: the selection; later years carry it over
            for priority, theme in enumerate(sorted(themes, key=lambda theme: theme.position)):
                ThemeChoice.objects.create(cycle=cycle, theme=theme, priority=priority)
            if aside is not None:
                ThemeChoice.objects.create(
                    cycle=cycle, theme=aside, is_retained=False, reason="Traité l'an prochain."
                )
            for item in chosen:
                Answer.objects.create(cycle=cycle, item=item, domain=item.domain)
        answers = list(cycle.answers.select_related("item").order_by("pk"))
        for index, answer in enumerate(answers):
            answer._history_user = people[Role.Kind.CONTRIBUTOR] if index % 4 == 0 else pilot
            fill(answer, year, index)
        statuses = list(Action.Status)
        for number in range(actions):
            action = Action.objects.create(
                cycle=cycle,
                title=f"Action n° {number + 1} du plan {year}",
                description="Ce que l'on fera, avec qui, et comment on saura que c'est fait.",
                owner=pilot if number % 2 else None,
                owner_name="" if number % 2 else "Une bénévole",
                budget=Decimal(100 * number),
                starts_on=datetime.date(year, 1 + number % 12, 1),
                due_on=datetime.date(year + 1, 1 + number % 12, 28),
                status=statuses[number % len(statuses)],
                is_quick_win=number % 5 == 0,
            )
            action.answers.set(answers[number % len(answers) : number % len(answers) + 2])
        for kind, month in (
            (Presentation.Kind.STAFF_MEETING, 3),
            (Presentation.Kind.BOARD_MEETING, 4),
            (Presentation.Kind.AG, 6),
        ):
            Presentation.objects.create(
                cycle=cycle, kind=kind, held_on=datetime.date(year + 1, month, 10), created_by=pilot
            )
        for step in Step:
            demarches.mark_step(cycle, step, by=pilot, on=datetime.date(year, 1 + step % 12, 1))
        AgDebate.objects.create(
            cycle=cycle,
            questions="Nos priorités vous semblent-elles justes ?\n"
            "Que proposez-vous pour associer les bénévoles ?\n"
            "Quel objectif pour l'an prochain ?",
            held_on=datetime.date(year + 1, 6, 12),
            remarks="L'assemblée demande un suivi trimestriel des actions.",
            adjustments="Ajout d'une revue trimestrielle au plan d'action.",
            updated_by=pilot,
        )
    return cycle, pilot


@dataclass
class Clock:
    """Wall time, and the CPU time of this process: on a shared machine the wall time of a
    run grows with the others' load, its CPU time much less."""

    wall: float = 0.0
    cpu: float = 0.0

    @classmethod
    def start(cls) -> "Clock":
        return cls(time.perf_counter(), time.process_time())

    def elapsed(self) -> "Clock":
        return Clock(time.perf_counter() - self.wall, time.process_time() - self.cpu)

    def __sub__(self, other: "Clock") -> "Clock":
        return Clock(self.wall - other.wall, self.cpu - other.cpu)

    def ms(self) -> str:
        return f"{self.wall * 1000:8.0f} ms {self.cpu * 1000:8.0f} ms"


def median(clocks: list[Clock]) -> Clock:
    return Clock(
        statistics.median(clock.wall for clock in clocks),
        statistics.median(clock.cpu for clock in clocks),
    )


class Timings:
    """How long the build spends in our HTML (data + template) and in WeasyPrint; and the
    final HTML given to WeasyPrint, to time it alone afterwards."""

    def __init__(self):
        self.html = self.pdf = Clock()
        self.final_html = None
        self._html, self._pdf = rendering.html, rendering.pdf
        rendering.html, rendering.pdf = self.timed_html, self.timed_pdf

    def timed_html(self, report):
        start = Clock.start()
        try:
            return self._html(report)
        finally:
            self.html = start.elapsed()

    def timed_pdf(self, source, stylesheets=()):
        self.final_html = (source, stylesheets)
        start = Clock.start()
        try:
            return self._pdf(source, stylesheets)
        finally:
            self.pdf = start.elapsed()


def rss_mb() -> float:
    """Resident set now (from /proc/self/statm)."""
    resident = int(Path("/proc/self/statm").read_text().split()[1])
    return resident * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


RUN = itertools.count(1)


def build_once(kind, cycle, pilot):
    """Change one answer (so that a new version is due), then ask: request → ready PDF."""
    run = next(RUN)
    answer = cycle.answers.order_by("pk").first()
    answer.situation = f"{TEXT}(revu, passage {run})"
    answer.improvements = f"Associer les bénévoles aux décisions (passage {run})."
    answer.objective_1y = f"Un objectif revu au passage {run}."
    answer.save()
    with CaptureQueriesContext(connection) as queries:
        start = Clock.start()
        report = services.request_report(kind=kind, cycle=cycle, by=pilot)
        report.refresh_from_db()
        total = start.elapsed()
    if report.same_as_id:
        # The document does not show the changed answer (its template is unfinished): make
        # room for a new version so that every run measures a whole build.
        services.delete_version(report.same_as)
        return build_once(kind, cycle, pilot)
    return report, total, len(queries)


@dataclass
class Figures:
    total: Clock  # request → ready PDF
    ours: Clock  # all but WeasyPrint, in the same builds
    alone: Clock | None  # WeasyPrint alone on each build's final HTML, right after it


def measure(label, kind, cycle, pilot, timings, *, with_weasyprint_alone=False, runs=RUNS):
    """A first build (cold: imports, fonts, templates), then `runs` builds, each one followed
    (when asked) by WeasyPrint alone on its final HTML, so that the two see the same load on
    the machine. Prints and returns the medians."""
    print(f"\n{label:<42}{'wall':>11}{'CPU':>12}")
    totals, htmls, pdfs, ours, alones = [], [], [], [], []
    for run in range(runs + 1):
        report, total, queries = build_once(kind, cycle, pilot)
        if report.status != Report.Status.READY:
            print(f"  the build failed: {report.failure_reason}")
            return None
        if run == 0:
            print(f"  {'first build in this process (cold)':<40}{total.ms()}")
            continue
        totals.append(total)
        htmls.append(timings.html)
        pdfs.append(timings.pdf)
        ours.append(total - timings.pdf)
        if with_weasyprint_alone:
            source, stylesheets = timings.final_html
            start = Clock.start()
            rendering.pdf(source, stylesheets)
            alones.append(start.elapsed())
    figures = Figures(median(totals), median(ours), median(alones) if alones else None)
    print(f"  {f'request → ready PDF (median of {runs})':<40}{figures.total.ms()}")
    print(f"  {'  of which data + template (HTML)':<40}{median(htmls).ms()}")
    print(f"  {'  of which WeasyPrint in the build':<40}{median(pdfs).ms()}")
    print(f"  {'  all but WeasyPrint':<40}{figures.ours.ms()}")
    if figures.alone:
        print(f"  {'WeasyPrint alone on the final HTML':<40}{figures.alone.ms()}")
    print(f"  {'SQL queries of one build':<40}{queries:8}")
    print(
        f"  PDF: version {report.number}, {report.pages} pages, {report.size / 1024:.0f} KiB "
        f"from {len(timings.final_html[0]) / 1024:.0f} KiB of HTML"
    )
    return figures


def queries_of_one_build(kind, cycle, pilot) -> int:
    _report, _total, queries = build_once(kind, cycle, pilot)
    return queries


def verdict(ok: bool) -> str:
    return "within the bar" if ok else "OVER THE BAR"


def main():
    call_command("migrate", verbosity=0)
    translation.activate("fr")
    started = time.perf_counter()
    cycle, pilot = structure_with_three_years("Structure du banc d'essai", ITEMS, ACTIONS)
    small, small_pilot = structure_with_three_years("Petite structure", ITEMS // 3, ACTIONS // 4)
    print(f"Scratch database: {SCRATCH / 'bench.sqlite3'}")
    print(
        f"{cycle.structure.name}: years {', '.join(map(str, YEARS))}; in {cycle.year} "
        f"{cycle.answers.count()} items "
        f"({cycle.answers.filter(item__kind='indicator').count()} indicators), "
        f"{cycle.actions.count()} actions; data built in {time.perf_counter() - started:.1f} s"
    )
    print(f"Resident memory before the first report: {rss_mb():.0f} MB")

    timings = Timings()
    full = measure(
        "Full AG report", Report.Kind.FULL, cycle, pilot, timings, with_weasyprint_alone=True
    )
    peak = peak_mb()
    synthesis = measure("Publishable synthesis", Report.Kind.SYNTHESIS, cycle, pilot, timings)

    print("\nQueries of one build at two sizes (they must not grow)")
    for kind in Report.CYCLE_KINDS:
        large = queries_of_one_build(kind, cycle, pilot)
        little = queries_of_one_build(kind, small, small_pilot)
        print(
            f"  {Report.Kind(kind).label:<30} {ITEMS}×{ACTIONS}: {large:4}   "
            f"{ITEMS // 3}×{ACTIONS // 4}: {little:4}   {'same' if large == little else 'DIFFER'}"
        )

    print(f"\n{'Against the bars':<42}{'wall':>11}{'CPU':>12}")
    if full is None:
        print("  no figures: the full report failed (see above)")
        return
    total, alone = full.total, full.alone
    print(
        f"  {'full report: total / WeasyPrint alone':<40}{total.wall / alone.wall:8.2f}   "
        f"{total.cpu / alone.cpu:11.2f}"
    )
    for label, part in (
        ("our part: 1 − WeasyPrint alone / total", total - alone),
        ("our part: all but WeasyPrint, same build", full.ours),
    ):
        wall, cpu = part.wall / total.wall * 100, part.cpu / total.cpu * 100
        print(f"  {label:<40}{wall:8.1f} % {cpu:9.1f} %   (bar < {OUR_PART_BAR} %)")
    print(
        f"  full report: {total.wall:.2f} s wall, {total.cpu:.2f} s CPU: "
        f"{verdict(total.wall <= FULL_BAR_S)} (≤ {FULL_BAR_S:.0f} s) on the wall time, "
        f"{verdict(total.cpu <= FULL_BAR_S)} on the CPU time"
    )
    print(
        f"  peak memory of the process after the full reports (ru_maxrss): {peak:.0f} MB: "
        f"{verdict(peak <= FULL_BAR_MB)} (≤ {FULL_BAR_MB} MB)"
    )
    if synthesis is not None:
        print(
            f"  synthesis: {synthesis.total.wall:.2f} s wall, {synthesis.total.cpu:.2f} s CPU: "
            f"{verdict(synthesis.total.wall <= SYNTHESIS_BAR_S)} (≤ {SYNTHESIS_BAR_S:.0f} s)"
        )


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
