"""The ``[publish]`` section of the site config: defaults, TLS, credentials, and one-line errors naming the key."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from energymon.config import ConfigError, parse_config

from support import small_site_toml


def _parse(tmp_path: Path, section: str):
    text = small_site_toml({"c1": 1, "c2": 2}) + "\n[publish]\n" + section
    return parse_config(text, tmp_path / "site.toml")


def test_defaults(tmp_path):
    publish = _parse(tmp_path, 'broker = "mqtt://broker.example"\n').publish
    assert (publish.host, publish.port, publish.tls) == ("broker.example", 1883, False)
    assert publish.site_id == "test park" and publish.client_id == "energymon-test park"
    assert publish.target == "broker.example:1883" and publish.max_samples == 5000
    assert publish.since_ms is None and publish.username is None and publish.password is None


def test_tls_credentials_and_since(tmp_path):
    (tmp_path / "ca.pem").write_text("x")
    (tmp_path / "secret").write_text("s3cret\n")
    section = (
        'broker = "mqtts://hq.example:8884"\nusername = "park7"\npassword_file = "secret"\ntls_ca_file = "ca.pem"\n'
        'site = "xian-7"\ntarget = "hq"\nmax_samples_per_message = 200\nsince = 2026-01-01\n'
    )
    publish = _parse(tmp_path, section).publish
    assert (publish.host, publish.port, publish.tls, publish.tls_ca_file) == (
        "hq.example",
        8884,
        True,
        tmp_path / "ca.pem",
    )
    assert (publish.username, publish.password, publish.site_id, publish.target) == ("park7", "s3cret", "xian-7", "hq")
    assert publish.since_ms == int(datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp() * 1000)
    assert "s3cret" not in repr(publish)


def test_no_section_is_none(tmp_path):
    assert parse_config(small_site_toml({"c1": 1, "c2": 2}), tmp_path / "site.toml").publish is None


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ('broker = "http://x"\n', "publish.broker"),
        ('broker = "mqtt://x:99999"\n', "publish.broker"),
        ('broker = "mqtt://u:p@x"\n', "publish.broker"),
        ("", "publish.broker"),
        ('broker = "mqtt://x"\npassword = "p"\n', "publish.username"),
        ('broker = "mqtt://x"\nusername = "u"\npassword = "p"\npassword_file = "f"\n', "publish.password_file"),
        ('broker = "mqtt://x"\ntls_ca_file = "missing.pem"\n', "publish.tls_ca_file"),
        ('broker = "mqtt://x"\nmax_samples_per_message = 100001\n', "publish.max_samples_per_message"),
        ('broker = "mqtt://x"\nsince = "last week"\n', "publish.since"),
        ('broker = "mqtt://x"\nport = 1\n', "publish.port"),
    ],
)
def test_errors_name_the_key(tmp_path, section, key):
    with pytest.raises(ConfigError) as caught:
        _parse(tmp_path, section)
    message = str(caught.value)
    assert f"site.toml: {key}" in message and "\n" not in message
