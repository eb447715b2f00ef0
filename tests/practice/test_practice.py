"""Practice runs: the real taxi and hospital pages under /practice/, where nothing is kept.

Each run goes through the real views with the Django test client and then checks that no
table but the session table changed, nothing waited for a commit (dispatch, texts), and the
fake taxi company and hospital system heard nothing, while the same pages for real reach them.
"""

import re
from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client

from portal.acting import Acting
from portal.notifications.backends import memory
from services.hospital import api as hospital
from services.taxi.models import Ride
from tests.hospital.conftest import id_number
from tests.practice.conftest import MONDAY

pytestmark = pytest.mark.django_db

BANNER = (
    "This is practice: no taxi is really called and nothing is really booked, "
    "and no text message is sent."
)
SESSION_TABLE = "django_session"
TAXI = "/practice/en/taxi/"
HOSPITAL = "/practice/en/hospital/"
HOME = "静安区愚园路100弄5号"


def page(response, status=200):
    """The page's HTML, after checking it is a practice page that says so at the top."""
    assert response.status_code == status, response.status_code
    html = response.content.decode()
    assert BANNER in html
    # First in the page, below the help bar (which stays where it is on every page).
    main = html.index('<main id="main"')
    assert html.index('id="help-bar"') < main < html.index("data-practice-banner")
    assert html.index("data-practice-banner") < html.index("<h1", main)
    assert "You are practising as Li Guifang, a made-up resident" in html
    return html


def form_key(html):
    return re.search(r'name="key" value="([0-9a-f]+)"', html).group(1)


def well_done(html, real_url):
    """The end of a practice: well done, and the big button that does it for real."""
    assert "Well done" in html
    assert re.search(rf'<a class="button button-action" href="{re.escape(real_url)}">', html)
    return html


def practise_a_taxi_now(client):
    html = page(client.get(TAXI))
    return well_done(page(client.post(TAXI, {"key": form_key(html)})), "/en/taxi/")


def practise_other_choices(client):
    assert client.get(TAXI + "choose/")["Location"] == TAXI + "choose/from/"
    html = page(client.get(TAXI + "choose/from/"))
    # The made-up resident's home and saved place: the place is the same across requests.
    places = re.findall(r'name="pickup" value="([^"]+)"', html)
    assert places[0] == "home" and len(places) == 2
    steps = (
        ("from/", {"pickup": places[1]}, "to/"),
        ("to/", {"destination": "人民广场"}, "when/"),
        ("when/", {"when": "60"}, "notes/"),
        ("notes/", {"notes": "请按门铃"}, "check/"),
    )
    for step, answer, following in steps:
        response = client.post(TAXI + "choose/" + step, answer)
        assert response["Location"] == TAXI + "choose/" + following, page(response)
        page(client.get(response["Location"]))
    html = page(client.get(TAXI + "choose/check/"))
    assert "No. 8, Lane 45, Guilin Road, Xuhui District" in html and "人民广场" in html
    html = page(client.post(TAXI + "choose/check/", {"key": form_key(html)}))
    return well_done(html, "/en/taxi/")


def practise_a_hospital_booking(client, session):
    html = book_a_hospital_visit(client, session, HOSPITAL, page)
    assert "李*芳" in html  # the made-up resident's name, masked, on the slip
    return well_done(html, "/en/hospital/")


def book_a_hospital_visit(client, session, base, page):
    """The four choices, the check page and the confirm; the page that answers the confirm."""
    response = client.get(base)
    assert response["Location"] == base + "choose/hospital/"
    hospital = session.department.hospital
    for path, value in (
        ("choose/hospital/", hospital.pk),
        ("choose/department/", session.department.pk),
        ("choose/day/", MONDAY.isoformat()),
        ("choose/time/", session.pk),
    ):
        page(client.get(base + path))
        response = client.post(base + path, {"choice": value})
        assert response.status_code == 302, response.content.decode()
    assert response["Location"] == base + "check/"
    html = page(client.get(base + "check/"))
    assert "Ruijin Hospital" in html
    response = client.post(base + "confirm/", {"key": form_key(html)})
    return page(response) if response.status_code == 200 else response


