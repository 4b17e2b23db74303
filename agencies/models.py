from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

COMMITTEE_STAFF_GROUP = "committee_staff"


class AgencyKind(models.TextChoices):
    MINISTRY = "ministry", _("Bộ")
    MINISTERIAL_AGENCY = "ministerial_agency", _("Cơ quan ngang bộ")
    GOVERNMENT_AGENCY = "government_agency", _("Cơ quan thuộc Chính phủ")
    JUDICIAL = "judicial", _("Cơ quan tư pháp")
    PROVINCE = "province", _("Tỉnh, thành phố trực thuộc Trung ương")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    OTHER = "other", _("Khác")


class Region(models.TextChoices):
    """The six socio-economic regions of the national master plan 2021–2030."""

    NORTHERN_MIDLANDS_MOUNTAINS = "northern_midlands_mountains", _("Trung du và miền núi phía Bắc")
    RED_RIVER_DELTA = "red_river_delta", _("Đồng bằng sông Hồng")
    NORTH_CENTRAL_COAST = "north_central_coast", _("Bắc Trung Bộ và duyên hải miền Trung")
    CENTRAL_HIGHLANDS = "central_highlands", _("Tây Nguyên")
    SOUTHEAST = "southeast", _("Đông Nam Bộ")
    MEKONG_DELTA = "mekong_delta", _("Đồng bằng sông Cửu Long")


class AgencyManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Agency(models.Model):
    code = models.CharField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên ngắn"), max_length=100, blank=True)
    kind = models.CharField(_("loại"), max_length=32, choices=AgencyKind.choices)
    region = models.CharField(_("vùng"), max_length=32, choices=Region.choices, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị kế thừa"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
    )

    objects = AgencyManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = pgettext_lazy("plural", "cơ quan, đơn vị")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="agency_valid_from_before_valid_to",
            ),
            models.CheckConstraint(
                condition=Q(kind=AgencyKind.PROVINCE) | Q(region=""),
                name="agency_region_only_for_provinces",
            ),
            models.CheckConstraint(condition=~Q(successor=models.F("id")), name="agency_not_own_successor"),
        ]
        indexes = [models.Index(fields=["kind", "region"])]

    def __str__(self):
        return self.short_name or self.name

    def natural_key(self):
        return (self.code,)


class MembershipRole(models.TextChoices):
    FOCAL_POINT = "focal_point", _("Đầu mối")
    LEADER = "leader", _("Lãnh đạo")


class AgencyMembership(models.Model):
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=MembershipRole.choices)

    class Meta:
        verbose_name = _("thành viên cơ quan")
        verbose_name_plural = pgettext_lazy("plural", "thành viên cơ quan")
        constraints = [
            models.UniqueConstraint(fields=["agency", "user", "role"], name="unique_membership_per_role"),
        ]

    def __str__(self):
        return f"{self.user} — {self.agency} ({self.get_role_display()})"


class ServiceAccount(models.Model):
    """A ministry's or the committee's own system reading (or writing) through the API with a
    token, under the permission rules of that agency's focal point (or of committee staff,
    for a committee-wide account). Its user has no password: it never signs in to the pages."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="service_account",
    )
    name = models.CharField(_("tên hệ thống"), max_length=150)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_accounts",
        help_text=_("Để trống: hệ thống của Ủy ban, đọc được mọi cơ quan."),
    )
    read_only = models.BooleanField(_("chỉ đọc"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tạo"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tài khoản hệ thống")
        verbose_name_plural = pgettext_lazy("plural", "tài khoản hệ thống")
        ordering = ["name"]

    def __str__(self):
        return self.name
