"""Two-factor sign-in (TOTP with django-otp, and single-use backup codes).

Required for administrators and committee staff (the staff flag, a superuser, or a group
named in TWO_FACTOR_REQUIRED_GROUPS), or for everyone when TWO_FACTOR_FOR_EVERYONE is set;
optional for the others, who may turn it on. Once a user has a confirmed device, every
sign-in asks for its code: the pages and the admin (TwoFactorGate) and the API token
(`two_factor_check`). A wrong code counts as a failed sign-in for django-axes, so guessing
codes locks the account out as guessing passwords does; django-otp also slows each device
down after each failure.
"""

import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.errors import ActionForbidden, InvalidInput

NEEDED_SESSION_KEY = "two_factor_needed"
BACKUP_CODES = 10
BACKUP_DEVICE_NAME = "backup"


def two_factor_required(user) -> bool:
    if not settings.TWO_FACTOR_ENFORCED:
        return False
    if settings.TWO_FACTOR_FOR_EVERYONE or user.is_staff or user.is_superuser:
        return True
    return user.groups.filter(name__in=settings.TWO_FACTOR_REQUIRED_GROUPS).exists()


def two_factor_enabled(user) -> bool:
    return any(devices_for_user(user, confirmed=True))


def two_factor_needed(user) -> bool:
    """A code must be given at sign-in: the user has turned it on, or must."""
    return two_factor_enabled(user) or two_factor_required(user)


@transaction.atomic
def two_factor_enrolment_start(*, user) -> TOTPDevice:
    """A new authenticator key, unconfirmed until a code from it is given; an earlier
    unconfirmed one is replaced, so only the key last shown works."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=_("Ứng dụng xác thực"), confirmed=False)


def _code(code: str) -> str:
    return "".join((code or "").split())


@transaction.atomic
def two_factor_enrolment_confirm(*, request, user, code: str) -> list[str]:
    """The first code from the new key confirms it (replacing an earlier key) and signs this
    session in with it; the backup codes, shown once, are returned."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None:
        raise InvalidInput(_("Chưa có mã khóa đang thiết lập: hãy bắt đầu lại."), field="code")
    if not device.verify_token(_code(code)):
        _failed(request, user)
        raise InvalidInput(_("Mã không đúng hoặc đã hết hạn: nhập mã đang hiện trong ứng dụng xác thực."), field="code")
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    request.session[NEEDED_SESSION_KEY] = True
    return backup_codes_renew(user=user)


@transaction.atomic
def backup_codes_renew(*, user) -> list[str]:
    """New single-use backup codes, replacing the old ones."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name=BACKUP_DEVICE_NAME)
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=BACKUP_DEVICE_NAME).count()


def two_factor_verify(*, request, code: str) -> None:
    """This session's second factor: a code from the authenticator, or a backup code (used up)."""
    device = match_token(request.user, _code(code))
    if device is None:
        _failed(request, request.user)
        raise InvalidInput(_("Mã không đúng hoặc đã hết hạn."), field="code")
    otp_login(request, device)


def two_factor_check(*, request, user, code: str) -> None:
    """Before an API token is issued: the user's second factor, when they have or need one."""
    if not two_factor_needed(user):
        return
    if not two_factor_enabled(user):
        raise ActionForbidden(_("Tài khoản này phải bật xác thực hai lớp trước: đăng nhập trang web để thiết lập."))
    if not code:
        raise InvalidInput(_("Cần mã xác thực hai lớp (ứng dụng xác thực, hoặc một mã dự phòng)."), field="otp")
    if match_token(user, _code(code)) is None:
        _failed(request, user)
        raise InvalidInput(_("Mã xác thực hai lớp không đúng hoặc đã hết hạn."), field="otp")


@transaction.atomic
def two_factor_reset(*, users) -> None:
    """An administrator's reset, for a lost phone: every device of these users goes; each sets
    one up again at the next sign-in (at once, if it is required of them)."""
    TOTPDevice.objects.filter(user__in=users).delete()
    StaticDevice.objects.filter(user__in=users).delete()


def _failed(request, user) -> None:
    # django-axes counts this as a failed sign-in of this username from this address.
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=getattr(request, "_request", request)
    )


@receiver(user_logged_in, dispatch_uid="accounts.two_factor.remember_need")
def remember_need(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[NEEDED_SESSION_KEY] = two_factor_needed(user)


class TwoFactorGate:
    """After a password, until the second factor is given, a user who has or needs one sees
    only the two-factor page, signing out and choosing a language; the API, through a session,
    answers 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and self._needed(request)
            and not user.is_verified()
            and not self._exempt(request.path)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("Cần xác thực hai lớp trước.")}, status=403)
            return redirect(f"{reverse('two_factor')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _needed(request) -> bool:
        """Read once a session, at sign-in (remember_need): not a query on every page."""
        needed = request.session.get(NEEDED_SESSION_KEY)
        if needed is None:
            needed = request.session[NEEDED_SESSION_KEY] = two_factor_needed(request.user)
        return needed

    @staticmethod
    def _exempt(path: str) -> bool:
        exempt = (reverse("two_factor"), reverse("logout"), reverse("set_language"), settings.STATIC_URL)
        return path.startswith(exempt)
