"""Demo step-by-step guides, in Chinese and English: the portal's own services, the offline
services of the demo's service pages, and two everyday things on the phone.

Called by ``content.demo.build_demo``, which passes its own ways to make or refresh a page
(``child``) and its English copy (``translation``), so these pages are kept the same way.
The pictures are drawn by ``content.guide_pictures``; each is one Wagtail image, found again
by its file on the next build.
"""

from pathlib import PurePosixPath

from django.core.files.storage import default_storage
from wagtail.images import get_image_model
from wagtail.images.models import Filter
from wagtail.models import Collection

from content.guide_pictures import HEIGHT, WIDTH, picture_file
from content.models import GuideIndexPage, GuidePage

ZH, EN = "zh-hans", "en"

GUIDE_INDEX = {
    "slug": "guides",
    ZH: {"title": "手把手教您", "summary": "一步一步，配着图，教您用手机办事。"},
    EN: {
        "title": "Step-by-step guides",
        "summary": "Pictures and short steps that show you how to do things on your phone.",
    },
}


def _step(picture, zh, en):
    """One step: its picture (a scene of content.guide_pictures and its variant) and, in each
    language, (what to do, what the picture shows, if it goes wrong)."""
    return {"picture": picture, ZH: zh, EN: en}


# Each guide: slug, built-in service (or ""), title and summary in both languages, and steps.
GUIDES = [
    {
        "slug": "sign-in",
        "service": "",
        ZH: {"title": "用验证码登录", "summary": "不用密码，用短信里的 6 位数字登录。"},
        EN: {
            "title": "Sign in with a code",
            "summary": "No password: sign in with the 6 digits a text message sends you.",
        },
        "steps": [
            _step(
                ("phone-number", None),
                (
                    "按“登录”，输入您的手机号，再按“用短信发验证码”。",
                    "手机屏幕上有一个填手机号的框，下面是一个绿色的大按钮。",
                    "不方便看短信？按“改为打电话念验证码”，我们打电话念给您听。",
                ),
                (
                    "Press 'Sign in', type your mobile number and press 'Send me a code by SMS'.",
                    "A phone screen with a box for the phone number and a big green button "
                    "below it.",
                    "Hard to read texts? Press 'Call me and read the code instead' and we call "
                    "you with it.",
                ),
            ),
            _step(
                ("message", None),
                (
                    "等一会儿，手机会收到一条短信，里面有 6 位数字。",
                    "手机屏幕上有一条新短信。",
                    "两分钟还没收到？按“重新发送验证码”，或者打 962 200 请人帮忙。",
                ),
                (
                    "Wait a moment: a text message with 6 digits arrives.",
                    "A phone screen showing a new text message.",
                    "Nothing after two minutes? Press 'Send a new code', or call 962 200 for help.",
                ),
            ),
            _step(
                ("code", None),
                (
                    "把 6 位数字填进框里，按“登录”。",
                    "手机屏幕上有 6 个小框，下面是一个绿色的大按钮。",
                    "说数字不对？看看是不是最新的那条短信，再填一次。",
                ),
                (
                    "Type the 6 digits into the box and press 'Sign in'.",
                    "A phone screen with six small boxes and a big green button below them.",
                    "Told the code is wrong? Use the newest text message and type it again.",
                ),
            ),
            _step(
                ("button", None),
                (
                    "第一次登录会问您两个问题，不想答可以按“跳过这个问题”。",
                    "手机屏幕下方有一个绿色的大按钮，黄色圆圈标出要按的地方。",
                    "按错了也没关系，以后可以在“我的”里改。",
                ),
                (
                    "The first time, two questions are asked. Press 'Skip this question' to "
                    "skip them.",
                    "A phone screen with a big green button; a yellow ring shows where to press.",
                    "Pressed the wrong thing? You can change it later under 'Mine'.",
                ),
            ),
        ],
    },
    {
        "slug": "call-a-taxi",
        "service": "taxi",
        ZH: {"title": "一键叫车", "summary": "在家门口叫出租车，一步一步教您。"},
        EN: {
            "title": "Call a taxi",
            "summary": "How to call a taxi to your door, one step at a time.",
        },
        "steps": [
            _step(
                ("button", None),
                (
                    "登录后，按绿色的“从家里叫车”。",
                    "手机屏幕下方有一个绿色的大按钮，黄色圆圈标出要按的地方。",
                    "没有这个按钮？先登录，或者打 962 200 请人帮您叫车。",
                ),
                (
                    "After signing in, press the green 'Taxi from home' button.",
                    "A phone screen with a big green button; a yellow ring shows where to press.",
                    "No such button? Sign in first, or call 962 200 and a person calls a taxi "
                    "for you.",
                ),
            ),
            _step(
                ("car", None),
                (
                    "等司机接单，页面和短信会告诉您车牌和颜色。",
                    "手机屏幕上有一辆黄色的出租车，下面是车牌。",
                    "一直没有车，工作人员会打电话给您。不想等了，可以取消。",
                ),
                (
                    "Wait for a driver: the page and a text tell you the car's plate and colour.",
                    "A phone screen with a yellow taxi and its number plate below it.",
                    "If no car comes, a member of staff calls you. To stop waiting, cancel the "
                    "taxi.",
                ),
            ),
            _step(
                ("call", "green"),
                (
                    "司机会先打电话给您，按绿色的键接听。",
                    "来电的屏幕，下方左边是红色的键，右边是绿色的键。",
                    "没接到电话也没关系，看页面上的车牌和颜色找车。",
                ),
                (
                    "The driver calls you first: press the green button to answer.",
                    "An incoming call: a red button at the bottom left and a green one on the "
                    "right.",
                    "Missed the call? Look for the plate and colour shown on the page.",
                ),
            ),
            _step(
                ("car", None),
                (
                    "核对车牌，上车后告诉司机去哪里。",
                    "手机屏幕上有一辆黄色的出租车，下面是车牌。",
                    "车牌对不上就不要上车，打 962 200 问一问。",
                ),
                (
                    "Check the plate, get in and tell the driver where to go.",
                    "A phone screen with a yellow taxi and its number plate below it.",
                    "If the plate is different, do not get in; call 962 200 to ask.",
                ),
            ),
        ],
    },
    {
        "slug": "book-a-hospital-visit",
        "service": "hospital",
        ZH: {"title": "预约挂号", "summary": "在手机上预约医院门诊，一步一步教您。"},
        EN: {
            "title": "Book a hospital visit",
            "summary": "How to book a hospital appointment on your phone, one step at a time.",
        },
        "steps": [
            _step(
                ("list", "0"),
                (
                    "登录后打开“预约挂号”，按您要去的医院。",
                    "手机屏幕上有一排选项，最上面一个是蓝色的，黄色圆圈标出要按的地方。",
                    "找不到您要的医院？打 962 200，接线员帮您挂号。",
                ),
                (
                    "After signing in, open 'Hospital booking' and press the hospital you want.",
                    "A phone screen with a list of choices; the top one is blue, with a yellow "
                    "ring on it.",
                    "Cannot find your hospital? Call 962 200 and the operator books for you.",
                ),
            ),
            _step(
                ("list", "2"),
                (
                    "选科室。不知道挂哪个科，可以请人帮忙。",
                    "手机屏幕上有一排选项，第三个是蓝色的，黄色圆圈标出要按的地方。",
                    "选错了？回到上一页重新选。",
                ),
                (
                    "Choose the department. Not sure which one? Ask a person.",
                    "A phone screen with a list of choices; the third one is blue, with a "
                    "yellow ring on it.",
                    "Chose the wrong one? Go back a page and choose again.",
                ),
            ),
            _step(
                ("calendar", None),
                (
                    "选一天和一个时间。",
                    "手机屏幕上有一格一格的日子，其中一格是绿色的。",
                    "没有合适的时间？换一天看看，或者请人帮忙。",
                ),
                (
                    "Choose a day and a time.",
                    "A phone screen with a grid of days; one of them is green.",
                    "No time that suits you? Try another day, or ask a person.",
                ),
            ),
            _step(
                ("message", "tick"),
                (
                    "核对后按“确认”，会收到短信识别码。",
                    "手机屏幕上有一条新短信，下面是一个绿色的勾。",
                    "没收到短信？在“我的”里可以看到您的预约。",
                ),
                (
                    "Check the details and press 'Confirm': a text brings your code.",
                    "A phone screen with a new text message and a green tick below it.",
                    "No text? Your appointment is listed under 'Mine'.",
                ),
            ),
        ],
    },
    {
        "slug": "ask-a-person",
        "service": "assist",
        ZH: {"title": "请人帮忙", "summary": "不会用、不方便，请工作人员打电话给您。"},
        EN: {
            "title": "Ask a person to help",
            "summary": "If something is hard to do, ask a member of staff to call you.",
        },
        "steps": [
            _step(
                ("help", None),
                (
                    "在每一页的上方，按“找人帮忙”。",
                    "手机屏幕上有一个人像，下面是一个绿色的大按钮。",
                    "不想在手机上点？直接打 962 200，按 0 找人工。",
                ),
                (
                    "Near the top of every page, press 'Ask a person to help me'.",
                    "A phone screen with a person and a big green button below.",
                    "Would rather not tap on the phone? Call 962 200 and press 0 for a person.",
                ),
            ),
            _step(
                ("help", "call-back"),
                (
                    "按“请人给我回电话”。",
                    "手机屏幕上有一个人像，下面是一个蓝色的大按钮。",
                    "要您先登录？用验证码登录后再按一次。",
                ),
                (
                    "Press 'Ask a person to call you back'.",
                    "A phone screen with a person and a big blue button below.",
                    "Asked to sign in first? Sign in with a code, then press it again.",
                ),
            ),
            _step(
                ("list", "1"),
                (
                    "选什么时候方便接电话，再按“请给我回电话”。",
                    "手机屏幕上有一排选项，第二个是蓝色的，黄色圆圈标出要按的地方。",
                    "拿不准选哪个？打 962 200，直接和人说。",
                ),
                (
                    "Choose when suits you, then press 'Call me back'.",
                    "A phone screen with a list of choices; the second one is blue, with a "
                    "yellow ring on it.",
                    "Not sure what to choose? Call 962 200 and talk to a person.",
                ),
            ),
            _step(
                ("call", "green"),
                (
                    "工作人员会打电话给您，按绿色的键接听。",
                    "来电的屏幕，下方左边是红色的键，右边是绿色的键。",
                    "没接到电话？在“我的求助”里看进展，或者打 962 200。",
                ),
                (
                    "A member of staff calls you: press the green button to answer.",
                    "An incoming call: a red button at the bottom left and a green one on the "
                    "right.",
                    "Missed the call? See 'My requests for help', or call 962 200.",
                ),
            ),
        ],
    },
    {
        "slug": "scam-calls",
        "service": "",
        ZH: {"title": "识别诈骗电话", "summary": "陌生电话要钱、要验证码，都是骗子。"},
        EN: {
            "title": "Spot a scam call",
            "summary": "A stranger on the phone who asks for money or a code is a scammer.",
        },
        "steps": [
            _step(
                ("call", "warning"),
                (
                    "陌生人来电说您中奖、欠钱或家人出事，要小心。",
                    "来电的屏幕，中间有一个黄色的警告三角。",
                    "已经说了银行卡号或验证码？马上打银行的电话挂失。",
                ),
                (
                    "A stranger says you won a prize, owe money or family is in trouble: take "
                    "care.",
                    "An incoming call with a yellow warning triangle in the middle.",
                    "Already gave a card number or a code? Call your bank at once to block the "
                    "card.",
                ),
            ),
            _step(
                ("call", "red"),
                (
                    "对方要您转账或者说出验证码，马上按红色的键挂断。",
                    "来电的屏幕，黄色圆圈标出左下方红色的挂断键。",
                    "已经转了钱？马上打 110 报警。",
                ),
                (
                    "If they ask you to send money or tell a code, press red to hang up at once.",
                    "An incoming call; a yellow ring marks the red hang-up button at the "
                    "bottom left.",
                    "Already sent money? Call the police on 110 at once.",
                ),
            ),
            _step(
                ("phone-number", None),
                (
                    "自己打给家人问清楚，不要用对方给的号码。",
                    "手机屏幕上有一个填电话号码的框，下面是一个绿色的大按钮。",
                    "记不住家人的号码？请社区服务中心的工作人员帮您存进手机。",
                ),
                (
                    "Call your family yourself to check. Never use a number the caller gave you.",
                    "A phone screen with a box for a phone number and a big green button below.",
                    "Cannot remember your family's number? Staff at a community centre can "
                    "save it in your phone.",
                ),
            ),
            _step(
                ("help", None),
                (
                    "拿不准，就打 962 200，请人帮您看看。",
                    "手机屏幕上有一个人像，下面是一个绿色的大按钮。",
                    "对方一直打来？可以拨打反诈专线 96110 问一问。",
                ),
                (
                    "Not sure? Call 962 200 and ask a person to look at it with you.",
                    "A phone screen with a person and a big green button below.",
                    "Do they keep calling? Ask the anti-fraud line on 96110.",
                ),
            ),
        ],
    },
    {
        "slug": "video-call-family",
        "service": "",
        ZH: {"title": "和家人视频通话", "summary": "用微信和家人视频，看得见、听得见。"},
        EN: {
            "title": "Video-call your family",
            "summary": "See and hear your family with a WeChat video call.",
        },
        "steps": [
            _step(
                ("list", "1"),
                (
                    "打开微信，按家人的名字。",
                    "手机屏幕上有一排名字，第二个是蓝色的，黄色圆圈标出要按的地方。",
                    "找不到家人？请家人先加您为好友。",
                ),
                (
                    "Open WeChat and press your family member's name.",
                    "A phone screen with a list of names; the second one is blue, with a yellow "
                    "ring on it.",
                    "Cannot find them? Ask your family to add you as a friend first.",
                ),
            ),
            _step(
                ("button", "blue"),
                (
                    "按右下角的“+”，再按“视频通话”。",
                    "手机屏幕下方有一个蓝色的大按钮，黄色圆圈标出要按的地方。",
                    "没有“视频通话”？可能是微信太旧了，请人帮您更新。",
                ),
                (
                    "Press '+' at the bottom right, then 'Video call'.",
                    "A phone screen with a big blue button; a yellow ring shows where to press.",
                    "No 'Video call'? WeChat may be out of date: ask someone to update it.",
                ),
            ),
            _step(
                ("video", None),
                (
                    "等家人接听，把手机拿远一点，让家人看到您的脸。",
                    "视频通话的屏幕，中间是家人，右上角小框里是您自己。",
                    "看不见或听不见？挂断后再打一次。",
                ),
                (
                    "Wait for them to answer. Hold the phone a little away so they see your face.",
                    "A video call: your family in the middle, yourself in a small box at the "
                    "top right.",
                    "Cannot see or hear? Hang up and call again.",
                ),
            ),
            _step(
                ("video", "hang-up"),
                (
                    "说完了，按红色的键挂断。",
                    "视频通话的屏幕，黄色圆圈标出下方红色的挂断键。",
                    "不小心挂断了？再按一次“视频通话”就能接着聊。",
                ),
                (
                    "When you are done, press the red button to hang up.",
                    "A video call; a yellow ring marks the red hang-up button at the bottom.",
                    "Hung up by mistake? Press 'Video call' again to carry on.",
                ),
            ),
        ],
    },
    {
        "slug": "senior-card",
        "service": "",
        ZH: {"title": "办优待证怎么做", "summary": "年满 60 岁办优待证，三步就好。"},
        EN: {
            "title": "Getting a senior card",
            "summary": "At 60 or older, get your senior card in three steps.",
        },
        "steps": [
            _step(
                ("card", "photo"),
                (
                    "准备好身份证和一张一寸照片。",
                    "一张身份证，旁边放着一张小照片。",
                    "没有照片？问问窗口工作人员哪里可以拍。",
                ),
                (
                    "Have your ID card and one passport-size photo ready.",
                    "An ID card with a small photo beside it.",
                    "No photo? Ask the counter staff where to have one taken.",
                ),
            ),
            _step(
                ("counter", None),
                (
                    "到社区服务中心的窗口，说您要办优待证。",
                    "服务中心的窗口，工作人员坐在柜台后面。",
                    "不知道去哪个中心？看“社区服务中心”这一页，或者打 962 200。",
                ),
                (
                    "At a community centre counter, say you want a senior card.",
                    "A community centre counter with a member of staff behind it.",
                    "Not sure which centre? See the 'Community service centres' page, or call "
                    "962 200.",
                ),
            ),
            _step(
                ("message", "tick"),
                (
                    "约 10 个工作日后，收到短信就去领。",
                    "手机屏幕上有一条新短信，下面是一个绿色的勾。",
                    "过了两周还没有短信？打 962 200，按 0 问进度。",
                ),
                (
                    "About 10 working days later, a text tells you to collect it.",
                    "A phone screen with a new text message and a green tick below it.",
                    "No text after two weeks? Call 962 200 and press 0 to ask.",
                ),
            ),
        ],
    },
    {
        "slug": "pension-check",
        "service": "",
        ZH: {"title": "养老金认证怎么做", "summary": "每年认证一次，养老金照常发。"},
        EN: {
            "title": "The yearly pension check",
            "summary": "Confirm your identity once a year so your pension keeps coming.",
        },
        "steps": [
            _step(
                ("message", None),
                (
                    "生日前后收到短信提醒，就该认证了。",
                    "手机屏幕上有一条新短信。",
                    "没收到提醒？打 962 200 问一问。",
                ),
                (
                    "A text around your birthday tells you it is time.",
                    "A phone screen showing a new text message.",
                    "No reminder? Call 962 200 to ask.",
                ),
            ),
            _step(
                ("card", None),
                (
                    "带上身份证，到社区服务中心。",
                    "一张身份证。",
                    "出门不方便？打 962 200，按 0 预约工作人员上门。",
                ),
                (
                    "Take your ID card to a community service centre.",
                    "An ID card.",
                    "Hard to go out? Call 962 200 and press 0 to book a home visit.",
                ),
            ),
            _step(
                ("counter", "face"),
                (
                    "看着屏幕，工作人员帮您刷脸认证。",
                    "服务中心的窗口，柜台上有一块认脸的屏幕。",
                    "没认出来？工作人员会陪您再试一次。",
                ),
                (
                    "Look at the screen while staff check your face.",
                    "A community centre counter with a face-check screen on it.",
                    "Not recognised? Staff try again with you.",
                ),
            ),
            _step(
                ("message", "tick"),
                (
                    "认证成功，会收到一条短信。",
                    "手机屏幕上有一条新短信，下面是一个绿色的勾。",
                    "没收到短信？请窗口工作人员帮您查一下。",
                ),
                (
                    "A text tells you it is done.",
                    "A phone screen with a new text message and a green tick below it.",
                    "No text? Ask the counter staff to check for you.",
                ),
            ),
        ],
    },
    {
        "slug": "medical-card",
        "service": "",
        ZH: {"title": "补办医保卡怎么做", "summary": "医保卡丢了，先挂失，再补办。"},
        EN: {
            "title": "Replacing an insurance card",
            "summary": "Lost your insurance card? Block it first, then get a new one.",
        },
        "steps": [
            _step(
                ("call", "green"),
                (
                    "先打 962 200，按 0，说医保卡丢了，接线员马上帮您挂失。",
                    "来电的屏幕，下方左边是红色的键，右边是绿色的键。",
                    "没人接？每天 8:00 至 20:00 有人接听，请那时再打。",
                ),
                (
                    "First call 962 200, press 0 and say the card is lost: it is blocked at once.",
                    "A phone call screen: a red button at the bottom left and a green one on the "
                    "right.",
                    "No answer? Someone answers every day from 8:00 to 20:00: call again then.",
                ),
            ),
            _step(
                ("card", "medical"),
                (
                    "带上身份证，到社区服务中心窗口申请补办。",
                    "一张身份证。",
                    "身份证也丢了？请窗口工作人员告诉您怎么办。",
                ),
                (
                    "Take your ID card to a community centre counter and ask for a new card.",
                    "An ID card.",
                    "Lost your ID card too? The counter staff will tell you what to do.",
                ),
            ),
            _step(
                ("message", "tick"),
                (
                    "新卡做好后，收到短信就去领。",
                    "手机屏幕上有一条新短信，下面是一个绿色的勾。",
                    "旧卡又找到了？挂失后就不能用了，请用新卡。",
                ),
                (
                    "When the new card is ready, a text tells you to collect it.",
                    "A phone screen with a new text message and a green tick below it.",
                    "Found the old card? Once blocked it cannot be used: use the new one.",
                ),
            ),
        ],
    },
]