def real_page(response, status=200):
    assert response.status_code == status
    html = response.content.decode()
    assert BANNER not in html
    return html


def nothing_kept(rows, before, callbacks, dispatch=None, hospital_server=None):
    """No table but the sessions' changed; nothing waited for a commit; nobody was told."""
    assert set(rows.changed(before)) <= {SESSION_TABLE}
    assert callbacks == []
    assert memory.outbox == []
    if dispatch is not None:
        assert dispatch.calls() == []
    if hospital_server is not None:
        assert hospital_server.requests == []


@pytest.fixture
def signed_in(client, resident):
    """王阿姨, signed in, with her own home address (which practice must not use)."""
    resident.home_address = HOME
    resident.save(update_fields=["home_address"])
    client.force_login(resident)
    return client


def test_every_table_is_counted(rows):
    counted = set(rows())
    for model in apps.get_models(include_auto_created=True):
        assert model._meta.db_table in counted, model


@pytest.mark.parametrize("who", ["signed out", "signed in"])
def test_calling_a_taxi_now_in_practice_keeps_and_sends_nothing(
    who, client, resident, dispatch, rows, django_capture_on_commit_callbacks, clock
):
    if who == "signed in":
        client.force_login(resident)
    before = rows()
    with django_capture_on_commit_callbacks() as callbacks:
        html = practise_a_taxi_now(client)
    assert "Your taxi" in html  # the real ride page, below the panel
    assert "called a taxi, just as you would for real" in html
    nothing_kept(rows, before, callbacks, dispatch=dispatch)
    assert not Ride.objects.exists()


def test_the_other_choices_in_practice_keep_and_send_nothing(
    client, dispatch, rows, django_capture_on_commit_callbacks, clock
):
    before = rows()
    with django_capture_on_commit_callbacks() as callbacks:
        html = practise_other_choices(client)
    assert "Your taxi" in html
    nothing_kept(rows, before, callbacks, dispatch=dispatch)


@pytest.mark.parametrize("who", ["signed out", "signed in"])
def test_booking_a_hospital_visit_in_practice_keeps_and_sends_nothing(
    who, client, resident, clinic, hospital_server, rows, django_capture_on_commit_callbacks
):
    if who == "signed in":
        client.force_login(resident)
    before = rows()
    with django_capture_on_commit_callbacks() as callbacks:
        html = practise_a_hospital_booking(client, clinic)
    assert "booked a hospital appointment, just as you would for real" in html
    assert "Ruijin Hospital" in html  # the slip, below the panel
    nothing_kept(rows, before, callbacks, hospital_server=hospital_server)
    clinic.refresh_from_db()
    assert clinic.booked == 0


def test_the_real_flows_work_afterwards_and_reach_the_outside(
    signed_in, resident, dispatch, clinic, hospital_server, django_capture_on_commit_callbacks
):
    practise_a_taxi_now(signed_in)
    practise_a_hospital_booking(signed_in, clinic)
    with django_capture_on_commit_callbacks(execute=True):
        html = signed_in.get("/en/taxi/").content.decode()
        response = signed_in.post("/en/taxi/", {"key": form_key(html)})
    ride = Ride.objects.get(resident=resident)
    assert response["Location"] == f"/en/taxi/rides/{ride.pk}/"
    assert ride.pickup_address == HOME
    assert dispatch.creates == 1
    real_page(signed_in.get(response["Location"]))
    hospital.save_identity(Acting.by_resident(resident), "王小华", id_number("31010519500101123"))
    with django_capture_on_commit_callbacks(execute=True):
        response = book_a_hospital_visit(signed_in, clinic, "/en/hospital/", real_page)
    assert response.status_code == 302
    assert [method for method, *_rest in hospital_server.requests] == ["POST"]
    clinic.refresh_from_db()
    assert clinic.booked == 1


