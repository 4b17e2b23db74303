from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reports.periods import PeriodKind, ReportPeriod
from tasks_app.models import AppendOnly, Plan


class Report(AppendOnly, models.Model):
    """A plan's periodic report, issued by committee staff (chốt số liệu): its figures are
    stored with it and never change afterwards. Figures that changed since (history recorded
    later but dated on or before the cut-off) are issued as a new version of the same
    period; the earlier versions are kept."""

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("loại kỳ báo cáo"), max_length=20, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    # The month, the quarter, 1 for the kinds held once a year, the cut-off's day of the year when ad hoc.
    number = models.PositiveSmallIntegerField(_("số thứ tự kỳ"))
    start = models.DateField(_("từ ngày"))
    cut_off = models.DateField(_("số liệu tính đến ngày"))
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    # reports.content's figures as they stood at the cut-off, and the changes since the previous report.
    figures = models.JSONField(_("số liệu đã chốt"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người chốt số liệu"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("chốt số liệu lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("báo cáo định kỳ")
        verbose_name_plural = pgettext_lazy("plural", "báo cáo định kỳ")
        ordering = ["-cut_off", "plan", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "year", "number", "version"], name="unique_report_version"),
            models.CheckConstraint(condition=Q(start__lte=F("cut_off")), name="report_starts_by_its_cut_off"),
            models.CheckConstraint(condition=Q(version__gte=1), name="report_version_from_1"),
        ]
        indexes = [models.Index(fields=["plan", "kind", "cut_off"])]

    def __str__(self):
        return f"{self.plan.code} · {self.period.label} · v{self.version}"

    @property
    def period(self) -> ReportPeriod:
        return ReportPeriod(self.kind, self.year, self.number, self.start, self.cut_off)

    def delete(self, *args, **kwargs):
        raise TypeError("Issued reports are part of the record and are never deleted")
