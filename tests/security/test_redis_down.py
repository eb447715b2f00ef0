"""Redis down is not a site down (issue 11, item 5). The "default" cache fails open (pages,
request limits), the "counters" cache raises and its callers count rows instead; sign-in
still limits guesses from the database and the outbox keeps sending."""

import pytest
from django.core.cache import caches
from django.test import Client

from portal.accounts import signin
from portal.notifications.models import Message, Status
from portal.settings import caches_for
from tests.support.phones import code_sent_to

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens there
RESIDENT = "+8613800000001"


@pytest.fixture(autouse=True)
def redis_down(settings):
    """The settings REDIS_URL gives, pointed at a closed port."""
    settings.CACHES = caches_for(CLOSED_PORT)
    settings.SIGNIN_THROTTLE_FACTOR = 0
    yield
    for cache in caches.all(initialized_only=True):
        cache.close()


@pytest.mark.parametrize("path", ["/", "/en/", "/signin/", "/services/"])
def test_resident_pages_render(path):
    response = Client().get(path, follow=True)
    assert response.status_code == 200


def test_a_resident_still_signs_in():
    client = Client()
    assert client.post("/signin/", {"phone": RESIDENT})["Location"] == "/signin/code/"
    assert client.post("/signin/code/", {"code": code_sent_to(RESIDENT)}).status_code == 302


def test_guessing_is_still_limited_by_the_database():
    client = Client()
    client.post("/signin/", {"phone": RESIDENT})
    for guess in ("000000", "111111", "222222", "333333", "444444"):
        client.post("/signin/code/", {"code": guess})
    attempt = client.session["signin"]["attempt"]
    code = code_sent_to(RESIDENT)
    assert signin.verify_code(RESIDENT, attempt, code)[0] is signin.Outcome.NEW_CODE_NEEDED


def test_asking_for_codes_is_still_limited_per_client_by_the_database(settings):
    phones = [f"+86139{n:08d}" for n in range(15)]
    for phone in phones:
        Client(REMOTE_ADDR="198.51.100.9").post("/signin/", {"phone": phone})
    sent = Message.objects.filter(recipient__in=phones).exclude(status=Status.CANCELLED)
    assert sent.count() == settings.SIGNIN_CODES_PER_CLIENT


def test_the_outbox_keeps_sending(resident):
    from portal.notifications import api
    from portal.notifications.models import Purpose

    message = api.send(resident.phone, "notice", {"text": "车到了"}, purpose=Purpose.TAXI)
    assert message.status == Status.QUEUED and message.error_code == ""
