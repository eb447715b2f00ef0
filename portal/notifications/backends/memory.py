import copy
import threading

from portal.notifications.backends.base import Backend, ProviderError, SendResult

# What was sent, like Django's mail.outbox. Tests clear it.
outbox = []
_failures = []
_lock = threading.Lock()


def fail_next(count=1, *, code="", permanent=False):
    """Make the next ``count`` sends raise ``ProviderError``."""
    with _lock:
        _failures.extend([(code, permanent)] * count)


def reset():
    with _lock:
        outbox.clear()
        _failures.clear()


class MemoryBackend(Backend):
    """For tests: records every send in ``outbox`` and can be told to fail."""

    name = "memory"

    def send_sms(self, message):
        with _lock:
            if _failures:
                code, permanent = _failures.pop(0)
                raise ProviderError("injected failure", code=code, permanent=permanent)
            outbox.append(copy.copy(message))  # as it was sent, whatever is recorded next
        return SendResult(self.name, f"memory-{message.pk}", "sent")

    send_call = send_sms
