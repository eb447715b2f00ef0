"""What a resident's phone received: the texts the test backends delivered, codes included.

The outbox row shows staff a mask where a code was; the phone gets the code. Tests read it
here, as a resident reads their phone.
"""

import os
import re
import tempfile
import time
from pathlib import Path

from portal.notifications.backends import console, memory

# Where the console phone of a portal served in another process (gunicorn, for the browser
# tests) writes what it received; one per test run.
SERVER_PHONE_INBOX = Path(tempfile.gettempdir()) / f"portal-phone-{os.getpid()}.jsonl"


def last_text_to(phone):
    """The newest text delivered to ``phone`` (E.164) by the memory or console backend,
    in this process or in the portal served for the browser tests."""
    _deliver_what_waits_for_the_commit(phone)
    for message in reversed(memory.outbox):
        if message.recipient == phone:
            return message.text_to_send()
    entry = console.last_received(phone, kept=console.received)
    waited = 0.0
    while entry is None and waited < 5:  # a page served by gunicorn may still be sending
        entry = console.last_received(phone, path=SERVER_PHONE_INBOX)
        if entry is None and SERVER_PHONE_INBOX.exists():
            time.sleep(0.1)
            waited += 0.1
        else:
            break
    if entry is None:
        raise AssertionError(f"{phone} received nothing")
    return entry["text"]


def code_sent_to(phone):
    """The 6-digit code in the newest text ``phone`` received."""
    return re.search(r"\d{6}", last_text_to(phone)).group()


def _deliver_what_waits_for_the_commit(phone):
    """A test's transaction never commits, so the outbox rows a request wrote are still
    queued: deliver them now, as the worker does once the request's transaction commits."""
    from django.db import connection

    from portal.notifications.delivery import deliver_now
    from portal.notifications.models import Message, Status

    if not connection.in_atomic_block:
        return
    queued = Message.objects.filter(recipient=phone, status=Status.QUEUED).order_by("id")
    for message_id in queued.values_list("id", flat=True):
        deliver_now(message_id, wait_before_retry=False)
