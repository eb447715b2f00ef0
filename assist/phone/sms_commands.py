"""SMS commands: what a text to the portal's number asks for, doing it, and the reply.

A resident with a basic phone texts one word, in Chinese or English: 打车 / TAXI (a taxi from
home now, after a yes-or-no question), 取消 / CANCEL (the taxi), 状态 / STATUS (the taxi, or
the next hospital visit), 帮助 / 人工 / HELP (a person calls back), 退订 / TD / STOP (no more
messages but sign-in codes) and 订阅 / START (undo that); 课程 / CLASS and 退课 / DROP (the
digital-skills classes at the sender's centre, :mod:`assist.phone.sms_classes`). A reply of
one digit answers the newest open question (:class:`assist.models.TextQuestion`): a taxi's
yes or no, a rating of a closed request for help (:func:`ask_for_rating_by_sms`), or which
class.

Everything is done through the same APIs as the web, in an acting context for the resident
with the channel "sms", so the audit log says what was done and how. :func:`answer` handles
each message once per Twilio ``MessageSid`` (:class:`assist.models.InboundText`): a retried
webhook gets the same reply and changes nothing.

Who texts is known only by the number Twilio reports. Replies go back to that same number,
so a forged sender never reads them: the real owner of the number does, and sees a taxi
question or a booking they did not ask for. Health details still never go in a reply (see
:func:`_next_visit`).
"""

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assist import api
from assist.models import InboundText, Kind, State, TextQuestion
from assist.offers import people_on_duty
from assist.opening import next_open
from assist.phone import sms_classes
from assist.phone import text_questions as questions
from assist.phone.callers import account_for, may_become_resident, resident_with
from content.hotline import hotline_number, when_words
from portal.accounts.phone import normalize_phone
from portal.acting import Acting
from portal.channels import Channel
from portal.notifications import api as notify
from portal.notifications.models import OptOut, Purpose, Status
from portal.privacy import agreements
from portal.privacy.models import Purpose as DataPurpose
from portal.ratings import api as ratings
from portal.ratings.models import POOR, Level
from services.hospital import api as hospital
from services.taxi import api as taxi

Command = InboundText.Command
What = TextQuestion.What

CHINESE = "zh-hans"
ENGLISH = "en"

# The words each command is known by (after NFKC and casefold), and the language they are in:
# the reply to a number we do not know is in that language. Twilio's own opt-out words are
# here too (STOP, UNSUBSCRIBE, END, QUIT, STOPALL; START, UNSTOP), so its list and ours agree.
WORDS = {
    "打车": (Command.TAXI, CHINESE),
    "taxi": (Command.TAXI, ENGLISH),
    "取消": (Command.CANCEL, CHINESE),
    "cancel": (Command.CANCEL, ENGLISH),
    "状态": (Command.STATUS, CHINESE),
    "status": (Command.STATUS, ENGLISH),
    "帮助": (Command.HELP, CHINESE),
    "人工": (Command.HELP, CHINESE),
    "help": (Command.HELP, ENGLISH),
    "退订": (Command.STOP, CHINESE),
    "td": (Command.STOP, CHINESE),
    "stop": (Command.STOP, ENGLISH),
    "stopall": (Command.STOP, ENGLISH),
    "unsubscribe": (Command.STOP, ENGLISH),
    "end": (Command.STOP, ENGLISH),
    "quit": (Command.STOP, ENGLISH),
    "课程": (Command.CLASS, CHINESE),
    "上课": (Command.CLASS, CHINESE),
    "class": (Command.CLASS, ENGLISH),
    "classes": (Command.CLASS, ENGLISH),
    "退课": (Command.DROP_CLASS, CHINESE),
    "取消课程": (Command.DROP_CLASS, CHINESE),
    "drop": (Command.DROP_CLASS, ENGLISH),
    "cancelclass": (Command.DROP_CLASS, ENGLISH),
    "订阅": (Command.START, CHINESE),
    "start": (Command.START, ENGLISH),
    "unstop": (Command.START, ENGLISH),
}

# One digit, then perhaps a comment ("4 很好"); "12" is not an answer.
ANSWER = re.compile(r"([0-9])(?![0-9])\W*(.*)", re.DOTALL)
TAXI_ANSWERS = {"1": True, "2": False}
# Twilio takes up to 1600 characters in one message.
LONGEST_BODY = 1600


@dataclass(frozen=True)
class Parsed:
    """What a text asks for: the command, the language its word was in (None when it says
    nothing of that), and for an answer the digit and anything written after it."""

    command: str
    language: str | None = None
    digit: str = ""
    rest: str = ""


