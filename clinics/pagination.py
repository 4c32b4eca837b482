"""`?limit=&offset=` pagination (DRF's LimitOffsetPagination, same parameters, same response and
schema) that counts only when the page cannot tell the total.

DRF runs `SELECT COUNT(*)` over the whole filtered list before every page. When the page comes
back shorter than the limit it is the last one, so the total is the offset plus its rows: an
infant's episodes (about ten in the benchmark) or a search with few matches then cost one query
instead of two. A full page, or an offset past the end, still counts, so `count`, `next` and
`previous` are exactly what they were.
"""

from collections.abc import Callable
from typing import Any

from django.core.paginator import EmptyPage, InvalidPage, PageNotAnInteger, Paginator
from django.db.models import Count, QuerySet, Window
from rest_framework.pagination import LimitOffsetPagination


class LastPageCountsItselfPagination(LimitOffsetPagination):
    def paginate_queryset(self, queryset, request, view=None):
        return self._paginate(request, lambda: self.page_and_count(queryset))

    def paginate_read(
        self, request, read: Callable[[int, int], list[Any]], count: Callable[[], int]
    ) -> list[Any] | None:
        """`paginate_queryset` for a page read by `read(offset, limit)` (a compiled statement,
        clinics.statements), `count()` counting the same list when the page cannot tell."""

        def page_and_count() -> tuple[list[Any], int]:
            offset, limit = self.window()
            return self.counted(read(offset, limit), count)

        return self._paginate(request, page_and_count)

    def _paginate(self, request, page_and_count: Callable[[], tuple[list[Any], int]]):
        self.request = request
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        self.offset = self.get_offset(request)
        page, self.count = page_and_count()
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        return page

    def window(self) -> tuple[int, int]:
        """(offset, limit) of the page being served: paginate_queryset sets both first."""
        assert self.offset is not None
        assert self.limit is not None
        return self.offset, self.limit

    def page_and_count(self, queryset: QuerySet[Any]) -> tuple[list[Any], int]:
        offset, limit = self.window()
        page = list(queryset[offset : offset + limit])
        return self.counted(page, lambda: self.get_count(queryset))

    def counted(self, page: list[Any], count: Callable[[], int]) -> tuple[list[Any], int]:
        """The page with the list's total: offset plus its rows when it is the last page."""
        offset, limit = self.window()
        if len(page) < limit and (page or offset == 0):
            return page, offset + len(page)
        return page, count()


class CountWithPagePagination(LastPageCountsItselfPagination):
    """For filtered lists the database reads in full anyway to apply the filter (a name search:
    `icontains` on every infant of the clinic): `COUNT(*) OVER ()` brings the total with the
    page, so the list is read once instead of twice (page and COUNT). Not for plain lists, where
    an index serves the first rows of the order without reading the rest."""

    def page_and_count(self, queryset: QuerySet[Any]) -> tuple[list[Any], int]:
        offset, limit = self.window()
        counted = queryset.annotate(_total_rows=Window(Count("*")))
        page = list(counted[offset : offset + limit])
        if page:
            return page, page[0]._total_rows
        if offset == 0:
            return page, 0
        return page, self.get_count(queryset)


class CountWithPagePaginator(Paginator):
    """Django's Paginator for the pages, reading the total with the page: `COUNT(*) OVER ()`.

    Where the list is filtered and sorted on computed values (the dashboard: open alerts, triage,
    waiting time), PostgreSQL reads every matching row to sort them anyway, and a separate
    `COUNT(*)` read them all a second time. The page asked for is read first with the total
    beside each row; only a page past the end (or an invalid number) needs `count` on its own,
    and then Django's own validation answers as before."""

    def get_page(self, number):
        return self._page_with_total(number) or super().get_page(number)

    def page(self, number):
        return self._page_with_total(number) or super().page(number)

    def _page_with_total(self, number):
        if "count" in self.__dict__ or self.orphans:
            return None
        try:
            wanted = self.validate_number_without_count(number)
        except InvalidPage:
            return None
        bottom = (wanted - 1) * self.per_page
        rows = list(
            self.object_list.annotate(_total_rows=Window(Count("*")))[
                bottom : bottom + self.per_page
            ]
        )
        if rows:
            self.__dict__["count"] = rows[0]._total_rows
            return self._get_page(rows, wanted, self)
        if wanted == 1:
            self.__dict__["count"] = 0
        return None

    def validate_number_without_count(self, number) -> int:
        """validate_number's checks that do not need the total."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number
