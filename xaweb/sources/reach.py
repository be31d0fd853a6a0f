"""Where a fetch may connect, and connecting within a deadline.

A feed is someone else's document, and the URLs it names (linked CAP messages,
redirects) are chosen by whoever wrote it. Left alone, the build machine would
request any of them, including addresses only it can reach: the province's
intranet, the cloud metadata service at 169.254.169.254, a database admin page
on 127.0.0.1. So every connection is checked *after* name resolution, against
the address actually connected to (a DNS answer that changes between check and
connect cannot slip through): an address that is not globally routable
(loopback, private, link-local, shared, reserved) is refused unless the host
was written in the configuration itself. Linked messages are further limited
to the hosts a source allows (its own by default).

Name resolution runs in a daemon thread so that a resolver that never answers
is bounded by the same deadline as everything else.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

LOCAL_NAMES = {"localhost", "localhost.localdomain"}


class Refused(OSError):
    """A connection the policy does not allow; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class Reach:
    """What one source's fetches may reach."""

    named: frozenset[str] = frozenset()  # hosts written in the configuration: they may be internal
    linked: frozenset[str] = frozenset()  # hosts linked CAP messages may come from

    @classmethod
    def for_source(cls, url: str, linked_hosts: tuple[str, ...] = ()) -> "Reach":
        own = host_of(url)
        linked = frozenset({own, *(h.lower() for h in linked_hosts)} - {""})
        return cls(named=linked | proxy_hosts(), linked=linked)

    def allows_link(self, url: str) -> bool:
        return host_of(url) in self.linked


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def proxy_hosts() -> frozenset[str]:
    """The proxies urllib will use (http_proxy, ...): configured by the machine's owner, so named."""
    return frozenset(h for url in urllib.request.getproxies().values() if isinstance(url, str) and (h := host_of(url)))


def internal(address: str) -> bool:
    """True for an address that is not globally routable: loopback, private, link-local, shared, reserved."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone index
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return not ip.is_global or ip.is_multicast


def refused_host(host: str, reach: Reach) -> str:
    """Why a URL's host is refused before any lookup (a literal internal address or a local name), or ""."""
    host = host.lower().rstrip(".").strip("[]")
    if host in reach.named:
        return ""
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return f"không tải từ máy nội bộ '{host}' khi cấu hình không ghi tên nó"
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return ""
    return f"không tải từ địa chỉ nội bộ {host} khi cấu hình không ghi tên nó" if internal(host) else ""


def _resolve(host: str, port: int, timeout: float) -> list[tuple]:
    result: list[list[tuple] | BaseException] = []

    def lookup() -> None:
        try:
            result.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError as exc:
            result.append(exc)

    thread = threading.Thread(target=lookup, daemon=True, name="xaweb-resolve")
    thread.start()
    thread.join(timeout)
    if not result:
        raise TimeoutError(f"tra tên miền {host} quá thời gian")
    if isinstance(result[0], BaseException):
        raise result[0]
    return result[0]


def open_socket(host: str, port: int, deadline: float, connect_timeout: float, reach: Reach) -> socket.socket:
    """A connected socket to an address the policy allows, opened before `deadline` (time.monotonic)."""
    why = refused_host(host, reach)
    if why:
        raise Refused(why)
    named = host.lower().rstrip(".").strip("[]") in reach.named
    last: OSError = Refused(f"không tìm thấy địa chỉ của {host}")
    for family, kind, proto, _, address in _resolve(host, port, max(0.0, deadline - time.monotonic())):
        if not named and internal(address[0]):
            last = Refused(f"'{host}' trỏ tới địa chỉ nội bộ {address[0]}; chỉ tải từ đó khi cấu hình ghi tên máy này")
            continue
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("hết thời gian")
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(min(connect_timeout, remaining))
            sock.connect(address)
            return sock
        except OSError as exc:
            sock.close()
            last = exc
    raise last
