"""The API over tasks and assignments. Views parse input, call a selector or a service
and render; the rules live in tasks_app.workflow, services and selectors."""

from functools import cached_property

from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import Agency
from agencies.selectors import user_roles
from core.api import IntegerIdMixin, validated
from core.errors import InvalidInput
from core.renderers import CSVRenderer, XLSXRenderer
from core.schema import JSON, MULTIPART
from tasks_app.api.exports import assignment_table
from tasks_app.api.filters import AssignmentFilter, OverdueFilter, TaskFilter
from tasks_app.api.serializers import (
    AgencyBreakdownSerializer,
    AgencyDashboardQuerySerializer,
    AsOfQuerySerializer,
    AssignmentSerializer,
    CommentInputSerializer,
    CommentSerializer,
    DashboardQuerySerializer,
    ExplanationAnswerInputSerializer,
    ExplanationDecisionInputSerializer,
    ExplanationQuerySerializer,
    ExplanationRequestInputSerializer,
    ExplanationRequestSerializer,
    ExtensionDecisionInputSerializer,
    ExtensionRequestInputSerializer,
    ExtensionRequestSerializer,
    ObstacleAnswerInputSerializer,
    ObstacleInputSerializer,
    ObstacleQuerySerializer,
    ObstacleResolveInputSerializer,
    ObstacleSerializer,
    PlanSerializer,
    PlanSummarySerializer,
    ProgressInputSerializer,
    ReportDoneInputSerializer,
    StatusEventSerializer,
    TaskSerializer,
    TimelinePointSerializer,
    TimelineQuerySerializer,
    TransitionInputSerializer,
    TransitionWithFileInputSerializer,
)
from tasks_app.dashboards import agency_breakdown, plan_summary, plan_timeline, with_agencies
from tasks_app.models import Plan
from tasks_app.selectors import (
    assignment_list,
    assignments_visible_to,
    comments_in_full,
    comments_visible_to,
    explanation_requests_filtered,
    explanation_requests_visible_to,
    extension_requests_visible_to,
    obstacles_filtered,
    obstacles_visible_to,
    overdue_list,
    tasks_visible_to,
)
from tasks_app.services import (
    ExplanationAnswer,
    assignment_transition,
    assignment_update_progress,
    comment_correct,
    comment_post,
    explanation_request_answer,
    explanation_request_create,
    explanation_request_decide,
    extension_request_create,
    extension_request_decide,
    obstacle_answer,
    obstacle_record,
    obstacle_resolve,
)
from tasks_app.workflow import Action


class RolesMixin:
    """The requesting user's roles, read once per request and given to serializers."""

    @cached_property
    def roles(self):
        return user_roles(self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "roles": self.roles}


class SpreadsheetExportMixin:
    """`?format=csv` or `?format=xlsx` downloads the whole filtered list, unpaginated."""

    export_name = "phan-cong"

    def get_renderers(self):
        if self.action == "list":
            return [renderer() for renderer in (JSONRenderer, BrowsableAPIRenderer, CSVRenderer, XLSXRenderer)]
        return super().get_renderers()

    def export_title(self) -> tuple[str, str | None]:
        """The download's file name (without its extension) and the caption the spreadsheet opens with."""
        return f"{self.export_name}-{timezone.localdate():%Y%m%d}", None

    def list(self, request, *args, **kwargs):
        export_format = request.accepted_renderer.format
        if export_format not in (CSVRenderer.format, XLSXRenderer.format):
            return super().list(request, *args, **kwargs)
        name, caption = self.export_title()
        table = assignment_table(self.filter_queryset(self.get_queryset()), caption=caption)
        disposition = f'attachment; filename="{name}.{export_format}"'
        return Response(table, headers={"Content-Disposition": disposition})


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Plan.objects.annotate(
        task_count=Count("tasks", distinct=True), assignment_count=Count("tasks__assignments")
    ).order_by("-year", "code")
    serializer_class = PlanSerializer
    lookup_field = "code"


