"""What every API endpoint shares: pagination and the translation of domain errors."""

from rest_framework import status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from tasks_app.errors import ActionForbidden, DomainError, InvalidInput, TransitionNotAllowed

DOMAIN_ERROR_STATUS = {
    InvalidInput: status.HTTP_400_BAD_REQUEST,
    ActionForbidden: status.HTTP_403_FORBIDDEN,
    TransitionNotAllowed: status.HTTP_409_CONFLICT,
}


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class ObtainToken(ObtainAuthToken):
    """DRF's token view, throttled like the rest: it is where passwords are guessed."""

    throttle_classes = api_settings.DEFAULT_THROTTLE_CLASSES


def exception_handler(exc, context):
    """A refused service call becomes 400 (with the field), 403 or 409, in the user's language."""
    if isinstance(exc, DomainError):
        body = {exc.field: [exc.message]} if exc.field else {"detail": exc.message}
        return Response(body, status=DOMAIN_ERROR_STATUS[type(exc)])
    return drf_exception_handler(exc, context)
