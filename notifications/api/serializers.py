from rest_framework import serializers

from notifications.models import Notification
from tasks_app.models import Task


class NotificationTaskSerializer(serializers.ModelSerializer):
    """The task a notification is about, as its line in a list names it."""

    plan = serializers.CharField(source="plan.code", read_only=True)

    class Meta:
        model = Task
        fields = ["id", "plan", "number", "title"]


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    task = NotificationTaskSerializer(source="assignment.task", read_only=True, allow_null=True)
    agency = serializers.CharField(source="assignment.agency.code", read_only=True, allow_null=True)
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "kind_label",
            "assignment",
            "task",
            "agency",
            "created_at",
            "sent_at",
            "read_at",
            "is_read",
        ]

    def get_is_read(self, notification) -> bool:
        return notification.read_at is not None
