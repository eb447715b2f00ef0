"""The people in these tests: two residents, and staff in their demo roles."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils.translation import trans_real

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def neighbour(django_user_model):
    """李先生, a second resident, who must never see 王阿姨's records (nor she his)."""
    return django_user_model.objects.get(phone="+8613800000002")


@pytest.fixture
def counter_staff(django_user_model):
    return django_user_model.objects.get(username="counter")


@pytest.fixture
def supervisor(django_user_model):
    return django_user_model.objects.get(username="supervisor")


@pytest.fixture
def at(time_machine):
    """Stop the clock at a Shanghai wall-clock time: ``at(2026, 11, 20, 9, 0)``."""

    def move(*parts):
        moment = datetime(*parts, tzinfo=SHANGHAI)
        time_machine.move_to(moment, tick=False)
        return moment

    return move


@pytest.fixture
def chinese(monkeypatch):
    """Give a msgid a Chinese translation for one test, as the catalogue will once it is added."""
    catalogue = trans_real.translation("zh-hans")._catalog._catalogs[0]

    def translate(msgid, msgstr):
        monkeypatch.setitem(catalogue, msgid, msgstr)

    return translate
