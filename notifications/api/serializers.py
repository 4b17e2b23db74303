from rest_framework import serializers

from notifications.models import Notification
from tasks_app.api.serializers import TaskBriefSerializer


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    task = TaskBriefSerializer(source="assignment.task", read_only=True, allow_null=True)
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
