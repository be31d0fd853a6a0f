"""Use cases of the endpoint, shared by the WSGI app, the web admin and the CLI.

Each function applies a rule of `core` and saves the result through a `Store`:
no HTTP here, and no rule either, only the order of the steps (check, then
count against the rate limits, then write) so that a refused request writes
nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Mapping, NamedTuple

from ..vietnamese import VN_TZ
from . import core
from .core import Limits, QaError, Question, RateLimiter, Site
from .store import REPLAYED, Duplicate, Store


def require_site(store: Store, site_id: str) -> Site:
    site = store.site(site_id) if core.SITE_ID.match(site_id or "") else None
    if site is None:
        raise QaError(404, "unknown_site", f"Trang '{site_id}' chưa được đăng ký với máy chủ hỏi đáp này.")
    return site


class Submitted(NamedTuple):
    question: Question
    repeated: bool  # the same submission again (a retry after a lost reply): the original, stored once


def submit_question(store: Store, secret: bytes, limits: Limits, limiter: RateLimiter, site: Site,
                    data: Mapping[str, object], client: str, now: datetime) -> Submitted:
    """Check, count, store; a submission sent again gets the question first stored, with its code."""
    nonce = core.check_token(secret, site.id, str(data.get("token", "")), now.timestamp(), limits)
    question = core.validate_question(data, site, nonce, now)
    earlier = _earlier(store, question)
    if earlier is not None:  # before the limits: a retry is never refused for the first attempt's count
        return Submitted(earlier, True)
    _count_question(limiter, limits, site, client)
    for _ in range(3):
        try:
            return Submitted(store.add_question(question), False)
        except Duplicate as exc:
            if exc.code != "code_taken":
                earlier = _earlier(store, question)  # a retry racing its first attempt
                if earlier is None:
                    raise
                return Submitted(earlier, True)
            question = replace(question, code=core.new_code())
    raise QaError(503, "unavailable", "Máy chủ tạm thời không lưu được câu hỏi. Vui lòng thử lại.")


def _earlier(store: Store, question: Question) -> Question | None:
    """The question this one repeats: the same form token with the same words, or the same words from the
    same name and contact (a new token after a reload). A token reused for other words is a replay."""
    found = store.questions_like(question.site, question.nonce, question.dedup_key)  # one query: the first submission's path
    by_token = next((q for q in found if q.nonce == question.nonce), None)
    if by_token is not None:
        if by_token.dedup_key != question.dedup_key:
            raise QaError(409, "replayed", REPLAYED)
        return by_token
    return next((q for q in found if question.dedup_key and q.dedup_key == question.dedup_key), None)


def _count_question(limiter: RateLimiter, limits: Limits, site: Site, client: str) -> None:
    """Limits that fall on abusers, not on everyone (docs/qa.md): an address, then its network, have
    their own budgets; past the site's budget the site is busy and only networks that have sent
    little in the window get in; the storage ceiling refuses all. One check, counted on all or none."""
    site_key = f"q-site:{site.id}"
    checks = [(f"q-ip:{client}", limits.ip_questions), (f"q-net:{site.id}:{core.network_of(client)}", limits.net_questions),
              (site_key, (limits.site_questions_max, limits.site_questions[1]))]
    wait, which = limiter.refusal(checks, core.Tighter(site_key, limits.site_questions, 1, limits.busy_net_questions))
    if which >= 0:
        raise core.too_many("câu hỏi từ địa chỉ của bạn" if which == 0 else "câu hỏi gửi đến trang này", wait)


def submit_rating(store: Store, secret: bytes, limits: Limits, limiter: RateLimiter, site: Site,
                  data: Mapping[str, object], client: str, now: datetime) -> core.Rating:
    nonce = core.check_token(secret, site.id, str(data.get("token", "")), now.timestamp(), limits)
    rating = core.validate_rating(data, site, nonce, now)
    limiter.require([(f"r-ip:{client}", limits.ip_ratings), (f"r-site:{site.id}", limits.site_ratings)], "lượt đánh giá")
    return store.add_rating(rating)


def status(store: Store, site: Site, code: str) -> dict:
    normalized = core.normalize_code(code)
    q = store.question_by_code(site.id, normalized) if normalized else None
    if q is None:
        raise QaError(404, "unknown_code", "Không tìm thấy câu hỏi với mã theo dõi này. Vui lòng kiểm tra lại mã.")
    return core.status_view(q, site)


# --- moderation (every read of personal data is logged) --------------------------------

def view_question(store: Store, site: str, question_id: int, actor: str, now: datetime) -> Question:
    q = store.question(site, question_id)
    if q is None:
        raise QaError(404, "not_found", "Không tìm thấy câu hỏi.")
    store.log_access(actor, site, q.id, "view", now)
    return q


def list_questions(store: Store, site: str, status_filter: str | None, actor: str, now: datetime) -> list[Question]:
    if status_filter and status_filter not in core.STATUSES:
        raise QaError(400, "invalid", "Trạng thái không hợp lệ.")
    store.log_access(actor, site, None, "list", now)
    return store.questions(site, status_filter)


ACTIONS = ("answer", "reject", "publish", "erase")


def moderate(store: Store, site: str, question_id: int, action: str, params: Mapping[str, str], actor: str, now: datetime) -> Question:
    """answer | reject | publish | erase one question of `site`, as `actor`."""
    q = store.question(site, question_id)
    if q is None:
        raise QaError(404, "not_found", "Không tìm thấy câu hỏi.")
    if action == "answer":
        new = core.answer(q, params.get("answer", ""), params.get("office", ""), now, params.get("title", ""),
                          params.get("public_question", ""), params.get("topic", ""))
    elif action == "reject":
        new = core.reject(q, params.get("reason", ""), now)
    elif action == "publish":
        new = core.publish(q, now)
    elif action == "erase":
        new = core.erase(q, now)
    else:
        raise QaError(404, "not_found", "Thao tác không tồn tại.")
    saved = store.update_question(new, q.status)
    store.log_access(actor, site, q.id, action, now)
    return saved


BULK_MAX = 5000  # one flood at a time; a larger window is narrowed first


def bulk_reject(store: Store, site: str, params: Mapping[str, object], actor: str, now: datetime) -> int:
    """Reject every waiting question of `site` received between `since` and `until` (ISO 8601, Vietnam time
    when no offset) whose words contain `contains` (case and accents' encoding ignored; empty: all), with one
    `reason`. Returns how many; each is logged like a single rejection."""
    def when(key: str) -> datetime:
        try:
            value = datetime.fromisoformat(str(params.get(key, "")).strip())
        except ValueError:
            raise QaError(400, "invalid", "Thời điểm không hợp lệ.", {key: "Nhập ngày giờ, ví dụ 2026-12-02T08:00"}) from None
        return value if value.tzinfo else value.replace(tzinfo=VN_TZ)

    reason = str(params.get("reason", ""))
    if reason not in core.REJECT_REASONS:
        raise QaError(400, "invalid", "Lý do từ chối không hợp lệ.", {"reason": "Chọn: " + ", ".join(core.REJECT_REASONS)})
    since, until = when("since"), when("until")
    if until < since:
        raise QaError(400, "invalid", "Thời điểm kết thúc phải sau thời điểm bắt đầu.", {"until": "Sau thời điểm bắt đầu"})
    words = core.fold_case(str(params.get("contains", "")))
    found = [q for q in store.received_between(site, since, until) if words in core.fold_case(q.question)]
    if len(found) > BULK_MAX:
        raise QaError(400, "invalid", f"Có {len(found)} câu hỏi trong khoảng này; hãy thu hẹp khoảng thời gian (tối đa {BULK_MAX}).")
    for q in found:
        store.update_question(core.reject(q, reason, now), q.status)
        store.log_access(actor, site, q.id, "reject", now)
    return len(found)


def purge_expired(store: Store, now: datetime) -> int:
    """Retention: erase personal data `retention_days` after the answer; drop old rating comments."""
    days = {s.id: s.retention_days for s in store.sites()}
    erased = 0
    for q in store.unerased_done():
        if core.retention_due(q, days.get(q.site, 365), now):
            store.update_question(core.erase(q, now), q.status)
            store.log_access("retention", q.site, q.id, "erase", now)
            erased += 1
    for site_id, d in days.items():
        store.erase_rating_comments(site_id, now - timedelta(days=d))
    store.purge_sessions(now)
    return erased


def export(store: Store, site: Site) -> dict:
    return core.export_document(site, store.published(site.id), store.scores(site.id), store.count_questions(site.id),
                                store.waiting_counts().get(site.id, 0))


def new_export_token(store: Store, site: Site) -> str:
    """A fresh token for the build's export API; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    store.put_site(replace(site, export_token_hash=core.sha256(token)))
    return token
