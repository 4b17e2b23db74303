"""The API over reporting periods and reports. Views parse input, call a selector or a
service and render; the rules live in reports.periods, services and selectors."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import validated
from reports.api.serializers import PeriodQuerySerializer, ReportPeriodSerializer
from reports.periods import CALENDAR_KINDS, periods_of, year_check


class ReportPeriodsView(APIView):
    @extend_schema(parameters=[PeriodQuerySerializer], responses={200: ReportPeriodSerializer(many=True)})
    def get(self, request):
        """The periods of Nghị định 09/2019/NĐ-CP of a year, each with its first day and its cut-off."""
        query = validated(PeriodQuerySerializer, request.query_params)
        year_check(query["year"])
        kinds = [query["kind"]] if "kind" in query else CALENDAR_KINDS
        periods = [period for kind in kinds for period in periods_of(kind, query["year"])]
        return Response(ReportPeriodSerializer(periods, many=True).data)
