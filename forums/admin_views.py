"""The Wagtail admin page that imports historic minutes (a sheet of meetings and a ZIP of
documents) through `forums.importing`, and shows the report."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from portal.models import Role
from portal.permissions import user_has_role

from .forms import HistoricImportForm
from .importing import COLUMNS, REQUIRED, historic_import


def may_import(user):
    return user_has_role(user, Role.PROGRAMME_STAFF)


def historic_import_view(request):
    if not may_import(request.user):
        raise PermissionDenied
    form = HistoricImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        sheet = form.cleaned_data["meetings"]
        documents = form.cleaned_data.get("documents")
        report = historic_import(
            sheet_bytes=sheet.read(),
            sheet_name=sheet.name,
            zip_bytes=documents.read() if documents else None,
            by=request.user,
        )
    columns = [(key, str(en), vi, key in REQUIRED) for key, (en, vi) in COLUMNS.items()]
    return TemplateResponse(
        request, "forums/admin/historic_import.html", {"form": form, "report": report, "columns": columns}
    )
