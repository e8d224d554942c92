"""Where the service may connect on its own (app/kit/outbound.py): the special-purpose address
table judged address by address, the URL checks, and the transport that resolves once, checks
every address and connects to the one it checked, with TLS for the URL's own host."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpcore
import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.kit import outbound
from app.kit.outbound import Outbound, PinnedTransport, TargetRefused, embedded_ipv4, refusal

# Every address, the verdict expected: None for an ordinary public address, else the range that
# refuses it. Each range's edges, and the address just outside where it borders public space.
VERDICTS: list[tuple[str, str | None]] = [
    ("8.8.8.8", None),
    ("1.1.1.1", None),
    ("93.184.216.34", None),
    ("0.0.0.0", "0.0.0.0/8 this network"),  # noqa: S104 (an address judged, not bound)
    ("0.255.255.255", "0.0.0.0/8 this network"),
    ("1.0.0.0", None),
    ("9.255.255.255", None),
    ("10.0.0.0", "10.0.0.0/8 private use"),
    ("10.255.255.255", "10.0.0.0/8 private use"),
    ("11.0.0.0", None),
    ("100.63.255.255", None),
    ("100.64.0.0", "100.64.0.0/10 shared address space"),
    ("100.127.255.255", "100.64.0.0/10 shared address space"),
    ("100.128.0.0", None),
    ("126.255.255.255", None),
    ("127.0.0.1", "127.0.0.0/8 loopback"),
    ("127.255.255.254", "127.0.0.0/8 loopback"),
    ("128.0.0.0", None),
    ("169.253.255.255", None),
    ("169.254.169.254", "169.254.0.0/16 link local"),
    ("169.255.0.0", None),
    ("172.15.255.255", None),
    ("172.16.0.0", "172.16.0.0/12 private use"),
    ("172.31.255.255", "172.16.0.0/12 private use"),
    ("172.32.0.0", None),
    ("192.0.0.0", "192.0.0.0/24 IETF protocol assignments"),
    ("192.0.0.9", "192.0.0.0/24 IETF protocol assignments"),
    ("192.0.0.170", "192.0.0.0/24 IETF protocol assignments"),
    ("192.0.1.1", None),
    ("192.0.2.1", "192.0.2.0/24 documentation"),
    ("192.0.3.0", None),
    ("192.31.196.1", "192.31.196.0/24 AS112"),
    ("192.52.193.1", "192.52.193.0/24 AMT"),
    ("192.88.99.1", "192.88.99.0/24 6to4 relay anycast"),
    ("192.88.100.0", None),
    ("192.167.255.255", None),
    ("192.168.0.1", "192.168.0.0/16 private use"),
    ("192.168.255.255", "192.168.0.0/16 private use"),
    ("192.169.0.0", None),
    ("192.175.48.1", "192.175.48.0/24 AS112 direct delegation"),
    ("198.17.255.255", None),
    ("198.18.0.0", "198.18.0.0/15 benchmarking"),
    ("198.19.255.255", "198.18.0.0/15 benchmarking"),
    ("198.20.0.0", None),
    ("198.51.100.7", "198.51.100.0/24 documentation"),
    ("203.0.113.57", "203.0.113.0/24 documentation"),
    ("203.0.114.0", None),
    ("223.255.255.255", None),
    ("224.0.0.1", "224.0.0.0/4 multicast"),
    ("239.255.255.255", "224.0.0.0/4 multicast"),
    ("240.0.0.1", "240.0.0.0/4 reserved"),
    ("255.255.255.254", "240.0.0.0/4 reserved"),
    ("255.255.255.255", "255.255.255.255/32 limited broadcast"),
    ("2606:4700:4700::1111", None),
    ("2a00:1450:4001:80b::200e", None),
    ("::", "::/128 unspecified"),
    ("::1", "::1/128 loopback"),
    ("::2", "::/96 IPv4-compatible"),
    ("::127.0.0.1", "::/96 IPv4-compatible"),
    ("::8.8.8.8", "::/96 IPv4-compatible"),
    ("::ffff:127.0.0.1", "::ffff:0:0/96 IPv4-mapped"),
    ("::ffff:169.254.169.254", "::ffff:0:0/96 IPv4-mapped"),
    ("::ffff:8.8.8.8", "::ffff:0:0/96 IPv4-mapped"),
    ("::ffff:0:8.8.8.8", "::/3 not global unicast"),
    ("64:ff9b::a9fe:a9fe", "64:ff9b::/96 NAT64"),
    ("64:ff9b::808:808", "64:ff9b::/96 NAT64"),
    ("64:ff9b:1::1", "64:ff9b:1::/48 local-use NAT64"),
    ("100::1", "100::/64 discard only"),
    ("100:0:0:1::", "::/3 not global unicast"),
    ("1000::1", "::/3 not global unicast"),
    ("1fff:ffff::", "::/3 not global unicast"),
    ("2000::1", None),
    ("2001::1", "2001::/32 Teredo"),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001::/32 Teredo"),
    ("2001:1::1", "2001::/23 IETF protocol assignments"),
    ("2001:2::1", "2001::/23 IETF protocol assignments"),
    ("2001:1ff:ffff::", "2001::/23 IETF protocol assignments"),
    ("2001:200::1", None),
    ("2001:db7:ffff::", None),
    ("2001:db8::1", "2001:db8::/32 documentation"),
    ("2001:db8:ffff::1", "2001:db8::/32 documentation"),
    ("2001:db9::", None),
    ("2001:ffff::", None),
    ("2002::", "2002::/16 6to4"),
    ("2002:a9fe:a9fe::", "2002::/16 6to4"),  # the finding
    ("2002:808:808::1", "2002::/16 6to4"),  # even around a public address
    ("2003::1", None),
    ("2620:4f:7fff::", None),
    ("2620:4f:8000::1", "2620:4f:8000::/48 AS112 direct delegation"),
    ("2620:4f:8001::", None),
    ("3ffe::1", None),
    ("3fff::1", "3fff::/20 documentation"),
    ("3fff:fff:ffff::", "3fff::/20 documentation"),
    ("3fff:1000::", None),
    ("3fff:ffff::", None),
    ("4000::1", "4000::/2 not global unicast"),
    ("5eff:ffff::", "4000::/2 not global unicast"),
    ("5f00::1", "5f00::/16 SRv6 SIDs"),
    ("5f00:ffff::", "5f00::/16 SRv6 SIDs"),
    ("5f01::", "4000::/2 not global unicast"),
    ("8000::", "8000::/1 not global unicast"),
    ("e000::1", "8000::/1 not global unicast"),
    ("fc00::1", "fc00::/7 unique local"),
    ("fd12:3456::1", "fc00::/7 unique local"),
    ("fe80::1", "fe80::/10 link local"),
    ("fe80::1%eth0", "fe80::/10 link local"),
    ("febf:ffff::", "fe80::/10 link local"),
    ("fec0::1", "fec0::/10 site local"),  # the finding
    ("feff:ffff::", "fec0::/10 site local"),
    ("ff02::1", "ff00::/8 multicast"),
    ("ff0e::1", "ff00::/8 multicast"),
]


@pytest.mark.parametrize(("address", "expected"), VERDICTS)
def test_each_special_purpose_range_is_refused(address: str, expected: str | None) -> None:
    assert refusal(ipaddress.ip_address(address)) == expected


@pytest.mark.parametrize(
    ("address", "carried"),
    [
        ("::ffff:10.1.2.3", ("10.1.2.3",)),
        ("::10.1.2.3", ("10.1.2.3",)),
        ("64:ff9b::7f00:1", ("127.0.0.1",)),
        ("2002:a9fe:a9fe::", ("169.254.169.254",)),
        # RFC 4380's example: server 65.54.227.120, client 192.0.2.45 (stored XORed).
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", ("65.54.227.120", "192.0.2.45")),
        ("2606:4700:4700::1111", ()),
        ("2001:db8::1", ()),
    ],
)
def test_the_ipv4_an_ipv6_address_carries(address: str, carried: tuple[str, ...]) -> None:
    inner = embedded_ipv4(ipaddress.IPv6Address(address))
    assert tuple(str(a) for a in inner) == carried


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("2002:a9fe:a9fe::", "embeds 169.254.169.254, 169.254.0.0/16 link local"),
        ("2002:808:808::", None),
        ("64:ff9b::a9fe:a9fe", "embeds 169.254.169.254, 169.254.0.0/16 link local"),
        ("::ffff:127.0.0.1", "embeds 127.0.0.1, 127.0.0.0/8 loopback"),
        ("::10.0.0.1", "embeds 10.0.0.1, 10.0.0.0/8 private use"),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "embeds 192.0.2.45, 192.0.2.0/24 documentation"),
        ("2001:0:a00:1:8000:63bf:f7f7:f7f7", "embeds 10.0.0.1, 10.0.0.0/8 private use"),
        ("2001:0:4136:e378:8000:63bf:f7f7:f7f7", None),  # server and client 8.8.8.8: public
    ],
)
def test_a_wrapper_is_judged_by_what_it_wraps_too(
    address: str, expected: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The wrappers are refused outright by the table; with the IPv6 table emptied, what each
    # carries still decides.
    monkeypatch.setattr(outbound, "SPECIAL_PURPOSE_V6", ())
    assert refusal(ipaddress.ip_address(address)) == expected


PRODUCTION = Outbound("monitoring", https_only=True, allow_private=False)
PRODUCTION_PRIVATE = Outbound("monitoring", https_only=True, allow_private=True)
DEVELOPMENT = Outbound("monitoring", https_only=False, allow_private=False)
DEVELOPMENT_PRIVATE = Outbound("monitoring", https_only=False, allow_private=True)
_LINK_LOCAL = "the monitoring URL points at a special-purpose address (169.254.0.0/16 link local)"
_LOCALHOST = "the monitoring URL points at this machine (localhost)"


@pytest.mark.parametrize(
    ("rule", "url", "expected"),
    [
        (PRODUCTION, "https://monitoring.example.org/hook", None),
        (PRODUCTION, "https://93.184.216.34/hook", None),
        (
            PRODUCTION,
            "http://monitoring.example.org/hook",
            "the monitoring URL must be https outside development",
        ),
        (
            PRODUCTION,
            "http://169.254.169.254/latest/meta-data",
            "the monitoring URL must be https outside development",
        ),
        (PRODUCTION, "https://169.254.169.254/latest/meta-data", _LINK_LOCAL),
        (PRODUCTION, "https://2852039166/latest/meta-data", _LINK_LOCAL),
        (PRODUCTION, "https://0xa9.0xfe.0xa9.0xfe/", _LINK_LOCAL),
        (PRODUCTION, "https://0251.0376.0251.0376/", _LINK_LOCAL),
        (PRODUCTION, "https://169.254.43518/", _LINK_LOCAL),
        (
            PRODUCTION,
            "https://[2002:a9fe:a9fe::]/hook",
            "the monitoring URL points at a special-purpose address (2002::/16 6to4)",
        ),
        (
            PRODUCTION,
            "https://[fec0::1]/hook",
            "the monitoring URL points at a special-purpose address (fec0::/10 site local)",
        ),
        (
            PRODUCTION,
            "https://[::ffff:127.0.0.1]/hook",
            "the monitoring URL points at a special-purpose address (::ffff:0:0/96 IPv4-mapped)",
        ),
        (PRODUCTION, "https://localhost/hook", _LOCALHOST),
        (PRODUCTION, "https://LOCALHOST./hook", _LOCALHOST),
        (PRODUCTION, "https://api.localhost/hook", _LOCALHOST),
        (
            PRODUCTION,
            "https://user:secret@monitoring.example.org/hook",
            "the monitoring URL must not carry credentials",
        ),
        (PRODUCTION, "ftp://monitoring.example.org/hook", "the monitoring URL must be https"),
        (PRODUCTION, "https:///hook", "the monitoring URL has no host"),
        (
            PRODUCTION,
            "https://monitoring.example.org:99999/",
            "the monitoring URL has an invalid port",
        ),
        (PRODUCTION_PRIVATE, "https://10.0.0.5/hook", None),
        (
            PRODUCTION_PRIVATE,
            "http://10.0.0.5/hook",
            "the monitoring URL must be https outside development",
        ),
        (
            DEVELOPMENT,
            "http://monitoring.example.org/hook",
            "the monitoring URL must be https unless private targets are allowed",
        ),
        (
            DEVELOPMENT,
            "https://10.0.0.5/hook",
            "the monitoring URL points at a special-purpose address (10.0.0.0/8 private use)",
        ),
        (DEVELOPMENT_PRIVATE, "http://127.0.0.1:9000/hook", None),
        (DEVELOPMENT_PRIVATE, "http://localhost:9000/hook", None),
    ],
)
def test_urls_are_judged_before_any_connection(
    rule: Outbound, url: str, expected: str | None
) -> None:
    if expected is None:
        rule.check_url(url)
    else:
        with pytest.raises(TargetRefused) as caught:
            rule.check_url(url)
        assert str(caught.value) == expected


class Recorder(httpcore.AsyncNetworkBackend):
    """Stands in for the network: records where each connection goes and what is said on it,
    and answers 200."""

    def __init__(self) -> None:
        self.connects: list[tuple[str, int]] = []
        self.tls_names: list[str | None] = []
        self.sent = b""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        self.connects.append((host, port))
        recorder = self

        class Stream(httpcore.AsyncMockStream):
            async def write(self, buffer: bytes, timeout: float | None = None) -> None:  # noqa: ASYNC109
                recorder.sent += buffer

            async def start_tls(
                self,
                ssl_context: ssl.SSLContext,
                server_hostname: str | None = None,
                timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
            ) -> httpcore.AsyncNetworkStream:
                recorder.tls_names.append(server_hostname)
                return self

        return Stream([b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"] * 2)


def resolving(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[list[str]]]) -> list[str]:
    """The event loop's resolver answers these names with these addresses, one list per look-up
    in turn (the last one again after that); other names as usual. Returns the names looked up."""
    loop = asyncio.get_running_loop()
    real = loop.getaddrinfo
    asked: list[str] = []

    async def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in answers:
            return await real(host, port, *args, **kwargs)
        asked.append(host)
        turn = answers[host][min(len(asked) - 1, len(answers[host]) - 1)]
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in turn
        ]

    monkeypatch.setattr(loop, "getaddrinfo", getaddrinfo)
    return asked


async def test_a_name_resolving_to_a_special_purpose_address_is_never_connected_to(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    resolving(monkeypatch, {"hook.example.org": [["93.184.216.34", "169.254.169.254"]]})
    network = Recorder()
    async with httpx.AsyncClient(transport=PinnedTransport(PRODUCTION, inner=network)) as http:
        with pytest.raises(TargetRefused) as caught:
            await http.post("https://hook.example.org/hook", content=b"{}")
    assert str(caught.value) == (
        "the monitoring host resolves to a special-purpose address "
        "(169.254.169.254, 169.254.0.0/16 link local)"
    )
    assert network.connects == []  # one bad address among good ones: no connection at all


async def test_the_connection_goes_to_the_address_that_was_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A rebinding resolver: a public address first, loopback to anyone who asks again.
    asked = resolving(
        monkeypatch, {"hook.example.org": [["93.184.216.34"], ["127.0.0.1"], ["127.0.0.1"]]}
    )
    network = Recorder()
    async with httpx.AsyncClient(transport=PinnedTransport(PRODUCTION, inner=network)) as http:
        response = await http.post("https://hook.example.org/hook", content=b"{}")
        again = await http.post("https://hook.example.org/hook", content=b"{}")
    assert response.status_code == again.status_code == 200
    assert asked == ["hook.example.org"]  # looked up once; the kept connection is reused
    assert network.connects == [("93.184.216.34", 443)]
    assert network.tls_names == ["hook.example.org"]  # SNI and verification: the URL's host
    assert network.sent.count(b"\r\nHost: hook.example.org\r\n") == 2
    assert str(response.request.url) == "https://hook.example.org/hook"


async def test_plain_http_is_refused_by_the_transport_too(monkeypatch: pytest.MonkeyPatch) -> None:
    network = Recorder()
    async with httpx.AsyncClient(transport=PinnedTransport(PRODUCTION, inner=network)) as http:
        with pytest.raises(TargetRefused, match="must be https outside development"):
            await http.get("http://hook.example.org/")
    assert network.connects == []


def _certificate(name: str) -> tuple[bytes, bytes]:
    """A self-signed certificate for `name` (PEM), and its key (PEM)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return (
        certificate.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )


class TlsServer:
    """An https server on 127.0.0.1 with a certificate for hook.example.org only; it records
    the name each client asked for in its TLS hello and the Host header of each request."""

    def __init__(self, tmp: Any) -> None:
        certificate, key = _certificate("hook.example.org")
        (tmp / "cert.pem").write_bytes(certificate)
        (tmp / "key.pem").write_bytes(key)
        self.trust = ssl.create_default_context(cadata=certificate.decode())
        self.sni: list[str | None] = []
        self.hosts: list[str | None] = []
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tmp / "cert.pem", tmp / "key.pem")
        context.sni_callback = lambda _sock, name, _ctx: self.sni.append(name)
        state = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                state.hosts.append(self.headers.get("Host"))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,))
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


@pytest.fixture
def tls_server(tmp_path: Any) -> Iterator[TlsServer]:
    server = TlsServer(tmp_path)
    yield server
    server.close()


async def test_tls_names_and_verifies_the_urls_host_on_the_pinned_address(
    tls_server: TlsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    resolving(
        monkeypatch, {"hook.example.org": [["127.0.0.1"]], "other.example.org": [["127.0.0.1"]]}
    )
    url = f"https://hook.example.org:{tls_server.port}/hook"
    local = Outbound("monitoring", https_only=True, allow_private=True)
    async with httpx.AsyncClient(
        transport=PinnedTransport(local, verify=tls_server.trust), timeout=5
    ) as http:
        response = await http.get(url)
        assert response.status_code == 200 and response.text == "ok"
        assert tls_server.sni == ["hook.example.org"]
        assert tls_server.hosts == [f"hook.example.org:{tls_server.port}"]
        # The certificate is checked against the URL's host, never the address connected to.
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            await http.get(f"https://other.example.org:{tls_server.port}/hook")
    assert tls_server.hosts == [f"hook.example.org:{tls_server.port}"]
    # Without private targets allowed, the same name is refused before any connection.
    async with httpx.AsyncClient(
        transport=PinnedTransport(PRODUCTION, verify=tls_server.trust), timeout=5
    ) as http:
        with pytest.raises(TargetRefused, match=r"\(127\.0\.0\.1, 127\.0\.0\.0/8 loopback\)"):
            await http.get(url)
    assert tls_server.sni == ["hook.example.org", "other.example.org"]
