"""Forum screens: thin views that fetch what the user may see, call a service, say what happened
and redirect. Everything works without JavaScript; the minutes editor keeps an unsaved draft in
the browser where scripts run."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.exports import csv_cell
from portal.models import City
from portal.paging import CountingPaginator
from portal.uploads import private_file_response
from workflows.engine import WorkflowError, history

from . import selectors, services
from .forms import (
    ActionFilterForm,
    ActionItemForm,
    ActionStatusForm,
    AnswerForm,
    AttachmentForm,
    DecisionForm,
    ForumFilterForm,
    IssueFilterForm,
    MeetingForm,
    MinutesForm,
)
from .models import MINUTES_WORKFLOW, ActionItem, Decision, Forum, Meeting, Minutes, MinutesAttachment
from .richtext import clean_html

PAGE_SIZE = 25
TRANSITIONS = {"submit_for_review", "publish", "send_back", "archive"}


def _page(request, qs, size=PAGE_SIZE):
    return CountingPaginator(qs, size).get_page(request.GET.get("page"))


def _query_without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _minutes_or_404(request, pk):
    minutes = get_object_or_404(Minutes.objects.with_meeting(), pk=pk)
    if not selectors.can_view_minutes(request.user, minutes):
        # the same answer whether the minutes exist or not: no one learns of others' drafts
        raise Http404
    return minutes


def _meeting_or_404(pk):
    return get_object_or_404(Meeting.objects.select_related("forum", "host_city"), pk=pk)


# --- forums and meetings --------------------------------------------------------------------------


def forum_list(request):
    form = ForumFilterForm(request.GET or None)
    level = form.cleaned_data.get("level", "") if form.is_valid() else ""
    forums = selectors.forum_list(level=level)
    return render(
        request,
        "forums/forum_list.html",
        {"form": form, "page": _page(request, forums), "query": _query_without_page(request)},
    )


def forum_detail(request, pk):
    forum = get_object_or_404(Forum.objects.prefetch_related("cities"), pk=pk)
    years = selectors.meeting_years(forum)
    try:
        year = int(request.GET.get("year") or 0) or None
    except ValueError:
        year = None
    meetings = selectors.meetings_of(forum, request.user, year=year if year in years else None)
    return render(
        request,
        "forums/forum_detail.html",
        {
            "forum": forum,
            "page": _page(request, meetings),
            "years": years,
            "year": year,
            "query": _query_without_page(request),
            "can_record": selectors.can_record_meetings(request.user),
        },
    )


@login_required
def meeting_new(request, forum_pk):
    forum = get_object_or_404(Forum, pk=forum_pk)
    host_cities = selectors.author_cities(request.user).order_by("name_folded")
    if not selectors.can_record_meetings(request.user):
        raise PermissionDenied
    form = MeetingForm(request.POST or None, host_cities=host_cities)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        cities, lines = data.pop("cities"), data.pop("participants").splitlines()
        try:
            with transaction.atomic():
                meeting = services.meeting_create(by=request.user, forum=forum, cities=cities, **data)
                _people, unknown = services.meeting_participants_set(
                    meeting=meeting, by=request.user, lines=lines
                )
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The meeting is recorded. Now write its minutes."))
            _say_unknown(request, unknown)
            return redirect(meeting.get_absolute_url())
    return render(request, "forums/meeting_form.html", {"form": form, "forum": forum, "meeting": None})


def _say_unknown(request, unknown):
    if unknown:
        messages.warning(
            request,
            _("Not found in the people registry, so not named: %(names)s") % {"names": "; ".join(unknown)},
        )


@login_required
def meeting_edit(request, pk):
    meeting = _meeting_or_404(pk)
    if not selectors.can_manage_meeting(request.user, meeting):
        raise PermissionDenied
    hosts = selectors.author_cities(request.user)
    if meeting.host_city_id:
        hosts = hosts | City.objects.filter(pk=meeting.host_city_id)
    initial = {"participants": "\n".join(p.name for p in meeting.people.order_by("name_folded"))}
    form = MeetingForm(
        request.POST or None,
        instance=meeting,
        initial=initial,
        host_cities=hosts.distinct().order_by("name_folded"),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        cities, lines = data.pop("cities"), data.pop("participants").splitlines()
        try:
            with transaction.atomic():
                meeting = services.meeting_update(meeting=meeting, by=request.user, cities=cities, **data)
                _people, unknown = services.meeting_participants_set(
                    meeting=meeting, by=request.user, lines=lines
                )
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The meeting is saved."))
            _say_unknown(request, unknown)
            return redirect(meeting.get_absolute_url())
    return render(
        request, "forums/meeting_form.html", {"form": form, "forum": meeting.forum, "meeting": meeting}
    )


def meeting_detail(request, pk):
    meeting = _meeting_or_404(pk)
    page = selectors.meeting_page(meeting, request.user)
    manage = selectors.can_manage_meeting(request.user, meeting)
    context = {
        "meeting": meeting,
        "cities": meeting.cities.order_by("name_folded"),
        "people": meeting.people.order_by("name_folded") if selectors.can_see_people(request.user) else [],
        "can_manage": manage,
        "languages_missing": [
            (code, label)
            for code, label in Minutes.Language.choices
            if code not in {m.language for m in page["minutes"]}
        ]
        if manage
        else [],
        **page,
    }
    if manage:
        context["decision_form"] = DecisionForm()
        context["action_form"] = ActionItemForm(
            cities=meeting.cities.order_by("name_folded"), people=meeting.people.order_by("name_folded")
        )
    return render(request, "forums/meeting_detail.html", context)


# --- minutes ------------------------------------------------------------------------------------------


@login_required
def minutes_new(request, meeting_pk):
    meeting = _meeting_or_404(meeting_pk)
    if not selectors.can_manage_meeting(request.user, meeting):
        raise PermissionDenied
    form = MinutesForm(request.POST or None, initial={"language": request.GET.get("language", "vi")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            minutes = services.minutes_create(
                meeting=meeting,
                by=request.user,
                body=data["body"],
                language=data["language"],
                is_public=data["is_public"],
            )
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("The minutes are saved as a draft. Add files, then submit them for review.")
            )
            return redirect(minutes.get_absolute_url())
    return render(request, "forums/minutes_form.html", {"form": form, "meeting": meeting, "minutes": None})


def minutes_detail(request, pk):
    minutes = _minutes_or_404(request, pk)
    user = request.user
    logged_in = user.is_authenticated
    return render(
        request,
        "forums/minutes_detail.html",
        {
            "minutes": minutes,
            "meeting": minutes.meeting,
            "body": clean_html(minutes.body),
            "attachments": list(minutes.attachments.select_related("document")),
            "can_edit": selectors.can_edit_minutes(user, minutes),
            "actions": MINUTES_WORKFLOW.actions_for(minutes, user) if logged_in else [],
            "history": history(minutes) if logged_in else [],
            "show_people": logged_in,
            "attachment_form": AttachmentForm(),
        },
    )


@login_required
def minutes_edit(request, pk):
    minutes = _minutes_or_404(request, pk)
    if not selectors.can_edit_minutes(request.user, minutes):
        raise PermissionDenied
    initial = {
        "language": minutes.language,
        "body": minutes.body,
        "is_public": minutes.is_public,
        "revision": minutes.latest_revision_id,
    }
    form = MinutesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            updated = services.minutes_update(
                minutes=minutes,
                by=request.user,
                expected_revision_id=data.get("revision"),
                body=data["body"],
                language=data["language"],
                is_public=data["is_public"],
            )
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            if updated.latest_revision_id == minutes.latest_revision_id:
                messages.info(request, _("Nothing had changed: no new version."))
            else:
                messages.success(request, _("Saved: a new version of the minutes is kept."))
            return redirect(updated.get_absolute_url())
    return render(
        request, "forums/minutes_form.html", {"form": form, "meeting": minutes.meeting, "minutes": minutes}
    )


@login_required
@require_POST
def minutes_transition(request, pk, name):
    minutes = _minutes_or_404(request, pk)
    if name not in TRANSITIONS:
        raise Http404
    try:
        minutes = services.minutes_transition(
            minutes=minutes,
            name=name,
            by=request.user,
            comment=request.POST.get("comment", ""),
            expected_state=request.POST.get("state") or None,
        )
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Done: the minutes are now %(state)s.") % {"state": minutes.get_state_display()}
        )
    return redirect("forums:minutes_detail", pk=pk)


@login_required
@require_POST
def minutes_attach(request, pk):
    minutes = _minutes_or_404(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(reverse("forums:minutes_detail", args=[pk]) + "#files")
    upload = form.cleaned_data["file"]
    try:
        data = upload.read()
        attachment = services.minutes_attach(
            minutes=minutes, by=request.user, name=upload.name, data=data, kind=form.cleaned_data["kind"]
        )
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        if attachment.text_status == MinutesAttachment.TextStatus.NO_TEXT:
            messages.warning(
                request,
                _("%(name)s is attached. It has no text layer (a scan): search will not find its words.")
                % {"name": attachment.document.title},
            )
        else:
            messages.success(request, _("%(name)s is attached.") % {"name": attachment.document.title})
    return redirect(reverse("forums:minutes_detail", args=[pk]) + "#files")


@login_required
@require_POST
def attachment_remove(request, pk):
    attachment = get_object_or_404(MinutesAttachment.objects.select_related("minutes", "document"), pk=pk)
    minutes = _minutes_or_404(request, attachment.minutes_id)
    try:
        services.attachment_remove(attachment=attachment, by=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The file is removed."))
    return redirect(reverse("forums:minutes_detail", args=[minutes.pk]) + "#files")


def attachment_download(request, pk):
    """Attachments are never under a public URL: served only to who may read the minutes
    (anyone, for public published minutes)."""
    attachment = get_object_or_404(MinutesAttachment.objects.select_related("document"), pk=pk)
    _minutes_or_404(request, attachment.minutes_id)
    document = attachment.document
    return private_file_response(document.file, attachment.content_type, filename=document.filename)


# --- versions -------------------------------------------------------------------------------------


@login_required
def minutes_versions(request, pk):
    minutes = _minutes_or_404(request, pk)
    revisions = selectors.versions(minutes)
    older = newer = None
    compare = None
    by_id = {str(r.pk): r for r in revisions}
    if request.GET.get("a") or request.GET.get("b"):
        older, newer = by_id.get(request.GET.get("a", "")), by_id.get(request.GET.get("b", ""))
        if older is None or newer is None:
            messages.error(request, _("Choose two versions of these minutes to compare."))
        else:
            if older.created_at > newer.created_at:
                older, newer = newer, older
            compare = selectors.version_compare(minutes, older, newer)
    elif len(revisions) >= 2:
        older, newer = revisions[1], revisions[0]
    return render(
        request,
        "forums/minutes_versions.html",
        {
            "minutes": minutes,
            "meeting": minutes.meeting,
            "revisions": revisions,
            "older": older,
            "newer": newer,
            "compare": compare,
            "can_edit": selectors.can_edit_minutes(request.user, minutes),
        },
    )


@login_required
@require_POST
def minutes_restore(request, pk, revision_pk):
    minutes = _minutes_or_404(request, pk)
    try:
        services.minutes_restore(minutes=minutes, revision_id=revision_pk, by=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("forums:minutes_versions", pk=pk)
    messages.success(request, _("The old version is restored, as a new version."))
    return redirect("forums:minutes_detail", pk=pk)


# --- decisions, issues, action items ----------------------------------------------------------------


@login_required
@require_POST
def decision_add(request, meeting_pk):
    meeting = _meeting_or_404(meeting_pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the decision: %(errors)s") % {"errors": _errors(form)})
    else:
        try:
            services.decision_add(meeting=meeting, by=request.user, **form.cleaned_data)
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Recorded."))
    return redirect(reverse("forums:meeting_detail", args=[meeting.pk]) + "#decisions")


@login_required
@require_POST
def decision_answer(request, pk):
    decision = get_object_or_404(Decision.objects.select_related("meeting"), pk=pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the answer: %(errors)s") % {"errors": _errors(form)})
    else:
        try:
            services.decision_answer(decision=decision, by=request.user, **form.cleaned_data)
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The answer is recorded."))
    return redirect(decision.get_absolute_url())


@login_required
@require_POST
def action_add(request, meeting_pk):
    meeting = _meeting_or_404(meeting_pk)
    form = ActionItemForm(request.POST, cities=meeting.cities.all(), people=meeting.people.all())
    if not form.is_valid():
        messages.error(request, _("Check the action item: %(errors)s") % {"errors": _errors(form)})
    else:
        try:
            services.action_item_add(meeting=meeting, by=request.user, **form.cleaned_data)
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Recorded."))
    return redirect(reverse("forums:meeting_detail", args=[meeting.pk]) + "#actions")


@login_required
@require_POST
def action_update(request, pk):
    item = get_object_or_404(ActionItem.objects.select_related("meeting"), pk=pk)
    later = Meeting.objects.filter(date__gte=item.meeting.date).exclude(pk=item.meeting_id)
    form = ActionStatusForm(request.POST, meetings=later)
    if not form.is_valid():
        messages.error(request, _("Check the action item: %(errors)s") % {"errors": _errors(form)})
    else:
        data = form.cleaned_data
        if data["status"] == ActionItem.Status.DONE and not data["done_on"]:
            data["done_on"] = timezone.localdate()
        try:
            services.action_item_update(item=item, by=request.user, **data)
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The action item is updated."))
    return redirect(request.POST.get("next") if _safe_next(request) else item.get_absolute_url())


def _safe_next(request):
    target = request.POST.get("next", "")
    return target.startswith("/forums/") and "//" not in target


def _errors(form):
    return " ".join(
        f"{form.fields[n].label if n in form.fields else ''}: {e}"
        for n, errs in form.errors.items()
        for e in errs
    )


def issues_list(request):
    form = IssueFilterForm(request.GET or None, years=selectors.issue_years(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.issues_raised(
        request.user,
        addressed_to=filters.get("addressed_to", ""),
        status=filters.get("status", ""),
        year=filters.get("year"),
        city=filters.get("city"),
        level=filters.get("level", ""),
    )
    if request.GET.get("format") == "csv":
        return _issues_csv(qs)
    return render(
        request,
        "forums/issues_list.html",
        {"form": form, "page": _page(request, qs), "query": _query_without_page(request)},
    )


def _cell(value):
    """A CSV cell a spreadsheet will not run as a formula (the portal's one helper)."""
    return csv_cell("" if value is None else str(value))


def _issues_csv(qs):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="issues-raised.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Date raised"),
            _("Forum"),
            _("Meeting"),
            _("Raised to"),
            _("Addressee"),
            _("Issue"),
            _("Status"),
            _("Answer"),
        ]
    )
    for issue in qs.iterator(chunk_size=500):
        writer.writerow(
            [
                _cell(issue.raised_on.strftime("%d/%m/%Y")),
                _cell(issue.meeting.forum.name),
                _cell(issue.meeting.title),
                _cell(issue.get_addressed_to_display()),
                _cell(issue.addressee),
                _cell(issue.text),
                _cell(issue.get_status_display()),
                _cell(issue.answer),
            ]
        )
    return response


@login_required
def actions_list(request):
    cities = selectors.cities_with_open_items(request.user)
    form = ActionFilterForm(request.GET or None, cities=cities)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.open_action_items(
        request.user, city=filters.get("city"), overdue_only=filters.get("overdue", False)
    )
    page = _page(request, qs, 50)
    editable = {item.pk for item in page if selectors.can_update_action_item(request.user, item)}
    return render(
        request,
        "forums/actions_list.html",
        {
            "form": form,
            "page": page,
            "editable": editable,
            "query": _query_without_page(request),
            "today": timezone.localdate(),
        },
    )
