"""Calls to the hotline, walked key by key with the fake caller: the menu, a taxi by phone,
the appointment read only on a call back, a person (or an honest call-back), in both languages.
"""

import pytest

from assist.models import HelpRequest
from portal.accounts.duty import set_on_duty
from portal.audit.models import AuditEntry
from portal.notifications.models import Medium, Message, Purpose
from services.taxi.models import Ride
from tests.phone.conftest import HOTLINE
from tests.support.fake_caller import DjangoClientTransport, FakeCaller

pytestmark = pytest.mark.django_db

HOME = "愚园路 8 号"
VOLUNTEER_PHONE = "+8613900000071"
FORGED = "+8613912345678"


@pytest.fixture
def caller(client):
    return FakeCaller(DjangoClientTransport(client))


@pytest.fixture
def desk_open(at, volunteer, settings):
    """Friday 20 November 2026, 10:00: the desk is open and the volunteer (covering 静安寺街道,
    where 王阿姨 lives) is on duty with a phone."""
    settings.TAXI_PROVIDER = "tests.taxi.conftest.QuietProvider"
    volunteer.phone = VOLUNTEER_PHONE
    volunteer.save(update_fields=["phone"])
    set_on_duty(volunteer, True)
    return at(2026, 11, 20, 10, 0)


@pytest.fixture
def wang(resident):
    """王阿姨, registered, Chinese, with a home address for the taxi."""
    resident.home_address = HOME
    resident.save(update_fields=["home_address"])
    return resident


def _dial(caller, person):
    return caller.dial(from_=person.phone, to=HOTLINE)


def test_a_resident_is_greeted_by_name_and_books_a_taxi_with_two_keys(caller, wang, desk_open):
    call = _dial(caller, wang)
    assert "王阿姨" in call.heard[0]
    assert ("Polly.Zhiyu", "cmn-CN") in call.voices
    assert any("按 1" in words for words in call.just_heard)  # the menu, by key
    assert call.gather.input == ["dtmf", "speech"] and call.gather.language == "cmn-Hans-CN"
    call.press("1")
    assert any(HOME in words for words in call.just_heard)
    call.press("1")
    ride = Ride.objects.get(resident=wang)
    assert (ride.channel, ride.requested_by, ride.pickup_address) == ("phone", wang, HOME)
    booked = AuditEntry.objects.get(resident=wang, action="booked_taxi")
    assert (booked.channel, booked.actor) == ("phone", wang)
    assert call.over
    told = Message.objects.filter(recipient=wang.phone, purpose=Purpose.TAXI).latest("pk")
    assert told.medium == Medium.SMS and HOME in told.body and "热线" in told.body


def test_english_speech_picks_the_taxi_and_two_means_no(caller, wang, desk_open):
    wang.language = "en"
    wang.save(update_fields=["language"])
    call = _dial(caller, wang)
    assert call.heard[0].startswith("Hello, 王阿姨") and ("Polly.Joanna", "en-US") in call.voices
    call.say_words("I want a taxi please")
    assert any("press 1" in words for words in call.just_heard)
    call.press("2")
    assert any("No taxi was booked." in words for words in call.just_heard)
    assert not Ride.objects.exists() and not call.over  # back at the menu


def test_mandarin_speech_is_understood(caller, wang, desk_open):
    call = _dial(caller, wang)
    call.say_words("我要打车")
    assert any(HOME in words for words in call.just_heard)


def test_star_repeats_and_a_second_miss_goes_to_a_person(caller, wang, desk_open):
    call = _dial(caller, wang)
    menu = call.just_heard[1:]  # after the greeting
    call.press("*")
    assert call.just_heard == menu
    call.press("7")
    assert any("没听懂" in words for words in call.just_heard) and not call.ringing
    call.stay_silent()  # nothing at all the second time
    assert call.ringing == [VOLUNTEER_PHONE]


def test_zero_is_a_person_from_anywhere(caller, wang, desk_open):
    call = _dial(caller, wang)
    call.press("1")  # the taxi question
    call.press("0")
    assert call.ringing == [VOLUNTEER_PHONE]
    assert any("当班" in words for words in call.just_heard)  # a person on duty, whoever
    assert not Ride.objects.exists()


