"""Demo hospitals: three hospitals in different districts, their departments, doctors, weekly
timetables and the next 8 days of sessions, and the demo residents' names and ID numbers.

``build_hospital_demo()`` is safe to run again: it finds what exists by name and brings it back
to the demo values, and never makes a session twice. The ID numbers are made up (valid check
digit, not a real person's).
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from services.hospital import api, identity
from services.hospital.models import (
    Department,
    Doctor,
    Hospital,
    PatientIdentity,
    Period,
    WeeklySchedule,
)

BRING_ZH = "身份证、医保卡"
BRING_EN = "ID card and medical insurance card"

MORNING = (Period.MORNING, datetime.time(8, 0), datetime.time(11, 30))
AFTERNOON = (Period.AFTERNOON, datetime.time(13, 30), datetime.time(16, 30))

INTERNAL = {
    "name": "内科",
    "name_en": "Internal medicine",
    "description": "发烧、咳嗽、血压高、胃不舒服",
    "description_en": "Fever, cough, high blood pressure, an upset stomach",
}
EYES = {
    "name": "眼科",
    "name_en": "Eyes",
    "description": "看东西模糊、眼睛痛、眼睛干",
    "description_en": "Blurred sight, sore or dry eyes",
}
BONES = {
    "name": "骨科",
    "name_en": "Bones and joints",
    "description": "腰疼、腿疼、关节疼、摔伤",
    "description_en": "Back pain, leg or joint pain, after a fall",
}
HEART = {
    "name": "心内科",
    "name_en": "Heart",
    "description": "心慌、胸闷、心跳不齐",
    "description_en": "Palpitations, a tight chest, an uneven heartbeat",
}
TEETH = {
    "name": "口腔科",
    "name_en": "Teeth and mouth",
    "description": "牙疼、假牙、口腔溃疡",
    "description_en": "Toothache, dentures, mouth ulcers",
}

HOSPITALS = [
    {
        "fields": {
            "name": "瑞金医院",
            "name_en": "Ruijin Hospital",
            "district": "黄浦区",
            "address": "黄浦区瑞金二路197号，近地铁13号线淮海中路站",
            "address_en": "197 Ruijin Road No. 2, Huangpu, near Huaihai Road station (Line 13)",
            "phone": "021-6437 0045",
        },
        "departments": [
            (INTERNAL, [("张伟明", "主任医师"), ("陈丽", "副主任医师")]),
            (EYES, [("王建华", "主治医师")]),
            (BONES, [("刘志强", "副主任医师")]),
            (HEART, [("赵敏", "主任医师")]),
        ],
    },
    {
        "fields": {
            "name": "华山医院",
            "name_en": "Huashan Hospital",
            "district": "静安区",
            "address": "静安区乌鲁木齐中路12号，近地铁7号线常熟路站",
            "address_en": "12 Middle Urumqi Road, Jing'an, near Changshu Road station (Line 7)",
            "phone": "021-5288 9999",
        },
        "departments": [
            (INTERNAL, [("孙海燕", "主任医师")]),
            (BONES, [("周国平", "主治医师")]),
            (TEETH, [("吴静", "主治医师")]),
        ],
    },
    {
        "fields": {
            "name": "徐汇区中心医院",
            "name_en": "Xuhui Central Hospital",
            "district": "徐汇区",
            "address": "徐汇区淮海中路966号，近地铁1号线衡山路站",
            "address_en": "966 Middle Huaihai Road, Xuhui, near Hengshan Road station (Line 1)",
            "phone": "021-3130 0000",
        },
        "departments": [
            (INTERNAL, [("黄志华", "副主任医师"), ("林芳", "主治医师")]),
            (EYES, [("郑晓东", "主治医师")]),
            (HEART, [("何立新", "主任医师")]),
        ],
    },
]

# The demo residents' real names and (made-up) ID number bodies; the check digit is computed.
IDENTITIES = {
    "+8613800000001": ("王秀英", "31010619520315402"),
    "+8613800000002": ("李建国", "31010419480722151"),
}

DEMO_DAYS = 8


def _with_check_digit(body):
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(digit) * weight for digit, weight in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


def build_hospital_demo(today=None):
    """Create or refresh the demo hospitals and the next 8 days of sessions; return a summary.

    The demo residents (made by ``content.demo.build_demo``) get their real name and ID number
    on file, so they can book at once.
    """
    with transaction.atomic():
        departments = []
        for spec in HOSPITALS:
            hospital = _hospital(spec["fields"])
            for order, (text, doctors) in enumerate(spec["departments"], start=1):
                department = _department(hospital, text, order)
                departments.append(department)
                for index, (name, title) in enumerate(doctors):
                    doctor = _doctor(department, name, title)
                    _timetable(department, doctor, index, alone=len(doctors) == 1)
        made = api.generate_sessions(2, today=today, departments=departments, days=DEMO_DAYS)
        people = _identities()
    return f"{len(HOSPITALS)} hospitals, {made} new sessions, {people} patients with an ID on file"


def _hospital(fields):
    hospital = Hospital.objects.filter(name=fields["name"]).first() or Hospital()
    for field, value in {
        **fields,
        "what_to_bring": BRING_ZH,
        "what_to_bring_en": BRING_EN,
        "active": True,
    }.items():
        setattr(hospital, field, value)
    hospital.full_clean()
    hospital.save()
    return hospital


def _department(hospital, text, order):
    department = Department.objects.filter(hospital=hospital, name=text["name"]).first()
    department = department or Department(hospital=hospital)
    for field, value in {**text, "sort_order": order}.items():
        setattr(department, field, value)
    department.save()
    return department


def _doctor(department, name, title):
    doctor, _created = Doctor.objects.update_or_create(
        department=department, name=name, defaults={"title": title}
    )
    return doctor


def _timetable(department, doctor, index, *, alone):
    """The first doctor works weekday mornings, the second weekday afternoons; the first also
    works Saturday mornings when the department has only one."""
    if index == 0:
        lines = [(weekday, MORNING, 20) for weekday in range(5)]
        if alone:
            lines += [(weekday, AFTERNOON, 15) for weekday in range(5)]
            lines.append((5, MORNING, 10))
    else:
        lines = [(weekday, AFTERNOON, 15) for weekday in range(5)]
    for weekday, (period, starts, ends), capacity in lines:
        WeeklySchedule.objects.update_or_create(
            department=department,
            doctor=doctor,
            weekday=weekday,
            period=period,
            defaults={
                "starts_at": starts,
                "ends_at": ends,
                "capacity": capacity,
                "active": True,
            },
        )


def _identities():
    users = get_user_model().objects.filter(phone__in=IDENTITIES)
    for user in users:
        name, body = IDENTITIES[user.phone]
        # Demo data, not something anybody did: kept without an entry in their audit log.
        PatientIdentity.objects.update_or_create(
            user=user, defaults=identity.stored_fields(name, _with_check_digit(body))
        )
    return len(users)
