from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header

PREFIXES = (b"bearer", b"token")


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox's tokens, sent as `Authorization: Bearer <token>` (RFC 6750, what generated
    clients send) or `Authorization: Token <token>` (knox's own word, which the README
    gave first). A 401 asks for Bearer."""

    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() not in PREFIXES:
            # Another kind of credentials, or none: the session may still authenticate.
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed(
                _("Tiêu đề Authorization không đúng: cần “Bearer ” và mã truy cập, không có khoảng trắng trong mã.")
            )
        return self.authenticate_credentials(words[1])

    def authenticate_header(self, request):
        return "Bearer"


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "tokenAuth"
    # Before drf-spectacular's own extension for knox, which would describe the Token prefix only.
    priority = 1

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Mã từ POST /api/v1/auth/token/, gửi trong `Authorization: Bearer <mã>` "
            "(hoặc `Token <mã>`).",
        }