def test_the_appointment_is_read_only_on_a_call_to_the_registered_number(caller, wang, desk_open):
    call = _dial(caller, wang)
    call.press("2")
    assert call.over
    assert any("回电话" in words for words in call.just_heard)
    [read_out] = Message.objects.filter(medium=Medium.VOICE)
    assert read_out.recipient == wang.phone and read_out.purpose == Purpose.HOSPITAL
    assert "没有" in read_out.body  # nothing booked: said on the call back, not to this caller


def test_a_forged_caller_id_hears_no_name_and_gets_nothing_read(caller, wang, desk_open):
    call = caller.dial(from_=FORGED, to=HOTLINE)
    assert "王阿姨" not in " ".join(call.heard)
    assert call.ringing == [VOLUNTEER_PHONE]  # an unknown number goes to a person
    assert not Message.objects.filter(medium=Medium.VOICE).exists()


def test_a_resident_who_asked_goes_straight_to_a_person(caller, wang, desk_open):
    wang.phone_straight_to_person = True
    wang.save(update_fields=["phone_straight_to_person"])
    call = _dial(caller, wang)
    assert "王阿姨" in call.heard[0]
    assert call.ringing == [VOLUNTEER_PHONE] and call.gather is None


def test_a_volunteer_who_answers_ends_the_call_without_a_request(caller, wang, desk_open):
    call = _dial(caller, wang)
    call.press("0")
    call.answered_by(VOLUNTEER_PHONE)
    assert call.over and not HelpRequest.objects.exists()


def test_nobody_answering_three_rounds_opens_a_call_back_and_says_when(
    caller, wang, desk_open, counter_staff, supervisor
):
    for number, person in enumerate((counter_staff, supervisor), start=72):
        person.phone = f"+86139000000{number}"
        person.save(update_fields=["phone"])
        set_on_duty(person, True)
    call = _dial(caller, wang)
    call.press("0")
    rung = set(call.ringing)
    call.nobody_answered()
    assert call.ringing == []  # three people at most a round: nobody left for a second one
    request = HelpRequest.objects.get(resident=wang)
    assert (request.kind, request.channel) == ("call_back", "phone")
    assert rung == {VOLUNTEER_PHONE, "+8613900000072", "+8613900000073"}
    assert any("今天 10:10" in words for words in call.heard) and call.over


def test_out_of_hours_nobody_is_rung_and_the_caller_hears_when(caller, wang, desk_open, at):
    at(2026, 11, 20, 22, 0)  # Friday night; Saturday the desk opens at 9:00
    call = _dial(caller, wang)
    call.press("0")
    assert not call.ringing and call.over
    assert len([words for words in call.heard if "明天 9:00" in words]) == 2  # said twice
    assert HelpRequest.objects.get(resident=wang).channel == "phone"


def test_with_nobody_on_duty_an_unknown_caller_leaves_a_call_back(caller, desk_open, volunteer):
    set_on_duty(volunteer, False)
    call = caller.dial(from_=FORGED, to=HOTLINE)
    assert call.over and not call.ringing
    request = HelpRequest.objects.get()
    assert request.resident.phone == FORGED and request.channel == "phone"


def test_no_home_address_means_a_person_not_a_taxi(caller, resident, desk_open):
    call = _dial(caller, resident)
    call.press("1")
    assert any("地址" in words for words in call.heard)
    assert call.ringing == [VOLUNTEER_PHONE] and not Ride.objects.exists()


def test_a_call_without_twilios_signature_is_refused(client, wang):
    response = client.post("/phone/voice/", {"From": wang.phone, "CallSid": "CA1"})
    assert response.status_code == 403


@pytest.fixture
def closed_request(wang, volunteer, desk_open):
    from assist import api

    request = api.open_request(wang, kind="call_back", channel="phone")
    api.take(request, volunteer)
    api.close(request, volunteer, "done")
    return request


def _rating_call(caller, request, to):
    from assist.phone.voice import rating_call_url

    path = rating_call_url(request.reference).removeprefix("https://portal.example.cn")
    return caller.dial(from_=HOTLINE, to=to, path=path)


def test_the_follow_up_call_takes_the_rating_by_key(caller, wang, closed_request):
    from portal.ratings.models import Rating

    call = _rating_call(caller, closed_request, wang.phone)
    assert any("满意" in words for words in call.just_heard) and len(call.just_heard) == 6
    call.press("4")
    rating = Rating.objects.get(resident=wang, subject=closed_request.reference)
    assert (rating.level, rating.channel) == (4, "phone") and call.over


