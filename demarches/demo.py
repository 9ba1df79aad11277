"""The demo's démarches: structures at different steps, and Les Jardins du Val in its third
year, so that "le chemin parcouru" has something to show. Loading twice changes nothing."""

import datetime
from decimal import Decimal

from django.db.models import F
from django.utils import timezone, translation

from demarches import debate, services
from demarches.models import (
    Action,
    AgDebate,
    Answer,
    Cycle,
    Milestone,
    Presentation,
    ThemeChoice,
)
from guide.models import Guide
from members.models import Membership, Structure, User

JARDINS = "Les Jardins du Val"

# Themes of the national guide: (code, priority) retained, and those left aside with a reason.
JARDINS_THEMES = [("1", 1), ("5", 2), ("7", 3)]
JARDINS_ASIDE = {
    "4": "Notre politique salariale est traitée par l'accord d'entreprise signé en 2023 ; "
    "nous y reviendrons quand il sera renégocié.",
    "8": "Thème reporté : le groupe de travail ne pouvait pas tout mener de front cette année.",
}

# Indicators: code → (values by year 2024, 2025, 2026 — None when not filled yet — and the
# 1-year target set each year). 7.1.2 (energy) goes down: the target is a reduction.
INDICATORS = {
    "1.3.2": ((10, 20, 40), (25, 35, 50)),
    "1.3.3": ((38, 46, None), (45, 50, 55)),
    "1.6.2": ((32, 41, 47), (40, 45, 50)),
    "1.6.3": ((2100, 2300, 2650), (2500, 2600, 2800)),
    "5.2.2": ((72, 70, 81), (80, 80, 85)),
    "5.3.2": ((0, 2, None), (2, 3, 4)),
    "7.2.2": ((55, 68, None), (70, 75, 80)),
    "7.1.2": ((48000, 45500, 41800), (44000, 42000, 40000)),
}
QUESTIONS = {
    "1.3.1": (
        "Pas de données consolidées : uniquement les feuilles d'émargement.",
        "Dresser l'état des lieux et se fixer un objectif quantitatif.",
        "Avoir atteint l'objectif fixé en année 1.",
    ),
    "5.2.1": (
        "Un questionnaire papier une fois par an, peu de retours.",
        "Un questionnaire court en ligne et un temps d'échange par trimestre.",
        "La satisfaction des usagers suivie chaque année et discutée en CA.",
    ),
    "5.3.1": (
        "Deux usagers invités au CA, sans droit de vote.",
        "Ouvrir un collège des usagers dans les statuts.",
        "Un collège des usagers représenté au CA.",
    ),
    "7.1.1": (
        "Aucun diagnostic réalisé à ce jour.",
        "Faire réaliser un diagnostic énergie des serres et du local.",
        "Un plan de réduction suivi chaque année.",
    ),
}
NOT_TREATED = {
    "1.3.5": "Question non traitée : nos administrateurs ont été choisis pour leur expertise, "
    "la question de leurs moyens n'est pas un enjeu pour nous cette année.",
}
OWN_QUESTION = ("5.3", "Les jardiniers en insertion participent-ils au choix des cultures ?")

JARDINS_ACTIONS = {
    2024: [
        ("Registre des présences aux AG", "1.3.1", "done", True, Decimal("0")),
        ("Formation des administrateurs nouvellement élus", "1.3.2", "done", True, Decimal(800)),
        ("Questionnaire de satisfaction en ligne", "5.2.2", "done", False, Decimal(150)),
        ("Tri des déchets verts au jardin", "7.2.2", "done", True, Decimal(1200)),
    ],
    2025: [
        ("Parcours d'accueil des bénévoles", "1.6.2", "done", True, Decimal(300)),
        ("Collège des usagers dans les statuts", "5.3.1", "done", True, Decimal(0)),
        ("Diagnostic énergie des serres", "7.1.1", "done", True, Decimal(2400)),
        ("Journée portes ouvertes", "1.6.3", "abandoned", False, Decimal(500)),
        ("Vote électronique à l'AG", "1.3.3", "done", False, Decimal(600)),
    ],
    2026: [
        ("Isolation de la serre n° 2", "7.1.2", "doing", False, Decimal(9500)),
        ("Formation « lire un bilan » pour le CA", "1.3.2", "todo", False, Decimal(700)),
        ("Boîte à idées des usagers", "5.2.1", "todo", True, Decimal(50)),
        ("Compost partagé avec le quartier", "7.2.2", "doing", True, Decimal(200)),
    ],
}


