"""A district of their own for the supervision tests, so the demo's records never count.

测试区 has 甲街道 (six residents: counts there are shown) and 乙街道 (one resident: counts
are "<5"). The clock stands at 2026-11-20 12:00 in Shanghai.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from portal.areas.models import District, Street


@pytest.fixture
def noon(at):
    return at(2026, 11, 20, 12, 0)


@pytest.fixture
def district(db):
    return District.objects.create(name="测试区", name_en="Test District")


@pytest.fixture
def busy_street(district):
    return Street.objects.create(district=district, name="甲街道")


@pytest.fixture
def quiet_street(district):
    return Street.objects.create(district=district, name="乙街道")


@pytest.fixture
def people(busy_street, quiet_street):
    """Six residents of 甲街道, then one of 乙街道."""
    User = get_user_model()
    busy = [
        User.objects.create_resident(
            f"+861390000010{n}", preferred_name=f"甲{n}", street=busy_street
        )
        for n in range(6)
    ]
    quiet = User.objects.create_resident("+8613900000200", preferred_name="乙", street=quiet_street)
    return busy, quiet


def minutes(n):
    return timedelta(minutes=n)
