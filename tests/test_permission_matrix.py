"""Every URL of the project, requested by every kind of person, answers what it should.

A URL that no row of MATRIX classifies makes `test_every_url_is_classified` fail: a new page
must say here who may see it. Another tenant's objects answer 404, never 403, so that their
existence is not even revealed.
"""

from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from guide.models import PracticeResource
from members.models import Invitation, Role
from parcours.models import CalendarFeed, Resource
from reports.models import Report
from tests.demarches.factories import (
    ActionFactory,
    AnswerFactory,
    CycleFactory,
    MilestoneFactory,
    PresentationFactory,
)
from tests.guide.factories import ItemFactory, PracticeFactory
from tests.members.factories import MembershipFactory, RoleFactory, StructureFactory
from tests.parcours.factories import EnrolmentFactory, SessionFactory

ACTORS = [
    "anonymous",
    "pilot",
    "copilot",
    "contributor",
    "board_member",
    "other_pilot",  # pilot of a structure of another network
    "facilitator",  # of the structure's network
    "other_facilitator",  # of another network
]
STRUCTURE_PEOPLE = ["pilot", "copilot", "contributor", "board_member"]
LOGGED_IN = ACTORS[1:]


@dataclass
class World:
    people: dict
    structure: object
    guide: object
    item: object
    practice: object
    resource: object
    invitation: object
    cycle: object
    answer: object
    evidence: object
    action: object
    milestone: object
    presentation: object
    session: object
    enrolment: object
    parcours_resource: object
    testimonial: object
    feed: object
    report: object


