"""The demo's guides and practice library (the national guide itself comes with the migrations).

Everything is looked up before it is created: loading twice changes nothing."""

import json
from pathlib import Path

from guide.models import Domain, Practice, PracticeResource, Theme
from members import demo as members_demo
from members.models import Network

PRACTICES = Path(__file__).resolve().parent / "demo_practices.json"

# The demo practices were written against the codes of this edition of the national guide.
NATIONAL_EDITION = "2016"


def load() -> None:
    network = Network.objects.get(name=members_demo.NETWORK["name"])
    load_practices(network)


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
