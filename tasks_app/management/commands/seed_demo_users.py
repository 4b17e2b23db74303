from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from agencies.models import COMMITTEE_STAFF_GROUP, Agency, AgencyMembership, MembershipRole
from tasks_app.services import assignments_fill_owners

DEMO_PASSWORD = "demo-tracker06"
DEMO_DOMAIN = "example.org"
STAFF_USERNAME = "demo.staff"


def demo_username(agency: Agency, role: str) -> str:
    slug = agency.code.lower().replace("đ", "d")
    return f"demo.{slug}.{'focal' if role == MembershipRole.FOCAL_POINT else 'leader'}"


class Command(BaseCommand):
    help = (
        "Create demo accounts for trying every role: one committee staff member and, for each agency, "
        "one focal point (who becomes the owner of the agency's unowned assignments) and one leader. "
        "For development only: refused when DEBUG is off. Running it again adds only what is missing."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are for development only; this command needs DEBUG=true.")
        User = get_user_model()
        agencies = list(Agency.objects.filter(is_active=True))
        # One hash for every demo account: hashing each would take about a second apiece.
        password = make_password(DEMO_PASSWORD)
        wanted = {STAFF_USERNAME: ("Tổ giúp việc (tài khoản demo)", "")}
        for agency in agencies:
            for role in MembershipRole:
                wanted[demo_username(agency, role)] = (f"{role.label} (tài khoản demo)", str(agency)[:150])
        with transaction.atomic():
            User.objects.bulk_create(
                [
                    User(
                        username=name,
                        email=f"{name}@{DEMO_DOMAIN}",
                        first_name=first,
                        last_name=last,
                        password=password,
                    )
                    for name, (first, last) in wanted.items()
                ],
                ignore_conflicts=True,
            )
            users = User.objects.in_bulk(wanted, field_name="username")
            users[STAFF_USERNAME].groups.add(Group.objects.get_or_create(name=COMMITTEE_STAFF_GROUP)[0])
            # Committee staff work in the admin site.
            User.objects.filter(username=STAFF_USERNAME).update(is_staff=True)
            AgencyMembership.objects.bulk_create(
                [
                    AgencyMembership(agency=agency, user=users[demo_username(agency, role)], role=role)
                    for agency in agencies
                    for role in MembershipRole
                ],
                ignore_conflicts=True,
            )
            owned = assignments_fill_owners(
                owners_by_agency={a.pk: users[demo_username(a, MembershipRole.FOCAL_POINT)] for a in agencies}
            )
        self.stdout.write(
            f"Demo accounts ready ({owned} assignments given an owner). Every demo password is {DEMO_PASSWORD}.\n"
            f"  committee staff:            {STAFF_USERNAME}\n"
            "  focal point of Bộ Công an:  demo.bca.focal    (leader: demo.bca.leader)\n"
            "  focal point of Hà Nội:      demo.01.focal     (leader: demo.01.leader)\n"
            "  any agency:                 demo.<code>.focal / demo.<code>.leader (codes as in the admin, đ as d)"
        )
