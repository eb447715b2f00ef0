"""The web booking flow: four choices, check your answers, one confirm; the slip; cancelling."""

import re

import pytest
from django.contrib.auth import get_user_model

from portal.acting import Acting
from portal.consent import api as consent_api
from portal.consent.models import GivenVia, Scope
from services.hospital import api
from services.hospital.models import Appointment, Hospital, Session
from tests.hospital.conftest import MONDAY, TUESDAY, id_number

pytestmark = pytest.mark.django_db

# The conftest's clock: Friday 20 November 2026, 09:00 in Shanghai; the next week is open.
ENGLISH = "/en/hospital/"
WANG = "31010519500101123"  # the body of 王阿姨's ID number


@pytest.fixture
def hospital(ruijin, eyes, doctor, make_session, clock):
    """The conftest's 瑞金医院 (黄浦区): internal medicine on Monday morning (2 places) and
    afternoon and on Tuesday morning, 张医生 in the mornings; eyes with no free day. And
    华山医院 (静安区), so there is a choice of hospital."""
    make_session(MONDAY, "morning", capacity=2, doctor=doctor)
    make_session(MONDAY, "afternoon")
    make_session(TUESDAY, "morning", doctor=doctor)
    Hospital.objects.create(
        name="华山医院", name_en="Huashan Hospital", district="静安区", address="乌鲁木齐中路12号"
    )
    return ruijin


@pytest.fixture
def medicine(hospital, internal):
    return internal


def monday_morning(medicine):
    return Session.objects.get(department=medicine, date=MONDAY, period="morning")


@pytest.fixture
def with_identity(resident):
    api.save_identity(Acting.by_resident(resident), "王小华", id_number(WANG))
    return resident


@pytest.fixture
def signed_in(client, with_identity):
    client.force_login(with_identity)
    return client


def form_key(html):
    return re.search(r'name="key" value="([0-9a-f]+)"', html).group(1)


def walk_to_check(
    client, hospital, medicine, *, day=MONDAY, period="morning", base=ENGLISH, patient=None
):
    """The four choices; returns (the number of choices made, the check page's HTML).

    With ``patient``, a family member signed in first answers who the appointment is for."""
    choices = 0
    response = client.get(base)
    if patient is not None:
        assert response["Location"] == base + "who/"
        response = client.post(base + "who/", {"patient": patient.pk})
    assert response["Location"] == base + "choose/hospital/"
    for path, value in (
        ("choose/hospital/", hospital.pk),
        ("choose/department/", medicine.pk),
        ("choose/day/", day.isoformat()),
        (
            "choose/time/",
            Session.objects.get(department=medicine, date=day, period=period).pk,
        ),
    ):
        assert client.get(base + path).status_code == 200
        response = client.post(base + path, {"choice": value})
        choices += 1
        assert response.status_code == 302, (path, response.content.decode()[:2000])
        if response["Location"] == base + "check/":
            break
    return choices, client.get(base + "check/").content.decode()


# -- the four choices and the check page -------------------------------------------------------


def test_booking_takes_four_choices_then_shows_the_answers_to_check(signed_in, hospital, medicine):
    choices, html = walk_to_check(signed_in, hospital, medicine)
    assert choices <= 4
    for words in (
        "Ruijin Hospital",
        "Internal medicine",
        "Monday 23 November",
        "08:00 - 11:30",
        "张医生",
        "197 Ruijin Road No. 2",
        "ID card, medical insurance card",
        "王*华",
    ):
        assert words in html, words
    # every answer has its change link, and there is exactly one button that books
    for path in ("choose/hospital/", "choose/department/", "choose/day/", "choose/time/"):
        assert f'href="{ENGLISH}{path}"' in html
    assert html.count('action="/en/hospital/confirm/"') == 1
    assert not Appointment.objects.exists()  # nothing is binding before the confirm


