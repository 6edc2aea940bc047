"""Trainer screens: thin views that fetch what the user may access, call a service, say
what happened and redirect. Everything works without JavaScript."""

import datetime
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_POST

from portal.exports import dataset_bytes
from portal.imports import match_sentence, stash_drop, stash_get, stash_put
from portal.models import City, Role
from portal.paging import CountingPaginator
from portal.permissions import scope_q, user_has_role
from portal.text import fold
from portal.uploads import PHOTO_TYPES, private_file_response
from workflows.engine import WorkflowError, history

from . import selectors
from .forms import ImportForm, ReportForm, SessionForm, StatisticsFilterForm, WalkInForm
from .importing import attendance_export, attendance_import
from .models import TRAINING_WORKFLOW, Attendance, SessionPhoto, TrainingSession
from .selectors import present_count, roster_rows, sessions_for, statistics_by_role, training_statistics
from .services import (
    attendance_add,
    attendance_mark,
    session_cancel,
    session_create,
    session_mark_held,
    session_save_report,
    session_submit_report,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _session_or_404(request, pk):
    session = get_object_or_404(
        TrainingSession.objects.select_related("course", "city").prefetch_related("trainers"), pk=pk
    )
    if not selectors.can_view(request.user, session):
        raise PermissionDenied
    return session


def _require_manage(request, session):
    if not selectors.can_manage(request.user, session):
        raise PermissionDenied


def _require_edit_attendance(request, session):
    if not selectors.can_edit(request.user, session):
        raise PermissionDenied


def _day_from(session, value):
    try:
        day = datetime.date.fromisoformat(value or "")
    except ValueError:
        day = None
    if day in session.days:
        return day
    today = timezone.localdate()
    return today if today in session.days else session.days[0]


def _roster_url(session, day, anchor="", q=""):
    query = urlencode({"day": day.isoformat(), **({"q": q} if q else {})})
    url = f"{reverse('training:session_detail', args=[session.pk])}?{query}"
    return f"{url}#{anchor}" if anchor else url


def _query(request):
    """The roster's name filter (GET ?q=, kept through the forms as a hidden field)."""
    source = request.POST if request.method == "POST" else request.GET
    printable = "".join(ch for ch in source.get("q", "") if ch.isprintable())  # no NUL for the database
    return " ".join(printable.split())[:100]


@login_required
def session_list(request):
    status = request.GET.get("status", "")
    if status not in TrainingSession.Status.values:
        status = ""
    sessions = sessions_for(request.user, status=status)
    page = CountingPaginator(sessions, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "training/session_list.html",
        {
            "page": page,
            "status": status,
            "statuses": TrainingSession.Status.choices,
            "can_create": selectors.can_create_sessions(request.user),
        },
    )


def _creatable_cities(user):
    """Cities where the user may schedule: programme staff and national trainers anywhere,
    a city trainer in their city."""
    if user_has_role(user, Role.PROGRAMME_STAFF):
        return City.objects.filter(is_active=True)
    return City.objects.filter(is_active=True).filter(scope_q(City, user, Role.TRAINER))


def _new_code(city, starts_at, course):
    base = slugify(f"{fold(city.name)}-{starts_at.year}-{course.topic}")[:34]
    code, n = base, 1
    while TrainingSession.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


@login_required
def session_new(request):
    if not selectors.can_create_sessions(request.user):
        raise PermissionDenied
    form = SessionForm(request.POST or None, cities=_creatable_cities(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = session_create(
                by=request.user,
                course=data["course"],
                city=data["city"],
                venue=data["venue"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                capacity=data["capacity"],
                code=data["code"] or _new_code(data["city"], data["starts_at"], data["course"]),
            )
        except (WorkflowError, ValidationError) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("The session is scheduled."))
            return redirect("training:session_detail", pk=session.pk)
    return render(request, "training/session_form.html", {"form": form})


def _roster_context(request, session, day, walk_in_form=None):
    q = _query(request)
    rows = roster_rows(session, day, q)
    if q:  # the counts are the whole roster's, not the filter's
        total = Attendance.objects.filter(session=session).count()
        present = present_count(session, day)
    else:
        total, present = len(rows), sum(1 for a in rows if a.present)
    return {
        "session": session,
        "day": day,
        "rows": rows,
        "q": q,
        "total": total,
        "present": present,
        "unmarked": sum(1 for a in rows if not a.marked),
        "can_manage": selectors.can_manage(request.user, session),
        "can_edit": selectors.can_edit(request.user, session),
        "show_phones": selectors.can_see_phones(request.user, session),
        "walk_in_form": walk_in_form or WalkInForm(),
        "trainers": list(session.trainers.all()),
        "actions": [
            a for a in TRAINING_WORKFLOW.actions_for(session, request.user) if a.name in SIMPLE_ACTIONS
        ],
        "history": history(session),
    }


# The roster of a big session is the heaviest page a trainer opens on a phone: compressed, it
# weighs a tenth (benchmarks/roster_bench.py). BREACH: the page's one secret, the CSRF token,
# is masked afresh on every response, and Django's GZipMiddleware pads each response with
# random bytes ("Heal the Breach"), so a reflected `q` cannot be used to guess it.
@gzip_page
@login_required
def session_detail(request, pk):
    session = _session_or_404(request, pk)
    day = _day_from(session, request.GET.get("day"))
    return render(request, "training/session_detail.html", _roster_context(request, session, day))


def _mark(request, session, attendance, present):
    attendance.session = session
    day = _day_from(session, request.POST.get("day"))
    q = _query(request)
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    try:
        attendance_mark(attendance=attendance, day=day, present=present, by=request.user)
    except WorkflowError as exc:
        if wants_json:
            return JsonResponse({"error": str(exc)}, status=409)
        messages.error(request, str(exc))
        return redirect(_roster_url(session, day, q=q))
    if wants_json:
        return JsonResponse({"present": present, "count": present_count(session, day)})
    return redirect(_roster_url(session, day, f"a{attendance.pk}", q=q))


@login_required
@require_POST
def attendance_toggle(request, pk, attendance_pk):
    session = _session_or_404(request, pk)
    _require_edit_attendance(request, session)
    attendance = get_object_or_404(
        Attendance.objects.select_related("person"), pk=attendance_pk, session=session
    )
    return _mark(request, session, attendance, request.POST.get("present") == "1")


@login_required
@require_POST
def attendance_mark_view(request, pk):
    """The roster's one form: the tapped button sends `mark=<attendance id>:<1 present|0 absent>`
    (one form and one CSRF token for the whole list, not one per person)."""
    session = _session_or_404(request, pk)
    _require_edit_attendance(request, session)
    match = re.fullmatch(r"([0-9]{1,18}):([01])", request.POST.get("mark", ""))
    if match is None:
        raise Http404
    attendance = get_object_or_404(
        Attendance.objects.select_related("person"), pk=int(match[1]), session=session
    )
    return _mark(request, session, attendance, match[2] == "1")


@login_required
@require_POST
def walk_in(request, pk):
    session = _session_or_404(request, pk)
    _require_edit_attendance(request, session)
    day = _day_from(session, request.POST.get("day"))
    form = WalkInForm(request.POST)
    if form.is_valid():
        try:
            attendance, match, created = attendance_add(
                session=session, by=request.user, day=day, **form.cleaned_data
            )
        except (WorkflowError, ValidationError) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            name = attendance.person.name
            if match is not None and not created:
                messages.info(
                    request,
                    _("%(name)s was already on the list (%(reason)s): marked present.")
                    % {"name": name, "reason": match.reason_label},
                )
            elif match is not None:
                messages.success(
                    request,
                    _("Added %(name)s, an existing person in the registry (%(reason)s).")
                    % {"name": name, "reason": match.reason_label},
                )
            else:
                messages.success(request, _("Added %(name)s as a new person.") % {"name": name})
            return redirect(_roster_url(session, day, f"a{attendance.pk}"))
    context = _roster_context(request, session, day, walk_in_form=form)
    return render(request, "training/session_detail.html", context, status=400)


SIMPLE_ACTIONS = {"mark_held": session_mark_held, "cancel": session_cancel}


@login_required
@require_POST
def session_transition(request, pk, name):
    """Mark held or cancel (with the comment the action asks for); the report has its form."""
    session = _session_or_404(request, pk)
    _require_manage(request, session)
    service = SIMPLE_ACTIONS.get(name)
    if service is None:
        raise Http404
    try:
        session = service(
            session=session,
            by=request.user,
            comment=request.POST.get("comment", ""),
            expected_state=request.POST.get("state") or None,
        )
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Done: the session is now %(state)s.") % {"state": session.get_status_display()}
        )
    return redirect("training:session_detail", pk=session.pk)


@login_required
def session_report(request, pk):
    session = _session_or_404(request, pk)
    editable = selectors.can_edit(request.user, session)
    form = ReportForm(request.POST or None, request.FILES or None, instance=session)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                session_save_report(
                    session=session,
                    by=request.user,
                    topics_covered=data["topics_covered"],
                    notes=data["notes"],
                    photo=data.get("photo"),
                    caption=data.get("caption", ""),
                )
                if "submit" in request.POST:
                    session_submit_report(session=session, by=request.user)
                    messages.success(request, _("The report is submitted."))
                else:
                    messages.success(request, _("The report is saved."))
            except WorkflowError as exc:
                messages.error(request, str(exc))
            return redirect("training:session_report", pk=session.pk)
    return render(
        request,
        "training/session_report.html",
        {"session": session, "form": form, "editable": editable, "photos": session.photos.all()},
    )


@login_required
def session_photo(request, pk, photo_pk):
    """A report photo, to who may view the session: never under a public URL."""
    session = _session_or_404(request, pk)
    photo = get_object_or_404(SessionPhoto, session=session, pk=photo_pk)
    # the bytes were checked to be what the extension says when the photo was added
    extension = photo.image.name.rsplit(".", 1)[-1].lower()
    if extension not in PHOTO_TYPES or not photo.image.storage.exists(photo.image.name):
        raise Http404
    return private_file_response(photo.image, sorted(PHOTO_TYPES[extension])[0], max_age=3600)


# --- import and export ----------------------------------------------------------------------


def _stash_key(session):
    return f"training_{session.pk}"


@login_required
def import_sheet(request, pk):
    session = _session_or_404(request, pk)
    if not selectors.can_edit(request.user, session):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"session": session, "form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            report = attendance_import(
                session=session, by=request.user, data=data, filename=upload.name, dry_run=True
            )
        except WorkflowError as exc:
            form.add_error("file", str(exc))
        else:
            context["report"] = report
            context["matches"] = [match_sentence(n, m) for n, m in report.matches]
            if report.ok:
                context["token"] = stash_put(request, _stash_key(session), data, upload.name)
                context["confirm_url"] = reverse("training:import_confirm", args=[session.pk])
    return render(request, "training/import.html", context)


@login_required
@require_POST
def import_confirm(request, pk):
    session = _session_or_404(request, pk)
    if not selectors.can_edit(request.user, session):
        raise PermissionDenied
    data, filename = stash_get(request, _stash_key(session), request.POST.get("token", ""))
    if data is None:
        messages.error(request, _("The uploaded sheet has expired; upload it again."))
        return redirect("training:import_sheet", pk=session.pk)
    try:
        report = attendance_import(
            session=session, by=request.user, data=data, filename=filename, dry_run=False
        )
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("training:import_sheet", pk=session.pk)
    if not report.committed:
        messages.error(request, _("Nothing was imported: %(error)s") % {"error": report.errors[0]})
        return redirect("training:import_sheet", pk=session.pk)
    stash_drop(request, _stash_key(session))
    messages.success(
        request,
        _("Imported: %(new)s new, %(updated)s updated, %(skipped)s unchanged rows; %(people)s new people.")
        % {
            "new": report.new,
            "updated": report.updated,
            "skipped": report.skipped,
            "people": report.new_people,
        },
    )
    return redirect("training:session_detail", pk=session.pk)


def _file_response(data, file_format, name):
    content_type = "text/csv; charset=utf-8" if file_format == "csv" else XLSX
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response


@login_required
def export_sheet(request, pk):
    session = _session_or_404(request, pk)
    file_format = "csv" if request.GET.get("format") == "csv" else "xlsx"
    template = request.GET.get("template") == "1"
    data = attendance_export(session=session, by=request.user, file_format=file_format, template=template)
    name = f"{session.code}-{'template' if template else 'attendance'}"
    return _file_response(data, file_format, name)


# --- statistics ---------------------------------------------------------------------------


@login_required
def statistics(request):
    if not selectors.can_view_statistics(request.user):
        raise PermissionDenied
    form = StatisticsFilterForm(request.GET or None)
    group, year_from, year_to = "course", None, None
    if form.is_valid():
        group = form.cleaned_data["group"] or "course"
        year_from, year_to = form.cleaned_data["year_from"], form.cleaned_data["year_to"]
    sessions = TrainingSession.objects.visible_to(request.user)
    if year_from:
        sessions = sessions.filter(starts_at__year__gte=year_from)
    if year_to:
        sessions = sessions.filter(starts_at__year__lte=year_to)
    stats = training_statistics(sessions, group)
    by_role = statistics_by_role(sessions)
    file_format = request.GET.get("export")
    if file_format in ("csv", "xlsx"):
        import tablib

        dataset = tablib.Dataset(
            headers=[
                str(stats["label"]),
                _("Sessions held"),
                _("Participant-days"),
                _("People"),
                _("Women"),
                _("Women (%)"),
            ]
        )
        for row in stats["rows"]:
            dataset.append(
                [
                    row["label"],
                    row["sessions"],
                    row["participant_days"],
                    row["people"],
                    row["women"],
                    row["women_share"],
                ]
            )
        t = stats["totals"]
        dataset.append(
            [_("Total"), t["sessions"], t["participant_days"], t["people"], t["women"], t["women_share"]]
        )
        data = dataset_bytes(dataset, file_format)  # formula-safe cells
        return _file_response(data, file_format, f"training-statistics-{group}")
    query = request.GET.copy()
    query.pop("export", None)
    return render(
        request,
        "training/statistics.html",
        {"form": form, "stats": stats, "by_role": by_role, "query": query.urlencode()},
    )
