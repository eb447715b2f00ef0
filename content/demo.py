"""Demo content: the page tree in Chinese and English, help channels, and one account per role.

``build_demo()`` is safe to run again: it finds what exists by slug or name and
brings it back to the demo text instead of adding copies. Tests use it too, to
rebuild the site after a transactional test has emptied the tables.
"""

import base64
import hashlib

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Locale, Page, Site

from content import demo_guides
from content.models import (
    CommunityCentre,
    HelpBarSettings,
    HelpPage,
    HomePage,
    Hotline,
    PrivacyNoticePage,
    ServiceIndexPage,
    ServicePage,
)
from portal.accounts import api as accounts_api
from portal.accounts.duty import set_on_duty
from portal.accounts.roles import ensure_roles
from portal.acting import Acting
from portal.areas.models import District, Street
from portal.areas.shanghai import load_shanghai
from portal.channels import Channel
from portal.consent.models import Consent, Scope
from portal.privacy import agreements
from portal.privacy.models import ProcessingConsent, Purpose
from services.registry import build_service_demos

ZH, EN = "zh-hans", "en"

HOTLINE = {
    ZH: {
        "name": "为老服务一键通",
        "number": "962 200",
        "dial": "962200",
        "hours": "每天 8:00 至 20:00",
        "typical_wait": "通常 2 分钟内有人接听",
    },
    EN: {
        "name": "Senior Service Line",
        "number": "962 200",
        "dial": "962200",
        "hours": "Every day, 8:00 to 20:00",
        "typical_wait": "Usually answered within 2 minutes",
    },
}

CENTRES = [
    {
        ZH: {
            "name": "静安寺街道社区服务中心",
            "district": "静安区",
            "address": "华山路 100 号，近地铁 2 号线静安寺站 5 号口",
            "hours": "周一至周六 9:00 至 17:00",
        },
        EN: {
            "name": "Jing'an Temple Community Service Centre",
            "district": "Jing'an",
            "address": "100 Huashan Road, near Jing'an Temple station exit 5 (Line 2)",
            "hours": "Monday to Saturday, 9:00 to 17:00",
        },
        "phone": "021-6200 1001",
        "dial": "02162001001",
    },
    {
        ZH: {
            "name": "徐家汇街道社区服务中心",
            "district": "徐汇区",
            "address": "虹桥路 200 号，徐家汇公园对面",
            "hours": "周一至周五 8:30 至 17:00",
        },
        EN: {
            "name": "Xujiahui Community Service Centre",
            "district": "Xuhui",
            "address": "200 Hongqiao Road, opposite Xujiahui Park",
            "hours": "Monday to Friday, 8:30 to 17:00",
        },
        "phone": "021-6400 2002",
        "dial": "02164002002",
    },
    {
        ZH: {
            "name": "塘桥街道社区服务中心",
            "district": "浦东新区",
            "address": "浦建路 300 号，塘桥菜场旁",
            "hours": "周一至周六 9:00 至 16:30",
        },
        EN: {
            "name": "Tangqiao Community Service Centre",
            "district": "Pudong",
            "address": "300 Pujian Road, next to Tangqiao market",
            "hours": "Monday to Saturday, 9:00 to 16:30",
        },
        "phone": "021-5800 3003",
        "dial": "02158003003",
    },
]

HOME = {
    ZH: {"title": "长者服务门户", "intro": "叫车、挂号、找人帮忙，都在这里。也可以打电话办理。"},
    EN: {
        "title": "Silver Portal",
        "intro": "Taxis, hospital bookings and help from a person. "
        "You can also do everything by phone.",
    },
}

SERVICE_INDEX = {
    "slug": "services",
    ZH: {"title": "办事指南", "summary": "常用服务怎么办，网上、电话、社区都能办。"},
    EN: {
        "title": "Services",
        "summary": "How to use each service: online, by phone or at a community centre.",
    },
}