def test_a_real_choice_in_progress_is_untouched_by_practice(signed_in, resident, dispatch, clock):
    signed_in.get("/en/taxi/choose/")
    signed_in.post("/en/taxi/choose/from/", {"pickup": "home"})
    signed_in.post("/en/taxi/choose/to/", {"destination": "外滩"})
    real = signed_in.session["taxi_choices"]
    practise_other_choices(signed_in)
    practise_a_taxi_now(signed_in)
    assert signed_in.session["taxi_choices"] == real
    # ...and the real visit goes on where it was, to a real ride.
    assert signed_in.get("/en/taxi/choose/notes/")["Location"] == "/en/taxi/choose/when/"
    signed_in.post("/en/taxi/choose/when/", {"when": "now"})
    signed_in.post("/en/taxi/choose/notes/", {"notes": ""})
    html = signed_in.get("/en/taxi/choose/check/").content.decode()
    assert "外滩" in html and BANNER not in html
    signed_in.post("/en/taxi/choose/check/", {"key": form_key(html)})
    assert Ride.objects.get(resident=resident).destination == "外滩"


def test_a_signed_in_resident_practises_as_the_made_up_resident(signed_in, dispatch, clock):
    html = page(signed_in.get(TAXI))
    assert "A taxi comes to Flat 301, No. 3, Lane 12, Xingfu Li" in html  # the made-up home...
    assert HOME not in html  # ...not hers
    # Her header still says she is signed in: "Sign out" signs her out, for real.
    assert 'action="/practice/en/signout/"' in html and "/signin/" not in html


def test_the_remember_button_is_for_a_signed_in_resident_once_it_exists(
    client, signed_in, dispatch, clock
):
    from django.urls import NoReverseMatch, reverse
    from django.utils import translation

    try:
        with translation.override("en"):
            remember = reverse("learning:remember")
    except NoReverseMatch:
        remember = None
    html = practise_a_taxi_now(signed_in)
    if remember is None:
        assert "Remember that I learned this" not in html
    else:
        # The real address (not under /practice/), with the practised topic.
        form = re.search(
            r'<form method="post" action="([^"]+)">(.*?)</form>',
            html[html.index("data-practice-done") :],
            re.S,
        )
        assert form.group(1) == remember
        assert 'name="topic" value="taxi"' in form.group(2)
        assert "Remember that I learned this" in form.group(2)
    stranger = practise_a_taxi_now(Client())
    assert "Remember that I learned this" not in stranger


def test_a_practice_ride_is_gone_afterwards(client, dispatch, clock):
    html = practise_a_taxi_now(client)
    ride_url = re.search(r'href="(/practice/en/taxi/rides/\d+/)"', html).group(1)
    html = page(client.get(ride_url), status=410)
    assert "This practice has ended" in html and 'href="/en/taxi/"' in html
    assert client.get(ride_url + "status.json").status_code == 404
    page(client.post(ride_url + "cancel/", {"answer": "yes"}), status=410)


def test_only_the_practised_services_run_under_practice(signed_in, resident):
    for path, real in (
        ("/practice/help/", "/help/"),
        ("/practice/en/", "/en/"),
        ("/practice/", "/"),
        ("/practice/my/?x=1", "/my/?x=1"),
        ("/practice//evil.example/", "/evil.example/"),
    ):
        response = signed_in.get(path)
        assert (response.status_code, response["Location"]) == (302, real)
    # A form leaves practice as it was sent: the real page answers it.
    response = signed_in.post("/practice/taxi/events/http/", {})
    assert (response.status_code, response["Location"]) == (307, "/taxi/events/http/")
    response = signed_in.post("/practice/signout/")
    assert (response.status_code, response["Location"]) == (307, "/signout/")
    assert signed_in.get("/en/taxi/").status_code == 200  # not signed out by practice


