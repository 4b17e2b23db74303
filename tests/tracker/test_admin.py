"""The admin site, through its own views: who gets in, and that every change goes
through the services (events written, people notified, refusals reported)."""

import re
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, Permission
from django.contrib.staticfiles import finders
from django.test import RequestFactory
from django.urls import reverse
from knox.models import AuthToken
from openpyxl import load_workbook

from agencies.models import Agency, MembershipRole
from notifications.models import Notification, NotificationKind
from tasks_app.models import AssignmentRole, Comment, EventKind, Status, StatusEvent
from tasks_app.services import (
    assignment_create,
    assignment_transition,
    comment_correct,
    comment_post,
    extension_request_create,
)
from tasks_app.workflow import Action
from tests.conftest import at, member
from tests.factories import AgencyFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_kind_of_row(assignment, focal_point, staff):
    """At least one row of each registered model, so that each change page has one to show."""
    AuthToken.objects.create(user=focal_point)
    with at(date(2024, 2, 1)):
        assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_point, note="xong")
    comment = comment_post(assignment=assignment, author=focal_point, text="Bản đầu")
    comment_correct(comment=comment, actor=focal_point, text="Bản sửa")
    assert Notification.objects.exists()
    assert Group.objects.exists()


def admin_pages(admin_user):
    """The list page and, where a row exists, the change and history pages of every model."""
    request = RequestFactory().get("/")
    request.user = admin_user
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        yield reverse("admin:{}_{}_changelist".format(*info))
        row = model_admin.get_queryset(request).first()
        if row is not None:
            yield reverse("admin:{}_{}_change".format(*info), args=[row.pk])
            yield reverse("admin:{}_{}_history".format(*info), args=[row.pk])


def test_every_admin_page_renders_for_an_admin_user(admin_client, admin_user, every_kind_of_row):
    pages = list(admin_pages(admin_user))
    assert len(pages) >= 3 * 6

    failures = {url: admin_client.get(url).status_code for url in pages}
    assert {url: code for url, code in failures.items() if code != 200} == {}


def test_comments_are_read_in_the_admin_with_their_earlier_texts_and_never_changed_or_deleted(
    admin_client, every_kind_of_row
):
    comment = Comment.objects.get()
    change = reverse("admin:tasks_app_comment_change", args=[comment.pk])

    page = admin_client.get(change).content.decode()
    assignment_page = admin_client.get(reverse("admin:tasks_app_assignment_change", args=[comment.assignment_id]))
    delete = admin_client.post(reverse("admin:tasks_app_comment_delete", args=[comment.pk]), {"post": "yes"})
    edit = admin_client.post(change, {"text": "Sửa trong admin"})

    assert "Bản sửa" in page
    assert "Bản đầu" in page
    assert "Bản sửa" in assignment_page.content.decode()
    assert delete.status_code == 403
    assert edit.status_code == 403
    assert list(Comment.objects.values_list("text", flat=True)) == ["Bản sửa"]


def test_a_focal_point_is_refused_even_with_staff_status(client, admin_user, every_kind_of_row, focal_point):
    pages = list(admin_pages(admin_user))
    focal_point.is_staff = True
    focal_point.save()
    client.force_login(focal_point)

    codes = {url: client.get(url).status_code for url in pages}
    assert set(codes.values()) == {403}


def test_a_focal_point_without_staff_status_is_sent_to_the_login_page(client, focal_point):
    client.force_login(focal_point)

    response = client.get(reverse("admin:tasks_app_assignment_changelist"))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.fixture
def other_work(other_agency, task):
    """A second open assignment and a done one, to reassign together."""
    with at(date(2024, 1, 15)):
        support = assignment_create(
            task=task, agency=AgencyFactory(code="SUP", name="Sở Hỗ trợ Kỹ thuật"), role=AssignmentRole.SUPPORT
        )
        done = assignment_create(task=TaskFactory(), agency=other_agency, role=AssignmentRole.LEAD)
    done.status, done.completed_on = Status.DONE, date(2024, 3, 1)
    done.save()
    return support, done


