from __future__ import annotations

import ipaddress

import pytest

from entrypoints.config import ConfigError, load_config

KEY = {"CREATORFLIX_SECRET_KEY": "k" * 40}


def test_defaults_are_the_embedded_setup():
    config = load_config(KEY)
    assert config.database_url == "sqlite:///creatorflix.db"
    assert config.storage_url == "file://./media"
    assert config.gateway == "sandbox"
    assert config.public_url == "http://127.0.0.1:8000"
    assert config.trusted_proxies == ()


@pytest.mark.parametrize(
    "name, value, words",
    [
        ("CREATORFLIX_DATABASE_URL", "mysql://x/y", "unknown scheme 'mysql'"),
        ("CREATORFLIX_DATABASE_URL", "postgresql://host-only", "postgresql://user"),
        ("CREATORFLIX_STORAGE_URL", "ftp://x", "unknown scheme 'ftp'"),
        ("CREATORFLIX_STORAGE_URL", "file://localhost", "needs a folder"),
        ("CREATORFLIX_STORAGE_URL", "file://", "needs a folder"),
        ("CREATORFLIX_GATEWAY", "paypal", "expected one of sandbox, junglepay"),
        ("CREATORFLIX_TRUSTED_PROXIES", "10.0.0.1,nope", "'nope' is not an IP"),
        ("CREATORFLIX_PUBLIC_URL", "localhost:8000", "expected an http(s) URL"),
        ("CREATORFLIX_TOKEN_TTL", "-5", "positive integer"),
        ("CREATORFLIX_GATEWAY_CONNECT_TIMEOUT", "0", "positive number"),
        ("CREATORFLIX_GATEWAY_READ_TIMEOUT", "500", "at most 120 seconds"),
        ("CREATORFLIX_GATEWAY_CONCURRENCY", "0", "from 1 to 1000"),
        ("CREATORFLIX_SECRET_KEY", "short", "at least 32"),
        ("CREATORFLIX_EVENT_RETENTION_DAYS", "0", "positive integer"),
        ("CREATORFLIX_AD_IMPRESSION_REPEAT_SECONDS", "-1", "from 0 to 604800"),
        ("CREATORFLIX_AD_CLICK_REPEAT_SECONDS", "soon", "from 0 to 604800"),
        ("CREATORFLIX_AD_CACHE_MS", "1001", "from 0 to 1000"),
        ("CREATORFLIX_AD_CLICKS_PER_IP_HOUR", "-1", "from 0 to 1000000"),
        ("CREATORFLIX_AD_IMPRESSIONS_PER_IP_HOUR", "many", "from 0 to 1000000"),
        ("CREATORFLIX_RATE_LIMIT_URL", "redis://h:6379/0?timeout=0", "at most 5"),
        ("CREATORFLIX_RATE_LIMIT_URL", "redis://h:6379/0?timeout=soon", "at most 5"),
    ],
)
def test_bad_settings_are_refused_with_their_name(name, value, words):
    with pytest.raises(ConfigError) as caught:
        load_config({**KEY, name: value})
    assert name in str(caught.value) and words in str(caught.value)


def test_ads_settings_default_to_the_issue_15_rules_and_can_be_changed():
    config = load_config(KEY)
    assert (
        config.event_retention_days,
        config.ad_impression_repeat_seconds,
        config.ad_click_repeat_seconds,
        config.ad_cache_ms,
    ) == (180, 1800, 30, 500)
    changed = load_config(
        {
            **KEY,
            "CREATORFLIX_EVENT_RETENTION_DAYS": "90",
            "CREATORFLIX_AD_IMPRESSION_REPEAT_SECONDS": "0",
            "CREATORFLIX_AD_CLICK_REPEAT_SECONDS": "60",
            "CREATORFLIX_AD_CACHE_MS": "0",
        }
    )
    assert (
        changed.event_retention_days,
        changed.ad_impression_repeat_seconds,
        changed.ad_click_repeat_seconds,
        changed.ad_cache_ms,
    ) == (90, 0, 60, 0)


