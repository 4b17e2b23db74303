"""Benchmark the reminder scan and the sending of the digests on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker python bench/reminders.py [--assignments 100000]

On the synthetic data set of bench/synthetic.py it runs the scan for Monday 01/07/2024
(a window that covers the weekend) `--repeat` times, each on an emptied outbox, then
sends every digest through Django's SMTP backend to a local SMTP sink (aiosmtpd) that
accepts and drops each message, and prints the assignments scanned, the notifications
written, the scan's queries and seconds, and the emails sent and seconds. Not a test:
it prints figures.
"""

import argparse
import logging
import socket
import statistics
import time
from datetime import date

from synthetic import bench_database, setup_django

MONDAY = date(2024, 7, 1)


class Sink:
    """An SMTP server that counts and drops what it receives."""

    def __init__(self):
        self.received = 0
        self.bytes = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        self.bytes += len(envelope.content)
        return "250 OK"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assignments", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="scans timed, each on an emptied outbox")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()
    setup_django()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command

    from aiosmtpd.controller import Controller
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    from notifications.models import Notification
    from notifications.services import digests_send, pending_recipient_batches, reminders_scan
    from tasks_app.models import OPEN_STATUSES, Assignment

    with bench_database(assignments=args.assignments, keep=args.keep):
        scanned = Assignment.objects.filter(status__in=OPEN_STATUSES).count()
        timings = []
        for _ in range(args.repeat):
            Notification.objects.all().delete()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE notifications_notification")
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                written = reminders_scan(on=MONDAY)
                timings.append(time.perf_counter() - start)
        print(
            f"scan of {MONDAY:%d/%m/%Y}: {scanned:,} open assignments scanned, {written:,} notifications written, "
            f"{len(queries.captured_queries)} queries, median {statistics.median(timings):.3f} s, "
            f"slowest {max(timings):.3f} s of {args.repeat}"
        )
        again = time.perf_counter()
        assert reminders_scan(on=MONDAY) == 0
        print(f"the same scan again: 0 written, {time.perf_counter() - again:.3f} s")

        sink = Sink()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            smtp = {
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": port,
                "EMAIL_USE_TLS": False,
            }
            with override_settings(**smtp):
                batches = pending_recipient_batches()
                recipients = sum(len(batch) for batch in batches)
                start = time.perf_counter()
                sent = sum(digests_send(recipient_ids=batch, on=MONDAY).sent for batch in batches)
                send_seconds = time.perf_counter() - start
                emails, average_size = sink.received, sink.bytes // max(1, sink.received)
                sink_seconds = _sink_alone(emails=emails, size=average_size)
        finally:
            controller.stop()
        assert not Notification.objects.filter(sent_at__isnull=True).exists()
        print(
            f"sending: {emails:,} emails (one per recipient, {recipients:,} recipients) carrying "
            f"{sent:,} notifications, {send_seconds:.1f} s ({1000 * send_seconds / max(1, emails):.1f} ms an email)"
        )
        print(
            f"the sink alone, the same number of emails of the same size ({average_size:,} bytes) already written: "
            f"{sink_seconds:.1f} s ({1000 * sink_seconds / max(1, emails):.1f} ms an email)"
        )


def _sink_alone(*, emails: int, size: int) -> float:
    """Seconds to hand the sink `emails` ready-made messages of `size` bytes over one
    connection: how fast the sink takes mail, what sending the digests is measured against."""
    from django.core.mail import EmailMessage, get_connection

    messages = [EmailMessage(subject="bench", body="x" * size, to=["bench@example.org"]) for _ in range(emails)]
    start = time.perf_counter()
    with get_connection() as connection:
        connection.send_messages(messages)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
