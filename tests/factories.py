from datetime import date

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from agencies.models import Agency, AgencyKind, AgencyMembership, MembershipRole, Region
from tasks_app.models import Plan, Task


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"AG{n}")
    name = factory.Sequence(lambda n: f"Bộ thử nghiệm {n}")
    kind = AgencyKind.MINISTRY


class ProvinceFactory(AgencyFactory):
    code = factory.Sequence(lambda n: f"P{n:02d}")
    name = factory.Sequence(lambda n: f"Tỉnh thử nghiệm {n}")
    kind = AgencyKind.PROVINCE
    region = Region.RED_RIVER_DELTA


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = AgencyMembership

    agency = factory.SubFactory(AgencyFactory)
    user = factory.SubFactory(UserFactory)
    role = MembershipRole.FOCAL_POINT


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = Plan
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"PLAN-{n}")
    title = factory.Sequence(lambda n: f"Kế hoạch thử nghiệm {n}")
    year = 2024


class TaskFactory(DjangoModelFactory):
    class Meta:
        model = Task

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Nhiệm vụ thử nghiệm {n}")
    due_on = date(2024, 6, 30)