# Each service: slug, built-in service key, and the text in both languages.
SERVICES = [
    {
        "slug": "taxi",
        "service": "taxi",
        ZH: {
            "title": "一键叫车",
            "summary": "在家门口叫出租车，不用说去哪里，司机会打电话给您。",
            "steps": [
                "登录后按“从家里叫车”。",
                "司机接单后，页面和短信会告诉您车牌和颜色。",
                "司机会先打电话给您，请留意来电。",
                "上车后告诉司机去哪里，可以付现金。",
            ],
            "bring": ["手机", "现金或交通卡"],
            "phone": "按 1 或说“打车”，听到地址后再按 1，出租车就到您家门口。"
            "要在别处上车，按 0 找人工。",
            "centre": "工作人员可以帮您叫车，车会开到服务中心门口。",
        },
        EN: {
            "title": "One-tap taxi",
            "summary": "Call a taxi to your door. You do not need to say where you are going.",
            "steps": [
                "Sign in and press 'Taxi from home'.",
                "When a driver accepts, this page and a text message tell you the car's "
                "plate and colour.",
                "The driver calls you first, so keep your phone nearby.",
                "Tell the driver where to go. You can pay in cash.",
            ],
            "bring": ["Your phone", "Cash or a transport card"],
            "phone": "Press 1 or say 'taxi', then press 1 again: a taxi comes to your home. "
            "To be picked up somewhere else, press 0 for a person.",
            "centre": "Staff can call a taxi for you to the centre's door.",
        },
    },
    {
        "slug": "hospital",
        "service": "hospital",
        ZH: {
            "title": "预约挂号",
            "summary": "提前预约医院门诊，到医院不用排队挂号。",
            "steps": [
                "选择医院。",
                "选择科室，不知道挂哪个科可以问人。",
                "选择日期和时间。",
                "确认后会收到短信识别码，就诊当天带上身份证。",
            ],
            "bring": ["身份证", "医保卡"],
            "phone": "按 2 或说“预约”，我们回拨您登记的号码，读出您下一次的预约。"
            "要挂号，按 0 找人工，接线员帮您选医院和时间。",
            "centre": "带上身份证和医保卡，工作人员帮您预约并打印预约单。",
        },
        EN: {
            "title": "Hospital booking",
            "summary": "Book a hospital appointment ahead, so you do not queue to register.",
            "steps": [
                "Choose the hospital.",
                "Choose the department. If you are not sure which one, ask a person.",
                "Choose the day and time.",
                "You get a code by text message. Bring your ID card on the day.",
            ],
            "bring": ["ID card", "Medical insurance card"],
            "phone": "Press 2 or say 'appointment': we call your registered number back and "
            "read your next appointment. To book, press 0 for a person, who helps you choose.",
            "centre": "Bring your ID and insurance card. Staff book for you and print the slip.",
        },
    },
    {
        "slug": "senior-card",
        "service": "",
        ZH: {
            "title": "办理老年人优待证",
            "summary": "年满 60 岁可以办优待证，坐公交、进公园有优惠。",
            "steps": [
                "准备身份证和一张一寸照片。",
                "到社区服务中心窗口填表。",
                "约 10 个工作日后，凭短信通知领取。",
            ],
            "bring": ["身份证", "一寸照片一张"],
            "phone": "按 0 或说“人工”，告诉接线员您要问优待证的办理进度。",
            "centre": "在窗口填表并交照片，工作人员帮您核对。",
        },
        EN: {
            "title": "Senior citizen card",
            "summary": "At 60 or older you can get a card for cheaper buses and parks.",
            "steps": [
                "Have your ID card and one small photo ready.",
                "Fill in the form at a community centre counter.",
                "Collect the card about 10 working days later, when a text tells you.",
            ],
            "bring": ["ID card", "One passport-size photo"],
            "phone": "Press 0 or say 'person' and ask how your senior card is coming along.",
            "centre": "Fill in the form at the counter. Staff check it with you.",
        },
    },
    {
        "slug": "pension-check",
        "service": "",
        ZH: {
            "title": "养老金资格认证",
            "summary": "每年认证一次，证明本人健在，养老金才能照常发放。",
            "steps": [
                "每年生日前后会收到短信提醒。",
                "到社区服务中心刷脸认证，或请工作人员上门。",
                "认证成功会收到短信。",
            ],
            "bring": ["身份证"],
            "phone": "行动不便可以打电话预约上门认证：按 0 或说“人工”，告诉接线员您要认证。",
            "centre": "带上身份证，工作人员帮您刷脸认证，几分钟就好。",
        },
        EN: {
            "title": "Yearly pension check",
            "summary": "Once a year, confirm your identity so your pension keeps being paid.",
            "steps": [
                "A text message reminds you around your birthday.",
                "Have your face checked at a community centre, or ask for a home visit.",
                "A text message tells you it is done.",
            ],
            "bring": ["ID card"],
            "phone": "If it is hard to go out, book a home visit: press 0 or say 'person'.",
            "centre": "Bring your ID card. Staff check your face; it takes a few minutes.",
        },
    },
    {
        "slug": "medical-card",
        "service": "",
        ZH: {
            "title": "补办医保卡",
            "summary": "医保卡丢了或坏了，可以补办一张新卡。",
            "steps": [
                "先打电话挂失，防止别人使用。",
                "到社区服务中心窗口申请补办。",
                "新卡做好后会短信通知您领取。",
            ],
            "bring": ["身份证"],
            "phone": "按 0 或说“人工”，告诉接线员医保卡丢了，接线员马上帮您挂失。",
            "centre": "带上身份证，在窗口申请补办，可以请工作人员帮您填表。",
        },
        EN: {
            "title": "Replace a medical insurance card",
            "summary": "If your insurance card is lost or broken, you can get a new one.",
            "steps": [
                "Call first to block the lost card.",
                "Ask for a new card at a community centre counter.",
                "A text message tells you when to collect it.",
            ],
            "bring": ["ID card"],
            "phone": "Press 0 or say 'person' and say the card is lost: it is blocked at once.",
            "centre": "Bring your ID card. Staff can fill in the form with you.",
        },
    },
]


