from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.errors import InvalidInput
from reports.content import ranking_rule_text
from reports.models import Report
from reports.periods import CALENDAR_KINDS, PeriodKind, year_check
from tasks_app.models import Plan


class PeriodQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[(kind, PeriodKind(kind).label) for kind in CALENDAR_KINDS],
        required=False,
        help_text="Loại kỳ; bỏ trống: mọi loại. Báo cáo đột xuất không có lịch.",
    )
    year = serializers.IntegerField(help_text="Năm báo cáo (từ 2019).")


class ReportPeriodSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PeriodKind.choices)
    year = serializers.IntegerField()
    number = serializers.IntegerField(
        help_text="Tháng (1–12), quý (1–4); 1 với kỳ 6 tháng, 9 tháng, năm; "
        "với báo cáo đột xuất: ngày thứ mấy trong năm."
    )
    label = serializers.CharField()
    start = serializers.DateField(help_text="Ngày đầu kỳ.")
    end = serializers.DateField(help_text="Ngày cuối kỳ: số liệu tính đến hết ngày này.")


class ReportQuerySerializer(serializers.Serializer):
    plan = serializers.CharField(required=False, allow_blank=True, default="", max_length=30, help_text="Mã kế hoạch.")
    kind = serializers.ChoiceField(choices=PeriodKind.choices, required=False, default="")
    year = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="Năm báo cáo.")

    def validate_year(self, year):
        if year is not None:
            checked(year_check, year)
        return year


def checked(check, *args, **kwargs) -> None:
    """A period check's refusal as this field's error."""
    try:
        check(*args, **kwargs)
    except InvalidInput as refusal:
        raise serializers.ValidationError(refusal.message) from refusal


class ReportInputSerializer(serializers.Serializer):
    """The period is checked as a whole (reports.periods.report_period), each error on its field."""

    plan = serializers.SlugRelatedField(slug_field="code", queryset=Plan.objects.all(), help_text="Mã kế hoạch.")
    kind = serializers.ChoiceField(choices=PeriodKind.choices)
    year = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="Năm báo cáo.")
    number = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Tháng (1–12) hoặc quý (1–4)."
    )
    cut_off = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Ngày tính số liệu của báo cáo đột xuất."
    )


class ReportSerializer(serializers.ModelSerializer):
    """An issued report as a list shows it; `is_latest`: no later version of its period."""

    plan = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    label = serializers.CharField(source="period.label", read_only=True, help_text="Tên kỳ: “Quý II năm 2024”.")
    is_latest = serializers.BooleanField(read_only=True)
    issued_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "plan",
            "kind",
            "kind_label",
            "year",
            "number",
            "label",
            "start",
            "cut_off",
            "version",
            "is_latest",
            "issued_by",
            "issued_at",
        ]


class DifferenceSerializer(serializers.Serializer):
    figure = serializers.CharField(help_text="Đường dẫn của số liệu trong figures, ví dụ “tasks.done”.")
    issued = serializers.FloatField(allow_null=True, help_text="Khi chốt số liệu.")
    now = serializers.FloatField(allow_null=True, help_text="Hiện nay.")


class ReportDetailSerializer(ReportSerializer):
    """An issued report with its frozen figures, the ranking rule in words, and the figures
    that changed since it was issued."""

    figures = serializers.JSONField(read_only=True)
    ranking_rule = serializers.SerializerMethodField()
    changed_since_issue = serializers.SerializerMethodField()
    differences = DifferenceSerializer(many=True, read_only=True)

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "figures", "ranking_rule", "changed_since_issue", "differences"]

    def get_ranking_rule(self, report) -> str:
        return ranking_rule_text(report.figures["ranking"]["rule"])

    def get_changed_since_issue(self, report) -> bool:
        return bool(report.differences)


DOCUMENT_FORMATS = [("docx", "DOCX (Word)"), ("xlsx", "XLSX (phụ lục số liệu)"), ("pdf", "PDF")]


class DocumentQuerySerializer(serializers.Serializer):
    format = serializers.ChoiceField(
        choices=DOCUMENT_FORMATS,
        error_messages={
            "required": _("Chọn định dạng: docx, xlsx hoặc pdf."),
            "invalid_choice": _("Không có định dạng “{input}”: chọn docx, xlsx hoặc pdf."),
        },
        help_text="docx: báo cáo theo thể thức Nghị định 30/2020/NĐ-CP; xlsx: phụ lục số liệu; pdf: bản để phát hành.",
    )
