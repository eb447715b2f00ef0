"""Sessions made from each department's weekly timetable (``WeeklySchedule`` lines).

``services.hospital.api.generate_sessions`` is the entry (the staff's "make sessions" page and
the demo call it there).
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from services.hospital.models import Session, WeeklySchedule


def generate_sessions(weeks, *, today=None, departments=None, days=None):
    """Make sessions for ``weeks`` weeks from ``today``; return how many were made.

    See ``services.hospital.api.generate_sessions``.
    """
    weeks = int(weeks)
    if not 1 <= weeks <= 12:
        raise ValueError("weeks must be between 1 and 12")
    today = today or timezone.localdate()
    lines = WeeklySchedule.objects.filter(active=True)
    if departments is not None:
        lines = lines.filter(department__in=departments)
    lines = list(lines)
    made = 0
    for offset in range(min(weeks * 7, days or weeks * 7)):
        day = today + datetime.timedelta(days=offset)
        for line in (line for line in lines if line.weekday == day.weekday()):
            # A session made before, or by hand, for the same department, doctor, day and
            # period is left as it is: running this twice makes each session once.
            same = Session.objects.filter(
                department_id=line.department_id,
                doctor_id=line.doctor_id,
                date=day,
                period=line.period,
            )
            if same.exists():
                continue
            try:
                with transaction.atomic():
                    Session.objects.create(
                        department_id=line.department_id,
                        doctor_id=line.doctor_id,
                        date=day,
                        period=line.period,
                        starts_at=line.starts_at,
                        ends_at=line.ends_at,
                        capacity=line.capacity,
                    )
                made += 1
            except IntegrityError:
                pass  # made by another run at the same moment
    return made