def _notice_part(service, what, why, who_sees):
    return ("service", {"service": service, "what": what, "why": why, "who_sees": who_sees})


# The privacy notice: every sentence must stay true of what the portal does (its periods come
# from the settings, not from here).
PRIVACY = {
    ZH: {
        "title": "隐私说明",
        "summary": "我们收集哪些信息、为什么、谁能看到、保存多久。",
        "who_we_are": "长者服务门户帮老年居民叫车、挂号、找人帮忙。"
        "我们只收集办这些事需要的信息，不卖给任何人。",
        "services": [
            _notice_part(
                "叫车",
                "手机号、家庭住址、常用地点，每次叫车的地点和时间。",
                "把车派到您家门口，并用短信告诉您车在哪里。",
                "派车的出租车公司只看到这一单；您允许的家人；帮您办事的志愿者和工作人员。",
            ),
            _notice_part(
                "挂号",
                "真实姓名和身份证号只保存隐藏了一部分的样子和一个加密指纹；还有挂号记录。",
                "向医院挂号，发识别码给您。",
                "医院；您允许的家人；帮您挂号的志愿者和工作人员。",
            ),
            _notice_part(
                "找人帮忙",
                "您的电话、想办的事、办理经过。",
                "让志愿者和工作人员给您回电，替您办事。",
                "值班的志愿者和窗口工作人员。谁看过都记在“谁看过我的信息”里。",
            ),
        ],
        "keeping": "",
        "rights": "您可以在“我的”里查看和下载门户保存的您的全部信息，"
        "在“我的信息”里更正资料，看到谁看过您的信息。",
        "ask_a_person": "对您的信息有疑问，请打服务热线，或到社区服务中心找工作人员。",
    },
    EN: {
        "title": "Privacy",
        "summary": "What we collect, why, who sees it and how long we keep it.",
        "who_we_are": "The portal helps older residents call taxis, book hospital visits and "
        "get help from a person. We collect only what these need, and sell nothing to anyone.",
        "services": [
            _notice_part(
                "Taxi",
                "Your phone, home address, saved places and each trip.",
                "To send the car to your door and tell you where it is.",
                "The taxi company (that ride only), family you allowed, and staff who help you.",
            ),
            _notice_part(
                "Hospital",
                "Your real name and ID number (only partly kept, with a coded fingerprint) "
                "and your appointments.",
                "To book with the hospital and send you the code.",
                "The hospital, family you allowed, and staff who book for you.",
            ),
            _notice_part(
                "Help from a person",
                "Your phone, what you need, and what was done.",
                "So volunteers and staff can call you back and act for you.",
                "Volunteers and counter staff on duty; each look is listed for you.",
            ),
        ],
        "keeping": "",
        "rights": 'Under "Mine" you can see and download everything the portal holds about '
        "you, correct your details, and see who has seen your information.",
        "ask_a_person": "With a question about your information, call the hotline or ask the "
        "staff at a community service centre.",
    },
}

