"""The demo's parcours: one running (8 structures, 4 sessions held with attendance and
feedback, 3 to come, participation eroding for two structures, one withdrawal), one finished
last year, and a communauté meeting in Lille and Amiens at once. Dates follow today's, so the
demo always has a past and a future. Loading twice changes nothing."""

import datetime
import itertools
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.utils import timezone

from guide.models import Guide
from members.models import Network, Role, Structure, User
from parcours import services
from parcours.models import (
    Attendance,
    Enrolment,
    Feedback,
    MeetingNote,
    Parcours,
    Resource,
    Session,
    SessionPlace,
    Testimonial,
)
from parcours.plans import DEFAULT_PLAN

PARIS = ZoneInfo("Europe/Paris")
NETWORK = "CRESS Hauts-de-France (démo)"
FACILITATOR = "camille.animatrice@cress-demo.example.org"
RUNNING = "Impliquer les usagers — parcours 2026-2027"
COHORT = [
    "Les Jardins du Val",
    "Atelier Bois Coopératif",
    "Habitat Partagé du Littoral",
    "Mutuelle Solidaire de l'Oise",
    "La Recyclerie du Hainaut",
    "Café Culturel Le Troquet",
    "Crèche Parentale Les Petits Pas",
    "Fondation Entraide Flandre",
]
# Who drifts away: present at the first sessions, then gone (the matrix shows it).
DRIFTING = {"Café Culturel Le Troquet": 2, "Fondation Entraide Flandre": 3}
WITHDRAWN = ("Habitat Partagé du Littoral", "La co-pilote part en congé : nous reviendrons.")
FEEDBACK = [
    (5, "Les témoignages des autres structures.", "Un peu plus de temps d'échange."),
    (4, "La grille des niveaux d'implication.", "Envoyer les supports avant la session."),
    (4, "Repartir avec une action concrète.", ""),
    (3, "Le temps en binôme.", "La salle était trop petite."),
]


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=PARIS)


def _sessions(parcours, first: datetime.date, count: int, every_weeks: int = 5) -> list[Session]:
    titles = DEFAULT_PLAN.titles(count)
    return [
        Session.objects.create(
            parcours=parcours,
            number=number,
            title=titles[number - 1],
            starts_at=_at(first + datetime.timedelta(weeks=every_weeks * (number - 1)), 9, 30),
            ends_at=_at(first + datetime.timedelta(weeks=every_weeks * (number - 1)), 12, 30),
            place="Maison de l'ESS, 12 rue des Arts, Arras",
            agenda="Accueil et tour de table · apport méthodologique · travail en binôme · "
            "partage des avancées · prochaines étapes.",
        )
        for number in range(1, count + 1)
    ]


def _enrol(parcours, names, *, on) -> list[Enrolment]:
    enrolments = []
    for name in names:
        structure = Structure.objects.get(name=name)
        pair = services.pair_of(structure)
        pilot, copilot = pair.get(Role.Kind.PILOT), pair.get(Role.Kind.COPILOT)
        if pilot is None:
            continue
        enrolment = Enrolment.objects.create(
            parcours=parcours,
            structure=structure,
            pilot=pilot,
            copilot=copilot,
            target="Passer de l'information des usagers à leur consultation régulière.",
        )
        Enrolment.objects.filter(pk=enrolment.pk).update(
            created_at=_at(on - datetime.timedelta(days=10), 10)
        )
        enrolments.append(enrolment)
    return enrolments


def _attendance(sessions, enrolments, *, drifting=None, withdrawn=None, feedback=True):
    drifting = drifting or {}
    comments = itertools.cycle(FEEDBACK)
    for index, session in enumerate(sessions):
        for enrolment in enrolments:
            name = enrolment.structure.name
            if withdrawn and name == withdrawn[0] and index >= 2:
                continue
            gone = name in drifting and index >= drifting[name]
            for person in enrolment.people:
                if gone:
                    status = Attendance.Status.ABSENT
                elif person == enrolment.copilot and index % 3 == 2:
                    status = Attendance.Status.EXCUSED
                else:
                    status = Attendance.Status.PRESENT
                Attendance.objects.create(
                    session=session,
                    person=person,
                    structure=enrolment.structure,
                    status=status,
                    note="Réunion de CA le même jour." if status == "excused" else "",
                )
                if feedback and status == Attendance.Status.PRESENT:
                    rating, useful, to_improve = next(comments)
                    Feedback.objects.create(
                        session=session,
                        person=person,
                        rating=rating,
                        useful=useful,
                        to_improve=to_improve,
                    )


