from rest_framework import serializers

from reports.periods import CALENDAR_KINDS, PeriodKind


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
