"""我的: from the home page and the help bar, a resident finds their rides, appointments,
requests for help, details and family again, each link named as its page is titled."""

import re

import pytest

from portal.accounts.mine import MINE
from services.taxi.models import Ride

pytestmark = pytest.mark.django_db


def test_the_home_page_and_the_help_bar_lead_to_mine(client, resident):
    client.force_login(resident)
    home = client.get("/").content.decode()
    assert 'href="/my/" data-mine-link' in home
    assert home.count('href="/my/"') == 2  # the home page, and the help bar
    assert 'href="/my/"' in client.get("/hospital/appointments/").content.decode()


def test_each_link_opens_a_page_titled_as_the_link_says(client, resident):
    client.force_login(resident)
    mine = client.get("/my/").content.decode()
    links = re.findall(r'<a class="button button-action" href="([^"]+)">([^<]+)</a>', mine)
    assert len(links) == len(MINE)
    for url, label in links:
        page = client.get(url, follow=True).content.decode()
        assert f"<h1>{label}</h1>" in page, (url, label)


def test_my_taxi_rides_lists_mine_only_newest_first(client, resident, neighbour):
    rides = [(resident, "华山路 1 号"), (resident, "愚园路 8 号"), (neighbour, "别人家")]
    for who, address in rides:
        Ride.objects.create(
            resident=who, requested_by=who, pickup_address=address, idempotency_key=address
        )
    client.force_login(resident)
    html = client.get("/taxi/rides/").content.decode()
    assert html.index("愚园路 8 号") < html.index("华山路 1 号") and "别人家" not in html


def test_signed_out_mine_asks_to_sign_in(client):
    assert "/signin/" in client.get("/my/")["Location"]
