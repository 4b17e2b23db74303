"""manage.py evidence_orphans: files under the evidence folder that no event references,
as versions before failed writes removed their files left them."""

import os
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tasks_app.models import StatusEvent
from tasks_app.services import assignment_transition
from tasks_app.workflow import Action
from tests.tasks_app.test_evidence_files import evidence, files_in

pytestmark = pytest.mark.django_db

TWO_HOURS = 2 * 60 * 60


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


class TestEvidenceOrphans:
    @pytest.fixture
    def stored(self, media, focal_point, assignment):
        """A referenced file and an orphan, both older than the grace period; a recent orphan
        (an upload still in flight); a file outside the evidence folder."""
        assignment_transition(
            assignment=assignment, action=Action.REPORT_DONE, actor=focal_point, evidence_file=evidence()
        )
        referenced = StatusEvent.objects.get(action=Action.REPORT_DONE).evidence_file.name
        paths = {
            "referenced": referenced,
            "orphan": "evidence/2023/11/bao-cao-cu.pdf",
            "recent": "evidence/2024/06/dang-tai.pdf",
            "elsewhere": "reports/bao-cao-quy.pdf",
        }
        for name, path in paths.items():
            file = media / path
            file.parent.mkdir(parents=True, exist_ok=True)
            if name != "referenced":
                file.write_bytes(b"x")
            if name != "recent":
                os.utime(file, (time.time() - TWO_HOURS,) * 2)
        return paths

    def run(self, *args):
        out = StringIO()
        call_command("evidence_orphans", *args, stdout=out)
        return out.getvalue()

    def test_lists_the_orphans_and_removes_nothing(self, media, stored):
        before = files_in(media)

        out = self.run()

        assert stored["orphan"] in out
        for kept in ("referenced", "recent", "elsewhere"):
            assert stored[kept] not in out
        assert "1 tệp minh chứng không được sự kiện nào tham chiếu" in out
        assert "Bỏ qua 1 tệp mới hơn 1 giờ" in out
        assert files_in(media) == before

    def test_delete_removes_only_the_orphan(self, media, stored):
        out = self.run("--delete")

        assert "Đã xoá 1 tệp minh chứng" in out
        assert files_in(media) == sorted([stored["referenced"], stored["recent"], stored["elsewhere"]])

    def test_a_shorter_grace_period_takes_recent_orphans_too(self, media, stored):
        self.run("--delete", "--older-than-hours", "0")

        assert files_in(media) == sorted([stored["referenced"], stored["elsewhere"]])

    def test_no_evidence_folder_is_no_orphan(self, media):
        assert "0 tệp minh chứng" in self.run("--delete")

    def test_a_negative_grace_period_is_refused(self, media):
        with pytest.raises(CommandError, match="không được âm"):
            self.run("--delete", "--older-than-hours", "-1")
