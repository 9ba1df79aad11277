"""The demo's networks, structures and people. Every capability adds its part here, so the demo
always shows a lively platform. Everything is looked up before it is created: loading twice
changes nothing."""

import datetime

from django.utils.translation import gettext as _

from members.models import Invitation, Membership, Network, Role, Structure, User
from members.validators import siret_is_valid

PASSWORD = "progress-demo"

NETWORK = {
    "name": "CRESS Hauts-de-France (démo)",
    "region": "Hauts-de-France",
    "contact_email": "animation@cress-demo.example.org",
}
SECOND_NETWORK = {
    "name": "Fédération des coopératives du Nord (démo)",
    "region": "Hauts-de-France",
    "contact_email": "contact@federation-coop-demo.example.org",
}


def _siret(siren_and_nic: str) -> str:
    """A valid SIRET from its first 13 digits (the demo's are made up)."""
    return next(siren_and_nic + str(d) for d in range(10) if siret_is_valid(siren_and_nic + str(d)))


# (name, legal form, commune, postcode, département, headcount, sector, SIRET's 13 digits,
#  networks: 1 the CRESS, 2 the federation)
STRUCTURES = [
    (
        "Les Jardins du Val",
        "association",
        "Amiens",
        "80000",
        "Somme",
        24,
        "Insertion par le maraîchage",
        "4123456780001",
        {1},
    ),
    (
        "Atelier Bois Coopératif",
        "scop",
        "Lille",
        "59000",
        "Nord",
        12,
        "Menuiserie",
        "5234567890001",
        {1, 2},
    ),
    (
        "Habitat Partagé du Littoral",
        "scic",
        "Boulogne-sur-Mer",
        "62200",
        "Pas-de-Calais",
        6,
        "Habitat",
        "6345678900001",
        {1},
    ),
    (
        "Mutuelle Solidaire de l'Oise",
        "mutuelle",
        "Beauvais",
        "60000",
        "Oise",
        48,
        "Santé",
        "7456789010001",
        {1},
    ),
    (
        "La Recyclerie du Hainaut",
        "association",
        "Valenciennes",
        "59300",
        "Nord",
        18,
        "Réemploi",
        "4567890120001",
        {1},
    ),
    (
        "Café Culturel Le Troquet",
        "association",
        "Arras",
        "62000",
        "Pas-de-Calais",
        4,
        "Culture",
        "4678901230001",
        {1},
    ),
    (
        "Crèche Parentale Les Petits Pas",
        "association",
        "Compiègne",
        "60200",
        "Oise",
        9,
        "Petite enfance",
        "4789012340001",
        {1},
    ),
    (
        "Énergies Citoyennes de la Somme",
        "scic",
        "Abbeville",
        "80100",
        "Somme",
        3,
        "Énergie renouvelable",
        "8890123450001",
        {1},
    ),
    (
        "Fondation Entraide Flandre",
        "fondation",
        "Dunkerque",
        "59140",
        "Nord",
        65,
        "Action sociale",
        "7901234560001",
        {1},
    ),
    (
        "Coopérative Graphique du Nord",
        "scop",
        "Roubaix",
        "59100",
        "Nord",
        15,
        "Imprimerie",
        "5012345670001",
        {2},
    ),
    (
        "Transports Solidaires Coop",
        "scic",
        "Tourcoing",
        "59200",
        "Nord",
        22,
        "Mobilité",
        "8123456780011",
        {2},
    ),
    ("Bâtisseurs Associés", "scop", "Douai", "59500", "Nord", 31, "Bâtiment", "5234567890021", {2}),
]

