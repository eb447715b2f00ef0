"""The few icons tiles use, as inline SVG so they cost no extra request.

Icons always sit beside a text label, so they are hidden from screen readers.
"""

from django.utils.translation import gettext_lazy as _

_PATHS = {
    "taxi": '<path d="M5 11l1.5-4.5A2 2 0 0 1 8.4 5h7.2a2 2 0 0 1 1.9 1.5L19 11"/>'
    '<rect x="3" y="11" width="18" height="6" rx="2"/><circle cx="7.5" cy="17.5" r="1.5"/>'
    '<circle cx="16.5" cy="17.5" r="1.5"/><path d="M10 5V3h4v2"/>',
    "hospital": '<rect x="4" y="3" width="16" height="18" rx="2"/><path d="M12 7v8M8 11h8"/>',
    "person": '<circle cx="12" cy="7" r="4"/><path d="M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7"/>',
    "phone": '<path d="M6.6 3h3l1.5 4.5-2 1.5a12 12 0 0 0 6 6l1.5-2 4.4 1.5v3a2 2 0 0 1-2 2'
    'A17 17 0 0 1 4.6 5a2 2 0 0 1 2-2z"/>',
    "centre": '<path d="M3 21h18M5 21V10l7-5 7 5v11"/><path d="M10 21v-6h4v6"/>',
    "info": '<circle cx="12" cy="12" r="9"/><path d="M12 11v6M12 7v.5"/>',
}

ICON_CHOICES = [
    ("taxi", _("Taxi")),
    ("hospital", _("Hospital")),
    ("person", _("Person / help")),
    ("phone", _("Phone")),
    ("centre", _("Community centre")),
    ("info", _("Information")),
]


def icon_svg(name):
    paths = _PATHS.get(name, _PATHS["info"])
    return (
        '<svg viewBox="0 0 24 24" width="48" height="48" fill="none" stroke="currentColor" '
        'stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" '
        f'focusable="false">{paths}</svg>'
    )