def _national_guide() -> Guide:
    return Guide.objects.national().published().order_by("-edition").first()


def _person(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _plan(cycle: Cycle, ag_on: datetime.date, *, done: bool) -> None:
    """The default plan; milestones past by two weeks are done (all of them for a past year)."""
    cutoff = None if done else timezone.localdate() - datetime.timedelta(weeks=2)
    for milestone in services.propose_plan(cycle, ag_on=ag_on):
        if cutoff is None or milestone.due_on < cutoff:
            milestone.done_on = milestone.due_on
            milestone.save(update_fields=["done_on"])


def _choose_themes(cycle: Cycle, retained, aside) -> None:
    themes = {theme.code: theme for theme in cycle.guide.themes.all()}
    for code, priority in retained:
        ThemeChoice.objects.create(cycle=cycle, theme=themes[code], priority=priority)
    for code, reason in aside.items():
        ThemeChoice.objects.create(
            cycle=cycle, theme=themes[code], is_retained=False, reason=reason
        )


def _select(cycle: Cycle, codes) -> dict[str, Answer]:
    items = cycle.guide.items.select_related("domain").filter(code__in=codes)
    return {
        item.code: Answer.objects.create(cycle=cycle, item=item, domain=item.domain)
        for item in items
    }


def _jardins(structure: Structure, guide: Guide) -> None:
    pilot = _person("pilote@jardins-du-val.example.org")
    copilot = _person("copilote@jardins-du-val.example.org")
    volunteer = _person("benevole@jardins-du-val.example.org")
    codes = [*INDICATORS, *QUESTIONS, *NOT_TREATED]
    previous = None
    for index, year in enumerate((2024, 2025, 2026)):
        ag_on = datetime.date(year + 1, 6, 14 - index)
        is_current = year == 2026
        cycle = services.start_cycle(structure, year=year, guide=guide, by=pilot, ag_on=ag_on)
        if previous is None:
            _plan(cycle, ag_on, done=True)
            _choose_themes(cycle, JARDINS_THEMES, JARDINS_ASIDE)
            answers = _select(cycle, codes)
            domain = guide.domains.get(code=OWN_QUESTION[0])
            answers["own"] = Answer.objects.create(
                cycle=cycle, domain=domain, own_kind="question", own_text=OWN_QUESTION[1]
            )
        else:
            answers = {a.code if not a.is_own else "own": a for a in cycle.answers.all()}
            if is_current:
                cycle.milestones.all().delete()
                _plan(cycle, ag_on, done=False)
            else:
                # Past years' milestones were all met, on the day planned.
                cycle.milestones.update(done_on=F("due_on"))
        _fill_jardins(cycle, answers, index, by=pilot, volunteer=volunteer)
        _actions(cycle, JARDINS_ACTIONS[year], answers, owners=[pilot, copilot, volunteer])
        if is_current:
            # The themes are chosen already: that milestone of the plan is met.
            cycle.milestones.filter(kind=Milestone.Kind.THEMES_CHOSEN).update(
                done_on=timezone.localdate() - datetime.timedelta(weeks=3)
            )
        else:
            _presentations(cycle, ag_on)
            if year == 2025:
                _ag_debate(cycle, ag_on, by=pilot)
            services.mark_step(cycle, 12, by=pilot, on=ag_on + datetime.timedelta(days=20))
            _backdate(cycle, ag_on)
        previous = cycle


def _backdate(cycle: Cycle, ag_on: datetime.date) -> None:
    """Date a past year's work as it happened (the steps show these dates), not as the day
    the demo was loaded."""

    def before(weeks: int) -> datetime.datetime:
        day = ag_on - datetime.timedelta(weeks=weeks)
        return datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)

    cycle.milestones.update(created_at=before(34), updated_at=before(34))
    cycle.theme_choices.update(created_at=before(32), updated_at=before(32))
    cycle.answers.update(created_at=before(30), updated_at=before(20))
    cycle.actions.update(created_at=before(10), updated_at=before(10))
    Cycle.objects.filter(pk=cycle.pk).update(table_exported_at=before(8))


