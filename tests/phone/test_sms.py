"""SMS commands: a resident with a basic phone texts one word (or a digit answering a question)
to the portal's number, and the portal does it through the same APIs as the web."""

import datetime
import itertools
from xml.etree import ElementTree

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from assist import api as assist
from assist.models import HelpRequest, InboundText, Kind, TextQuestion
from assist.phone import sms_commands
from assist.phone.sms_commands import Command, parse
from portal.accounts.duty import on_duty_now, set_on_duty
from portal.acting import Acting
from portal.audit.models import AuditEntry
from portal.channels import Channel
from portal.notifications import api as notify
from portal.notifications.backends import backend_for, memory
from portal.notifications.models import SECRET_MASK, Message, OptOut, Purpose, Status
from portal.ratings.models import Rating
from services.taxi import api as taxi
from services.taxi.models import Ride
from tests.phone.conftest import HOTLINE
from tests.taxi.conftest import QuietProvider

pytestmark = pytest.mark.django_db

PATH = "/phone/sms/"
HOME = "静安区愚园路100弄5号"
RESIDENT = "+8613800000001"
STRANGER = "+8613900000009"
_sids = itertools.count(1)


@pytest.fixture(autouse=True)
def phones_and_taxis(settings):
    """Messages go to memory; rides to a provider that only listens."""
    settings.SMS_BACKEND = settings.VOICE_BACKEND = (
        "portal.notifications.backends.memory.MemoryBackend"
    )
    settings.TAXI_PROVIDER = "tests.taxi.conftest.QuietProvider"
    backend_for.cache_clear()
    memory.reset()
    QuietProvider.reset()
    yield
    memory.reset()
    QuietProvider.reset()
    backend_for.cache_clear()


@pytest.fixture
def friday(at):
    """Friday 20 November 2026, 10:00 in Shanghai: a working day, the desk open."""
    return at(2026, 11, 20, 10, 0)


@pytest.fixture
def english(resident):
    """王阿姨 with a home a taxi can come to, reading English (the tests read the words)."""
    resident.home_address = HOME
    resident.language = "en"
    resident.save(update_fields=["home_address", "language"])
    return resident


def new_sid():
    return f"SM{next(_sids):032d}"


