"""A throw-away public key infrastructure for the mutual-TLS tests of the API Pix, made
at test time (nothing is committed): a CA, a server certificate for 127.0.0.1 and a
client certificate (the operator's, as their PSP issues it), all signed by that CA, plus
a stranger's client certificate signed by another CA (which the server must refuse);
and the threading HTTPS server that requires them (TlsServer)."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from attrs import frozen
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@frozen
class TestPki:
    ca_file: Path  # the CA certificate (PEM): what the client trusts
    server_cert_file: Path  # certificate + key of the server (PEM)
    client_cert_file: Path  # certificate + key of the operator (PEM), as the adapter loads it
    stranger_cert_file: Path  # certificate + key signed by another CA


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _ca(name: str) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = _key()
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(_name(name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return cert, key


def _leaf(
    ca: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey, name: str, *, server: bool
) -> bytes:
    key = _key()
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
    )
    if server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
    cert = builder.sign(ca_key, hashes.SHA256())
    return cert.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def make_pki(folder: Path) -> TestPki:
    """Write the CA, the server's and the clients' PEM files into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    ca, ca_key = _ca("CreatorFlix test PSP CA")
    other_ca, other_key = _ca("Somebody else's CA")
    pki = TestPki(
        ca_file=folder / "psp-ca.pem",
        server_cert_file=folder / "psp-server.pem",
        client_cert_file=folder / "operator.pem",
        stranger_cert_file=folder / "stranger.pem",
    )
    pki.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    pki.server_cert_file.write_bytes(_leaf(ca, ca_key, "127.0.0.1", server=True))
    pki.client_cert_file.write_bytes(_leaf(ca, ca_key, "operator", server=False))
    pki.stranger_cert_file.write_bytes(_leaf(other_ca, other_key, "stranger", server=False))
    return pki


class TlsServer(ThreadingHTTPServer):
    """Each connection's TLS handshake runs in its own thread (a client that never
    finishes one holds only that thread); a failed handshake is counted."""

    daemon_threads = True

    def __init__(self, address, handler, context: ssl.SSLContext, owner: Any):
        self.context, self.owner = context, owner
        super().__init__(address, handler)

    def finish_request(self, request, client_address) -> None:
        try:
            request.settimeout(10)
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            with self.owner.lock:
                self.owner.refused_handshakes += 1
            return
        try:
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            try:
                tls.close()
            except OSError:
                pass
