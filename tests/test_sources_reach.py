"""The address policy of source fetches (xaweb/sources/reach.py), on real sockets over loopback."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from xaweb.sources.reach import Reach, Refused, internal, open_socket, refused_host


@pytest.mark.parametrize("address", ["127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                                     "100.64.0.1", "0.0.0.0", "::1", "fe80::1%eth0", "fc00::1", "::ffff:127.0.0.1",
                                     "::ffff:10.0.0.1", "224.0.0.1", "255.255.255.255", "không phải địa chỉ"])
@pytest.mark.attack("hostile servers")
def test_internal_addresses(address):
    assert internal(address)


@pytest.mark.parametrize("address", ["14.225.0.1", "203.162.4.190", "2001:4860:4860::8888", "::ffff:8.8.8.8"])
def test_public_addresses(address):
    assert not internal(address)


def test_literal_and_local_names_are_refused_unless_named():
    empty = Reach()
    for host in ("localhost", "LOCALHOST.", "x.localhost", "127.0.0.1", "[::1]", "192.168.0.10"):
        assert refused_host(host, empty), host
    assert refused_host("tinh.example.vn", empty) == ""  # decided after the lookup
    assert refused_host("127.0.0.1", Reach.for_source("http://127.0.0.1:8080/rss")) == ""


def test_reach_of_a_source():
    reach = Reach.for_source("https://Tinh.Example.vn/cap/feed.xml", ("cap.tinh.example.vn",))
    assert reach.allows_link("https://tinh.example.vn/cap/1.xml")
    assert reach.allows_link("http://cap.tinh.example.vn/2.xml")
    assert not reach.allows_link("http://169.254.169.254/")
    assert not reach.allows_link("https://evil.example.com/tinh.example.vn")


@pytest.fixture
def listener():
    class Quiet(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.attack("hostile servers")
def test_a_name_that_resolves_inside_is_refused_after_the_lookup(listener, monkeypatch):
    # No DNS here: the resolver answers for one made-up public-looking name with loopback, as a
    # hostile (or rebinding) DNS server would. The check is on the address actually connected to.
    real = socket.getaddrinfo

    def resolver(host, port, *args, **kwargs):
        return real("127.0.0.1" if host == "tin.tinh.example.vn" else host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    import time

    deadline = time.monotonic() + 5
    with pytest.raises(Refused, match="trỏ tới địa chỉ nội bộ 127.0.0.1"):
        open_socket("tin.tinh.example.vn", listener, deadline, 1, Reach())
    named = Reach.for_source(f"http://tin.tinh.example.vn:{listener}/")
    with open_socket("tin.tinh.example.vn", listener, deadline, 1, named) as sock:
        sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
        assert sock.recv(64).startswith(b"HTTP/1.0 204")
