"""CAP 1.2 (OASIS Common Alerting Protocol) messages -> `Alert`.

A message has one or more <info> blocks, one per language; the Vietnamese one
is used when there is one. XML goes through defusedxml with no DTD allowed
(CAP never needs one). Decision 18/2021/QĐ-TTg's risk level travels as a CAP
<parameter> (valueName "CapDoRuiRoThienTai", see levels.LEVEL_PARAMETERS).
"""

from __future__ import annotations

import re
from typing import Iterator
from xml.etree.ElementTree import Element

from ..vietnamese import slugify
from . import levels
from .detect import CAP_NAMESPACES
from .model import Alert, SourceError
from .safety import parse_date, parse_xml, safe_link, text

_UNSAFE_ID = re.compile(r"[,\s<&]")
ALERT_TAGS = {f"{{{ns}}}alert" for ns in CAP_NAMESPACES}
MSG_TYPES = ("Alert", "Update", "Cancel")  # Ack and Error are for the sender, not the public


def parse_cap(data: bytes) -> Alert:
    root = parse_xml(data, forbid_dtd=True)
    if root.tag not in ALERT_TAGS:
        raise SourceError("không phải bản tin CAP 1.2 (thiếu phần tử <alert> của CAP)")
    return alert_from_element(root)


def embedded_alerts(root: Element) -> Iterator[Element]:
    """CAP messages carried inside a feed (an Atom entry's content, an RSS item)."""
    for el in root.iter():
        if el.tag in ALERT_TAGS:
            yield el


def _ns(el: Element) -> str:
    return el.tag[: el.tag.index("}") + 1] if el.tag.startswith("{") else ""


def alert_from_element(el: Element) -> Alert:
    ns = _ns(el)

    def field(parent: Element, name: str) -> str:
        return text(parent.findtext(ns + name))

    identifier, sender, sent = field(el, "identifier"), field(el, "sender"), parse_date(field(el, "sent"))
    msg_type, status = field(el, "msgType"), field(el, "status")
    if not identifier or not sender or sent is None:
        raise SourceError("bản tin CAP thiếu identifier, sender hoặc sent hợp lệ")
    if _UNSAFE_ID.search(sender + identifier):
        # CAP 1.2 forbids them, and a comma would let one sender's id pass for another's.
        raise SourceError("bản tin CAP có sender hoặc identifier chứa dấu phẩy, khoảng trắng, '<' hoặc '&'")
    if msg_type not in MSG_TYPES + ("Ack", "Error"):
        raise SourceError(f"bản tin CAP có msgType không hợp lệ: {msg_type!r}")
    infos = el.findall(ns + "info")
    info = next((i for i in infos if field(i, "language").lower().startswith("vi")), infos[0] if infos else None)
    # "sender,identifier,sent" triples separated by spaces.
    references = tuple(",".join(ref.split(",")[:2]) for ref in field(el, "references").split() if ref.count(",") >= 1)
    alert_id, status = f"{sender},{identifier}", status or "Actual"
    if info is None:
        return Alert(id=alert_id, headline=text(field(el, "note")) or identifier, sent=sent, msg_type=msg_type,
                     status=status, references=references, sender=sender)

    level = None
    for param in info.findall(ns + "parameter"):
        if slugify(field(param, "valueName")) in levels.LEVEL_PARAMETERS:
            level = levels.parse_level(field(param, "value"), bare=True)
    areas = [field(a, "areaDesc") for a in info.findall(ns + "area")]
    event = field(info, "event")
    return Alert(
        headline=field(info, "headline") or event or identifier,
        event=event,
        area="; ".join(a for a in areas if a),
        severity=levels.severity(field(info, "severity"), level),
        urgency=levels.urgency(field(info, "urgency")),
        certainty=levels.certainty(field(info, "certainty")),
        level=level,
        description=field(info, "description"),
        instruction=field(info, "instruction"),
        expires=parse_date(field(info, "expires")),
        link=safe_link(field(info, "web")),
        sender_name=field(info, "senderName"),
        id=alert_id,
        sent=sent,
        msg_type=msg_type,
        status=status,
        references=references,
        sender=sender,
    )
