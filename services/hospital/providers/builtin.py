"""The portal's own timetable: sessions are edited (or generated) in the admin, nothing to ask."""

from services.hospital.providers.base import BookingProvider


class BuiltInProvider(BookingProvider):
    """Places live only in the portal's database; the portal's own count is the answer."""

    name = "builtin"

    def sync(self, department, start, end):
        """Nothing to fetch: the admin is where these sessions are made."""
        return 0

    def book(self, appointment):
        """The portal's own count is the booking: no other system, so no booking id."""
        return ""

    def cancel(self, appointment):
        """The place goes back in the portal's database; nobody else to tell."""