HELP_PAGES = [
    {
        "slug": "ask-a-person",
        "tile": ("找人帮忙", "Get help", "person", "assist"),
        ZH: {
            "title": "找人帮忙",
            "summary": "不会用、不方便，都可以请人帮您办。",
            "body": [
                "打电话给为老服务一键通，接线员可以直接帮您办，也可以请志愿者上门。",
                "到任何一个社区服务中心，窗口工作人员会帮您办。",
                "志愿者替您办事前，会先征得您的同意，并记录下来，您随时可以查看。",
            ],
        },
        EN: {
            "title": "Get help from a person",
            "summary": "If something is hard to do, a person can do it with you.",
            "body": [
                "Call the Senior Service Line. The operator can do it for you, or send "
                "a volunteer.",
                "Go to any community service centre. Counter staff will help you.",
                "Before a volunteer acts for you, they ask for your consent and record it. "
                "You can see that record at any time.",
            ],
        },
    },
    {
        "slug": "by-phone",
        "tile": ("电话办理", "By phone", "phone", ""),
        ZH: {
            "title": "电话办理",
            "summary": "不上网也能办，打一个电话就行。",
            "body": [
                "拨打 962 200，每天 8:00 至 20:00 有人接听。",
                "菜单只有三个选项（见下面），听不清可以按星号键再听一遍，随时按 0 找人工。",
                "如果两次没听懂您的选择，会直接为您转接人工。",
            ],
        },
        EN: {
            "title": "Do it by phone",
            "summary": "No internet needed: one phone call is enough.",
            "body": [
                "Call 962 200. Someone answers every day from 8:00 to 20:00.",
                "The menu has three choices (below). Press star to hear it again, 0 for a person.",
                "If your choice is not understood twice, you are put through to a person.",
            ],
        },
    },
    {
        "slug": "centres",
        "tile": ("社区服务中心", "Centres", "centre", ""),
        ZH: {
            "title": "社区服务中心",
            "summary": "到家附近的服务中心，工作人员当面帮您办。",
            "body": ["下面是各个服务中心的地址、开放时间和电话。"],
        },
        EN: {
            "title": "Community service centres",
            "summary": "Go to a centre near you and staff will help you in person.",
            "body": ["Here are the centres with their address, opening hours and phone."],
        },
    },
]

# Demo people: (username, role code, name). Staff passwords are printed once. The roles and
# their permissions are not the demo's: they are portal.accounts.roles, made by a migration.
STAFF = [
    ("volunteer", "volunteer", "志愿者小张"),
    ("counter", "counter", "窗口小李"),
    ("supervisor", "supervisor", "主管老陈"),
    ("editor", "editor", "编辑小周"),
    ("admin", "administrator", "管理员"),
]
RESIDENTS = [
    ("+8613800000001", "王阿姨", "静安寺街道"),
    ("+8613800000002", "李先生", "徐家汇街道"),
    ("+8613800000077", "张奶奶", "塘桥街道"),
]
# A family member of 张奶奶 (not of the residents the tests sign in as, whose logs they read):
# (phone, name, the resident's phone, permissions).
FAMILY = (
    "+8613800000088",
    "张小红",
    "+8613800000077",
    (Scope.TAXI, Scope.HOSPITAL, Scope.SEE_APPOINTMENTS),
)
# The demo centres (CENTRES, in order) and the street each serves.
CENTRE_STREETS = ["静安寺街道", "徐家汇街道", "塘桥街道"]
# Who is on duty in the demo, where, speaking what: (username, streets, whole districts,
# languages). A volunteer and a counter clerk on duty, so the desk has someone to offer to.
DUTIES = [
    ("volunteer", ["静安寺街道", "南京西路街道"], [], ["zh-hans", "wuu"]),
    ("counter", [], ["徐汇区"], ["zh-hans", "en"]),
    ("supervisor", [], [], ["zh-hans", "en"]),
]


