from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound

from agencies.models import Agency, AgencyKind, Region
from core.api import RequiredText, Text
from tasks_app.dashboards import AGENCY_BREAKDOWN_ORDERING
from tasks_app.models import (
    COMMENT_MAX_LENGTH,
    COMMITTEE_ADDRESSEE,
    OBSTACLE_TEXT_MAX_LENGTH,
    Assignment,
    Comment,
    CommentRevision,
    ExplanationItem,
    ExplanationRequest,
    ExplanationStatus,
    ExplanationStep,
    ExtensionKind,
    ExtensionRequest,
    Obstacle,
    ObstacleKind,
    ObstacleStatus,
    ObstacleStep,
    Plan,
    ReasonKind,
    Status,
    StatusEvent,
    Task,
    Timeliness,
)
from tasks_app.selectors import EXPLANATION_LATE, with_state_relations
from tasks_app.workflow import (
    Action,
    ExplanationDecision,
    ObstacleResolution,
    allowed_actions,
    comment_correctable_until,
    comment_correction_check,
    obstacle_answer_check,
    obstacle_resolve_check,
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
    username = Text()
    full_name = Text(source="get_full_name")


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
    kind_label = Text(source="get_kind_display", read_only=True)
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
    """A transition as JSON: evidence by its address."""

    action = serializers.ChoiceField(choices=Action.choices)
    note = Text(required=False, allow_blank=True, default="", max_length=5000)
    evidence_url = serializers.URLField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text="Đường dẫn minh chứng (báo cáo hoàn thành).",
    )


class TransitionWithFileInputSerializer(TransitionInputSerializer):
    """A transition as the server parses it: JSON, or a form that may carry the evidence file."""

    evidence_file = serializers.FileField(
        required=False, allow_null=True, default=None, help_text="Tệp minh chứng (báo cáo hoàn thành)."
    )


class ReportDoneInputSerializer(serializers.Serializer):
    """A report of completion with its evidence: a file, an address, or both."""

    note = Text(required=False, allow_blank=True, default="", max_length=5000)
    evidence_url = serializers.URLField(
        required=False, allow_blank=True, default="", max_length=500, help_text="Đường dẫn minh chứng."
    )
    evidence_file = serializers.FileField(required=False, allow_null=True, default=None, help_text="Tệp minh chứng.")


class ProgressInputSerializer(serializers.Serializer):
    progress = serializers.IntegerField(min_value=0, max_value=100)
    note = Text(required=False, allow_blank=True, default="", max_length=5000)


class ExtensionRequestSerializer(serializers.ModelSerializer):
    kind_label = Text(source="get_kind_display", read_only=True)
    status_label = Text(source="get_status_display", read_only=True)
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
    reason = Text(max_length=5000)


class ExtensionDecisionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    note = Text(required=False, allow_blank=True, default="", max_length=5000)


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
    text = RequiredText(max_length=COMMENT_MAX_LENGTH)


class ExplanationItemSerializer(serializers.ModelSerializer):
    """One assignment of a request and the agency's answer for it. The committed date sits
    beside the deadline, which it does not change."""

    task = TaskBriefSerializer(source="assignment.task", read_only=True)
    due_on = serializers.DateField(source="assignment.due_on", read_only=True, allow_null=True)
    reason_kind_label = Text(source="get_reason_kind_display", read_only=True)
    answered_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = ExplanationItem
        fields = [
            "assignment",
            "task",
            "due_on",
            "reason_kind",
            "reason_kind_label",
            "reason",
            "difficulties",
            "committed_on",
            "answered_by",
            "answered_at",
        ]


class ExplanationStepSerializer(serializers.ModelSerializer):
    kind_label = Text(source="get_kind_display", read_only=True)
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ExplanationStep
        fields = ["kind", "kind_label", "actor", "occurred_at", "note", "answer_due_on"]


class ExplanationRequestSerializer(serializers.ModelSerializer):
    """A request with its items and every step so far (oldest first). `is_late`: still
    waiting for the answer after its answer date."""

    agency = AgencyBriefSerializer(read_only=True)
    status_label = Text(source="get_status_display", read_only=True)
    is_late = serializers.BooleanField(read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    items = ExplanationItemSerializer(many=True, read_only=True)
    steps = ExplanationStepSerializer(many=True, read_only=True)

    class Meta:
        model = ExplanationRequest
        fields = [
            "id",
            "agency",
            "message",
            "answer_due_on",
            "status",
            "status_label",
            "is_late",
            "created_by",
            "created_at",
            "answered_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "asked_again_count",
            "items",
            "steps",
        ]


# The most assignments one request or one answer lists: an agency's overdue list, not a plan.
EXPLANATION_MAX_ITEMS = 500


class ExplanationRequestInputSerializer(serializers.Serializer):
    agency = serializers.SlugRelatedField(slug_field="code", queryset=Agency.objects.all())
    assignments = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        min_length=1,
        max_length=EXPLANATION_MAX_ITEMS,
        error_messages={"min_length": gettext_lazy("Chọn ít nhất một nhiệm vụ cần giải trình.")},
        help_text="Mã số các phân công quá hạn của cơ quan.",
    )
    message = RequiredText(max_length=5000)
    answer_due_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Mặc định: sau số ngày làm việc theo cấu hình."
    )

    def validate_assignments(self, ids):
        found = Assignment.objects.filter(pk__in=ids)
        missing = set(ids) - set(found.values_list("pk", flat=True))
        if missing:
            raise serializers.ValidationError(
                _("Không có phân công mã số %(ids)s.") % {"ids": ", ".join(str(pk) for pk in sorted(missing))}
            )
        return list(found)


class ExplanationAnswerItemSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    reason_kind = serializers.ChoiceField(choices=ReasonKind.choices, allow_blank=True)
    reason = Text(max_length=5000, required=False, allow_blank=True, default="")
    difficulties = Text(max_length=5000, required=False, allow_blank=True, default="")
    committed_on = serializers.DateField(required=False, allow_null=True, default=None)


class ExplanationAnswerInputSerializer(serializers.Serializer):
    items = ExplanationAnswerItemSerializer(many=True, max_length=EXPLANATION_MAX_ITEMS)


class ExplanationDecisionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=ExplanationDecision.choices)
    note = Text(required=False, allow_blank=True, default="", max_length=5000)
    answer_due_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Khi yêu cầu giải trình lại; mặc định: sau số ngày làm việc theo cấu hình.",
    )


class ExplanationQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[*ExplanationStatus.values, EXPLANATION_LATE],
        required=False,
        help_text="open: chờ giải trình, chưa quá hạn; late: chờ giải trình, đã quá hạn giải trình.",
    )
    agency = Text(required=False, allow_blank=True, default="", max_length=20, help_text="Mã cơ quan.")
    plan = Text(required=False, allow_blank=True, default="", max_length=30, help_text="Mã kế hoạch.")


class PlanCodeField(serializers.SlugRelatedField):
    """A plan given by its code. The figures of a plan that does not exist are a page that
    does not exist (404), as for any other code in a path."""

    default_error_messages = {"does_not_exist": gettext_lazy("Không có kế hoạch mã “{value}”.")}

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Plan.objects.all(), **kwargs)

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            if error.get_codes() == ["does_not_exist"]:
                raise NotFound(error.detail[0]) from error
            raise


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
    plan = Text()
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


class ObstacleStepSerializer(serializers.ModelSerializer):
    kind_label = Text(source="get_kind_display", read_only=True)
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ObstacleStep
        fields = ["kind", "kind_label", "actor", "occurred_at", "note"]


class ObstacleSerializer(serializers.ModelSerializer):
    """An item with its answer, its resolution and every step (oldest first). `addressee`
    is an agency's code, or "committee"; `age_days`: whole days since it was raised;
    `allowed_actions`: what the requesting user may do now."""

    task = TaskBriefSerializer(source="assignment.task", read_only=True)
    agency = AgencyBriefSerializer(source="assignment.agency", read_only=True)
    kind_label = Text(source="get_kind_display", read_only=True)
    addressee = Text(source="addressee_code", read_only=True)
    addressee_name = Text(read_only=True)
    status_label = Text(source="get_status_display", read_only=True)
    age_days = serializers.SerializerMethodField()
    raised_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    answered_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    resolved_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    steps = ObstacleStepSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Obstacle
        fields = [
            "id",
            "assignment",
            "task",
            "agency",
            "kind",
            "kind_label",
            "text",
            "addressee",
            "addressee_name",
            "status",
            "status_label",
            "age_days",
            "raised_by",
            "raised_at",
            "answer",
            "answered_by",
            "answered_at",
            "resolution_note",
            "resolved_by",
            "resolved_at",
            "steps",
            "allowed_actions",
        ]

    def get_age_days(self, obstacle) -> int:
        return obstacle.age.days

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=["answer", "resolve"])))
    def get_allowed_actions(self, obstacle) -> list[str]:
        return obstacle_actions(obstacle, self.context["roles"])


def obstacle_actions(obstacle, roles) -> list[str]:
    """The steps the services would accept from these roles now."""
    actions = []
    if passes(obstacle_answer_check, status=obstacle.status, addressee_id=obstacle.addressee_id, roles=roles):
        actions.append("answer")
    if passes(obstacle_resolve_check, status=obstacle.status, agency_id=obstacle.assignment.agency_id, roles=roles):
        actions.append("resolve")
    return actions


class ObstacleInputSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="Mã số phân công.")
    kind = serializers.ChoiceField(choices=ObstacleKind.choices)
    text = RequiredText(max_length=OBSTACLE_TEXT_MAX_LENGTH)
    addressee = Text(max_length=20, help_text="Mã cơ quan được đề nghị giải quyết, hoặc “committee” (Ủy ban).")

    def validate_addressee(self, code: str) -> Agency | None:
        """An agency by its code, or None for the committee itself."""
        if code == COMMITTEE_ADDRESSEE:
            return None
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise serializers.ValidationError(
                _("Không có cơ quan với mã “%(code)s” (hoặc dùng “committee” để gửi Ủy ban).") % {"code": code}
            )
        return agency


class ObstacleAnswerInputSerializer(serializers.Serializer):
    text = RequiredText(max_length=OBSTACLE_TEXT_MAX_LENGTH)


class ObstacleResolveInputSerializer(serializers.Serializer):
    resolution = serializers.ChoiceField(choices=ObstacleResolution.choices)
    note = Text(
        required=False,
        allow_blank=True,
        default="",
        max_length=OBSTACLE_TEXT_MAX_LENGTH,
        help_text="Bắt buộc khi không giải quyết được.",
    )


class ObstacleQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ObstacleStatus.choices, required=False, default="")
    kind = serializers.ChoiceField(choices=ObstacleKind.choices, required=False, default="")
    addressee = Text(
        required=False,
        allow_blank=True,
        default="",
        max_length=20,
        help_text="Mã cơ quan được đề nghị, hoặc “committee”.",
    )
    agency = Text(required=False, allow_blank=True, default="", max_length=20, help_text="Mã cơ quan nêu kiến nghị.")
    plan = Text(required=False, allow_blank=True, default="", max_length=30, help_text="Mã kế hoạch.")
