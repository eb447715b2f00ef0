"""What was written about a resident on a closed request is forgotten after the keep time."""

import pytest

from assist import api
from assist.models import HelpRequest, Kind
from portal.channels import Channel
from portal.retention import FORGETTERS, forget_old_records

pytestmark = pytest.mark.django_db


def test_notes_are_forgotten_180_days_after_closing_and_the_numbers_stay(resident, volunteer, at):
    at(2026, 5, 1, 10, 0)
    old = api.open_request(resident, kind=Kind.CALL_BACK, channel=Channel.WEB, note="腿脚不便")
    api.take(old, volunteer)
    api.add_note(old, volunteer, "女儿的电话 139…")
    api.close(old, volunteer, "done", "办好了")
    at(2026, 6, 1, 10, 0)
    recent = api.open_request(resident, kind=Kind.CALL_BACK, channel=Channel.WEB, note="挂号")
    api.take(recent, volunteer)
    api.close(recent, volunteer, "done")
    still_open = api.open_request(resident, kind=Kind.CALL_BACK, channel=Channel.WEB, note="新的")

    at(2026, 11, 5, 3, 0)  # 188 days after the first closed, 157 after the second
    assert "help requests" in FORGETTERS
    assert forget_old_records()["help requests"] == 1
    assert forget_old_records()["help requests"] == 0
    old.refresh_from_db()
    assert (old.note, old.outcome, old.kind, old.street) == (
        "",
        "done",
        "call_back",
        resident.street,
    )
    assert old.forgotten_at is not None
    assert set(old.events.values_list("note", flat=True)) == {""}
    assert HelpRequest.objects.get(pk=recent.pk).note == "挂号"
    assert HelpRequest.objects.get(pk=still_open.pk).note == "新的"