def _running(network, facilitator, today) -> None:
    first = today - datetime.timedelta(weeks=19)
    parcours = Parcours.objects.create(
        network=network,
        title=RUNNING,
        topic="Implication des usagers",
        description="Partager des expériences entre pairs, s'approprier des outils, faire un "
        "état des lieux du « déjà-là » pour actionner leviers et opportunités. "
        "« Faire avec, au lieu de faire pour. »",
        starts_on=first,
        ends_on=first + datetime.timedelta(weeks=34),
        capacity=8,
        commitment="7 sessions collectives d'une demi-journée et 2 rendez-vous individuels sur "
        "8 mois ; le binôme pilote–copilote participe ensemble et anime un temps de partage "
        "en interne entre deux sessions.",
        status=Parcours.Status.RUNNING,
        created_by=facilitator,
    )
    parcours.facilitators.add(facilitator)
    national = Guide.objects.national().published().order_by("-edition").first()
    parcours.themes.set(national.themes.filter(code__in=["5", "2"]))
    sessions = _sessions(parcours, first, 7)
    enrolments = _enrol(parcours, COHORT, on=first)
    past = [session for session in sessions if session.ends_at < timezone.now()]
    _attendance(past, enrolments, drifting=DRIFTING, withdrawn=WITHDRAWN)
    Enrolment.objects.filter(parcours=parcours, structure__name=WITHDRAWN[0]).update(
        withdrawn_at=past[1].ends_at + datetime.timedelta(days=3), withdrawal_reason=WITHDRAWN[1]
    )
    for number, enrolment in enumerate(enrolments):
        for meeting, weeks in enumerate((8, 24)):
            day = first + datetime.timedelta(weeks=weeks, days=number % 5)
            Session.objects.create(
                parcours=parcours,
                kind=Session.Kind.INDIVIDUAL,
                structure=enrolment.structure,
                number=meeting + 1,
                title=f"Rendez-vous individuel {meeting + 1}",
                starts_at=_at(day, 14),
                ends_at=_at(day, 15, 30),
                place="Dans les locaux de la structure",
            )
    # The structure that withdrew no longer meets the facilitator.
    Session.objects.filter(
        parcours=parcours, structure__name=WITHDRAWN[0], starts_at__gt=timezone.now()
    ).update(status=Session.Status.CANCELLED)
    Resource.objects.create(
        parcours=parcours,
        session=sessions[0],
        title="Les niveaux d'implication des usagers (fiche)",
        url="https://www.ess-france.org/",
    )
    memo = Resource(parcours=parcours, session=sessions[1], title="Compte rendu de la session 2")
    memo.file.save(
        "compte-rendu-session-2.txt",
        ContentFile(b"Compte rendu de la session 2 : ce que nous avons retenu.\n"),
        save=True,
    )
    jardins = enrolments[0]
    Testimonial.objects.create(
        parcours=parcours,
        person=jardins.pilot,
        structure=jardins.structure,
        text="Quand on prend ce temps de recul ensemble, on s'aperçoit qu'il y a des choses "
        "qu'on fait bien, c'est réconfortant.",
        consent_at=timezone.now(),
        is_published=True,
    )
    Testimonial.objects.create(
        parcours=parcours,
        person=enrolments[1].pilot,
        structure=enrolments[1].structure,
        text="C'est frustrant, on n'a pas eu assez de temps !",
    )


def _finished(network, facilitator, today) -> None:
    first = today - datetime.timedelta(weeks=70)
    parcours = Parcours.objects.create(
        network=network,
        title="Gouvernance partagée — parcours 2025",
        topic="Gouvernance démocratique",
        description="Un parcours sur la vie démocratique des structures : AG, CA, mandats.",
        starts_on=first,
        ends_on=first + datetime.timedelta(weeks=32),
        capacity=8,
        commitment="7 sessions collectives et 2 rendez-vous individuels sur 8 mois.",
        status=Parcours.Status.FINISHED,
        created_by=facilitator,
    )
    parcours.facilitators.add(facilitator)
    sessions = _sessions(parcours, first, 7)
    enrolments = _enrol(parcours, COHORT[:6], on=first)
    _attendance(sessions, enrolments, drifting={"Café Culturel Le Troquet": 4})


def _community(network, facilitator, today) -> None:
    parcours = Parcours.objects.create(
        network=network,
        kind=Parcours.Kind.COMMUNITY,
        title="Communauté « Bonnes pratiques de l'ESS »",
        topic="Faire connaître et vivre le guide des bonnes pratiques",
        description="Des temps d'échange à Lille et Amiens de façon simultanée entre adhérents.",
        starts_on=today - datetime.timedelta(weeks=30),
        ends_on=None,
        capacity=None,
        status=Parcours.Status.RUNNING,
        created_by=facilitator,
    )
    parcours.facilitators.add(facilitator)
    enrolments = _enrol(parcours, COHORT[:4], on=parcours.starts_on)
    notes = [
        (
            "Le groupe a présenté le guide à douze structures ; deux s'y engagent cette année.",
            "Organiser un temps fort sur les bonnes pratiques pendant le Mois de l'ESS.",
        ),
        (
            "Les structures partagent leurs exemples : salariés au CA, usagers dans la "
            "gouvernance.",
            "Porter auprès du CA l'idée d'une valorisation des démarches engagées.",
        ),
    ]
    for number, (progress, proposals) in enumerate(notes, start=1):
        day = today - datetime.timedelta(weeks=16 - 8 * (number - 1))
        session = Session.objects.create(
            parcours=parcours,
            number=number,
            title=f"Rencontre {number}",
            starts_at=_at(day, 17),
            ends_at=_at(day, 19),
            place="Lille et Amiens (en simultané)",
        )
        places = [
            SessionPlace.objects.create(session=session, name="Lille", address="Lille"),
            SessionPlace.objects.create(session=session, name="Amiens", address="Amiens"),
        ]
        for index, enrolment in enumerate(enrolments):
            Attendance.objects.create(
                session=session,
                person=enrolment.pilot,
                structure=enrolment.structure,
                status=Attendance.Status.PRESENT,
                place=places[index % 2],
            )
        MeetingNote.objects.create(
            session=session, progress=progress, proposals=proposals, written_by=facilitator
        )


def load() -> None:
    network = Network.objects.get(name=NETWORK)
    if Parcours.objects.filter(network=network, title=RUNNING).exists():
        return
    facilitator = User.objects.get(email=FACILITATOR)
    today = timezone.localdate()
    _running(network, facilitator, today)
    _finished(network, facilitator, today)
    _community(network, facilitator, today)
