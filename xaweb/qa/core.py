"""The rules of the Q&A endpoint, with no HTTP and no SQL in sight.

Everything here is a pure function of its arguments (the clock and the
randomness are passed in or isolated in two tiny helpers), so the WSGI app,
the CLI and the tests share one set of rules:

- what a valid question or rating is (lengths, Unicode NFC, control characters,
  consent), with every field's problem reported at once in Vietnamese;
- the signed form token: a timestamp and a nonce under an HMAC, rejected when
  forged, too fast (a bot), too old (a harvested form) or used twice;
- tracking codes a citizen can read over the phone;
- the moderation state machine and erasure of personal data;
- sliding-window rate limits;
- what the status lookup and the export may show (never personal data).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import re
import secrets
import threading
import time
import unicodedata
from collections import deque
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterable, Mapping

# Site paths the endpoint and the theme agree on (slugs from REGULATIONS.md).
from ..urls import PRIVACY_SECTION, PRIVACY_SLUG, QUESTIONS_SECTION, RATINGS_SECTION, THANKS_SLUG, answer_slug  # noqa: E402,F401
from ..vietnamese import VN_TZ, slugify  # noqa: E402

RECEIVED, ANSWERED, PUBLISHED, REJECTED = "received", "answered", "published", "rejected"
STATUSES = (RECEIVED, ANSWERED, PUBLISHED, REJECTED)
STATUS_VI = {RECEIVED: "Đã tiếp nhận, đang xử lý", ANSWERED: "Đã trả lời", PUBLISHED: "Đã trả lời và đăng công khai",
             REJECTED: "Không được xử lý"}
REJECT_REASONS = {"spam": "Thư rác, quảng cáo hoặc nội dung vô nghĩa",
                  "out_of_scope": "Không thuộc thẩm quyền giải quyết của Ủy ban nhân dân cấp xã",
                  "duplicate": "Trùng với câu hỏi đã được trả lời"}


@dataclass(frozen=True)
class Limits:
    """Abuse limits. Defaults suit one commune; the bench and tests raise them."""

    body_bytes: int = 32 * 1024
    min_seconds: float = 3.0  # a human does not fill the form faster
    max_seconds: float = 24 * 3600.0  # a token older than this was harvested
    ip_questions: tuple[int, float] = (10, 600.0)  # (count, window in seconds) per client address (many share one behind carrier NAT)
    net_questions: tuple[int, float] = (30, 3600.0)  # per site and network (/24 IPv4, /48 IPv6): one abuser's many addresses
    site_questions: tuple[int, float] = (300, 3600.0)  # per site: past it the site is busy, and only quiet networks get in
    busy_net_questions: int = 2  # while busy: a network that sent fewer than this in the window still gets in
    site_questions_max: int = 3000  # per site and window of site_questions: the storage ceiling, refused for all
    ip_ratings: tuple[int, float] = (5, 3600.0)
    site_ratings: tuple[int, float] = (1000, 3600.0)
    ip_logins: tuple[int, float] = (10, 900.0)
    ip_tokens: tuple[int, float] = (600, 600.0)  # form tokens (one per page view)
    ip_lookups: tuple[int, float] = (120, 600.0)  # status lookups and failed export logins

    @property
    def longest_window(self) -> float:
        """Seconds: a counted event older than this counts for nothing."""
        return max(v[1] for v in vars(self).values() if isinstance(v, tuple))


NAME_MAX, CONTACT_MAX, TOPIC_MAX = 100, 254, 100
QUESTION_MIN, QUESTION_MAX = 20, 4000
TITLE_MAX, ANSWER_MAX, OFFICE_MAX, COMMENT_MAX = 200, 20000, 200, 1000


class QaError(Exception):
    """A request the rules refuse: an HTTP status, a stable code, a Vietnamese message."""

    def __init__(self, status: int, code: str, message: str, fields: Mapping[str, str] | None = None, retry_after: int = 0):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields = dict(fields or {})  # field name -> message, for the form
        self.retry_after = retry_after  # seconds, for a 429's Retry-After

    def as_json(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields}}


# --- text ---------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0]+")


def clean_text(value: object, multiline: bool = False) -> str:
    """NFC, no control or bidi-override characters, tidy spaces; newlines only where wanted."""
    text = unicodedata.normalize("NFC", str(value if value is not None else ""))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    if multiline:
        lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return _SPACES.sub(" ", text.replace("\n", " ")).strip()


_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_PHONE = re.compile(r"(\+84|0)\d{8,10}$")


def clean_contact(value: str) -> str | None:
    """A phone number (spaces and dots dropped) or an email address; None when neither."""
    if _EMAIL.match(value):
        return value
    phone = re.sub(r"[\s.\-()]", "", value)
    return phone if _PHONE.match(phone) else None


def truthy(value: object) -> bool:
    return value is True or str(value).strip().lower() in ("1", "true", "on", "yes", "co", "có")


# --- form tokens --------------------------------------------------------------


def _mac(secret: bytes, payload: str) -> str:
    return hmac.new(secret, payload.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def issue_token(secret: bytes, site: str, now: float, nonce: str | None = None) -> str:
    """'<issued unix seconds>.<nonce>.<mac>': the MAC binds the site, so a token of one commune fails at another."""
    nonce = nonce or secrets.token_urlsafe(12)
    stamp = str(int(now))
    return f"{stamp}.{nonce}.{_mac(secret, f'{site}.{stamp}.{nonce}')}"


def check_token(secret: bytes, site: str, token: str, now: float, limits: Limits) -> str:
    """-> the token's nonce (stored, so a token works once). Raises QaError."""
    parts = str(token or "").split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not re.fullmatch(r"[A-Za-z0-9_-]{8,64}", parts[1]):
        raise QaError(400, "bad_token", "Mã xác thực biểu mẫu không hợp lệ. Vui lòng tải lại trang và gửi lại.")
    stamp, nonce, mac = parts
    if not hmac.compare_digest(mac, _mac(secret, f"{site}.{stamp}.{nonce}")):
        raise QaError(400, "bad_token", "Mã xác thực biểu mẫu không hợp lệ. Vui lòng tải lại trang và gửi lại.")
    age = now - int(stamp)
    if age < limits.min_seconds:
        raise QaError(400, "too_fast", "Biểu mẫu được gửi quá nhanh. Vui lòng đợi vài giây rồi bấm Gửi lại.")
    if age > limits.max_seconds:
        raise QaError(400, "too_old", "Biểu mẫu đã mở quá lâu. Vui lòng tải lại trang rồi gửi lại.")
    return nonce


