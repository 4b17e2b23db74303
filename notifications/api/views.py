import django_filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import BooleanFilter, IntegerIdMixin
from notifications.api.serializers import NotificationSerializer
from notifications.models import Notification
from notifications.selectors import notifications_of
from notifications.services import notifications_mark_read


class NotificationFilter(django_filters.FilterSet):
    unread = BooleanFilter(field_name="read_at", lookup_expr="isnull", label="Chưa đọc")

    class Meta:
        model = Notification
        fields = ["unread"]


MARKED = inline_serializer("MarkedRead", {"marked": serializers.IntegerField()})


class NotificationViewSet(IntegerIdMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The signed-in user's own notifications."""

    queryset = Notification.objects.none()  # for the schema; requests use get_queryset
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return notifications_of(user=self.request.user)

    @extend_schema(request=None, responses={200: NotificationSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def read(self, request, pk=None):
        notification = self.get_object()
        notifications_mark_read(user=request.user, notification_ids=[notification.pk])
        notification.refresh_from_db()
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses={200: MARKED})
    @action(detail=False, methods=["post"], url_path="read-all", filterset_class=None)
    def read_all(self, request):
        return Response({"marked": notifications_mark_read(user=request.user)})
