"""`energymon ingest`'s arguments and the ingest's small pure parts (no servers): broker URLs, refusal kinds,
what a received message is examined into."""

from __future__ import annotations

import pytest

from energymon.cli.main import main
from energymon.config.broker_url import BrokerAddress
from energymon.fleet.ingest import examine
from energymon.fleet.ingest_mqtt import LinkError, Received, broker_address
from energymon.fleet.ingest_stats import reason_kind
from energymon.fleet.payload import encode_samples
from energymon.fleet.topics import samples_topic


def test_broker_urls() -> None:
    assert broker_address("mqtt://10.0.0.5") == BrokerAddress("10.0.0.5", 1883, False)
    assert broker_address("mqtts://broker.example:9883") == BrokerAddress("broker.example", 9883, True)
    for bad in ("tcp://x:1883", "mqtt://", "broker:1883", "mqtt://x:99999", "mqtt://u:p@x", "mqtt://x/path"):
        with pytest.raises(LinkError, match="^--broker: "):
            broker_address(bad)


@pytest.mark.parametrize(
    "argv",
    [
        ["--broker", "http://x", "--postgres", "postgresql://u@h/d"],
        ["--broker", "mqtt://x", "--postgres", "postgresql://u@h/d", "--group", "a/b"],
        ["--broker", "mqtt://x", "--postgres", "postgresql://u@h/d", "--password-file", "p"],
        ["--broker", "mqtt://x", "--postgres", "notadsn"],
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("energymon: error: ") and "\n" not in err


def test_reason_kinds_blank_the_numbers() -> None:
    assert reason_kind("ts_ms[3] = 1000 does not follow ts_ms[2] = 1000") == reason_kind(
        "ts_ms[7] = 52 does not follow ts_ms[6] = 99"
    )
    assert reason_kind("payload is not JSON") != reason_kind("unknown kind 'x'")


def test_examine_checks_the_topic_against_the_content() -> None:
    payload = encode_samples("p", "d", "power_w", "W", [1, 2], [1.0, 2.0])
    good = examine(Received(1, 1, 1, samples_topic("p", "d", "power_w"), payload))
    assert good.message is not None and good.refusal is None
    moved = examine(Received(1, 2, 1, samples_topic("p", "e", "power_w"), payload))
    assert moved.message is None and moved.refusal is not None and "does not match" in moved.refusal
    broken = examine(Received(1, 3, 1, samples_topic("p", "d", "power_w"), b'{"v":1}'))
    assert broken.message is None and broken.refusal == "payload has no kind"