# --- tracking codes -----------------------------------------------------------

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U: read aloud without confusion


def new_code() -> str:
    """12 characters (about 59 bits): unguessable, so a code alone reveals one question's status."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalize_code(value: str) -> str | None:
    raw = re.sub(r"[\s\-]", "", str(value or "")).upper()
    if len(raw) != 12 or any(c not in CODE_ALPHABET for c in raw):
        return None
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


# --- records ------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    id: str
    url: str  # the site's base_url: thank-you pages and the allowed Origin come from it
    name: str = ""
    origins: tuple[str, ...] = ()  # further allowed Origins (a staging copy, the province portal)
    retention_days: int = 365
    export_token_hash: str = ""

    @property
    def allowed_origins(self) -> frozenset[str]:
        return frozenset(origin_of(u) for u in (self.url, *self.origins))

    def page_url(self, *parts: str) -> str:
        return self.url.rstrip("/") + "/" + "/".join(parts) + "/"


def origin_of(url: str) -> str:
    m = re.match(r"(https?://[^/?#]+)", url.strip().lower())
    return m.group(1) if m else url


SITE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}$")


@dataclass(frozen=True)
class Question:
    site: str
    code: str
    status: str
    topic: str
    question: str  # the citizen's words (personal data: erased with the rest)
    received_at: datetime
    consent_at: datetime
    nonce: str
    name: str | None = None
    contact: str | None = None
    publish_name: bool = False  # a separate consent, for the name only
    dedup_key: str | None = None
    id: int | None = None
    title: str = ""  # public wording, set by an officer
    public_question: str = ""
    answer: str = ""
    office: str = ""
    reject_reason: str = ""
    answered_at: datetime | None = None
    published_at: datetime | None = None
    rejected_at: datetime | None = None
    erased_at: datetime | None = None


@dataclass(frozen=True)
class Rating:
    site: str
    score: int
    created_at: datetime
    nonce: str
    comment: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class Account:
    username: str
    site: str
    password_hash: str
    disabled: bool = False


@dataclass(frozen=True)
class Session:
    token_hash: str
    username: str
    site: str
    csrf: str
    expires_at: datetime


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- validation -----------------------------------------------------------------

def _required(fields: dict[str, str], errors: dict[str, str], key: str, message: str) -> str:
    if not fields.get(key):
        errors.setdefault(key, message)
    return fields.get(key, "")


def check_honeypot(data: Mapping[str, object]) -> None:
    if clean_text(data.get("website", "")):
        raise QaError(400, "spam", "Yêu cầu bị từ chối vì có dấu hiệu gửi tự động.")


def validate_question(data: Mapping[str, object], site: Site, nonce: str, now: datetime) -> Question:
    """Raw form or JSON fields -> a new Question, or QaError listing every field's problem."""
    check_honeypot(data)
    f = {k: clean_text(data.get(k, ""), multiline=(k == "question")) for k in ("name", "contact", "topic", "question")}
    errors: dict[str, str] = {}
    name = _required(f, errors, "name", "Vui lòng nhập họ và tên.")
    if len(name) > NAME_MAX:
        errors["name"] = f"Họ và tên dài quá {NAME_MAX} ký tự."
    contact = None
    if f["contact"]:
        contact = clean_contact(f["contact"]) if len(f["contact"]) <= CONTACT_MAX else None
        if contact is None:
            errors["contact"] = "Số điện thoại hoặc thư điện tử không hợp lệ (ví dụ: 0912 345 678 hoặc ten@example.com)."
    topic = f["topic"] or "Khác"
    if len(topic) > TOPIC_MAX:
        errors["topic"] = f"Lĩnh vực dài quá {TOPIC_MAX} ký tự."
    question = _required(f, errors, "question", "Vui lòng nhập nội dung câu hỏi.")
    if question and len(question) < QUESTION_MIN:
        errors["question"] = f"Câu hỏi cần ít nhất {QUESTION_MIN} ký tự để cán bộ hiểu và trả lời được."
    elif len(question) > QUESTION_MAX:
        errors["question"] = f"Câu hỏi dài quá {QUESTION_MAX} ký tự; vui lòng rút gọn."
    if not truthy(data.get("consent", "")):
        errors["consent"] = "Vui lòng đánh dấu đồng ý để Ủy ban nhân dân xử lý thông tin bạn gửi."
    if errors:
        raise QaError(400, "invalid", "Thông tin chưa hợp lệ. Vui lòng sửa các mục được đánh dấu.", errors)
    return Question(site=site.id, code=new_code(), status=RECEIVED, topic=topic, question=question, received_at=now,
                    consent_at=now, nonce=nonce, name=name, contact=contact, publish_name=truthy(data.get("publish_name", "")),
                    dedup_key=dedup_key(site.id, name, contact or "", question))