def parse(body):
    """Read ``body`` as a command: full-width or half-width, any case, with or without the
    punctuation people add (打车。, Taxi!, ＳＴＯＰ)."""
    text = _plain(body)
    word = WORDS.get("".join(text.split()))
    if word is not None:
        return Parsed(*word)
    digit = ANSWER.fullmatch(text)
    if digit is not None:
        return Parsed(Command.ANSWER, digit=digit[1], rest=digit[2].strip())
    return Parsed(Command.UNKNOWN, language=_language_of(text))


def answer(message_sid, from_number, body):
    """The reply to one text from ``from_number`` (``""``: no reply), after doing what it asks.

    Handled once per ``message_sid``: a retried webhook with the same id returns the reply
    given the first time and does nothing else. The text, what it did and the reply commit
    together, so a failure leaves nothing half done for Twilio's retry to trip over.
    """
    body = (body or "")[:LONGEST_BODY]
    parsed = parse(body)
    with transaction.atomic():
        try:
            with transaction.atomic():
                inbound = InboundText.objects.create(
                    message_sid=message_sid,
                    from_number=(from_number or "")[:32],
                    body=body,
                    command=parsed.command,
                )
        except IntegrityError:  # this message was handled already (or is, in another worker)
            return InboundText.objects.get(message_sid=message_sid).reply
        number = _number(from_number)
        resident = resident_with(number)
        language = resident.language if resident else (parsed.language or CHINESE)
        with translation.override(language):
            resident, reply = _do(parsed, number, resident, language)
        inbound.resident = resident
        inbound.reply = reply
        inbound.save(update_fields=["resident", "reply"])
    return reply


def ask_for_rating_by_sms(help_request):
    """Ask ``help_request``'s resident how satisfied they were (好差评, 5 to 1); return the
    :class:`~assist.models.TextQuestion`, or None when nothing was asked.

    Call it once the request is closed (``ValueError`` before). The question goes through
    the outbox (their language and medium, after quiet hours); a digit they text back within
    seven days is their rating (``portal.ratings.api.rate``). Nothing is asked when the request
    is rated already or the question could not go (no phone, opted out, limits): a digit
    must never rate what the resident was not asked about.
    """
    if help_request.state != State.CLOSED:
        raise ValueError("Ask for a rating once the request is closed.")
    return ask_rating_by_sms(
        help_request.resident,
        help_request.reference,
        help_rating_question,
        purpose=Purpose.ASSIST,
        related=help_request,
    )


def help_rating_question():
    """The text asking how satisfied the resident was with the help, in the active language."""
    return _(
        "How satisfied were you with our help? Reply 5 very satisfied, 4 satisfied, "
        "3 fairly satisfied, 2 dissatisfied, 1 very dissatisfied."
    )


def ask_rating_by_sms(resident, subject, question, *, purpose, related=None):
    """Send ``resident`` ``question()`` (a function making the words in their language) asking
    how satisfied they were with ``subject`` (``ride:12``); a digit 1 to 5 they text back
    within seven days rates it. Returns the :class:`~assist.models.TextQuestion`, or None when
    the text could not go (no phone, opted out, limits) or ``subject`` is rated already.
    Registered with ``portal.ratings`` so a service can ask without knowing this channel."""
    if ratings.rating_of(resident, subject) is not None:
        return None
    with transaction.atomic():
        message = notify.send_to_resident(resident, question, purpose=purpose, related=related)
        if message is None or message.status == Status.CANCELLED:
            return None
        return questions.ask(resident, What.RATING, about=subject)


# ---------------------------------------------------------------------------------------------
# Reading the text


def _plain(body):
    text = unicodedata.normalize("NFKC", body or "").casefold()
    start, end = 0, len(text)
    while start < end and _is_padding(text[start]):
        start += 1
    while end > start and _is_padding(text[end - 1]):
        end -= 1
    return text[start:end]


def _is_padding(character):
    # Spaces, and punctuation of any script (。！？, .!?): Unicode categories P* and Z*.
    return character.isspace() or unicodedata.category(character)[0] in "PZ"


def _language_of(text):
    if any("\u4e00" <= character <= "\u9fff" for character in text):
        return CHINESE
    if any("a" <= character <= "z" for character in text):
        return ENGLISH
    return None


def _number(raw):
    try:
        return normalize_phone(raw)
    except ValidationError:
        return None


# ---------------------------------------------------------------------------------------------
# Doing it


