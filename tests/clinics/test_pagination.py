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
    assert body["count"] == 4
    assert results == [0, 1, 2, 3]
    assert CountingList.counted == 0
    page(LastPageCountsItselfPagination, CountingList(range(40)), "limit=10")
    assert CountingList.counted == 1


@pytest.mark.django_db
def test_page_paginator_reads_a_page_and_its_total_in_one_query(django_assert_num_queries):
    from django.core.paginator import Paginator

    from clinics.pagination import CountWithPagePaginator
    from patients.models import Infant
    from tests.factories import InfantFactory

    clinic = InfantFactory().clinic
    for _ in range(4):
        InfantFactory(clinic=clinic)
    infants = Infant.objects.filter(clinic=clinic).order_by("id")
    plain = Paginator(infants, 2)
    expected_rows = [i.pk for i in plain.page(2)]
    with django_assert_num_queries(1):
        page = CountWithPagePaginator(infants, 2).get_page(2)
        assert [i.pk for i in page] == expected_rows
        assert (page.paginator.count, page.paginator.num_pages, page.has_next()) == (5, 3, True)
    # Past the end and not a number: the last page and the first, as Django's Paginator gives.
    for asked, expected in ((9, 3), ("x", 1), (0, 3), (None, 1)):
        page = CountWithPagePaginator(infants, 2).get_page(asked)
        assert page.number == plain.get_page(asked).number == expected
        assert [i.pk for i in page] == [i.pk for i in plain.get_page(asked)]
    assert CountWithPagePaginator(Infant.objects.none(), 2).get_page(1).paginator.count == 0
