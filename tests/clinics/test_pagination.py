"""The API's pagination skips COUNT(*) on a last page, with the same count and links."""

import pytest
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from clinics.pagination import LastPageCountsItselfPagination


class CountingList(list):
    counted = 0

    def count(self, *args):
        if args:
            return super().count(*args)
        CountingList.counted += 1
        return len(self)


def page(paginator_class, rows, query):
    request = Request(APIRequestFactory().get(f"/api/v1/x/?{query}"))
    paginator = paginator_class()
    results = paginator.paginate_queryset(rows, request)
    return results, paginator.get_paginated_response(results).data


@pytest.mark.parametrize("total", [0, 3, 10, 11, 25])
@pytest.mark.parametrize("query", ["limit=10", "limit=10&offset=10", "limit=10&offset=30", ""])
def test_same_page_count_and_links_as_drf(total, query):
    rows = CountingList(range(total))
    assert page(LastPageCountsItselfPagination, rows, query) == page(
        LimitOffsetPagination, list(rows), query
    )


def test_a_short_first_page_is_not_counted():
    CountingList.counted = 0
    results, body = page(LastPageCountsItselfPagination, CountingList(range(4)), "limit=10")
    assert body["count"] == 4 and results == [0, 1, 2, 3]
    assert CountingList.counted == 0
    page(LastPageCountsItselfPagination, CountingList(range(40)), "limit=10")
    assert CountingList.counted == 1
