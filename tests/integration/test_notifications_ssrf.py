"""No SSRF through webhook endpoints: a URL whose host is, or resolves to, a loopback,
private, link-local or metadata address (IPv6 included) is refused when it is saved and
again when a delivery is about to be sent (DNS may answer differently by then)."""

from __future__ import annotations

import attrs
import pytest

from adapters.clock import FakeClock, utcnow
from adapters.notifications.url_guard import resolve
from adapters.notifications.webhooks import HttpWebhookTransport
from domain.common.errors import ValidationError
from domain.notifications import delivery
from domain.notifications import entities as n
from tests.support.notifications import deliveries, make_notifier, queue, register
from tests.support.webhook_receiver import WebhookReceiver

REFUSED = [
    "https://127.0.0.1/hooks",  # loopback
    "https://127.9.9.9:8443/",
    "https://10.1.2.3/hooks",  # private 10/8
    "https://192.168.0.10/",
    "https://172.16.5.5/",
    "https://169.254.169.254/latest/meta-data/",  # the cloud metadata address
    "https://100.100.100.200/",  # shared address space (a metadata address too)
    "https://[::1]/hooks",  # IPv6 loopback
    "https://[::ffff:127.0.0.1]/",  # IPv4-mapped loopback
    "https://[fe80::1]/",
    "https://[fd00:ec2::254]/",  # link-local, unique local
    "https://0.0.0.0/",
    "https://localhost/hooks",  # a name that resolves to 127.0.0.1
    "https://localhost./hooks",
]


@pytest.mark.parametrize("url", REFUSED)
def test_a_url_reaching_inside_is_refused(url):
    with pytest.raises(ValidationError) as refused:
        HttpWebhookTransport().check_url(url)
    assert refused.value.field == "url"


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.216.34/hooks",
        "ftp://93.184.216.34/",
        "https:///nohost",
        "https://no-such-host.invalid/",
    ],
)
def test_plain_http_and_unresolvable_hosts_are_refused(url):
    with pytest.raises(ValidationError):
        HttpWebhookTransport().check_url(url)


def test_a_public_address_is_accepted_and_kept_with_its_path():
    target = resolve("https://93.184.216.34:8443/hooks?x=1", allow_private=False)
    assert target.addresses == ("93.184.216.34",) and target.path == "/hooks?x=1"
    assert target.port == 8443


def test_allow_private_accepts_http_and_loopback():
    HttpWebhookTransport(allow_private=True).check_url("http://localhost:8080/hooks")


def test_each_delivery_checks_the_address_again(backend):
    """A name that resolved to a public address when saved and to loopback at delivery
    time (DNS rebinding; here the row is changed behind the guard): nothing is sent."""
    receiver = WebhookReceiver()
    try:
        clock = FakeClock(utcnow())
        allowed = make_notifier(backend, clock)
        endpoint = register(allowed, receiver)
        with allowed.uow() as uow:
            port = receiver.url.rsplit(":", 1)[1]
            uow.webhook_endpoints.update(
                attrs.evolve(endpoint, url=f"https://localhost:{port}/hooks")
            )
            uow.commit()
        queue(allowed)
        strict = delivery.Notifier(
            uow=allowed.uow,
            clock=clock,
            webhooks=HttpWebhookTransport(allow_private=False),
            telegram=allowed.telegram,
            schedule=allowed.schedule,
        )
        assert delivery.deliver_all(strict).failed == 1
        assert receiver.received == []
        [refused] = deliveries(allowed)
        assert refused.status == n.FAILED and "non-public address" in refused.last_error
    finally:
        receiver.stop()


def test_redirects_are_not_followed(backend):
    receiver = WebhookReceiver()
    try:
        notifier = make_notifier(backend, FakeClock(utcnow()))
        register(notifier, receiver)
        receiver.answer((307, {"Location": receiver.url + "/elsewhere"}, 0.0))
        queue(notifier)
        delivery.deliver_due(notifier)
        assert [r.path for r in receiver.received] == ["/hooks"]
        [waiting] = deliveries(notifier)
        assert waiting.status == n.PENDING and waiting.status_code == 307
    finally:
        receiver.stop()
