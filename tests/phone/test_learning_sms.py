"""Digital-skills classes by text: 课程 / CLASS lists the next sessions at the sender's centre
with numbers, a number signs up (a place or the waiting list, as it is then), 退课 / DROP lists
the sender's places and a number cancels one; replies in the resident's language."""

import datetime

import pytest

from assist.models import InboundText, TextQuestion
from assist.phone.sms_commands import Command, Parsed, parse
from portal.acting import Acting
from portal.audit.models import AuditEntry
from portal.notifications.backends import backend_for, memory
from portal.notifications.models import Message
from services.learning import api as learning
from services.learning.models import Place, Session
from tests.conftest import SHANGHAI
from tests.phone.conftest import HOTLINE
from tests.phone.test_sms import PATH, RESIDENT, new_sid, reply_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def phones(settings):
    """Messages go to memory."""
    settings.SMS_BACKEND = settings.VOICE_BACKEND = (
        "portal.notifications.backends.memory.MemoryBackend"
    )
    backend_for.cache_clear()
    memory.reset()
    yield
    memory.reset()
    backend_for.cache_clear()


@pytest.fixture
def friday(at):
    """Friday 20 November 2026, 10:00 in Shanghai."""
    return at(2026, 11, 20, 10, 0)


@pytest.fixture
def english(resident):
    """王阿姨, reading English (the tests read the words)."""
    resident.language = "en"
    resident.save(update_fields=["language"])
    return resident


@pytest.fixture
def text(signed_post, django_capture_on_commit_callbacks):
    """``text("CLASS")``: the reply to a text from 王阿姨's phone as Twilio posts it, signed,
    committed (the outbox sends, as after a real request)."""

    def send(body):
        with django_capture_on_commit_callbacks(execute=True):
            response = signed_post(
                PATH, {"MessageSid": new_sid(), "From": RESIDENT, "To": HOTLINE, "Body": body}
            )
        assert response.status_code == 200
        return reply_of(response)

    return send


@pytest.fixture
def make_session(resident):
    """A session at the centre serving 王阿姨's street, on Monday 23 November (the demo's own
    sessions come later, so these are listed first)."""

    def make(*, capacity=5, hour=14, topic="taxi", language="zh-hans", day=23):
        starts = datetime.datetime(2026, 11, day, hour, 0, tzinfo=SHANGHAI)
        return Session.objects.create(
            centre=resident.street.centre,
            topic=topic,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(minutes=90),
            capacity=capacity,
            language=language,
            room="201",
        )

    return make


@pytest.mark.parametrize(
    ("body", "command", "language"),
    [
        ("课程", Command.CLASS, "zh-hans"),
        ("课程。", Command.CLASS, "zh-hans"),
        ("CLASS", Command.CLASS, "en"),
        ("Classes!", Command.CLASS, "en"),
        ("退课", Command.DROP_CLASS, "zh-hans"),
        ("取消课程", Command.DROP_CLASS, "zh-hans"),
        ("drop", Command.DROP_CLASS, "en"),
        ("Cancel class", Command.DROP_CLASS, "en"),
    ],
)
def test_the_class_words_are_read_in_chinese_and_english(body, command, language):
    assert parse(body) == Parsed(command, language)


def test_class_lists_the_next_sessions_and_a_number_books_a_place(
    text, english, make_session, friday
):
    session = make_session()
    reply = text("CLASS")
    lines = reply.splitlines()
    assert lines[0].startswith("Digital-skills classes at ")
    assert lines[1] == (
        "1. Calling a taxi November 23 Monday 14:00-15:30 201 (taught in 简体中文) (5 places free)"
    )
    assert lines[-1] == "Reply with a class's number to sign up."
    assert not Place.objects.filter(session=session).exists()  # listing books nothing

    reply = text("1")

    place = Place.objects.get(session=session)
    assert (place.resident, place.state, place.channel, place.acting_role) == (
        english,
        "booked",
        "sms",
        "resident",
    )
    assert reply.startswith("Booked: you have a place. Calling a taxi")
    assert reply.endswith("If you cannot come, text DROP.")
    # The reply is the confirmation: no second text saying the same.
    assert not Message.objects.filter(recipient=RESIDENT).exists()
    entry = AuditEntry.objects.get(resident=english, action="signed_up_for_learning")
    assert (entry.channel, entry.actor) == ("sms", english)
    assert InboundText.objects.filter(command=Command.CLASS).count() == 1
    # The number answered the question: another one signs nobody up again.
    assert text("1").startswith("No question was waiting for that answer")
    assert Place.objects.filter(session=session).count() == 1


