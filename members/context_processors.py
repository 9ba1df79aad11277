from django.utils.functional import SimpleLazyObject

from members.models import Role


def active_roles_of(request) -> list[Role]:
    """The signed-in person's current roles, fetched once per request."""
    if not hasattr(request, "_active_roles"):
        request._active_roles = list(
            request.user.roles.active().select_related("structure", "network")
        )
    return request._active_roles


def roles(request):
    """Roles for the navigation; lazy, so pages that don't show them pay no query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"active_roles": []}
    return {"active_roles": SimpleLazyObject(lambda: active_roles_of(request))}
