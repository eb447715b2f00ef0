"""Dispatch providers: the companies (or the people) who actually send a taxi.

The portal owns no taxis. :func:`get_provider` returns the one chosen by the ``TAXI_PROVIDER``
setting (a dotted path to a :class:`~services.taxi.providers.base.DispatchProvider` subclass).
"""

from services.taxi.providers.base import DispatchProvider, ProviderError, get_provider

__all__ = ["DispatchProvider", "ProviderError", "get_provider"]
