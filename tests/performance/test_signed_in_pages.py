"""The pages a signed-in resident opens most stay cheap: a bounded number of queries, none of
them a write (the session's expiry is pushed back at most once a day), and the slip's QR code
drawn once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.accounts import resident_backend
from services.hospital import api as hospital
from services.taxi.models import Status
from tests.hospital.conftest import book

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def pages(client, patient, monday, ride_in):
    """王阿姨 (signed in, with a home, a ride and an appointment): her pages, visited once."""
    patient.home_address = "静安区愚园路100弄5号"
    patient.save(update_fields=["home_address"])
    ride = ride_in(Status.ON_TRIP, resident=patient)
    appointment = book(monday, patient)
    client.force_login(patient, backend=resident_backend.PATH)  # as the phone-code sign-in
    paths = {
        "taxi home": "/taxi/",
        "my appointments": "/hospital/appointments/",
        "slip": f"/hospital/appointments/{appointment.pk}/",
        "ride": f"/taxi/rides/{ride.pk}/",
    }
    for path in paths.values():
        assert client.get(path).status_code == 200
    return paths


# At most: the session (from the database only when the cache misses it, as on Redis in
# tests) and what the page shows. The user, a yes to the data question, having no family
# permissions and the help bar are kept in the caches.
MOST_QUERIES = {"taxi home": 2, "my appointments": 2, "slip": 2, "ride": 2}


@pytest.mark.parametrize("name", MOST_QUERIES)
def test_a_signed_in_page_reads_little_and_writes_nothing(client, pages, name):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(pages[name]).status_code == 200
    sql = [query["sql"] for query in queries.captured_queries]
    assert len(sql) <= MOST_QUERIES[name], "\n".join(sql)
    assert not [statement for statement in sql if statement.lstrip().upper().startswith(WRITES)]


def test_the_slips_qr_code_is_drawn_once(client, pages, monkeypatch):
    import segno

    drawn = []
    real = segno.make
    monkeypatch.setattr(segno, "make", lambda *a, **k: drawn.append(a) or real(*a, **k))
    hospital._qr_svg.cache_clear()
    client.get(pages["slip"])
    client.get(pages["slip"])
    assert len(drawn) == 1
