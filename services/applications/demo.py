"""Demo application pages: 敬老卡 (the elderly card) and 助餐 (meal delivery), in Chinese and in
English, under the services index page.

``build_application_demo()`` is safe to run again: a page is found by its slug under the index
and refreshed. It runs in every test session (``content.demo.build_demo``), so it stays small:
two pages, each published once in each language.
"""

from wagtail.models import Locale

from content.models import CommunityCentre, Hotline, ServiceIndexPage
from services.applications.models import ApplicationPage, ContactUnit

ZH, EN = "zh-hans", "en"


def _choice(key, question, options, help_text="", aloud="", show_if="", values=""):
    return (
        "choice",
        {
            "key": key,
            "question": question,
            "help_text": help_text,
            "ask_aloud": aloud,
            "options": [{"value": value, "label": label} for value, label in options],
            "show_if_question": show_if,
            "show_if_values": values,
        },
    )


def _simple(kind, key, question, help_text="", aloud="", show_if="", values="", **more):
    return (
        kind,
        {
            "key": key,
            "question": question,
            "help_text": help_text,
            "ask_aloud": aloud,
            "show_if_question": show_if,
            "show_if_values": values,
            **more,
        },
    )


CARD = {
    "slug": "elderly-card",
    "centre": None,  # the city-wide desk queue
    "contact": (2, ContactUnit.WORKING_DAYS),
    ZH: {
        "title": "申请敬老卡",
        "summary": "年满60岁的老人可以免费办敬老卡，乘车、逛公园有优惠。",
        "eligibility": "年满60周岁、本市户籍或持本市居住证的老人。",
        "documents": ["身份证", "户口簿或居住证", "一寸照片一张"],
        "next": "社区工作人员核对您的信息，需要时请您补交材料。"
        "批准后，敬老卡寄到您家，或请您到社区中心领取。",
        "how_long": "约10个工作日",
        "label": "敬老卡",
        "phone": "打热线，说“办敬老卡”，工作人员帮您填写。",
        "centre": "带上身份证和照片，工作人员帮您申请。",
        "questions": [
            _simple(
                "date",
                "birth",
                "您的出生日期是哪天？",
                help_text="和身份证上的一样。",
                aloud="请问您是哪年哪月哪天出生的？",
                when="past",
            ),
            _choice(
                "residence",
                "您的户口在本市吗？",
                [
                    ("local", "本市户籍"),
                    ("permit", "外省市户籍，有本市居住证"),
                    ("other", "都不是"),
                ],
                aloud="请问您是本市户口，还是有本市居住证？",
            ),
            _simple(
                "text",
                "permit_number",
                "您的居住证号码是多少？",
                help_text="在居住证正面。",
                aloud="请念一下您居住证上的号码。",
                show_if="residence",
                values="permit",
            ),
            _choice(
                "collect",
                "敬老卡怎么给您？",
                [("post", "寄到我家"), ("centre", "我到社区中心领取")],
            ),
            _simple(
                "phone",
                "contact_phone",
                "我们打哪个电话找您？",
                help_text="手机或家里的电话都可以。",
                aloud="我们打哪个电话和您联系？",
            ),
        ],
    },
    EN: {
        "title": "Apply for an elderly card",
        "summary": "People aged 60 or over get a free elderly card for cheaper buses and parks.",
        "eligibility": "Residents aged 60 or over with a local household registration "
        "or a residence permit.",
        "documents": ["ID card", "Household register or residence permit", "One passport photo"],
        "next": "Staff at the community centre check your details and ask for any missing "
        "document. Once approved, the card is posted to you or you collect it at the centre.",
        "how_long": "about 10 working days",
        "label": "Elderly card",
        "phone": "Call the hotline and say “elderly card”: staff fill in the form with you.",
        "centre": "Bring your ID card and a photo: staff apply for you.",
        "questions": [
            _simple(
                "date",
                "birth",
                "What is your date of birth?",
                help_text="As on your ID card.",
                aloud="What year, month and day were you born?",
                when="past",
            ),
            _choice(
                "residence",
                "Is your household registration in this city?",
                [
                    ("local", "Yes, local registration"),
                    ("permit", "No, but I have a residence permit"),
                    ("other", "Neither"),
                ],
                aloud="Are you registered here, or do you have a residence permit?",
            ),
            _simple(
                "text",
                "permit_number",
                "What is your residence permit number?",
                help_text="It is on the front of the permit.",
                aloud="Please read the number on your residence permit.",
                show_if="residence",
                values="permit",
            ),
            _choice(
                "collect",
                "How should we give you the card?",
                [("post", "Post it to my home"), ("centre", "I collect it at the centre")],
            ),
            _simple(
                "phone",
                "contact_phone",
                "Which phone number should we call?",
                help_text="A mobile or a home phone.",
                aloud="Which number should we call you on?",
            ),
        ],
    },
}