def build_demo(stdout=None):
    """Create or refresh all demo content and accounts; return the printed sign-in lines."""
    with transaction.atomic():
        zh, en = _locales()
        hotline = _translated_snippet(Hotline, HOTLINE, {"dial": HOTLINE[ZH]["dial"]}, zh, en)
        centres = [
            _translated_snippet(
                CommunityCentre, centre, {"phone": centre["phone"], "dial": centre["dial"]}, zh, en
            )
            for centre in CENTRES
        ]
        load_shanghai(centres=dict(zip(CENTRE_STREETS, centres, strict=True)))
        home = _home(zh)
        guide_index, guides = demo_guides.build_guides(home, _child)
        index = _child(home, ServiceIndexPage, SERVICE_INDEX["slug"], SERVICE_INDEX[ZH])
        services = {
            spec["slug"]: _child(
                index,
                ServicePage,
                spec["slug"],
                _service_fields(spec, ZH, hotline, centres, guides),
            )
            for spec in SERVICES
        }
        help_pages = {
            spec["slug"]: _child(home, HelpPage, spec["slug"], _help_fields(spec, ZH))
            for spec in HELP_PAGES
        }
        _set_tiles(home, ZH, services, help_pages)
        privacy = _child(home, PrivacyNoticePage, "privacy", PRIVACY[ZH])
        _translate_tree(
            home, index, services, help_pages, hotline, centres, en, (guide_index, guides)
        )
        _translation(privacy, en, PRIVACY[EN])
        settings = HelpBarSettings.for_site(Site.objects.get(is_default_site=True))
        settings.hotline = hotline
        settings.ask_page = help_pages["ask-a-person"]
        settings.save()
        lines = _accounts()
        lines.extend(build_service_demos())
    if stdout is not None:
        for line in lines:
            stdout.write(line)
    return lines


def _locales():
    zh, _ = Locale.objects.get_or_create(language_code=ZH)
    en, _ = Locale.objects.get_or_create(language_code=EN)
    return zh, en


def _translated_snippet(model, spec, shared, zh, en):
    original = model.objects.filter(locale=zh, name=spec[ZH]["name"]).first()
    if original is None:
        original = model(locale=zh, **{**spec[ZH], **shared})
    else:
        for field, value in {**spec[ZH], **shared}.items():
            setattr(original, field, value)
    original.save()
    translation = original.get_translation_or_none(en) or original.copy_for_translation(en)
    for field, value in {**spec[EN], **shared}.items():
        setattr(translation, field, value)
    translation.save()
    return original


def _home(zh):
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(title="Root", slug="root", locale=zh)
    # Wagtail's own "Welcome to your new Wagtail site!" page is not ours (deleting
    # it also deletes the site that points at it; the site is made again below).
    for page in root.get_children().not_type(HomePage):
        page.delete()
    home = HomePage.objects.filter(locale=zh, depth=2).first()
    if home is None:
        home = root.add_child(instance=HomePage(slug="home", locale=zh, **HOME[ZH]))
    else:
        _set_fields(home, HOME[ZH])
    home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True)
    site.root_page = home
    site.site_name = "长者服务门户"
    site.save()
    return home


def _child(parent, model, slug, fields):
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = parent.add_child(instance=model(slug=slug, locale=parent.locale, **fields))
    else:
        _set_fields(page, fields)
    page.full_clean()
    page.save_revision().publish()
    return page


def _set_fields(page, fields):
    for field, value in fields.items():
        setattr(page, field, value)


def _service_fields(spec, lang, hotline, centres, guides):
    text = spec[lang]
    return {
        "title": text["title"],
        "summary": text["summary"],
        "service": spec["service"],
        # Guides in the page's language (every demo service page has one).
        "guide": guides[demo_guides.SERVICE_GUIDES[spec["slug"]]],
        "steps": [("step", step) for step in text["steps"]],
        "what_to_bring": [("item", item) for item in text["bring"]],
        "offline_ways": [
            ("by_phone", {"hotline": hotline, "what_to_say": text["phone"]}),
            ("at_centre", {"what_to_do": text["centre"], "centres": centres}),
        ],
    }


def _help_fields(spec, lang):
    text = spec[lang]
    body = [("paragraph", f"<p>{paragraph}</p>") for paragraph in text["body"]]
    if spec["slug"] == "centres":
        body.append(("centres", {"district": ""}))
    if spec["slug"] == "by-phone":
        body.insert(1, ("phone_menu", None))
    return {"title": text["title"], "summary": text["summary"], "body": body}


def _set_tiles(home, lang, services, help_pages):
    labels = {
        ZH: {"taxi": "叫车", "hospital": "挂号"},
        EN: {"taxi": "Taxi", "hospital": "Hospital"},
    }
    tiles = [
        (
            "tile",
            {
                "label": labels[lang]["taxi"],
                "icon": "taxi",
                "service": "taxi",
                "page": services["taxi"],
            },
        ),
        (
            "tile",
            {
                "label": labels[lang]["hospital"],
                "icon": "hospital",
                "service": "hospital",
                "page": services["hospital"],
            },
        ),
    ]
    for spec in HELP_PAGES:
        label_zh, label_en, icon, service = spec["tile"]
        tiles.append(
            (
                "tile",
                {
                    "label": label_zh if lang == ZH else label_en,
                    "icon": icon,
                    "service": service,
                    "page": help_pages[spec["slug"]],
                },
            )
        )
    home.tiles = tiles
    home.save_revision().publish()


