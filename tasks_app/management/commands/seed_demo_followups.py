from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, MembershipRole
from agencies.selectors import user_roles
from tasks_app.management.commands.seed_demo_users import STAFF_USERNAME, demo_username
from tasks_app.models import AWAITING_REPORT, ExplanationRequest, Obstacle, ObstacleKind, ReasonKind
from tasks_app.selectors import overdue_list
from tasks_app.services import (
    ExplanationAnswer,
    explanation_request_answer,
    explanation_request_create,
    explanation_request_decide,
    obstacle_answer,
    obstacle_record,
    obstacle_resolve,
)
from tasks_app.workflow import ExplanationDecision, ObstacleResolution

ILLUSTRATIVE = "[Minh họa]"
PLAN = "DA06-2024"

# (agency code, how far the request has gone, the agency's reason): one of each state a
# request can be in, on agencies whose demo accounts the README names.
EXPLANATION_REQUESTS = [
    ("BCA", "open", None),
    ("01", "answered", ReasonKind.DEPENDENCY),
    ("79", "accepted", ReasonKind.FUNDING),
]
# (the agency that raises it, its kind, the addressee's code or None for the committee, how
# far it has gone, the text): open, answered, and resolved.
OBSTACLES = [
    ("01", ObstacleKind.OBSTACLE, "BCA", "open", "Chưa có hướng dẫn kết nối với Cơ sở dữ liệu quốc gia về dân cư."),
    ("79", ObstacleKind.PROPOSAL, None, "answered", "Đề nghị bổ sung kinh phí triển khai trong năm."),
    ("BCA", ObstacleKind.DIFFICULTY, "BTC", "resolved", "Chưa bố trí được kinh phí cho hạng mục kết nối."),
]


class Command(BaseCommand):
    help = (
        "Add a few illustrative follow-ups of overdue 2024 work for trying the committee's desks: "
        "explanation requests and difficulties, obstacles and proposals in each state. Their texts "
        "begin with “[Minh họa]”. Needs the demo accounts (seed_demo_users) and DEBUG=true. "
        "Running it again adds nothing."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo data is for development only; this command needs DEBUG=true.")
        codes = {code for code, *_ in EXPLANATION_REQUESTS} | {
            code for raised_by, _kind, addressee, *_ in OBSTACLES for code in (raised_by, addressee) if code
        }
        self.focal_points = {
            user.username: user
            for user in get_user_model().objects.filter(
                username__in=[demo_username(Agency(code=code), MembershipRole.FOCAL_POINT) for code in codes]
            )
        }
        self.staff = get_user_model().objects.filter(username=STAFF_USERNAME).first()
        if self.staff is None:
            raise CommandError("The demo accounts are missing: run seed_demo_users first.")
        self.overdue = overdue_list(roles=user_roles(self.staff)).filter(
            task__plan__code=PLAN, status__in=AWAITING_REPORT
        )
        with transaction.atomic():
            requests = self._explanation_requests()
            obstacles = self._obstacles()
        self.stdout.write(
            f"Illustrative follow-ups: {requests} explanation requests and {obstacles} difficulties, "
            "obstacles and proposals added (none when they were already there)."
        )

    def _focal_point(self, agency: Agency):
        return self.focal_points[demo_username(agency, MembershipRole.FOCAL_POINT)]

    def _explanation_requests(self) -> int:
        if ExplanationRequest.objects.filter(message__startswith=ILLUSTRATIVE).exists():
            return 0
        created = 0
        for code, stage, reason_kind in EXPLANATION_REQUESTS:
            assignments = list(self.overdue.filter(agency__code=code)[:2])
            if not assignments:
                continue
            request = explanation_request_create(
                agency=assignments[0].agency,
                assignments=assignments,
                message=f"{ILLUSTRATIVE} Đề nghị giải trình nguyên nhân chậm và nêu thời hạn hoàn thành.",
                actor=self.staff,
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
                actor=self._focal_point(assignments[0].agency),
            )
            if stage == "accepted":
                explanation_request_decide(request=request, decision=ExplanationDecision.ACCEPT, actor=self.staff)
        return created

    def _obstacles(self) -> int:
        if Obstacle.objects.filter(text__startswith=ILLUSTRATIVE).exists():
            return 0
        addressees = Agency.objects.in_bulk([code for *_, code, _stage, _text in OBSTACLES if code], field_name="code")
        created = 0
        for code, kind, addressee_code, stage, text in OBSTACLES:
            assignment = self.overdue.filter(agency__code=code).first()
            if assignment is None:
                continue
            addressee = addressees.get(addressee_code) if addressee_code else None
            obstacle = obstacle_record(
                assignment=assignment,
                kind=kind,
                text=f"{ILLUSTRATIVE} {text}",
                addressee=addressee,
                actor=self._focal_point(assignment.agency),
            )
            created += 1
            if stage == "open":
                continue
            obstacle_answer(
                obstacle=obstacle,
                text=f"{ILLUSTRATIVE} Đã tiếp nhận; sẽ hướng dẫn trong tháng.",
                actor=self.staff if addressee is None else self._focal_point(addressee),
            )
            if stage == "resolved":
                obstacle_resolve(
                    obstacle=obstacle,
                    resolution=ObstacleResolution.RESOLVED,
                    actor=self._focal_point(assignment.agency),
                )
        return created
