"""The network's annual activity report: the structures engaged and where they stand (by name
only when their adhésion shares it), the parcours and sessions held, attendance and its
erosion, anonymous feedback scores, and the testimonials published with their author's
consent. Nothing of another network, ever; a fixed number of queries whatever its size."""

import datetime
import subprocess
from zoneinfo import ZoneInfo

import pytest
import time_machine

from members.models import Membership, Role
from parcours import models as parcours_models
from parcours import participation
from parcours.models import Attendance, Enrolment, Feedback, MeetingNote, Session
from reports import rendering, services
from reports.models import Report
from tests.demarches.factories import CycleFactory, MilestoneFactory, ThemeChoiceFactory
from tests.members.factories import MembershipFactory, NetworkFactory, RoleFactory
from tests.parcours.factories import EnrolmentFactory, ParcoursFactory, SessionFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
# The report of 2026 is read in the middle of February 2027: the year is over.
NOW = datetime.datetime(2027, 2, 15, 10, tzinfo=PARIS)
ENROLLED_AT = datetime.datetime(2026, 9, 1, 10, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def network():
    return NetworkFactory(name="CRESS Picardie")


@pytest.fixture
def facilitator(network):
    return RoleFactory(facilitator=True, network=network).person


def member(network, name, sharing=Membership.Sharing.SUMMARY, *, year=2026, **membership):
    """A member structure with its pilot pair and, unless year=None, a démarche that year."""
    pilot = RoleFactory(kind=Role.Kind.PILOT, structure__name=name)
    RoleFactory(kind=Role.Kind.COPILOT, structure=pilot.structure)
    MembershipFactory(network=network, structure=pilot.structure, sharing=sharing, **membership)
    if year:
        CycleFactory(structure=pilot.structure, year=year)
    return pilot.structure


def enrol(parcours, structure) -> Enrolment:
    pair = {role.kind: role.person for role in Role.objects.pair().filter(structure=structure)}
    enrolment = EnrolmentFactory(
        parcours=parcours,
        structure=structure,
        pilot=pair[Role.Kind.PILOT],
        copilot=pair[Role.Kind.COPILOT],
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(created_at=ENROLLED_AT)
    enrolment.refresh_from_db()
    return enrolment


def session(parcours, number, day, **fields) -> Session:
    starts_at = datetime.datetime.combine(day, datetime.time(9, 30), tzinfo=PARIS)
    return SessionFactory(
        parcours=parcours,
        number=number,
        title=f"Rencontre numéro {number}",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        **fields,
    )


def came(session, *enrolments, copilot=True):
    for enrolment in enrolments:
        people = enrolment.people if copilot else [enrolment.pilot]
        for person in people:
            Attendance.objects.create(
                session=session,
                person=person,
                structure=enrolment.structure,
                status=Attendance.Status.PRESENT,
            )


def rate(session, *ratings):
    for number, rating in enumerate(ratings):
        person = RoleFactory(kind=Role.Kind.CONTRIBUTOR).person
        Feedback.objects.create(
            session=session,
            person=person,
            rating=rating,
            useful=f"Commentaire confidentiel numéro {number}",
        )


@pytest.fixture
def year_2026(network):
    """Four structures engaged in 2026 (Alpha and Gamma share their summary, Bêta its whole
    démarche, Secret nothing), one member with no démarche this year, one former member; a
    parcours whose attendance erodes: 100 %, 50 %, 25 % over the three sessions of 2026."""
    alpha = member(network, "Alpha Insertion")
    beta = member(network, "Bêta Coop", Membership.Sharing.FULL)
    gamma = member(network, "Gamma Solidaire")
    secret = member(network, "Secret Atelier", Membership.Sharing.NOTHING)
    member(network, "Dormant Association", year=2025)
    member(network, "Ancien Adhérent", status=Membership.Status.ENDED)

    alpha_cycle = alpha.cycles.get()
    MilestoneFactory(cycle=alpha_cycle)  # with its pilot: step 1
    ThemeChoiceFactory(cycle=alpha_cycle)  # step 2

    parcours = ParcoursFactory(network=network, title="Impliquer les usagers 2026")
    enrolments = [enrol(parcours, s) for s in (alpha, beta, gamma, secret)]
    first = session(parcours, 1, datetime.date(2026, 10, 6))
    second = session(parcours, 2, datetime.date(2026, 11, 3), place="Maison de l'ESS, Amiens")
    third = session(parcours, 3, datetime.date(2026, 12, 1))
    came(first, *enrolments)  # 8 / 8
    came(second, enrolments[0], enrolments[2])  # 4 / 8
    came(third, enrolments[0])  # 2 / 8: Bêta and Secret missed the last two
    rate(first, 5, 4, 4)
    rate(second, 3, 2)
    # Next year's session and the individual meetings count apart.
    session(parcours, 4, datetime.date(2027, 1, 12))
    session(
        parcours,
        1,
        datetime.date(2026, 11, 17),
        kind=Session.Kind.INDIVIDUAL,
        structure=alpha,
        place="Dans les locaux d'Alpha",
    )
    return {
        "parcours": parcours,
        "structures": (alpha, beta, gamma, secret),
        "enrolments": enrolments,
        "sessions": (first, second, third),
    }


@pytest.fixture
def other_network():
    """Another network with its own member and parcours; Secret Atelier shares everything
    with it, which changes nothing for the first network."""
    other = NetworkFactory(name="Fédération voisine")
    neighbour = member(other, "Voisin Lointain", Membership.Sharing.FULL)
    parcours = ParcoursFactory(network=other, title="Parcours du réseau voisin")
    session(parcours, 1, datetime.date(2026, 10, 13))
    enrol(parcours, neighbour)
    return other


def build(django_capture_on_commit_callbacks, network, by, year=2026) -> Report:
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_report(
            kind=Report.Kind.NETWORK, network=network, year=year, by=by
        )
    report.refresh_from_db()
    assert report.status == Report.Status.READY, report.failure_reason
    return report


def pdf_text(report: Report) -> str:
    """The PDF's text in reading order, on one line (words wrapped in a cell join up)."""
    text = subprocess.run(
        ["pdftotext", "-raw", report.file.path, "-"], capture_output=True, check=True, text=True
    ).stdout
    return " ".join(text.split())


@pytest.fixture
def report_text(django_capture_on_commit_callbacks, network, facilitator, year_2026):
    return pdf_text(build(django_capture_on_commit_callbacks, network, facilitator))


# --- Structures engaged ----------------------------------------------------------------------


def test_the_first_page_is_the_cover(django_capture_on_commit_callbacks, network, facilitator):
    report = build(django_capture_on_commit_callbacks, network, facilitator)
    first = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", report.file.path, "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert "Démarches de progrès, parcours et communautés de l'année" in first


def test_it_has_a_cover_and_a_table_of_contents(report_text):
    assert "CRESS Picardie" in report_text
    assert "Rapport d'activité 2026" in report_text
    assert "Sommaire" in report_text
    assert "Assiduité et décrochage" in report_text


def test_it_names_the_structures_that_share_their_demarche_with_where_they_stand(report_text):
    assert "4 structures adhérentes mènent une démarche de progrès en 2026" in report_text
    assert "(sur 5 adhérents actifs)" in report_text
    # Alpha has a pilot, a plan of the year and a theme: two steps done, the third next.
    assert "Alpha Insertion · Amiens 2 / 12 3 Choisir les domaines d'action" in report_text
    assert "Bêta Coop · Amiens 0 / 12 1 Définir un pilote" in report_text
    assert "Gamma Solidaire" in report_text


def test_a_structure_that_shares_nothing_is_only_counted(report_text):
    assert "1 structure ne partage pas sa démarche avec le réseau" in report_text
    assert "Secret Atelier" not in report_text


def test_members_without_a_demarche_this_year_or_no_longer_members_are_not_listed(
    report_text,
):
    assert "Dormant Association" not in report_text
    assert "Ancien Adhérent" not in report_text


def test_the_steps_chart_counts_only_the_structures_that_share(report_text):
    assert "Parmi les structures qui partagent leur démarche (3 structures)" in report_text
    assert "2. Prioriser les thèmes de l'année 1 sur 3" in report_text


def test_nothing_of_another_network_appears(
    django_capture_on_commit_callbacks, network, facilitator, year_2026, other_network
):
    text = pdf_text(build(django_capture_on_commit_callbacks, network, facilitator))
    assert "Voisin Lointain" not in text
    assert "Parcours du réseau voisin" not in text
    assert "Fédération voisine" not in text
    # Secret Atelier shares everything with the other network, nothing with this one.
    assert "Secret Atelier" not in text


# --- Parcours, attendance, feedback ----------------------------------------------------------


def test_it_counts_the_sessions_held_in_the_year(report_text):
    assert "Impliquer les usagers 2026" in report_text
    # Three collective sessions in 2026 (the fourth is in January 2027), one individual one.
    assert "Sessions collectives tenues 3 Rendez-vous individuels tenus 1" in report_text
    assert "Rencontre numéro 4" not in report_text
    assert "Maison de l'ESS, Amiens" in report_text


def test_it_shows_the_attendance_rate_of_each_collective_session(report_text):
    assert "1. Rencontre numéro 1 6 octobre 2026 8 / 8 100 %" in report_text
    assert "2. Rencontre numéro 2 3 novembre 2026 4 / 8 50 %" in report_text
    assert "3. Rencontre numéro 3 1 décembre 2026 2 / 8 25 %" in report_text
    assert "La présence est passée de 100 % à la première session de l'année à 25 %" in (
        report_text
    )


def test_it_names_the_sharing_structures_that_drop_out_and_counts_the_others(report_text):
    assert "Décrochent : Bêta Coop, 1 structure qui ne partage pas sa démarche." in report_text


def test_it_gives_feedback_averages_and_counts_never_the_comments(report_text):
    assert "Note moyenne 3,6 / 5, sur 5 réponses." in report_text
    assert "1. Rencontre numéro 1 3 4,3 / 5" in report_text
    assert "2. Rencontre numéro 2 2 2,5 / 5" in report_text
    assert "3. Rencontre numéro 3 0 —" in report_text
    assert "Commentaire confidentiel" not in report_text


def test_a_community_counts_its_notes_for_the_board(
    django_capture_on_commit_callbacks, network, facilitator, year_2026
):
    community = ParcoursFactory(network=network, community=True, title="Communauté du guide")
    meeting = session(community, 1, datetime.date(2026, 6, 9), place="Lille")
    MeetingNote.objects.create(session=meeting, progress="Le groupe avance.")
    text = pdf_text(build(django_capture_on_commit_callbacks, network, facilitator))
    assert "Communauté du guide" in text
    assert "Notes pour le CA" in text
    assert "Le groupe avance." not in text


# --- Testimonials ----------------------------------------------------------------------------


def test_only_testimonials_published_with_consent_appear(
    django_capture_on_commit_callbacks, network, facilitator, year_2026
):
    parcours = year_2026["parcours"]
    alpha, _beta, _gamma, secret = year_2026["enrolments"]
    published = participation.write_testimonial(
        parcours, alpha.pilot, text="Une démarche qui nous a fait grandir.", consent=True
    )
    participation.set_published(published, True)
    participation.write_testimonial(
        parcours, alpha.copilot, text="Accord donné, jamais publié.", consent=True
    )
    withdrawn = participation.write_testimonial(
        parcours, secret.pilot, text="Consentement retiré ensuite.", consent=True
    )
    participation.set_published(withdrawn, True)
    participation.withdraw_consent(withdrawn)
    anonymous = participation.write_testimonial(
        parcours, secret.copilot, text="Un regard neuf sur nos pratiques.", consent=True
    )
    participation.set_published(anonymous, True)

    text = pdf_text(build(django_capture_on_commit_callbacks, network, facilitator))
    assert "Une démarche qui nous a fait grandir." in text
    assert "Alpha Insertion, Impliquer les usagers 2026" in text
    assert "Accord donné, jamais publié." not in text
    assert "Consentement retiré ensuite." not in text
    # Published, but its structure shares nothing with the network: the words, not the name.
    assert "Un regard neuf sur nos pratiques." in text
    assert "Secret Atelier" not in text
    assert parcours_models.Testimonial.objects.filter(is_published=True).count() == 2


# --- Cost ------------------------------------------------------------------------------------


def populate(network, *, structures: int, parcours: int):
    names = [f"Structure numéro {n}" for n in range(structures)]
    sharing = [Membership.Sharing.SUMMARY, Membership.Sharing.FULL, Membership.Sharing.NOTHING]
    members = [member(network, name, sharing[n % 3]) for n, name in enumerate(names)]
    for structure in members[::2]:
        MilestoneFactory(cycle=structure.cycles.get())
    for number in range(parcours):
        cohort = ParcoursFactory(network=network, title=f"Parcours numéro {number}")
        enrolments = [enrol(cohort, s) for s in members[number::parcours]]
        for index, day in enumerate([datetime.date(2026, 10, 6), datetime.date(2026, 11, 3)]):
            held = session(cohort, index + 1, day)
            came(held, *enrolments[: len(enrolments) - index])
            rate(held, 4, 5)
        session(
            cohort,
            1,
            datetime.date(2026, 11, 20),
            kind=Session.Kind.INDIVIDUAL,
            structure=enrolments[0].structure,
        )
        parcours_models.Testimonial.objects.create(
            parcours=cohort,
            person=enrolments[0].pilot,
            structure=enrolments[0].structure,
            text="Très utile.",
            consent_at=NOW,
            is_published=True,
        )


def test_gathering_the_data_costs_the_same_queries_whatever_the_size(
    network, django_assert_num_queries
):
    populate(network, structures=3, parcours=1)
    report = Report(kind=Report.Kind.NETWORK, network=network, year=2026)
    with django_assert_num_queries(17) as small:
        rendering.html(report)

    bigger = NetworkFactory(name="Grand réseau")
    populate(bigger, structures=15, parcours=3)
    report = Report(kind=Report.Kind.NETWORK, network=bigger, year=2026)
    with django_assert_num_queries(len(small.captured_queries)):
        html = rendering.html(report)
    assert "Parcours numéro 2" in html
    assert "Structure numéro 13" in html  # sharing its whole démarche


def test_a_report_of_the_current_year_counts_what_was_held_so_far(
    django_capture_on_commit_callbacks, network, facilitator, year_2026
):
    parcours = year_2026["parcours"]  # its fourth session was on 12 January 2027
    session(parcours, 5, datetime.date(2027, 3, 9))
    text = pdf_text(build(django_capture_on_commit_callbacks, network, facilitator, year=2027))
    assert "Du 1er janvier 2027 à ce jour" in text
    assert "Sessions collectives tenues 1" in text
    assert "Encore prévues en 2027 1" in text
    assert "Rencontre numéro 3" not in text


def test_asked_again_another_day_with_the_same_data_it_gives_the_same_version(
    django_capture_on_commit_callbacks, network, facilitator, year_2026
):
    first = build(django_capture_on_commit_callbacks, network, facilitator, year=2027)
    with time_machine.travel(NOW + datetime.timedelta(days=3), tick=False):
        again = build(django_capture_on_commit_callbacks, network, facilitator, year=2027)
    assert again.same_as == first


def test_a_year_with_no_activity_says_so(django_capture_on_commit_callbacks, network, facilitator):
    member(network, "Alpha Insertion", year=None)
    text = pdf_text(build(django_capture_on_commit_callbacks, network, facilitator, year=2025))
    assert "0 structure adhérente mène une démarche de progrès en 2025" in text
    assert "Aucun parcours ni aucune communauté ne s'est réuni en 2025." in text
    assert "Aucune session collective ne s'est tenue en 2025." in text
    assert "Aucun témoignage n'a été publié cette année." in text
