"""The demo's guides and practice library (the national guide itself comes with the migrations).

Everything is looked up before it is created: loading twice changes nothing."""

import json
from pathlib import Path

from guide.models import Domain, Guide, Item, Practice, PracticeResource, Theme
from members import demo as members_demo
from members.models import Network

PRACTICES = Path(__file__).resolve().parent / "demo_practices.json"

# The demo practices were written against the codes of this edition of the national guide.
NATIONAL_EDITION = "2016"


# A network's own thematic guide: (theme code, title, stakes, [(domain code, title,
# [(kind, wording, unit, help)])])
USER_INVOLVEMENT = [
    (
        "1",
        "Donner la parole aux usagers",
        "Les personnes accompagnées savent mieux que quiconque ce qui marche pour elles : les "
        "écouter régulièrement, et pas seulement en cas de problème, change la qualité du service.",
        [
            (
                "1.1",
                "Recueillir l'avis des usagers",
                [
                    (
                        "question",
                        "Les usagers sont-ils interrogés au moins une fois par an sur le service "
                        "rendu ?",
                        "",
                        "Questionnaire, réunion, boîte à idées : toute forme compte.",
                    ),
                    (
                        "indicator",
                        "Part des usagers ayant donné leur avis dans l'année",
                        "percent",
                        "Rapportez le nombre de réponses au nombre de personnes accompagnées.",
                    ),
                    (
                        "question",
                        "Leur dit-on ce qui a changé grâce à leurs avis ?",
                        "",
                        "Un retour, même bref, entretient l'envie de participer.",
                    ),
                ],
            ),
            (
                "1.2",
                "Associer les usagers aux décisions",
                [
                    (
                        "question",
                        "Des usagers siègent-ils dans une instance (CA, comité, commission) ?",
                        "",
                        "Précisez l'instance et le rôle qu'ils y tiennent.",
                    ),
                    (
                        "indicator",
                        "Nombre d'usagers membres d'une instance",
                        "count",
                        "Comptez les personnes, pas les sièges.",
                    ),
                    (
                        "indicator",
                        "Nombre de réunions auxquelles des usagers ont participé",
                        "count",
                        "Sur l'exercice écoulé.",
                    ),
                ],
            ),
        ],
    ),
    (
        "2",
        "Reconnaître l'engagement des usagers",
        "S'impliquer demande du temps et de la confiance : la structure le facilite et le "
        "valorise.",
        [
            (
                "2.1",
                "Faciliter la participation",
                [
                    (
                        "question",
                        "Les horaires et lieux des réunions sont-ils pensés pour les usagers ?",
                        "",
                        "Garde d'enfants, transport, langage clair : ce qui lève les freins.",
                    ),
                    (
                        "indicator",
                        "Montant consacré au défraiement des usagers",
                        "euro",
                        "Transport, repas, garde : le total de l'année.",
                    ),
                    (
                        "question",
                        "Une formation est-elle proposée aux usagers qui siègent ?",
                        "",
                        "Même courte : comprendre un budget, prendre la parole en réunion.",
                    ),
                ],
            )
        ],
    ),
]


def load() -> None:
    network = Network.objects.get(name=members_demo.NETWORK["name"])
    load_practices(network)
    load_thematic_guide(network)


def load_thematic_guide(network: Network) -> None:
    guide, created = Guide.objects.get_or_create(
        network=network,
        title="Implication des usagers",
        edition="2026",
        defaults={
            "status": Guide.Status.PUBLISHED,
            "description": "Le guide thématique du réseau pour progresser sur la place des "
            "usagers dans la vie de la structure.",
        },
    )
    if not created:
        return
    for t_position, (theme_code, title, stakes, domains) in enumerate(USER_INVOLVEMENT):
        theme = Theme.objects.create(
            guide=guide, code=theme_code, title=title, stakes=stakes, position=t_position
        )
        for d_position, (domain_code, domain_title, items) in enumerate(domains):
            domain = Domain.objects.create(
                guide=guide,
                theme=theme,
                code=domain_code,
                title=domain_title,
                position=d_position,
            )
            for i_position, (kind, text, unit, help_text) in enumerate(items, start=1):
                Item.objects.create(
                    guide=guide,
                    domain=domain,
                    code=f"{domain_code}.{i_position}",
                    kind=kind,
                    text=text,
                    unit=unit,
                    help_text=help_text,
                    position=i_position,
                )


def load_practices(network: Network) -> None:
    """The library of the demo network, linked to the national guide by code. Without that
    edition (a database where it was removed), the practices come without their links."""
    national = {"guide__network": None, "guide__edition": NATIONAL_EDITION}
    themes = {theme.code: theme for theme in Theme.objects.filter(**national)}
    domains = {domain.code: domain for domain in Domain.objects.filter(**national)}
    structures = {structure.name: structure for structure in network.structures.all()}
    for data in json.loads(PRACTICES.read_text(encoding="utf-8")):
        practice, _created = Practice.objects.get_or_create(
            title=data["title"],
            network=network,
            defaults={
                "description": data["description"],
                "status": data["status"],
                "structure": structures[data["contributor"]] if data["contributor"] else None,
                "visibility": Practice.Visibility.SHARED
                if data["is_shared"]
                else Practice.Visibility.NETWORK,
            },
        )
        # add() skips the links that already exist.
        practice.themes.add(*(themes[code] for code in data["theme_codes"] if code in themes))
        practice.domains.add(*(domains[code] for code in data["domain_codes"] if code in domains))
        for resource in data["resources"]:
            PracticeResource.objects.get_or_create(
                practice=practice, title=resource["title"], defaults={"url": resource["url"]}
            )
