"""Ship the national CSESS guide as data, so that every database has it.

The 2016 edition comes from data/csess_2016.json (our wording, built from the reference facts;
`is_official` marks what was seen in a public source). The 2017 edition is derived from it the
way every later edition is: each row keeps a `previous` link to the row it continues. No public
source lists what changed in 2017, so its content is the 2016 one until a network corrects it.
"""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent / "data" / "csess_2016.json"


def load_national_guide(apps, schema_editor):
    Guide = apps.get_model("guide", "Guide")
    Theme = apps.get_model("guide", "Theme")
    Domain = apps.get_model("guide", "Domain")
    Item = apps.get_model("guide", "Item")
    data = json.loads(DATA.read_text(encoding="utf-8"))

    first = Guide.objects.create(
        title=data["title"],
        edition=data["edition"],
        description=data["description"],
        status="published",
    )
    for t_position, theme_data in enumerate(data["themes"]):
        theme = Theme.objects.create(
            guide=first,
            code=theme_data["code"],
            title=theme_data["title"],
            short_title=theme_data["short_title"],
            stakes=theme_data["stakes"],
            is_official=theme_data["is_official"],
            position=t_position,
        )
        for d_position, domain_data in enumerate(theme_data["domains"]):
            domain = Domain.objects.create(
                guide=first,
                theme=theme,
                code=domain_data["code"],
                title=domain_data["title"],
                is_official=domain_data["is_official"],
                position=d_position,
            )
            Item.objects.bulk_create(
                Item(
                    guide=first,
                    domain=domain,
                    code=item["code"],
                    kind=item["kind"],
                    text=item["text"],
                    unit=item["unit"],
                    help_text=item["help_text"],
                    example=item["example"],
                    is_official=item["is_official"],
                    position=i_position,
                )
                for i_position, item in enumerate(domain_data["items"])
            )

    second = Guide.objects.create(
        title=first.title,
        edition="2017",
        description=first.description,
        status="published",
        previous=first,
    )
    fields = ["code", "position", "is_official", "is_archived"]
    themes, domains = {}, {}
    for theme in Theme.objects.filter(guide=first):
        themes[theme.pk] = Theme.objects.create(
            guide=second,
            previous=theme,
            title=theme.title,
            short_title=theme.short_title,
            stakes=theme.stakes,
            **{f: getattr(theme, f) for f in fields},
        )
    for domain in Domain.objects.filter(guide=first):
        domains[domain.pk] = Domain.objects.create(
            guide=second,
            theme=themes[domain.theme_id],
            previous=domain,
            title=domain.title,
            **{f: getattr(domain, f) for f in fields},
        )
    Item.objects.bulk_create(
        Item(
            guide=second,
            domain=domains[item.domain_id],
            previous=item,
            kind=item.kind,
            text=item.text,
            unit=item.unit,
            help_text=item.help_text,
            example=item.example,
            **{f: getattr(item, f) for f in fields},
        )
        for item in Item.objects.filter(guide=first)
    )


def remove_national_guide(apps, schema_editor):
    Guide = apps.get_model("guide", "Guide")
    # Newest edition first: each edition protects the one it was derived from.
    for guide in Guide.objects.filter(network=None).order_by("-edition"):
        for model in ("Item", "Domain", "Theme"):
            apps.get_model("guide", model).objects.filter(guide=guide).delete()
        guide.delete()


class Migration(migrations.Migration):
    dependencies = [("guide", "0001_initial")]

    operations = [migrations.RunPython(load_national_guide, remove_national_guide)]
