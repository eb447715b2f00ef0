"""The roles people have in the portal, as data, and how they become Django groups.

Each role has a stable ``code`` that code and audit entries may rely on; staff roles are a
Django group (``group``, the name administrators see and assign in the admin) with the
permissions listed here. Residents and family members are not groups: a resident is anyone who
signs in with their phone, a family member is a resident someone recorded as their proxy.

The groups are made by the migration ``accounts.0008_roles`` on every deployment (and again by
``seed_demo``, which only adds demo people to them). :func:`ensure_roles` only adds what is
missing, so permissions an administrator gave a group later are kept.

Code asks for a permission (``user.has_perm(ACT_FOR_RESIDENT)``), never for a group's name;
:func:`role_of` says which role someone acts in, from their permissions.

Changing a role here changes no deployment by itself: add a migration that calls
:func:`ensure_roles` and depends on the migrations of every app whose permissions it gives.
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

# May act for a resident (with their consent) while on duty: volunteers, counter staff and
# supervisors (portal.accounts.duty).
ACT_FOR_RESIDENT = "accounts.act_for_resident"
# Serves residents at a community centre counter.
SERVE_AT_COUNTER = "accounts.serve_at_counter"
# Oversees the help desk: the cases nobody took, the numbers.
SUPERVISE = "accounts.supervise"
# Administrators give people their roles.
ASSIGN_ROLES = "accounts.change_user"


class Role(models.TextChoices):
    """Who acted: one word of the vocabulary in ``portal/channels.py``."""

    RESIDENT = "resident", _("Resident")
    FAMILY = "family", _("Family member")
    VOLUNTEER = "volunteer", _("Volunteer")
    COUNTER = "counter", _("Counter staff member")
    SUPERVISOR = "supervisor", _("Supervisor")
    EDITOR = "editor", _("Editor")
    ADMINISTRATOR = "administrator", _("Administrator")
    SYSTEM = "system", _("The portal")


# Appointments are shown masked to the staff who help residents with their bookings.
HOSPITAL_LOOKING = (
    ("hospital", "view_hospital"),
    ("hospital", "view_department"),
    ("hospital", "view_doctor"),
    ("hospital", "view_session"),
    ("hospital", "view_appointment"),
)
# Editors keep the hospitals, departments, doctors, timetables and sessions up to date.
HOSPITAL_EDITING = tuple(
    ("hospital", f"{action}_{model}")
    for model in ("hospital", "department", "doctor", "weeklyschedule", "session")
    for action in ("add", "change", "delete", "view")
)
ADMIN = (("wagtailadmin", "access_admin"),)
# Counter staff and supervisors plan the centres' digital-skills sessions.
LEARNING_PLANNING = tuple(("learning", f"{action}_session") for action in ("add", "change", "view"))
DESK = (
    # Counter staff help residents who did not get a code, so they see the outbox.
    ("notifications", "view_message"),
    ("accounts", "add_enrolment"),
    # They see the live taxi rides, and type in the car when a taxi was ordered by phone.
    ("taxi", "view_ride"),
    ("taxi", "change_ride"),
)


@dataclass(frozen=True)
class RoleGroup:
    """A role and the Django group that gives it, with its permissions."""

    code: str
    group: str | None = None
    permissions: tuple[tuple[str, str], ...] = ()
    # The permission that tells this role apart (see role_of); None for residents and family.
    marker: str | None = None
    # Wagtail page permissions on the root of the page tree (so on every page).
    page_permissions: tuple[str, ...] = field(default=())


# Volunteers, counter staff and supervisors act for residents on duty (portal.accounts.duty).
ACTING = (("accounts", "act_for_resident"),)
AREAS = tuple(
    ("areas", f"{action}_{model}")
    for model in ("district", "street")
    for action in ("add", "change", "view")
)
DUTIES = (("accounts", "view_duty"), ("accounts", "add_duty"), ("accounts", "change_duty"))
# The user model is accounts.User: its permissions are the accounts app's.
# The help desk's holidays and make-up working days (assist.CalendarDay).
CALENDAR = tuple(("assist", f"{action}_calendarday") for action in ("add", "change", "view"))
PEOPLE = (
    ("accounts", "add_user"),
    ("accounts", "change_user"),
    ("accounts", "view_user"),
    ("auth", "view_group"),
)

ROLES = (
    RoleGroup(Role.RESIDENT),
    RoleGroup(Role.FAMILY),
    RoleGroup(Role.VOLUNTEER, "Volunteers", ADMIN + ACTING, marker=ACT_FOR_RESIDENT),
    RoleGroup(
        Role.COUNTER,
        "Counter staff",
        ADMIN
        + DESK
        + ACTING
        + (("accounts", "serve_at_counter"),)
        + HOSPITAL_LOOKING
        + LEARNING_PLANNING,
        marker=SERVE_AT_COUNTER,
    ),
    RoleGroup(
        Role.SUPERVISOR,
        "Supervisors",
        ADMIN
        + DESK
        + ACTING
        + DUTIES
        + (("accounts", "supervise"), ("audit", "view_auditentry"))
        + HOSPITAL_LOOKING
        + LEARNING_PLANNING,
        marker=SUPERVISE,
    ),
    RoleGroup(
        Role.EDITOR,
        "Editors",
        ADMIN
        + HOSPITAL_EDITING
        + AREAS
        + (
            ("content", "add_hotline"),
            ("content", "change_hotline"),
            ("content", "add_communitycentre"),
            ("content", "change_communitycentre"),
            ("wagtail_localize", "submit_translation"),
        ),
        marker="content.change_hotline",
        page_permissions=("add_page", "change_page", "publish_page"),
    ),
    RoleGroup(
        Role.ADMINISTRATOR,
        "Administrators",
        ADMIN + DESK + DUTIES + AREAS + PEOPLE + CALENDAR + (("audit", "view_auditentry"),),
        marker=ASSIGN_ROLES,
    ),
)
ROLE_BY_CODE = {role.code: role for role in ROLES}
ROLE_BY_GROUP = {role.group: role for role in ROLES if role.group}

# The apps whose permissions the roles use: their permissions must exist before the groups get
# them (on a new database Django only makes them after the last migration).
APPS = sorted({app_label for role in ROLES for app_label, _ in role.permissions} | {"wagtailcore"})


def ensure_roles(apps, *, strict=True):
    """Make every role's group, with its permissions; add only what is missing.

    ``apps`` is a migration's app registry or ``django.apps.apps``. Creates the permissions
    first when they do not exist yet. With ``strict``, a permission that still does not exist
    is an error; otherwise it is left out. Returns the groups by role code.
    """
    _create_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    groups = {}
    for role in ROLES:
        if role.group is None:
            continue
        group, _ = Group.objects.get_or_create(name=role.group)
        wanted = set(role.permissions)
        found = list(
            Permission.objects.filter(
                content_type__app_label__in={app for app, _ in wanted},
                codename__in={codename for _, codename in wanted},
            ).select_related("content_type")
        )
        found = [p for p in found if (p.content_type.app_label, p.codename) in wanted]
        missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
        if missing and strict:
            raise LookupError(
                f"Permissions missing for {role.group}: {sorted(missing)}; the migration that "
                "makes the roles must depend on the migrations of the apps that define them"
            )
        group.permissions.add(*found)
        _grant_page_permissions(apps, group, role.page_permissions)
        groups[role.code] = group
    return groups


def _create_permissions(apps):
    from django.contrib.auth.management import create_permissions

    for app_label in APPS:
        try:
            app_config = apps.get_app_config(app_label)
        except LookupError:
            continue
        # A migration's app configs have no models module, which create_permissions needs.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = models_module


def _grant_page_permissions(apps, group, codenames):
    if not codenames:
        return
    Page = apps.get_model("wagtailcore", "Page")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    root = Page.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return
    for permission in Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=codenames
    ):
        GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)


# The order role_of asks in: the narrowest job first (counter staff may also act for residents
# and supervisors may too, but they act as what they are).
_ASKING_ORDER = (Role.COUNTER, Role.SUPERVISOR, Role.VOLUNTEER, Role.ADMINISTRATOR, Role.EDITOR)


def role_of(user, resident=None):
    """The :class:`Role` ``user`` acts in for ``resident``, from their permissions.

    None is the portal itself; the resident themselves is ``resident``; anyone who is not staff
    is ``family`` (they act under a consent naming them); a superuser is an administrator
    (they hold every permission without that saying what they do); other staff are the first of
    counter staff, supervisor, volunteer, administrator, editor whose permission they hold.
    """
    if user is None:
        return Role.SYSTEM
    if resident is not None and user.pk == resident.pk:
        return Role.RESIDENT
    if not user.is_staff:
        return Role.FAMILY
    if user.is_superuser:
        return Role.ADMINISTRATOR
    for code in _ASKING_ORDER:
        if user.has_perm(ROLE_BY_CODE[code].marker):
            return code
    return Role.EDITOR


def role_codes(group_names):
    """The codes of the roles with these group names, in the order of ``ROLES``."""
    names = set(group_names)
    return [role.code for role in ROLES if role.group in names]
