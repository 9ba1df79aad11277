"""The practice library: who curates it, which guides a practice may be linked to, and saving a
practice together with its resources."""

from django.db import transaction
from django.db.models import Q, QuerySet

from guide.models import Guide, Practice
from members.models import Network


def curated_networks(user) -> QuerySet[Network]:
    """The networks whose practices `user` may add: those they facilitate (all, for staff)."""
    if not user.is_authenticated:
        return Network.objects.none()
    if user.is_staff:
        return Network.objects.all()
    return Network.objects.facilitated_by(user)


def can_create(user) -> bool:
    return curated_networks(user).exists()


def linkable_guides(networks) -> QuerySet[Guide]:
    """A practice is linked to the newest published edition of the national guide or to its
    own network's guides; `networks` are the networks the practice may belong to. (A link to
    an older edition still shows on the newer one: see guide.guidance.)"""
    newest_national = Q(network=None, status=Guide.Status.PUBLISHED) & ~Q(
        next_editions__status=Guide.Status.PUBLISHED
    )
    return Guide.objects.filter(newest_national | Q(network__in=networks))


@transaction.atomic
def save_practice(form, resources, *, by) -> Practice:
    """Save a valid practice form, its theme and domain links and its resource formset: all of
    it or nothing. Files of deleted or replaced resources are removed once that is committed."""
    practice = form.save(commit=False)
    if practice.pk is None:
        practice.created_by = by
    practice.save()
    form.save_m2m()
    stale_files = _files_left_behind(resources)
    resources.instance = practice
    resources.save()
    if stale_files:
        transaction.on_commit(lambda: _delete_files(stale_files))
    return practice


def _files_left_behind(resources) -> list:
    """Stored files that a saved resource formset no longer points to."""
    deleted = resources.deleted_forms
    stale = []
    for resource_form in resources.initial_forms:
        stored = resource_form.initial.get("file")
        if stored and (resource_form in deleted or "file" in resource_form.changed_data):
            stale.append((stored.storage, stored.name))
    return stale


def _delete_files(files) -> None:
    for storage, name in files:
        storage.delete(name)


def can_edit(user, practice: Practice) -> bool:
    return Practice.objects.editable_by(user).filter(pk=practice.pk).exists()
