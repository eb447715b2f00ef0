"""Staff never see a live secret (issue 11, item 1): codes are masked wherever staff look,
the phone gets the code, and the secret is wiped once it is sent or has run out."""

import datetime
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from portal.audit.models import AuditEntry
from portal.notifications import api, delivery
from portal.notifications.models import SECRET_MASK, Message, Purpose, Status
from tests.support.phones import code_sent_to

pytestmark = pytest.mark.django_db

RESIDENT = "+8613800000001"
# Links in the page and in the JSON the admin menu is built from.
LINK = re.compile(r"(/admin/[\w\-/.%?=&;]*)")
# Pages that change something on GET are not links staff follow by accident, and signing out
# would end the walk.
SKIP = ("/admin/logout/",)


def _codes_asked_for(phones):
    for n, phone in enumerate(phones):
        Client(REMOTE_ADDR=f"198.51.100.{n + 1}").post("/signin/", {"phone": phone})
    return [code_sent_to(phone) for phone in phones]


def _walk_admin(client, limit=300):
    """GET every /admin/ view reachable by links from the dashboard; yield (url, html)."""
    seen, queue = set(), deque(["/admin/"])
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen or url.startswith(SKIP):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        yield url, html
        for link in LINK.findall(html):
            # Each view once: its filters and pages show the same rows' columns.
            path = urlsplit(urljoin(url, link)).path
            if path.startswith("/admin/"):
                queue.append(path)


@pytest.mark.parametrize("role", ["counter", "supervisor"])
def test_no_admin_page_a_staff_member_can_open_shows_a_sign_in_code(
    role, django_user_model, staff_login
):
    codes = _codes_asked_for([RESIDENT, "+8613900007777"])
    client = staff_login(django_user_model.objects.get(username=role))
    pages = dict(_walk_admin(client))
    assert any(url.startswith("/admin/messages/") for url in pages)  # the outbox was walked
    inspect = [url for url in pages if re.match(r"/admin/messages/inspect/\d+/", url)]
    assert inspect, "the message details were opened"
    for url, html in pages.items():
        for code in codes:
            assert code not in html, f"{role} saw a live code at {url}"
    assert SECRET_MASK in pages[inspect[0]]


def test_the_row_shows_a_mask_the_phone_gets_the_code_and_the_secret_is_wiped():
    [code] = _codes_asked_for([RESIDENT])
    message = Message.objects.get(recipient=RESIDENT)
    assert code not in message.body and SECRET_MASK in message.body
    assert message.status == Status.DELIVERED and message.secret == ""


def _queued_code(until_minutes=10):
    return api.send(
        RESIDENT,
        "sign_in_code",
        {"code": SECRET_MASK},
        purpose=Purpose.SIGN_IN_CODE,
        secret="482913",
        secret_until=timezone.now() + datetime.timedelta(minutes=until_minutes),
    )


def test_a_retry_after_a_temporary_failure_sends_the_same_code(settings):
    from portal.notifications.backends import backend_for, memory

    settings.SMS_BACKEND = "portal.notifications.backends.memory.MemoryBackend"
    backend_for.cache_clear()
    memory.fail_next(1, code="20429", permanent=False)
    message = _queued_code()
    assert delivery.deliver_now(message.pk, wait_before_retry=False) == 0
    assert Message.objects.get(pk=message.pk).secret == "482913"  # kept for the retry
    delivery.deliver_now(message.pk)
    assert "482913" in memory.outbox[-1].text_to_send()
    assert Message.objects.get(pk=message.pk).secret == ""
    backend_for.cache_clear()


def test_a_code_that_ran_out_before_it_could_go_is_never_sent(time_machine):
    message = _queued_code()
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=11))
    assert delivery.forget_expired_secrets() == 1
    delivery.deliver_now(message.pk)
    message.refresh_from_db()
    assert (message.status, message.error_code, message.secret) == (Status.CANCELLED, "expired", "")


def test_a_sign_in_code_cannot_be_sent_with_the_code_in_its_stored_text():
    with pytest.raises(ValueError, match="secret"):
        api.send(RESIDENT, "sign_in_code", {"code": "482913"}, purpose=Purpose.SIGN_IN_CODE)


def test_opening_a_messages_details_is_in_the_residents_audit_log(
    counter_staff, resident, staff_login
):
    _codes_asked_for([RESIDENT])
    message = Message.objects.get(recipient=RESIDENT)
    client = staff_login(counter_staff)
    assert client.get(f"/admin/messages/inspect/{message.pk}/").status_code == 200
    entry = AuditEntry.objects.filter(resident=resident).latest("id")
    assert (entry.action, entry.actor) == ("viewed_messages", counter_staff)
    client.force_login(resident)
    assert "窗口小李" in client.get("/my-information/").content.decode()
