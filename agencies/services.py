"""Writes to agencies: succession, when agencies merge.

On 01/07/2025 the 63 provinces became 34, and a new unit took the code of the old unit
that hosts its centre: the same code means different units before and after. A merged
unit is therefore a new agency with a code of its own, and the old ones are closed and
point to it; history stays on the old agencies, open work moves to the successor
(tasks_app.mergers, which drives both halves)."""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _

from agencies.models import Agency, AgencyMembership
from core.errors import InvalidInput


@dataclass(frozen=True)
class Succession:
    """These agencies become one: `successor_code`. The first old code is the host,
    whose kind and region the successor takes when it is new."""

    old_codes: tuple[str, ...]
    successor_code: str
    successor_name: str


@dataclass
class SuccessionOutcome:
    succession: Succession
    successor_created: bool = False
    successor_renamed: bool = False
    closed: list[str] = field(default_factory=list)
    moved: int = 0
    duplicates_cancelled: int = 0
    refusals: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.successor_created or self.successor_renamed or self.closed or self.moved or self.duplicates_cancelled
        )


def merger_successions(file, *, effective: date) -> list[Succession]:
    """Read a merger table (columns old_code, old_name, new_code, new_name; one row per
    old unit) into successions. A new unit that is one old unit under its own code goes
    on as that agency (renamed if its name changed); any other new unit gets the code
    `<new_code>-<year of effect>`, since its bare code still names the old unit."""
    text = file.read()
    reader = csv.DictReader(io.StringIO(text.decode("utf-8-sig") if isinstance(text, bytes) else text))
    missing = {"old_code", "new_code", "new_name"} - set(reader.fieldnames or [])
    if missing:
        raise InvalidInput(_("Thiếu cột: %(columns)s.") % {"columns": ", ".join(sorted(missing))})
    old_by_new, names = defaultdict(list), {}
    for row in reader:
        new_code, old_code = row["new_code"].strip(), row["old_code"].strip()
        old_by_new[new_code].append(old_code)
        names[new_code] = row["new_name"].strip()
    successions = []
    for new_code, old_codes in old_by_new.items():
        # The host (same code) first: the successor takes its kind and region.
        old_codes.sort(key=lambda code: code != new_code)
        goes_on = old_codes == [new_code]
        successor_code = new_code if goes_on else f"{new_code}-{effective.year}"
        successions.append(Succession(tuple(old_codes), successor_code, names[new_code]))
    return successions


def successions_check(successions: list[Succession]) -> None:
    """Every old code of a merger table names an agency."""
    old_codes = {code for succession in successions for code in succession.old_codes}
    unknown = sorted(old_codes - set(Agency.objects.filter(code__in=old_codes).values_list("code", flat=True)))
    if unknown:
        raise InvalidInput(_("Không có cơ quan mã: %(codes)s.") % {"codes": ", ".join(unknown)})


def succession_apply(succession: Succession, *, effective: date) -> tuple[SuccessionOutcome, Agency, list[int]]:
    """The agencies' half of a merger, inside the caller's transaction: create or update the
    successor (valid from `effective`), close the old agencies (valid to the day before,
    inactive, pointing to the successor) and give the successor their focal points and
    leaders. Returns the outcome so far, the successor and the closed agencies' ids, whose
    open work the caller moves (tasks_app.mergers)."""
    outcome = SuccessionOutcome(succession)
    olds = {a.code: a for a in Agency.objects.select_for_update().filter(code__in=succession.old_codes)}
    host = olds[succession.old_codes[0]]
    successor = olds.get(succession.successor_code) or Agency.objects.filter(code=succession.successor_code).first()
    if successor is None:
        successor = Agency.objects.create(
            code=succession.successor_code,
            name=succession.successor_name,
            short_name=_short_name(succession.successor_name, host),
            kind=host.kind,
            region=host.region,
            valid_from=effective,
        )
        outcome.successor_created = True
    elif successor.name != succession.successor_name:
        successor.name = succession.successor_name
        successor.short_name = _short_name(succession.successor_name, host)
        successor.save(update_fields=["name", "short_name"])
        outcome.successor_renamed = True

    closing = [old for old in olds.values() if old.pk != successor.pk]
    for old in closing:
        if old.successor_id not in (None, successor.pk):
            outcome.refusals.append(_("%(old)s đã sáp nhập vào %(other)s.") % {"old": old.code, "other": old.successor})
            continue
        if old.successor_id is None or old.is_active:
            old.successor, old.is_active, old.valid_to = successor, False, effective - timedelta(days=1)
            old.save(update_fields=["successor", "is_active", "valid_to"])
            outcome.closed.append(old.code)
    old_ids = [old.pk for old in closing]
    AgencyMembership.objects.bulk_create(
        [
            AgencyMembership(agency=successor, user_id=user_id, role=role)
            for user_id, role in AgencyMembership.objects.filter(agency_id__in=old_ids).values_list("user_id", "role")
        ],
        ignore_conflicts=True,
    )
    return outcome, successor, old_ids


def _short_name(name: str, host: Agency) -> str:
    if name == host.name:
        return host.short_name
    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name.removeprefix(prefix)
    return ""