def test_a_full_session_puts_the_sender_on_the_waiting_list_and_says_so(
    text, english, neighbour, make_session, friday
):
    session = make_session(capacity=1)
    learning.sign_up(Acting.by_resident(neighbour), session)
    assert "(full, 0 on the waiting list)" in text("CLASS").splitlines()[1]
    reply = text("1")
    assert Place.objects.get(session=session, resident=english).state == "waiting"
    assert reply.startswith("The class is full: Calling a taxi")
    assert "You are number 1 on the waiting list" in reply


def test_the_list_is_told_in_chinese_to_a_chinese_reader(
    text, resident, chinese, make_session, friday
):
    make_session()
    chinese("Digital-skills classes at %(centre)s:", "%(centre)s的数字技能课程：")
    chinese("Reply with a class's number to sign up.", "报名请回复课程的序号。")
    chinese(
        "Booked: you have a place. %(session)s. If you cannot come, text DROP.",
        "报名成功，您有名额。%(session)s。如不能来，请回复“退课”。",
    )
    lines = text("课程").splitlines()
    centre = resident.street.centre.name
    assert lines[0] == f"{centre}的数字技能课程："
    assert lines[1].startswith("1. ") and "11月23日" in lines[1] and "14:00-15:30" in lines[1]
    assert "taught in" not in lines[1]  # a Chinese session, to a Chinese reader
    assert lines[-1] == "报名请回复课程的序号。"
    assert text("1").startswith("报名成功，您有名额。")


def test_a_number_outside_the_list_asks_again_and_books_nothing(
    text, english, make_session, friday
):
    session = make_session()
    text("CLASS")
    count = len(TextQuestion.objects.get(what="class").listed)
    assert text("9") == f"Reply with one number from 1 to {count}."
    assert text("classes please") == f"Reply with one number from 1 to {count}."
    assert not Place.objects.filter(session=session).exists()
    assert text("1").startswith("Booked")


def test_a_session_that_started_before_the_answer_books_nothing(text, english, make_session, at):
    at(2026, 11, 23, 13, 30)
    session = make_session()
    text("CLASS")
    at(2026, 11, 23, 14, 1)
    assert text("1").startswith("That class has started or was cancelled")
    assert not Place.objects.filter(session=session).exists()


def test_drop_lists_the_places_and_a_number_cancels_one(
    text, english, neighbour, make_session, friday
):
    full = make_session(capacity=1)
    learning.sign_up(Acting.by_resident(english), full)
    waiting = learning.sign_up(Acting.by_resident(neighbour), full)
    reply = text("DROP")
    assert reply.splitlines()[1].startswith("1. Calling a taxi") and "(has a place)" in reply
    assert reply.splitlines()[-1] == "Reply with a number to cancel that place."
    assert text("1").startswith("Cancelled: your place in Calling a taxi")
    assert Place.objects.get(session=full, resident=english).state == "cancelled"
    waiting.refresh_from_db()
    assert waiting.state == "booked"  # the first waiting moved up
    assert text("DROP") == "You have no place in a class, so there is nothing to cancel."


def test_no_sessions_at_the_centre_says_so(text, english, friday):
    Session.objects.filter(centre=english.street.centre).update(
        cancelled_at=datetime.datetime(2026, 11, 1, tzinfo=SHANGHAI)
    )
    assert text("CLASS").startswith("No digital-skills classes are coming up at ")
    assert not TextQuestion.objects.filter(what="class").exists()
