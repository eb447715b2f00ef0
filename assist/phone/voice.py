"""The hotline: Twilio Voice webhooks answering with TwiML, over the services' APIs and the desk.

A call starts at :func:`incoming` and moves on through the steps of :data:`STEPS`
(``/phone/voice/<step>/``), each a webhook Twilio posts the caller's keys or words to. The
caller is known by the number Twilio reports (``From``); caller ID can be forged, so it is
enough to greet a resident by name and to send a taxi to their own home (which they confirm,
and are told of by text), never to read out anything about their health: an appointment is
read only on a call the portal places to the registered number (:func:`_call_back_with_visit`).

Short sentences, a pause after each choice, codes and times said twice (the outbox's voice
calls do that), a real Mandarin voice, ``*`` to hear it again and 0 for a person anywhere. A
caller who is not understood is asked once more, then put through to a person. "A person"
rings those on duty a few at a time; when nobody answers, or the desk is closed, a call-back
request is opened and the caller is told honestly when someone will call.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from twilio.twiml.voice_response import VoiceResponse

from assist import api
from assist.models import Kind
from assist.offers import people_on_duty
from assist.opening import is_open, next_open
from assist.phone.callers import account_for, resident_with
from content import phone_menu as menu
from content.hotline import when_words
from portal.acting import Acting
from portal.channels import Channel
from portal.notifications import api as notify
from portal.notifications.backends.twilio import VOICES
from portal.notifications.models import Medium, Purpose
from portal.privacy import agreements
from portal.privacy.models import Purpose as DataPurpose
from portal.ratings import api as ratings
from portal.ratings.models import POOR, Level
from portal.twilio_webhooks import twilio_webhook
from services.hospital import api as hospital
from services.taxi import api as taxi

# Speech recognition languages (Twilio <Gather language>), by the resident's language.
LISTEN = {"zh-hans": "cmn-Hans-CN", "en": "en-US"}
# Ring this many people at once, each round this long; after ROUNDS, a call-back.
RING_AT_ONCE = 3
RING_SECONDS = 20
ROUNDS = 3
# Seconds of silence before a question counts as unanswered.
WAIT_FOR_KEYS = 6


@twilio_webhook
def incoming(request):
    """A call comes in: greet, then the menu (or a person at once, for those who asked)."""
    caller = _caller(request)
    with _language(caller):
        call = _Call(request, caller)
        if caller is None:
            call.say(_("Hello, this is the Silver Portal hotline for older residents."))
            return call.to_person()
        call.say(_("Hello, %(name)s. This is the Silver Portal hotline.") % {"name": caller})
        if caller.phone_straight_to_person:
            return call.to_person()
        return call.menu()


@twilio_webhook
def step(request, step):
    """One step of a call: what the caller pressed or said, answered with the next TwiML."""
    if step == "rating":
        return _rating(request)
    if step not in STEPS:
        raise Http404
    caller = _caller(request)
    with _language(caller):
        call = _Call(request, caller)
        if call.pressed == menu.PERSON_KEY and step != "dialled":
            return call.to_person()
        return STEPS[step](call)


def _caller(request):
    """The registered resident calling (by the number Twilio reports), or None."""
    return resident_with(request.POST.get("From", ""))


def _language(caller):
    return translation.override(caller.language if caller else "zh-hans")


class _Call:
    """The TwiML answer being written for one webhook of a call, and what the caller did."""

    def __init__(self, request, caller):
        self.request = request
        self.caller = caller
        self.response = VoiceResponse()
        self.pressed = request.POST.get("Digits", "").strip()
        self.heard = request.POST.get("SpeechResult", "").strip()
        self.tries = int(request.GET.get("tries", "0") or 0)
        language = translation.get_language()
        self.voice, self.voice_language = VOICES.get(language, VOICES["zh-hans"])
        self.listen = LISTEN.get(language, LISTEN["zh-hans"])

    # -- writing TwiML ---------------------------------------------------------------------

    def say(self, words, into=None):
        (into or self.response).say(str(words), voice=self.voice, language=self.voice_language)

    def ask(self, step, sentences, *, speech=True, **query):
        """Ask a question: the sentences inside a <Gather> posting to ``step``; an answer of
        silence posts there too (so it is handled like a key nobody understood)."""
        gather = self.response.gather(
            input="dtmf speech" if speech else "dtmf",
            num_digits=1,
            action=_url(step, **query),
            timeout=WAIT_FOR_KEYS,
            action_on_empty_result=True,
            language=self.listen,
            hints=menu.speech_hints() if speech else None,
        )
        for sentence in sentences:
            self.say(sentence, into=gather)
            gather.pause(length=1)
        return self.answer()

    def answer(self):
        return HttpResponse(str(self.response), content_type="text/xml")

    def goodbye(self):
        self.say(_("Goodbye."))
        self.response.hangup()
        return self.answer()

    # -- the menu ----------------------------------------------------------------------------

    def menu(self, tries=0):
        return self.ask(
            "menu", [*(choice.prompt for choice in menu.CHOICES), menu.REPEAT_PROMPT], tries=tries
        )

    def not_understood(self, again):
        """Ask once more (``again()``); the second time, put the caller through to a person."""
        if self.tries >= 1:
            self.say(_("Sorry, I still did not understand. I will put you through to a person."))
            return self.to_person()
        self.say(_("Sorry, I did not understand."))
        return again()

    # -- a person ----------------------------------------------------------------------------

    def to_person(self, round_=1):
        """Ring the people on duty, a few at a time; out of hours or with nobody, a call-back."""
        if not is_open():
            return self.call_back_later()
        numbers = _people_to_ring(self.caller, round_)
        if not numbers:
            return self.call_back_later()
        self.say(_("I am putting you through to a person on duty. Please hold on."))
        dial = self.response.dial(
            timeout=RING_SECONDS, action=_url("dialled", round=round_), answer_on_bridge=True
        )
        for number in numbers:
            dial.number(number)
        return self.answer()

    def call_back_later(self):
        """Open a call-back request for the caller and say honestly when someone will call."""
        resident = self.caller or account_for(self.request.POST.get("From"), "zh-hans")
        if resident is None:  # a number withheld, or one we may not call (premium, staff)
            self.say(_("Nobody can answer now, and we cannot call this number back."))
            self.say(_("Please call again later."))
            return self.goodbye()
        request = api.open_request(
            resident,
            kind=Kind.CALL_BACK,
            channel=Channel.PHONE,
            note=_("Called the hotline; nobody could answer."),
        )
        opens = next_open()
        if opens > timezone.now():
            self.say(_("The help desk is closed now."))
            when = _("A person will call you back after %(when)s.") % {"when": when_words(opens)}
        else:
            self.say(_("Nobody could answer just now. We have written down that you called."))
            due = when_words(request.contact_due)
            when = _("A person will call you back by %(when)s.") % {"when": due}
        self.say(when)  # the time matters: said twice
        self.response.pause(length=1)
        self.say(when)
        return self.goodbye()


def _menu(call):
    if call.pressed == menu.REPEAT_KEY:
        return call.menu(call.tries)
    if call.caller is None:
        return call.to_person()
    choice = menu.choose(call.pressed, call.heard)
    if choice is None:
        return call.not_understood(lambda: call.menu(call.tries + 1))
    if choice.action == menu.TAXI:
        return _taxi_question(call)
    if choice.action == menu.APPOINTMENT:
        return _call_back_with_visit(call)
    return call.to_person()


def _taxi_question(call, tries=0):
    """Where the taxi would come to, and one key to confirm it."""
    address = call.caller.home_address
    if not address:
        call.say(_("We do not have your home address, so I cannot send a taxi by phone."))
        return call.to_person()
    active = taxi.active_ride(call.caller)
    if active is not None:
        call.say(_("You already have a taxi booked."))
        call.say(taxi.ride_status(active)["words"])
        return call.menu()
    sentences = [_("A taxi will come to your home now: %(address)s.") % {"address": address}]
    if agreements.has_agreed(call.caller, DataPurpose.TAXI):
        sentences.append(_("To send it, press 1. If not, press 2."))
    else:  # the first taxi: the one question comes first, and the same key answers both
        sentences.append(str(agreements.question(DataPurpose.TAXI).asks))
        sentences.append(_("If you agree and want the taxi now, press 1. If not, press 2."))
    return call.ask("taxi", sentences, speech=False, tries=tries)


def _taxi(call):
    if call.caller is None:
        return call.to_person()
    if call.pressed == menu.REPEAT_KEY:
        return _taxi_question(call, call.tries)
    if call.pressed == "2":
        call.say(_("No taxi was booked."))
        return call.menu()
    if call.pressed != "1":
        return call.not_understood(lambda: _taxi_question(call, call.tries + 1))
    if not agreements.has_agreed(call.caller, DataPurpose.TAXI):
        agreements.record_answer(call.caller, DataPurpose.TAXI, True, channel=Channel.PHONE)
    acting = Acting.by_resident(call.caller, Channel.PHONE)
    try:
        ride = taxi.request_ride(acting, idempotency_key=f"call:{call.request.POST['CallSid']}")
    except taxi.RideRefused as refused:
        call.say(str(refused))
        return call.to_person()
    call.say(_("Your taxi is booked to %(address)s.") % {"address": ride.pickup_address})
    call.say(_("We will tell you when a car is on its way."))
    return call.goodbye()


def _call_back_with_visit(call):
    """Read the next appointment only on a call the portal places to the registered number."""
    resident = call.caller
    with translation.override(resident.language):
        words = hospital.next_visit_words(resident) or _("You have no hospital appointment booked.")
    notify.send(
        resident.phone,
        "notice",
        {"text": words},
        purpose=Purpose.HOSPITAL,
        medium=Medium.VOICE,
        language=resident.language,
        urgent=True,
    )
    call.say(_("To protect your information, we will call you back now on your registered number."))
    call.say(_("Please hang up and wait for our call."))
    return call.goodbye()


def _dialled(call):
    """What came of ringing people: talked (goodbye), or the next few, or a call-back."""
    if call.request.POST.get("DialCallStatus") == "completed":
        call.response.hangup()
        return call.answer()
    round_ = int(call.request.GET.get("round", "1") or 1)
    if round_ < ROUNDS:
        return call.to_person(round_ + 1)
    return call.call_back_later()


STEPS = {"menu": _menu, "taxi": _taxi, "dialled": _dialled}


def rating_call_url(subject):
    """The address of the call the portal places to ask how satisfied the resident was with
    ``subject`` (``request:42``, ``ride:12``); Twilio fetches its TwiML there."""
    return settings.PUBLIC_BASE_URL + _url("rating", about=subject)


def _rating(request):
    """The call the portal placed to ask for a rating: the five levels by key, answered once.

    The resident is the one called (``To``) and what is rated must be theirs and ready to be
    rated (``portal.ratings.api.describe``): Twilio signs the URL naming it, so nobody can rate
    someone else's ride or request.
    """
    called = resident_with(request.POST.get("To", ""))
    with _language(called):
        subject = ratings.describe(called, request.GET.get("about", "")) if called else None
        if subject is None or not subject.may_rate:
            nothing = VoiceResponse()
            nothing.hangup()
            return HttpResponse(str(nothing), content_type="text/xml")
        call = _Call(request, called)
        if not request.GET.get("asked") or call.pressed == menu.REPEAT_KEY:
            return _rating_question(call, subject, call.tries)
        if call.pressed not in {str(level) for level in Level.values}:
            if call.tries >= 1:  # no answer twice: no rating, and no person needed either
                return call.goodbye()
            call.say(_("Sorry, I did not understand."))
            return _rating_question(call, subject, call.tries + 1)
        level = Level(int(call.pressed))
        try:
            ratings.rate(Acting.by_resident(called, Channel.PHONE), subject.reference, level)
        except ValidationError:  # rated already (on the web, or an earlier call)
            call.say(_("You have rated this already. Thank you."))
            return call.goodbye()
        call.say(_("Thank you. You said: %(level)s.") % {"level": level.label})
        if level <= POOR:
            call.say(_("We are sorry. A supervisor will call you within one working day."))
        return call.goodbye()


def _rating_question(call, subject, tries=0):
    sentences = [_("%(what)s: how satisfied were you?") % {"what": subject.words}]
    sentences += [
        _("Press %(key)s for %(level)s.") % {"key": level.value, "level": level.label}
        for level in Level
    ]
    return call.ask(
        "rating", sentences, speech=False, about=subject.reference, tries=tries, asked=1
    )


def _url(step, **query):
    path = reverse("phone:voice_step", args=[step])
    query = {key: value for key, value in query.items() if value}
    return f"{path}?{urlencode(query)}" if query else path


def _people_to_ring(caller, round_):
    """The phone numbers to ring in ``round_``: those who cover the caller's street and speak
    their language first, then everyone else on duty."""
    duties = [duty for duty in people_on_duty() if duty.person.phone]
    street = caller.street if caller else None
    language = caller.language if caller else "zh-hans"

    def distance(duty):
        close = duty.covers(street) and (language in duty.languages or not duty.languages)
        return (not close, duty.person_id)

    duties.sort(key=distance)
    start = (round_ - 1) * RING_AT_ONCE
    return [duty.person.phone for duty in duties[start : start + RING_AT_ONCE]]
