"""Exchange screens: thin views that fetch what the user may access, call a service, say what
happened and redirect. Every form works without JavaScript."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.imports import match_sentence, stash_drop, stash_get, stash_put
from portal.models import City
from portal.paging import CountingPaginator
from portal.uploads import private_file_response
from workflows.engine import WorkflowError, history

from . import selectors, services
from .forms import ExchangeForm, FileForm, FilterForm, ImportForm, LessonForm, ParticipantForm, ReportForm
from .importing import participants_export, participants_import
from .models import EXCHANGE_WORKFLOW, ExchangeFile, ExchangeParticipant, ExchangeVisit
from .network import exchange_network, network_svg

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _exchange_or_deny(request, pk):
    """The exchange if the user may view it. Otherwise 404 (not 403: whether an exchange exists
    is its cities' business), or the login page for the public."""
    exchange = selectors.exchange_for(request.user, pk)
    if exchange is None or not selectors.can_view(request.user, exchange):
        if not request.user.is_authenticated:
            raise _LoginFirst
        raise Http404
    return exchange


class _LoginFirst(Exception):
    pass


def _login_first(view):
    """Anonymous readers reach public published reports; anything else asks them to log in."""

    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _LoginFirst:
            return redirect_to_login(request.get_full_path())

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _error(form, exc):
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return
    for name, errors in getattr(exc, "field_errors", {}).items():
        if name in form.fields:
            form.add_error(name, errors)
    form.add_error(None, str(exc))


def _detail(exchange, anchor=""):
    url = reverse("exchanges:detail", args=[exchange.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


# --- list, plan, page ---------------------------------------------------------------------


def exchange_list(request):
    form = FilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "city": data["city"],
            "kind": data["kind"],
            "year": data["year"],
            "topic": data["topic"],
            "state": data["state"],
        }
    page = CountingPaginator(selectors.exchanges_for(request.user, **filters), 25).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "exchanges/exchange_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_plan": request.user.is_authenticated and selectors.can_plan(request.user),
        },
    )


@login_required
def exchange_new(request):
    cities = selectors.plannable_cities(request.user)
    if not selectors.can_plan(request.user) or not cities.exists():
        raise PermissionDenied
    form = ExchangeForm(request.POST or None, cities=cities)
    if request.method == "POST" and form.is_valid():
        try:
            exchange = services.exchange_plan(by=request.user, **form.cleaned_data)
        except (WorkflowError, ValidationError) as exc:
            _error(form, exc)
        else:
            messages.success(request, _("The exchange is planned."))
            return _detail(exchange)
    return render(request, "exchanges/exchange_form.html", {"form": form})


@login_required
def exchange_edit(request, pk):
    exchange = _exchange_or_deny(request, pk)
    if not selectors.can_edit(request.user, exchange):
        raise PermissionDenied
    initial = {
        "title": exchange.title,
        "kind": exchange.kind,
        "host_city": exchange.host_city,
        "host_communities": list(exchange.host_communities.all()),
        "visiting_cities": list(exchange.visiting_cities.all()),
        "visiting_communities": list(exchange.visiting_communities.all()),
        "start_date": exchange.start_date,
        "end_date": exchange.end_date,
        "purpose": exchange.purpose,
        "topics": [t.topic for t in exchange.topics.all()],
        "budget": exchange.budget,
        "paid_by": exchange.paid_by,
    }
    form = ExchangeForm(
        request.POST or None,
        initial=initial,
        cities=City.objects.filter(pk=exchange.host_city_id),
    )
    form.fields["host_city"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("host_city")
        try:
            services.exchange_update(exchange=exchange, by=request.user, **data)
        except (WorkflowError, ValidationError) as exc:
            _error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return _detail(exchange)
    return render(request, "exchanges/exchange_form.html", {"form": form, "exchange": exchange})


def _page_context(request, exchange, **forms):
    user = request.user
    sides = selectors.sides_for(user, exchange) if user.is_authenticated else []
    insider = selectors.sees_people(user, exchange)
    participants = list(selectors.participants_of(exchange)) if insider else []
    side_ids = {c.pk for c in sides}
    for p in participants:
        p.show_phone = p.city_id in side_ids
        p.removable = exchange.is_open and p.city_id in side_ids
    people_count = len(participants) if insider else selectors.participants_of(exchange).count()
    files = list(selectors.files_of(exchange, public_only=not user.is_authenticated))
    can_edit = selectors.can_edit(user, exchange)
    held = exchange.state == ExchangeVisit.State.HELD
    return {
        "exchange": exchange,
        "actions": EXCHANGE_WORKFLOW.actions_for(exchange, user) if user.is_authenticated else [],
        "history": history(exchange) if insider else [],
        "insider": insider,
        "participants": participants,
        "people_count": people_count,
        "lessons": list(selectors.lessons_of(exchange)),
        "photos": [f for f in files if f.is_image],
        "documents": [f for f in files if not f.is_image],
        "can_edit": can_edit,
        "can_report": can_edit and held,
        "sides": sides,
        "can_add_people": bool(sides) and exchange.is_open,
        "can_write_lessons": bool(sides) and held,
        "participant_form": forms.get("participant_form") or ParticipantForm(cities=sides),
        "lesson_form": forms.get("lesson_form") or LessonForm(cities=sides),
        "report_form": forms.get("report_form")
        or ReportForm(
            initial={
                "report_text": exchange.report_text,
                "follow_up": exchange.follow_up,
                "is_public": exchange.is_public,
            }
        ),
        "file_form": forms.get("file_form") or FileForm(),
    }


@_login_first
def exchange_detail(request, pk):
    exchange = _exchange_or_deny(request, pk)
    return render(request, "exchanges/exchange_detail.html", _page_context(request, exchange))


SIMPLE_ACTIONS = {
    "mark_held": services.exchange_mark_held,
    "cancel": services.exchange_cancel,
    "submit_report": services.exchange_submit_report,
    "publish": services.exchange_publish,
    "send_back": services.exchange_send_back,
}


@login_required
@require_POST
def exchange_transition(request, pk, name):
    exchange = _exchange_or_deny(request, pk)
    service = SIMPLE_ACTIONS.get(name)
    if service is None:
        raise Http404
    try:
        exchange = service(
            exchange=exchange,
            by=request.user,
            comment=request.POST.get("comment", ""),
            expected_state=request.POST.get("state") or None,
        )
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Done: the exchange is now %(state)s.") % {"state": exchange.get_state_display()}
        )
    return _detail(exchange)


