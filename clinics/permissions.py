"""Who may use a page or an API endpoint: one mechanism for both.

Every view declares the roles it serves (`@requires_roles(...)` on a page, `required_roles` with
`permission_classes = [DeclaredRoles]` on an API view). The check runs before the view's code and
in this order:

1. every object the URL names is looked up through its app's visibility selector (registered
   with `clinics.selectors.url_objects`): another clinic's or family's object is a 404 for everyone;
2. then the role: someone who may see the object but not do this gets a 403.

So a caregiver who can see their child gets 403 on the staff pages about that child, and a
stranger gets 404 whatever their role. A URL kwarg no lookup is registered for is refused
(ImproperlyConfigured), never let through. `tests/test_isolation.py` walks the URL conf and fails
when a view, page or API, declares no roles.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404
from rest_framework.permissions import BasePermission

from clinics.models import Role
from clinics.selectors import URL_OBJECTS, membership_for

CAREGIVER = "caregiver"  # a signed-in person with no clinic membership
ANONYMOUS = "anonymous"  # nobody signed in
STAFF = (Role.CLINIC_ADMIN, Role.PEDIATRICIAN, Role.NURSE)
CLINICIANS = (Role.PEDIATRICIAN, Role.CLINIC_ADMIN)
SIGNED_IN = (*STAFF, CAREGIVER)
PUBLIC = (*SIGNED_IN, ANONYMOUS)

ROLE_REFUSED = {
    CLINICIANS: "Only a pediatrician can do this.",
    STAFF: "Only clinic staff can do this.",
    (Role.CLINIC_ADMIN,): "Only a clinic admin can do this.",
    (CAREGIVER,): "Only a caregiver can do this.",
}


def role_of(user) -> str:
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    membership = membership_for(user)
    return membership.role if membership else CAREGIVER


def roles_enforce(request, *, roles: tuple[str, ...], url_kwargs: dict) -> None:
    """404 when an object the URL names is out of the user's reach; then 403 when their role is
    not among `roles`."""
    if ANONYMOUS in roles:
        return
    for name, value in url_kwargs.items():
        visible_to = URL_OBJECTS.get(name)
        if visible_to is None:
            raise ImproperlyConfigured(f"No selector is registered for the URL kwarg {name!r}.")
        if not visible_to(request.user).filter(uuid=value).exists():
            raise Http404
    if role_of(request.user) not in roles:
        raise PermissionDenied(ROLE_REFUSED.get(tuple(roles), "Your role cannot do this."))


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def roles_for(request, *, roles: tuple[str, ...], write_roles: tuple[str, ...]) -> tuple:
    return roles if request.method in SAFE_METHODS else write_roles


def requires_roles(*roles: str, write: tuple[str, ...] | None = None):
    """Declare the roles a page serves; `write` narrows them for POST and other writes (a page
    that staff read and only pediatricians submit). Anonymous visitors go to sign in."""
    if not roles:
        raise ImproperlyConfigured("Declare at least one role (PUBLIC for pages open to anyone).")
    write_roles = tuple(write or roles)

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            needed = roles_for(request, roles=roles, write_roles=write_roles)
            if ANONYMOUS not in needed and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            roles_enforce(request, roles=needed, url_kwargs=kwargs)
            return view(request, *args, **kwargs)

        wrapper.required_roles = roles
        wrapper.required_write_roles = write_roles
        return wrapper

    return decorate


class DeclaredRoles(BasePermission):
    """The API side of `requires_roles`: reads the view's `required_roles` (and
    `required_write_roles` for writes, when it differs)."""

    def has_permission(self, request, view) -> bool:
        roles = getattr(view, "required_roles", None)
        if not roles:
            raise ImproperlyConfigured(f"{type(view).__name__} declares no required_roles.")
        roles = roles_for(
            request, roles=roles, write_roles=getattr(view, "required_write_roles", roles)
        )
        if ANONYMOUS not in roles and not (request.user and request.user.is_authenticated):
            return False
        roles_enforce(request, roles=roles, url_kwargs=view.kwargs)
        return True