def _fill_jardins(cycle, answers, index, *, by, volunteer) -> None:
    is_current = index == 2
    for code, answer in answers.items():
        changes = {}
        if code in INDICATORS:
            values, targets = INDICATORS[code]
            if values[index] is None:
                continue  # still to fill this year
            changes = {
                "value": Decimal(values[index]),
                "situation": f"Relevé de l'année {cycle.year}.",
                "assessment": Answer.Assessment.TO_IMPROVE
                if values[index] < targets[index]
                else Answer.Assessment.GOOD_PRACTICE,
                "improvements": "Suivre l'indicateur chaque trimestre en réunion d'équipe.",
                "objective_1y": "Progresser vers la cible fixée.",
                "target_1y": Decimal(targets[index]),
                "objective_3y": "Se situer durablement au niveau de la cible.",
                "target_3y": Decimal(targets[-1]),
            }
            if code == "7.1.2":
                changes["assessment"] = Answer.Assessment.TO_IMPROVE
        elif code in QUESTIONS:
            if is_current and code in ("5.3.1", "7.1.1"):
                continue
            situation, objective_1y, objective_3y = QUESTIONS[code]
            changes = {
                "situation": situation if index == 0 else f"{situation} (suivi {cycle.year})",
                "assessment": Answer.Assessment.TO_IMPROVE,
                "improvements": objective_1y,
                "objective_1y": objective_1y,
                "objective_3y": objective_3y,
            }
            if index:
                changes["progress"] = (
                    Answer.Progress.REACHED if index == 1 else Answer.Progress.PARTLY
                )
        elif code in NOT_TREATED:
            changes = {
                "assessment": Answer.Assessment.NOT_TREATED,
                "not_treated_reason": NOT_TREATED[code],
            }
        elif code == "own" and not is_current:
            changes = {
                "situation": "Les cultures sont choisies par l'encadrant technique.",
                "assessment": Answer.Assessment.TO_IMPROVE,
                "objective_1y": "Une réunion de choix des cultures chaque hiver.",
            }
        if is_current and code in ("5.2.2", "5.3.2", "7.2.2"):
            changes["assignee"] = volunteer
        if changes:
            services.save_answer(answer, changes, version=answer.version, by=by)


def _actions(cycle, rows, answers, *, owners) -> None:
    for number, (title, code, status, is_quick_win, budget) in enumerate(rows):
        starts_on = datetime.date(cycle.year, 12, 1) + datetime.timedelta(days=20 * number)
        done = status == Action.Status.DONE
        action = Action(
            cycle=cycle,
            title=title,
            description="",
            owner=owners[number % len(owners)],
            budget=budget,
            starts_on=starts_on,
            due_on=starts_on + datetime.timedelta(days=75),
            status=status,
            is_quick_win=is_quick_win,
            done_on=starts_on + datetime.timedelta(days=60) if done else None,
            is_effective=done and number % 2 == 0,
            check_note="Vérifié en réunion d'équipe : l'indicateur a bougé."
            if done and number % 2 == 0
            else "",
            checked_on=starts_on + datetime.timedelta(days=90)
            if done and number % 2 == 0
            else None,
        )
        action._history_user = owners[0]  # the pilot wrote the plan
        action.save()
        if code in answers:
            action.answers.add(answers[code])


def _presentations(cycle, ag_on) -> None:
    for kind, before, notes in [
        (Presentation.Kind.STAFF_MEETING, 6, "Présentation en réunion plénière, 18 salariés."),
        (Presentation.Kind.BOARD_MEETING, 4, "Le CA valide les objectifs et le budget."),
        (
            Presentation.Kind.AG,
            0,
            "Vingt minutes d'échange ; l'AG demande un point sur le bénévolat l'an prochain.",
        ),
    ]:
        Presentation.objects.create(
            cycle=cycle, kind=kind, held_on=ag_on - datetime.timedelta(weeks=before), notes=notes
        )


