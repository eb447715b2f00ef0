"""我的 (mine): one page that leads a resident back to their things, from the home page and the
help bar. Each link is named as the page it opens is titled."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from portal.accounts.decorators import resident_required

# (URL name, what the page is called there): the services' and the desk's pages by URL name,
# so the accounts app imports none of them.
MINE = [
    ("taxi:rides", _("My taxi rides")),
    ("hospital:appointments", _("My hospital appointments")),
    ("assist:my_requests", _("My requests for help")),
    ("profile", _("My details")),
    ("family", _("Family members who can help me")),
    ("my_information", _("Who has seen or used your information")),
]


@resident_required
@require_GET
def mine(request):
    """Links to everything of mine: rides, appointments, requests for help, details, family."""
    links = [{"url": reverse(name), "label": label} for name, label in MINE]
    return render(request, "accounts/mine.html", {"links": links})
