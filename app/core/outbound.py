"""Requests Tantou makes to addresses that others chose (media URLs, webhook receivers).

Such an address must not reach into the server's own network: loopback, private, link-local,
multicast and reserved ranges are refused unless a setting allows them (tests, closed networks).
"""

import ipaddress
import socket
from urllib.parse import urlsplit


class AddressRefused(ValueError):
    """A URL Tantou will not call; the message says why."""


def check_outbound_url(url: str, *, allow_private: bool) -> None:
    """Refuse a URL that is not http(s), or whose host resolves to a non-public address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefused("only http and https URLs with a host name are called")
    if allow_private:
        return
    try:
        resolved = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise AddressRefused(f"the host {parts.hostname} cannot be resolved") from None
    for *_, sockaddr in resolved:
        address = ipaddress.ip_address(sockaddr[0])
        if not address.is_global or address.is_multicast:
            raise AddressRefused(f"the host {parts.hostname} is on a private or local network")
