"""Provider backends for SMS and voice calls, chosen by ``SMS_BACKEND`` / ``VOICE_BACKEND``.

A domestic SMS vendor (needed for mainland numbers, with an approved signature
and template) plugs in the same way: subclass ``Backend``, implement
``send_sms`` (and ``send_call`` if it places calls), raise ``ProviderError`` with
``permanent=True`` for errors a retry cannot fix, and point ``SMS_BACKEND`` at
the class. Status callbacks from such a vendor get their own small view that
calls ``portal.notifications.api.record_status``.
"""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from portal.notifications.backends.base import Backend, ProviderError, SendResult

__all__ = ["Backend", "ProviderError", "SendResult", "backend_for"]


@cache
def _load(path):
    return import_string(path)()


def backend_for(medium):
    """The configured backend instance for the medium ``"sms"`` or ``"voice"``."""
    path = settings.SMS_BACKEND if medium == "sms" else settings.VOICE_BACKEND
    return _load(path)


backend_for.cache_clear = _load.cache_clear
