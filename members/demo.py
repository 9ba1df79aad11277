"""The demo's networks, structures and people. Every capability adds its part here, so the demo
always shows a lively platform. Everything is looked up before it is created: loading twice
changes nothing."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Membership, Network, Role, Structure, User

PASSWORD = "progress-demo"

NETWORK = {
    "name": "CRESS Hauts-de-France (démo)",
    "region": "Hauts-de-France",
    "contact_email": "animation@cress-demo.example.org",
}

STRUCTURES = [
    {
        "name": "Les Jardins du Val",
        "legal_form": "association",
        "commune": "Amiens",
        "postcode": "80000",
    },
    {
        "name": "Atelier Bois Coopératif",
        "legal_form": "scop",
        "commune": "Lille",
        "postcode": "59000",
    },
    {
        "name": "Habitat Partagé du Littoral",
        "legal_form": "scic",
        "commune": "Boulogne-sur-Mer",
        "postcode": "62200",
    },
    {
        "name": "Mutuelle Solidaire de l'Oise",
        "legal_form": "mutuelle",
        "commune": "Beauvais",
        "postcode": "60000",
    },
]

# (e-mail, full name, role kind, structure name or None for the network, staff?)
PEOPLE = [
    ("admin@progress-demo.example.org", "Alex Admin", None, None),
    ("camille.animatrice@cress-demo.example.org", "Camille Dubois", "facilitator", None),
    ("pilote@jardins-du-val.example.org", "Nadia Benali", "pilot", "Les Jardins du Val"),
    ("copilote@jardins-du-val.example.org", "Thomas Leroy", "copilot", "Les Jardins du Val"),
    ("ca@jardins-du-val.example.org", "Monique Petit", "board_member", "Les Jardins du Val"),
    ("benevole@jardins-du-val.example.org", "Jules Moreau", "contributor", "Les Jardins du Val"),
    ("pilote@atelier-bois.example.org", "Sophie Lambert", "pilot", "Atelier Bois Coopératif"),
    ("copilote@atelier-bois.example.org", "Karim Haddad", "copilot", "Atelier Bois Coopératif"),
    (
        "pilote@habitat-littoral.example.org",
        "Claire Fontaine",
        "pilot",
        "Habitat Partagé du Littoral",
    ),
]


def load() -> list[tuple[str, str]]:
    """Create what is missing and return the logins to print: (e-mail, what the person is)."""
    network, _created = Network.objects.get_or_create(name=NETWORK["name"], defaults=NETWORK)
    structures = {}
    for data in STRUCTURES:
        structure, _created = Structure.objects.get_or_create(name=data["name"], defaults=data)
        Membership.objects.get_or_create(
            network=network,
            structure=structure,
            defaults={"since_on": datetime.date(2021, 1, 1)},
        )
        structures[structure.name] = structure

    started_on = timezone.localdate().replace(month=1, day=1)
    logins = []
    for email, full_name, kind, structure_name in PEOPLE:
        person = User.objects.filter(email=email).first()
        if person is None:
            person = User.objects.create_user(
                email,
                PASSWORD,
                full_name=full_name,
                is_staff=kind is None,
                is_superuser=kind is None,
            )
        if kind is None:
            logins.append((email, _("platform administration (/admin/)")))
            continue
        place = (
            {"network": network}
            if kind == Role.Kind.FACILITATOR
            else {"structure": structures[structure_name]}
        )
        role = Role.objects.active().filter(person=person, kind=kind, **place).first()
        if role is None:
            role = Role.objects.create(person=person, kind=kind, started_on=started_on, **place)
        logins.append((email, f"{role.get_kind_display()} · {role.place}"))
    return logins
