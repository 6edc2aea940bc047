from io import StringIO

from django.core.management import call_command

from training.models import Attendance, AttendanceDay, TrainingSession
from training.selectors import training_statistics


def test_demo_has_the_programmes_17_sessions_and_2100_people_and_is_idempotent(db):
    call_command("seed_demo", stdout=StringIO())
    counts = (TrainingSession.objects.count(), Attendance.objects.count(), AttendanceDay.objects.count())
    stats = training_statistics(TrainingSession.objects.all())
    assert (stats["totals"]["sessions"], stats["totals"]["people"]) == (17, 2100)
    assert TrainingSession.objects.filter(city__name="Vinh", trainers__username="trainer").count() == 5
    call_command("seed_demo", stdout=StringIO())
    assert (
        TrainingSession.objects.count(),
        Attendance.objects.count(),
        AttendanceDay.objects.count(),
    ) == counts
