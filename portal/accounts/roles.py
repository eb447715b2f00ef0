"""The roles people have in the portal, as data, and how they become Django groups.

Each role has a stable ``code`` that code and audit entries may rely on; staff roles are a
Django group (``group``, the name administrators see and assign in the admin) with the
permissions listed here. Residents and family members are not groups: a resident is anyone who
signs in with their phone, a family member is a resident someone recorded as their proxy.

The groups are made by the migration ``accounts.0008_roles`` on every deployment (and again by
``seed_demo``, which only adds demo people to them). :func:`ensure_roles` only adds what is
missing, so permissions an administrator gave a group later are kept.

Code asks for a permission (``user.has_perm(SERVE_AT_COUNTER)``), never for a group's name.

Changing a role here changes no deployment by itself: add a migration that calls
:func:`ensure_roles` and depends on the migrations of every app whose permissions it gives.
"""

from dataclasses import dataclass, field

# A counter member of staff: an action they take is done "at a community centre counter".
SERVE_AT_COUNTER = "accounts.serve_at_counter"

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
DESK = (
    # Counter staff help residents who did not get a code, so they see the outbox.
    ("notifications", "view_message"),
    ("accounts", "add_enrolment"),
    # They see the live taxi rides, and type in the car when a taxi was ordered by phone.
    ("taxi", "view_ride"),
    ("taxi", "change_ride"),
)


@dataclass(frozen=True)
class Role:
    code: str
    group: str | None = None
    permissions: tuple[tuple[str, str], ...] = ()
    # Wagtail page permissions on the root of the page tree (so on every page).
    page_permissions: tuple[str, ...] = field(default=())


ROLES = (
    Role("resident"),
    Role("family"),
    Role("volunteer", "Volunteers", ADMIN),
    Role(
        "counter",
        "Counter staff",
        ADMIN + DESK + (("accounts", "serve_at_counter"),) + HOSPITAL_LOOKING,
    ),
    Role(
        "supervisor",
        "Supervisors",
        ADMIN + DESK + (("audit", "view_auditentry"),) + HOSPITAL_LOOKING,
    ),
    Role(
        "editor",
        "Editors",
        ADMIN
        + HOSPITAL_EDITING
        + (
            ("content", "add_hotline"),
            ("content", "change_hotline"),
            ("content", "add_communitycentre"),
            ("content", "change_communitycentre"),
            ("wagtail_localize", "submit_translation"),
        ),
        page_permissions=("add_page", "change_page", "publish_page"),
    ),
    Role("administrator", "Administrators", ADMIN + DESK + (("audit", "view_auditentry"),)),
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


def role_codes(group_names):
    """The codes of the roles with these group names, in the order of ``ROLES``."""
    names = set(group_names)
    return [role.code for role in ROLES if role.group in names]
