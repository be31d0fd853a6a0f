"""Moderation: the officers' web admin (HTML) and JSON API, behind a login.

- Passwords are hashed with Argon2id (argon2-cffi); a wrong user name costs
  the same time as a wrong password.
- A session is a random token in an HttpOnly, SameSite=Strict cookie (Secure
  over HTTPS); the database keeps only its SHA-256, with an expiry, so logging
  out or removing an account ends it.
- Every state-changing request carries the session's CSRF token (a form field,
  or the `X-CSRF-Token` header for JSON); the login form uses a double-submit
  cookie.
- An officer sees only the questions of their own site; every view of
  personal data is written to the access log.
- Every value shown is escaped by Jinja's autoescape; the admin sends a strict
  Content-Security-Policy (no scripts at all).
"""

from __future__ import annotations

import hmac
import logging
import secrets
from datetime import timedelta
from functools import lru_cache
from typing import Any, Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from ..vietnamese import VN_TZ
from . import core, service
from .core import QaError, Session
from .store import Store



class AppParts(Protocol):
    """What the admin uses of the WSGI app (app.py builds the admin, so the admin cannot import it)."""

    store: Store
    limits: core.Limits
    limiter: core.RateLimiter
    logins: core.LoginThrottle

    @property
    def session_hours(self) -> float: ...
    def render(self, template: str, status: int = 200, site: core.Site | None = None, **context: Any) -> Response: ...
    def json(self, data: Any, status: int = 200) -> Response: ...
    def read_fields(self, request: Request) -> dict[str, object]: ...

ID = "int(max=9223372036854775807)"  # a question id the databases can hold; a bigger one is a 404, not an overflow
# What `?ok=` may say after an action: chosen here, never taken from the URL.
DONE = {"answer": "lưu câu trả lời", "reject": "từ chối câu hỏi", "publish": "đăng câu hỏi và câu trả lời",
        "erase": "xóa dữ liệu cá nhân"}
log = logging.getLogger("xaweb.qa")

SESSION_COOKIE = "xaweb_qa_session"
LOGIN_COOKIE = "xaweb_qa_login"
_hasher = PasswordHasher()
PASSWORD_MIN = 10


def hash_password(password: str) -> str:
    if len(password) < PASSWORD_MIN:
        raise QaError(400, "weak_password", f"Mật khẩu cần ít nhất {PASSWORD_MIN} ký tự.")
    return _hasher.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("không phải mật khẩu của ai")


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant work whether or not the account exists."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def question_json(q: core.Question) -> dict:
    """Everything about a question, personal data included: officers only (and logged)."""
    times = ("received_at", "answered_at", "published_at", "rejected_at", "erased_at")
    data = {k: getattr(q, k) for k in ("id", "code", "status", "topic", "name", "contact", "publish_name", "question",
                                       "title", "public_question", "answer", "office", "reject_reason")}
    data.update({k: getattr(q, k).isoformat() if getattr(q, k) else None for k in times})
    return data