# --- participants, lessons, report ------------------------------------------------------------


def _form_failed(request, exchange, **forms):
    context = _page_context(request, exchange, **forms)
    return render(request, "exchanges/exchange_detail.html", context, status=400)


@login_required
@require_POST
def participant_add(request, pk):
    exchange = _exchange_or_deny(request, pk)
    sides = selectors.sides_for(request.user, exchange)
    if not sides:
        raise PermissionDenied
    form = ParticipantForm(request.POST, cities=sides)
    if form.is_valid():
        try:
            participant, match, created = services.participant_add(
                exchange=exchange, by=request.user, **form.cleaned_data
            )
        except (WorkflowError, ValidationError) as exc:
            _error(form, exc)
        else:
            name = participant.person.name
            if not created:
                messages.info(request, _("%(name)s is already on the list.") % {"name": name})
            elif match is not None:
                messages.success(
                    request,
                    _("Added %(name)s, an existing person in the registry (%(reason)s).")
                    % {"name": name, "reason": match.reason_label},
                )
            else:
                messages.success(request, _("Added %(name)s as a new person.") % {"name": name})
            return _detail(exchange, "participants")
    return _form_failed(request, exchange, participant_form=form)


@login_required
@require_POST
def participant_remove(request, pk, participant_pk):
    exchange = _exchange_or_deny(request, pk)
    participant = get_object_or_404(
        ExchangeParticipant.objects.select_related("person", "city"), pk=participant_pk, exchange=exchange
    )
    if participant.city not in selectors.sides_for(request.user, exchange):
        raise PermissionDenied
    try:
        services.participant_remove(participant=participant, by=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Removed %(name)s.") % {"name": participant.person.name})
    return _detail(exchange, "participants")


@login_required
@require_POST
def lesson_save(request, pk):
    exchange = _exchange_or_deny(request, pk)
    sides = selectors.sides_for(request.user, exchange)
    if not sides:
        raise PermissionDenied
    form = LessonForm(request.POST, cities=sides)
    if form.is_valid():
        try:
            services.lesson_save(exchange=exchange, by=request.user, **form.cleaned_data)
        except WorkflowError as exc:
            _error(form, exc)
        else:
            messages.success(request, _("The lessons are saved."))
            return _detail(exchange, "lessons")
    return _form_failed(request, exchange, lesson_form=form)


@login_required
@require_POST
def report_save(request, pk):
    """Save the report (and submit it with the second button)."""
    exchange = _exchange_or_deny(request, pk)
    if not selectors.can_edit(request.user, exchange):
        raise PermissionDenied
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            exchange = services.exchange_report_save(exchange=exchange, by=request.user, **form.cleaned_data)
            if "submit" in request.POST:
                services.exchange_submit_report(exchange=exchange, by=request.user)
        except WorkflowError as exc:
            _error(form, exc)
        else:
            if "submit" in request.POST:
                messages.success(request, _("The report is submitted."))
            else:
                messages.success(request, _("The report is saved."))
            return _detail(exchange, "report")
    return _form_failed(request, exchange, report_form=form)


@login_required
@require_POST
def file_add(request, pk):
    exchange = _exchange_or_deny(request, pk)
    if not selectors.can_edit(request.user, exchange):
        raise PermissionDenied
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.exchange_file_add(
                exchange=exchange,
                by=request.user,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                caption=form.cleaned_data["caption"],
                is_public=form.cleaned_data["is_public"],
            )
        except WorkflowError as exc:
            _error(form, exc)
        else:
            messages.success(request, _("The file is added."))
            return _detail(exchange, "files")
    return _form_failed(request, exchange, file_form=form)


@login_required
@require_POST
def file_remove(request, pk, file_pk):
    exchange = _exchange_or_deny(request, pk)
    item = get_object_or_404(ExchangeFile, pk=file_pk, exchange=exchange)
    try:
        services.exchange_file_remove(file=item, by=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The file is removed."))
    return _detail(exchange, "files")


@_login_first
def file_download(request, file_pk):
    """Report files are never under a public URL: sent only to who may read them."""
    item = ExchangeFile.objects.select_related("exchange").filter(pk=file_pk).first()
    if item is None or not selectors.may_read_file(request.user, item):
        if not request.user.is_authenticated:
            raise _LoginFirst
        raise Http404
    return private_file_response(item.file, item.content_type, filename=item.filename)


# --- import and export ------------------------------------------------------------------------


def _stash_key(exchange):
    return f"exchange_{exchange.pk}"


@login_required
def import_sheet(request, pk):
    exchange = _exchange_or_deny(request, pk)
    sides = selectors.sides_for(request.user, exchange)
    if not sides or not exchange.is_open:
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, cities=sides)
    context = {"exchange": exchange, "form": form}
    if request.method == "POST" and form.is_valid():
        upload, city = form.cleaned_data["file"], form.cleaned_data["city"]
        data = upload.read()
        try:
            report = participants_import(
                exchange=exchange, city=city, by=request.user, data=data, filename=upload.name, dry_run=True
            )
        except WorkflowError as exc:
            form.add_error("file", str(exc))
        else:
            context["report"] = report
            context["matches"] = [match_sentence(n, m) for n, m in report.matches]
            if report.ok:
                context["token"] = stash_put(request, _stash_key(exchange), data, upload.name)
                context["confirm_url"] = reverse("exchanges:import_confirm", args=[exchange.pk])
                context["confirm_fields"] = [("city", city.pk)]
    return render(request, "exchanges/import.html", context)


@login_required
@require_POST
def import_confirm(request, pk):
    exchange = _exchange_or_deny(request, pk)
    sides = selectors.sides_for(request.user, exchange)
    city = next((c for c in sides if str(c.pk) == request.POST.get("city")), None)
    if city is None:
        raise PermissionDenied
    data, filename = stash_get(request, _stash_key(exchange), request.POST.get("token", ""))
    if data is None:
        messages.error(request, _("The uploaded sheet has expired; upload it again."))
        return redirect("exchanges:import_sheet", pk=exchange.pk)
    try:
        report = participants_import(
            exchange=exchange, city=city, by=request.user, data=data, filename=filename, dry_run=False
        )
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("exchanges:import_sheet", pk=exchange.pk)
    if not report.committed:
        messages.error(request, _("Nothing was imported: %(error)s") % {"error": report.errors[0]})
        return redirect("exchanges:import_sheet", pk=exchange.pk)
    stash_drop(request, _stash_key(exchange))
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
    return _detail(exchange, "participants")


@login_required
def export_sheet(request, pk):
    exchange = _exchange_or_deny(request, pk)
    if not selectors.sides_for(request.user, exchange):
        raise PermissionDenied
    file_format = "csv" if request.GET.get("format") == "csv" else "xlsx"
    template = request.GET.get("template") == "1"
    data = participants_export(exchange=exchange, by=request.user, file_format=file_format, template=template)
    response = HttpResponse(data, content_type="text/csv; charset=utf-8" if file_format == "csv" else XLSX)
    name = f"exchange-{exchange.pk}-{'template' if template else 'participants'}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- the network ------------------------------------------------------------------------------


def network(request):
    data = exchange_network(request.user)
    return render(request, "exchanges/network.html", {"network": data, "svg": network_svg(data)})
