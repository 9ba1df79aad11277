from django.utils.functional import SimpleLazyObject

from members.models import Role

ACTING_ROLE_KEY = "acting_role"


def active_roles_of(request) -> list[Role]:
    """The signed-in person's current roles, fetched once per request."""
    if not hasattr(request, "_active_roles"):
        request._active_roles = list(
            request.user.roles.active().select_related("structure", "network")
        )
    return request._active_roles


def acting_role_of(request) -> Role | None:
    """The role the person acts in now: the one they chose, else their first."""
    roles = active_roles_of(request)
    chosen = request.session.get(ACTING_ROLE_KEY)
    return next((r for r in roles if r.pk == chosen), roles[0] if roles else None)


def roles(request):
    """Roles for the navigation; lazy, so pages that don't show them pay no query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"active_roles": [], "acting_role": None}
    return {
        "active_roles": SimpleLazyObject(lambda: active_roles_of(request)),
        "acting_role": SimpleLazyObject(lambda: acting_role_of(request)),
    }
