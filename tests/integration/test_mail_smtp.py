"""Mail delivery to a real SMTP server on loopback (aiosmtpd): content, AUTH, STARTTLS
and implicit TLS, a server down then up, two workers sharing a PostgreSQL outbox; and
the outbox itself on every backend."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from adapters.clock import FakeClock
from adapters.mail import mailer_from_url
from adapters.mail.folder import FolderMailer
from adapters.mail.smtp import SmtpMailer
from adapters.memory.mailer import MemoryMailer
from domain.mail import compose
from domain.mail import messages as m
from domain.mail.delivery import deliver_all, deliver_due
from tests.support.concurrency import at_once
from tests.support.mailbox import read_eml
from tests.support.smtp_server import SmtpServer, client_context, self_signed_cert

# The tests' server takes AUTH without TLS in the plain-text cases (aiosmtpd warns).
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

SENDER = "CreatorFlix <nao-responda@creatorflix.test>"


def queue(backend, clock, count: int = 1, to: str = "ana@example.com") -> list[int]:
    ids = []
    with backend.uow() as uow:
        for i in range(count):
            message = compose.pix_created(
                to,
                "Ana Souza",
                "Mensal",
                2990,
                f"PIXCODE-{i}",
                clock.now() + timedelta(hours=1),
                f"http://127.0.0.1:8000/checkout?pedido={i}",
                clock.now(),
                None,
                i + 1,
            )
            uow.outbox.enqueue(message)
        uow.commit()
        ids = [msg.id for msg in uow.outbox.find(order_by=["id"]).items]
    return ids


def statuses(backend) -> list[str]:
    with backend.uow() as uow:
        return [msg.status for msg in uow.outbox.find(order_by=["id"]).items]


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


# -- the SMTP adapter ----------------------------------------------------------------
def test_a_message_reaches_the_smtp_server_with_text_html_and_the_inline_qr(memory_backend, smtp):
    clock = FakeClock()
    queue(memory_backend, clock)
    mailer = mailer_from_url(f"smtp://127.0.0.1:{smtp.port}", SENDER)
    report = deliver_all(memory_backend.uow, mailer, clock)
    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    [(rcpts, email)] = smtp.messages
    assert rcpts == ("ana@example.com",)
    assert email["Subject"] == "Seu PIX para o plano Mensal"
    assert email["From"] == SENDER and email["Message-ID"].startswith("<outbox.1.")
    assert "PIXCODE-0" in email.get_body(("plain",)).get_content()
    html = email.get_body(("html",))
    assert 'src="cid:pix-qr@creatorflix"' in html.get_content()
    [image] = [part for part in email.walk() if part.get_content_type() == "image/png"]
    assert image["Content-ID"] == "<pix-qr@creatorflix>"
    assert image.get_content().startswith(b"\x89PNG")
    assert statuses(memory_backend) == ["sent"]
    assert deliver_all(memory_backend.uow, mailer, clock).sent == 0  # never twice


def test_auth_succeeds_with_the_right_password_and_a_failure_is_retried(memory_backend):
    server = SmtpServer(credentials=("mailer", "s3cret pass")).start()
    try:
        clock = FakeClock()
        queue(memory_backend, clock)
        wrong = mailer_from_url(f"smtp://mailer:wrong@127.0.0.1:{server.port}", SENDER)
        report = deliver_due(memory_backend.uow, wrong, clock)
        assert (report.sent, report.retried) == (0, 1)
        with memory_backend.uow() as uow:
            [msg] = uow.outbox.find().items
        assert msg.status == "pending" and "authentication failed" in msg.last_error
        assert "wrong" not in msg.last_error
        assert server.messages == []
        right = mailer_from_url(f"smtp://mailer:s3cret%20pass@127.0.0.1:{server.port}", SENDER)
        clock.advance(seconds=31)
        assert deliver_due(memory_backend.uow, right, clock).sent == 1
        assert len(server.messages) == 1
    finally:
        server.stop()


def test_a_server_down_then_up_gets_the_message_once_after_the_back_off(memory_backend):
    clock = FakeClock()
    queue(memory_backend, clock)
    down = SmtpServer()  # a port with nobody listening yet
    mailer = mailer_from_url(f"smtp://127.0.0.1:{down.port}?timeout=5", SENDER)
    assert deliver_due(memory_backend.uow, mailer, clock).retried == 1
    assert statuses(memory_backend) == ["pending"]
    down.start()
    try:
        # Not before its back-off: 30 s after the first failure.
        assert deliver_due(memory_backend.uow, mailer, clock).attempted == 0
        clock.advance(seconds=29)
        assert deliver_due(memory_backend.uow, mailer, clock).attempted == 0
        clock.advance(seconds=2)
        assert deliver_due(memory_backend.uow, mailer, clock).sent == 1
        clock.advance(hours=3)
        assert deliver_all(memory_backend.uow, mailer, clock).attempted == 0
        assert len(down.messages) == 1 and statuses(memory_backend) == ["sent"]
        with memory_backend.uow() as uow:
            [msg] = uow.outbox.find().items
        assert msg.attempts == 2
    finally:
        down.stop()


@pytest.mark.parametrize("mode", ["starttls", "implicit"])
def test_starttls_and_implicit_tls_with_auth(memory_backend, tmp_path, mode):
    cert = self_signed_cert(tmp_path)
    server = SmtpServer(credentials=("mailer", "pw"), tls=mode, cert=cert).start()
    try:
        clock = FakeClock()
        queue(memory_backend, clock)
        mailer = SmtpMailer(
            "127.0.0.1",
            server.port,
            sender=SENDER,
            username="mailer",
            password="pw",
            implicit_tls=mode == "implicit",
            starttls=mode == "starttls",
            tls_context=client_context(cert[0]),
        )
        assert deliver_due(memory_backend.uow, mailer, clock).sent == 1
        assert len(server.messages) == 1
    finally:
        server.stop()


def test_mail_urls_are_read_as_documented(tmp_path):
    starttls = mailer_from_url("smtp://user:p%40ss@mail.example.com:587?starttls=true", SENDER)
    assert isinstance(starttls, SmtpMailer)
    assert (
        starttls.host,
        starttls.port,
        starttls.starttls,
        starttls.implicit_tls,
        starttls.username,
    ) == ("mail.example.com", 587, True, False, "user")
    assert "p@ss" not in repr(starttls)
    smtps = mailer_from_url("smtps://user:pass@mail.example.com", SENDER)
    assert (smtps.port, smtps.implicit_tls, smtps.starttls) == (465, True, False)
    folder = mailer_from_url("file://./outbox", SENDER)
    assert isinstance(folder, FolderMailer) and str(folder.folder) == "outbox"
    assert str(mailer_from_url(f"file://{tmp_path}/mail", SENDER).folder) == f"{tmp_path}/mail"
    for bad in ("http://x", "smtp://", "smtp://h?starttls=maybe", "smtp://h?tls=1"):
        with pytest.raises(ValueError):
            mailer_from_url(bad, SENDER)


def test_the_folder_mailer_writes_one_eml_per_message(memory_backend, tmp_path):
    clock = FakeClock()
    queue(memory_backend, clock, count=2)
    mailer = mailer_from_url(f"file://{tmp_path}/outbox", SENDER)
    assert deliver_all(memory_backend.uow, mailer, clock).sent == 2
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert [f.name.split("-", 2)[2] for f in files] == [
        "00000001-pix_created.eml",
        "00000002-pix_created.eml",
    ]
    email = read_eml(files[0])
    assert (
        email["To"] == "ana@example.com" and "PIXCODE-0" in email.get_body(("plain",)).get_content()
    )


def test_the_folder_mailer_keeps_its_mails_to_its_own_user(tmp_path):
    """Issue 20, finding 9: the .eml files hold working reset and checkout links, so
    they are 0600 in a 0700 folder, whatever the umask, and a folder that was already
    there (0755 from an older version) is tightened."""
    import os
    import stat

    existing = tmp_path / "existing"
    existing.mkdir()
    os.chmod(existing, 0o755)
    before = os.umask(0o022)
    try:
        for i, folder in enumerate((tmp_path / "new" / "outbox", existing), start=1):
            FolderMailer(folder, SENDER).send(
                m.OutboxMessage(
                    id=i,
                    kind="password_reset",
                    recipient="ana@example.com",
                    subject="Senha",
                    text_body="http://x/r?token=t",
                    html_body="<p>http://x/r?token=t</p>",
                )
            )
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
            files = list(folder.glob("*.eml"))
            assert len(files) == 1 and stat.S_IMODE(files[0].stat().st_mode) == 0o600
    finally:
        os.umask(before)


# -- the outbox on every backend ---------------------------------------------------------
def test_a_rolled_back_change_leaves_no_message_a_committed_one_keeps_it(backend):
    clock = FakeClock()
    message = compose.password_reset(
        "ana@example.com", None, "http://x/r?token=t", clock.now(), None
    )
    with backend.uow() as uow:
        uow.outbox.enqueue(message)  # no commit: rolled back
    with backend.uow() as uow:
        assert uow.outbox.count() == 0
        uow.outbox.enqueue(message)
        uow.commit()
    with backend.uow() as uow:
        assert uow.outbox.count() == 1


def test_a_dedupe_key_is_stored_once(backend):
    clock = FakeClock()
    first = compose.renewal_reminder(
        "ana@example.com", "Ana", "Mensal", clock.now(), "http://x", clock.now(), 1, 7
    )
    with backend.uow() as uow:
        assert uow.outbox.enqueue(first) is True
        assert uow.outbox.enqueue(first) is False
        uow.commit()
    with backend.uow() as uow:
        assert uow.outbox.enqueue(first) is False
        assert uow.outbox.existing_keys(["renewal_reminder:7", "renewal_reminder:8"]) == {
            "renewal_reminder:7"
        }
        uow.commit()
        assert uow.outbox.count() == 1


def test_claims_are_exclusive_and_expire_with_their_lease(backend):
    clock = FakeClock()
    queue(backend, clock, count=3)
    with backend.uow() as uow:
        a = uow.outbox.claim_due(clock.now(), "a", clock.now() + m.LEASE, 2)
        b = uow.outbox.claim_due(clock.now(), "b", clock.now() + m.LEASE, 5)
        uow.commit()
    assert [x.id for x in a] == [1, 2] and [x.id for x in b] == [3]
    assert {x.status for x in a + b} == {"sending"} and {x.attempts for x in a + b} == {1}
    with backend.uow() as uow:
        assert uow.outbox.settle(3, "a", {"status": "sent"}) is False  # not a's
        assert uow.outbox.settle(3, "b", {"status": "sent", "claim_token": None}) is True
        uow.commit()
    clock.advance(minutes=6)  # a died: its lease ran out
    with backend.uow() as uow:
        c = uow.outbox.claim_due(clock.now(), "c", clock.now() + m.LEASE, 5)
        uow.commit()
    assert [x.id for x in c] == [1, 2] and {x.attempts for x in c} == {2}


def test_a_renewed_claim_outlives_its_first_lease_and_only_its_own(backend):
    clock = FakeClock()
    queue(backend, clock, count=3)
    with backend.uow() as uow:
        uow.outbox.claim_due(clock.now(), "a", clock.now() + m.LEASE, 2)
        uow.outbox.claim_due(clock.now(), "b", clock.now() + m.LEASE, 1)
        uow.outbox.settle(2, "a", {"status": "sent", "claim_token": None})
        uow.commit()
    clock.advance(seconds=30)
    with backend.uow() as uow:
        assert uow.outbox.renew("a", clock.now() + m.LEASE) == 1  # 2 is sent already
        uow.commit()
    clock.advance(seconds=30)  # past the first lease: b's message is free, a's is not
    with backend.uow() as uow:
        c = uow.outbox.claim_due(clock.now(), "c", clock.now() + m.LEASE, 5)
        uow.commit()
    assert [x.id for x in c] == [3]


def test_a_permanent_refusal_fails_at_once_and_attempts_run_out(memory_backend):
    clock = FakeClock()
    queue(memory_backend, clock, count=2)
    mailer = MemoryMailer()
    mailer.failures = [m.MailError("550 no such user", permanent=True)]
    assert deliver_due(memory_backend.uow, mailer, clock, limit=1).failed == 1
    for _ in range(m.MAX_ATTEMPTS):
        mailer.failures = [m.MailError("421 try later")]
        clock.advance(hours=3)
        deliver_due(memory_backend.uow, mailer, clock)
    assert statuses(memory_backend) == ["failed", "failed"]
    assert mailer.sent == []


# -- several workers, one PostgreSQL outbox ------------------------------------------------
def test_two_workers_on_postgresql_send_every_message_exactly_once(pg_backend, smtp):
    clock = FakeClock()
    queue(pg_backend, clock, count=60)
    mailer = SmtpMailer("127.0.0.1", smtp.port, sender=SENDER)
    sent_by: dict[int, int] = {0: 0, 1: 0}
    lock = threading.Lock()

    def worker(i: int) -> None:
        while True:
            report = deliver_due(pg_backend.uow, mailer, clock, limit=5)
            with lock:
                sent_by[i] += report.sent
            if report.attempted == 0:
                return

    at_once(2, worker)
    ids = [email["Message-ID"] for _, email in smtp.messages]
    assert len(ids) == 60 and len(set(ids)) == 60
    assert sum(sent_by.values()) == 60
    assert statuses(pg_backend) == ["sent"] * 60
