from django import forms
from django.contrib import admin, messages
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from agencies.models import Agency, AgencyMembership, MembershipRole, ServiceAccount
from agencies.service_accounts import (
    MAX_TOKEN_DAYS,
    service_account_create,
    service_account_token_issue,
    service_account_tokens_revoke,
    service_token_expiry,
)


class MembershipInline(admin.TabularInline):
    model = AgencyMembership
    fields = ["user", "role"]
    autocomplete_fields = ["user"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    """Agencies and their people. tasks_app extends it with the agencies' open work and the
    merger action (tasks_app.admin.AgencyWorkAdmin), which move assignments."""

    list_display = [
        "code",
        "name",
        "kind",
        "region",
        "is_active",
        "valid_from",
        "valid_to",
        "successor",
        "focal_point_names",
    ]
    list_display_links = ["code", "name"]
    list_filter = ["kind", "region", "is_active"]
    list_select_related = ["successor"]
    search_fields = ["code", "name__folded_contains", "short_name__folded_contains"]
    autocomplete_fields = ["successor"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        focal_points = AgencyMembership.objects.filter(role=MembershipRole.FOCAL_POINT).select_related("user")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("memberships", queryset=focal_points, to_attr="focal_point_memberships"))
        )

    @admin.display(description=_("Đầu mối"))
    def focal_point_names(self, agency):
        return ", ".join(m.user.get_full_name() or m.user.get_username() for m in agency.focal_point_memberships)


class ServiceAccountAddForm(forms.ModelForm):
    token_days = forms.IntegerField(
        label=_("Thời hạn của mã (ngày)"), initial=90, min_value=1, max_value=MAX_TOKEN_DAYS
    )

    class Meta:
        model = ServiceAccount
        fields = ["name", "agency", "read_only"]


@admin.register(ServiceAccount)
class ServiceAccountAdmin(admin.ModelAdmin):
    """Systems that use the API with a token: made here, the token shown once; another token
    issued (a rotation) or every token revoked by the actions."""

    list_display = ["name", "scope", "read_only", "token_expiry", "created_by", "created_at"]
    list_filter = ["read_only"]
    list_select_related = ["agency", "created_by"]
    search_fields = ["name__folded_contains", "agency__code"]
    actions = ["issue_token", "revoke_tokens"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("user__auth_token_set")

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ServiceAccountAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["name", "agency", "read_only", "token_days"] if obj is None else ["name", "agency", "read_only"]

    def get_readonly_fields(self, request, obj=None):
        # The scope is the account's membership: a system for another agency is another account.
        return [] if obj is None else ["agency"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        account, key = service_account_create(
            name=data["name"],
            agency=data["agency"],
            read_only=data["read_only"],
            token_days=data["token_days"],
            actor=request.user,
        )
        obj.pk, obj.user_id = account.pk, account.user_id
        self._show_key(request, account, key)

    def _show_key(self, request, account, key):
        self.message_user(
            request,
            _("Mã truy cập của “%(name)s”, chỉ hiện một lần: %(key)s — gửi trong Authorization: Bearer <mã>.")
            % {"name": account.name, "key": key},
            messages.WARNING,
        )

    @admin.display(description=_("Phạm vi"))
    def scope(self, account):
        return account.agency or _("Ủy ban (mọi cơ quan)")

    @admin.display(description=_("Mã còn hiệu lực đến"))
    def token_expiry(self, account):
        return service_token_expiry(account) or _("Không còn mã")

    @admin.action(description=_("Cấp mã mới (90 ngày; mã cũ vẫn dùng đến khi hết hạn)"), permissions=["change"])
    def issue_token(self, request, queryset):
        for account in queryset:
            self._show_key(request, account, service_account_token_issue(account=account, token_days=90))

    @admin.action(description=_("Thu hồi mọi mã"), permissions=["change"])
    def revoke_tokens(self, request, queryset):
        revoked = service_account_tokens_revoke(accounts=queryset)
        self.message_user(request, _("Đã thu hồi %(n)d mã.") % {"n": revoked}, messages.SUCCESS)
