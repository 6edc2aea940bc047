"""Read queries for training pages: sessions a user may see, the roster, statistics."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from portal import selectors as portal_selectors
from portal.models import Person, Role
from portal.permissions import user_has_role
from portal.text import fold

from .models import MANAGERS, TRAINING_WORKFLOW, Attendance, AttendanceDay, TrainingSession

# --- who may do what: the training workflow's declaration, asked through one API ----------------


def can_view(user, session):
    return TRAINING_WORKFLOW.can_view(user, session)


def can_manage(user, session):
    """Run the session: the trainers listed on it (in their cities) and programme staff."""
    return user_has_role(user, MANAGERS, session)


def can_edit(user, session):
    """Change attendance, report and details: managers, while the session is not closed."""
    return TRAINING_WORKFLOW.can_edit(user, session)


def can_see_phones(user, session):
    return can_manage(user, session)


def can_create_sessions(user):
    return user_has_role(user, [Role.PROGRAMME_STAFF, Role.TRAINER])


def can_view_statistics(user):
    return user_has_role(user, [Role.PROGRAMME_STAFF, Role.CDF_SECRETARY, Role.TRAINER])


def people_in_scope(user):
    """People whom walk-ins and imported rows may be matched to: those in the cities where the
    user trains (everyone for national trainers and programme staff)."""
    return portal_selectors.people_in_scope(user, MANAGERS)


def sessions_for(user, *, status="", city_id=None, year=None):
    qs = (
        TrainingSession.objects.visible_to(user)
        .select_related("course", "city")
        .annotate(people=Count("attendances", distinct=True))
        .order_by("-starts_at", "pk")
    )
    if status:
        qs = qs.filter(status=status)
    if city_id:
        qs = qs.filter(city_id=city_id)
    if year:
        qs = qs.filter(starts_at__year=year)
    return qs


def roster(session, day, q=""):
    """The session's people with their present flag for `day`: three queries at any size.
    `q` keeps the people whose name contains it, accents and case ignored ("lan" finds Lân)."""
    qs = (
        Attendance.objects.filter(session=session)
        .select_related("person")
        .prefetch_related(
            Prefetch("days", queryset=AttendanceDay.objects.filter(day=day), to_attr="that_day")
        )
        .order_by("person__name_folded", "pk")
    )
    folded = "".join(ch for ch in fold(q) if ch.isprintable())[:100]
    if folded:
        qs = qs.filter(person__name_folded__contains=folded)
    return qs


def vietnamese_name_key(name_folded):
    """Sort key for a list read the Vietnamese way: by given name (the last word), then family
    name (the first), then the middle names: “Trần Thị An” before “Lê Văn Bình”."""
    words = name_folded.split()
    if not words:
        return ("", "", "")
    return (words[-1], words[0], " ".join(words[1:-1]))


def roster_rows(session, day, q=""):
    """The roster as a trainer works through it: people not yet marked for `day` first, then
    the marked ones; each group by given name, then family name."""
    rows = list(roster(session, day, q))
    for attendance in rows:
        record = attendance.that_day[0] if attendance.that_day else None
        attendance.marked = record is not None
        attendance.present = bool(record and record.present)
    rows.sort(key=lambda a: (a.marked, vietnamese_name_key(a.person.name_folded), a.pk))
    return rows


def present_count(session, day):
    return AttendanceDay.objects.filter(attendance__session=session, day=day, present=True).count()


GROUPINGS = {
    # group: (session keys, attendance keys, attendance-day key, label)
    "course": (
        ("course_id", "course__title"),
        "session__course_id",
        "attendance__session__course_id",
        _("Course"),
    ),
    "city": (("city_id", "city__name"), "session__city_id", "attendance__session__city_id", _("City")),
    "year": (("year", "year"), "year", "year", _("Year")),
}


def _present_rows(sessions):
    """Attendance rows of held sessions with at least one present day."""
    return Attendance.objects.filter(session__in=sessions.held()).filter(
        Exists(AttendanceDay.objects.filter(attendance=OuterRef("pk"), present=True))
    )


def _share(women, people):
    return round(100 * women / people) if people else 0


def training_statistics(sessions, group_by="course"):
    """Sessions held, participant-days, unique people, women and their share, per course,
    city or year and in total; aggregate queries only (four, whatever the size of the data).
    A participant is someone present on at least one day of a held session."""
    (session_key, label_key), attendance_key, day_key, label = GROUPINGS[group_by]
    held = sessions.held().annotate(year=ExtractYear("starts_at"))
    people_by = {
        "people": Count("person_id", distinct=True),
        "women": Count("person_id", distinct=True, filter=Q(person__gender=Person.Gender.FEMALE)),
    }
    people = {
        row[attendance_key]: row
        for row in _present_rows(sessions)
        .annotate(year=ExtractYear("session__starts_at"))
        .values(attendance_key)
        .annotate(**people_by)
    }
    days = {
        row[day_key]: row["n"]
        for row in AttendanceDay.objects.filter(attendance__session__in=sessions.held(), present=True)
        .annotate(year=ExtractYear("attendance__session__starts_at"))
        .values(day_key)
        .annotate(n=Count("id"))
    }
    rows = []
    for group in held.values(session_key, label_key).annotate(n=Count("id")).order_by(label_key):
        key = group[session_key]
        who = people.get(key, {"people": 0, "women": 0})
        rows.append(
            {
                "label": group[label_key],
                "sessions": group["n"],
                "participant_days": days.get(key, 0),
                "people": who["people"],
                "women": who["women"],
                "women_share": _share(who["women"], who["people"]),
            }
        )
    totals = _present_rows(sessions).aggregate(**people_by)
    totals["sessions"] = sum(r["sessions"] for r in rows)
    totals["participant_days"] = sum(days.values())
    totals["women_share"] = _share(totals["women"], totals["people"])
    return {"label": label, "rows": rows, "totals": totals}


def statistics_by_role(sessions):
    """Unique people and participant-days per role at the session (two queries)."""
    people = {
        row["role"]: row
        for row in _present_rows(sessions)
        .values("role")
        .annotate(
            people=Count("person_id", distinct=True),
            women=Count("person_id", distinct=True, filter=Q(person__gender=Person.Gender.FEMALE)),
        )
    }
    days = {
        row["attendance__role"]: row["n"]
        for row in AttendanceDay.objects.filter(attendance__session__in=sessions.held(), present=True)
        .values("attendance__role")
        .annotate(n=Count("id"))
    }
    labels = dict(Person.NetworkRole.choices)
    return [
        {
            "label": labels.get(role, role),
            "people": row["people"],
            "women": row["women"],
            "participant_days": days.get(role, 0),
        }
        for role, row in sorted(people.items(), key=lambda item: -item[1]["people"])
    ]
