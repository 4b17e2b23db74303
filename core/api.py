"""What every API endpoint shares: pagination and the translation of domain errors."""

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.defaults import page_not_found
from rest_framework import serializers, status
from rest_framework.exceptions import MethodNotAllowed, NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError

# The largest id a bigint column holds.
MAX_ID = 2**63 - 1


class IntegerIdMixin:
    """An id that is not a number in range is a 400, not a 404 or a database error."""

    def get_object(self):
        value = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        if not (value.isascii() and value.isdigit()) or int(value) > MAX_ID:
            raise ValidationError({"id": [_("Mã số phải là số nguyên dương.")]})
        return super().get_object()


class Text(serializers.CharField):
    """Text, and only text: DRF's CharField also takes a number or a boolean for it, which
    the schema (a string) does not allow."""

    default_error_messages = {"invalid": gettext_lazy("Cần một đoạn văn bản.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class RequiredText(Text):
    """Text a service requires. Blank passes here so that the service, which the pages call
    too, gives its own message; the schema says it is required (core.schema.RequiredTextSchema),
    so that clients, and schemathesis, know a blank one is refused."""

    def run_validation(self, data=serializers.empty):
        if isinstance(data, str) and not (data.strip() if self.trim_whitespace else data):
            return ""
        return super().run_validation(data)


class TrueOrFalseField(forms.Field):
    widget = forms.TextInput
    values = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if str(value).lower() not in self.values:
            raise forms.ValidationError(_("Cần “true” hoặc “false”."), code="invalid")
        return self.values[str(value).lower()]


class BooleanFilter(django_filters.BooleanFilter):
    """A yes-or-no filter: `true` or `false`, and anything else a 400 rather than, as
    django-filter does, the filter silently left off."""

    field_class = TrueOrFalseField


def validated(serializer_class, data, **kwargs) -> dict:
    """The data a serializer accepts, or a 400 with its field messages."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class Pagination(PageNumberPagination):
    """Pages numbered from 1, of 1 to 500 rows, as the schema says. A page or page size that
    is not such a number is a bad parameter (400), never silently the default; a page past
    the last one is a page that does not exist (404), as the schema allows for any page."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        return self._number(request, self.page_size_query_param, self.max_page_size, default=self.page_size)

    def get_page_number(self, request, paginator):
        return self._number(request, self.page_query_param, MAX_ID, default=1)

    def _number(self, request, name: str, largest: int, *, default: int) -> int:
        value = request.query_params.get(name)
        if value is None:
            return default
        if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= largest:
            message = _("Cần một số nguyên từ 1 đến %(largest)d.") % {"largest": largest}
            raise ValidationError({name: [message]})
        return int(value)

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as exc:
            pages = self.django_paginator_class(queryset, self.get_page_size(request)).num_pages
            message = _("Không có trang này: danh sách có %(pages)d trang.") % {"pages": pages}
            raise NotFound(message) from exc

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": str(_("Số trang, từ 1.")),
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(_("Số dòng mỗi trang (mặc định %(default)d).") % {"default": self.page_size}),
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


def exception_handler(exc, context):
    """A refused service call becomes 400 (with the field), 403 or 409, in the user's language.
    A method the endpoint does not have is a 405 whatever else the request carries: DRF
    checks the method last, after a `format` no renderer gives (404) or a bad filter."""
    view, request = context.get("view"), context.get("request")
    if view is not None and request is not None and not _handles(view, request.method):
        exc = MethodNotAllowed(request.method)
    if isinstance(exc, DomainError):
        body = {exc.field: [exc.message]} if exc.field else {"detail": exc.message}
        return Response(body, status=exc.status_code)
    # Django's own limits on a body, raised as DRF reads it: a 400 in JSON like the rest.
    if isinstance(exc, RequestDataTooBig):
        detail = _("Dữ liệu gửi lên quá lớn: tối đa %(size)d byte.") % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
        return Response({"detail": detail}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        detail = _("Dữ liệu gửi lên có quá nhiều trường hoặc tệp.")
        return Response({"detail": detail}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


def _handles(view, method: str) -> bool:
    method = method.lower()
    return method in view.http_method_names and hasattr(view, method)


# Lazy: the schema is built in the language of the request that asks for it.
ERROR_RESPONSES = {
    "400": gettext_lazy("Dữ liệu hoặc tham số không hợp lệ; thông báo theo từng trường."),
    "401": gettext_lazy("Chưa đăng nhập."),
    "403": gettext_lazy("Không có quyền."),
    "404": gettext_lazy("Không tìm thấy, hoặc người dùng không được xem."),
    "409": gettext_lazy("Trạng thái hiện tại không cho phép thao tác này."),
    "415": gettext_lazy("Kiểu dữ liệu gửi lên không được hỗ trợ."),
    "429": gettext_lazy("Quá nhiều yêu cầu; thử lại sau."),
}
WRITE_ONLY_ERRORS = {"409", "415"}
ERROR_SCHEMA = {
    "type": "object",
    "description": '{"detail": "..."} or {"<field>": ["..."]}',
    "additionalProperties": True,
}


def document_error_responses(result, generator, request, public):
    """drf-spectacular documents only successes: add the refusals every operation can give
    (409 and 415 only where something is written)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            # A download's refusal comes in the format asked for.
            media_types = operation["responses"].get("200", {}).get("content", {}) or {"application/json": {}}
            content = {media_type: {"schema": {"$ref": "#/components/schemas/Error"}} for media_type in media_types}
            for code, description in ERROR_RESPONSES.items():
                if code in WRITE_ONLY_ERRORS and method == "get":
                    continue
                operation["responses"].setdefault(code, {"description": str(description), "content": content})
    return result


def not_found(request, exception):
    """Under /api/, a path that matches no route answers in JSON like the rest of the API."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Không tìm thấy.")}, status=404)
    return page_not_found(request, exception)