def test_the_choice_pages_offer_what_the_api_offers(signed_in, hospital, medicine):
    signed_in.get(ENGLISH)
    html = signed_in.get(ENGLISH + "choose/hospital/").content.decode()
    assert "Ruijin Hospital" in html and "Huashan Hospital" in html
    # by district, named in the page's language
    assert html.index("Jing&#x27;an District") < html.index("Huangpu District")
    chinese = signed_in.get("/hospital/choose/hospital/").content.decode()
    assert chinese.index("静安区") < chinese.index("黄浦区")
    signed_in.post(ENGLISH + "choose/hospital/", {"choice": hospital.pk})
    html = signed_in.get(ENGLISH + "choose/department/").content.decode()
    assert "Fever, cough, high blood pressure" in html
    assert "Not sure which department?" in html and 'href="tel:' in html
    signed_in.post(ENGLISH + "choose/department/", {"choice": medicine.pk})
    html = signed_in.get(ENGLISH + "choose/day/").content.decode()
    assert html.index("Monday 23 November") < html.index("Tuesday 24 November")
    signed_in.post(ENGLISH + "choose/day/", {"choice": MONDAY.isoformat()})
    html = signed_in.get(ENGLISH + "choose/time/").content.decode()
    assert html.index("Morning, 08:00 - 11:30") < html.index("Afternoon, 13:30 - 16:30")
    assert "2 places left" in html and "5 places left" in html


def test_a_department_with_no_free_day_says_when_new_days_open(signed_in, hospital):
    hospital.release_hour = 15
    hospital.save()
    eyes = hospital.departments.get(name="眼科")
    signed_in.get(ENGLISH)
    signed_in.post(ENGLISH + "choose/hospital/", {"choice": hospital.pk})
    signed_in.post(ENGLISH + "choose/department/", {"choice": eyes.pk})
    html = signed_in.get(ENGLISH + "choose/day/").content.decode()
    assert "There are no free places in this department" in html
    assert "A new day opens every day at 15:00." in html


