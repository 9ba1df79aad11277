"""Changes to guides that span several rows: editions, archiving, deleting, publishing."""

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from guide.models import Domain, Guide, Item, Theme

NODE_FIELDS = ["code", "position", "is_official", "is_archived"]


class CannotDelete(Exception):
    """The element is needed elsewhere (answers, a later edition): archive it instead."""


@transaction.atomic
def derive_edition(guide: Guide, *, edition: str, by) -> Guide:
    """A new draft edition that copies `guide`; every copied row points to the one it continues,
    so answers given against the old edition stay comparable with the new one."""
    new = Guide.objects.create(
        title=guide.title,
        edition=edition,
        description=guide.description,
        network=guide.network,
        previous=guide,
        created_by=by,
    )
    themes = {
        theme.pk: Theme(
            guide=new,
            previous=theme,
            title=theme.title,
            short_title=theme.short_title,
            stakes=theme.stakes,
            **{f: getattr(theme, f) for f in NODE_FIELDS},
        )
        for theme in guide.themes.all()
    }
    Theme.objects.bulk_create(themes.values())
    domains = {
        domain.pk: Domain(
            guide=new,
            theme=themes[domain.theme_id],
            previous=domain,
            title=domain.title,
            **{f: getattr(domain, f) for f in NODE_FIELDS},
        )
        for domain in guide.domains.all()
    }
    Domain.objects.bulk_create(domains.values())
    Item.objects.bulk_create(
        Item(
            guide=new,
            domain=domains[item.domain_id],
            previous=item,
            kind=item.kind,
            text=item.text,
            unit=item.unit,
            help_text=item.help_text,
            example=item.example,
            **{f: getattr(item, f) for f in NODE_FIELDS},
        )
        for item in guide.items.all()
    )
    return new


def set_archived(node: Theme | Domain | Item, archived: bool) -> None:
    """Archiving a theme or domain archives what it contains; restoring it restores them."""
    with transaction.atomic():
        node.is_archived = archived
        node.save(update_fields=["is_archived", "updated_at"])
        if isinstance(node, Theme):
            node.domains.update(is_archived=archived)
            Item.objects.filter(domain__theme=node).update(is_archived=archived)
        elif isinstance(node, Domain):
            node.items.update(is_archived=archived)


def delete_node(node: Theme | Domain | Item) -> None:
    """Delete an element nothing depends on; otherwise raise CannotDelete with the reason."""
    try:
        with transaction.atomic():
            node.delete()
    except ProtectedError as error:
        raise CannotDelete(
            _(
                "“%(node)s” cannot be deleted: it is used by answers or continued in a later "
                "edition, and year-over-year comparisons would break. Archive it instead."
            )
            % {"node": node}
        ) from error


def publish(guide: Guide) -> None:
    guide.status = Guide.Status.PUBLISHED
    guide.save(update_fields=["status", "updated_at"])
