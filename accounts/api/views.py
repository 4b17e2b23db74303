from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import extend_schema
from knox import views as knox_views
from knox.models import AuthToken
from knox.settings import knox_settings
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts.api.serializers import ApiTokenSerializer, IssuedTokenSerializer, TokenRequestSerializer
from accounts.authentication import TokenAuthentication
from accounts.selectors import api_tokens_of
from accounts.services import api_token_revoke
from accounts.two_factor import two_factor_check


class ObtainToken(APIView):
    """A token for a username and password, and the second factor when the account has or
    needs one, valid for API_TOKEN_HOURS hours. Throttled like the rest: it is where
    passwords are guessed."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = api_settings.DEFAULT_THROTTLE_CLASSES
    serializer_class = TokenRequestSerializer

    def get_authenticate_header(self, request):
        """What a 401 here asks for: the token this endpoint issues (DRF turns a 401 from a view
        with no authentication of its own into a 403)."""
        return "Bearer"

    @extend_schema(request=TokenRequestSerializer, responses=IssuedTokenSerializer)
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        two_factor_check(request=request, user=user, code=serializer.validated_data["otp"])
        instance, token = AuthToken.objects.create(user=user, expiry=knox_settings.TOKEN_TTL)
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response(IssuedTokenSerializer({"token": token, "expiry": instance.expiry}).data)


class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The signed-in user's own API tokens: list them, revoke one."""

    serializer_class = ApiTokenSerializer
    lookup_value_regex = "[0-9a-f]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular, generating the schema
            return AuthToken.objects.none()
        return api_tokens_of(user=self.request.user)

    def destroy(self, request, *args, **kwargs):
        token = self.get_object()
        api_token_revoke(user=request.user, token_id=token.digest)
        return Response(status=status.HTTP_204_NO_CONTENT)


class Logout(knox_views.LogoutView):
    """Revoke the token this request was made with."""

    # knox's views take its own authentication, which knows only the Token prefix.
    authentication_classes = [TokenAuthentication]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format)


class LogoutAll(knox_views.LogoutAllView):
    """Revoke every token of the user who makes the request."""

    authentication_classes = [TokenAuthentication]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format)
