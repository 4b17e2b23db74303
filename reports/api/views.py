"""The API over reporting periods and issued reports. Views parse input, call a selector or
a service and render; the rules live in reports.periods, services and selectors."""

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.selectors import user_roles
from core.api import ERROR_RESPONSES, WRITE_ONLY_ERRORS, IntegerIdMixin, validated
from reports.api.serializers import (
    DocumentQuerySerializer,
    PeriodQuerySerializer,
    ReportDetailSerializer,
    ReportInputSerializer,
    ReportPeriodSerializer,
    ReportQuerySerializer,
    ReportSerializer,
)
from reports.documents import DOCX, PDF, XLSX, document_name, report_docx, report_pdf, report_xlsx
from reports.periods import CALENDAR_KINDS, periods_of, report_period, year_check
from reports.selectors import report_differences, reports_filtered, reports_visible_to
from reports.services import report_issue, report_new_version


class DocumentNameNegotiation(DefaultContentNegotiation):
    """`?format=` names the document asked for, not the renderer of the answer: a refusal
    is JSON whatever was asked, and a document goes out as the file it is."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


# A document's refusals are JSON, whatever its format; 503: LibreOffice, which makes the PDF, is missing or failed.
ERROR = {"$ref": "#/components/schemas/Error"}
DOCUMENT_ERRORS = {
    int(code): OpenApiResponse(response=ERROR, description=str(description))
    for code, description in ERROR_RESPONSES.items()
    if code not in WRITE_ONLY_ERRORS
} | {503: OpenApiResponse(response=ERROR, description="Chưa tạo được bản PDF: máy chủ thiếu LibreOffice.")}


class ReportPeriodsView(APIView):
    @extend_schema(parameters=[PeriodQuerySerializer], responses={200: ReportPeriodSerializer(many=True)})
    def get(self, request):
        """The periods of Nghị định 09/2019/NĐ-CP of a year, each with its first day and its cut-off."""
        query = validated(PeriodQuerySerializer, request.query_params)
        year_check(query["year"])
        kinds = [query["kind"]] if "kind" in query else CALENDAR_KINDS
        periods = [period for kind in kinds for period in periods_of(kind, query["year"])]
        return Response(ReportPeriodSerializer(periods, many=True).data)


@extend_schema_view(
    list=extend_schema(
        description="Báo cáo định kỳ đã chốt số liệu, mới trước cũ sau: Tổ giúp việc xem tất cả, "
        "cơ quan xem báo cáo của các kế hoạch có nhiệm vụ của mình.",
        parameters=[ReportQuerySerializer],
    ),
    retrieve=extend_schema(
        description="Một báo cáo: số liệu đã chốt (JSON), so sánh với báo cáo kỳ trước, và các số liệu "
        "đã thay đổi kể từ khi chốt (lịch sử ghi nhận sau nhưng tính vào trước ngày tính số liệu)."
    ),
    create=extend_schema(
        description="Tổ giúp việc chốt số liệu báo cáo của một kế hoạch cho một kỳ đã kết thúc: tháng hoặc quý "
        "theo số thứ tự (number), 6 tháng, 9 tháng, năm theo năm, đột xuất theo ngày tính số liệu (cut_off). "
        "Kỳ đã chốt: 409, dùng new-version/.",
        request=ReportInputSerializer,
        responses={201: ReportDetailSerializer},
    ),
)
class ReportViewSet(
    IntegerIdMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ReportSerializer

    def get_queryset(self):
        return reports_visible_to(roles=user_roles(self.request.user)).order_by("-cut_off", "-pk")

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return reports_filtered(queryset, **validated(ReportQuerySerializer, self.request.query_params))

    def _shown(self, report, *, differences: list[dict], status_code=status.HTTP_200_OK):
        shown = self.get_queryset().get(pk=report.pk)
        shown.differences = differences
        return Response(ReportDetailSerializer(shown).data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        report = self.get_object()
        return self._shown(report, differences=report_differences(report=report))

    def create(self, request, *args, **kwargs):
        data = validated(ReportInputSerializer, request.data)
        period = report_period(kind=data["kind"], year=data["year"], number=data["number"], cut_off=data["cut_off"])
        report = report_issue(plan=data["plan"], period=period, actor=request.user)
        return self._shown(report, differences=[], status_code=status.HTTP_201_CREATED)

    @extend_schema(
        description="Tổ giúp việc chốt lại số liệu của kỳ báo cáo khi số liệu đã thay đổi so với phiên bản mới nhất; "
        "các phiên bản trước được giữ nguyên. Số liệu không đổi: 409.",
        request=None,
        responses={201: ReportDetailSerializer},
    )
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        report = report_new_version(report=self.get_object(), actor=request.user)
        return self._shown(report, differences=[], status_code=status.HTTP_201_CREATED)

    @extend_schema(
        description="Văn bản của báo cáo, từ số liệu đã chốt: docx theo thể thức Nghị định 30/2020/NĐ-CP "
        "(từ mẫu reports/templates/reports/bao-cao-dinh-ky.docx), xlsx phụ lục số liệu (mỗi bảng một trang tính), "
        "pdf chuyển từ bản docx bằng LibreOffice (503 khi máy chủ không có LibreOffice).",
        parameters=[DocumentQuerySerializer],
        responses={(200, media_type): OpenApiTypes.BINARY for media_type in (DOCX, XLSX, PDF)} | DOCUMENT_ERRORS,
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer],
        content_negotiation_class=DocumentNameNegotiation,
    )
    def document(self, request, pk=None):
        report = self.get_object()
        kind = validated(DocumentQuerySerializer, request.query_params)["format"]
        issued_on = timezone.localtime(report.issued_at).date()
        if kind == "xlsx":
            content, media_type = report_xlsx(report.figures), XLSX
        else:
            content, media_type = report_docx(report.figures, issued_on=issued_on), DOCX
            if kind == "pdf":
                content, media_type = report_pdf(content), PDF
        name = document_name(plan_code=report.plan.code, period=report.period, version=report.version, extension=kind)
        disposition = f'attachment; filename="{name}"'
        return HttpResponse(content, content_type=media_type, headers={"Content-Disposition": disposition})
