"""The made-up resident every practice run acts as.

Made afresh inside each practice request's transaction, which is always rolled back, so it is
never kept. Its ids are negative and come from the practice session, so it is the same person
on every page of one practice run (the flows' answers name it and its saved place by id), and
it can never be a real resident (real ids count up from 1), in the database or in a cache key.
"""

import secrets

from django.contrib.auth import get_user_model
from django.utils.translation import get_language, gettext

from portal.accounts.models import SavedPlace
from portal.acting import Acting
from portal.channels import Channel
from portal.privacy import agreements
from portal.privacy.models import Purpose
from services.hospital import api as hospital

# Kept in the practice session: which made-up resident this run is.
SESSION_KEY = "practice_resident"
# Plausible, and nobody's: a name, a home and a saved place, in the page's language (so they
# read naturally on an English page too), and a valid but made-up ID number.
REAL_NAME = "李桂芳"  # as on an ID card: hospitals book by it (masked on the slip, 李*芳)
ID_BODY = "31010619520314062"  # born 14 March 1952, 静安区; the check digit is worked out


def name():
    """The made-up resident's name, as the practice banner says it."""
    return gettext("Li Guifang")


def number_for(session):
    """This practice run's resident number (a new one for a new practice session)."""
    number = session.get(SESSION_KEY)
    if not isinstance(number, int) or number < 1:
        # Up to 2**40: two practice runs share one only by a chance of one in a trillion.
        number = secrets.randbelow(2**40) + 1
        session[SESSION_KEY] = number
    return number


def make(number):
    """Create the made-up resident ``number`` (inside the practice transaction); return it."""
    User = get_user_model()
    resident = User(
        pk=-number,
        username=f"practice-{number}",
        phone=_free_phone(User, number),
        first_name=name(),
        preferred_name=gettext("Auntie Li"),
        home_address=gettext("Flat 301, No. 3, Lane 12, Xingfu Li, Jing'an District"),
        language=get_language() or "zh-hans",
    )
    resident.set_unusable_password()
    resident.save(force_insert=True)
    SavedPlace.objects.create(
        pk=-number,
        resident=resident,
        label=gettext("Daughter's home"),
        address=gettext("No. 8, Lane 45, Guilin Road, Xuhui District"),
        landmark=gettext("South gate of the estate"),
    )
    # Said yes already: the privacy questions are pages outside the practised flows.
    for purpose in Purpose:
        if not agreements.has_agreed(resident, purpose):
            agreements.record_answer(resident, purpose, True, channel=Channel.WEB)
    # Hospitals book by real name, asked once: this resident has given theirs already.
    hospital.save_identity(Acting.by_resident(resident), REAL_NAME, _id_number())
    return resident


def _free_phone(User, number):
    """A mobile number no resident has (phones are unique); nothing is ever sent to it."""
    for step in range(20):
        phone = f"+86139{(number + step * 7919) % 10**8:08d}"
        if not User.objects.filter(phone=phone).exists():
            return phone
    raise RuntimeError("no free made-up phone number")


def _id_number():
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(digit) * weight for digit, weight in zip(ID_BODY, weights, strict=True))
    return ID_BODY + "10X98765432"[total % 11]
