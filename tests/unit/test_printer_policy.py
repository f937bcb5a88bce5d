"""The printer policy: which schemes, device files, networks and ports a printer URL may use.

The defaults must refuse every way a printer URL could write a file or reach a service."""

from __future__ import annotations

import socket

import pytest

from printer import PrinterNotAllowedError, PrinterPolicy, PrinterPolicyError, PrinterUrlError
from printer.urls import AgentTarget, DummyTarget, FileTarget, TcpTarget

DEFAULT = PrinterPolicy()


def resolving_to(*addresses: str):
    """A resolver answering every name with these addresses."""

    def resolve(host, port, **kwargs):
        return [
            info for address in addresses for info in socket.getaddrinfo(address, port, **kwargs)
        ]

    return resolve


@pytest.mark.parametrize(
    "url",
    [
        "tcp://192.168.1.50:9100",
        "tcp://192.168.1.50",  # 9100 by default
        "tcp://10.1.2.3:9109",
        "tcp://172.16.0.9:9100",
        "tcp://[fd00::5]:9100",
        "file:///dev/usb/lp0",
        "file:///dev/usb//./lp1",
        "serial:///dev/ttyUSB0?baudrate=19200",
        "serial:///dev/ttyACM3",
        "usb://04b8:0202",
        "cups://TM-T20",
        "agent:",
        "dummy:",
    ],
)
def test_the_defaults_allow_ordinary_printers(url):
    DEFAULT.check(url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("tcp://127.0.0.1:9100", "127.0.0.1 is not in the allowed printer networks"),
        ("tcp://127.1:9100", "not in the allowed printer networks"),
        ("tcp://[::1]:9100", "not in the allowed printer networks"),
        ("tcp://[::ffff:127.0.0.1]:9100", "not in the allowed printer networks"),
        ("tcp://0.0.0.0:9100", "not in the allowed printer networks"),
        ("tcp://169.254.169.254:9100", "not in the allowed printer networks"),
        ("tcp://[fe80::1]:9100", "not in the allowed printer networks"),
        ("tcp://8.8.8.8:9100", "not in the allowed printer networks"),
        ("tcp://192.168.1.50:6379", "port 6379 is not an allowed printer port"),
        ("tcp://192.168.1.50:80", "port 80 is not an allowed printer port"),
        ("tcp://192.168.1.50:9110", "allowed: 9100-9109"),
        ("file:///etc/passwd", "/etc/passwd is not an allowed printer device"),
        ("file:///tmp/lp0", "not an allowed printer device"),
        ("file:///dev/usb/lp/../../etc/passwd", "may not contain '..'"),
        ("file:///dev/usb/lp%2F..%2F..%2Fetc%2Fpasswd", "may not contain '..'"),
        ("file:///dev/usb/lp0/..", "may not contain '..'"),
        ("file:///dev/usb/lp0/x", "not an allowed printer device"),  # '*' stays in its part
        ("file:///dev/usb/lpx/y", "not an allowed printer device"),
        ("file:///dev/sda", "not an allowed printer device"),
        ("serial:///dev/ttyS0", "not an allowed printer device"),
        ("serial:///dev/ttyUSB0/../../../etc/shadow", "may not contain '..'"),
        ("serial://COM3", "not an allowed printer device"),
        ("cups://Q?host=127.0.0.1", "not in the allowed printer networks"),
        ("cups://Q?host=192.168.1.2&port=6379", "port 631 only"),
    ],
)
def test_the_defaults_refuse_files_loopback_and_other_ports(url, message):
    with pytest.raises(PrinterNotAllowedError, match=message) as caught:
        DEFAULT.check(url)
    assert isinstance(caught.value, PrinterUrlError)  # callers treat it as a bad URL


def test_a_refusal_says_what_is_allowed_and_where_to_change_it():
    with pytest.raises(PrinterNotAllowedError) as caught:
        DEFAULT.check("tcp://127.0.0.1:6379")
    assert "9100-9109" in str(caught.value) and "LUOT_PRINTER_TCP_PORTS" in str(caught.value)
    with pytest.raises(PrinterNotAllowedError) as caught:
        DEFAULT.check("file:///etc/passwd")
    assert "/dev/usb/lp*, /dev/ttyUSB*, /dev/ttyACM*" in str(caught.value)
    assert "LUOT_PRINTER_DEVICES" in str(caught.value)


def test_a_host_name_is_allowed_only_if_every_address_is():
    private = PrinterPolicy(resolver=resolving_to("192.168.1.7"))
    assert private.check("tcp://printer.lan") == TcpTarget("printer.lan")
    mixed = PrinterPolicy(resolver=resolving_to("192.168.1.7", "127.0.0.1"))
    with pytest.raises(PrinterNotAllowedError, match="printer.lan is 127.0.0.1"):
        mixed.check("tcp://printer.lan")


def test_localhost_is_refused_by_the_defaults():
    with pytest.raises(PrinterNotAllowedError, match="localhost is"):
        DEFAULT.check("tcp://localhost:9100")


