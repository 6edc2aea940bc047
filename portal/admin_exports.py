"""The Wagtail admin's list exports (CSV, XLSX), with formula-safe cells: every snippet
viewset of the portal derives from `SafeExportSnippetViewSet`."""

from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from .exports import SafeSpreadsheetExportMixin


class SafeExportIndexView(SafeSpreadsheetExportMixin, IndexView):
    pass


class SafeExportSnippetViewSet(SnippetViewSet):
    index_view_class = SafeExportIndexView
