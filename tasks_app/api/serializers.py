from datetime import datetime

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agencies.models import Agency, AgencyKind, Region
from tasks_app.dashboards import AGENCY_BREAKDOWN_ORDERING
from tasks_app.models import (
    COMMENT_MAX_LENGTH,
    Assignment,
    Comment,
    CommentRevision,
    ExtensionKind,
    ExtensionRequest,
    Plan,
    Status,
    StatusEvent,
    Task,
    Timeliness,
)
from tasks_app.selectors import with_state_relations
from tasks_app.workflow import (
    Action,
    allowed_actions,
    comment_correctable_until,
    comment_correction_check,
    passes,
)


class PlanSerializer(serializers.ModelSerializer):
    task_count = serializers.IntegerField(read_only=True)
    assignment_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Plan
        fields = ["code", "title", "year", "issuing_document", "description", "task_count", "assignment_count"]


class TaskSerializer(serializers.ModelSerializer):
    plan = serializers.SlugRelatedField(slug_field="code", read_only=True)
    is_done = serializers.BooleanField(read_only=True)

    class Meta:
        model = Task
        fields = ["id", "plan", "number", "title", "group", "expected_product", "due_on", "is_illustrative", "is_done"]


class AgencyBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["code", "name", "kind"]


class TaskBriefSerializer(serializers.ModelSerializer):
    plan = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Task
        fields = ["id", "plan", "number", "title"]


class UserBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField(source="get_full_name")


class AssignmentListSerializer(serializers.ListSerializer):
    """A list reads the agencies and focal points of that day for all its rows at once."""

    def to_representation(self, data):
        return super().to_representation(with_state_relations(data))


class AssignmentSerializer(serializers.ModelSerializer):
    """An assignment as a list or detail shows it, as it stood on the day asked for
    (today unless a dashboard asks for another); `allowed_actions` are what the requesting
    user may do now, read from the workflow table."""

    task = TaskBriefSerializer(read_only=True)
    agency = AgencyBriefSerializer(source="state_agency", read_only=True)
    owner = UserBriefSerializer(source="state_owner", read_only=True, allow_null=True)
    status = serializers.ChoiceField(source="state_status", choices=Status.choices, read_only=True)
    status_label = serializers.SerializerMethodField()
    due_on = serializers.DateField(source="state_due_on", read_only=True, allow_null=True)
    completed_on = serializers.DateField(source="state_completed_on", read_only=True, allow_null=True)
    progress = serializers.IntegerField(source="state_progress", read_only=True)
    timeliness = serializers.ChoiceField(choices=Timeliness.choices, read_only=True, allow_null=True)
    days_overdue = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "task",
            "agency",
            "role",
            "owner",
            "status",
            "status_label",
            "due_on",
            "original_due_on",
            "completed_on",
            "progress",
            "timeliness",
            "days_overdue",
            "allowed_actions",
        ]
        list_serializer_class = AssignmentListSerializer

    def to_representation(self, instance):
        if not hasattr(instance, "state_agency"):
            with_state_relations([instance])
        return super().to_representation(instance)

    def get_status_label(self, assignment) -> str:
        return Status(assignment.state_status).label

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_days_overdue(self, assignment) -> int | None:
        return assignment.days_overdue.days if assignment.days_overdue is not None else None

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Action.choices)))
    def get_allowed_actions(self, assignment) -> list[str]:
        return allowed_actions(
            status=assignment.status,
            agency_id=assignment.agency_id,
            roles=self.context["roles"],
            reported_by_id=assignment.reported_by_id,
        )


class StatusEventSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    evidence_file = serializers.SerializerMethodField(help_text="Đường dẫn tải tệp minh chứng (nếu có).")

    class Meta:
        model = StatusEvent
        fields = [
            "id",
            "kind",
            "kind_label",
            "action",
            "before",
            "after",
            "note",
            "evidence_url",
            "evidence_file",
            "actor",
            "occurred_at",
        ]

    def get_evidence_file(self, event) -> str | None:
        return reverse("evidence_download", args=[event.pk]) if event.evidence_file else None


class TransitionInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=Action.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    evidence_url = serializers.URLField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text="Đường dẫn minh chứng (báo cáo hoàn thành).",
    )
    evidence_file = serializers.FileField(
        required=False, allow_null=True, default=None, help_text="Tệp minh chứng (báo cáo hoàn thành, multipart)."
    )