def test_a_name_that_does_not_resolve_is_not_accepted():
    def nowhere(host, port, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(PrinterNotAllowedError, match="does not resolve"):
        PrinterPolicy(resolver=nowhere).check("tcp://no-such-printer.lan")
    # Without a lookup (sending looks up at connect time) only the literal rules apply.
    assert PrinterPolicy(resolver=nowhere).check("tcp://no-such-printer.lan", resolve=False)


def test_a_broad_network_does_not_open_loopback_or_link_local():
    everything = PrinterPolicy(networks=["0.0.0.0/0", "::/0"])
    everything.check("tcp://8.8.8.8:9100")
    for url in (
        "tcp://127.0.0.1:9100",
        "tcp://169.254.169.254:9100",
        "tcp://[::1]:9100",
        "tcp://0.0.0.0:9100",
    ):
        with pytest.raises(PrinterNotAllowedError):
            everything.check(url)
    PrinterPolicy(networks=["127.0.0.1/32"]).check("tcp://127.0.0.1:9100")


def test_schemes_are_configurable():
    only_network = PrinterPolicy(schemes=["tcp", "agent:"])
    only_network.check("tcp://192.168.1.50")
    assert only_network.check("agent:") == AgentTarget()
    for url in ("file:///dev/usb/lp0", "dummy:", "usb://04b8:0202"):
        with pytest.raises(PrinterNotAllowedError, match="not allowed on this server") as caught:
            only_network.check(url)
        assert "allowed: tcp:, agent:" in str(caught.value)


def test_device_globs_are_configurable_and_match_per_component(tmp_path):
    policy = PrinterPolicy(device_globs=[f"{tmp_path}/lp*", "COM*"])
    assert policy.check(f"file://{tmp_path}/lp0") == FileTarget(f"{tmp_path}/lp0")
    policy.check("serial://COM3")
    with pytest.raises(PrinterNotAllowedError):
        policy.check(f"file://{tmp_path}/lp0/../../x")
    with pytest.raises(PrinterNotAllowedError):
        policy.check(f"file://{tmp_path}/lp-dir/inner")


def test_a_symlink_is_checked_where_it_leads(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_text("x")
    devices = tmp_path / "dev"
    devices.mkdir()
    (devices / "lp0").symlink_to(outside / "secret")
    (devices / "lp1").symlink_to(devices / "lp9")
    policy = PrinterPolicy(device_globs=[f"{devices}/lp*"])
    policy.check(f"file://{devices}/lp0")  # the name is fine; opening resolves it
    with pytest.raises(PrinterNotAllowedError, match="leads to .*outside/secret"):
        policy.resolve_device(f"{devices}/lp0")
    assert policy.resolve_device(f"{devices}/lp1") == f"{devices}/lp9"


def test_dummy_and_usb_stay_allowed_by_default():
    assert DEFAULT.check("dummy:") == DummyTarget()
    DEFAULT.check("usb://0416:5011?interface=1")


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"networks": "127.0.0.1/32, 192.168.5.0/24"}, "networks 127.0.0.1/32, 192.168.5.0/24;"),
        ({"networks": '["10.0.0.0/8"]'}, "networks 10.0.0.0/8;"),
        ({"networks": ["10.1.0.0/16"]}, "networks 10.1.0.0/16;"),
        ({"tcp_ports": 9100}, "ports 9100"),
        ({"tcp_ports": '[9100, "9200-9201"]'}, "ports 9100, 9200-9201"),
        ({"tcp_ports": "9100,9105-9106"}, "ports 9100, 9105-9106"),
        ({"schemes": "tcp, AGENT:"}, "schemes tcp:, agent:;"),
        ({"devices": "/dev/usb/lp*"}, "devices /dev/usb/lp*;"),
        ({"networks": ""}, "networks none;"),
    ],
)
def test_settings_take_comma_separated_text_or_lists(settings, expected):
    assert expected in PrinterPolicy.from_settings(**settings).describe()


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"networks": "10.0.0.0/33"}, "LUOT_PRINTER_NETWORKS: '10.0.0.0/33' is not a network"),
        ({"networks": "printer.lan"}, "LUOT_PRINTER_NETWORKS"),
        ({"networks": "[10.0.0.0/8"}, "LUOT_PRINTER_NETWORKS: .* is not a JSON list"),
        ({"tcp_ports": "9100-"}, "LUOT_PRINTER_TCP_PORTS"),
        ({"tcp_ports": "0"}, "LUOT_PRINTER_TCP_PORTS: '0': ports run from 1 to 65535"),
        ({"tcp_ports": "9109-9100"}, "LUOT_PRINTER_TCP_PORTS"),
        ({"tcp_ports": {"a": 1}}, "LUOT_PRINTER_TCP_PORTS"),
        ({"schemes": "tcp,http"}, "LUOT_PRINTER_SCHEMES: 'http' is not a printer scheme"),
        ({"devices": "/dev/../etc/*"}, "LUOT_PRINTER_DEVICES"),
        ({"devices": [True]}, "LUOT_PRINTER_DEVICES"),
    ],
)
def test_bad_settings_are_refused_naming_the_variable(settings, message):
    with pytest.raises(PrinterPolicyError, match=message):
        PrinterPolicy.from_settings(**settings)


def test_the_environment_gives_the_same_policy():
    policy = PrinterPolicy.from_env(
        {
            "LUOT_PRINTER_SCHEMES": "tcp",
            "LUOT_PRINTER_NETWORKS": '["127.0.0.1/32"]',
            "LUOT_PRINTER_TCP_PORTS": "1-65535",
        }
    )
    policy.check("tcp://127.0.0.1:6379")
    with pytest.raises(PrinterNotAllowedError):
        policy.check("dummy:")
    assert PrinterPolicy.from_env({}).describe() == DEFAULT.describe()
