"""Explanation requests from the dashboard: committee staff tick overdue work and ask, one
request per agency; the page counts the plan's requests by state, linking to their lists."""

import re
from datetime import date
from html import unescape

import pytest
from django.urls import reverse

from tasks_app.models import ExplanationRequest
from tasks_app.services import assignment_transition
from tasks_app.workflow import Action
from tests.conftest import at
from tests.pages.test_explanation_desk import TODAY, answer, ask, overdue

pytestmark = pytest.mark.django_db
QUERY = "plan=DA06-2024"
ASK = f"{reverse('explanations_ask')}?{QUERY}"


def text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def dashboard(client, query=QUERY):
    with at(TODAY):
        return client.get(f"{reverse('dashboard')}?{query}")


def send(client, data):
    with at(TODAY):
        return client.post(ASK, data, follow=True)


@pytest.fixture
def late_work(agency, other_agency, focal_point, other_focal_point):
    """Overdue work of two agencies on one plan."""
    return {
        "ours": [overdue(agency, 1, title="Kết nối dữ liệu dân cư"), overdue(agency, 2)],
        "theirs": [overdue(other_agency, 3, title="Cấp căn cước điện tử")],
    }


def test_staff_tick_overdue_work_on_today_s_list_only(client, staff, focal_point, late_work):
    client.force_login(staff)
    html = dashboard(client).content.decode()
    first = late_work["ours"][0]
    assert f'<input type="checkbox" name="selected" value="{first.pk}" form="ask-selection"' in html
    assert 'id="ask-selection"' in html
    past_day = dashboard(client, f"{QUERY}&as_of=2024-07-05").content.decode()
    assert f"#{first.task.number}: Kết nối dữ liệu dân cư" in past_day
    assert 'form="ask-selection"' not in past_day

    client.force_login(focal_point)
    assert 'id="ask-selection"' not in dashboard(client).content.decode()


def test_staff_ask_two_agencies_about_their_ticked_work_in_one_go(client, staff, agency, other_agency, late_work):
    client.force_login(staff)
    ticked = [late_work["ours"][0], late_work["ours"][1], late_work["theirs"][0]]

    response = send(client, {"selected": [a.pk for a in ticked], "message": "Đề nghị giải trình lý do chậm."})

    assert response.redirect_chain[-1][0] == f"{reverse('dashboard')}?{QUERY}#overdue"
    page = text(response)
    assert f"Đã gửi 2 yêu cầu giải trình: {agency} (DA06-2024 #1, DA06-2024 #2); {other_agency} (DA06-2024 #3)." in page
    requests = {r.agency: r for r in ExplanationRequest.objects.prefetch_related("items")}
    assert {i.assignment_id for i in requests[agency].items.all()} == {ticked[0].pk, ticked[1].pk}
    assert {i.assignment_id for i in requests[other_agency].items.all()} == {ticked[2].pk}
    # Five working days from 10/7/2024: the setting's default.
    assert {r.answer_due_on for r in requests.values()} == {date(2024, 7, 17)}


def test_an_agency_whose_work_is_already_asked_about_is_refused_by_name_and_the_others_are_asked(
    client, staff, agency, other_agency, late_work
):
    ask(staff, other_agency, late_work["theirs"])
    client.force_login(staff)

    response = send(
        client,
        {"selected": [late_work["ours"][0].pk, late_work["theirs"][0].pk], "message": "Đề nghị giải trình."},
    )

    page = text(response)
    assert f"Đã gửi 1 yêu cầu giải trình: {agency} (DA06-2024 #1)." in page
    assert (
        f"Không gửi được yêu cầu giải trình cho {other_agency} (DA06-2024 #3): "
        "DA06-2024 #3 đã có một yêu cầu giải trình chưa kết thúc." in page
    )
    assert ExplanationRequest.objects.filter(agency=agency).count() == 1
    assert ExplanationRequest.objects.filter(agency=other_agency).count() == 1


def test_a_selection_without_a_message_comes_back_ticked_with_the_error_beside_the_message(client, staff, late_work):
    client.force_login(staff)
    first = late_work["ours"][0]

    response = send(client, {"selected": [first.pk], "message": " ", "answer_due_on": "2024-07-20"})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="ask_message_error"' in html
    assert '<a href="#ask_message">' in html
    assert re.search(rf'value="{first.pk}" form="ask-selection" id="select-{first.pk}" checked', html)
    assert 'value="2024-07-20"' in html
    assert not ExplanationRequest.objects.exists()


