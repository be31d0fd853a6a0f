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
from typing import Mapping

from . import core
from .core import Limits, QaError, Question, RateLimiter, Site
from .store import Duplicate, Store


def require_site(store: Store, site_id: str) -> Site:
    site = store.site(site_id) if core.SITE_ID.match(site_id or "") else None
    if site is None:
        raise QaError(404, "unknown_site", f"Trang '{site_id}' chưa được đăng ký với máy chủ hỏi đáp này.")
    return site


def submit_question(store: Store, secret: bytes, limits: Limits, limiter: RateLimiter, site: Site,
                    data: Mapping[str, object], client: str, now: datetime) -> Question:
    nonce = core.check_token(secret, site.id, str(data.get("token", "")), now.timestamp(), limits)
    question = core.validate_question(data, site, nonce, now)
    if not limiter.hit(f"q-ip:{client}", limits.ip_questions):
        raise core.too_many("câu hỏi từ địa chỉ của bạn")
    if not limiter.hit(f"q-site:{site.id}", limits.site_questions):
        raise core.too_many("câu hỏi gửi đến trang này")
    for _ in range(3):
        try:
            return store.add_question(question)
        except Duplicate as exc:
            if exc.code != "code_taken":
                raise
            question = replace(question, code=core.new_code())
    raise QaError(503, "unavailable", "Máy chủ tạm thời không lưu được câu hỏi. Vui lòng thử lại.")


def submit_rating(store: Store, secret: bytes, limits: Limits, limiter: RateLimiter, site: Site,
                  data: Mapping[str, object], client: str, now: datetime) -> core.Rating:
    nonce = core.check_token(secret, site.id, str(data.get("token", "")), now.timestamp(), limits)
    rating = core.validate_rating(data, site, nonce, now)
    if not limiter.hit(f"r-ip:{client}", limits.ip_ratings) or not limiter.hit(f"r-site:{site.id}", limits.site_ratings):
        raise core.too_many("lượt đánh giá")
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
    return core.export_document(site, store.published(site.id), store.scores(site.id))


def new_export_token(store: Store, site: Site) -> str:
    """A fresh token for the build's export API; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    store.put_site(replace(site, export_token_hash=core.sha256(token)))
    return token
