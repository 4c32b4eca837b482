"""`?limit=&offset=` pagination (DRF's LimitOffsetPagination, same parameters, same response and
schema) that counts only when the page cannot tell the total.

DRF runs `SELECT COUNT(*)` over the whole filtered list before every page. When the page comes
back shorter than the limit it is the last one, so the total is the offset plus its rows: an
infant's episodes (about ten in the benchmark) or a search with few matches then cost one query
instead of two. A full page, or an offset past the end, still counts, so `count`, `next` and
`previous` are exactly what they were.
"""

from django.db.models import Count, Window
from rest_framework.pagination import LimitOffsetPagination


class LastPageCountsItselfPagination(LimitOffsetPagination):
    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        self.offset = self.get_offset(request)
        page, self.count = self.page_and_count(queryset)
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        return page

    def page_and_count(self, queryset) -> tuple[list, int]:
        page = list(queryset[self.offset : self.offset + self.limit])
        if len(page) < self.limit and (page or self.offset == 0):
            return page, self.offset + len(page)
        return page, self.get_count(queryset)


class CountWithPagePagination(LastPageCountsItselfPagination):
    """For filtered lists the database reads in full anyway to apply the filter (a name search:
    `icontains` on every infant of the clinic): `COUNT(*) OVER ()` brings the total with the
    page, so the list is read once instead of twice (page and COUNT). Not for plain lists, where
    an index serves the first rows of the order without reading the rest."""

    def page_and_count(self, queryset) -> tuple[list, int]:
        counted = queryset.annotate(_total_rows=Window(Count("*")))
        page = list(counted[self.offset : self.offset + self.limit])
        if page:
            return page, page[0]._total_rows
        if self.offset == 0:
            return page, 0
        return page, self.get_count(queryset)