def test_nothing_ticked_or_an_answer_date_already_past_is_refused_and_nothing_is_sent(client, staff, late_work):
    client.force_login(staff)

    nothing = send(client, {"message": "Đề nghị giải trình."})
    assert nothing.status_code == 400
    assert "Chọn ít nhất một phân công quá hạn cần giải trình." in text(nothing)

    past = send(
        client, {"selected": [late_work["ours"][0].pk], "message": "Đề nghị giải trình.", "answer_due_on": "2024-07-01"}
    )
    assert past.status_code == 400
    assert re.search(r'id="ask_answer_due_on_error"><li>Hạn giải trình đã qua', past.content.decode())
    assert not ExplanationRequest.objects.exists()


def test_a_focal_point_may_not_ask(client, focal_point, late_work):
    client.force_login(focal_point)

    response = send(client, {"selected": [late_work["ours"][0].pk], "message": "Giải trình"})

    assert response.status_code == 403
    assert not ExplanationRequest.objects.exists()


def test_the_dashboard_counts_the_plan_s_requests_and_links_to_each_list(
    client, staff, focal_point, agency, other_agency, late_work
):
    answered = ask(staff, agency, late_work["ours"][:1], day=date(2024, 7, 9))
    answer(answered, focal_point)
    ask(staff, other_agency, late_work["theirs"], day=date(2024, 7, 1))
    client.force_login(staff)

    html = dashboard(client).content.decode()

    counts = dict(re.findall(r'id="explanations-(\w+)">(\d+)</strong>', html))
    assert counts == {"answered": "1", "late": "1", "open": "0", "accepted": "0"}
    assert f'href="{reverse("explanations")}?status=late&amp;plan=DA06-2024"' in html
    narrowed = dashboard(client, f"{QUERY}&agency={agency.code}").content.decode()
    assert dict(re.findall(r'id="explanations-(\w+)">(\d+)</strong>', narrowed))["late"] == "0"
    assert f'href="{reverse("explanations")}?status=answered&amp;plan=DA06-2024&amp;agency={agency.code}"' in narrowed


def test_only_work_the_service_would_take_gets_a_box_to_tick(client, staff, agency, focal_point, late_work):
    asked, free = late_work["ours"]
    ask(staff, agency, [asked])
    with at(TODAY):
        reported = overdue(agency, 7)
        assignment_transition(assignment=reported, action=Action.REPORT_DONE, actor=focal_point, note="Xong")
    client.force_login(staff)

    html = dashboard(client).content.decode()

    assert f'id="select-{free.pk}"' in html
    # Under a request already, and reported work waiting for the committee: nothing to ask.
    assert f'id="select-{asked.pk}"' not in html
    assert f'id="select-{reported.pk}"' not in html
    assert f'href="{reverse("explanations")}?agency={agency.code}" class="muted">Đang giải trình</a>' in html


def test_the_boxes_and_counts_cost_queries_that_do_not_grow_with_the_rows(
    client, staff, agency, other_agency, late_work, django_assert_max_num_queries
):
    client.force_login(staff)
    dashboard(client)
    with django_assert_max_num_queries(24) as few:
        dashboard(client)
    for number in range(10, 20):
        work = overdue(agency if number % 2 else other_agency, number)
        if number % 3 == 0:
            ask(staff, work.agency, [work])

    with django_assert_max_num_queries(len(few.captured_queries)):
        html = dashboard(client).content.decode()

    # Three earlier rows and ten new, of which three are under a request.
    assert html.count('form="ask-selection"') == 10


@pytest.mark.parametrize(
    ("selected", "error"), [("abc", "Không có phân công abc."), ("999999", "Không có phân công 999999.")]
)
def test_a_box_that_names_no_assignment_is_a_clear_400(client, staff, late_work, selected, error):
    client.force_login(staff)

    response = send(client, {"selected": [late_work["ours"][0].pk, selected], "message": "Đề nghị giải trình."})

    assert response.status_code == 400
    assert error in text(response)
    assert not ExplanationRequest.objects.exists()
