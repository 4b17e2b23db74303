from rest_framework import viewsets

from agencies.api.filters import AgencyFilter
from agencies.api.serializers import AgencySerializer
from agencies.models import Agency


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    """Ministries, provinces and enterprises; every signed-in user may read them."""

    queryset = Agency.objects.select_related("successor").order_by("kind", "code")
    serializer_class = AgencySerializer
    filterset_class = AgencyFilter
    lookup_field = "code"
