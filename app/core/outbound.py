"""Which URLs that others chose Tantou may call (webhook receivers, Open311 media URLs): http(s)
to public addresses only, so that no one can aim the server at itself or the network behind it
(unless a setting allows it, for tests and closed networks)."""

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import SplitResult, urlsplit

from app.core.messages import Message, MessageError

ALLOWED_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}


class RefusedUrl(MessageError):
    """Tantou will not call the URL; the message says why."""


def parse_outbound_url(url: str) -> SplitResult:
    """The URL split, if it is absolute http(s) with a host; else RefusedUrl."""
    parts = urlsplit(url)
    if parts.scheme not in ALLOWED_SCHEMES:
        raise RefusedUrl(Message("outbound.bad-scheme"))
    if not parts.hostname:
        raise RefusedUrl(Message("outbound.no-host"))
    if parts.username or parts.password:
        raise RefusedUrl(Message("outbound.credentials"))
    try:
        parts.port  # noqa: B018  (raises on a port that is not a number or out of range)
    except ValueError:
        raise RefusedUrl(Message("outbound.bad-port")) from None
    return parts


def is_public_address(address: str) -> bool:
    """Whether the IP address is globally routable: not loopback, private, link-local,
    carrier-grade NAT, reserved, multicast or unspecified (IPv4-mapped IPv6 judged as IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[str]:
    """Every address the host name resolves to (blocking); RefusedUrl if it resolves to none."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise RefusedUrl(Message("outbound.unresolved", host=host)) from None
    return [str(info[4][0]) for info in infos]


def check_addresses(host: str, addresses: Iterable[str]) -> None:
    """RefusedUrl unless every address of the host is public (one private one is enough to
    refuse: the client may connect to any of them)."""
    private = sorted({a for a in addresses if not is_public_address(a)})
    if private:
        raise RefusedUrl(Message("outbound.private", host=host, addresses=", ".join(private)))


def check_outbound_url(url: str, *, allow_private: bool) -> None:
    """RefusedUrl unless `url` may be called now (resolves its host: blocking)."""
    parts = parse_outbound_url(url)
    if allow_private:
        return
    assert parts.hostname is not None
    port = parts.port or DEFAULT_PORTS[parts.scheme]
    check_addresses(parts.hostname, resolve(parts.hostname, port))
