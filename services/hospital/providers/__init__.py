"""Booking providers: where a hospital's places really live.

The portal's own timetable (:class:`~services.hospital.providers.builtin.BuiltInProvider`,
edited in the admin) is the default; a hospital with its own booking system is asked to
confirm each booking through :class:`~services.hospital.providers.external.ExternalProvider`.
:func:`get_provider` picks one per hospital.
"""

from services.hospital.providers.base import (
    BookingProvider,
    ProviderError,
    ProviderFull,
    get_provider,
)

__all__ = ["BookingProvider", "ProviderError", "ProviderFull", "get_provider"]
