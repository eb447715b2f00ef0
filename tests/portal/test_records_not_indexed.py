"""Records written by residents' actions stay out of Wagtail's reference index: its "usage"
counts tell editors nothing about them, and indexing cost a task and queries per save."""

import pytest
from django.urls import reverse
from wagtail.models import ReferenceIndex

from portal.audit.models import AuditEntry
from portal.notifications.models import Message
from services.hospital.models import Appointment, Department
from services.taxi.models import Ride


def test_records_are_not_tracked_and_editors_content_still_is():
    reverse("wagtailadmin_home")  # loads the admin's URLs, which registers every viewset
    for record in (Message, AuditEntry, Ride, Appointment):
        assert record not in ReferenceIndex.tracked_models, record
    assert Department in ReferenceIndex.tracked_models  # it points at its hospital


@pytest.mark.django_db
def test_saving_a_message_writes_no_references(django_assert_num_queries):
    reverse("wagtailadmin_home")
    message = Message(
        medium="sms",
        recipient="+8613800000001",
        purpose="sign_in_code",
        template="sign_in_code",
        language="zh-hans",
        body="验证码 123456",
        not_before="2026-11-25T09:00:00+08:00",
    )
    with django_assert_num_queries(1):  # the INSERT, and nothing after it
        message.save()