class Admin:
    def __init__(self, app: AppParts):
        self.app = app

    @staticmethod
    def rules() -> list[Rule]:
        return [
            Rule("/admin/", endpoint="admin_list"),
            Rule("/admin/login", endpoint="admin_login", methods=["GET", "POST"]),
            Rule("/admin/logout", endpoint="admin_logout", methods=["POST"]),
            Rule(f"/admin/q/<{ID}:question_id>", endpoint="admin_question"),
            Rule(f"/admin/q/<{ID}:question_id>/<action>", endpoint="admin_action", methods=["POST"]),
            Rule("/admin/reject", endpoint="admin_bulk_reject", methods=["POST"]),
            Rule("/v1/admin/login", endpoint="api_login", methods=["POST"]),
            Rule("/v1/admin/questions", endpoint="api_list"),
            Rule("/v1/admin/questions/reject", endpoint="api_bulk_reject", methods=["POST"]),
            Rule(f"/v1/admin/questions/<{ID}:question_id>", endpoint="api_question"),
            Rule(f"/v1/admin/questions/<{ID}:question_id>/<action>", endpoint="api_action", methods=["POST"]),
        ]

    # --- sessions -------------------------------------------------------------------------

    def _session(self, request: Request) -> Session | None:
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            return None
        session = self.app.store.session(core.sha256(token))
        return session if session and session.expires_at > core.utcnow() else None

    def _require(self, request: Request, api: bool) -> Session:
        session = self._session(request)
        if session is None:
            raise QaError(401, "login_required", "Vui lòng đăng nhập.")
        if request.method == "POST":
            sent = request.headers.get("X-CSRF-Token", "") if api else str(self._form(request).get("csrf", ""))
            if not hmac.compare_digest(sent, session.csrf):
                raise QaError(403, "bad_csrf", "Phiên làm việc không hợp lệ (CSRF). Vui lòng tải lại trang.")
        return session

    def _form(self, request: Request) -> dict[str, object]:
        if "_fields" not in request.environ:
            request.environ["_fields"] = self.app.read_fields(request)
        return request.environ["_fields"]

    def _login(self, request: Request, username: str, password: str) -> tuple[Session, str]:
        self.app.limiter.require([(f"login:{request.remote_addr}", self.app.limits.ip_logins)], "lần đăng nhập")
        name = core.clean_text(username)
        wait = self.app.logins.wait(name)
        if wait:
            raise core.too_many("lần đăng nhập sai vào tài khoản này", wait)
        account = self.app.store.account(name)
        ok = verify_password(account.password_hash if account else None, password)
        if not ok or account is None or account.disabled:
            failures = self.app.logins.failed(name)
            if failures >= self.app.logins.free:
                log.warning("admin login: %d failures in a row for account %r, the last from %s; next attempt in %.0f s",
                            failures, name[:64], request.remote_addr, self.app.logins.wait(name))
            raise QaError(401, "bad_login", "Tên đăng nhập hoặc mật khẩu không đúng.")
        self.app.logins.succeeded(name)
        token = secrets.token_urlsafe(32)
        session = Session(core.sha256(token), account.username, account.site, secrets.token_urlsafe(24),
                          core.utcnow() + timedelta(hours=self.app.session_hours))
        self.app.store.add_session(session)
        return session, token

    def _set_cookie(self, request: Request, response: Response, name: str, value: str, max_age: int | None) -> None:
        response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="Strict", secure=request.scheme == "https")

    def _page(self, template: str, status: int = 200, **context: Any) -> Response:
        return self.app.render(template, status, None, **context)

    def _redirect(self, location: str) -> Response:
        return Response(status=303, headers={"Location": location})

    # --- HTML admin ---------------------------------------------------------------------------

    def on_admin_login(self, request: Request) -> Response:
        if request.method == "GET":
            nonce = secrets.token_urlsafe(24)
            response = self._page("admin_login.html", csrf=nonce, error="")
            self._set_cookie(request, response, LOGIN_COOKIE, nonce, 1800)
            return response
        form = self._form(request)
        cookie = request.cookies.get(LOGIN_COOKIE, "")
        if not cookie or not hmac.compare_digest(cookie, str(form.get("csrf", ""))):
            raise QaError(403, "bad_csrf", "Phiên đăng nhập đã hết hạn. Vui lòng tải lại trang đăng nhập.")
        try:
            _, token = self._login(request, str(form.get("username", "")), str(form.get("password", "")))
        except QaError as exc:
            if exc.status != 401:
                raise
            return self._page("admin_login.html", 401, csrf=cookie, error=exc.message)
        response = self._redirect("/admin/")
        self._set_cookie(request, response, SESSION_COOKIE, token, None)
        response.delete_cookie(LOGIN_COOKIE, path="/")
        return response

    def on_admin_logout(self, request: Request) -> Response:
        session = self._require(request, api=False)
        self.app.store.delete_session(session.token_hash)
        response = self._redirect("/admin/login")
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    def _or_login(self, request: Request) -> Session | Response:
        try:
            return self._require(request, api=False)
        except QaError as exc:
            if exc.code == "login_required":
                return self._redirect("/admin/login")
            raise

    def on_admin_list(self, request: Request) -> Response:
        session = self._or_login(request)
        if isinstance(session, Response):
            return session
        shown = request.args.get("trang-thai") or core.RECEIVED
        questions = service.list_questions(self.app.store, session.site, None if shown == "tat-ca" else shown, session.username, core.utcnow())
        ratings = core.summarize_ratings(self.app.store.scores(session.site))
        comments = [r for r in self.app.store.ratings(session.site, 20) if r.comment]
        rejected = request.args.get("da-tu-choi", "")
        return self._page("admin_list.html", session=session, questions=questions, shown=shown, ratings=ratings, comments=comments,
                          rejected=int(rejected) if rejected.isdigit() and len(rejected) < 7 else None,
                          reasons=core.REJECT_REASONS, today=core.utcnow().astimezone(VN_TZ).strftime("%Y-%m-%dT00:00"))

    def on_admin_question(self, request: Request, question_id: int) -> Response:
        session = self._or_login(request)
        if isinstance(session, Response):
            return session
        q = service.view_question(self.app.store, session.site, question_id, session.username, core.utcnow())
        return self._page("admin_question.html", session=session, q=q, errors={}, message=DONE.get(request.args.get("ok", ""), ""))

    def on_admin_action(self, request: Request, question_id: int, action: str) -> Response:
        session = self._require(request, api=False)
        form = {k: str(v) for k, v in self._form(request).items()}
        try:
            service.moderate(self.app.store, session.site, question_id, action, form, session.username, core.utcnow())
        except QaError as exc:
            if exc.status != 400:
                raise
            q = service.view_question(self.app.store, session.site, question_id, session.username, core.utcnow())
            return self._page("admin_question.html", 400, session=session, q=q, errors=exc.fields, message="", error=exc.message)
        return self._redirect(f"/admin/q/{question_id}?ok={action}")

    def on_admin_bulk_reject(self, request: Request) -> Response:
        session = self._require(request, api=False)
        try:
            done = service.bulk_reject(self.app.store, session.site, self._form(request), session.username, core.utcnow())
        except QaError as exc:
            if exc.status != 400:
                raise
            return self._page("message.html", 400, title="Không từ chối được", message=exc.message)
        return self._redirect(f"/admin/?da-tu-choi={done}")

    # --- JSON moderation API -----------------------------------------------------------------

    def on_api_bulk_reject(self, request: Request) -> Response:
        session = self._require(request, api=True)
        return self.app.json({"rejected": service.bulk_reject(self.app.store, session.site, self._form(request), session.username, core.utcnow())})

    def on_api_login(self, request: Request) -> Response:
        if request.mimetype != "application/json":  # a cross-site form cannot send JSON: no login CSRF
            raise QaError(415, "bad_type", "Hãy gửi JSON.")
        form = self._form(request)
        session, token = self._login(request, str(form.get("username", "")), str(form.get("password", "")))
        response = self.app.json({"username": session.username, "site": session.site, "csrf": session.csrf})
        self._set_cookie(request, response, SESSION_COOKIE, token, None)
        return response

    def on_api_list(self, request: Request) -> Response:
        session = self._require(request, api=True)
        found = service.list_questions(self.app.store, session.site, request.args.get("status") or None, session.username, core.utcnow())
        return self.app.json({"site": session.site, "questions": [question_json(q) for q in found]})

    def on_api_question(self, request: Request, question_id: int) -> Response:
        session = self._require(request, api=True)
        return self.app.json(question_json(service.view_question(self.app.store, session.site, question_id, session.username, core.utcnow())))

    def on_api_action(self, request: Request, question_id: int, action: str) -> Response:
        session = self._require(request, api=True)
        params = {k: str(v) for k, v in self._form(request).items()} if request.content_length else {}
        q = service.moderate(self.app.store, session.site, question_id, action, params, session.username, core.utcnow())
        return self.app.json(question_json(q))
