"""What closing an account does to learning (``portal.accounts.closing``).

Places in sessions still to come are cancelled (the first waiting moves up and is told);
then every place and everything the resident learned is deleted: none of it is needed once
the account is gone, and a place names the person. Hours a volunteer taught stay without
their name (the centre's figures). A session under way is no reason to wait: its place is
simply deleted with the rest.
"""

from contextlib import suppress

from django.db import transaction
from django.utils import timezone

from portal.accounts.closing import register
from portal.acting import Acting
from services.learning import api
from services.learning.models import Learned, Place, State, Teaching


@register(
    "learning",
    models=["learning.Place", "learning.Learned", "learning.Teaching"],
    order=40,
)
def erase_learning(resident):
    """Cancel places to come (moving others up), delete places and learned entries, and
    take the name off hours taught."""
    to_come = Place.objects.filter(
        resident=resident,
        state__in=(State.BOOKED, State.WAITING),
        session__starts_at__gt=timezone.now(),
    )
    for place in to_come:
        # It may have started meanwhile: then nobody can use the place any more.
        with suppress(api.SignUpRefused):
            api.cancel(Acting.by_portal(resident), place)
    with transaction.atomic():
        places = Place.objects.filter(resident=resident).delete()[0]
        learned = Learned.objects.filter(resident=resident).delete()[0]
        taught = Teaching.objects.filter(volunteer=resident).update(volunteer=None)
    return {
        Place._meta.label: places,
        Learned._meta.label: learned,
        Teaching._meta.label: taught,
    }