# Which guide each demo service page (content.demo.SERVICES, by slug) links to.
SERVICE_GUIDES = {
    "taxi": "call-a-taxi",
    "hospital": "book-a-hospital-visit",
    "senior-card": "senior-card",
    "pension-check": "pension-check",
    "medical-card": "medical-card",
}


def build_guides(home, child):
    """The guides index under ``home`` and every guide in Chinese; returns them by slug."""
    index = child(home, GuideIndexPage, GUIDE_INDEX["slug"], GUIDE_INDEX[ZH])
    pictures = _pictures()
    guides = {
        spec["slug"]: child(index, GuidePage, spec["slug"], _guide_fields(spec, ZH, pictures))
        for spec in GUIDES
    }
    return index, guides


def translate_guides(index, guides, en, translation):
    """The English copies of the index and the guides (the English home must exist first);
    returns the English guides by slug."""
    translation(index, en, GUIDE_INDEX[EN])
    pictures = _pictures()
    return {
        spec["slug"]: translation(guides[spec["slug"]], en, _guide_fields(spec, EN, pictures))
        for spec in GUIDES
    }


def _guide_fields(spec, lang, pictures):
    text = spec[lang]
    steps = []
    for step in spec["steps"]:
        what, alt, if_wrong = step[lang]
        steps.append(
            (
                "step",
                {
                    "text": what,
                    "picture": pictures[step["picture"]],
                    "alt": alt,
                    "if_wrong": if_wrong,
                },
            )
        )
    return {
        "title": text["title"],
        "summary": text["summary"],
        "service": spec["service"],
        "steps": steps,
    }


