from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, MembershipRole
from agencies.selectors import user_roles
from tasks_app.management.commands.seed_demo_users import STAFF_USERNAME, demo_username
from tasks_app.models import AWAITING_REPORT, ExplanationRequest, ReasonKind
from tasks_app.selectors import overdue_list
from tasks_app.services import (
    ExplanationAnswer,
    explanation_request_answer,
    explanation_request_create,
    explanation_request_decide,
)
from tasks_app.workflow import ExplanationDecision

ILLUSTRATIVE = "[Minh họa]"
PLAN = "DA06-2024"

# (agency code, how far the request has gone, the agency's reason): one of each state a
# request can be in, on agencies whose demo accounts the README names.
EXPLANATION_REQUESTS = [
    ("BCA", "open", None),
    ("01", "answered", ReasonKind.DEPENDENCY),
    ("79", "accepted", ReasonKind.FUNDING),
]


class Command(BaseCommand):
    help = (
        "Add a few illustrative follow-ups of overdue 2024 work for trying the committee's desks: "
        "explanation requests in each state. Their texts begin with “[Minh họa]”. Needs the demo "
        "accounts (seed_demo_users) and DEBUG=true. Running it again adds nothing."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo data is for development only; this command needs DEBUG=true.")
        users = get_user_model().objects.in_bulk(
            [STAFF_USERNAME]
            + [demo_username(Agency(code=code), MembershipRole.FOCAL_POINT) for code, _, _ in EXPLANATION_REQUESTS],
            field_name="username",
        )
        if STAFF_USERNAME not in users:
            raise CommandError("The demo accounts are missing: run seed_demo_users first.")
        if ExplanationRequest.objects.filter(message__startswith=ILLUSTRATIVE).exists():
            self.stdout.write("The illustrative follow-ups are already there.")
            return
        staff = users[STAFF_USERNAME]
        overdue = overdue_list(roles=user_roles(staff)).filter(task__plan__code=PLAN, status__in=AWAITING_REPORT)
        created = 0
        with transaction.atomic():
            for code, stage, reason_kind in EXPLANATION_REQUESTS:
                assignments = list(overdue.filter(agency__code=code)[:2])
                if not assignments:
                    continue
                request = explanation_request_create(
                    agency=assignments[0].agency,
                    assignments=assignments,
                    message=f"{ILLUSTRATIVE} Đề nghị giải trình nguyên nhân chậm và nêu thời hạn hoàn thành.",
                    actor=staff,
                )
                created += 1
                if stage == "open":
                    continue
                explanation_request_answer(
                    request=request,
                    answers=[
                        ExplanationAnswer(
                            assignment=assignment.pk,
                            reason_kind=reason_kind,
                            reason=f"{ILLUSTRATIVE} {ReasonKind(reason_kind).label}.",
                            committed_on=timezone.localdate() + timedelta(days=60),
                        )
                        for assignment in assignments
                    ],
                    actor=users[demo_username(assignments[0].agency, MembershipRole.FOCAL_POINT)],
                )
                if stage == "accepted":
                    explanation_request_decide(request=request, decision=ExplanationDecision.ACCEPT, actor=staff)
        self.stdout.write(f"{created} illustrative explanation requests added (open, answered, accepted).")