def test_forms_in_practice_need_their_csrf_token(dispatch, clock):
    browser = Client(enforce_csrf_checks=True)
    html = page(browser.get(TAXI))
    assert browser.post(TAXI, {"key": form_key(html)}).status_code == 403
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = browser.post(TAXI, {"key": form_key(html), "csrfmiddlewaretoken": token})
    well_done(page(response), "/en/taxi/")


def test_the_banner_says_it_in_chinese(client, chinese, dispatch, clock):
    chinese(BANNER, "这是练习：不会真的叫车或预约，也不会发短信。")
    chinese("End practice", "结束练习")
    html = client.get("/practice/taxi/").content.decode()
    assert "这是练习：不会真的叫车或预约，也不会发短信。" in html
    assert '<a href="/">结束练习</a>' in html
    # The language link goes to the same practice page in English.
    assert 'href="/practice/en/taxi/"' in html
    # Signed out, the header offers to sign in (the real page), never the made-up one's sign-out.
    assert "/signout/" not in html and 'href="/practice/signin/?next=' in html


def test_a_practice_appointment_is_gone_afterwards(client, clinic, hospital_server):
    html = practise_a_hospital_booking(client, clinic)
    slip = re.search(r'"(/practice/en/hospital/appointments/\d+/)cancel/"', html).group(1)
    html = page(client.get(slip), status=410)
    assert "This practice has ended" in html and 'href="/en/hospital/"' in html
    assert hospital_server.requests == []


def test_the_help_bar_kept_for_every_page_has_real_addresses(client, dispatch, clock):
    """Made first on a practice page, the help bar (kept for every page) still leads out."""
    page(client.get(TAXI))
    html = client.get("/en/").content.decode()
    assert re.search(r'class="button button-secondary help-button" href="/en/help/"', html)
    assert 'href="/practice/' not in html.replace('href="/practice/en/taxi/"', "")


def test_practice_does_not_hide_a_residents_real_start(signed_in, resident, dispatch, clock):
    """The journeys' "started" mark (in the cache) is the made-up resident's, never hers."""
    from portal.journeys.models import Step

    practise_a_taxi_now(signed_in)
    signed_in.get("/en/taxi/")
    assert Step.objects.filter(resident=resident, service="taxi", what="started").count() == 1


def test_a_first_look_keeps_no_practice_session(client, rows, dispatch, clock):
    before = rows()
    page(client.get(TAXI))
    assert rows.changed(before) == {}
    assert "practice_session" not in client.cookies
    client.get(TAXI + "choose/")  # a choice begins: now the practice has a session
    assert client.cookies["practice_session"]["path"] == "/practice/"
    assert set(rows.changed(before)) == {SESSION_TABLE}


def test_a_second_tap_on_a_practice_confirm_says_the_practice_is_over(client, clinic):
    """The first confirm's appointment was never kept: a second tap with the same key finds
    it gone (and never someone else's appointment that took its id since)."""
    book_a_hospital_visit(client, clinic, HOSPITAL, page)
    done = client.session  # the real session: it knows nothing of the practice
    assert "hospital_done" not in done
    practice = import_module(settings.SESSION_ENGINE).SessionStore(
        client.cookies["practice_session"].value
    )
    [key] = practice["hospital_done"]
    html = page(client.post(HOSPITAL + "confirm/", {"key": key}), status=410)
    assert "This practice has ended" in html


def test_practice_keeps_the_text_size_and_contrast_chosen(client, dispatch, clock):
    """The made-up resident has no display choice of their own: the person's is used."""
    client.cookies["text_size"] = "large"
    client.cookies["contrast"] = "high"
    html = page(client.get(TAXI))
    assert '<html lang="en" class="size-large contrast-high">' in html
    # And no "Mine" for the made-up resident: the banner's way out is the one.
    assert 'href="/practice/en/my/"' not in html