def fold_case(text: str) -> str:
    """Text compared as a person reads it: case, spacing and accents' encoding (NFC/NFD) ignored."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()


def dedup_key(site: str, *parts: str) -> str:
    """The same words from the same person to the same commune."""
    return sha256(f"{site}\x1e" + "\x1f".join(fold_case(p) for p in parts))


def validate_rating(data: Mapping[str, object], site: Site, nonce: str, now: datetime) -> Rating:
    check_honeypot(data)
    errors = {}
    score_text = clean_text(data.get("score", ""))
    score = int(score_text) if score_text.isdigit() else 0
    if not 1 <= score <= 5:
        errors["score"] = "Vui lòng chọn một mức đánh giá từ 1 đến 5."
    comment = clean_text(data.get("comment", ""), multiline=True)
    if len(comment) > COMMENT_MAX:
        errors["comment"] = f"Góp ý dài quá {COMMENT_MAX} ký tự."
    if errors:
        raise QaError(400, "invalid", "Thông tin chưa hợp lệ. Vui lòng sửa các mục được đánh dấu.", errors)
    return Rating(site=site.id, score=score, created_at=now, nonce=nonce, comment=comment or None)


# --- moderation -----------------------------------------------------------------

def _transition_error(q: Question, action: str) -> QaError:
    return QaError(409, "bad_state", f"Không thể {action} câu hỏi {q.code} ở trạng thái '{STATUS_VI[q.status]}'.")


def answer(q: Question, text: str, office: str, now: datetime, title: str = "", public_question: str = "", topic: str = "") -> Question:
    """Write or rewrite the answer, and the public wording of the question (never the citizen's own text)."""
    if q.status not in (RECEIVED, ANSWERED, PUBLISHED):
        raise _transition_error(q, "trả lời")
    text, office = clean_text(text, multiline=True), clean_text(office)
    title = clean_text(title) or q.title
    public_question = clean_text(public_question, multiline=True) or q.public_question
    errors = {}
    if not text:
        errors["answer"] = "Vui lòng nhập nội dung trả lời."
    elif len(text) > ANSWER_MAX:
        errors["answer"] = f"Nội dung trả lời dài quá {ANSWER_MAX} ký tự."
    if not office:
        errors["office"] = "Vui lòng ghi cơ quan, bộ phận trả lời."
    elif len(office) > OFFICE_MAX:
        errors["office"] = f"Tên cơ quan dài quá {OFFICE_MAX} ký tự."
    if len(title) > TITLE_MAX:
        errors["title"] = f"Tiêu đề dài quá {TITLE_MAX} ký tự."
    if errors:
        raise QaError(400, "invalid", "Thông tin trả lời chưa hợp lệ.", errors)
    status = PUBLISHED if q.status == PUBLISHED else ANSWERED
    return replace(q, status=status, answer=text, office=office, title=title, public_question=public_question,
                   topic=clean_text(topic)[:TOPIC_MAX] or q.topic, answered_at=q.answered_at if q.status == PUBLISHED else now)


def publish(q: Question, now: datetime) -> Question:
    if q.status != ANSWERED:
        raise _transition_error(q, "đăng công khai")
    missing = {k: m for k, m in (("title", "Cần tiêu đề công khai trước khi đăng."),
                                 ("public_question", "Cần nội dung câu hỏi công khai (đã bỏ thông tin cá nhân) trước khi đăng."))
               if not getattr(q, k)}
    if missing:
        raise QaError(400, "invalid", "Chưa thể đăng công khai.", missing)
    return replace(q, status=PUBLISHED, published_at=now)


def reject(q: Question, reason: str, now: datetime) -> Question:
    if q.status not in (RECEIVED, ANSWERED):
        raise _transition_error(q, "từ chối")
    if reason not in REJECT_REASONS:
        raise QaError(400, "invalid", "Lý do từ chối không hợp lệ.", {"reason": "Chọn: " + ", ".join(REJECT_REASONS)})
    return replace(q, status=REJECTED, reject_reason=reason, rejected_at=now)


def erase(q: Question, now: datetime) -> Question:
    """Erase personal data: name, contact and the citizen's own words. The public wording stays."""
    return replace(q, name=None, contact=None, question="", publish_name=False, dedup_key=None, erased_at=q.erased_at or now)


def retention_due(q: Question, days: int, now: datetime) -> bool:
    """Personal data is kept `days` after the answer (or the rejection), then erased."""
    done = q.answered_at or q.rejected_at
    return q.erased_at is None and done is not None and now - done >= timedelta(days=days)


# --- what may leave the endpoint ---------------------------------------------------

def status_view(q: Question, site: Site) -> dict:
    """The status lookup: dates and state only, no personal data and no question text."""
    received, answered = q.received_at.astimezone(VN_TZ).date(), q.answered_at.astimezone(VN_TZ).date() if q.answered_at else None
    view = {"code": q.code, "status": q.status, "status_text": STATUS_VI[q.status],
            "received": received.isoformat(), "answered": answered.isoformat() if answered else None,
            "received_text": f"{received:%d/%m/%Y}", "answered_text": f"{answered:%d/%m/%Y}" if answered else None}
    if q.status == PUBLISHED and q.id is not None:
        view["url"] = site.page_url(QUESTIONS_SECTION, answer_slug(slugify(q.title), q.id))  # the page the build made of it
    return view


def summarize_ratings(scores: Iterable[int]) -> dict:
    counts = {str(s): 0 for s in range(1, 6)}
    for s in scores:
        counts[str(s)] += 1
    total = sum(counts.values())
    average = round(sum(int(k) * v for k, v in counts.items()) / total, 2) if total else None
    return {"count": total, "average": average, "scores": counts}


def export_document(site: Site, published: Iterable[Question], scores: Iterable[int], received: int = 0, waiting: int = 0) -> dict:
    """Published Q&A for `xaweb build`: public wording, answer, office, dates, topic; a name only with consent;
    and how many questions the site received and how many wait for an answer (counts only, for the province)."""
    items = []
    for q in sorted(published, key=lambda q: q.id or 0):
        item = {"id": q.id, "title": q.title, "question": q.public_question, "answer": q.answer, "office": q.office,
                "topic": q.topic, "asked": q.received_at.date().isoformat(),
                "answered": q.answered_at.date().isoformat() if q.answered_at else None,
                "published": q.published_at.date().isoformat() if q.published_at else None}
        if q.publish_name and q.name:
            item["name"] = q.name
        items.append(item)
    return {"format": "xaweb-qa-export", "version": 1, "site": site.id, "retention_days": site.retention_days,
            "questions": items, "ratings": summarize_ratings(scores), "counts": {"received": received, "waiting": waiting}}


# --- rate limits --------------------------------------------------------------------

@dataclass(frozen=True)
class Tighter:
    """While `key` has had `limit[0]` events in its window, check number `index` allows only `count`."""

    key: str
    limit: tuple[int, float]
    index: int
    count: int


class RateLimiter:
    """Sliding-window counters kept in memory, one per key; thread-safe.

    In memory on purpose for one process: it costs nothing per request, and a
    restart only forgives a few minutes of history. Instances sharing a
    PostgreSQL database count there instead (limits_shared.SharedLimiter).
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, window: float, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - window:
            hits.popleft()
        return hits

    def wait(self, key: str, limit: tuple[int, float]) -> float:
        """Count one event and return 0, or, when `key` already had `limit[0]` events in the window,
        count nothing and return the seconds until one of them leaves it."""
        return self.wait_all([(key, limit)])

    def wait_all(self, checks: list[tuple[str, tuple[int, float]]]) -> float:
        """`wait` for several keys at once: all are counted, or none (a refused event uses no budget)."""
        return self.refusal(checks)[0]

    def refusal(self, checks: list[tuple[str, tuple[int, float]]], tighter: Tighter | None = None) -> tuple[float, int]:
        """Count the event on every key and return (0, -1); or, when a key's window is full, count nothing and
        return (seconds until it has room, the index of that check). With `tighter`, one check allows fewer
        events while another key is past a threshold (a busy site)."""
        now = self.clock()
        with self._lock:
            if tighter is not None and len(self._recent(tighter.key, tighter.limit[1], now)) >= tighter.limit[0]:
                key, (_, window) = checks[tighter.index]
                checks = [*checks[:tighter.index], (key, (tighter.count, window)), *checks[tighter.index + 1:]]
            longest, which = 0.0, -1
            for i, (key, (count, window)) in enumerate(checks):
                hits = self._recent(key, window, now)
                if len(hits) >= count and hits[len(hits) - count] + window - now > longest:
                    longest, which = hits[len(hits) - count] + window - now, i
            if which >= 0:
                return longest, which
            for key, _ in checks:
                self._hits[key].append(now)
            if len(self._hits) > 100_000:  # forget idle keys rather than grow without bound
                self._forget(max(window for _, (_, window) in checks), now)
            return 0.0, -1

    def _forget(self, older_than: float, now: float) -> int:
        idle = [k for k, v in self._hits.items() if not v or v[-1] <= now - older_than]
        for k in idle:
            del self._hits[k]
        return len(idle)

    def forget(self, older_than: float) -> int:
        """Drop the keys idle for longer than every window (the retention sweep calls it)."""
        with self._lock:
            return self._forget(older_than, self.clock())

    def require(self, checks: list[tuple[str, tuple[int, float]]], what: str) -> None:
        """`wait_all`, raising 429 with the real wait when any of `checks` is spent (`what`: what was sent)."""
        wait = self.wait_all(checks)
        if wait:
            raise too_many(what, wait)

    def hit(self, key: str, limit: tuple[int, float]) -> bool:
        return self.wait(key, limit) == 0.0



class LoginThrottle:
    """Failed logins per account, whatever address they come from: after `free` failures in a row each
    further attempt must wait twice as long as the one before (2 s, 4 s, 8 s, ... at most `cap`), until a
    success. Guessing from many addresses then gets a few tries an hour, while the officer who mistypes
    waits seconds; the account is never locked outright (that would hand an attacker a way to lock it)."""

    def __init__(self, free: int = 5, cap: float = 900.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.free, self.cap, self.clock = free, cap, clock
        self._failures: dict[str, tuple[int, float]] = {}  # account -> (failures in a row, time of the last)
        self._lock = threading.Lock()

    def _delay(self, failures: int) -> float:
        return 0.0 if failures < self.free else min(self.cap, 2.0 ** (failures - self.free + 1))

    def wait(self, account: str) -> float:
        with self._lock:
            failures, last = self._failures.get(account, (0, 0.0))
            return max(0.0, last + self._delay(failures) - self.clock()) if failures >= self.free else 0.0

    def failed(self, account: str) -> int:
        with self._lock:
            if len(self._failures) > 100_000:  # made-up names must not grow it without bound
                self._failures.clear()
            failures = self._failures.get(account, (0, 0.0))[0] + 1
            self._failures[account] = (failures, self.clock())
            return failures

    def succeeded(self, account: str) -> None:
        with self._lock:
            self._failures.pop(account, None)


def network_of(address: str) -> str:
    """The client's network: its /24 (IPv4) or /48 (IPv6), what one abuser's many addresses usually share."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def too_many(what: str, wait: float) -> QaError:
    minutes = max(1, math.ceil(wait / 60))
    return QaError(429, "rate_limited", f"Có quá nhiều {what} được gửi trong thời gian ngắn. Vui lòng thử lại sau {minutes} phút.",
                   retry_after=max(1, math.ceil(wait)))

