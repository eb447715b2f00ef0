"""The embedded default's stand-in for a phone: it prints what it receives and keeps it.

Like a real phone it shows the whole text, codes included (the outbox row shows staff a
mask). What it received is kept in ``received`` (for code in the same process, such as
tests) and in the file ``CONSOLE_PHONE_INBOX`` (for ``manage.py last_message``).
"""

import collections
import json
import sys
import threading

from django.conf import settings
from django.utils import timezone

from portal.notifications.backends.base import Backend, SendResult

received = collections.deque(maxlen=1000)
_lock = threading.Lock()


class ConsoleBackend(Backend):
    name = "console"

    def _print(self, kind, message):
        text = message.text_to_send()
        sys.stdout.write(f"[{kind} to {message.recipient}] {text}\n")
        sys.stdout.flush()
        entry = {
            "to": message.recipient,
            "kind": kind,
            "text": text,
            "at": timezone.now().isoformat(),
        }
        with _lock:
            received.append(entry)
            if settings.CONSOLE_PHONE_INBOX:
                with open(settings.CONSOLE_PHONE_INBOX, "a", encoding="utf-8") as inbox:
                    inbox.write(json.dumps(entry, ensure_ascii=False) + "\n")
        return SendResult(self.name, f"console-{message.pk}", "delivered")

    def send_sms(self, message):
        return self._print("SMS", message)

    def send_call(self, message):
        return self._print("call", message)


def last_received(recipient, *, kept=None, path=None):
    """The newest entry the console phone received for ``recipient`` (E.164), or ``None``.

    Reads ``kept`` (a list of entries), else the inbox file at ``path`` (by default
    ``CONSOLE_PHONE_INBOX``).
    """
    if kept is None:
        kept = _read(path or settings.CONSOLE_PHONE_INBOX)
    for entry in reversed(list(kept)):
        if entry["to"] == recipient:
            return entry
    return None


def _read(path):
    try:
        with open(path, encoding="utf-8") as inbox:
            return [json.loads(line) for line in inbox if line.strip()]
    except (FileNotFoundError, NotADirectoryError):
        return []