def form_row(page: str, field_id: str) -> str:
    """The row of an admin form that holds the field: its label, its errors and the field."""
    (row,) = (row for row in page.split('<div class="form-row">')[1:] if f'id="{field_id}"' in row)
    return row.split('<div class="form-row">')[0]


def form_target(page: str) -> str:
    return re.search(r'<form method="post" action="([^"]+)"', page).group(1).replace("&amp;", "&")


def action(client, name, rows, **fields):
    return client.post(
        reverse("admin:tasks_app_assignment_changelist"),
        {"action": name, ACTION_CHECKBOX_NAME: [row.pk for row in rows], **fields},
        follow=True,
    )


class TestReassign:
    def test_the_action_asks_first_and_changes_nothing_until_confirmed(self, admin_client, assignment):
        response = action(admin_client, "reassign", [assignment])

        assert response.status_code == 200
        assert "Lý do" in response.content.decode()
        assert not StatusEvent.objects.filter(kind__in=[EventKind.OWNER, EventKind.AGENCY]).exists()

    def test_reassigning_writes_events_notifies_both_owners_and_reports_refusals(
        self, admin_client, assignment, other_work, focal_point, other_agency, other_focal_point
    ):
        _support, done = other_work

        response = action(
            admin_client,
            "reassign",
            [assignment, done],
            apply="1",
            agency=other_agency.pk,
            owner=other_focal_point.pk,
            reason="Đổi cơ quan chủ trì",
        )

        page = response.content.decode()
        assert "Đã giao lại 1 phân công." in page
        assert "1 phân công không thực hiện được" in page
        assert "Không thể giao lại nhiệm vụ đang ở trạng thái" in page
        assignment.refresh_from_db()
        assert (assignment.agency, assignment.owner) == (other_agency, other_focal_point)
        events = StatusEvent.objects.filter(assignment=assignment, note="Đổi cơ quan chủ trì")
        assert set(events.values_list("kind", flat=True)) == {EventKind.AGENCY, EventKind.OWNER}
        told = Notification.objects.filter(kind=NotificationKind.REASSIGNED, assignment=assignment)
        assert set(told.values_list("recipient", flat=True)) == {focal_point.pk, other_focal_point.pk}
        done.refresh_from_db()
        assert done.agency == other_agency
        assert not StatusEvent.objects.filter(assignment=done, note__contains="Đổi")

    def test_an_owner_not_of_the_agency_brings_back_the_actions_page_with_the_error_and_what_was_typed(
        self, admin_client, assignment, focal_point, other_focal_point
    ):
        filtered = reverse("admin:tasks_app_assignment_changelist") + "?status__exact=not_started"
        chosen = {"action": "reassign", ACTION_CHECKBOX_NAME: [assignment.pk]}
        typed = {"apply": "1", "owner": other_focal_point.pk, "reason": "Đầu mối cũ nghỉ hưu"}

        response = admin_client.post(filtered, {**chosen, **typed})

        assert response.status_code == 400
        page = response.content.decode()
        assert "Có lỗi cần sửa; chưa phân công nào được thay đổi." in page
        assert "other.focal không phải đầu mối của Bộ Công an (thử nghiệm)." in form_row(page, "id_owner")
        assert f'<option value="{other_focal_point.pk}" selected>' in form_row(page, "id_owner")
        assert "Đầu mối cũ nghỉ hưu</textarea>" in form_row(page, "id_reason")
        assert f'name="{ACTION_CHECKBOX_NAME}" value="{assignment.pk}"' in page
        assignment.refresh_from_db()
        assert assignment.owner == focal_point
        assert not StatusEvent.objects.filter(kind=EventKind.OWNER).exists()
        assert not Notification.objects.filter(kind=NotificationKind.REASSIGNED).exists()

        corrected = admin_client.post(
            form_target(page), {**chosen, **typed, "owner": focal_point.pk, "agency": ""}, follow=True
        )
        assert "Nhiệm vụ đã được giao cho người này." in form_row(corrected.content.decode(), "id_owner")
        new_owner = member(assignment.agency, MembershipRole.FOCAL_POINT, "new.focal")
        done = admin_client.post(form_target(page), {**chosen, **typed, "owner": new_owner.pk}, follow=True)
        assert done.redirect_chain[-1][0].endswith("?status__exact=not_started")
        assert "Đã giao lại 1 phân công." in done.content.decode()
        assignment.refresh_from_db()
        assert assignment.owner == new_owner

    def test_a_reason_is_required(self, admin_client, assignment, agency, other_agency):
        response = action(admin_client, "reassign", [assignment], apply="1", agency=other_agency.pk, reason="")

        assert response.status_code == 400
        assert "errorlist" in form_row(response.content.decode(), "id_reason")
        assert f'<option value="{other_agency.pk}" selected>' in form_row(response.content.decode(), "id_agency")
        assignment.refresh_from_db()
        assert assignment.agency == agency

    def test_from_the_change_page_of_one_assignment(self, admin_client, assignment, agency):
        new_owner = member(agency, MembershipRole.FOCAL_POINT, "new.focal")
        url = reverse("admin:tasks_app_assignment_reassign", args=[assignment.pk])
        change_page = admin_client.get(reverse("admin:tasks_app_assignment_change", args=[assignment.pk]))
        assert url in change_page.content.decode()

        response = admin_client.post(url, {"apply": "1", "owner": new_owner.pk, "reason": "Nghỉ phép"})

        assert response.status_code == 302
        assert response["Location"] == reverse("admin:tasks_app_assignment_change", args=[assignment.pk])
        assignment.refresh_from_db()
        assert assignment.owner == new_owner
        assert StatusEvent.objects.filter(assignment=assignment, kind=EventKind.OWNER, note="Nghỉ phép").exists()