MEALS = {
    "slug": "meal-delivery",
    "centre": 0,  # the first demo centre handles it
    "contact": (1, ContactUnit.WORKING_DAYS),
    ZH: {
        "title": "申请助餐服务",
        "summary": "每天一顿热饭，可以送到家，也可以到社区食堂吃。",
        "eligibility": "年满70周岁，或年满60周岁、独居或行动不便的老人。",
        "documents": ["身份证"],
        "next": "社区中心打电话和您确认吃饭的时间和地方，然后就开始送餐。",
        "how_long": "约3个工作日",
        "label": "助餐",
        "phone": "打热线，说“助餐”，工作人员帮您申请。",
        "centre": "到社区中心，工作人员帮您申请，也可以先尝一尝饭菜。",
        "questions": [
            _choice(
                "meal",
                "您想怎么吃饭？",
                [("deliver", "送饭到我家"), ("canteen", "我到社区食堂吃")],
                aloud="您想让我们把饭送到家，还是到社区食堂吃？",
            ),
            _simple(
                "text",
                "find_home",
                "送饭的人怎么找到您家？",
                help_text="例如楼号、门牌号、门铃怎么按。",
                show_if="meal",
                values="deliver",
            ),
            _simple(
                "yes_no",
                "special_diet",
                "您吃饭有要注意的吗？",
                help_text="例如糖尿病、要吃软的饭菜。",
            ),
            _simple("date", "start", "您想从哪天开始？", when="future"),
            _simple("phone", "contact_phone", "我们打哪个电话找您？"),
        ],
    },
    EN: {
        "title": "Apply for meal delivery",
        "summary": "A hot meal every day, delivered to your home or at the community canteen.",
        "eligibility": "Residents aged 70 or over, or aged 60 or over who live alone "
        "or find walking hard.",
        "documents": ["ID card"],
        "next": "The community centre calls you to agree the time and place, then the meals begin.",
        "how_long": "about 3 working days",
        "label": "Meal delivery",
        "phone": "Call the hotline and say “meals”: staff apply for you.",
        "centre": "Visit the community centre: staff apply for you, and you can taste the food.",
        "questions": [
            _choice(
                "meal",
                "How would you like your meals?",
                [("deliver", "Delivered to my home"), ("canteen", "At the community canteen")],
                aloud="Shall we bring the meals to your home, or will you eat at the canteen?",
            ),
            _simple(
                "text",
                "find_home",
                "How does the delivery person find your door?",
                help_text="For example the building, the door number, the bell.",
                show_if="meal",
                values="deliver",
            ),
            _simple(
                "yes_no",
                "special_diet",
                "Do you need special food?",
                help_text="For example for diabetes, or soft food.",
            ),
            _simple("date", "start", "From which day would you like meals?", when="future"),
            _simple("phone", "contact_phone", "Which phone number should we call?"),
        ],
    },
}

PAGES = [CARD, MEALS]


def build_application_demo():
    """Create or refresh the two demo application pages in both languages; return a line."""
    zh = Locale.objects.filter(language_code=ZH).first()
    en = Locale.objects.filter(language_code=EN).first()
    index = ServiceIndexPage.objects.filter(locale=zh).first() if zh else None
    if index is None:
        return "applications: no services index page, no application pages"
    hotline = Hotline.objects.filter(locale=zh).order_by("pk").first()
    centres = list(CommunityCentre.objects.filter(locale=zh).order_by("pk"))
    for spec in PAGES:
        page = _page(index, spec, ZH, hotline, centres)
        if en is not None:
            _translation(page, en, _fields(spec, EN, hotline, centres))
    return f"applications: {len(PAGES)} application pages"


def _fields(spec, lang, hotline, centres):
    text = spec[lang]
    amount, unit = spec["contact"]
    centre = centres[spec["centre"]] if spec["centre"] is not None and centres else None
    return {
        "title": text["title"],
        "summary": text["summary"],
        "eligibility": text["eligibility"],
        "documents": [("item", item) for item in text["documents"]],
        "what_happens_next": text["next"],
        "how_long": text["how_long"],
        "case_label": text["label"],
        "centre": centre,
        "contact_within": amount,
        "contact_unit": unit,
        "questions": text["questions"],
        "offline_ways": [
            ("by_phone", {"hotline": hotline, "what_to_say": text["phone"]}),
            ("at_centre", {"what_to_do": text["centre"], "centres": [centre] if centre else []}),
        ],
    }


def _set(page, fields):
    for name, value in fields.items():
        setattr(page, name, value)


def _page(index, spec, lang, hotline, centres):
    fields = _fields(spec, lang, hotline, centres)
    page = ApplicationPage.objects.child_of(index).filter(slug=spec["slug"]).first()
    if page is None:
        # add_child: the index's own list of page types is the content app's to extend.
        page = index.add_child(
            instance=ApplicationPage(slug=spec["slug"], locale=index.locale, **fields)
        )
    else:
        _set(page, fields)
    page.full_clean()
    page.save_revision().publish()
    return page


def _translation(page, locale, fields):
    translated = page.get_translation_or_none(locale)
    if translated is None:
        translated = page.copy_for_translation(locale)
    translated = translated.specific
    _set(translated, fields)
    translated.full_clean()
    translated.save_revision().publish()
    return translated