def _do(parsed, number, resident, language):
    """Do what ``parsed`` asks; return (the resident, now perhaps known, the reply)."""
    if number is None:
        # Not a phone number (an alphanumeric sender): nobody to reply to or to act for.
        return resident, ""
    if parsed.command == Command.STOP:
        return resident, _stop(number, resident)
    if parsed.command == Command.START:
        return resident, _start(number, resident)
    if resident is None:
        if parsed.command == Command.HELP:
            resident = account_for(number, language)
            if resident is not None:
                return resident, _help(resident)
            return None, _cannot_call_back()
        return None, _stranger(number)
    handle = {
        Command.TAXI: _ask_taxi,
        Command.CANCEL: _cancel,
        Command.STATUS: _status,
        Command.HELP: _help,
        Command.CLASS: sms_classes.list_classes,
        Command.DROP_CLASS: sms_classes.list_places,
    }.get(parsed.command)
    if handle is not None:
        return resident, handle(resident)
    return resident, _answer(resident, parsed)


def _acting(resident):
    return Acting.by_resident(resident, Channel.SMS)


def _stop(number, resident):
    notify.opt_out(number, source=OptOut.Source.SMS, acting=resident and _acting(resident))
    return _(
        "Done: the portal will send you no more messages, except sign-in codes and replies "
        "to your texts. Text START to undo."
    )


def _start(number, resident):
    notify.opt_in(number, acting=resident and _acting(resident))
    return _("Done: the portal will send you messages again.")


def _stranger(number):
    if not may_become_resident(number):
        return _cannot_call_back()
    return _(
        "This number is not registered with us. Text HELP and a person will call you back, "
        "or call %(hotline)s. To register, visit a community service centre."
    ) % {"hotline": hotline_number()}


def _cannot_call_back():
    return _("We cannot call this number back. Please call %(hotline)s.") % {
        "hotline": hotline_number()
    }


# -- a taxi ------------------------------------------------------------------------------------


def _ask_taxi(resident):
    if not resident.home_address:
        return _no_home()
    if taxi.active_ride(resident) is not None:
        return _(
            "You already have a taxi booked. Text STATUS to see where it is, or CANCEL to "
            "cancel it."
        )
    questions.ask(resident, What.TAXI_NOW)
    if not agreements.has_agreed(resident, DataPurpose.TAXI):
        # The first taxi: the one question comes first, and the same reply answers both.
        return _(
            "%(question)s If you agree and want a taxi to %(address)s now, reply 1. If not, "
            "reply 2."
        ) % {
            "question": agreements.question(DataPurpose.TAXI).asks,
            "address": resident.home_address,
        }
    return _("A taxi to %(address)s now? Reply 1 for yes, 2 for no.") % {
        "address": resident.home_address
    }


def _no_home():
    return _(
        "We have no home address for you, so we cannot send a taxi by text. Text HELP and a "
        "person will call you."
    )


def _book_taxi(resident, question):
    """Book the taxi the resident said yes to; the question names the tap, so a retried or
    repeated yes books it once."""
    if not agreements.has_agreed(resident, DataPurpose.TAXI):
        agreements.record_answer(resident, DataPurpose.TAXI, True, channel=Channel.SMS)
    try:
        ride = taxi.request_ride(_acting(resident), idempotency_key=f"sms-question:{question.pk}")
    except taxi.NoPickupAddress:
        return _no_home()
    except taxi.RideAlreadyActive:
        return _(
            "You already have a taxi booked, so we did not book another. Text STATUS to see "
            "where it is."
        )
    except taxi.RideRefused as refused:
        return str(refused)
    return _("Booked: a taxi to %(address)s now. Text STATUS to see where it is.") % {
        "address": ride.pickup_address
    }


def _cancel(resident):
    ride = taxi.active_ride(resident)
    if ride is None:
        question = questions.open_question(resident)
        if (
            question is not None
            and question.what == What.TAXI_NOW
            and questions.claim(question, "2")
        ):
            return _("All right: no taxi was booked.")
        return _("You have no taxi booked, so there is nothing to cancel.")
    try:
        taxi.cancel_ride(ride, acting=_acting(resident), reason="cancelled by text message")
    except taxi.NotCancellable as refused:
        return str(refused)
    return _("Your taxi is cancelled.")


# -- where things are --------------------------------------------------------------------------


def _status(resident):
    ride = taxi.active_ride(resident)
    if ride is not None:
        return _ride_words(taxi.ride_status(ride))
    return _next_visit(resident)


