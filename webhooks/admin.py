import secrets

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from webhooks.models import EventType, WebhookDelivery, WebhookEndpoint
from webhooks.services import deliveries_retry


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("Địa chỉ nhận"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("Sự kiện"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events", "agencies", "owner", "secret", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["secret"].initial = secrets.token_urlsafe(32)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "description", "is_active", "consecutive_failures", "disabled_at", "owner"]
    list_filter = ["is_active"]
    autocomplete_fields = ["agencies", "owner"]
    readonly_fields = ["consecutive_failures", "disabled_at"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "event_type",
        "endpoint",
        "status",
        "attempts",
        "response_code",
        "last_attempt_at",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status", "event_type", "endpoint"]
    list_select_related = ["endpoint"]
    readonly_fields = [field.name for field in WebhookDelivery._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Gửi lại ngay"), permissions=["view"])
    def send_again(self, request, queryset):
        count = deliveries_retry(deliveries=queryset)
        self.message_user(
            request,
            ngettext("Sẽ gửi lại %(n)d sự kiện.", "Sẽ gửi lại %(n)d sự kiện.", count) % {"n": count},
            messages.SUCCESS,
        )