class TestTransitions:
    def test_accepting_a_report(self, admin_client, assignment, focal_point):
        with at(date(2024, 2, 1)):
            assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_point)

        response = action(admin_client, "accept", [assignment], apply="1", note="")

        assert "Xác nhận hoàn thành" in response.content.decode()
        assignment.refresh_from_db()
        assert (assignment.status, assignment.completed_on) == (Status.DONE, date(2024, 2, 1))
        assert Notification.objects.filter(kind=NotificationKind.ACCEPTED, recipient=focal_point).exists()

    def test_an_empty_return_note_brings_back_the_actions_page_with_the_error_and_changes_nothing(
        self, admin_client, assignment, focal_point
    ):
        with at(date(2024, 2, 1)):
            assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_point)
        filtered = reverse("admin:tasks_app_assignment_changelist") + "?status__exact=reported"
        chosen = {"action": "return_report", ACTION_CHECKBOX_NAME: [assignment.pk]}

        response = admin_client.post(filtered, {**chosen, "apply": "1", "note": "   "})

        assert response.status_code == 400
        page = response.content.decode()
        assert "<h1>Trả lại báo cáo</h1>" in page
        assert "Cần nêu lý do." in form_row(page, "id_note")
        assert form_target(page) == filtered
        assignment.refresh_from_db()
        assert assignment.status == Status.REPORTED
        assert not StatusEvent.objects.filter(assignment=assignment, action=Action.RETURN).exists()

        done = admin_client.post(form_target(page), {**chosen, "apply": "1", "note": "Thiếu minh chứng"}, follow=True)

        assert done.redirect_chain[-1][0].endswith("?status__exact=reported")
        assert "“Trả lại báo cáo”: 1 phân công." in done.content.decode()
        assignment.refresh_from_db()
        assert assignment.status == Status.IN_PROGRESS

    def test_a_reason_missing_for_one_of_a_selection_changes_none_and_names_that_one(
        self, admin_client, assignment, other_work
    ):
        _support, done = other_work
        administrator = UserFactory(is_superuser=True)
        assignment_transition(assignment=assignment, action=Action.CANCEL, actor=administrator, note="Trùng")

        response = action(admin_client, "reopen", [assignment, done], apply="1", note="")

        assert response.status_code == 400
        error = form_row(response.content.decode(), "id_note")
        assert f"{done.task.plan.code} #{done.task.number} – {done.agency}: Cần nêu lý do." in error
        assignment.refresh_from_db()
        done.refresh_from_db()
        assert (assignment.status, done.status) == (Status.CANCELLED, Status.DONE)

    def test_a_refusal_of_the_assignments_state_is_reported_on_the_list(self, admin_client, assignment):
        response = action(admin_client, "accept", [assignment], apply="1", note="")

        assert response.redirect_chain
        assert "Không thể “Xác nhận hoàn thành” khi nhiệm vụ đang ở trạng thái “Chưa triển khai”." in (
            response.content.decode()
        )
        assignment.refresh_from_db()
        assert assignment.status == Status.NOT_STARTED

    def test_the_tracked_fields_are_not_editable_on_the_change_page(
        self, admin_client, assignment, agency, other_agency
    ):
        url = reverse("admin:tasks_app_assignment_change", args=[assignment.pk])
        page = admin_client.get(url).content.decode()
        # The history and discussion inlines' management forms, so that the save is valid and goes through.
        inline = dict(re.findall(r'<input type="hidden" name="((?:events|comments)-[^"]+)" value="([^"]*)"', page))
        due_on, owner = assignment.due_on, assignment.owner_id

        response = admin_client.post(
            url,
            {
                **inline,
                "status": Status.DONE,
                "agency": other_agency.pk,
                "owner": "",
                "due_on": "2030-01-01",
                "_save": "1",
            },
        )

        assert response.status_code == 302
        assignment.refresh_from_db()
        assert (assignment.status, assignment.agency, assignment.owner_id, assignment.due_on) == (
            Status.NOT_STARTED,
            agency,
            owner,
            due_on,
        )
        assert 'name="status"' not in page
        assert 'name="due_on"' not in page