def _ag_debate(cycle, ag_on, *, by) -> None:
    """What the AG of 2025's démarche said: 2026's démarche recalls it."""
    with translation.override("fr"):
        questions = "\n".join(debate.default_questions(cycle))
    recorded_at = datetime.datetime.combine(
        ag_on + datetime.timedelta(days=3), datetime.time(18), tzinfo=datetime.UTC
    )
    debate_row = AgDebate.objects.create(
        cycle=cycle,
        questions=questions,
        held_on=ag_on,
        remarks="Les adhérents saluent le collège des usagers et le diagnostic énergie.\n"
        "Plusieurs bénévoles trouvent l'accueil encore trop informel : ils demandent un "
        "point sur le bénévolat l'an prochain.\n"
        "Des usagers souhaitent être associés au choix des cultures.",
        adjustments="Objectif d'heures de bénévolat relevé à 2 800 heures.\n"
        "Une boîte à idées des usagers ajoutée au plan d'action.\n"
        "La journée portes ouvertes, abandonnée, est remplacée par le compost partagé avec le "
        "quartier.",
        updated_by=by,
    )
    # Written down a few days after the AG, not on the day the demo was loaded.
    AgDebate.objects.filter(pk=debate_row.pk).update(created_at=recorded_at, updated_at=recorded_at)


def _other_structures(guide: Guide) -> None:
    # Atelier Bois: état des lieux and objectives done, action plan started (step 9 next).
    atelier = Structure.objects.get(name="Atelier Bois Coopératif")
    pilot = _person("pilote@atelier-bois.example.org")
    cycle = services.start_cycle(
        atelier, year=2026, guide=guide, by=pilot, ag_on=datetime.date(2027, 5, 29)
    )
    _plan(cycle, cycle.ag_on, done=False)
    _choose_themes(cycle, [("1", 1), ("4", 2), ("6", 3)], {})
    answers = _select(
        cycle, ["1.1.1", "1.1.4", "1.2.3", "4.1.1", "4.1.2", "4.2.1", "6.1.1", "6.1.2", "6.2.1"]
    )
    for code, answer in answers.items():
        changes = {
            "situation": "Point fait en réunion des associés.",
            "assessment": Answer.Assessment.GOOD_PRACTICE
            if code.startswith("1")
            else Answer.Assessment.TO_IMPROVE,
            "objective_1y": "Formaliser et partager la pratique.",
            "objective_3y": "Une pratique revue chaque année.",
        }
        if answer.is_indicator:
            changes.update(value=Decimal(40), target_1y=Decimal(50), target_3y=Decimal(60))
        services.save_answer(answer, changes, version=answer.version, by=pilot)
    _actions(
        cycle,
        [
            ("Charte d'égalité professionnelle", "6.1.1", "doing", False, Decimal(0)),
            ("Grille des salaires publiée aux associés", "4.1.1", "todo", True, Decimal(0)),
        ],
        answers,
        owners=[pilot],
    )
    # Habitat Partagé du Littoral: themes chosen, nothing selected yet (step 3).
    habitat = Structure.objects.get(name="Habitat Partagé du Littoral")
    pilot = _person("pilote@habitat-littoral.example.org")
    cycle = services.start_cycle(
        habitat, year=2026, guide=guide, by=pilot, ag_on=datetime.date(2027, 6, 19)
    )
    _plan(cycle, cycle.ag_on, done=False)
    _choose_themes(
        cycle,
        [("2", 1), ("5", 2)],
        {"7": "Nos logements viennent d'être rénovés : nous traiterons ce thème en 2027."},
    )
    # Mutuelle Solidaire de l'Oise: just started, the plan of the year only (step 2 next).
    mutuelle = Structure.objects.get(name="Mutuelle Solidaire de l'Oise")
    pilot = _person("pilote@mutuelle-oise.example.org")
    cycle = services.start_cycle(
        mutuelle, year=2026, guide=guide, by=pilot, ag_on=datetime.date(2027, 6, 26)
    )
    _plan(cycle, cycle.ag_on, done=False)


def load() -> None:
    guide = _national_guide()
    jardins = Structure.objects.get(name=JARDINS)
    if Cycle.objects.filter(structure=jardins).exists():
        return
    # Les Jardins du Val share their whole démarche with the CRESS; others a summary.
    Membership.objects.filter(structure=jardins).update(sharing=Membership.Sharing.FULL)
    _jardins(jardins, guide)
    _other_structures(guide)