class TaskViewSet(RolesMixin, IntegerIdMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = TaskSerializer
    filterset_class = TaskFilter

    def get_queryset(self):
        return tasks_visible_to(roles=self.roles).order_by("plan__code", "number")


@extend_schema(responses={200: AssignmentSerializer})
class AssignmentViewSet(SpreadsheetExportMixin, RolesMixin, IntegerIdMixin, viewsets.ReadOnlyModelViewSet):
    """Assignments the user may see: committee staff all, an agency's members their own."""

    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter

    def get_queryset(self):
        return assignment_list(roles=self.roles).order_by("task__plan__code", "task__number", "agency__code")

    def _updated(self, assignment):
        return Response(self.get_serializer(self.get_queryset().get(pk=assignment.pk)).data)

    @extend_schema(responses={200: StatusEventSerializer(many=True)})
    @action(detail=True, methods=["get"], filterset_class=None)
    def events(self, request, pk=None):
        """The assignment's history, newest first."""
        events = self.get_object().events.select_related("actor").order_by("-occurred_at", "-id")
        page = self.paginate_queryset(events)
        return self.get_paginated_response(StatusEventSerializer(page, many=True).data)

    # Documented as JSON only: a body under two content types trips generated clients. A
    # form is still parsed, with its file; `report/` is the documented way to send one.
    @extend_schema(request={JSON: TransitionInputSerializer}, responses={200: AssignmentSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def transition(self, request, pk=None):
        data = validated(TransitionWithFileInputSerializer, request.data)
        return self._transitioned(data["action"], data)

    @extend_schema(
        description="Báo cáo hoàn thành kèm minh chứng: tệp (multipart), đường dẫn, hoặc cả hai. "
        "Như `transition/` với `action=report_done`.",
        request={MULTIPART: ReportDoneInputSerializer},
        responses={200: AssignmentSerializer},
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def report(self, request, pk=None):
        return self._transitioned(Action.REPORT_DONE, validated(ReportDoneInputSerializer, request.data))

    def _transitioned(self, action, data):
        assignment = assignment_transition(
            assignment=self.get_object(),
            action=action,
            actor=self.request.user,
            note=data["note"],
            evidence_url=data["evidence_url"],
            evidence_file=data["evidence_file"],
        )
        return self._updated(assignment)

    @extend_schema(request=ProgressInputSerializer, responses={200: AssignmentSerializer})
    @action(detail=True, methods=["patch"], filterset_class=None)
    def progress(self, request, pk=None):
        data = validated(ProgressInputSerializer, request.data)
        assignment = assignment_update_progress(
            assignment=self.get_object(), progress=data["progress"], actor=request.user, note=data["note"]
        )
        return self._updated(assignment)

    @extend_schema(request=ExtensionRequestInputSerializer, responses={201: ExtensionRequestSerializer})
    @action(detail=True, methods=["post"], url_path="extension-requests", filterset_class=None)
    def extension_requests(self, request, pk=None):
        data = validated(ExtensionRequestInputSerializer, request.data)
        extension_request = extension_request_create(
            assignment=self.get_object(),
            kind=data["kind"],
            requested_due_on=data["requested_due_on"],
            reason=data["reason"],
            actor=request.user,
        )
        return Response(ExtensionRequestSerializer(extension_request).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        description="Ý kiến trao đổi về phân công, cũ trước mới sau, kèm các lần sửa.",
        responses={200: CommentSerializer(many=True)},
    )
    @extend_schema(
        methods=["POST"],
        description="Gửi một ý kiến (đầu mối, lãnh đạo của cơ quan được giao; Tổ giúp việc). "
        "Nội dung là văn bản thuần, tối đa 5.000 ký tự.",
        request=CommentInputSerializer,
        responses={201: CommentSerializer},
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None)
    def comments(self, request, pk=None):
        context = self.get_serializer_context()
        if request.method == "POST":
            data = validated(CommentInputSerializer, request.data)
            comment = comment_post(assignment=self.get_object(), author=request.user, text=data["text"])
            comment = comments_in_full().get(pk=comment.pk)
            return Response(CommentSerializer(comment, context=context).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(comments_in_full().filter(assignment=self.get_object()))
        return self.get_paginated_response(CommentSerializer(page, many=True, context=context).data)


@extend_schema_view(
    partial_update=extend_schema(
        description="Người viết sửa ý kiến trong thời gian cho phép sau khi gửi (mặc định 15 phút); "
        "nội dung cũ được lưu. Quá thời gian: 409; người khác: 403.",
        request=CommentInputSerializer,
        responses={200: CommentSerializer},
    ),
)
class CommentViewSet(RolesMixin, IntegerIdMixin, viewsets.GenericViewSet):
    """Comments are corrected here, by their author within the correction window; they are
    listed under their assignment and never deleted."""

    serializer_class = CommentSerializer
    http_method_names = ["patch", "options"]

    def get_queryset(self):
        return comments_visible_to(roles=self.roles)

    def partial_update(self, request, pk=None):
        data = validated(CommentInputSerializer, request.data)
        comment = comment_correct(comment=self.get_object(), actor=request.user, text=data["text"])
        return Response(self.get_serializer(self.get_queryset().get(pk=comment.pk)).data)


class ExtensionRequestViewSet(RolesMixin, IntegerIdMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ExtensionRequestSerializer
    filterset_fields = {"status": ["exact"]}

    def get_queryset(self):
        return extension_requests_visible_to(roles=self.roles).order_by("-requested_at", "-id")

    @extend_schema(request=ExtensionDecisionInputSerializer, responses={200: ExtensionRequestSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Committee staff approve or reject a pending request."""
        data = validated(ExtensionDecisionInputSerializer, request.data)
        decided = extension_request_decide(
            request=self.get_object(), approve=data["decision"] == "approve", actor=request.user, note=data["note"]
        )
        return Response(ExtensionRequestSerializer(decided).data)


@extend_schema_view(
    list=extend_schema(
        description="Yêu cầu giải trình: Tổ giúp việc xem tất cả, cơ quan xem của mình; mới trước cũ sau.",
        parameters=[ExplanationQuerySerializer],
    ),
    retrieve=extend_schema(description="Một yêu cầu, các nhiệm vụ và nội dung giải trình, các bước đã qua."),
    create=extend_schema(
        description="Tổ giúp việc yêu cầu một cơ quan giải trình các phân công quá hạn của mình "
        "(chưa báo cáo hoàn thành, đã quá thời hạn). Đầu mối của cơ quan được báo ngay.",
        request=ExplanationRequestInputSerializer,
        responses={201: ExplanationRequestSerializer},
    ),
)
class ExplanationRequestViewSet(
    RolesMixin,
    IntegerIdMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ExplanationRequestSerializer

    def get_queryset(self):
        return explanation_requests_visible_to(roles=self.roles).order_by("-created_at", "-id")

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        query = validated(ExplanationQuerySerializer, self.request.query_params)
        return explanation_requests_filtered(queryset, **query)

    def _shown(self, explanation_request, status_code=status.HTTP_200_OK):
        shown = self.get_queryset().get(pk=explanation_request.pk)
        return Response(self.get_serializer(shown).data, status=status_code)

    def create(self, request, *args, **kwargs):
        data = validated(ExplanationRequestInputSerializer, request.data)
        made = explanation_request_create(
            agency=data["agency"],
            assignments=data["assignments"],
            message=data["message"],
            answer_due_on=data["answer_due_on"],
            actor=request.user,
        )
        return self._shown(made, status.HTTP_201_CREATED)

    @extend_schema(
        description="Đầu mối của cơ quan giải trình từng nhiệm vụ của yêu cầu: nguyên nhân (bắt buộc), "
        "khó khăn, ngày cam kết hoàn thành (không trước hôm nay; không làm thay đổi thời hạn).",
        request=ExplanationAnswerInputSerializer,
        responses={200: ExplanationRequestSerializer},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        data = validated(ExplanationAnswerInputSerializer, request.data)
        answered = explanation_request_answer(
            request=self.get_object(),
            answers=[ExplanationAnswer(**item) for item in data["items"]],
            actor=request.user,
        )
        return self._shown(answered)

    @extend_schema(
        description="Tổ giúp việc chấp nhận giải trình, hoặc yêu cầu giải trình lại (cần ý kiến; hạn giải trình mới).",
        request=ExplanationDecisionInputSerializer,
        responses={200: ExplanationRequestSerializer},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        data = validated(ExplanationDecisionInputSerializer, request.data)
        decided = explanation_request_decide(
            request=self.get_object(),
            decision=data["decision"],
            note=data["note"],
            answer_due_on=data["answer_due_on"],
            actor=request.user,
        )
        return self._shown(decided)


@extend_schema_view(
    list=extend_schema(
        description="Khó khăn, vướng mắc, kiến nghị, cũ trước mới sau: Tổ giúp việc xem tất cả; cơ quan xem "
        "các kiến nghị mình nêu và các kiến nghị gửi đến mình.",
        parameters=[ObstacleQuerySerializer],
    ),
    retrieve=extend_schema(description="Một kiến nghị, trả lời, kết quả và các bước đã qua."),
    create=extend_schema(
        description="Đầu mối của cơ quan được giao nêu khó khăn, vướng mắc, kiến nghị trên phân công đang thực hiện, "
        "gửi một cơ quan khác (mã cơ quan) hoặc Ủy ban (“committee”). Bên nhận được báo ngay.",
        request=ObstacleInputSerializer,
        responses={201: ObstacleSerializer},
    ),
)
class ObstacleViewSet(
    RolesMixin,
    IntegerIdMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ObstacleSerializer

    def get_queryset(self):
        return obstacles_visible_to(roles=self.roles)

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return obstacles_filtered(queryset, **validated(ObstacleQuerySerializer, self.request.query_params))

    def _shown(self, obstacle, status_code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=obstacle.pk)).data, status=status_code)

    def create(self, request, *args, **kwargs):
        data = validated(ObstacleInputSerializer, request.data)
        # Work the user may not see is, to them, work that does not exist.
        assignment = assignments_visible_to(roles=self.roles).filter(pk=data["assignment"]).first()
        if assignment is None:
            raise InvalidInput(_("Không có phân công mã số %(id)s.") % {"id": data["assignment"]}, field="assignment")
        made = obstacle_record(
            assignment=assignment,
            kind=data["kind"],
            text=data["text"],
            addressee=data["addressee"],
            actor=request.user,
        )
        return self._shown(made, status.HTTP_201_CREATED)

    @extend_schema(
        description="Bên nhận trả lời (đầu mối của cơ quan được đề nghị; Tổ giúp việc khi gửi Ủy ban), một lần, "
        "khi kiến nghị đang chờ trả lời.",
        request=ObstacleAnswerInputSerializer,
        responses={200: ObstacleSerializer},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        data = validated(ObstacleAnswerInputSerializer, request.data)
        return self._shown(obstacle_answer(obstacle=self.get_object(), text=data["text"], actor=request.user))

    @extend_schema(
        description="Đầu mối của cơ quan nêu kiến nghị hoặc Tổ giúp việc kết thúc kiến nghị: đã giải quyết, "
        "hoặc không giải quyết được (cần lý do; chỉ sau khi đã có trả lời).",
        request=ObstacleResolveInputSerializer,
        responses={200: ObstacleSerializer},
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        data = validated(ObstacleResolveInputSerializer, request.data)
        resolved = obstacle_resolve(
            obstacle=self.get_object(), resolution=data["resolution"], note=data["note"], actor=request.user
        )
        return self._shown(resolved)


class PlanSummaryView(RolesMixin, APIView):
    @extend_schema(parameters=[DashboardQuerySerializer], responses={200: PlanSummarySerializer})
    def get(self, request):
        """A plan's figures as official reports give them, as they stood at the end of `as_of`."""
        query = validated(DashboardQuerySerializer, request.query_params)
        summary = plan_summary(plan=query["plan"], roles=self.roles, as_of=query.get("as_of"))
        return Response(PlanSummarySerializer(summary).data)


class AgencyBreakdownView(RolesMixin, APIView):
    pagination_class = viewsets.GenericViewSet.pagination_class

    @extend_schema(
        parameters=[AgencyDashboardQuerySerializer],
        responses={200: AgencyBreakdownSerializer(many=True)},
    )
    def get(self, request):
        """Per agency: total, done, on time, late, on track, overdue and completion rate."""
        query = validated(AgencyDashboardQuerySerializer, request.query_params)
        agencies = None
        if "kind" in query or "region" in query:
            filters = {field: query[field] for field in ("kind", "region") if field in query}
            agencies = Agency.objects.filter(**filters)
        rows = agency_breakdown(
            roles=self.roles,
            as_of=query.get("as_of"),
            plan=query.get("plan"),
            agencies=agencies,
            ordering=query["ordering"],
            roll_up=query["roll_up"],
        )
        paginator = self.pagination_class()
        # A few thousand agencies at most: counted once, then paged in memory.
        page = with_agencies(paginator.paginate_queryset(list(rows), request, view=self))
        return paginator.get_paginated_response(AgencyBreakdownSerializer(page, many=True).data)


class TimelineView(RolesMixin, APIView):
    @extend_schema(parameters=[TimelineQuerySerializer], responses={200: TimelinePointSerializer(many=True)})
    def get(self, request):
        """Done and overdue counts at the end of each week or month of the plan's year."""
        query = validated(TimelineQuerySerializer, request.query_params)
        points = plan_timeline(plan=query["plan"], roles=self.roles, period=query["period"])
        return Response(TimelinePointSerializer(points, many=True).data)


class OverdueListView(SpreadsheetExportMixin, RolesMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Open work past its due date on `as_of`, most overdue first, with days overdue."""

    export_name = "qua-han"
    serializer_class = AssignmentSerializer
    filterset_class = OverdueFilter

    def get_queryset(self):
        query = validated(AsOfQuerySerializer, self.request.query_params)
        return overdue_list(roles=self.roles, as_of=query.get("as_of"))

    def export_title(self):
        """Named and captioned with the plan and the day the list is as of, not the day it was downloaded."""
        as_of = validated(AsOfQuerySerializer, self.request.query_params).get("as_of") or timezone.localdate()
        plan = self.request.query_params.get("plan", "")
        caption = _("Phân công quá hạn, kế hoạch %(plan)s, số liệu tính đến hết ngày %(day)s") % {
            "plan": plan or _("tất cả"),
            "day": f"{as_of:%d/%m/%Y}",
        }
        return f"qua-han-{slugify(plan) or 'tat-ca'}-{as_of:%Y%m%d}", caption

    @extend_schema(parameters=[AsOfQuerySerializer], responses={200: AssignmentSerializer(many=True)})
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
