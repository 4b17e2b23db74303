from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.two_factor import two_factor_reset

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class TrackerUserAdmin(UserAdmin):
    actions = ["reset_two_factor"]

    @admin.action(description=_("Đặt lại xác thực hai lớp (khi mất điện thoại)"), permissions=["change"])
    def reset_two_factor(self, request, queryset):
        users = list(queryset)
        two_factor_reset(users=users)
        self.message_user(
            request,
            ngettext(
                "Đã đặt lại xác thực hai lớp cho %(n)d tài khoản: lần đăng nhập tới sẽ thiết lập lại.",
                "Đã đặt lại xác thực hai lớp cho %(n)d tài khoản: lần đăng nhập tới sẽ thiết lập lại.",
                len(users),
            )
            % {"n": len(users)},
            messages.SUCCESS,
        )