# (e-mail, full name, role, structure name, or a network number for facilitators, or None
#  for the platform admin; started on; ended on)
PEOPLE = [
    ("admin@progress-demo.example.org", "Alex Admin", None, None, None, None),
    (
        "camille.animatrice@cress-demo.example.org",
        "Camille Dubois",
        "facilitator",
        1,
        datetime.date(2023, 9, 1),
        None,
    ),
    (
        "yanis.animateur@federation-coop-demo.example.org",
        "Yanis Girard",
        "facilitator",
        2,
        datetime.date(2024, 1, 15),
        None,
    ),
    (
        "pilote@jardins-du-val.example.org",
        "Nadia Benali",
        "pilot",
        "Les Jardins du Val",
        datetime.date(2024, 3, 1),
        None,
    ),
    (
        "copilote@jardins-du-val.example.org",
        "Thomas Leroy",
        "copilot",
        "Les Jardins du Val",
        datetime.date(2024, 3, 1),
        None,
    ),
    (
        "ca@jardins-du-val.example.org",
        "Monique Petit",
        "board_member",
        "Les Jardins du Val",
        datetime.date(2023, 6, 20),
        None,
    ),
    (
        "benevole@jardins-du-val.example.org",
        "Jules Moreau",
        "contributor",
        "Les Jardins du Val",
        datetime.date(2025, 1, 10),
        None,
    ),
    (
        "pilote@atelier-bois.example.org",
        "Sophie Lambert",
        "pilot",
        "Atelier Bois Coopératif",
        datetime.date(2024, 9, 1),
        None,
    ),
    (
        "copilote@atelier-bois.example.org",
        "Karim Haddad",
        "copilot",
        "Atelier Bois Coopératif",
        datetime.date(2024, 9, 1),
        None,
    ),
    # A past hand-over: Bernard piloted Habitat Partagé until June 2025, then Claire took over.
    (
        "bernard.caron@habitat-littoral.example.org",
        "Bernard Caron",
        "pilot",
        "Habitat Partagé du Littoral",
        datetime.date(2022, 2, 1),
        datetime.date(2025, 6, 30),
    ),
    (
        "pilote@habitat-littoral.example.org",
        "Claire Fontaine",
        "pilot",
        "Habitat Partagé du Littoral",
        datetime.date(2025, 6, 30),
        None,
    ),
    (
        "pilote@mutuelle-oise.example.org",
        "Hélène Roussel",
        "pilot",
        "Mutuelle Solidaire de l'Oise",
        datetime.date(2025, 2, 1),
        None,
    ),
    (
        "copilote@mutuelle-oise.example.org",
        "Marc Delattre",
        "copilot",
        "Mutuelle Solidaire de l'Oise",
        datetime.date(2025, 2, 1),
        None,
    ),
    (
        "pilote@recyclerie-hainaut.example.org",
        "Inès Carpentier",
        "pilot",
        "La Recyclerie du Hainaut",
        datetime.date(2025, 10, 1),
        None,
    ),
    (
        "copilote@recyclerie-hainaut.example.org",
        "Paul Lefebvre",
        "copilot",
        "La Recyclerie du Hainaut",
        datetime.date(2025, 10, 1),
        None,
    ),
    (
        "pilote@le-troquet.example.org",
        "Lucie Martin",
        "pilot",
        "Café Culturel Le Troquet",
        datetime.date(2026, 1, 12),
        None,
    ),
    (
        "pilote@petits-pas.example.org",
        "Sarah Cohen",
        "pilot",
        "Crèche Parentale Les Petits Pas",
        datetime.date(2024, 11, 5),
        None,
    ),
    (
        "copilote@petits-pas.example.org",
        "David Nguyen",
        "copilot",
        "Crèche Parentale Les Petits Pas",
        datetime.date(2024, 11, 5),
        None,
    ),
    (
        "pilote@entraide-flandre.example.org",
        "Jean Vermeulen",
        "pilot",
        "Fondation Entraide Flandre",
        datetime.date(2023, 4, 1),
        None,
    ),
    (
        "pilote@coop-graphique.example.org",
        "Amélie Dufour",
        "pilot",
        "Coopérative Graphique du Nord",
        datetime.date(2025, 3, 3),
        None,
    ),
    (
        "copilote@coop-graphique.example.org",
        "Rachid Benkirane",
        "copilot",
        "Coopérative Graphique du Nord",
        datetime.date(2025, 3, 3),
        None,
    ),
    (
        "pilote@transports-solidaires.example.org",
        "Élodie Masson",
        "pilot",
        "Transports Solidaires Coop",
        datetime.date(2024, 5, 6),
        None,
    ),
]

# Invitations sent but not yet accepted: (e-mail, full name, role, structure name)
INVITATIONS = [
    (
        "copilote@habitat-littoral.example.org",
        "Mehdi Saïdi",
        "copilot",
        "Habitat Partagé du Littoral",
    ),
    (
        "pilote@energies-somme.example.org",
        "Anne Lemaire",
        "pilot",
        "Énergies Citoyennes de la Somme",
    ),
    ("pilote@batisseurs-associes.example.org", "Franck Henry", "pilot", "Bâtisseurs Associés"),
]

# The logins printed by `manage.py demo`: one of each kind of user.
PRINTED = [
    "admin@progress-demo.example.org",
    "camille.animatrice@cress-demo.example.org",
    "yanis.animateur@federation-coop-demo.example.org",
    "pilote@jardins-du-val.example.org",
    "copilote@jardins-du-val.example.org",
    "ca@jardins-du-val.example.org",
    "benevole@jardins-du-val.example.org",
    "pilote@atelier-bois.example.org",
    "pilote@habitat-littoral.example.org",
]


def load() -> list[tuple[str, str]]:
    """Create what is missing and return the logins to print: (e-mail, what the person is)."""
    networks = {
        1: Network.objects.get_or_create(name=NETWORK["name"], defaults=NETWORK)[0],
        2: Network.objects.get_or_create(name=SECOND_NETWORK["name"], defaults=SECOND_NETWORK)[0],
    }
    structures = {}
    for name, form, commune, postcode, dept, headcount, sector, siret, member_of in STRUCTURES:
        structure, _created = Structure.objects.get_or_create(
            name=name,
            defaults={
                "legal_form": form,
                "commune": commune,
                "postcode": postcode,
                "departement": dept,
                "region": "Hauts-de-France",
                "headcount": headcount,
                "sector": sector,
                "siret": _siret(siret),
            },
        )
        for number in member_of:
            Membership.objects.get_or_create(
                network=networks[number],
                structure=structure,
                defaults={"since_on": datetime.date(2019 + len(structures) % 5, 1, 1)},
            )
        structures[name] = structure

    descriptions = {}
    for email, full_name, kind, place, started_on, ended_on in PEOPLE:
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
            descriptions[email] = _("platform administration (/admin/)")
            continue
        where = (
            {"network": networks[place]}
            if kind == Role.Kind.FACILITATOR
            else {"structure": structures[place]}
        )
        role = Role.objects.filter(person=person, kind=kind, **where).first()
        if role is None:
            role = Role.objects.create(
                person=person, kind=kind, started_on=started_on, ended_on=ended_on, **where
            )
        descriptions[email] = f"{role.get_kind_display()} · {role.place}"

    facilitator = User.objects.get(email="camille.animatrice@cress-demo.example.org")
    for email, full_name, kind, structure_name in INVITATIONS:
        Invitation.objects.get_or_create(
            email=email,
            kind=kind,
            structure=structures[structure_name],
            defaults={"full_name": full_name, "invited_by": facilitator},
        )
    return [(email, descriptions[email]) for email in PRINTED]