def _translate_tree(home, index, services, help_pages, hotline, centres, en, guides):
    """English copies made with Wagtail's translation copy, then given English text."""
    home_en = _translation(home, en, HOME[EN])
    _set_tiles(home_en, EN, services, help_pages)
    guides_en = demo_guides.translate_guides(*guides, en, _translation)
    _translation(index, en, SERVICE_INDEX[EN])
    for spec in SERVICES:
        _translation(
            services[spec["slug"]], en, _service_fields(spec, EN, hotline, centres, guides_en)
        )
    for spec in HELP_PAGES:
        _translation(help_pages[spec["slug"]], en, _help_fields(spec, EN))


def _translation(page, locale, fields):
    translated = page.get_translation_or_none(locale)
    if translated is None:
        translated = page.copy_for_translation(locale)
    translated = translated.specific
    _set_fields(translated, fields)
    translated.full_clean()
    translated.save_revision().publish()
    return translated


def _accounts():
    User = get_user_model()
    # The migration made the roles; a test that emptied the tables took them away again.
    # (Wagtail's translation permission is made by its migration only, so it may be missing.)
    groups = ensure_roles(apps, strict=False)
    lines = ["Demo accounts (for demos only; DJANGO_ENV=production refuses to make them):"]
    for phone, name, street in RESIDENTS:
        if not User.objects.filter(phone=phone).exists():
            User.objects.create_resident(
                phone, preferred_name=name, street=Street.objects.get(name=street)
            )
        lines.append(f"  resident {name}: phone {phone} (signs in with a code by SMS)")
    lines.append(_family_member(User))
    for username, role, name in STAFF:
        group = groups[role]
        user = User.objects.filter(username=username).first() or User(username=username)
        user.first_name = name
        user.is_staff = True
        user.is_superuser = username == "admin"
        password = f"silver-demo-{username}"
        user.set_password(password)
        user.save()
        user.groups.set([group])
        key = _demo_authenticator(user)
        lines.append(f"  {group.name}: /admin/ as {username} / {password}, authenticator key {key}")
    # The demo residents agreed at the counter when they were registered (the rows only, as
    # the demo's past; their logs start empty); someone new is asked at their first taxi or
    # hospital booking.
    counter = User.objects.get(username="counter")
    for phone, _name, _street in RESIDENTS:
        resident = User.objects.get(phone=phone)
        for purpose in Purpose:
            if not agreements.has_agreed(resident, purpose):
                ProcessingConsent.objects.create(
                    resident=resident,
                    purpose=purpose,
                    version=agreements.question(purpose).version,
                    agreed=True,
                    channel=Channel.COUNTER,
                    recorded_by=counter,
                )
    for username, streets, districts, languages in DUTIES:
        duty = set_on_duty(User.objects.get(username=username), True)
        duty.streets.set(Street.objects.filter(name__in=streets))
        duty.districts.set(District.objects.filter(name__in=districts))
        duty.languages = languages
        duty.save(update_fields=["languages"])
    return lines


def _family_member(User):
    """王阿姨's daughter, with the permissions a family member is usually given (recorded once)."""
    phone, name, resident_phone, scopes = FAMILY
    member = User.objects.filter(phone=phone).first() or User.objects.create_resident(
        phone, preferred_name=name
    )
    resident = User.objects.get(phone=resident_phone)
    already = Consent.objects.in_force().filter(resident=resident, grantee=member)
    missing = [scope for scope in scopes if not already.filter(scope=scope).exists()]
    if missing:
        accounts_api.add_family_member(Acting.by_resident(resident), member, missing)
    return (
        f"  family member {name}: phone {phone}, may book taxis and hospital visits for "
        f"{resident} and see their appointments"
    )


def _demo_authenticator(user):
    """A confirmed TOTP device with a fixed key, so demo staff can add it to an app."""
    secret = hashlib.sha1(f"silver-demo-{user.username}".encode()).hexdigest()  # noqa: S324
    TOTPDevice.objects.update_or_create(
        user=user, name="demo authenticator", defaults={"key": secret, "confirmed": True}
    )
    return base64.b32encode(bytes.fromhex(secret)).decode()
