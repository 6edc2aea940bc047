from io import StringIO

from django.core.management import call_command
from django.db.models import Count
from django_fsm_log.models import StateLog

from training.models import Attendance, AttendanceDay, TrainingSession
from training.selectors import training_statistics


def test_demo_has_the_programmes_17_sessions_and_2100_people_and_is_idempotent(db):
    call_command("seed_demo", stdout=StringIO())
    statuses = dict(TrainingSession.objects.values_list("status").annotate(n=Count("id")))
    # The first run already leaves every past session in its final state, with its history.
    assert statuses["report_submitted"] >= 10
    assert StateLog.objects.filter(content_type__model="trainingsession").count() == (
        statuses["held"] + 2 * statuses["report_submitted"]
    )
    counts = (
        TrainingSession.objects.count(),
        Attendance.objects.count(),
        AttendanceDay.objects.count(),
        StateLog.objects.count(),
    )
    stats = training_statistics(TrainingSession.objects.all())
    assert (stats["totals"]["sessions"], stats["totals"]["people"]) == (17, 2100)
    assert TrainingSession.objects.filter(city__name="Vinh", trainers__username="trainer").count() == 5
    call_command("seed_demo", stdout=StringIO())
    assert (
        TrainingSession.objects.count(),
        Attendance.objects.count(),
        AttendanceDay.objects.count(),
        StateLog.objects.count(),
    ) == counts
    assert dict(TrainingSession.objects.values_list("status").annotate(n=Count("id"))) == statuses
