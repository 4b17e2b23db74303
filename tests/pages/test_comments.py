"""The discussion on the assignment page: the thread, escaped with its links clickable,
posting and correcting through the page, and refusals that keep what was typed."""

import re
from datetime import datetime, timedelta
from html import unescape

import pytest
import time_machine
from django.urls import reverse

from tasks_app.models import COMMENT_MAX_LENGTH, Comment
from tasks_app.services import comment_correct, comment_post
from tests.conftest import VIETNAM

pytestmark = pytest.mark.django_db
NOW = datetime(2024, 3, 4, 9, 0, tzinfo=VIETNAM)


def at_minute(minutes: float) -> time_machine.travel:
    return time_machine.travel(NOW + timedelta(minutes=minutes), tick=False)


def page_url(assignment) -> str:
    return reverse("assignment_detail", args=[assignment.pk])


def text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def thread(response) -> str:
    html = response.content.decode()
    return html[html.index('id="comments"') : html.index('id="history-heading"')]


def test_the_thread_is_escaped_with_its_links_made_clickable(client, assignment, focal_point, staff):
    with at_minute(0):
        comment_post(
            assignment=assignment,
            author=focal_point,
            text='<script>alert("x")</script> Mẫu ở https://example.gov.vn/mau?a=1&b=2\ndòng hai',
        )
    client.force_login(staff)

    with at_minute(1):
        html = thread(client.get(page_url(assignment)))

    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert '<a href="https://example.gov.vn/mau?a=1&amp;b=2" rel="nofollow noopener noreferrer">' in html
    assert "<br>dòng hai" in html
    assert "focal" in html
    assert "04/03/2024 09:00" in html


def test_a_focal_point_posts_through_the_page_and_sees_it_in_the_thread_and_the_history(
    client, assignment, focal_point
):
    client.force_login(focal_point)
    url = reverse("assignment_detail_act", args=[assignment.pk, "comment"])

    with at_minute(0):
        response = client.post(url, {"text": "  Xin hỏi mẫu báo cáo?  "})
    assert response.status_code == 302
    assert response["Location"] == page_url(assignment) + "#comments"
    with at_minute(1):
        page = client.get(response["Location"])

    comment = Comment.objects.get()
    assert (comment.author, comment.text) == (focal_point, "Xin hỏi mẫu báo cáo?")
    assert "đã gửi ý kiến trao đổi" in text(page)
    assert "Xin hỏi mẫu báo cáo?" in thread(page)
    assert f'<a href="#comment-{comment.pk}">Gửi ý kiến trao đổi</a>' in page.content.decode()


def test_a_refused_post_keeps_the_typed_text_and_shows_the_error_beside_the_field(client, assignment, focal_point):
    client.force_login(focal_point)
    typed = "Rất dài " * (COMMENT_MAX_LENGTH // 8 + 1)

    response = client.post(reverse("assignment_detail_act", args=[assignment.pk, "comment"]), {"text": typed})

    assert response.status_code == 400
    html = response.content.decode()
    assert typed.strip() in unescape(html)
    assert 'id="comment_text_error"' in html
    assert '<a href="#comment_text">' in html
    assert not Comment.objects.exists()


def test_a_blank_post_is_refused_with_the_message_beside_the_field(client, assignment, focal_point):
    client.force_login(focal_point)

    response = client.post(reverse("assignment_detail_act", args=[assignment.pk, "comment"]), {"text": "   "})

    assert response.status_code == 400
    assert 'id="comment_text_error"' in response.content.decode()
    assert not Comment.objects.exists()


def test_the_form_to_post_is_offered_to_the_agencys_leader_and_committee_staff(client, assignment, leader, staff):
    for user in (leader, staff):
        client.force_login(user)
        assert 'id="comment_text"' in client.get(page_url(assignment)).content.decode()


def test_the_author_corrects_through_the_page_within_the_window_and_the_history_is_viewable(
    client, assignment, focal_point
):
    with at_minute(0):
        comment = comment_post(assignment=assignment, author=focal_point, text="Bản đầu")
    client.force_login(focal_point)
    with at_minute(2):
        page = client.get(page_url(assignment)).content.decode()
    assert f'id="correct_{comment.pk}_text"' in page

    with at_minute(3):
        response = client.post(
            reverse("assignment_comment_correct", args=[assignment.pk, comment.pk]), {"text": "Bản sửa"}
        )
        assert response["Location"] == f"{page_url(assignment)}#comment-{comment.pk}"
        page = client.get(page_url(assignment))

    html = thread(page)
    assert "Bản sửa" in html
    assert "đã sửa lúc 04/03/2024 09:03" in html
    assert "<details>" in html
    assert "Bản đầu" in html


def test_after_the_window_no_correction_form_and_a_late_one_keeps_the_text_with_the_error(
    client, assignment, focal_point
):
    with at_minute(0):
        comment = comment_post(assignment=assignment, author=focal_point, text="Bản đầu")
    client.force_login(focal_point)

    with at_minute(16):
        assert f'id="correct_{comment.pk}_text"' not in client.get(page_url(assignment)).content.decode()
        response = client.post(
            reverse("assignment_comment_correct", args=[assignment.pk, comment.pk]), {"text": "Sửa muộn"}
        )

    assert response.status_code == 409
    html = response.content.decode()
    assert "Sửa muộn" in html
    assert "15 phút" in text(response)
    comment.refresh_from_db()
    assert comment.text == "Bản đầu"


def test_nobody_else_is_offered_the_correction_or_may_send_it(client, assignment, focal_point, staff):
    with at_minute(0):
        comment = comment_post(assignment=assignment, author=focal_point, text="Bản đầu")
    client.force_login(staff)

    with at_minute(1):
        assert f'id="correct_{comment.pk}_text"' not in client.get(page_url(assignment)).content.decode()
        response = client.post(
            reverse("assignment_comment_correct", args=[assignment.pk, comment.pk]), {"text": "Sửa hộ"}
        )

    assert response.status_code == 403
    assert "Chỉ người viết mới sửa được" in text(response)
    comment.refresh_from_db()
    assert comment.text == "Bản đầu"


def test_another_agencys_focal_point_gets_not_found(client, assignment, focal_point, other_focal_point):
    comment = comment_post(assignment=assignment, author=focal_point, text="Bản đầu")
    client.force_login(other_focal_point)

    post = client.post(reverse("assignment_detail_act", args=[assignment.pk, "comment"]), {"text": "Chen"})
    correct = client.post(reverse("assignment_comment_correct", args=[assignment.pk, comment.pk]), {"text": "x"})

    assert (post.status_code, correct.status_code) == (404, 404)
    assert list(Comment.objects.values_list("text", flat=True)) == ["Bản đầu"]


def test_the_page_runs_a_fixed_number_of_queries_whatever_the_thread(
    client, assignment, focal_point, staff, django_assert_max_num_queries
):
    client.force_login(focal_point)
    comment_post(assignment=assignment, author=staff, text="Một")
    with django_assert_max_num_queries(30) as short:
        client.get(page_url(assignment))
    for n in range(30):
        comment = comment_post(assignment=assignment, author=[focal_point, staff][n % 2], text=f"Ý kiến {n}")
        comment_correct(comment=comment, actor=comment.author, text=f"Ý kiến {n} (sửa)")

    with django_assert_max_num_queries(len(short.captured_queries)):
        response = client.get(page_url(assignment))

    assert response.content.decode().count('class="card comment"') == 31
