"""Training's answer to portal's person merge: one person twice on one roster becomes one."""

from django.dispatch import receiver

from portal.signals import person_merging

from .models import Attendance, AttendanceDay


@receiver(person_merging, dispatch_uid="training_person_merging")
def merge_attendance(sender, keep, remove, **kwargs):
    """Where both people attended the same session, keep `keep`'s row, mark them present on
    every day either was present, and drop `remove`'s row (portal then re-points the rest)."""
    kept = {a.session_id: a for a in Attendance.objects.filter(person=keep)}
    clashing = Attendance.objects.filter(person=remove, session_id__in=kept).prefetch_related("days")
    for duplicate in clashing:
        target = kept[duplicate.session_id]
        existing = {d.day: d for d in target.days.all()}
        for day in duplicate.days.all():
            mine = existing.get(day.day)
            if mine is None:
                AttendanceDay.objects.create(attendance=target, day=day.day, present=day.present)
            elif day.present and not mine.present:
                mine.present = True
                mine.save(update_fields=["present"])
        duplicate.delete()