def test_a_poor_rating_by_key_opens_a_follow_up_for_a_supervisor(
    caller, wang, closed_request, committed
):
    call = _rating_call(caller, closed_request, wang.phone)
    committed(call.press, "1")
    assert HelpRequest.objects.filter(resident=wang, kind="follow_up").exists()
    assert any("主管" in words for words in call.heard)


def test_the_rating_call_says_nothing_to_another_number_and_silence_rates_nothing(
    caller, wang, closed_request
):
    from portal.ratings.models import Rating

    other = _rating_call(caller, closed_request, FORGED)
    assert other.over and other.heard == []
    call = _rating_call(caller, closed_request, wang.phone)
    call.stay_silent()
    call.stay_silent()
    assert call.over and not Rating.objects.exists()


@pytest.fixture
def in_english(wang):
    wang.language = "en"
    wang.save(update_fields=["language"])
    return wang


def test_in_english_the_appointment_comes_on_the_call_back(caller, in_english, desk_open):
    call = _dial(caller, in_english)
    call.say_words("my appointment")
    assert any("call you back now on your registered number" in w for w in call.heard)
    [read_out] = Message.objects.filter(medium=Medium.VOICE)
    assert read_out.language == "en" and "no hospital appointment" in read_out.body


def test_in_english_out_of_hours_the_caller_hears_when_twice(caller, in_english, desk_open, at):
    at(2026, 11, 20, 22, 0)
    call = _dial(caller, in_english)
    call.say_words("person")
    said = [w for w in call.heard if w == "A person will call you back after tomorrow 9:00."]
    assert len(said) == 2 and call.over


def test_in_english_a_person_is_rung_and_nobody_answering_leads_to_a_call_back(
    caller, in_english, desk_open
):
    call = _dial(caller, in_english)
    call.press("3")  # 3 or 0
    assert call.ringing == [VOLUNTEER_PHONE]
    call.nobody_answered()
    assert any(w.startswith("A person will call you back by today 10:10") for w in call.heard)


def test_a_confirm_twilio_posts_twice_books_one_taxi_and_writes_one_text(
    signed_post, wang, desk_open, committed
):
    confirm = {
        "CallSid": "CA" + "1" * 32,
        "From": wang.phone,
        "To": HOTLINE,
        "CallStatus": "in-progress",
        "Digits": "1",
    }
    for _ in range(2):  # Twilio posts again when the first answer was slow
        assert committed(signed_post, "/phone/voice/taxi/", confirm).status_code == 200
    assert Ride.objects.filter(resident=wang).count() == 1
    # One outbox row, not a second one cancelled as a duplicate (which two at once both pass).
    told = Message.objects.filter(recipient=wang.phone, purpose=Purpose.TAXI, body__contains="热线")
    assert told.count() == 1


def test_a_number_we_may_not_call_back_is_told_so_and_no_account_is_made(
    caller, desk_open, volunteer, django_user_model
):
    set_on_duty(volunteer, False)
    call = caller.dial(from_="+19005550100", to=HOTLINE)  # a premium-rate number
    assert any("没法给这个号码回电话" in words for words in call.heard) and call.over
    assert not django_user_model.objects.filter(phone="+19005550100").exists()
    assert not HelpRequest.objects.exists()


def test_the_first_taxi_by_phone_asks_the_data_question_and_one_key_answers_both(
    caller, wang, desk_open
):
    from portal.channels import Channel
    from portal.privacy import agreements
    from portal.privacy.models import ProcessingConsent
    from portal.privacy.models import Purpose as DataPurpose

    agreements.withdraw(wang, DataPurpose.TAXI, channel=Channel.WEB)
    call = _dial(caller, wang)
    call.press("1")
    assert any("保存您的家庭住址" in words for words in call.just_heard), call.just_heard
    call.press("1")
    assert Ride.objects.filter(resident=wang).count() == 1
    answer = ProcessingConsent.objects.filter(resident=wang).first()
    assert (answer.agreed, answer.channel, answer.recorded_by) == (True, "phone", None)


def test_two_on_the_data_question_books_nothing_and_records_no_agreement(caller, wang, desk_open):
    from portal.channels import Channel
    from portal.privacy import agreements
    from portal.privacy.models import Purpose as DataPurpose

    agreements.withdraw(wang, DataPurpose.TAXI, channel=Channel.WEB)
    call = _dial(caller, wang)
    call.press("1")
    call.press("2")
    assert not Ride.objects.filter(resident=wang).exists()
    assert not agreements.has_agreed(wang, DataPurpose.TAXI)