class TestAssignmentList:
    def test_filters_and_search(self, admin_client, assignment, other_work):
        url = reverse("admin:tasks_app_assignment_changelist")
        support, done = other_work

        by_status = admin_client.get(url, {"status__exact": Status.DONE})
        by_role = admin_client.get(url, {"role__exact": AssignmentRole.SUPPORT})
        by_search = admin_client.get(url, {"q": support.agency.name})

        assert list(by_status.context["cl"].result_list) == [done]
        assert list(by_role.context["cl"].result_list) == [support]
        assert list(by_search.context["cl"].result_list) == [support]
        with at(date(2024, 6, 28)):
            due_soon = admin_client.get(url, {"timeliness": "due_soon"})
        assert set(due_soon.context["cl"].result_list) == {assignment, support}
        with at(date(2024, 7, 1)):
            overdue = admin_client.get(url, {"timeliness": "overdue"})
        assert assignment in overdue.context["cl"].result_list
        assert done not in overdue.context["cl"].result_list

    def test_the_list_page_makes_no_query_per_row(self, admin_client, django_assert_max_num_queries, agency):
        with at(date(2024, 1, 15)):
            for _ in range(30):
                assignment_create(task=TaskFactory(), agency=agency, role=AssignmentRole.LEAD)
        url = reverse("admin:tasks_app_assignment_changelist")

        with django_assert_max_num_queries(8):
            response = admin_client.get(url)
        assert len(response.context["cl"].result_list) == 30

    def test_the_task_lists_give_the_title_column_a_width_of_its_own(self, admin_client, assignment):
        stylesheet = finders.find("tasks_app/admin.css")
        rules = Path(stylesheet).read_text()

        for url, column in [
            (reverse("admin:tasks_app_assignment_changelist"), "field-task_title"),
            (reverse("admin:tasks_app_task_changelist"), "field-title"),
        ]:
            page = admin_client.get(url).content.decode()
            assert f'class="{column}"' in page
            assert 'href="/static/tasks_app/admin.css"' in page
            assert f"#result_list .{column}" in rules

    def test_the_filtered_list_downloads_as_a_spreadsheet(self, admin_client, assignment, other_work):
        _support, _done = other_work

        response = admin_client.get(reverse("admin:tasks_app_assignment_export"), {"role__exact": "support"})

        assert response.status_code == 200
        sheet = load_workbook(BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:3] == ("Kế hoạch", "STT", "Nhiệm vụ")
        assert len(rows) == 2
        assert rows[1][3] == "SUP"

    def test_only_committee_staff_and_admin_users_export(self, client, focal_point, assignment):
        focal_point.is_staff = True
        focal_point.save()
        client.force_login(focal_point)

        assert client.get(reverse("admin:tasks_app_assignment_export")).status_code == 403


