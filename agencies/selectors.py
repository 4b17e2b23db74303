from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from agencies.models import COMMITTEE_STAFF_GROUP, Agency, AgencyMembership, MembershipRole


@dataclass(frozen=True)
class UserRoles:
    """What one user is, read once per request so that per-row checks need no query."""

    user_id: int | None
    is_committee_staff: bool
    focal_point_agency_ids: frozenset[int]
    leader_agency_ids: frozenset[int]

    def is_focal_point_of(self, agency_id: int) -> bool:
        return agency_id in self.focal_point_agency_ids

    @property
    def agency_ids(self) -> frozenset[int]:
        return self.focal_point_agency_ids | self.leader_agency_ids


def user_roles(user: AbstractBaseUser | AnonymousUser) -> UserRoles:
    if not user.is_authenticated or not user.is_active:
        return UserRoles(None, False, frozenset(), frozenset())
    memberships = list(
        AgencyMembership.objects.filter(user=user, agency__is_active=True).values_list("agency_id", "role")
    )
    focal_points = frozenset(agency_id for agency_id, role in memberships if role == MembershipRole.FOCAL_POINT)
    leaders = frozenset(agency_id for agency_id, role in memberships if role == MembershipRole.LEADER)
    # The same meaning as committee_staff_users().
    is_staff = user.is_superuser or user.groups.filter(name=COMMITTEE_STAFF_GROUP).exists()
    return UserRoles(user.pk, is_staff, focal_points, leaders)


def request_roles(request) -> UserRoles:
    """The user's roles, read once per request: the admin asks about permissions many
    times on one page."""
    if not hasattr(request, "tracker_roles"):
        request.tracker_roles = user_roles(request.user)
    return request.tracker_roles


def committee_staff_users() -> QuerySet:
    """Committee staff as user_roles counts them: the committee_staff group and administrators
    (superusers), who may accept reports and so are told of them."""
    users = get_user_model()
    in_group = users.groups.through.objects.filter(group__name=COMMITTEE_STAFF_GROUP).values("user_id")
    return users.objects.filter(Q(pk__in=in_group) | Q(is_superuser=True), is_active=True)


def focal_points_of(agency_id: int) -> QuerySet:
    return get_user_model().objects.filter(
        memberships__agency_id=agency_id, memberships__role=MembershipRole.FOCAL_POINT, is_active=True
    )


def successors_by_agency() -> dict[int, int]:
    """Each agency merged into another, with the agency that carries its work today (the
    end of its chain of successors), in one query."""
    direct = dict(Agency.objects.filter(successor__isnull=False).values_list("pk", "successor_id"))

    def last(agency_id: int) -> int:
        seen = set()
        while agency_id in direct and agency_id not in seen:
            seen.add(agency_id)
            agency_id = direct[agency_id]
        return agency_id

    return {agency_id: last(agency_id) for agency_id in direct}


def with_predecessors(agency_ids: Iterable[int]) -> set[int]:
    """These agencies and every agency merged into them, however long ago."""
    wanted = set(agency_ids)
    return wanted | {old for old, successor in successors_by_agency().items() if successor in wanted}