class ProgressInputSerializer(serializers.Serializer):
    progress = serializers.IntegerField(min_value=0, max_value=100)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ExtensionRequestSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "assignment",
            "kind",
            "kind_label",
            "requested_due_on",
            "reason",
            "requested_by",
            "requested_at",
            "status",
            "status_label",
            "decided_by",
            "decided_at",
            "decision_note",
        ]


class ExtensionRequestInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ExtensionKind.choices)
    requested_due_on = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=5000)


class ExtensionDecisionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class CommentRevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommentRevision
        fields = ["text", "written_at", "replaced_at"]


class CommentSerializer(serializers.ModelSerializer):
    """A comment with its earlier texts (oldest first) and whether the requesting user may
    still correct it, and until when anyone could."""

    author = UserBriefSerializer(read_only=True)
    revisions = CommentRevisionSerializer(many=True, read_only=True)
    correctable_until = serializers.SerializerMethodField()
    can_correct = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = [
            "id",
            "assignment",
            "author",
            "text",
            "created_at",
            "edited_at",
            "revisions",
            "correctable_until",
            "can_correct",
        ]

    def get_correctable_until(self, comment) -> datetime:
        return comment_correctable_until(comment.created_at)

    def get_can_correct(self, comment) -> bool:
        return passes(
            comment_correction_check,
            author_id=comment.author_id,
            posted_at=comment.created_at,
            roles=self.context["roles"],
        )


class CommentInputSerializer(serializers.Serializer):
    # Blank passes here so that the service, which the pages call too, gives its own message.
    text = serializers.CharField(max_length=COMMENT_MAX_LENGTH, allow_blank=True)


class PlanCodeField(serializers.SlugRelatedField):
    """A plan given by its code."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Plan.objects.all(), **kwargs)


class DashboardQuerySerializer(serializers.Serializer):
    """A plan and the day its figures stand at."""

    plan = PlanCodeField()
    as_of = serializers.DateField(required=False, help_text="Ngày tính số liệu (mặc định: hôm nay).")


class AgencyDashboardQuerySerializer(DashboardQuerySerializer):
    plan = PlanCodeField(required=False)
    kind = serializers.ChoiceField(choices=AgencyKind.choices, required=False)
    region = serializers.ChoiceField(choices=Region.choices, required=False)
    ordering = serializers.ChoiceField(
        choices=[prefix + field for field in AGENCY_BREAKDOWN_ORDERING for prefix in ("", "-")],
        required=False,
        default="-completion_rate",
    )
    roll_up = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Tính công việc của cơ quan đã sáp nhập vào đơn vị kế thừa hiện nay.",
    )


class TimelineQuerySerializer(serializers.Serializer):
    plan = PlanCodeField()
    period = serializers.ChoiceField(choices=[("week", "week"), ("month", "month")], default="week", required=False)


class TimelinePointSerializer(serializers.Serializer):
    period_end = serializers.DateField()
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    overdue = serializers.IntegerField()


class AsOfQuerySerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text="Ngày tính số liệu (mặc định: hôm nay).")


def counts_serializer(name: str, choices) -> type[serializers.Serializer]:
    """A count for each choice of an enum, so the schema follows the enum."""
    fields = {value: serializers.IntegerField(help_text=label) for value, label in choices}
    return type(name, (serializers.Serializer,), fields)


CountsByStatusSerializer = counts_serializer("CountsByStatusSerializer", Status.choices)
CountsByTimelinessSerializer = counts_serializer("CountsByTimelinessSerializer", Timeliness.choices)


class TaskCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    due = serializers.IntegerField(help_text="Nhiệm vụ đến hạn: thời hạn vào hoặc trước ngày tính số liệu.")
    done = serializers.IntegerField()


class AssignmentCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_status = CountsByStatusSerializer()
    by_timeliness = CountsByTimelinessSerializer()


class PlanSummarySerializer(serializers.Serializer):
    plan = serializers.CharField()
    as_of = serializers.DateField()
    tasks = TaskCountsSerializer()
    assignments = AssignmentCountsSerializer()


class AgencyBreakdownSerializer(serializers.Serializer):
    agency = AgencyBriefSerializer()
    total = serializers.IntegerField(help_text="Số phân công không bị dừng: cơ sở của completion_rate.")
    done = serializers.IntegerField()
    done_on_time = serializers.IntegerField()
    done_late = serializers.IntegerField()
    on_track = serializers.IntegerField()
    overdue = serializers.IntegerField()
    cancelled = serializers.IntegerField(help_text="Số phân công đã dừng, đếm riêng, không tính vào total.")
    completion_rate = serializers.FloatField(
        allow_null=True, help_text="done / total, tính theo %, một chữ số thập phân; null khi total bằng 0."
    )