def test_a_choice_not_offered_is_an_error_and_nothing_moves_on(signed_in, hospital, medicine):
    signed_in.get(ENGLISH)
    response = signed_in.post(ENGLISH + "choose/hospital/", {"choice": "999999"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html and 'class="error-summary"' in html


def test_a_page_reached_too_early_goes_to_the_first_unanswered_question(signed_in, hospital):
    signed_in.get(ENGLISH)
    assert signed_in.get(ENGLISH + "choose/time/")["Location"] == ENGLISH + "choose/hospital/"
    assert signed_in.get(ENGLISH + "check/")["Location"] == ENGLISH + "choose/hospital/"


def test_changing_the_day_asks_the_time_again_and_returns_to_the_check_page(
    signed_in, hospital, medicine
):
    walk_to_check(signed_in, hospital, medicine)
    response = signed_in.post(ENGLISH + "choose/day/", {"choice": TUESDAY.isoformat()})
    assert response["Location"] == ENGLISH + "choose/time/"
    tuesday = Session.objects.get(department=medicine, date=TUESDAY)
    response = signed_in.post(ENGLISH + "choose/time/", {"choice": tuesday.pk})
    assert response["Location"] == ENGLISH + "check/"
    assert "Tuesday 24 November" in signed_in.get(ENGLISH + "check/").content.decode()


def test_the_chinese_pages_are_the_same_flow(signed_in, hospital, medicine):
    choices, html = walk_to_check(signed_in, hospital, medicine, base="/hospital/")
    assert choices == 4
    assert "瑞金医院" in html and "内科" in html and '<html lang="zh-Hans"' in html


# -- confirming ---------------------------------------------------------------------------------


def test_confirm_books_one_appointment_and_shows_the_slip(
    signed_in, with_identity, hospital, medicine, django_capture_on_commit_callbacks
):
    _, html = walk_to_check(signed_in, hospital, medicine)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(ENGLISH + "confirm/", {"key": form_key(html)})
    appointment = Appointment.objects.get()
    assert appointment.patient == with_identity and appointment.booked_by == with_identity
    assert appointment.channel == "web" and appointment.session == monday_morning(medicine)
    assert response["Location"] == f"{ENGLISH}appointments/{appointment.pk}/"
    slip = signed_in.get(response["Location"]).content.decode()
    assert "Your appointment is booked." in slip
    assert "We have sent the code by text message too." in slip  # it went (memory backend)
    assert f"{appointment.code[:4]} {appointment.code[4:]}" in slip
    assert "<svg" in slip and "Ruijin Hospital" in slip and "Monday 23 November 2026" in slip
    monday = monday_morning(medicine)
    assert monday.booked == 1


def test_booked_at_night_the_slip_says_the_code_goes_in_the_morning(
    signed_in, hospital, medicine, at, django_capture_on_commit_callbacks
):
    at(2026, 11, 20, 22, 30)  # quiet hours: the confirmation waits for 8:00
    _, html = walk_to_check(signed_in, hospital, medicine)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(ENGLISH + "confirm/", {"key": form_key(html)})
    slip = signed_in.get(response["Location"]).content.decode()
    assert "the code goes to your phone at 8:00" in slip
    assert "We have sent the code" not in slip


def test_a_double_tap_on_confirm_is_one_appointment(signed_in, hospital, medicine):
    _, html = walk_to_check(signed_in, hospital, medicine)
    key = form_key(html)
    first = signed_in.post(ENGLISH + "confirm/", {"key": key})
    second = signed_in.post(ENGLISH + "confirm/", {"key": key})
    assert first["Location"] == second["Location"]
    assert Appointment.objects.count() == 1
    assert monday_morning(medicine).booked == 1


def test_a_full_session_is_refused_with_what_to_do_instead_and_nothing_is_written(
    signed_in, hospital, medicine, neighbour, django_user_model
):
    _, html = walk_to_check(signed_in, hospital, medicine)
    # Meanwhile two other patients take the last places.
    session = monday_morning(medicine)
    for phone, body in (("+8613800000091", "31010519600101123"), ("+8613800000092", None)):
        other = django_user_model.objects.create_user(username=phone, phone=phone)
        api.save_identity(
            Acting.by_resident(other), "陈大明", id_number(body or "31010519700101123")
        )
        api.book(session, Acting.for_resident(other, other, channel="web"), idempotency_key=phone)
    response = signed_in.post(ENGLISH + "confirm/", {"key": form_key(html)})
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error:" in page
    page = page.replace("&#x27;", "'")
    assert "Sorry, this time is fully booked." in page  # the reason ...
    assert "Choose another time, or call" in page  # ... and what to do instead
    assert "Book this appointment" not in page and 'href="/en/hospital/choose/time/"' in page
    assert not Appointment.objects.filter(patient=signed_in_user(signed_in)).exists()
    assert monday_morning(medicine).booked == 2


def signed_in_user(client):
    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


def test_the_check_page_shows_a_refusal_before_the_button_is_pressed(
    signed_in, with_identity, hospital, medicine
):
    api.book(
        monday_morning(medicine),
        Acting.for_resident(with_identity, with_identity, channel="web"),
        idempotency_key="earlier",
    )
    _, html = walk_to_check(signed_in, hospital, medicine, period="afternoon")
    # Same department, same day, a second session: allowed by the quotas (2 a day)...
    assert "Book this appointment" in html
    # ... but the same session again is refused, and there is no button to press.
    signed_in.post(ENGLISH + "choose/time/", {"choice": monday_morning(medicine).pk})
    html = signed_in.get(ENGLISH + "check/").content.decode()
    assert 'class="error-summary"' in html and "Book this appointment" not in html
    assert Appointment.objects.count() == 1


# -- before the choices: sign in, real name once, who the patient is ---------------------------


def test_not_signed_in_goes_to_sign_in_and_comes_straight_back(client):
    assert client.get("/hospital/")["Location"] == "/signin/?next=/hospital/"
    assert client.get(ENGLISH)["Location"] == "/en/signin/?next=/en/hospital/"


def test_the_real_name_is_asked_once_with_translated_errors(client, resident, hospital):
    client.force_login(resident)
    assert client.get(ENGLISH)["Location"] == ENGLISH + "real-name/"
    bad = client.post(ENGLISH + "real-name/", {"real_name": "王小华", "id_number": "1234"})
    html = bad.content.decode()
    assert bad.status_code == 200 and "<title>Error:" in html
    assert "18 characters" in html
    assert api.identity_of(resident) is None
    bad_name = client.post(ENGLISH + "real-name/", {"real_name": "1", "id_number": id_number(WANG)})
    html = bad_name.content.decode()
    assert "Write the name exactly as it is on the ID card." in html
    assert re.search(r'name="real_name"[^>]*aria-invalid="true"', html)
    assert api.identity_of(resident) is None
    good = client.post(
        ENGLISH + "real-name/", {"real_name": "王小华", "id_number": id_number(WANG)}
    )
    assert good["Location"] == ENGLISH + "choose/hospital/"
    assert api.identity_of(resident).real_name_masked == "王*华"
    # Asked once: the next visit goes straight to the first choice.
    assert client.get(ENGLISH)["Location"] == ENGLISH + "choose/hospital/"
    assert client.get(ENGLISH + "real-name/")["Location"] == ENGLISH + "choose/hospital/"


@pytest.fixture
def daughter(django_user_model):
    """王阿姨's daughter, with her own account and real name."""
    member = django_user_model.objects.create_user(
        username="+8613900000055", phone="+8613900000055", preferred_name="王小美"
    )
    api.save_identity(Acting.by_resident(member), "王小美", id_number("31010519800101123"))
    return member


def test_a_family_member_with_consent_books_for_the_resident(
    client, daughter, with_identity, hospital, medicine
):
    consent = consent_api.grant(
        with_identity, Scope.HOSPITAL, grantee=daughter, given_via=GivenVia.WEB
    )
    client.force_login(daughter)
    html = client.get(ENGLISH + "who/").content.decode()
    assert "For me" in html and f"For {with_identity}" in html
    _, html = walk_to_check(client, hospital, medicine, patient=with_identity)
    assert "王*华" in html and str(with_identity) in html
    location = client.post(ENGLISH + "confirm/", {"key": form_key(html)})["Location"]
    appointment = Appointment.objects.get()
    assert (appointment.patient, appointment.booked_by) == (with_identity, daughter)
    assert appointment.consent == consent
    # Both may see the slip.
    assert client.get(location).status_code == 200
    client.force_login(with_identity)
    assert client.get(location).status_code == 200


def test_without_consent_a_family_member_cannot_choose_nor_book_for_the_resident(
    client, daughter, with_identity, hospital, medicine
):
    consent = consent_api.grant(
        with_identity, Scope.HOSPITAL, grantee=daughter, given_via=GivenVia.WEB
    )
    client.force_login(daughter)
    _, html = walk_to_check(client, hospital, medicine, patient=with_identity)
    consent_api.revoke(consent, by=with_identity, channel="web")  # she changes her mind meanwhile
    response = client.post(ENGLISH + "confirm/", {"key": form_key(html)})
    assert not Appointment.objects.exists()
    # The question comes back, saying why, and nothing chosen for her is kept.
    assert response["Location"] == ENGLISH + "who/"
    page = client.get(ENGLISH + "who/").content.decode().replace("&#x27;", "'")
    assert "<title>Error:" in page
    assert f"{with_identity} no longer allows you to book hospital appointments" in page
    assert 'href="/en/hospital/"' in page  # "Book for myself" starts again
    assert client.get(ENGLISH + "check/")["Location"] == ENGLISH + "choose/hospital/"
    assert not Appointment.objects.exists()


def test_booking_for_the_resident_is_refused_when_consent_goes_at_the_last_moment(
    client, daughter, with_identity, hospital, medicine, monkeypatch
):
    """Consent withdrawn between the page and the api call: the api's refusal, in words."""
    consent = consent_api.grant(
        with_identity, Scope.HOSPITAL, grantee=daughter, given_via=GivenVia.WEB
    )
    client.force_login(daughter)
    _, html = walk_to_check(client, hospital, medicine, patient=with_identity)
    real_book = api.book

    def book_after_withdrawal(*args, **kwargs):
        consent_api.revoke(consent, by=with_identity, channel="web")
        return real_book(*args, **kwargs)

    monkeypatch.setattr(api, "book", book_after_withdrawal)
    response = client.post(ENGLISH + "confirm/", {"key": form_key(html)})
    page = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200 and "<title>Error:" in page
    assert f"{with_identity} has not allowed you to book or cancel hospital appointments" in page
    assert not Appointment.objects.exists()


def test_a_patient_not_offered_is_refused_on_the_question(
    client, daughter, with_identity, neighbour
):
    consent_api.grant(with_identity, Scope.HOSPITAL, grantee=daughter, given_via=GivenVia.WEB)
    client.force_login(daughter)
    response = client.post(ENGLISH + "who/", {"patient": neighbour.pk})
    assert response.status_code == 200 and "<title>Error:" in response.content.decode()


# -- after booking: the slip, the list, cancelling ---------------------------------------------


@pytest.fixture
def booked(signed_in, hospital, medicine):
    _, html = walk_to_check(signed_in, hospital, medicine)
    signed_in.post(ENGLISH + "confirm/", {"key": form_key(html)})
    return Appointment.objects.get()


def test_only_the_patient_or_the_booker_sees_the_slip(client, booked, neighbour):
    client.force_login(neighbour)
    assert client.get(f"{ENGLISH}appointments/{booked.pk}/").status_code == 404
    assert client.get(f"{ENGLISH}appointments/{booked.pk}/cancel/").status_code == 404
    assert (
        client.post(f"{ENGLISH}appointments/{booked.pk}/cancel/", {"answer": "yes"}).status_code
        == 404
    )
    booked.refresh_from_db()
    assert booked.status == "booked"


def test_the_slip_prints_without_the_help_bar_and_has_no_inline_script(signed_in, booked):
    html = signed_in.get(f"{ENGLISH}appointments/{booked.pk}/").content.decode()
    assert "@media print" in html and ".help-bar" in html  # the base hides the help bar
    assert "design/print.js" in html
    assert "<script>" not in html
    assert "What to bring" in html and "Internal medicine" in html
    assert "You can cancel until 18:00 on Sunday 22 November." in html


def test_my_appointments_lists_the_booking_with_a_link_to_its_slip(signed_in, booked):
    html = signed_in.get(ENGLISH + "appointments/").content.decode()
    assert f'href="{ENGLISH}appointments/{booked.pk}/"' in html
    assert "Ruijin Hospital" in html


def test_cancel_from_the_slip_asks_once_then_cancels(signed_in, booked, medicine):
    slip = f"{ENGLISH}appointments/{booked.pk}/"
    html = signed_in.get(slip).content.decode()
    assert f'action="{slip}cancel/"' in html
    question = signed_in.post(slip + "cancel/")  # the slip's button: the question first
    assert question.status_code == 200
    assert "Are you sure you want to cancel this appointment?" in question.content.decode()
    booked.refresh_from_db()
    assert booked.status == "booked"
    unanswered = signed_in.post(slip + "cancel/", {"answer": ""})
    assert "<title>Error:" in unanswered.content.decode()
    keep = signed_in.post(slip + "cancel/", {"answer": "no"})
    assert keep["Location"] == slip
    booked.refresh_from_db()
    assert booked.status == "booked"
    done = signed_in.post(slip + "cancel/", {"answer": "yes"})
    assert done["Location"] == slip
    booked.refresh_from_db()
    assert booked.status == "cancelled"
    assert monday_morning(medicine).booked == 0
    assert "Cancel this appointment" not in signed_in.get(slip).content.decode()


def test_cancelling_too_late_is_refused_in_words(signed_in, booked, at):
    at(2026, 11, 22, 20, 0)  # Sunday evening: cancelling closed at 18:00
    slip = f"{ENGLISH}appointments/{booked.pk}/"
    response = signed_in.post(slip + "cancel/", {"answer": "yes"})
    html = response.content.decode()
    assert response.status_code == 200 and 'class="error-summary"' in html
    booked.refresh_from_db()
    assert booked.status == "booked"


def test_the_hospital_used_last_time_comes_first_on_the_next_visit(signed_in, booked):
    signed_in.get(ENGLISH)
    html = signed_in.get(ENGLISH + "choose/hospital/").content.decode()
    assert "The hospital you used last time" in html
    assert html.index("Ruijin Hospital") < html.index("Huashan Hospital")


def test_staff_have_no_booking_pages(client, volunteer, staff_login):
    staff_login(volunteer)
    assert client.get(ENGLISH).status_code == 403


# -- found in review -----------------------------------------------------------------------------


def test_the_booker_stops_seeing_the_appointment_when_the_permission_is_withdrawn(
    client, daughter, with_identity, hospital, medicine
):
    consent = consent_api.grant(
        with_identity, Scope.HOSPITAL, grantee=daughter, given_via=GivenVia.WEB
    )
    appointment = api.book(
        monday_morning(medicine),
        Acting.for_resident(with_identity, daughter, channel="web"),
        idempotency_key="by-daughter",
    )
    slip = f"{ENGLISH}appointments/{appointment.pk}/"
    client.force_login(daughter)
    assert client.get(slip).status_code == 200
    assert slip in client.get(ENGLISH + "appointments/").content.decode()

    consent_api.revoke(consent, by=with_identity, channel="web")
    assert client.get(slip).status_code == 404
    assert client.get(slip + "cancel/").status_code == 404
    assert slip not in client.get(ENGLISH + "appointments/").content.decode()
    # The patient still sees it.
    client.force_login(with_identity)
    assert client.get(slip).status_code == 200


def test_the_id_number_is_hidden_from_error_reports(client, resident, hospital, monkeypatch):
    """A crash while saving must not put the full ID number in the logs or an error email."""
    from django.views.debug import SafeExceptionReporterFilter

    def crash(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(api, "save_identity", crash)
    client.raise_request_exception = False
    client.force_login(resident)
    client.get(ENGLISH)
    number = id_number(WANG)
    response = client.post(ENGLISH + "real-name/", {"real_name": "王小华", "id_number": number})
    assert response.status_code == 500
    shown = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert shown["id_number"] != number and shown["real_name"] != "王小华"


def test_a_family_member_saving_the_real_name_is_recorded(client, daughter, resident, hospital):
    from portal.audit.models import AuditEntry

    consent = consent_api.grant(resident, Scope.HOSPITAL, grantee=daughter, given_via=GivenVia.WEB)
    client.force_login(daughter)
    client.get(ENGLISH)
    assert client.post(ENGLISH + "who/", {"patient": resident.pk})["Location"] == (
        ENGLISH + "real-name/"
    )
    response = client.post(
        ENGLISH + "real-name/", {"real_name": "王小华", "id_number": id_number(WANG)}
    )
    assert response["Location"] == ENGLISH + "choose/hospital/"
    entry = AuditEntry.objects.get(resident=resident, action="saved_identity", actor=daughter)
    assert entry.consent == consent


def test_a_hospital_closed_since_is_not_called_the_one_used_last_time(
    signed_in, with_identity, hospital, medicine
):
    api.book(
        monday_morning(medicine),
        Acting.for_resident(with_identity, with_identity, channel="web"),
        idempotency_key="at-ruijin",
    )
    hospital.active = False
    hospital.save()
    signed_in.get(ENGLISH)
    html = signed_in.get(ENGLISH + "choose/hospital/").content.decode()
    assert "Huashan Hospital" in html
    assert "The hospital you used last time" not in html


def test_the_check_page_gives_the_hospitals_own_cancel_deadline(signed_in, hospital, medicine):
    hospital.cancel_deadline_hour = 12
    hospital.save()
    _, html = walk_to_check(signed_in, hospital, medicine)
    assert "You can cancel until 12:00 on Sunday 22 November." in html
    assert "the evening before" not in html


def test_the_slip_says_how_the_code_was_sent_only_when_it_was(
    signed_in, with_identity, hospital, medicine, committed
):
    with_identity.notify_by = "voice"
    with_identity.save(update_fields=["notify_by"])
    _, html = walk_to_check(signed_in, hospital, medicine)
    slip = committed(signed_in.post, ENGLISH + "confirm/", {"key": form_key(html)})["Location"]
    page = signed_in.get(slip).content.decode()
    assert "We are calling you to read the code out." in page
    assert "by text message" not in page


def test_booked_at_night_the_check_page_offers_no_cancel_deadline_that_has_passed(
    signed_in, hospital, medicine, at
):
    at(2026, 11, 22, 22, 30)  # Sunday night, for Monday morning: cancelling closed at 18:00
    _, html = walk_to_check(signed_in, hospital, medicine)
    assert "You can cancel until" not in html
    assert "Once booked, it cannot be cancelled on the website" in html
    # quiet hours hold the text with the code: the page says when it goes
    assert "So as not to wake you, the code goes to your phone at 8:00." in html
    assert "You get a code by text message." not in html


def test_by_day_the_check_page_says_how_the_code_comes(
    signed_in, with_identity, hospital, medicine
):
    _, html = walk_to_check(signed_in, hospital, medicine)
    assert "You get a code by text message." in html
    with_identity.notify_by = "voice"
    with_identity.save(update_fields=["notify_by"])
    html = signed_in.get(ENGLISH + "check/").content.decode()
    assert "We will call you and read the code out." in html
    assert "by text message" not in html
