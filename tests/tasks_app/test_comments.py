"""The discussion on an assignment: who may post and correct, the correction window, the
history of corrections, and the API over it."""

from datetime import datetime, timedelta

import pytest
import time_machine
from rest_framework.test import APIClient

from core.errors import ActionForbidden, InvalidInput, TransitionNotAllowed
from tasks_app.models import COMMENT_MAX_LENGTH, Comment, CommentRevision
from tasks_app.services import comment_correct, comment_post
from tests.conftest import VIETNAM

pytestmark = pytest.mark.django_db
POSTED = datetime(2024, 3, 4, 9, 0, tzinfo=VIETNAM)


def later(minutes: float) -> time_machine.travel:
    return time_machine.travel(POSTED + timedelta(minutes=minutes), tick=False)


@pytest.fixture
def question(assignment, focal_point):
    with later(0):
        return comment_post(assignment=assignment, author=focal_point, text="  Xin hỏi về mẫu báo cáo?  \n")


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


class TestPosting:
    @pytest.mark.parametrize("who", ["focal_point", "leader", "staff"])
    def test_the_agencys_people_and_committee_staff_post_and_the_text_is_stripped(self, request, who, assignment):
        author = request.getfixturevalue(who)

        comment = comment_post(assignment=assignment, author=author, text="\n  Đã nhận, đang xử lý. \t")

        assert (comment.author, comment.text, comment.edited_at) == (author, "Đã nhận, đang xử lý.", None)
        assert list(assignment.comments.all()) == [comment]

    def test_another_agencys_focal_point_may_not_post(self, assignment, other_focal_point):
        with pytest.raises(ActionForbidden):
            comment_post(assignment=assignment, author=other_focal_point, text="Chen vào")

        assert not Comment.objects.exists()

    @pytest.mark.parametrize("text", ["", "   \n\t "])
    def test_a_blank_comment_is_refused_on_its_text(self, assignment, focal_point, text):
        with pytest.raises(InvalidInput) as refusal:
            comment_post(assignment=assignment, author=focal_point, text=text)

        assert (refusal.value.field, refusal.value.message) == ("text", "Cần nhập nội dung ý kiến.")
        assert not Comment.objects.exists()

    def test_a_comment_longer_than_the_limit_is_refused(self, assignment, focal_point):
        with pytest.raises(InvalidInput) as refusal:
            comment_post(assignment=assignment, author=focal_point, text="a" * (COMMENT_MAX_LENGTH + 1))

        assert refusal.value.field == "text"
        assert "5000" in refusal.value.message
        assert not Comment.objects.exists()


class TestCorrecting:
    def test_the_author_corrects_within_the_window_and_every_earlier_text_is_kept(self, question, focal_point):
        with later(5):
            comment_correct(comment=question, actor=focal_point, text="Xin hỏi về mẫu báo cáo quý?")
        with later(14.9):
            comment_correct(comment=question, actor=focal_point, text="Xin hỏi về mẫu báo cáo quý II?")

        question.refresh_from_db()
        assert question.text == "Xin hỏi về mẫu báo cáo quý II?"
        assert question.edited_at == POSTED + timedelta(minutes=14.9)
        assert list(question.revisions.values_list("text", "written_at", "replaced_at")) == [
            ("Xin hỏi về mẫu báo cáo?", POSTED, POSTED + timedelta(minutes=5)),
            ("Xin hỏi về mẫu báo cáo quý?", POSTED + timedelta(minutes=5), POSTED + timedelta(minutes=14.9)),
        ]

    def test_after_the_window_the_comment_stands_as_written(self, question, focal_point):
        with later(15.1), pytest.raises(TransitionNotAllowed) as refusal:
            comment_correct(comment=question, actor=focal_point, text="Sửa muộn")

        assert "15 phút" in refusal.value.message
        question.refresh_from_db()
        assert (question.text, question.edited_at) == ("Xin hỏi về mẫu báo cáo?", None)
        assert not CommentRevision.objects.exists()

    def test_the_window_is_a_setting(self, question, focal_point, settings):
        settings.TRACKER_COMMENT_CORRECTION_MINUTES = 2

        with later(3), pytest.raises(TransitionNotAllowed):
            comment_correct(comment=question, actor=focal_point, text="Sửa")

    @pytest.mark.parametrize("who", ["staff", "leader"])
    def test_nobody_but_the_author_corrects(self, request, question, who):
        with later(1), pytest.raises(ActionForbidden):
            comment_correct(comment=question, actor=request.getfixturevalue(who), text="Sửa hộ")

        question.refresh_from_db()
        assert question.text == "Xin hỏi về mẫu báo cáo?"

    def test_the_same_text_again_records_no_correction(self, question, focal_point):
        with later(1):
            comment_correct(comment=question, actor=focal_point, text=" Xin hỏi về mẫu báo cáo? ")

        question.refresh_from_db()
        assert question.edited_at is None
        assert not CommentRevision.objects.exists()

    def test_a_correction_cannot_blank_the_comment(self, question, focal_point):
        with later(1), pytest.raises(InvalidInput):
            comment_correct(comment=question, actor=focal_point, text="  ")

        assert not CommentRevision.objects.exists()

    def test_comments_and_their_revisions_are_never_deleted(self, question, focal_point):
        with later(1):
            comment_correct(comment=question, actor=focal_point, text="Bản sửa")

        with pytest.raises(TypeError):
            question.delete()
        with pytest.raises(TypeError):
            question.revisions.get().delete()
        assert Comment.objects.count() == CommentRevision.objects.count() == 1


