import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from demarches import steps
from demarches.models import Action, Answer, Cycle
from members import demo
from members.models import Invitation, Membership, Network, Role, Structure, User
from parcours.models import Attendance, Feedback, Parcours
from reports import rendering
from reports.models import Report

PDF = b"%PDF-1.7 stand-in"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick_layout(request, monkeypatch):
    """The demo lays out four PDFs, seconds of WeasyPrint that only the reports' test needs;
    the others get a stand-in PDF (the demo's data is the same)."""
    if "real_layout" not in request.fixturenames:
        monkeypatch.setattr(rendering, "pdf", lambda source, stylesheets=(): rendering.Pdf(PDF, 1))


@pytest.fixture
def real_layout():
    """Lay the PDFs out for real."""


def counts():
    return [
        m.objects.count()
        for m in (Network, Structure, Membership, Role, User, Cycle, Answer, Action, Report)
    ]


def test_loading_the_demo_twice_changes_nothing(capsys):
    call_command("demo")
    first = counts()
    call_command("demo")
    assert counts() == first
    assert first[0] >= 1 and first[1] >= 3


def test_the_demo_prints_logins_that_work(client, capsys):
    call_command("demo")
    output = capsys.readouterr().out
    assert "pilote@jardins-du-val.example.org" in output
    assert demo.PASSWORD in output
    response = client.post(
        reverse("login"),
        {"username": "pilote@jardins-du-val.example.org", "password": demo.PASSWORD},
    )
    assert response.status_code == 302


def test_the_demo_has_a_facilitator_a_pilot_pair_and_a_board_member():
    call_command("demo")
    structure = Structure.objects.get(name="Les Jardins du Val")
    kinds = set(structure.roles.active().values_list("kind", flat=True))
    assert {Role.Kind.PILOT, Role.Kind.COPILOT, Role.Kind.BOARD_MEMBER} <= kinds
    assert Role.objects.active().filter(kind=Role.Kind.FACILITATOR).exists()


def test_the_demo_has_two_networks_and_a_structure_member_of_both():
    call_command("demo")
    assert Network.objects.count() == 2
    shared = Structure.objects.filter(memberships__isnull=False).annotate(
        networks_count=Count("memberships")
    )
    assert shared.filter(networks_count=2).count() == 1
    assert Structure.objects.count() >= 12


def test_the_demo_shows_a_past_hand_over_and_pending_invitations():
    call_command("demo")
    habitat = Structure.objects.get(name="Habitat Partagé du Littoral")
    pilots = habitat.roles.filter(kind=Role.Kind.PILOT)
    assert pilots.count() == 2 and pilots.active().count() == 1
    assert Invitation.objects.pending().count() >= 2


def test_every_demo_siret_is_valid():
    call_command("demo")
    for structure in Structure.objects.exclude(siret=""):
        structure.full_clean()


def test_the_demo_has_a_thematic_guide_and_a_practice_library():
    from guide.models import Guide, Practice

    call_command("demo")
    call_command("demo")
    guide = Guide.objects.get(title="Implication des usagers")
    assert guide.network.name == "CRESS Hauts-de-France (démo)"
    assert guide.items.filter(kind="indicator").exists()
    assert guide.items.filter(kind="question").exists()
    assert Practice.objects.count() == 12
    assert Practice.objects.filter(themes__isnull=False).exists()


def test_the_demo_has_structures_at_different_steps_of_their_demarche():
    call_command("demo")
    current = {
        cycle.structure.name: steps.current_step(steps.overview(cycle))
        for cycle in Cycle.objects.filter(year=2026).select_related("structure")
    }
    reached = {name: state.number for name, state in current.items()}
    assert len(set(reached.values())) >= 4, reached


def test_the_demo_shows_three_years_of_progress_at_les_jardins_du_val():
    call_command("demo")
    cycles = Cycle.objects.filter(structure__name="Les Jardins du Val").order_by("year")
    assert [cycle.year for cycle in cycles] == [2024, 2025, 2026]
    energy = Answer.objects.get(cycle=cycles[2], item__code="7.1.2")
    assert energy.previous.previous.value > energy.previous.value > energy.value
    progress = {answer.computed_progress for answer in cycles[2].answers.all()}
    assert "reached" in progress and "partly" in progress


def test_the_demo_has_a_running_parcours_of_eight_structures_and_a_finished_one():
    call_command("demo")
    running = Parcours.objects.get(status=Parcours.Status.RUNNING, kind=Parcours.Kind.PARCOURS)
    assert running.enrolments.count() == 8
    assert running.sessions.collective().past().count() == 4
    assert running.sessions.collective().upcoming().count() == 3
    held = running.sessions.collective().past()
    assert Attendance.objects.filter(session__in=held).exists()
    assert Feedback.objects.filter(session__in=held).exists()
    assert Parcours.objects.filter(status=Parcours.Status.FINISHED).exists()


def test_the_board_of_les_jardins_du_val_has_frozen_reports_to_download(real_layout):
    call_command("demo")
    cycles = {c.year: c for c in Cycle.objects.filter(structure__name="Les Jardins du Val")}
    frozen = Report.objects.frozen().filter(cycle=cycles[2025])
    assert sorted(frozen.values_list("kind", flat=True)) == ["full", "synthesis"]
    assert {report.frozen_for for report in frozen} == {cycles[2025].ag_on}
    for report in frozen:
        with report.file.open("rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
    latest = Report.objects.versions().get(cycle=cycles[2026])
    assert not latest.is_frozen
    network = Report.objects.versions().get(network__name="CRESS Hauts-de-France (démo)")
    assert network.year == 2026
    assert frozen.get(kind="full").pages > 1  # laid out for real
