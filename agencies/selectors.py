from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import IntegerField, Q, QuerySet, Value

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


# The row that says "in the committee staff group" among a user's memberships.
IN_STAFF_GROUP = "committee_staff"


def user_roles(user: AbstractBaseUser | AnonymousUser) -> UserRoles:
    """A user's roles in one query, kept on the user object as Django keeps its permission
    cache: a request asks many times (the view, then the service it calls; the admin for
    every row). A user whose memberships change is read again as a new object."""
    if not user.is_authenticated or not user.is_active:
        return UserRoles(None, False, frozenset(), frozenset())
    if not hasattr(user, "_tracker_roles"):
        rows = AgencyMembership.objects.filter(user=user, agency__is_active=True).values_list("agency_id", "role")
        if not user.is_superuser:
            in_group = user.groups.filter(name=COMMITTEE_STAFF_GROUP).values_list(
                Value(None, output_field=IntegerField()), Value(IN_STAFF_GROUP)
            )
            rows = rows.union(in_group, all=True)
        rows = list(rows)
        user._tracker_roles = UserRoles(
            user.pk,
            # The same meaning as committee_staff_users().
            user.is_superuser or any(role == IN_STAFF_GROUP for _agency, role in rows),
            frozenset(agency for agency, role in rows if role == MembershipRole.FOCAL_POINT),
            frozenset(agency for agency, role in rows if role == MembershipRole.LEADER),
        )
    return user._tracker_roles


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
