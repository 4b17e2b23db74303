import django_filters

from agencies.models import Agency, AgencyKind, Region
from core.api import BooleanFilter


class AgencyFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=AgencyKind.choices)
    region = django_filters.ChoiceFilter(choices=Region.choices)
    active = BooleanFilter(field_name="is_active")

    class Meta:
        model = Agency
        fields = ["kind", "region", "active"]
