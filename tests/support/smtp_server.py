"""A real SMTP server on loopback for the mail tests (aiosmtpd in a thread): collects
what it receives, optionally requires AUTH, speaks STARTTLS or implicit TLS with a
self-signed certificate made for the test."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import threading
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.support.s3 import free_port


class Collector:
    def __init__(self) -> None:
        self.messages: list = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(
                (
                    tuple(envelope.rcpt_tos),
                    message_from_bytes(envelope.content, policy=policy.default),
                )
            )
        return "250 OK"


class SmtpServer:
    """`SmtpServer(port=None, credentials=("user", "pass"), tls=None|"starttls"|"implicit",
    cert=(certfile, keyfile))`; `.start()` / `.stop()`; `.messages` [(rcpts, message)]."""

    def __init__(
        self,
        port: int | None = None,
        credentials: tuple[str, str] | None = None,
        tls: str | None = None,
        cert: tuple[Path, Path] | None = None,
    ):
        self.port = port or free_port()
        self.collector = Collector()
        self.credentials = credentials
        kwargs: dict = {}
        if credentials is not None:
            # aiosmtpd counts only STARTTLS as TLS for AUTH (not an implicit-TLS port).
            kwargs.update(
                authenticator=self._authenticate,
                auth_required=True,
                auth_require_tls=tls == "starttls",
            )
        if tls is not None:
            assert cert is not None, "TLS needs a certificate"
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(cert[0]), str(cert[1]))
            if tls == "starttls":
                kwargs.update(tls_context=context, require_starttls=True)
            else:
                kwargs.update(ssl_context=context)
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port, **kwargs)

    @property
    def messages(self) -> list:
        with self.collector.lock:
            return list(self.collector.messages)

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and self.credentials is not None
            and (auth_data.login.decode(), auth_data.password.decode()) == self.credentials
        )
        # handled=False: aiosmtpd answers the refusal (535) itself.
        return AuthResult(success=ok, handled=ok)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


def self_signed_cert(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (and localhost) and its key, as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    certfile, keyfile = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return certfile, keyfile


def client_context(certfile: Path) -> ssl.SSLContext:
    """A client TLS context trusting only the test certificate."""
    return ssl.create_default_context(cafile=str(certfile))