def test_the_per_ip_ad_caps_default_to_the_issue_20_rules_and_can_be_changed():
    config = load_config(KEY)
    assert (config.ad_impressions_per_ip_hour, config.ad_clicks_per_ip_hour) == (30, 10)
    changed = load_config(
        {
            **KEY,
            "CREATORFLIX_AD_IMPRESSIONS_PER_IP_HOUR": "0",
            "CREATORFLIX_AD_CLICKS_PER_IP_HOUR": "3",
        }
    )
    assert (changed.ad_impressions_per_ip_hour, changed.ad_clicks_per_ip_hour) == (0, 3)


def test_gateway_calls_default_to_3_s_8_s_and_two_at_once_and_can_be_changed():
    config = load_config(KEY)
    assert (
        config.gateway_connect_timeout,
        config.gateway_read_timeout,
        config.gateway_concurrency,
    ) == (3.0, 8.0, 2)
    config = load_config(
        {
            **KEY,
            "CREATORFLIX_GATEWAY_CONNECT_TIMEOUT": "1.5",
            "CREATORFLIX_GATEWAY_READ_TIMEOUT": "20",
            "CREATORFLIX_GATEWAY_CONCURRENCY": "6",
        }
    )
    assert (
        config.gateway_connect_timeout,
        config.gateway_read_timeout,
        config.gateway_concurrency,
    ) == (1.5, 20.0, 6)


def test_trusted_proxies_are_parsed_as_networks():
    config = load_config({**KEY, "CREATORFLIX_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1"})
    assert config.trusted_proxies == (
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("127.0.0.1/32"),
    )


def test_a_missing_secret_key_is_generated_once_into_a_private_file(tmp_path, caplog):
    env = {"CREATORFLIX_SECRET_FILE": str(tmp_path / "secret")}
    first = load_config(env).secret_key
    assert "CREATORFLIX_SECRET_KEY is not set" in caplog.text
    assert first not in caplog.text
    assert len(first) >= 32
    assert load_config(env).secret_key == first
    assert (tmp_path / "secret").stat().st_mode & 0o077 == 0


def test_the_repr_of_the_configuration_hides_secrets():
    config = load_config(
        {
            **KEY,
            "CREATORFLIX_DATABASE_URL": "postgresql://u:dbpass@h:5432/d",
            "CREATORFLIX_STORAGE_URL": "s3://AK:s3secret@h:9000/b",
        }
    )
    text = repr(config)
    assert "k" * 40 not in text and "dbpass" not in text and "s3secret" not in text


def test_renewal_settings_default_to_issue_25_and_can_be_changed():
    config = load_config({"CREATORFLIX_SECRET_KEY": "k" * 40})
    assert (
        config.renewal_charge_ahead_hours,
        config.renewal_grace_days,
        config.renewal_retry_hours,
    ) == (24, 3, (24, 72, 120))
    changed = load_config(
        {
            "CREATORFLIX_SECRET_KEY": "k" * 40,
            "CREATORFLIX_RENEWAL_CHARGE_AHEAD_HOURS": "48",
            "CREATORFLIX_RENEWAL_GRACE_DAYS": "0",
            "CREATORFLIX_RENEWAL_RETRY_HOURS": " 12, 36 ",
        }
    )
    assert (
        changed.renewal_charge_ahead_hours,
        changed.renewal_grace_days,
        changed.renewal_retry_hours,
    ) == (48, 0, (12, 36))
    assert (
        load_config(
            {"CREATORFLIX_SECRET_KEY": "k" * 40, "CREATORFLIX_RENEWAL_RETRY_HOURS": ""}
        ).renewal_retry_hours
        == ()
    )
    for bad in ("24,12", "0", "x", "24,24"):
        with pytest.raises(ConfigError) as caught:
            load_config(
                {"CREATORFLIX_SECRET_KEY": "k" * 40, "CREATORFLIX_RENEWAL_RETRY_HOURS": bad}
            )
        assert "CREATORFLIX_RENEWAL_RETRY_HOURS" in str(caught.value)


def test_the_time_zone_people_read_defaults_to_sao_paulo_and_is_validated():
    assert load_config(KEY).timezone == "America/Sao_Paulo"
    assert (
        load_config({**KEY, "CREATORFLIX_TIMEZONE": " Europe/Lisbon "}).timezone == "Europe/Lisbon"
    )
    for bad in ("Mars/Olympus", "", "../etc/passwd", "America/"):
        with pytest.raises(ConfigError, match="CREATORFLIX_TIMEZONE"):
            load_config({**KEY, "CREATORFLIX_TIMEZONE": bad})
