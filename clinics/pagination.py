"""`?limit=&offset=` pagination (DRF's LimitOffsetPagination, same parameters, same response and
schema) that counts only when the page cannot tell the total.

DRF runs `SELECT COUNT(*)` over the whole filtered list before every page. When the page comes
back shorter than the limit it is the last one, so the total is the offset plus its rows: an
infant's episodes (about ten in the benchmark) or a search with few matches then cost one query
instead of two. A full page, or an offset past the end, still counts, so `count`, `next` and
`previous` are exactly what they were.
"""

from rest_framework.pagination import LimitOffsetPagination


class LastPageCountsItselfPagination(LimitOffsetPagination):
    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        self.offset = self.get_offset(request)
        page = list(queryset[self.offset : self.offset + self.limit])
        if len(page) < self.limit and (page or self.offset == 0):
            self.count = self.offset + len(page)
        else:
            self.count = self.get_count(queryset)
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        return page
