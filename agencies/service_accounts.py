"""Service accounts (agencies.models.ServiceAccount): a system's identity and its tokens.

An account for one agency is that agency's focal point; a committee-wide one is in the
committee staff group: the API's rules for people apply to them unchanged (the permission
matrix checks both). A read-only account is refused every write (ReadOnlyServiceAccounts)."""

import re
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken
from rest_framework.permissions import SAFE_METHODS, BasePermission

from agencies.models import COMMITTEE_STAFF_GROUP, Agency, AgencyMembership, MembershipRole, ServiceAccount
from core.errors import InvalidInput
from core.text import folded

MAX_TOKEN_DAYS = 366


def _username(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", folded(name)).strip("-")[:100] or "he-thong"
    base = f"service.{slug}"
    taken = set(get_user_model().objects.filter(username__startswith=base).values_list("username", flat=True))
    return next(candidate for n in range(len(taken) + 1) if (candidate := f"{base}{n or ''}") not in taken)


def _expiry(days: int):
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput(_("Thời hạn của mã từ 1 đến %(days)d ngày.") % {"days": MAX_TOKEN_DAYS}, field="token_days")
    return timedelta(days=days)


@transaction.atomic
def service_account_create(
    *, name: str, agency: Agency | None, read_only: bool, token_days: int, actor
) -> tuple[ServiceAccount, str]:
    """The account and its first token, whose key is returned to be shown once."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Cần đặt tên cho hệ thống."), field="name")
    ttl = _expiry(token_days)
    user = get_user_model().objects.create_user(_username(name), first_name=name[:150])
    user.set_unusable_password()
    user.save(update_fields=["password"])
    if agency is None:
        user.groups.add(Group.objects.get_or_create(name=COMMITTEE_STAFF_GROUP)[0])
    else:
        AgencyMembership.objects.create(agency=agency, user=user, role=MembershipRole.FOCAL_POINT)
    account = ServiceAccount.objects.create(user=user, name=name, agency=agency, read_only=read_only, created_by=actor)
    _instance, key = AuthToken.objects.create(user=user, expiry=ttl)
    return account, key


def service_account_token_issue(*, account: ServiceAccount, token_days: int) -> str:
    """Another token (a rotation): the key, shown once. The earlier ones keep working until
    they expire or are revoked."""
    _instance, key = AuthToken.objects.create(user=account.user, expiry=_expiry(token_days))
    return key


def service_account_tokens_revoke(*, accounts) -> int:
    deleted, _by_model = AuthToken.objects.filter(user__service_account__in=accounts).delete()
    return deleted


def service_token_expiry(account: ServiceAccount):
    """When its last token stops working, or None when it has none left."""
    tokens = [token.expiry for token in account.user.auth_token_set.all() if token.expiry > timezone.now()]
    return max(tokens, default=None)


class ReadOnlyServiceAccounts(BasePermission):
    """A read-only system reads; every write it tries is refused (403), before anything runs."""

    message = _("Tài khoản hệ thống này chỉ được đọc.")

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS or not request.user.is_authenticated:
            return True
        return not ServiceAccount.objects.filter(user_id=request.user.pk, read_only=True).exists()
