from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken
from rest_framework import exceptions, serializers

from accounts.forms import PASSWORD_MAX_LENGTH


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(
        max_length=150, error_messages={"max_length": _("Tên đăng nhập dài quá {max_length} ký tự.")}
    )
    password = serializers.CharField(
        max_length=PASSWORD_MAX_LENGTH,
        trim_whitespace=False,
        style={"input_type": "password"},
        write_only=True,
        error_messages={"max_length": _("Mật khẩu dài quá {max_length} ký tự.")},
    )
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=20,
        help_text=_("Mã xác thực hai lớp (ứng dụng xác thực, hoặc mã dự phòng), khi tài khoản đã bật hoặc phải bật."),
    )

    def validate(self, attrs):
        user = authenticate(request=self.context.get("request"), username=attrs["username"], password=attrs["password"])
        if user is None:
            # Well-formed credentials that sign nobody in: not a malformed request (400) but a 401.
            raise exceptions.AuthenticationFailed(_("Tên đăng nhập hoặc mật khẩu không đúng."))
        attrs["user"] = user
        return attrs


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Gửi kèm mỗi yêu cầu: Authorization: Bearer <token>."))
    expiry = serializers.DateTimeField()


class ApiTokenSerializer(serializers.ModelSerializer):
    """A token as its owner sees it: when it was issued and when it stops working, never the key."""

    id = serializers.CharField(source="digest", read_only=True)
    current = serializers.SerializerMethodField()

    class Meta:
        model = AuthToken
        fields = ["id", "created", "expiry", "current"]

    def get_current(self, token) -> bool:
        request = self.context.get("request")
        return isinstance(getattr(request, "auth", None), AuthToken) and request.auth.digest == token.digest