def reply_of(response):
    """The text of the TwiML ``<Message>``, or "" for an empty ``<Response/>``."""
    assert response["Content-Type"].startswith("text/xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314 -- the portal answered it
    assert root.tag == "Response"
    return root.findtext("Message") or ""


@pytest.fixture
def text(signed_post, django_capture_on_commit_callbacks):
    """``text("TAXI")``: the reply to a text as Twilio posts it, signed, committed (the ride
    is dispatched and the outbox sends, as after a real request)."""

    def send(body, *, sid=None, sender=RESIDENT):
        with django_capture_on_commit_callbacks(execute=True):
            response = signed_post(
                PATH, {"MessageSid": sid or new_sid(), "From": sender, "To": HOTLINE, "Body": body}
            )
        assert response.status_code == 200
        return reply_of(response)

    return send


def sent_since(first_pk):
    return list(Message.objects.filter(pk__gt=first_pk).order_by("pk"))


def last_pk():
    return Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


# ---------------------------------------------------------------------------------------------
# Reading the commands


@pytest.mark.parametrize(
    ("body", "command", "language"),
    [
        ("打车", Command.TAXI, "zh-hans"),
        ("打车。", Command.TAXI, "zh-hans"),
        (" 打 车！", Command.TAXI, "zh-hans"),
        ("TAXI", Command.TAXI, "en"),
        ("taxi", Command.TAXI, "en"),
        ("Ｔａｘｉ！", Command.TAXI, "en"),
        ("取消", Command.CANCEL, "zh-hans"),
        ("Cancel.", Command.CANCEL, "en"),
        ("ＣＡＮＣＥＬ", Command.CANCEL, "en"),
        ("状态？", Command.STATUS, "zh-hans"),
        ("status", Command.STATUS, "en"),
        ("帮助", Command.HELP, "zh-hans"),
        ("人工", Command.HELP, "zh-hans"),
        ("HELP!", Command.HELP, "en"),
        ("退订", Command.STOP, "zh-hans"),
        ("TD", Command.STOP, "zh-hans"),
        ("ｔｄ", Command.STOP, "zh-hans"),
        ("Stop", Command.STOP, "en"),
        ("UNSUBSCRIBE", Command.STOP, "en"),
        ("订阅", Command.START, "zh-hans"),
        ("START", Command.START, "en"),
        ("hello", Command.UNKNOWN, "en"),
        ("你好", Command.UNKNOWN, "zh-hans"),
        ("打车去医院", Command.UNKNOWN, "zh-hans"),
    ],
)
def test_each_command_is_read_in_chinese_and_english_in_any_width_and_case(body, command, language):
    parsed = parse(body)
    assert (parsed.command, parsed.language) == (command, language)


@pytest.mark.parametrize(
    ("body", "digit", "rest"),
    [
        ("1", "1", ""),
        ("１", "1", ""),
        ("2。", "2", ""),
        ("4 很好", "4", "很好"),
        ("5,great", "5", "great"),
    ],
)
def test_one_digit_is_an_answer_and_what_follows_it_a_comment(body, digit, rest):
    parsed = parse(body)
    assert (parsed.command, parsed.digit, parsed.rest) == (Command.ANSWER, digit, rest)


def test_two_digits_are_not_an_answer():
    assert parse("12").command == Command.UNKNOWN


# ---------------------------------------------------------------------------------------------
# The webhook


def test_a_text_without_twilios_signature_is_refused_and_nothing_is_stored(
    signed_post, english, friday
):
    response = signed_post(
        PATH, {"MessageSid": new_sid(), "From": RESIDENT, "Body": "TAXI"}, token="forged"
    )
    assert response.status_code == 403
    assert not InboundText.objects.exists()
    assert not TextQuestion.objects.exists()


def test_the_webhook_takes_only_posts(client):
    assert client.get(PATH).status_code == 405


def test_a_text_from_something_that_is_not_a_phone_number_gets_no_reply(text, friday):
    assert text("TAXI", sender="SILVERBANK") == ""
    assert InboundText.objects.get().resident is None


def test_every_text_is_stored_once_with_what_it_was_read_as_and_the_reply(text, english, friday):
    reply = text("Status", sid="SM-status-1")
    stored = InboundText.objects.get(message_sid="SM-status-1")
    assert (stored.from_number, stored.body, stored.resident, stored.command, stored.reply) == (
        RESIDENT,
        "Status",
        english,
        Command.STATUS,
        reply,
    )


# ---------------------------------------------------------------------------------------------
# A taxi


def test_taxi_asks_first_and_1_books_one_ride_by_text_for_the_resident(text, english, friday):
    assert text("TAXI") == f"A taxi to {HOME} now? Reply 1 for yes, 2 for no."
    assert not Ride.objects.exists()

    reply = text("1")

    ride = Ride.objects.get()
    assert reply == f"Booked: a taxi to {HOME} now. Text STATUS to see where it is."
    assert (ride.resident, ride.requested_by, ride.channel, ride.acting_role) == (
        english,
        english,
        "sms",
        "resident",
    )
    assert ride.pickup_address == HOME
    assert [ride_id for ride_id, _ in QuietProvider.created] == [ride.pk]  # dispatched once
    entry = AuditEntry.objects.get(resident=english, action="booked_taxi")
    assert (entry.channel, entry.actor) == ("sms", english)


def test_the_taxi_question_is_asked_in_the_residents_language(text, resident, chinese, friday):
    resident.home_address = HOME
    resident.save(update_fields=["home_address"])
    chinese(
        "A taxi to %(address)s now? Reply 1 for yes, 2 for no.",
        "现在派出租车到%(address)s吗？是请回复1，否请回复2。",
    )
    assert text("taxi") == f"现在派出租车到{HOME}吗？是请回复1，否请回复2。"


def test_2_books_no_taxi(text, english, friday):
    text("打车")
    assert text("2") == "All right: no taxi was booked."
    assert not Ride.objects.exists()
    assert text("1").startswith("No question was waiting for that answer, so nothing was done.")
    assert not Ride.objects.exists()


def test_a_retried_webhook_changes_nothing_and_gets_the_same_reply(text, english, friday):
    question = text("TAXI", sid="SM-question")
    assert text("TAXI", sid="SM-question") == question
    assert TextQuestion.objects.count() == 1

    booked = text("1", sid="SM-yes")
    assert text("1", sid="SM-yes") == booked
    assert Ride.objects.count() == 1
    assert InboundText.objects.filter(message_sid="SM-yes").count() == 1
    assert AuditEntry.objects.filter(resident=english, action="booked_taxi").count() == 1


def test_a_second_1_books_no_second_taxi(text, english, friday):
    text("TAXI")
    text("1")
    second = text("1")
    assert Ride.objects.count() == 1
    assert second.startswith("No question was waiting for that answer, so nothing was done.")
    assert "TAXI" in second  # and what can be texted


def test_the_taxi_question_runs_out_after_30_minutes(text, english, at):
    at(2026, 11, 20, 10, 0)
    text("TAXI")
    at(2026, 11, 20, 10, 30)
    assert text("1").startswith("No question was waiting for that answer")
    assert not Ride.objects.exists()


def test_the_taxi_question_can_be_answered_until_it_runs_out(text, english, at):
    at(2026, 11, 20, 10, 0)
    text("TAXI")
    at(2026, 11, 20, 10, 29, 59)
    text("1")
    assert Ride.objects.count() == 1


def test_another_answer_to_the_taxi_question_repeats_its_choices(text, english, friday):
    text("TAXI")
    assert text("3") == "Reply 1 for yes, 2 for no."
    assert text("好的") == "Reply 1 for yes, 2 for no."
    text("1")
    assert Ride.objects.count() == 1


def test_without_a_home_address_no_question_is_asked(text, english, friday):
    english.home_address = ""
    english.save(update_fields=["home_address"])
    reply = text("TAXI")
    assert reply.startswith("We have no home address for you, so we cannot send a taxi by text.")
    assert not TextQuestion.objects.exists()


def test_a_home_address_removed_before_the_yes_books_nothing(text, english, friday):
    text("TAXI")
    english.home_address = ""
    english.save(update_fields=["home_address"])
    assert text("1").startswith("We have no home address for you")
    assert not Ride.objects.exists()


def test_with_a_ride_already_going_no_question_is_asked(text, english, friday):
    taxi.request_ride(Acting.by_resident(english), idempotency_key="web-tap")
    reply = text("TAXI")
    assert reply.startswith("You already have a taxi booked.")
    assert not TextQuestion.objects.exists()
    assert Ride.objects.count() == 1


def test_a_ride_booked_on_the_web_before_the_yes_is_not_booked_twice(text, english, friday):
    text("TAXI")
    taxi.request_ride(Acting.by_resident(english), idempotency_key="web-tap")
    assert text("1").startswith("You already have a taxi booked, so we did not book another.")
    assert Ride.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# Cancelling


def test_cancel_cancels_the_active_ride_by_text(text, english, friday):
    ride = taxi.request_ride(Acting.by_resident(english), idempotency_key="web-tap")
    assert text("取消") == "Your taxi is cancelled."
    ride.refresh_from_db()
    assert ride.status == "cancelled"
    entry = AuditEntry.objects.get(resident=english, action="cancelled_taxi")
    assert entry.channel == "sms"


def test_cancel_without_a_ride_cancels_nothing(text, english, friday):
    assert text("CANCEL") == "You have no taxi booked, so there is nothing to cancel."
    assert not AuditEntry.objects.filter(action="cancelled_taxi").exists()


def test_cancel_while_asked_about_a_taxi_says_no_to_it(text, english, friday):
    text("TAXI")
    assert text("cancel") == "All right: no taxi was booked."
    text("1")
    assert not Ride.objects.exists()


def test_a_ride_whose_trip_began_cannot_be_cancelled_by_text(text, english, friday):
    ride = taxi.request_ride(Acting.by_resident(english), idempotency_key="web-tap")
    Ride.objects.filter(pk=ride.pk).update(status="on_trip")
    assert text("CANCEL").startswith("This taxi can no longer be cancelled")
    ride.refresh_from_db()
    assert ride.status == "on_trip"


# ---------------------------------------------------------------------------------------------
# Where things are


def test_status_says_where_the_ride_is(text, english, friday):
    ride = taxi.request_ride(Acting.by_resident(english), idempotency_key="web-tap")
    assert text("STATUS") == "We have your request and are asking for a car."
    Ride.objects.filter(pk=ride.pk).update(
        status="car_found",
        car_plate="沪A12345",
        car_colour="white",
        driver_phone="+8613911112222",
        minutes_away=6,
    )
    assert text("状态") == (
        "A car is on its way to you. About 6 minutes away. Car 沪A12345, white, driver 13911112222."
    )


@pytest.fixture
def no_appointments(resident):
    from services.hospital.models import Appointment

    Appointment.objects.filter(patient=resident).delete()


@pytest.fixture
def next_visit(english, no_appointments, at):
    """王阿姨's appointment on Monday 23 November at 8:00, booked on the web."""
    from services.hospital import api as hospital
    from services.hospital.models import Department, Hospital, PatientIdentity, Session
    from tests.hospital.conftest import id_number

    at(2026, 11, 20, 9, 0)
    PatientIdentity.objects.filter(user=english).delete()
    hospital.save_identity(Acting.by_resident(english), "王小华", id_number("31010519500101123"))
    department = Department.objects.create(
        hospital=Hospital.objects.create(
            name="瑞金医院", name_en="Ruijin Hospital", district="黄浦区", address="瑞金二路197号"
        ),
        name="内科",
        name_en="Internal medicine",
    )
    session = Session.objects.create(
        department=department,
        date=datetime.date(2026, 11, 23),
        period="morning",
        starts_at=datetime.time(8, 0),
        ends_at=datetime.time(11, 30),
        capacity=5,
    )
    return hospital.book(session, Acting.by_resident(english), idempotency_key="web-visit")


def test_status_sends_the_next_visit_in_a_message_of_its_own_never_in_the_reply(
    text, english, next_visit
):
    before = last_pk()
    reply = text("STATUS")
    assert reply == (
        "To protect your health information, your next hospital appointment comes in a "
        "separate message now."
    )
    assert next_visit.code not in reply
    assert next_visit.code not in InboundText.objects.get().reply
    (message,) = sent_since(before)
    assert (message.recipient, message.purpose, message.status) == (
        RESIDENT,
        Purpose.HOSPITAL,
        Status.SENT,
    )
    assert next_visit.code in message.body and "Ruijin Hospital" in message.body


def test_status_says_honestly_when_the_next_visit_could_not_be_sent(text, english, next_visit):
    text("STOP")
    before = last_pk()
    reply = text("STATUS")
    assert reply.startswith("You asked for no messages, so we did not send")
    (message,) = sent_since(before)
    assert (message.status, message.error_code) == (Status.CANCELLED, "opted_out")
    assert memory.outbox == []


def test_status_with_no_ride_and_no_visit_says_so(text, english, no_appointments, friday):
    assert text("status") == "You have no taxi booked and no hospital appointment coming."


# ---------------------------------------------------------------------------------------------
# A person


def test_help_opens_one_call_back_request_by_text_while_people_are_on_duty(text, english, friday):
    assert on_duty_now().exists()
    reply = text("HELP")
    request = HelpRequest.objects.get(resident=english)
    assert (request.kind, request.channel, request.state) == (Kind.CALL_BACK, "sms", "waiting")
    assert reply == (
        "We have your request for a call back. The people on duty see it and will call you. "
        "Keep your phone near you."
    )
    entry = AuditEntry.objects.get(resident=english, action="opened_request")
    assert entry.channel == "sms"


def test_help_again_says_the_request_is_already_open(text, english, friday):
    text("人工")
    reply = text("帮助")
    assert reply.startswith("Your request for help is already open.")
    assert HelpRequest.objects.filter(resident=english).count() == 1


def test_help_with_nobody_on_duty_says_it_waits(text, english, friday):
    for duty in on_duty_now():
        set_on_duty(duty.person, False)
    reply = text("HELP")
    assert reply == (
        "We have your request for a call back. Nobody is on duty right now: it waits for the "
        "next person on duty. If it cannot wait, call 962 200."
    )


def test_help_out_of_hours_says_when_the_desk_opens(text, english, at):
    at(2026, 11, 20, 21, 0)  # Friday night; Saturday the desk opens at 9:00
    reply = text("HELP")
    assert reply == (
        "We have your request for a call back. The help desk is closed now. A person will call "
        "you after tomorrow 9:00. If it cannot wait, call 962 200."
    )
    assert HelpRequest.objects.filter(resident=english, channel="sms").count() == 1


def test_a_request_someone_holds_is_said_to_be_in_hand(text, english, volunteer, friday):
    request = assist.open_request(english, kind=Kind.CALL_BACK, channel=Channel.WEB)
    assist.take(request, volunteer)
    assert text("HELP") == (
        "Your request for help is already open. A person has your request and will call you. "
        "Keep your phone near you."
    )


# ---------------------------------------------------------------------------------------------
# No more messages


@pytest.mark.parametrize("word", ["STOP", "退订", "TD", "stop。"])
def test_stop_keeps_every_message_but_sign_in_codes_from_the_number(
    word, text, english, friday, django_capture_on_commit_callbacks
):
    reply = text(word)
    assert reply.startswith("Done: the portal will send you no more messages, except sign-in")
    assert OptOut.objects.get(phone=RESIDENT).source == OptOut.Source.SMS
    entry = AuditEntry.objects.get(resident=english, action="stopped_messages")
    assert entry.channel == "sms"
    with django_capture_on_commit_callbacks(execute=True):
        notice = notify.send_to_resident(
            english, lambda: "Your taxi is here.", purpose=Purpose.TAXI, urgent=True
        )
        code = notify.send(
            RESIDENT,
            "sign_in_code",
            {"code": SECRET_MASK},
            purpose=Purpose.SIGN_IN_CODE,
            secret="482913",
            secret_until=timezone.now() + datetime.timedelta(minutes=10),
        )
    notice.refresh_from_db()
    code.refresh_from_db()
    assert (notice.status, notice.error_code) == (Status.CANCELLED, "opted_out")
    assert code.status == Status.SENT
    assert [message.pk for message in memory.outbox] == [code.pk]


def test_start_undoes_stop(text, english, friday, django_capture_on_commit_callbacks):
    text("退订")
    assert text("订阅") == "Done: the portal will send you messages again."
    assert not OptOut.objects.exists()
    assert AuditEntry.objects.filter(resident=english, action="restarted_messages").exists()
    with django_capture_on_commit_callbacks(execute=True):
        notice = notify.send_to_resident(
            english, lambda: "Your taxi is here.", purpose=Purpose.TAXI, urgent=True
        )
    notice.refresh_from_db()
    assert notice.status == Status.SENT


def test_stop_from_a_number_we_do_not_know_is_kept_too(text, friday):
    text("STOP", sender=STRANGER)
    assert OptOut.objects.filter(phone=STRANGER).exists()
    assert not get_user_model().objects.filter(phone=STRANGER).exists()


# ---------------------------------------------------------------------------------------------
# Rating a closed request


@pytest.fixture
def closed(english, volunteer, friday):
    request = assist.open_request(english, kind=Kind.CALL_BACK, channel=Channel.WEB)
    assist.take(request, volunteer)
    assist.close(request, volunteer, "done")
    return request


@pytest.fixture
def asked(closed, committed):
    """The rating question, sent."""
    question = committed(sms_commands.ask_for_rating_by_sms, closed)
    assert question is not None
    return question


def test_the_rating_question_goes_through_the_outbox(closed, asked):
    (message,) = memory.outbox
    assert message.recipient == RESIDENT and message.purpose == Purpose.ASSIST
    assert "Reply 5 very satisfied" in message.body
    assert (asked.what, asked.about) == (TextQuestion.What.RATING, closed.reference)


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_a_digit_after_the_rating_question_is_the_rating(level, text, english, closed, asked):
    text(str(level))
    rating = Rating.objects.get(resident=english)
    assert (rating.subject, rating.level, rating.channel, rating.recorded_by) == (
        closed.reference,
        level,
        "sms",
        None,
    )
    assert AuditEntry.objects.get(resident=english, action="rated").channel == "sms"


def test_a_rating_of_1_opens_the_follow_up(text, english, closed, asked):
    reply = text("1 没人回电话")
    assert reply.startswith("Thank you. We are sorry: a supervisor will call you")
    assert Rating.objects.get(resident=english).comment == "没人回电话"
    follow_up = HelpRequest.objects.get(kind=Kind.FOLLOW_UP)
    assert follow_up.about == f"rating:{closed.reference}"


def test_a_good_rating_opens_no_follow_up(text, english, closed, asked):
    assert text("5") == "Thank you for your rating."
    assert not HelpRequest.objects.filter(kind=Kind.FOLLOW_UP).exists()


def test_a_digit_outside_1_to_5_asks_again(text, english, closed, asked):
    assert text("8").startswith("Reply with one number")
    assert not Rating.objects.exists()
    text("4")
    assert Rating.objects.get().level == 4


def test_a_request_rated_on_the_web_meanwhile_keeps_that_rating(text, english, closed, asked):
    from portal.ratings import api as ratings

    ratings.rate(Acting.by_resident(english), closed.reference, 5)
    assert text("1") == "This has been rated already. Thank you."
    assert Rating.objects.get().level == 5


def test_a_second_1_after_a_taxi_never_rates_an_older_question(text, english, closed, asked):
    text("TAXI")
    text("1")
    text("1")
    assert Ride.objects.count() == 1
    assert not Rating.objects.exists()


def test_the_rating_question_runs_out_after_seven_days(text, english, closed, asked, at):
    at(2026, 11, 27, 10, 0)
    assert text("5").startswith("No question was waiting")
    assert not Rating.objects.exists()


def test_no_rating_question_for_a_request_still_open(english, friday):
    request = assist.open_request(english, kind=Kind.CALL_BACK, channel=Channel.WEB)
    with pytest.raises(ValueError, match="closed"):
        sms_commands.ask_for_rating_by_sms(request)


def test_no_rating_question_when_rated_already_or_opted_out(english, closed, committed):
    notify.opt_out(RESIDENT, source=OptOut.Source.SMS)
    assert committed(sms_commands.ask_for_rating_by_sms, closed) is None
    assert not TextQuestion.objects.exists()
    assert memory.outbox == []


# ---------------------------------------------------------------------------------------------
# Anything else


def test_a_digit_with_no_question_gets_the_commands(text, english, friday):
    reply = text("1")
    assert reply == (
        "No question was waiting for that answer, so nothing was done. Text TAXI for a taxi "
        "from home, STATUS, CANCEL, HELP for a person to call you, CLASS for digital-skills "
        "classes, STOP for no more messages."
    )
    assert not Ride.objects.exists() and not Rating.objects.exists()


def test_anything_else_gets_the_commands(text, english, friday):
    assert text("what can I do?").startswith("Text TAXI for a taxi from home")
    assert "CLASS for digital-skills classes" in text("what can I do?")


# ---------------------------------------------------------------------------------------------
# A number we do not know


def test_a_number_we_do_not_know_is_told_how_to_register_and_whom_to_call(text, friday):
    reply = text("TAXI", sender=STRANGER)
    assert reply.startswith("This number is not registered with us.")
    assert "962 200" in reply
    assert not Ride.objects.exists() and not TextQuestion.objects.exists()
    assert not get_user_model().objects.filter(phone=STRANGER).exists()


def test_a_number_we_do_not_know_is_answered_in_the_language_it_wrote(text, chinese, friday):
    chinese(
        "This number is not registered with us. Text HELP and a person will call you back, "
        "or call %(hotline)s. To register, visit a community service centre.",
        "本号码尚未登记。回复“人工”会有人给您回电，或拨打%(hotline)s。登记请到社区服务中心。",
    )
    assert text("打车", sender=STRANGER).startswith("本号码尚未登记。")
    assert text("taxi", sender=STRANGER).startswith("This number is not registered")


def test_help_from_a_number_we_do_not_know_reaches_a_person(text, friday):
    reply = text("HELP", sender=STRANGER)
    stranger = get_user_model().objects.get(phone=STRANGER)
    assert (stranger.is_resident, stranger.language) == (True, "en")
    request = HelpRequest.objects.get(resident=stranger)
    assert (request.kind, request.channel) == (Kind.CALL_BACK, "sms")
    assert reply.startswith("We have your request for a call back.")


def test_help_from_a_number_the_portal_does_not_call_back_gives_the_hotline(text, friday):
    abroad = "+12025550123"
    assert text("HELP", sender=abroad) == "We cannot call this number back. Please call 962 200."
    assert not get_user_model().objects.filter(phone=abroad).exists()
    assert not HelpRequest.objects.filter(channel="sms").exists()


def test_help_from_a_staff_members_number_makes_no_resident(text, volunteer, friday):
    volunteer.phone = STRANGER
    volunteer.save(update_fields=["phone"])
    assert text("HELP", sender=STRANGER).startswith("We cannot call this number back.")
    assert get_user_model().objects.filter(phone=STRANGER).count() == 1


def test_a_number_the_portal_does_not_call_back_is_not_offered_a_call_back(text, friday):
    assert text("TAXI", sender="+12025550123") == (
        "We cannot call this number back. Please call 962 200."
    )


def test_the_first_taxi_by_text_asks_the_data_question_and_1_agrees_and_books(
    text, english, friday
):
    from portal.privacy import agreements
    from portal.privacy.models import ProcessingConsent
    from portal.privacy.models import Purpose as DataPurpose

    agreements.withdraw(english, DataPurpose.TAXI, channel=Channel.WEB)
    asked = text("TAXI")
    assert "may the portal keep your home address" in asked
    assert "If you agree and want a taxi to" in asked
    assert not Ride.objects.exists()

    text("1")

    assert Ride.objects.filter(resident=english).count() == 1
    answer = ProcessingConsent.objects.filter(resident=english).first()
    assert (answer.agreed, answer.channel, answer.version) == (True, "sms", 1)
    assert agreements.has_agreed(english, DataPurpose.TAXI)