class TestApi:
    def url(self, assignment) -> str:
        return f"/api/v1/assignments/{assignment.pk}/comments/"

    def test_the_thread_is_listed_oldest_first_and_paged(self, assignment, focal_point, staff):
        for minute, (author, text) in enumerate([(focal_point, "Hỏi"), (staff, "Trả lời"), (focal_point, "Cảm ơn")]):
            with later(minute):
                comment_post(assignment=assignment, author=author, text=text)

        with later(1):
            body = api(staff).get(self.url(assignment), {"page_size": 2}).json()

        assert body["count"] == 3
        shown = [(c["author"]["username"], c["text"]) for c in body["results"]]
        assert shown == [("focal", "Hỏi"), ("staff", "Trả lời")]
        assert body["results"][1]["can_correct"] is True
        assert body["results"][0]["can_correct"] is False

    def test_the_list_runs_a_fixed_number_of_queries_for_30_comments(
        self, assignment, focal_point, staff, django_assert_max_num_queries
    ):
        for n in range(30):
            comment = comment_post(assignment=assignment, author=[focal_point, staff][n % 2], text=f"Ý kiến {n}")
            if n % 3 == 0:
                comment_correct(comment=comment, actor=comment.author, text=f"Ý kiến {n} (sửa)")

        with django_assert_max_num_queries(8):
            body = api(focal_point).get(self.url(assignment)).json()

        assert len(body["results"]) == 30
        assert [len(c["revisions"]) for c in body["results"][:3]] == [1, 0, 0]

    def test_a_post_adds_the_comment(self, assignment, leader):
        response = api(leader).post(self.url(assignment), {"text": "  Lãnh đạo đề nghị đẩy nhanh. "}, format="json")

        assert response.status_code == 201, response.content
        assert response.json()["text"] == "Lãnh đạo đề nghị đẩy nhanh."
        assert assignment.comments.get().author == leader

    def test_a_blank_post_is_400_on_its_text_and_writes_nothing(self, assignment, focal_point):
        response = api(focal_point).post(self.url(assignment), {"text": "   "}, format="json")

        assert response.status_code == 400
        assert response.json() == {"text": ["Cần nhập nội dung ý kiến."]}
        assert not Comment.objects.exists()

    def test_a_post_without_text_is_400(self, assignment, focal_point):
        response = api(focal_point).post(self.url(assignment), {}, format="json")

        assert response.status_code == 400
        assert "text" in response.json()
        assert not Comment.objects.exists()

    def test_another_agencys_thread_is_404_to_read_and_to_write(self, assignment, other_focal_point, question):
        client = api(other_focal_point)

        assert client.get(self.url(assignment)).status_code == 404
        assert client.post(self.url(assignment), {"text": "Chen"}, format="json").status_code == 404
        assert client.patch(f"/api/v1/comments/{question.pk}/", {"text": "Chen"}, format="json").status_code == 404
        assert Comment.objects.get().text == "Xin hỏi về mẫu báo cáo?"

    def test_the_author_corrects_in_the_window(self, question, focal_point):
        with later(10):
            response = api(focal_point).patch(f"/api/v1/comments/{question.pk}/", {"text": "Đã sửa"}, format="json")

        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["text"], body["revisions"][0]["text"]) == ("Đã sửa", "Xin hỏi về mẫu báo cáo?")

    def test_a_correction_after_the_window_is_409_and_changes_nothing(self, question, focal_point):
        with later(16):
            response = api(focal_point).patch(f"/api/v1/comments/{question.pk}/", {"text": "Muộn"}, format="json")

        assert response.status_code == 409
        assert "15 phút" in response.json()["detail"]
        question.refresh_from_db()
        assert question.text == "Xin hỏi về mẫu báo cáo?"
        assert not CommentRevision.objects.exists()

    def test_someone_elses_comment_is_403_to_correct(self, question, staff):
        with later(1):
            response = api(staff).patch(f"/api/v1/comments/{question.pk}/", {"text": "Sửa hộ"}, format="json")

        assert response.status_code == 403
        question.refresh_from_db()
        assert question.text == "Xin hỏi về mẫu báo cáo?"

    def test_a_blank_correction_is_400(self, question, focal_point):
        with later(1):
            response = api(focal_point).patch(f"/api/v1/comments/{question.pk}/", {"text": ""}, format="json")

        assert response.status_code == 400
        assert response.json() == {"text": ["Cần nhập nội dung ý kiến."]}

    def test_a_comment_cannot_be_deleted_or_replaced_through_the_api(self, question, staff):
        client = api(staff)

        assert client.delete(f"/api/v1/comments/{question.pk}/").status_code == 405
        assert client.put(f"/api/v1/comments/{question.pk}/", {"text": "x"}, format="json").status_code == 405
        assert Comment.objects.get().text == "Xin hỏi về mẫu báo cáo?"