class TestAgencies:
    def test_the_list_shows_focal_points_and_open_work(self, admin_client, assignment, focal_point):
        response = admin_client.get(reverse("admin:agencies_agency_changelist"))

        page = response.content.decode()
        assert focal_point.get_username() in page
        row = next(a for a in response.context["cl"].result_list if a.pk == assignment.agency_id)
        assert row.open_count == 1

    def test_merging_two_agencies_from_the_admin(self, admin_client, assignment, agency, other_agency):
        response = admin_client.post(
            reverse("admin:agencies_agency_changelist"),
            {
                "action": "merge_agencies",
                ACTION_CHECKBOX_NAME: [agency.pk, other_agency.pk],
                "apply": "1",
                "successor_code": "NEW",
                "successor_name": "Bộ hợp nhất",
                "effective": "01/07/2025",
            },
            follow=True,
        )

        assert response.status_code == 200
        successor = Agency.objects.get(code="NEW")
        assert set(successor.predecessors.all()) == {agency, other_agency}
        assignment.refresh_from_db()
        assert assignment.agency == successor
        assert StatusEvent.objects.filter(assignment=assignment, kind=EventKind.AGENCY, note="Sáp nhập").exists()

    def test_a_refused_merger_form_comes_back_filled_in_and_still_posts_to_the_filtered_list(
        self, admin_client, agency, other_agency
    ):
        filtered = reverse("admin:agencies_agency_changelist") + "?is_active__exact=1"
        chosen = {"action": "merge_agencies", ACTION_CHECKBOX_NAME: [agency.pk, other_agency.pk]}

        response = admin_client.post(
            filtered,
            {
                **chosen,
                "apply": "1",
                "successor_code": "NEW",
                "successor_name": "Bộ hợp nhất",
                "effective": "31/02/2025",
            },
        )

        assert response.status_code == 400
        page = response.content.decode()
        assert "errorlist" in form_row(page, "id_effective")
        assert 'value="Bộ hợp nhất"' in form_row(page, "id_successor_name")
        assert form_target(page) == filtered
        assert not Agency.objects.filter(code="NEW").exists()


def test_committee_staff_work_in_the_admin_with_their_group_permissions(client, staff, assignment, other_agency):
    staff.is_staff = True
    staff.save()
    client.force_login(staff)

    assert client.get(reverse("admin:tasks_app_assignment_changelist")).status_code == 200
    assert client.get(reverse("admin:agencies_agency_changelist")).status_code == 200
    response = action(client, "reassign", [assignment], apply="1", agency=other_agency.pk, reason="Điều chỉnh")
    assert "Đã giao lại 1 phân công." in response.content.decode()
    # Staff see users (to name focal points) but do not create or change them.
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_user_add")).status_code == 403
    assert client.post(reverse("admin:auth_user_change", args=[staff.pk]), {"username": "renamed"}).status_code == 403


def user_search(client, term):
    """The autocomplete behind the agency page's focal point field."""
    return client.get(
        reverse("admin:autocomplete"),
        {"app_label": "agencies", "model_name": "agencymembership", "field_name": "user", "term": term},
    )


