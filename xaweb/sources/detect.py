"""What a document is, from its content (never from its URL or Content-Type, which lie).

`sniff(data)` -> "cap", "rss", "atom", "jsonfeed", or "" for anything else.
It reads only the start of the document: the root element of XML (after the
prolog, comments and any DOCTYPE), or the version of a JSON object.
"""

from __future__ import annotations

import json
import re

CAP_NAMESPACES = ("urn:oasis:names:tc:emergency:cap:1.2", "urn:oasis:names:tc:emergency:cap:1.1")
JSONFEED_VERSION = "https://jsonfeed.org/version/1"  # 1 and 1.1

HEAD = 8192
_PROLOG = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)", re.S | re.I)
_ROOT = re.compile(rb"\s*<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")


def _head_bytes(data: bytes) -> bytes:
    """The first bytes as ASCII-compatible text: UTF-16 documents are decoded for sniffing."""
    head = data[:HEAD]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    return head[3:] if head.startswith(b"\xef\xbb\xbf") else head


def root_name(data: bytes) -> str:
    """Local name of the XML root element, lower case; '' if the data does not start like XML."""
    head = _head_bytes(data)
    pos = 0
    while True:
        match = _PROLOG.match(head, pos)
        if not match or match.end() == pos:
            break
        pos = match.end()
    root = _ROOT.match(head, pos)
    return root.group(2).decode("ascii").lower() if root else ""


def sniff(data: bytes) -> str:
    head = _head_bytes(data)
    stripped = head.lstrip()
    if stripped.startswith(b"{"):
        try:
            version = json.loads(data.decode("utf-8-sig")).get("version", "")
        except (ValueError, UnicodeDecodeError, AttributeError, RecursionError):
            return ""
        return "jsonfeed" if isinstance(version, str) and version.startswith(JSONFEED_VERSION) else ""
    name = root_name(data)
    if name == "alert" and any(ns.encode() in head for ns in CAP_NAMESPACES):
        return "cap"
    if name in ("rss", "rdf"):
        return "rss"
    if name == "feed":
        return "atom"
    return ""
