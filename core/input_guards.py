"""Guards for whole classes of hostile input, applied before any view, so that no endpoint
has to remember them: text the database cannot hold, and JSON bodies too deep to parse
safely. Each answers 400 with a message in the user's language. The API's parsers also
compose the text they read (core.text), as ComposedInput does for pages."""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import DataAndFiles, FormParser, JSONParser, MultiPartParser

from core.text import composed_data, composed_query_dict

NUL = "\x00"
JSON_MAX_DEPTH = 32


def _contains_nul(query_dict) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in query_dict.lists())


class NulCharacterGuard:
    """PostgreSQL text cannot hold a NUL character: a path, query parameter or form field
    carrying one would reach a lookup (an agency or plan code, a filter) and fail in the
    database. Such a request is refused whole. File contents are not text and pass."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            form = request.POST if request.method == "POST" else None
        except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
            # Over Django's limits: the view that reads the body refuses it in its own format
            # (the API in JSON, core.api), so it is not refused here as an HTML page.
            form = None
        if NUL in request.path or _contains_nul(request.GET) or (form is not None and _contains_nul(form)):
            message = _("Yêu cầu chứa ký tự NUL (0x00), không được chấp nhận.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)


API_PREFIX = "/api/v1/"


class RepeatedParameterGuard:
    """The API reads one value of each query parameter (a list is comma-separated, as the
    schema says): a parameter given twice would be read as its last value, silently, so it
    is refused, naming it. A parameter given empty (`?as_of=`, as a form sends an empty
    field) is one not given, for every endpoint alike, as the schema says (allowEmptyValue)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The API's endpoints, not its docs pages (whose script is fetched as `?script=`).
        if request.path.startswith(API_PREFIX):
            repeated = sorted({key for key, values in request.GET.lists() if len(values) > 1})
            if repeated:
                message = _("Tham số chỉ được nêu một lần; nhiều giá trị thì ngăn bằng dấu phẩy.")
                return JsonResponse({key: [message] for key in repeated}, status=400)
            if any(value == "" for value in request.GET.values()):
                given = QueryDict(mutable=True)
                given.update({key: value for key, value in request.GET.items() if value != ""})
                given._mutable = False
                request.GET = given
        return self.get_response(request)


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, bounded: at most JSON_MAX_DEPTH levels of nesting (Python's parser
    recurses and would exhaust the stack) and no NUL character in any text. The size is
    bounded before, by Django's DATA_UPLOAD_MAX_MEMORY_SIZE as DRF reads the body."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise self._too_deep() from error
        self._check(data)
        return composed_data(data)

    def _too_deep(self):
        return ParseError(_("Dữ liệu JSON lồng nhau quá sâu: tối đa %(depth)d cấp.") % {"depth": JSON_MAX_DEPTH})

    def _check(self, data):
        pending = [(data, 1)]
        while pending:
            value, depth = pending.pop()
            if isinstance(value, dict | list) and depth > JSON_MAX_DEPTH:
                raise self._too_deep()
            if isinstance(value, dict):
                pending.extend((key, depth) for key in value)
                pending.extend((item, depth + 1) for item in value.values())
            elif isinstance(value, list):
                pending.extend((item, depth + 1) for item in value)
            elif isinstance(value, str) and NUL in value:
                raise ParseError(_("Dữ liệu JSON chứa ký tự NUL (0x00), không được chấp nhận."))


class ComposedFormParser(FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return composed_query_dict(super().parse(stream, media_type, parser_context))


class ComposedMultiPartParser(MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        return DataAndFiles(composed_query_dict(parsed.data), parsed.files)