def _ride_words(status):
    sentences = [status["words"], status["minutes_words"]]
    if status["car_plate"]:
        sentences.append(
            _("Car %(plate)s, %(colour)s, driver %(phone)s.")
            % {
                "plate": status["car_plate"],
                "colour": status["car_colour"],
                "phone": status["driver_phone"],
            }
        )
    return " ".join(sentence for sentence in sentences if sentence)


def _next_visit(resident):
    """The next hospital visit goes in a message of its own, through the outbox, to the
    resident's registered number, never in the reply.

    The reply would reach the same phone, but the outbox is the one road health details take
    on every channel (the hotline reads an appointment only on a call it places): it is
    written down as a hospital message, honours STOP and the limits, and goes through the SMS
    vendor the portal is set up with, not only Twilio. The reply says only that it was sent.
    """
    words = hospital.next_visit_words(resident)
    if words is None:
        return _("You have no taxi booked and no hospital appointment coming.")
    message = notify.send_to_resident(
        resident, lambda: words, purpose=Purpose.HOSPITAL, urgent=True
    )
    if message is not None and message.status != Status.CANCELLED:
        return _(
            "To protect your health information, your next hospital appointment comes in a "
            "separate message now."
        )
    if message is not None and message.error_code == "opted_out":
        return _(
            "You asked for no messages, so we did not send your next hospital appointment. "
            "Text START to get messages again."
        )
    if message is not None and message.error_code == "duplicate":
        return _("We sent you your next hospital appointment a few minutes ago.")
    return _("We could not send your next hospital appointment now. Call %(hotline)s.") % {
        "hotline": hotline_number()
    }


# -- a person ----------------------------------------------------------------------------------


def _help(resident):
    """A call-back request (or the one already open), and honestly when someone will call."""
    current = api.open_request_of(resident)
    if current is not None:
        return _("Your request for help is already open.") + " " + _when_called(current)
    request = api.open_request(resident, kind=Kind.CALL_BACK, channel=Channel.SMS)
    return _("We have your request for a call back.") + " " + _when_called(request)


def _when_called(request):
    """What happens next, as the resident's request page says it."""
    if request.state == State.HELD:
        return _("A person has your request and will call you. Keep your phone near you.")
    now = timezone.now()
    opens = next_open(now)
    hotline = {"hotline": hotline_number()}
    if opens > now:
        return _(
            "The help desk is closed now. A person will call you after %(when)s. If it cannot "
            "wait, call %(hotline)s."
        ) % {"when": when_words(opens), **hotline}
    if people_on_duty():
        return _("The people on duty see it and will call you. Keep your phone near you.")
    return (
        _(
            "Nobody is on duty right now: it waits for the next person on duty. If it cannot "
            "wait, call %(hotline)s."
        )
        % hotline
    )


# -- questions and answers ---------------------------------------------------------------------


def _answer(resident, parsed):
    """A digit (or anything not understood) from a resident: the newest open question's
    answer, a reminder of the question's choices, or the list of commands."""
    question = questions.open_question(resident)
    if question is not None and question.what in sms_classes.QUESTIONS:
        return sms_classes.answer(resident, question, parsed)
    if parsed.command != Command.ANSWER:
        if question is not None and question.what == What.TAXI_NOW:
            return _("Reply 1 for yes, 2 for no.")
        return _commands()
    if question is None:
        return _("No question was waiting for that answer, so nothing was done.") + (
            " " + _commands()
        )
    if question.what == What.TAXI_NOW:
        if parsed.digit not in TAXI_ANSWERS:
            return _("Reply 1 for yes, 2 for no.")
        if not questions.claim(question, parsed.digit):
            return _commands()
        if TAXI_ANSWERS[parsed.digit]:
            return _book_taxi(resident, question)
        return _("All right: no taxi was booked.")
    return _rate(resident, question, parsed)


def _rate(resident, question, parsed):
    if parsed.digit not in {str(level) for level in Level.values}:
        return _("Reply with one number: 5 very satisfied to 1 very dissatisfied.")
    if not questions.claim(question, parsed.digit):
        return _commands()
    level = Level(int(parsed.digit))
    try:
        ratings.rate(_acting(resident), question.about, level, parsed.rest)
    except ValidationError as refused:  # rated on the website meanwhile
        return " ".join(refused.messages)
    if level <= POOR:
        # The rating's announcement opens a follow-up due within one working day.
        return _("Thank you. We are sorry: a supervisor will call you within one working day.")
    return _("Thank you for your rating.")


def _commands():
    return _(
        "Text TAXI for a taxi from home, STATUS, CANCEL, HELP for a person to call you, "
        "CLASS for digital-skills classes, STOP for no more messages."
    )