def test_committee_staff_find_a_user_by_name_username_or_email_when_naming_a_focal_point(client, staff):
    staff.is_staff = True
    staff.save()
    UserFactory(username="nguyenvana", first_name="Văn A", last_name="Nguyễn", email="vana@bca.gov.vn")
    client.force_login(staff)

    for term in ["nguyenvana", "Nguyễn", "vana@bca"]:
        response = user_search(client, term)
        assert response.status_code == 200, term
        assert [row["text"] for row in response.json()["results"]] == ["nguyenvana"], term


def test_a_focal_point_with_staff_status_and_a_granted_permission_cannot_use_the_admin(
    client, focal_point, agency, other_agency
):
    """The guard is the site's: a model permission given to a focal point by mistake opens nothing."""
    focal_point.is_staff = True
    focal_point.save()
    focal_point.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_agency", "change_agency", "view_user"])
    )
    client.force_login(focal_point)

    change_page = reverse("admin:agencies_agency_change", args=[other_agency.pk])
    assert client.get(reverse("admin:index")).status_code == 403
    assert client.get(change_page).status_code == 403
    assert user_search(client, "focal").status_code == 403
    response = client.post(
        change_page,
        {
            "code": other_agency.code,
            "name": other_agency.name,
            "kind": other_agency.kind,
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": focal_point.pk,
            "memberships-0-role": MembershipRole.FOCAL_POINT,
        },
    )

    assert response.status_code == 403
    assert not other_agency.memberships.filter(user=focal_point).exists()


def test_the_assignment_history_in_the_admin_reads_in_words_not_codes(admin_client, assignment, focal_point):
    assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_point, note="Đã xong")

    page = admin_client.get(reverse("admin:tasks_app_assignment_change", args=[assignment.pk])).content.decode()

    history = page[page.index("thay đổi") :]
    assert "Báo cáo hoàn thành (từ “Chưa triển khai” sang “Đã báo cáo hoàn thành (chờ xác nhận)”)" in page
    assert "report_done" not in history
    assert "not_started" not in history


def test_after_an_action_the_list_keeps_its_filters(admin_client, assignment, other_agency, other_focal_point):
    filtered = reverse("admin:tasks_app_assignment_changelist") + "?status__exact=not_started"
    chosen = {"action": "reassign", ACTION_CHECKBOX_NAME: [assignment.pk]}

    asked = admin_client.post(filtered, chosen).content.decode()
    form_target = re.search(r'<form method="post" action="([^"]+)"', asked).group(1).replace("&amp;", "&")
    done = admin_client.post(
        form_target,
        {**chosen, "apply": "1", "agency": other_agency.pk, "owner": other_focal_point.pk, "reason": "Đổi"},
        follow=True,
    )

    assert done.redirect_chain[-1][0].endswith("?status__exact=not_started")
    assert "Đã giao lại 1 phân công." in done.content.decode()


def test_committee_staff_list_extension_requests_in_the_admin_and_open_the_page_to_decide(
    client, assignment, focal_point, staff
):
    with at(date(2024, 6, 20)):
        extension_request_create(
            assignment=assignment,
            kind="extend",
            requested_due_on=date(2024, 9, 30),
            reason="Chờ vốn",
            actor=focal_point,
        )
    staff.is_staff = True
    staff.save()
    client.force_login(staff)

    page = client.get(reverse("admin:tasks_app_extensionrequest_changelist"), {"status__exact": "pending"})

    assert page.status_code == 200
    html = page.content.decode()
    assert "Giãn thời hạn" in html
    assert reverse("assignment_detail", args=[assignment.pk]) in html
    assert re.search(r'<td class="field-agency">\s*Bộ Công an \(thử nghiệm\)\s*</td>', html)
    assert f"{assignment.task.plan.code} #{assignment.task.number}: {assignment.task.title}" in html
    for column in ("task", "agency", "kind", "requested_due_on", "status", "requested_at"):
        assert f'class="sortable column-{column}' in html or f'class="column-{column}' in html
