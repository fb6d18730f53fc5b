from __future__ import annotations

from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination

PAGE_SIZE = 25


class StandardPagination(PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 100


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """The requested page of `queryset` for an HTML list; out-of-range pages give the last one."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))