def _pictures():
    """One Wagtail image for every scene the guides use, keyed by (scene, variant); the
    first Chinese alt text that shows it becomes the image's description."""
    Image = get_image_model()
    # Images live in a collection; a flushed database (the transactional tests) has lost the
    # root one Wagtail's migration made.
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    descriptions = {}
    for spec in GUIDES:
        for step in spec["steps"]:
            descriptions.setdefault(step["picture"], step[ZH][1])
    pictures = {}
    for (scene, variant), description in descriptions.items():
        path = picture_file(scene, variant)
        image = Image.objects.filter(file=path).first()
        if image is None:
            image = Image(title=f"操作指南配图 {path.rsplit('/', 1)[-1]}", file=path)
            image.width, image.height = WIDTH, HEIGHT
            image.description = description
            image._set_image_file_metadata()
            image.save()
        _renditions(image)
        pictures[scene, variant] = image
    return pictures


# The renditions content/guide_page.html shows (as its {% image %} tags name them), and the
# thumbnail of the editor's image chooser; each with the extension of its file.
RENDITIONS = {
    "width-480|format-webp": ".webp",
    "width-960|format-webp": ".webp",
    "width-480|format-png": ".png",
    "max-165x165": ".png",
}


def _renditions(image):
    """Make the renditions a guide shows, reusing their files when an earlier build made them
    (a test session's new database would otherwise add a copy of each file every time)."""
    made = set(image.renditions.values_list("filter_spec", flat=True))
    base = PurePosixPath(image.file.name).stem
    for spec, extension in RENDITIONS.items():
        if spec in made:
            continue
        # Named as Wagtail names a rendition's file (Image.generate_rendition_file).
        suffix = spec.replace("|", ".") + extension
        path = f"images/{base[: 59 - len(suffix)]}.{suffix}"
        if default_storage.exists(path):
            width, height = _rendition_size(spec)
            image.renditions.create(
                filter_spec=spec,
                focal_point_key=Filter(spec=spec).get_cache_key(image),
                file=path,
                width=width,
                height=height,
            )
        else:
            image.get_rendition(spec)


def _rendition_size(spec):
    """The size of a drawing's rendition (every drawing is WIDTH x HEIGHT)."""
    size = spec.split("|")[0]
    if size.startswith("width-"):
        width = int(size.removeprefix("width-"))
        return width, round(width * HEIGHT / WIDTH)
    most_wide, most_high = (int(side) for side in size.removeprefix("max-").split("x"))
    scale = min(most_wide / WIDTH, most_high / HEIGHT)
    return round(WIDTH * scale), round(HEIGHT * scale)