@pytest.fixture
def world(db):
    network_role = RoleFactory(facilitator=True)
    structure = StructureFactory()
    MembershipFactory(network=network_role.network, structure=structure)
    people = {"facilitator": network_role.person}
    for kind in STRUCTURE_PEOPLE:
        people[kind] = RoleFactory(kind=kind, structure=structure).person
    other = RoleFactory(facilitator=True)
    other_pilot = RoleFactory(kind=Role.Kind.PILOT)
    MembershipFactory(network=other.network, structure=other_pilot.structure)
    people["other_facilitator"] = other.person
    people["other_pilot"] = other_pilot.person

    item = ItemFactory(domain__theme__guide__network=network_role.network)
    practice = PracticeFactory(network=network_role.network)
    resource = PracticeResource(practice=practice, title="Compte rendu")
    resource.file.save("compte-rendu.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    invitation = Invitation.objects.create(
        email="invitee@example.org",
        kind=Role.Kind.COPILOT,
        structure=structure,
        invited_by=people["pilot"],
    )
    # The structure's démarche; it shares the default (a summary) with its network.
    cycle = CycleFactory(structure=structure, guide=item.guide)
    answer = AnswerFactory(cycle=cycle, item=item, assignee=people["contributor"])
    answer.situation = "Pas de données consolidées"
    answer.save()  # a second version in its history, to restore the first
    evidence = answer.evidence.create(name="Émargements", uploaded_by=people["pilot"])
    evidence.file.save("emargements.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    action = ActionFactory(cycle=cycle, owner=people["contributor"])
    action.check_file.save("bilan.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    return World(
        people,
        structure,
        item.guide,
        item,
        practice,
        resource,
        invitation,
        cycle,
        answer,
        evidence,
        action,
        MilestoneFactory(cycle=cycle),
        PresentationFactory(cycle=cycle),
        *_parcours(network_role.network, structure, people),
        _report(cycle),
    )


def _report(cycle):
    """A ready version of the cycle's full AG report."""
    report = Report.objects.create(
        kind=Report.Kind.FULL, cycle=cycle, year=cycle.year, status=Report.Status.READY, number=1
    )
    report.file.save("rapport-ag-v1.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    return report


def _parcours(network, structure, people):
    """A parcours of the network with the structure enrolled (its pilot pair attends)."""
    session = SessionFactory(parcours__network=network)
    parcours = session.parcours
    enrolment = EnrolmentFactory(
        parcours=parcours, structure=structure, pilot=people["pilot"], copilot=people["copilot"]
    )
    resource = Resource(parcours=parcours, title="Support de la session 1")
    resource.file.save("support.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    testimonial = parcours.testimonials.create(
        person=people["pilot"],
        structure=structure,
        text="Un vrai moment d'ESS.",
        consent_at=timezone.now(),
    )
    feed = CalendarFeed.objects.create(person=people["pilot"])
    return session, enrolment, resource, testimonial, feed


def status(**overrides):
    """Expected status per actor: 302 (to the login page) for anonymous visitors, 404 for
    everyone else unless overridden."""
    expected = {"anonymous": 302, **dict.fromkeys(LOGGED_IN, 404)}
    for actors, code in overrides.items():
        for actor in GROUPS[actors]:
            expected[actor] = code
    return expected


GROUPS = {
    "everyone": ACTORS,
    "logged_in": LOGGED_IN,
    "anonymous": ["anonymous"],
    "structure": STRUCTURE_PEOPLE,
    "structure_and_facilitator": [*STRUCTURE_PEOPLE, "facilitator"],
    "leads": ["pilot", "copilot"],
    "leads_and_facilitator": ["pilot", "copilot", "facilitator"],
    "facilitator": ["facilitator"],
    "facilitators": ["facilitator", "other_facilitator"],
    # The pilot pair, and the contributor the answer and the action are assigned to
    "editors": ["pilot", "copilot", "contributor"],
    "author_and_facilitator": ["pilot", "facilitator"],
    # Those who read a structure's reports: its pilot pair and board members
    "report_readers": ["pilot", "copilot", "board_member"],
}

# url name → (method, how to build its kwargs, expected status per actor)
MATRIX = {
    "home": ("get", None, status(logged_in=200)),
    "login": ("get", None, status(anonymous=200, logged_in=302)),
    "logout": ("post", None, status(everyone=302)),
    "password_change": ("get", None, status(logged_in=200)),
    "password_change_done": ("get", None, status(logged_in=200)),
    "password_reset": ("get", None, status(everyone=200)),
    "password_reset_done": ("get", None, status(everyone=200)),
    "password_reset_confirm": (
        "get",
        lambda w: {"uidb64": "MQ", "token": "set-password"},
        status(everyone=200),
    ),
    "password_reset_complete": ("get", None, status(everyone=200)),
    "healthz": ("get", None, status(everyone=200)),
    "favicon": ("get", None, status(everyone=301)),
    "set_language": ("post", None, status(everyone=302)),
    "admin": ("get", None, status(everyone=302)),  # the whole admin site: staff only
    # Guides
    "guide:list": ("get", None, status(logged_in=200)),
    "guide:detail": ("get", "guide", status(structure_and_facilitator=200)),
    "guide:print": ("get", "guide", status(structure_and_facilitator=200)),
    "guide:theme": ("get", "theme", status(structure_and_facilitator=200)),
    "guide:domain": ("get", "domain", status(structure_and_facilitator=200)),
    "guide:export": ("get", "guide", status(structure_and_facilitator=200)),
    "guide:create": ("get", None, status(facilitators=200)),
    "guide:edit": ("get", "guide", status(facilitator=200)),
    "guide:publish": ("post", "guide", status(facilitator=302)),
    "guide:new_edition": ("get", "guide", status(facilitator=200)),
    "guide:theme_create": ("get", "guide", status(facilitator=200)),
    "guide:theme_edit": ("get", "theme", status(facilitator=200)),
    "guide:domain_create": ("get", "guide", status(facilitator=200)),
    "guide:domain_edit": ("get", "domain", status(facilitator=200)),
    "guide:item_create": ("get", "guide", status(facilitator=200)),
    "guide:item_edit": ("get", "item", status(facilitator=200)),
    "guide:archive": ("post", "item_level", status(facilitator=302)),
    "guide:delete": ("post", "item_level", status(facilitator=302)),
    "guide:template": ("get", None, status(facilitators=200)),
    "guide:import": ("get", None, status(facilitators=200)),
    "guide:import_preview": ("get", None, status(facilitators=302)),  # nothing uploaded yet
    # Practice library
    "guide:practices": ("get", None, status(logged_in=200)),
    "guide:practice_create": ("get", None, status(facilitators=200)),
    "guide:practice": ("get", "practice", status(structure_and_facilitator=200)),
    "guide:practice_edit": ("get", "practice", status(facilitator=200)),
    "guide:resource": ("get", "resource", status(structure_and_facilitator=200)),
    # Members
    "members:directory": ("get", None, status(facilitators=200)),
    "members:directory_export": ("get", None, status(facilitators=200)),
    "members:import": ("get", None, status(facilitators=200)),
    "members:import_preview": ("get", None, status(facilitators=302)),  # nothing uploaded yet
    "members:structure": ("get", "structure", status(structure_and_facilitator=200)),
    "members:structure_edit": ("get", "structure", status(leads_and_facilitator=200)),
    "members:hand_over": ("get", "structure", status(leads_and_facilitator=200)),
    "members:invite": ("get", "structure", status(leads_and_facilitator=200)),
    "members:invitation_resend": ("post", "invitation", status(leads_and_facilitator=302)),
    "members:invitation_cancel": ("post", "invitation", status(leads_and_facilitator=302)),
    "members:invitation_accept": ("get", "token", status(everyone=200)),
    "members:profile": ("get", None, status(logged_in=200)),
    "members:switch_role": ("post", None, status(everyone=302)),
    # Démarches: the structure's people read; the pilot pair writes, a contributor what is
    # assigned to them; the network's facilitator sees the step overview only, as the
    # structure shares a summary (tests/demarches cover a structure that shares everything).
    "demarches:structure_home": ("get", "structure", status(structure_and_facilitator=302)),
    "demarches:start": ("get", "structure", status(leads=200)),
    "demarches:cycle": ("get", "cycle", status(structure_and_facilitator=200)),
    "demarches:cycle_edit": ("get", "cycle", status(leads=200)),
    "demarches:mark_step": ("post", "step", status(leads=302)),
    "demarches:next_year": ("get", "cycle", status(leads=200)),
    "demarches:progress": ("get", "cycle", status(structure=200)),
    "demarches:plan": ("get", "cycle", status(structure=200)),
    "demarches:milestone_edit": ("get", "milestone", status(leads=200)),
    "demarches:milestone_delete": ("post", "milestone", status(leads=302)),
    "demarches:themes": ("get", "cycle", status(structure=200)),
    "demarches:selection": ("get", "cycle", status(structure=200)),
    "demarches:own_item": ("get", "cycle", status(leads=200)),
    "demarches:assessment": ("get", "cycle", status(structure=200)),
    "demarches:answer": ("get", "answer", status(structure=200)),
    "demarches:answer_save": ("post", "answer", status(editors=200)),
    "demarches:evidence_upload": ("post", "answer", status(editors=302)),
    "demarches:answer_history": ("get", "answer", status(structure=200)),
    "demarches:answer_restore": ("post", "answer_version", status(editors=302)),
    "demarches:evidence": ("get", "evidence", status(structure=200)),
    "demarches:evidence_delete": ("post", "evidence", status(editors=302)),
    "demarches:actions": ("get", "cycle", status(structure=200)),
    "demarches:calendar": ("get", "cycle", status(structure=200)),
    "demarches:action_create": ("get", "cycle", status(leads=200)),
    "demarches:action": ("get", "action", status(structure=200)),
    "demarches:action_check_file": ("get", "action", status(structure=200)),
    "demarches:action_history": ("get", "action", status(structure=200)),
    "demarches:action_restore": ("post", "action_version", status(editors=302)),
    "demarches:presentations": ("get", "cycle", status(structure=200)),
    "demarches:presentation_edit": ("get", "presentation", status(leads=200)),
    "demarches:presentation_delete": ("post", "presentation", status(leads=302)),
    "demarches:ag_debate": ("get", "cycle", status(structure=200)),
    "demarches:ag_debate_sheet": ("get", "cycle", status(structure=200)),
    "demarches:transfer": ("get", "cycle", status(structure=200)),
    "demarches:export": ("get", "cycle", status(structure=200)),
    "demarches:import": ("get", "cycle", status(leads=200)),
    "demarches:import_preview": ("get", "cycle", status(leads=302)),  # nothing uploaded yet
    # Parcours: the network's facilitators run it; the enrolled structure's pilot pair takes
    # part; the structure's other people read it.
    "parcours:list": ("get", None, status(logged_in=200)),
    "parcours:create": ("get", None, status(facilitators=200)),
    "parcours:detail": ("get", "parcours", status(structure_and_facilitator=200)),
    "parcours:edit": ("get", "parcours", status(facilitator=200)),
    "parcours:enrol": ("get", "parcours", status(facilitator=200)),
    "parcours:withdraw": ("get", "enrolment", status(leads_and_facilitator=200)),
    "parcours:mine": ("get", None, status(logged_in=200)),
    "parcours:session_create": ("get", "parcours", status(facilitator=200)),
    "parcours:session": ("get", "session", status(structure_and_facilitator=200)),
    "parcours:session_edit": ("get", "session", status(facilitator=200)),
    "parcours:session_cancel": ("get", "session", status(facilitator=200)),
    "parcours:attendance": ("get", "session", status(facilitator=200)),
    "parcours:checkin_qr": ("get", "session", status(facilitator=200)),
    "parcours:checkin": ("get", "checkin", status(leads=200)),
    "parcours:apologies": ("post", "session", status(leads=302)),
    "parcours:absentees": ("get", "session", status(facilitator=200)),
    "parcours:matrix": ("get", "parcours", status(facilitator=200)),
    "parcours:meeting_note": ("get", "session", status(facilitator=200)),
    "parcours:resources": ("get", "parcours", status(structure_and_facilitator=200)),
    "parcours:resource": ("get", "parcours_resource", status(structure_and_facilitator=200)),
    "parcours:feedback": ("get", "session", status(leads=200)),
    "parcours:feedback_summary": ("get", "session", status(facilitator=200)),
    "parcours:testimonials": ("get", "parcours", status(structure_and_facilitator=200)),
    "parcours:testimonial_publish": ("post", "testimonial", status(author_and_facilitator=302)),
    "parcours:session_ics": ("get", "session", status(structure_and_facilitator=200)),
    "parcours:feed_settings": ("get", None, status(logged_in=200)),
    # A secret URL for calendar apps, which cannot log in: the token is the key.
    "parcours:feed": ("get", "feed", status(everyone=200)),
    # Reports: the pilot pair and the board read a structure's reports (a contributor sees
    # the page, without versions); the network's facilitator lists them (the structure
    # shares a summary) but reads only the synthesis,
    # and the full report once the structure shares the full démarche (tests/reports).
    "reports:cycle_reports": ("get", "cycle", status(structure_and_facilitator=200)),
    "reports:request": ("post", "cycle", status(leads=302)),
    "reports:network_reports": ("get", "network", status(facilitator=200)),
    "reports:report": ("get", "report", status(report_readers=200)),
    "reports:download": ("get", "report", status(report_readers=200)),
    "reports:freeze": ("post", "report", status(leads=302)),
    "reports:delete": ("post", "report", status(leads=302)),
}

KWARGS = {
    "guide": lambda w: {"pk": w.guide.pk},
    "theme": lambda w: {"pk": w.guide.pk, "code": w.item.domain.theme.code},
    "domain": lambda w: {"pk": w.guide.pk, "code": w.item.domain.code},
    "item": lambda w: {"pk": w.guide.pk, "code": w.item.code},
    "item_level": lambda w: {"pk": w.guide.pk, "level": "elements", "code": w.item.code},
    "practice": lambda w: {"pk": w.practice.pk},
    "resource": lambda w: {"pk": w.practice.pk, "resource_pk": w.resource.pk},
    "structure": lambda w: {"pk": w.structure.pk},
    "invitation": lambda w: {"pk": w.invitation.pk},
    "token": lambda w: {"token": w.invitation.token},
    "cycle": lambda w: {"pk": w.cycle.pk},
    "step": lambda w: {"pk": w.cycle.pk, "step": 12},
    "milestone": lambda w: {"pk": w.milestone.pk},
    "answer": lambda w: {"pk": w.answer.pk},
    "answer_version": lambda w: {
        "pk": w.answer.pk,
        "history_pk": w.answer.history.earliest().history_id,
    },
    "evidence": lambda w: {"pk": w.evidence.pk},
    "action": lambda w: {"pk": w.action.pk},
    "action_version": lambda w: {
        "pk": w.action.pk,
        "history_pk": w.action.history.earliest().history_id,
    },
    "presentation": lambda w: {"pk": w.presentation.pk},
    "parcours": lambda w: {"pk": w.session.parcours_id},
    "session": lambda w: {"pk": w.session.pk},
    "checkin": lambda w: {"token": w.session.checkin_token},
    "enrolment": lambda w: {"pk": w.enrolment.pk},
    "parcours_resource": lambda w: {"pk": w.parcours_resource.pk},
    "testimonial": lambda w: {"pk": w.testimonial.pk},
    "feed": lambda w: {"token": w.feed.token},
    "network": lambda w: {"pk": w.session.parcours.network_id},
    "report": lambda w: {"pk": w.report.pk},
}


def url_names(resolver=None, namespace=""):
    """Every named URL of the project; the admin site counts as one ("admin")."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                yield "admin"
                continue
            prefix = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_is_classified():
    unclassified = sorted(set(url_names()) - set(MATRIX))
    assert unclassified == [], f"add these URLs to MATRIX: {unclassified}"
    stale = sorted(set(MATRIX) - set(url_names()))
    assert stale == [], f"these MATRIX rows name no URL: {stale}"


def request_as(client, world, name, actor):
    method, kwargs, _expected = MATRIX[name]
    if actor != "anonymous":
        client.force_login(world.people[actor])
    if name == "admin":
        url = reverse("admin:index")
    else:
        build = KWARGS.get(kwargs) if isinstance(kwargs, str) else kwargs
        url = reverse(name, kwargs=build(world) if build else None)
    data = {}
    if name == "members:switch_role" and actor != "anonymous":
        data = {"role": world.people[actor].roles.first().pk}
    if name == "reports:request":
        data = {"kind": "full"}
    if name == "set_language":
        data = {"language": "fr"}
    return client.get(url) if method == "get" else client.post(url, data)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(client, world, name, actor):
    response = request_as(client, world, name, actor)
    response.close()  # file downloads hold their file open until closed
    expected = MATRIX[name][2][actor]
    assert response.status_code == expected, (
        f"{name} as {actor}: expected {expected}, got {response.status_code}"
    )
    if expected == 302 and actor == "anonymous" and MATRIX[name][2]["pilot"] != 302:
        assert response.url.startswith(reverse("login")), response.url
