"""Closing an account: asked on day 0, still open and cancellable on day 6, erased by the
nightly run on day 7; a cancelled closing never erases; afterwards nobody signs in as the
account, the audit log stays until its own time, and what remains names nobody."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core import serializers
from django.db import models
from django.test.utils import isolate_apps
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from assist import api as assist_api
from assist.models import InboundText, Kind, RequestEvent, State, TextQuestion
from portal.accounts import closing
from portal.accounts.models import AccountClosure, Enrolment, SavedPlace
from portal.acting import Acting
from portal.audit.models import AuditEntry
from portal.channels import Channel
from portal.consent import api as consent_api
from portal.consent.models import Consent, GivenVia, Scope
from portal.notifications.models import Message
from portal.notifications.retention import STILL_GOING
from portal.privacy import my_data
from portal.privacy.models import ProcessingConsent
from portal.ratings.models import Rating
from portal.retention import forget_old_records
from services.hospital import api as hospital
from services.hospital.models import Appointment, Department, Hospital, PatientIdentity, Session
from services.taxi.models import Ride, RideEvent

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
ASKED = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)
HOME = "华山路 1 号 3 楼"
NAME = "王阿姨"
EMERGENCY = "王小明"
PLACE = "长乐路 9 号"


def _when(days, minutes=0):
    moment = ASKED + datetime.timedelta(days=days, minutes=minutes)
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute)


def _id_number(body="31010519500101123"):
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(digit) * weight for digit, weight in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


def _session(department, day, capacity=10):
    return Session.objects.create(
        department=department,
        date=day,
        period="morning",
        starts_at=datetime.time(8),
        ends_at=datetime.time(11),
        capacity=capacity,
        booked=1,
    )


def _everything(resident, volunteer, neighbour, counter_staff):
    """王阿姨 with a record of each kind: some to delete, some to blank, some to cancel."""
    resident.preferred_name = NAME
    resident.first_name, resident.last_name = "华", "王"
    resident.home_address = HOME
    resident.emergency_name, resident.emergency_phone = EMERGENCY, "+8613900000999"
    resident.save()
    SavedPlace.objects.create(resident=resident, label="女儿家", address=PLACE)
    Enrolment.objects.get_or_create(
        resident=resident,
        defaults={"checked_by": counter_staff, "checked_how": Enrolment.Check.ID_CARD},
    )
    identity = hospital.save_identity(Acting.by_resident(resident), "王小华", _id_number())
    place = Hospital.objects.create(
        name="华山医院", district="静安区", address="乌鲁木齐中路 12 号"
    )
    department = Department.objects.create(hospital=place, name="内科")
    appointments = {}
    for name, day, status in (
        ("past", datetime.date(2026, 11, 2), "completed"),
        ("coming", datetime.date(2026, 12, 20), "booked"),
    ):
        appointments[name] = Appointment.objects.create(
            session=_session(department, day),
            patient=resident,
            patient_name_masked=identity.real_name_masked,
            patient_id_masked=identity.id_number_masked,
            booked_by=resident,
            channel=Channel.WEB,
            status=status,
            code=f"K7Q2M{len(appointments)}",
            idempotency_key=f"closing-{name}",
        )
    rides = {}
    for name, status in (("done", "done"), ("looking", "looking")):
        rides[name] = Ride.objects.create(
            resident=resident,
            requested_by=resident,
            channel=Channel.WEB,
            pickup_address=HOME,
            destination=PLACE,
            status=status,
            car_plate="沪A12345",
            driver_phone="+8613900000000",
            idempotency_key=f"closing-{name}",
        )
        RideEvent.objects.create(ride=rides[name], provider="sim", event_id=name, kind=status)
    request = assist_api.open_request(
        resident, kind=Kind.CALL_BACK, channel=Channel.WEB, note=f"请下午打电话到{HOME}"
    )
    RequestEvent.objects.create(
        request=request, what=RequestEvent.What.NOTE, actor=volunteer, note=f"{NAME}说儿子没来"
    )
    InboundText.objects.create(
        message_sid="SM-closing", from_number=resident.phone, body="我想叫车", resident=resident
    )
    TextQuestion.objects.create(
        resident=resident,
        what=TextQuestion.What.TAXI_NOW,
        expires_at=ASKED + datetime.timedelta(minutes=10),
    )
    Rating.objects.create(
        resident=resident,
        subject=request.reference,
        level=5,
        comment=f"{NAME}很满意",
        channel=Channel.WEB,
    )
    year = datetime.timedelta(days=365)
    given = consent_api.grant(
        resident, Scope.TAXI, grantee=volunteer, given_via=GivenVia.WEB, valid_for=year
    )
    held = consent_api.grant(
        neighbour, Scope.TAXI, grantee=resident, given_via=GivenVia.WEB, valid_for=year
    )
    return {
        "appointments": appointments,
        "rides": rides,
        "request": request,
        "given": given,
        "held": held,
    }


def _fresh(instance):
    return type(instance)._base_manager.get(pk=instance.pk)


def _ask(resident):
    return closing.ask_to_close(resident, Acting.by_resident(resident))


@pytest.fixture
def closing_resident(resident, volunteer, neighbour, counter_staff, at):
    at(*_when(0))
    records = _everything(resident, volunteer, neighbour, counter_staff)
    return resident, records


# --- Across the periods ---------------------------------------------------------------------


def test_asked_on_day_0_open_on_day_6_erased_by_the_nightly_run_on_day_7(
    closing_resident, neighbour, at
):
    resident, records = closing_resident
    phone = resident.phone
    closure = _ask(resident)
    assert closure.closes_at == ASKED + datetime.timedelta(days=7)
    assert (closure.channel, closure.asked_by) == (Channel.WEB, resident)
    told = Message.objects.filter(recipient=phone, template="notice").latest("pk")
    assert "2026" in told.body and told.related == closure
    assert AuditEntry.objects.filter(
        resident=resident, actor=resident, action="asked_to_close_account"
    ).exists()
    assert _ask(resident) == closure  # asking twice changes nothing

    at(*_when(6, 23 * 60))  # day 6, late in the evening: the nightly run leaves it alone
    assert forget_old_records()["closed accounts"] == 0
    resident.refresh_from_db()
    assert resident.is_active and resident.phone == phone and resident.home_address == HOME
    assert closing.may_cancel(closing.pending_closure(resident))
    assert SavedPlace.objects.filter(resident=resident).exists()

    at(*_when(7, 1))  # day 7, past the time the resident was told
    entries_before = AuditEntry.objects.filter(resident=resident).count()
    assert forget_old_records()["closed accounts"] == 1

    resident.refresh_from_db()
    closure.refresh_from_db()
    assert closure.closed_at is not None and closing.pending_closure(resident) is None
    assert resident.phone is None and resident.username == f"closed-{resident.pk}"
    assert (resident.preferred_name, resident.first_name, resident.last_name) == ("", "", "")
    assert (resident.home_address, resident.emergency_name, resident.emergency_phone) == (
        "",
        "",
        "",
    )
    assert not resident.is_active and not resident.has_usable_password()
    # Deleted.
    for model in (SavedPlace, Enrolment, PatientIdentity, TextQuestion, ProcessingConsent):
        assert not model.objects.filter(**_owner(model, resident)).exists(), model
    assert not InboundText.objects.filter(from_number=phone).exists()
    assert not RideEvent.objects.filter(ride__resident=resident).exists()
    assert not Consent.objects.in_force().filter(resident=resident).exists()
    # What is still on its way (the cancellations just texted) goes with the outbox's own time.
    assert all(message.status in STILL_GOING for message in Message.objects.filter(recipient=phone))
    # Cancelled, then kept blank.
    coming = _fresh(records["appointments"]["coming"])
    past = _fresh(records["appointments"]["past"])
    assert coming.status == "cancelled"
    assert {(a.patient_name_masked, a.patient_id_masked) for a in (coming, past)} == {("", "")}
    looking, done = _fresh(records["rides"]["looking"]), _fresh(records["rides"]["done"])
    assert looking.status == "cancelled" and done.status == "done"
    for ride in (looking, done):
        assert (ride.pickup_address, ride.destination, ride.car_plate, ride.driver_phone) == (
            "",
            "",
            "",
            "",
        )
    request = _fresh(records["request"])
    assert request.state == State.CLOSED and request.note == "" and request.forgotten_at
    assert not request.events.exclude(note="").exists()
    assert Rating.objects.get(resident=resident).comment == ""
    # The permission the resident held for a neighbour is withdrawn: the neighbour's log says so.
    assert _fresh(records["held"]).revoked_at is not None
    assert AuditEntry.objects.filter(resident=neighbour, action="revoked_consent").exists()
    # The audit log keeps every entry, and says the account was closed.
    assert AuditEntry.objects.filter(resident=resident).count() > entries_before
    assert AuditEntry.objects.filter(
        resident=resident, action="closed_account", actor__isnull=True
    ).exists()


def _owner(model, resident):
    field = "user" if model is PatientIdentity else "resident"
    return {field: resident}


def test_what_remains_holds_no_phone_name_or_address(closing_resident, at):
    resident, _records = closing_resident
    phone = resident.phone
    _ask(resident)
    at(*_when(7, 1))
    forget_old_records()
    remains = [resident.__class__._base_manager.filter(pk=resident.pk)]
    for label in my_data.models_naming_a_person():
        model = get_user_model()._meta.apps.get_model(label)
        relations = [
            field.name
            for field in model._meta.get_fields()
            if field.is_relation and field.concrete and field.related_model is get_user_model()
        ]
        for name in relations:
            remains.append(model._base_manager.filter(**{name: resident}))
    remains.append(Message.objects.exclude(status__in=STILL_GOING))
    text = "".join(serializers.serialize("json", rows) for rows in remains)
    for secret in (phone, NAME, HOME, PLACE, EMERGENCY, "王小华", "沪A12345"):
        assert secret not in text, secret


def test_a_cancelled_closing_never_erases(closing_resident, at):
    resident, _records = closing_resident
    closure = _ask(resident)
    at(*_when(3))
    kept = closing.cancel_closing(resident, Acting.by_resident(resident))
    assert kept == closure and kept.cancelled_at is not None
    with translation.override(resident.language):
        told = gettext("Your account stays open: it will not be closed.")
    assert told in Message.objects.filter(recipient=resident.phone).latest("pk").body
    assert AuditEntry.objects.filter(resident=resident, action="kept_account").exists()
    assert closing.cancel_closing(resident, Acting.by_resident(resident)) is None
    for days in (7, 8, 30):
        at(*_when(days, 1))
        assert forget_old_records()["closed accounts"] == 0
    resident.refresh_from_db()
    closure.refresh_from_db()
    assert resident.is_active and resident.phone and resident.home_address == HOME
    assert closure.closed_at is None
    assert SavedPlace.objects.filter(resident=resident).exists()
    # Asking again starts a new wait of its own.
    again = _ask(resident)
    assert again != closure and again.closes_at == ASKED + datetime.timedelta(days=37, minutes=1)


def test_once_due_it_can_no_longer_be_kept(closing_resident, at, client):
    resident, _records = closing_resident
    _ask(resident)
    at(*_when(7))
    with pytest.raises(closing.TooLate):
        closing.cancel_closing(resident, Acting.by_resident(resident))
    client.force_login(resident)
    html = client.get("/en/my/close/").content.decode()
    assert "can no longer be kept" in html and "/my/close/keep/" not in html


def test_nobody_signs_in_as_a_closed_account(closing_resident, at, client):
    resident, _records = closing_resident
    phone = resident.phone
    _ask(resident)
    client.force_login(resident)
    assert client.get("/my/").status_code == 200
    at(*_when(7, 1))
    forget_old_records()
    assert client.get("/my/").status_code == 302  # the session no longer holds
    assert ModelBackend().get_user(resident.pk) is None
    assert not get_user_model().objects.filter(phone=phone).exists()
    # The number signs up afresh: a new, empty account, never the closed one.
    from tests.support.phones import code_sent_to

    client.logout()
    client.post("/signin/", {"phone": phone})
    client.post("/signin/code/", {"code": code_sent_to(phone)})
    newcomer = get_user_model().objects.get(phone=phone)
    assert newcomer.pk != resident.pk
    assert not SavedPlace.objects.filter(resident=newcomer).exists()
    assert newcomer.home_address == "" and newcomer.preferred_name == ""


def test_the_audit_log_stays_until_its_own_time(closing_resident, at, settings):
    resident, _records = closing_resident
    _ask(resident)
    asked = AuditEntry.objects.get(resident=resident, action="asked_to_close_account")
    at(*_when(7, 1))
    forget_old_records()
    closed = AuditEntry.objects.get(resident=resident, action="closed_account")
    at(*_when(settings.KEEP_AUDIT_DAYS - 1))
    forget_old_records()
    assert AuditEntry.objects.filter(pk__in=[asked.pk, closed.pk]).count() == 2
    at(*_when(settings.KEEP_AUDIT_DAYS, 1))
    forget_old_records()
    assert not AuditEntry.objects.filter(pk=asked.pk).exists()
    assert AuditEntry.objects.filter(pk=closed.pk).exists()  # written on day 7: 7 days more
    at(*_when(settings.KEEP_AUDIT_DAYS + 7, 2))
    forget_old_records()
    assert not AuditEntry.objects.filter(pk=closed.pk).exists()
    assert AccountClosure.objects.filter(resident=resident, closed_at__isnull=False).exists()


def test_a_ride_under_way_postpones_the_closing_to_the_next_night(closing_resident, at):
    resident, records = closing_resident
    Ride.objects.filter(pk=records["rides"]["looking"].pk).update(status="on_trip")
    _ask(resident)
    at(*_when(7, 1))
    assert forget_old_records()["closed accounts"] == 0
    resident.refresh_from_db()
    assert not resident.is_active  # closing has begun: nobody signs in meanwhile
    assert resident.phone and closing.pending_closure(resident) is not None
    Ride.objects.filter(pk=records["rides"]["looking"].pk).update(status="done")
    at(*_when(8, 1))
    assert forget_old_records()["closed accounts"] == 1
    resident.refresh_from_db()
    assert resident.phone is None


def test_the_closing_days_are_a_setting(resident, at, settings):
    settings.ACCOUNT_CLOSING_DAYS = 14
    at(*_when(0))
    assert _ask(resident).closes_at == ASKED + datetime.timedelta(days=14)


# --- Every model that names a person has an eraser ------------------------------------------


def test_every_model_that_refers_to_a_person_has_an_eraser():
    assert closing.unerased() == [], (
        "A model with a foreign key to the user is not erased when an account closes: register "
        "an eraser for it (portal.accounts.closing.register) that deletes or blanks its rows, "
        "or names it as kept and says why."
    )


@isolate_apps("portal.privacy")
def test_a_new_model_with_a_resident_foreign_key_is_caught():
    class Walk(models.Model):
        resident = models.ForeignKey(get_user_model(), on_delete=models.CASCADE)

        class Meta:
            app_label = "privacy"

    assert closing.unerased([Walk, SavedPlace, AuditEntry]) == ["privacy.Walk"]


# --- On the website --------------------------------------------------------------------------


def _signed_in(client, resident, *, fresh=True):
    client.force_login(resident)
    if fresh:
        from portal.accounts.fresh_code import mark_fresh

        session = client.session
        request = type("Request", (), {"session": session})()
        mark_fresh(request)
        session.save()
    return client


def test_the_page_says_what_goes_what_stays_and_for_how_long(client, resident, at, settings):
    settings.KEEP_AUDIT_DAYS = 1500
    at(*_when(0))
    html = _signed_in(client, resident).get("/en/my/close/").content.decode()
    assert "we wait 7 days" in html
    assert "kept 1500 days after it was written" in html
    assert "Until " in html and "2026" in html
    assert "data-close-account" in html
    assert 'href="/en/my/close/"' in client.get("/en/my/").content.decode()


def test_asking_needs_a_fresh_code(client, resident):
    _signed_in(client, resident, fresh=False)
    response = client.post("/my/close/")
    assert response.status_code == 302 and response["Location"].startswith("/signin/confirm/")
    assert closing.pending_closure(resident) is None


def test_a_resident_asks_sees_the_date_everywhere_and_keeps_the_account(client, resident, at):
    at(*_when(0))
    _signed_in(client, resident)
    response = client.post("/en/my/close/")
    assert response.status_code == 302
    closure = closing.pending_closure(resident)
    assert closure.channel == Channel.WEB
    page = client.get("/en/my/close/").content.decode()
    assert "Your account will close on" in page and "data-closing-pending" in page
    assert 'action="/en/my/close/keep/"' in page
    mine = client.get("/en/my/").content.decode()
    assert "data-closing-notice" in mine and "Your account will close on" in mine
    kept = client.post("/en/my/close/keep/")
    assert kept["Location"] == "/en/my/close/kept/"
    assert "Your account stays open" in client.get(kept["Location"]).content.decode()
    closure.refresh_from_db()
    assert closure.cancelled_at is not None
    assert "data-closing-notice" not in client.get("/en/my/").content.decode()


def test_signing_in_while_a_closing_is_pending_says_so_first(client, resident, settings):
    from django.utils import timezone

    from portal.notifications.backends import backend_for
    from tests.support.phones import code_sent_to

    settings.SMS_BACKEND = settings.VOICE_BACKEND = (
        "portal.notifications.backends.memory.MemoryBackend"
    )
    backend_for.cache_clear()
    get_user_model().objects.filter(pk=resident.pk).update(last_login=timezone.now())
    _ask(resident)
    client.post("/signin/", {"phone": resident.phone, "next": "/taxi/"})
    response = client.post("/signin/code/", {"code": code_sent_to(resident.phone)})
    assert response["Location"] == "/my/close/?next=%2Ftaxi%2F"
    html = client.get(response["Location"]).content.decode()
    assert 'href="/taxi/"' in html and reverse("keep_account") in html
    backend_for.cache_clear()


def test_the_privacy_notice_says_how_closing_works(client, settings):
    settings.ACCOUNT_CLOSING_DAYS = 9
    settings.KEEP_AUDIT_DAYS = 1200
    html = client.get("/en/privacy/").content.decode()
    assert "If you close your account, we wait 9 days (you can change your mind)" in html
    assert "kept for 1200 days after it was written" in html


def test_the_resident_sees_their_closing_in_their_data(resident, at):
    at(*_when(0))
    _ask(resident)
    sections = {section.name: section for section in my_data.gather(resident)}
    assert sections["account_closing"].records[0]["closes_at"] == ASKED + datetime.timedelta(days=7)
