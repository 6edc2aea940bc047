"""The search index: one row per searchable record, whatever its type. The database backends
search it directly (SQLite: an FTS5 table kept in step by triggers; PostgreSQL: the stored
`vector` with a GIN index); the Elasticsearch backend mirrors it into its own index."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    type = models.CharField(_("type"), max_length=40)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(_("title"), max_length=300)
    # the text as written (NFC), shown in snippets
    body = models.TextField(blank=True)
    # accents, đ and case folded away: what the words are matched on
    title_folded = models.CharField(max_length=300)
    body_folded = models.TextField(blank=True)
    # accents kept, case and tone placement unified: exact-accent matches rank first
    exact = models.TextField(blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    city = models.ForeignKey(
        "portal.City", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    city_name = models.CharField(max_length=200, blank=True)
    # extra facets by name, e.g. {"level": "regional"}
    facets = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=500)
    # who may find it, as access keys (search/access.py); the Elasticsearch filter
    access = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # PostgreSQL only (stays empty on SQLite): unaccented words, title weighted A, body B, with
    # a GIN index made by migration 0002; and the accent-exact words for the ranking boost
    vector = SearchVectorField(null=True, editable=False)
    vector_exact = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [models.UniqueConstraint(fields=["type", "object_id"], name="search_entry_once")]
        indexes = [models.Index(fields=["type", "date"]), models.Index(fields=["date"])]

    def __str__(self):
        return f"{self.type} {self.object_id}: {self.title}"
