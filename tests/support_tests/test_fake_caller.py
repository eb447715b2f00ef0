"""The fake caller walks TwiML like Twilio, and signs what it posts like Twilio."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from twilio.request_validator import RequestValidator

from portal.twilio_webhooks import signed_by_twilio
from tests.support.fake_caller import (
    CallError,
    DjangoClientTransport,
    FakeCaller,
    HttpTransport,
)
from tests.support.fake_twilio import FakeTwilio, InboundSms

TOKEN = "caller-test-token"
PUBLIC = "https://portal.example.cn"
RESIDENT = "+8613800000001"
HOTLINE = "+862162000000"
ACCOUNT = "AC" + "ab" * 16
VOICE = 'voice="Polly.Zhiyu" language="cmn-CN"'


class StubTransport:
    """Serves TwiML from a dict ``{path_with_query: twiml or (status, text)}`` and records
    each post as ``(path, params, signature_valid)``, checked as the portal checks it."""

    def __init__(self, pages):
        self.pages = pages
        self.posts = []
        self.validator = RequestValidator(TOKEN)

    def post(self, path, params, headers):
        valid = self.validator.validate(PUBLIC + path, params, headers["X-Twilio-Signature"])
        self.posts.append((path, dict(params), valid))
        page = self.pages[path]
        return page if isinstance(page, tuple) else (200, page)

    @property
    def paths(self):
        return [path for path, _, _ in self.posts]

    @property
    def last(self):
        return self.posts[-1][1]


def call(pages, **kw):
    transport = StubTransport(pages)
    caller = FakeCaller(transport, auth_token=TOKEN, public_base_url=PUBLIC, account_sid=ACCOUNT)
    return caller.dial(from_=RESIDENT, to=HOTLINE, **kw), transport


def test_say_gather_press_posts_signed_digits():
    the_call, stub = call(
        {
            "/phone/voice/": f"""<?xml version="1.0" encoding="UTF-8"?>
                <Response>
                  <Say {VOICE}>您好，这里是长者服务热线。</Say>
                  <Gather action="/phone/voice/menu/?lang=zh" numDigits="1" {VOICE}>
                    <Say {VOICE}>叫车请按1。</Say>
                  </Gather>
                </Response>""",
            "/phone/voice/menu/?lang=zh": f"<Response><Say {VOICE}>好的，请稍等。</Say>"
            "<Hangup/></Response>",
        }
    )
    assert the_call.heard == ["您好，这里是长者服务热线。", "叫车请按1。"]
    assert the_call.last_heard == "叫车请按1。"
    assert the_call.voices == {("Polly.Zhiyu", "cmn-CN")}
    assert the_call.gather.num_digits == 1
    assert the_call.gather.action == PUBLIC + "/phone/voice/menu/?lang=zh"
    assert not the_call.over

    first = stub.last
    assert first["CallStatus"] == "ringing"
    assert (first["From"], first["To"], first["Direction"]) == (RESIDENT, HOTLINE, "inbound")
    assert first["AccountSid"] == ACCOUNT and first["ApiVersion"] == "2010-04-01"
    assert first["CallSid"].startswith("CA") and len(first["CallSid"]) == 34

    the_call.press("1")
    assert stub.paths == ["/phone/voice/", "/phone/voice/menu/?lang=zh"]
    assert all(valid for _, _, valid in stub.posts)
    pressed = stub.last
    assert pressed["Digits"] == "1"
    assert pressed["CallStatus"] == "in-progress"
    assert (pressed["CallSid"], pressed["From"], pressed["To"]) == (
        first["CallSid"],
        RESIDENT,
        HOTLINE,
    )
    assert the_call.just_heard == ["好的，请稍等。"]
    assert the_call.over and the_call.ended_by == "hangup"
    assert the_call.response_codes == [200, 200]
    with pytest.raises(CallError, match="over"):
        the_call.press("1")


def test_finish_on_key_and_default_action():
    the_call, stub = call(
        {"/phone/voice/": "<Response><Gather><Say>请输入编号，按井号结束</Say></Gather></Response>"}
    )
    assert the_call.gather.action == PUBLIC + "/phone/voice/"  # default: the current URL
    the_call.press("123#")
    assert stub.last["Digits"] == "123"
    assert stub.last["FinishedOnKey"] == "#"
    assert stub.paths == ["/phone/voice/", "/phone/voice/"]


def test_too_many_digits_and_no_gather_are_errors():
    the_call, stub = call(
        {"/phone/voice/": '<Response><Gather numDigits="1"/><Hangup/></Response>'}
    )
    with pytest.raises(CallError, match="numDigits=1"):
        the_call.press("12")
    assert len(stub.posts) == 1
    the_call.stay_silent()
    assert the_call.over
    with pytest.raises(CallError, match="over"):
        the_call.say_words("你好")


def test_redirect_is_followed_relative_to_the_document():
    the_call, stub = call(
        {
            "/phone/voice/": "<Response><Say>请稍候</Say><Redirect>step/menu/</Redirect>"
            "<Say>never said</Say></Response>",
            "/phone/voice/step/menu/": "<Response><Redirect method='POST'>/phone/voice/end/"
            "</Redirect></Response>",
            "/phone/voice/end/": "<Response><Say>再见</Say></Response>",
        }
    )
    assert stub.paths == ["/phone/voice/", "/phone/voice/step/menu/", "/phone/voice/end/"]
    assert all(valid for _, _, valid in stub.posts)
    assert "Digits" not in stub.last
    assert the_call.heard == ["请稍候", "再见"]
    assert the_call.over and the_call.ended_by == "end of document"


def test_redirect_loop_fails():
    with pytest.raises(CallError, match="Redirect"):
        call({"/phone/voice/": "<Response><Redirect>/phone/voice/</Redirect></Response>"})


def test_gather_timeout_falls_through_to_the_next_verbs():
    the_call, stub = call(
        {
            "/phone/voice/": "<Response><Gather action='/phone/voice/menu/'><Say>请按键</Say>"
            "</Gather><Say>没有收到您的按键</Say><Redirect>/phone/voice/again/</Redirect>"
            "</Response>",
            "/phone/voice/again/": "<Response><Gather action='/phone/voice/menu/'>"
            "<Say>请再按一次</Say></Gather></Response>",
        }
    )
    the_call.stay_silent()
    assert the_call.just_heard == ["没有收到您的按键", "请再按一次"]
    assert stub.paths == ["/phone/voice/", "/phone/voice/again/"]
    assert the_call.gather is not None
    the_call.stay_silent()  # nothing after this Gather: the call ends
    assert the_call.over and the_call.ended_by == "end of document"


def test_gather_timeout_with_action_on_empty_result_posts_the_action():
    the_call, stub = call(
        {
            "/phone/voice/": "<Response><Gather action='/phone/voice/menu/' "
            "actionOnEmptyResult='true' input='dtmf speech'><Say>请说</Say></Gather>"
            "<Say>never said</Say></Response>",
            "/phone/voice/menu/": "<Response><Say>我们没有听清</Say><Hangup/></Response>",
        }
    )
    assert the_call.gather.action_on_empty_result
    the_call.stay_silent()
    assert stub.paths[-1] == "/phone/voice/menu/"
    assert "Digits" not in stub.last and "SpeechResult" not in stub.last
    assert the_call.heard == ["请说", "我们没有听清"]


def test_speech_posts_speech_result():
    the_call, stub = call(
        {
            "/phone/voice/": "<Response><Gather input='speech' language='cmn-CN' "
            "action='/phone/voice/said/'><Say>请说出您的需要</Say></Gather></Response>",
            "/phone/voice/said/": "<Response><Say>好的，为您叫车</Say></Response>",
        }
    )
    assert the_call.gather.language == "cmn-CN"
    with pytest.raises(CallError, match="input='speech'"):
        the_call.press("1")
    the_call.say_words("打车", confidence=0.87)
    assert stub.last["SpeechResult"] == "打车"
    assert stub.last["Confidence"] == "0.87"
    assert stub.posts[-1][2]  # the signature covers the Chinese text
    assert the_call.last_heard == "好的，为您叫车"


def test_dtmf_only_gather_refuses_speech():
    the_call, _ = call({"/phone/voice/": "<Response><Gather/></Response>"})
    with pytest.raises(CallError, match="input='dtmf'"):
        the_call.say_words("打车")


def test_dial_nobody_answers_posts_dial_call_status():
    the_call, stub = call(
        {
            "/phone/voice/": "<Response><Say>正在为您转接志愿者</Say>"
            "<Dial action='/phone/voice/dial-done/' timeout='20' callerId='+862162000000'>"
            "<Number>+8613900000001</Number><Number>+8613900000002</Number></Dial>"
            "</Response>",
            "/phone/voice/dial-done/": "<Response><Say>志愿者暂时无法接听</Say></Response>",
        }
    )
    assert the_call.ringing == ["+8613900000001", "+8613900000002"]
    assert (the_call.dialing.timeout, the_call.dialing.caller_id) == (20, "+862162000000")
    with pytest.raises(CallError, match="not being rung"):
        the_call.answered_by("+8613900000009")
    the_call.nobody_answered()
    assert stub.last["DialCallStatus"] == "no-answer"
    assert stub.last["DialCallDuration"] == "0"
    assert stub.posts[-1][2]
    assert the_call.just_heard == ["志愿者暂时无法接听"]
    assert the_call.ringing == []


def test_dial_answered_without_action_continues_after_the_dial():
    the_call, stub = call(
        {"/phone/voice/": "<Response><Dial>+8613900000001</Dial><Say>通话结束</Say></Response>"}
    )
    the_call.answered_by("+8613900000001", duration=42)
    assert len(stub.posts) == 1  # no action: nothing posted
    assert the_call.last_heard == "通话结束"
    assert the_call.over


def test_enqueue_waits_and_the_caller_hangs_up():
    the_call, _ = call(
        {
            "/phone/voice/": "<Response><Enqueue waitUrl='/phone/voice/hold/'>desk</Enqueue>"
            "</Response>"
        }
    )
    assert the_call.queue.name == "desk"
    assert the_call.queue.wait_url == PUBLIC + "/phone/voice/hold/"
    assert not the_call.over
    the_call.hang_up()
    assert the_call.over and the_call.ended_by == "caller"


def test_hangup_and_reject_end_the_call():
    the_call, _ = call({"/phone/voice/": "<Response><Hangup/><Say>never said</Say></Response>"})
    assert the_call.over and the_call.heard == []
    the_call, _ = call({"/phone/voice/": "<Response><Reject reason='busy'/></Response>"})
    assert the_call.ended_by == "reject"


def test_hang_up_can_post_the_status_callback():
    the_call, stub = call(
        {"/phone/voice/": "<Response><Gather/></Response>", "/phone/status/": (204, "")}
    )
    the_call.hang_up(status_callback="/phone/status/", duration=15)
    assert stub.paths[-1] == "/phone/status/"
    assert (stub.last["CallStatus"], stub.last["CallDuration"]) == ("completed", "15")


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ((500, "Server Error"), "answered 500"),
        ((200, "not xml at all"), "did not answer TwiML"),
        ((200, "<html><body>hi</body></html>"), "<html>, not <Response>"),
        ((200, "<Response><Record/></Response>"), "does not know <Record>"),
        ((200, "<Response><Gather method='GET'/></Response>"), None),
    ],
)
def test_bad_answers_fail_loudly(answer, message):
    if message is None:  # a GET action is only refused when the caller acts
        the_call, _ = call({"/phone/voice/": answer})
        with pytest.raises(CallError, match="only take POST"):
            the_call.press("1")
        return
    with pytest.raises(CallError, match=message) as raised:
        call({"/phone/voice/": answer})
    assert f"{RESIDENT} dials {HOTLINE}" in str(raised.value)  # the transcript comes along


def test_non_200_after_a_press_fails_loudly():
    the_call, _ = call(
        {
            "/phone/voice/": "<Response><Gather action='/phone/voice/menu/'/></Response>",
            "/phone/voice/menu/": (403, "bad signature"),
        }
    )
    with pytest.raises(CallError, match="403"):
        the_call.press("1")
    assert the_call.response_codes == [200, 403]


def test_inbound_sms_is_signed_and_can_be_retried():
    stub = StubTransport(
        {"/phone/sms/": "<Response><Message>已为您预约出租车。</Message></Response>"}
    )
    sms = InboundSms(
        stub, to=HOTLINE, auth_token=TOKEN, public_base_url=PUBLIC, account_sid=ACCOUNT
    )
    reply = sms.send(RESIDENT, "打车 明天9点")
    assert (reply.status, reply.messages) == (200, ["已为您预约出租车。"])
    path, params, valid = stub.posts[0]
    assert path == "/phone/sms/" and valid
    assert params["MessageSid"].startswith("SM") and len(params["MessageSid"]) == 34
    assert params["MessageSid"] == reply.message_sid
    assert (params["From"], params["To"], params["Body"]) == (RESIDENT, HOTLINE, "打车 明天9点")
    assert (params["AccountSid"], params["ApiVersion"]) == (ACCOUNT, "2010-04-01")
    assert (params["NumMedia"], params["NumSegments"], params["SmsStatus"]) == (
        "0",
        "1",
        "received",
    )

    again = sms.resend(reply)
    fixed = sms.send(RESIDENT, "取消", message_sid=reply.message_sid)
    assert stub.posts[1][1] == params and stub.posts[1][2]
    assert fixed.message_sid == reply.message_sid and stub.posts[2][2]
    assert again.status == fixed.status == 200

    stub.pages["/phone/sms/"] = "<Response/>"
    assert sms.send(RESIDENT, "?").messages == []


def test_answering_an_outbound_call_placed_through_the_fake_api():
    stub = StubTransport(
        {
            "/phone/voice/reminder/?visit=7": "<Response><Say>明天上午9点就诊"
            "</Say><Gather numDigits='1'/></Response>",
            "/phone/voice/confirm/": "<Response><Say>已确认</Say></Response>",
        }
    )
    with FakeTwilio(ACCOUNT, TOKEN) as fake:
        client = fake.client(timeout=5)
        placed = client.calls.create(
            to=RESIDENT, from_=HOTLINE, url=PUBLIC + "/phone/voice/reminder/?visit=7"
        )
        inline = client.calls.create(
            to=RESIDENT,
            from_=HOTLINE,
            twiml="<Response><Gather action='/phone/voice/confirm/'><Say>请按1确认</Say>"
            "</Gather></Response>",
        )
        caller = fake.caller(stub, public_base_url=PUBLIC)
        reminder = caller.answer(fake.get(placed.sid))
        pressed = caller.answer(fake.get(inline.sid)).press("1")
    assert reminder.heard == ["明天上午9点就诊"]
    path, params, valid = stub.posts[0]
    assert path == "/phone/voice/reminder/?visit=7" and valid
    assert (params["CallSid"], params["From"], params["To"]) == (placed.sid, HOTLINE, RESIDENT)
    assert params["Direction"] == "outbound-api"
    assert pressed.heard == ["请按1确认", "已确认"]
    assert stub.posts[-1][1]["CallSid"] == inline.sid


def test_django_transport_passes_the_portals_own_signature_check(settings):
    """Through Django's request machinery to ``signed_by_twilio``, no database needed."""
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.PUBLIC_BASE_URL = PUBLIC
    checked = []

    class FactoryClient:  # Client.post's signature; answers after the portal's check
        def post(self, *args, **kwargs):
            request = RequestFactory().post(*args, **kwargs)
            checked.append((request.get_full_path(), signed_by_twilio(request)))
            if not checked[-1][1]:
                return HttpResponse("bad signature", status=403)
            return HttpResponse(
                "<Response><Gather input='speech' action='/phone/voice/x/?step=2'>"
                "<Say>请说</Say></Gather></Response>",
                content_type="text/xml",
            )

    caller = FakeCaller(DjangoClientTransport(FactoryClient()))  # token, URL from settings
    the_call = caller.dial(from_=RESIDENT, to=HOTLINE).say_words("看病，挂号")
    assert checked == [("/phone/voice/", True), ("/phone/voice/x/?step=2", True)]
    assert the_call.heard == ["请说", "请说"]

    sms = InboundSms(DjangoClientTransport(FactoryClient()), to=HOTLINE)
    assert sms.send(RESIDENT, "帮助").status == 200
    assert sms.post(dict(sms.sent[0].params), signature="forged").status == 403


class TwimlServer:
    """A live HTTP server answering TwiML in text/xml without a charset."""

    def __init__(self):
        self.received = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                fields = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                valid = RequestValidator(TOKEN).validate(
                    PUBLIC + self.path, fields, self.headers.get("X-Twilio-Signature", "")
                )
                server.received.append((self.path, fields, valid))
                body = "<Response><Say>您好</Say><Gather action='/next/'/></Response>"
                if self.path == "/next/":
                    body = "<Response><Say>再见</Say></Response>"
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __exit__(self, *exc_info):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_http_transport_against_a_live_server():
    server = TwimlServer()
    with server as base_url, HttpTransport(base_url, timeout=5) as transport:
        caller = FakeCaller(transport, auth_token=TOKEN, public_base_url=PUBLIC)
        the_call = caller.dial(from_=RESIDENT, to=HOTLINE, path="/phone/voice/?v=1").press("2")
    assert the_call.heard == ["您好", "再见"]  # UTF-8, though the answer names no charset
    assert [(path, valid) for path, _, valid in server.received] == [
        ("/phone/voice/?v=1", True),
        ("/next/", True),
    ]
    assert server.received[1][1]["Digits"] == "2"
