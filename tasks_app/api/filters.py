import django_filters
from django.db.models import F
from django.db.models.expressions import OrderBy
from django_filters.constants import EMPTY_VALUES

from agencies.models import Agency, AgencyKind, Region
from agencies.selectors import with_predecessors
from tasks_app.models import Assignment, AssignmentRole, Status, Task, Timeliness


class StableOrderingFilter(django_filters.OrderingFilter):
    """Ordering with blanks ignored, empty values (no deadline, not overdue) last in either
    direction, and the id as the last key, so pages never overlap."""

    def __init__(self, *, fields, **kwargs):
        keys = ", ".join(f"`{key}`" for _field, key in fields)
        label = f"Sắp xếp: các khóa ngăn bằng dấu phẩy, dấu - phía trước để giảm dần ({keys})."
        super().__init__(fields=fields, label=label, **kwargs)

    def filter(self, qs, value):
        fields = [field for field in value or [] if field]
        if not fields:
            return qs
        return qs.order_by(*(nulls_last(self.get_ordering_value(field)) for field in fields), "pk")


def nulls_last(ordering: str) -> OrderBy:
    if ordering.startswith("-"):
        return F(ordering[1:]).desc(nulls_last=True)
    return F(ordering).asc(nulls_last=True)


class SuccessorFilter(django_filters.CharFilter):
    """An agency's code: that agency and every agency merged into it, so that a successor
    shows the work its predecessors did under their own names."""

    def __init__(self, agency_field="agency_id", **kwargs):
        super().__init__(label="Mã đơn vị kế thừa: cơ quan đó và mọi cơ quan đã sáp nhập vào nó", **kwargs)
        self.agency_field = agency_field

    def filter(self, qs, value):
        if not value:
            return qs
        agency_ids = Agency.objects.filter(code=value).values_list("pk", flat=True)
        return qs.filter(**{f"{self.agency_field}__in": with_predecessors(agency_ids)})


class HeldByFilterMixin:
    """Filters by a field of the agency that held the work on the day the list is as of
    (its `state_agency_id`), which is not today's agency for work moved since."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return qs.filter(state_agency_id__in=Agency.objects.filter(**{self.field_name: value}).values("pk"))


class HeldByCharFilter(HeldByFilterMixin, django_filters.CharFilter):
    pass


class HeldByChoiceFilter(HeldByFilterMixin, django_filters.ChoiceFilter):
    pass


class AssignmentFilter(django_filters.FilterSet):
    plan = django_filters.CharFilter(field_name="task__plan__code", label="Mã kế hoạch")
    agency = django_filters.CharFilter(field_name="agency__code", label="Mã cơ quan")
    successor = SuccessorFilter()
    agency_kind = django_filters.ChoiceFilter(field_name="agency__kind", choices=AgencyKind.choices)
    region = django_filters.ChoiceFilter(field_name="agency__region", choices=Region.choices)
    role = django_filters.ChoiceFilter(choices=AssignmentRole.choices)
    status = django_filters.ChoiceFilter(choices=Status.choices)
    timeliness = django_filters.ChoiceFilter(choices=Timeliness.choices)
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte")
    q = django_filters.CharFilter(
        field_name="task__title", lookup_expr="folded_contains", label="Tìm trong tên nhiệm vụ, có dấu hay không dấu"
    )
    ordering = StableOrderingFilter(
        fields=(("due_on", "due_on"), ("days_overdue", "days_overdue"), ("agency__code", "agency"))
    )

    class Meta:
        model = Assignment
        fields = []


class OverdueFilter(django_filters.FilterSet):
    plan = django_filters.CharFilter(field_name="task__plan__code", label="Mã kế hoạch")
    agency = HeldByCharFilter(field_name="code", label="Mã cơ quan")
    successor = SuccessorFilter(agency_field="state_agency_id")
    kind = HeldByChoiceFilter(field_name="kind", choices=AgencyKind.choices)
    region = HeldByChoiceFilter(field_name="region", choices=Region.choices)

    class Meta:
        model = Assignment
        fields = []


class TaskFilter(django_filters.FilterSet):
    plan = django_filters.CharFilter(field_name="plan__code", label="Mã kế hoạch")
    agency = django_filters.CharFilter(field_name="assignments__agency__code", distinct=True, label="Mã cơ quan")
    group = django_filters.CharFilter()
    status = django_filters.ChoiceFilter(
        choices=[("done", "done"), ("open", "open")], method="filter_status", label="Đã hoàn thành hay chưa"
    )

    class Meta:
        model = Task
        fields = []

    def filter_status(self, queryset, name, value):
        return queryset.filter(is_done=value == "done")
