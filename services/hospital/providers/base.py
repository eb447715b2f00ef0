"""The one interface every hospital booking provider implements, and how the portal picks one."""

from django.conf import settings
from django.utils.module_loading import import_string

from portal.practice.state import practising

DEFAULT_PROVIDER = "services.hospital.providers.builtin.BuiltInProvider"

# What a hospital's ``provider`` field may name; empty means the HOSPITAL_PROVIDER setting.
NAMED_PROVIDERS = {
    "builtin": "services.hospital.providers.builtin.BuiltInProvider",
    "external": "services.hospital.providers.external.ExternalProvider",
}


class ProviderError(Exception):
    """The provider could not answer (network down, timeout, an error on its side).

    Nothing was booked or cancelled there; the portal writes nothing either and asks the
    person to try again or to call.
    """


class ProviderFull(ProviderError):
    """The provider answered: there is no place left in that session."""


class BookingProvider:
    """Confirms bookings and cancellations with whoever holds a hospital's places.

    Sessions and their counts always live in the portal's database (so the portal can promise
    "never overbooked"); a provider is asked to confirm each booking and cancellation on top.
    Subclasses set ``name`` (kept on each appointment) and implement the methods below, which
    raise :class:`ProviderError` (or :class:`ProviderFull`) when they cannot do what was asked.
    """

    name = "base"

    def sync(self, department, start, end):
        """Bring ``department``'s sessions from ``start`` to ``end`` (dates) up to date.

        Returns how many sessions were added or changed.
        """
        raise NotImplementedError

    def book(self, appointment):
        """Book ``appointment`` (not saved yet); return the provider's booking id.

        Called outside any transaction, before the portal takes the place; if the portal
        then refuses, :meth:`cancel` is called with ``provider_booking_id`` set.

        Asking again with the same ``appointment.idempotency_key`` must not book twice.
        Raises :class:`ProviderFull` when the session has no place on the provider's side.
        """
        raise NotImplementedError

    def cancel(self, appointment):
        """Cancel the provider's booking ``appointment.provider_booking_id``.

        Cancelling a booking the provider no longer has is not an error.
        """
        raise NotImplementedError


def get_provider(hospital=None):
    """The provider for ``hospital``: its own choice, else the ``HOSPITAL_PROVIDER`` setting."""
    if practising():  # a practice run (portal.practice) asks no hospital: the portal's count
        return import_string(NAMED_PROVIDERS["builtin"])()
    choice = getattr(hospital, "provider", "") or ""
    path = NAMED_PROVIDERS.get(choice) or (
        getattr(settings, "HOSPITAL_PROVIDER", DEFAULT_PROVIDER) or DEFAULT_PROVIDER
    )
    return import_string(path)()
