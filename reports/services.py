"""Writes of reports: issuing a plan's report for a period (chốt số liệu) and issuing a new
version when its figures have changed. Each checks the actor's right first, computes the
figures as they stood at the cut-off and stores them for good; a refusal raises a
DomainError and stores nothing."""

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.selectors import user_roles
from notifications.models import NotificationKind
from notifications.services import notify_committee_staff
from reports.content import report_content
from reports.models import Report
from reports.periods import PeriodKind, ReportPeriod
from reports.selectors import (
    CHANGES,
    draft_path,
    drafts_ended,
    figure_differences,
    previous_report,
    report_changes,
    report_versions,
)
from tasks_app.models import Plan
from tasks_app.workflow import report_cut_off_check, report_issue_check, report_new_version_check


def _field_naming(period: ReportPeriod) -> str:
    """The input that named the period: an ad-hoc report's cut-off, a month's or a quarter's number, else the year."""
    if period.kind == PeriodKind.AD_HOC:
        return "cut_off"
    return "number" if period.kind in (PeriodKind.MONTH, PeriodKind.QUARTER) else "year"


def _locked(plan: Plan) -> Plan:
    """Issuing for a plan waits for another issue of the same plan, so that both never take
    one version number (SQLite's transactions, IMMEDIATE, already wait for each other)."""
    return Plan.objects.select_for_update().get(pk=plan.pk)


def _issue(*, plan: Plan, period: ReportPeriod, version: int, content: dict, actor: User) -> Report:
    changes = report_changes(content=content, previous=previous_report(plan=plan, period=period))
    return Report.objects.create(
        plan=plan,
        kind=period.kind,
        year=period.year,
        number=period.number,
        start=period.start,
        cut_off=period.end,
        version=version,
        figures={**content, CHANGES: changes},
        issued_by=actor,
    )


@transaction.atomic
def report_issue(*, plan: Plan, period: ReportPeriod, actor: User) -> Report:
    """Committee staff issue a plan's report for a period whose cut-off day has ended: its
    figures as they stood then, and their changes since the previous report of its kind."""
    roles = user_roles(actor)
    report_issue_check(roles=roles)
    report_cut_off_check(cut_off=period.end, today=timezone.localdate(), field=_field_naming(period))
    plan = _locked(plan)
    issued = report_versions(plan=plan, period=period).first()
    report_issue_check(roles=roles, issued_version=issued.version if issued else None)
    return _issue(plan=plan, period=period, version=1, content=report_content(plan=plan, period=period), actor=actor)


@transaction.atomic
def report_new_version(*, report: Report, actor: User) -> Report:
    """Committee staff issue the figures of a report's period again, as they stand now,
    when they have changed since its latest version; every earlier version is kept."""
    roles = user_roles(actor)
    report_issue_check(roles=roles)
    plan = _locked(report.plan)
    latest = report_versions(plan=plan, period=report.period).first()
    content = report_content(plan=plan, period=latest.period)
    changed = bool(figure_differences(issued=latest.figures, now=content))
    report_new_version_check(roles=roles, latest_version=latest.version, changed=changed)
    return _issue(plan=plan, period=latest.period, version=latest.version + 1, content=content, actor=actor)


@transaction.atomic
def report_drafts_announce(*, on: date) -> int:
    """The morning after a cut-off: tell committee staff that the draft of each period that
    ended then is ready, for every active plan, once per plan and period (the notices'
    keys), in the morning's digest. Returns how many notices are new."""
    told = 0
    for row in drafts_ended(on=on):
        plan, period = row.plan, row.period
        note = _("%(plan)s — %(period)s: dự thảo báo cáo với số liệu đến hết ngày %(day)s đã sẵn sàng để xem và chốt.")
        told += notify_committee_staff(
            kind=NotificationKind.REPORT_DRAFT,
            about=f"{plan.code}:{period.kind}:{period.year}:{period.number}",
            note=note % {"plan": plan.code, "period": period.label, "day": f"{period.end:%d/%m/%Y}"},
            link=draft_path(plan, period),
        )
    return told
