"""The Q&A endpoint as a WSGI application (werkzeug), served by waitress.

Factory: `xaweb.qa.app:create_app(QaConfig(db="sqlite:///qa.sqlite3"))` -> a WSGI
callable; `xaweb qa serve --db URL` runs it under waitress. Public routes,
for the commune sites (CORS limited to each site's own origins):

    GET  /healthz                          database check (as /readyz, kept for older monitors)
    GET  /livez                            liveness: the process answers (no database)
    GET  /readyz                           readiness: the database answers and the instance is not shutting down
    GET  /metrics                          Prometheus metrics (metrics.py); keep it off the public internet
    GET  /v1/sites/<site>/token            a signed form token (the form's JavaScript fetches it)
    POST /v1/sites/<site>/questions        form-encoded (303 to the site's thank-you page) or JSON (201)
    GET  /v1/sites/<site>/status?ma=CODE   status by tracking code (JSON, or HTML for a browser)
    POST /v1/sites/<site>/ratings          anonymous satisfaction rating
    GET  /v1/sites/<site>/export           published Q&A for `xaweb build` (Bearer export token)

Officers use `/admin/` (HTML) and `/v1/admin/...` (JSON); see `admin.py`.
Every refusal is a 4xx with a Vietnamese message, in JSON (`{"error": {...}}`)
or, for a browser form, as a page that keeps what was typed.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import parse_qsl, urlencode

import jinja2
from prometheus_client import CONTENT_TYPE_LATEST
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from . import core, service
from .admin import Admin
from .core import Limits, QaError, Site
from .backends import open_store
from .metrics import Metrics, log_request
from .store import Store

log = logging.getLogger("xaweb.qa")
TEMPLATES = Path(__file__).parent / "templates"
FORM_TYPES = ("application/x-www-form-urlencoded",)
JSON_TYPES = ("application/json",)
SUBMISSIONS = {"questions": "question", "ratings": "rating"}  # route -> what the metrics call it
OUTCOME = "xaweb.qa.outcome"  # environ key: how a submission ended, for the metrics


@dataclass(frozen=True)
class QaConfig:
    db: str  # database URL: sqlite:///path, a path, or postgresql://…
    limits: Limits = field(default_factory=Limits)
    secret: bytes | None = None  # form-token key; default: made once and kept in the database
    session_hours: float = 8.0
    retention_every: float = 3600.0  # seconds between retention sweeps in the server; 0: leave it to cron


def create_app(config: QaConfig, store: Store | None = None) -> QaApp:
    """The documented factory: a WSGI application for `config` (and its own store unless one is given)."""
    return QaApp(config, store or open_store(config.db))


class QaApp:
    def __init__(self, config: QaConfig, store: Store):
        self.config, self.store = config, store
        self.limits = config.limits
        self.secret = config.secret or store.secret()
        # In memory for one process; in the database when it is shared by several instances (PostgreSQL).
        self.limiter = store.limiter()
        self.logins = store.login_throttle()
        self.metrics = Metrics(store)
        self.draining = False  # set when the server stops: /readyz says so, requests in flight finish
        self._in_flight = 0
        self._in_flight_lock = threading.Lock()
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
        self.env.globals.update(STATUS_VI=core.STATUS_VI, REJECT_REASONS=core.REJECT_REASONS)
        self._sites: tuple[float, dict[str, Site]] = (0.0, {})
        self._sites_lock = threading.Lock()
        self._next_sweep = 0.0
        self._sweep_lock = threading.Lock()
        self.session_hours = config.session_hours
        self.admin = Admin(self)
        self.url_map = Map([
            Rule("/healthz", endpoint="health"),
            Rule("/livez", endpoint="live"),
            Rule("/readyz", endpoint="ready"),
            Rule("/metrics", endpoint="metrics"),
            Rule("/static/qa.css", endpoint="css"),
            Rule("/v1/sites/<site_id>/token", endpoint="token", methods=["GET", "OPTIONS"]),
            Rule("/v1/sites/<site_id>/questions", endpoint="questions", methods=["POST", "OPTIONS"]),
            Rule("/v1/sites/<site_id>/status", endpoint="status", methods=["GET", "OPTIONS"]),
            Rule("/v1/sites/<site_id>/ratings", endpoint="ratings", methods=["POST", "OPTIONS"]),
            Rule("/v1/sites/<site_id>/export", endpoint="export", methods=["GET"]),
            *self.admin.rules(),
        ])

    # --- WSGI -------------------------------------------------------------------------

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        request = Request(environ)
        with self._in_flight_lock:
            self._in_flight += 1
        self.metrics.in_flight.inc()
        route, status = "unknown", 500
        try:
            route, response = self._respond(request)
            status = response.status_code
            self._maybe_sweep()
            return response(environ, start_response)
        finally:
            seconds = time.perf_counter() - started
            if route in SUBMISSIONS and request.method == "POST":
                self.metrics.submissions.labels(SUBMISSIONS[route], environ.get(OUTCOME, "form")).inc()
            self.metrics.latency.labels(route).observe(seconds)
            self.metrics.in_flight.dec()
            with self._in_flight_lock:
                self._in_flight -= 1
            log_request(request.method, route, request.path, status, seconds)

    def _respond(self, request: Request) -> tuple[str, Response]:
        """-> (the route's name, for the metrics; the response)."""
        route = "unknown"
        try:
            route, args = self.url_map.bind_to_environ(request.environ).match()
            handler = getattr(self, "on_" + route, None) or getattr(self.admin, "on_" + route)
            response = handler(request, **args)
        except QaError as exc:
            request.environ.setdefault(OUTCOME, exc.code)
            response = self.error(request, exc)
        except HTTPException as exc:
            code = exc.code or 400
            message = "Không tìm thấy địa chỉ này." if code == 404 else "Phương thức không được hỗ trợ." if code == 405 else "Yêu cầu không hợp lệ."
            response = self.error(request, QaError(code, "http_" + str(code), message))
        except Exception as exc:  # noqa: BLE001 - logged, and the citizen gets a message, not a traceback
            log.exception("lỗi khi xử lý %s %s", request.method, request.path)
            if self.store.unavailable(exc):
                self.metrics.database_errors.inc()
                request.environ.setdefault(OUTCOME, "unavailable")
                response = self.error(request, QaError(503, "unavailable", "Máy chủ tạm thời không lưu được dữ liệu. Nội dung bạn gửi "
                                                                        "chưa được lưu; vui lòng thử lại sau ít phút.", retry_after=30))
            else:
                request.environ.setdefault(OUTCOME, "server_error")
                response = self.error(request, QaError(500, "server_error", "Máy chủ gặp lỗi. Câu hỏi chưa được lưu; vui lòng thử lại sau."))
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # Not "no-referrer": with it a browser sends "Origin: null" when a page of this server posts to itself.
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cache-Control", "no-store")
        return route, response

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def _maybe_sweep(self) -> None:
        """Retention runs inside the server too, so it happens even without a cron job."""
        every = self.config.retention_every
        if not every or time.monotonic() < self._next_sweep or not self._sweep_lock.acquire(blocking=False):
            return
        try:
            self._next_sweep = time.monotonic() + every
            with self.store.exclusive("retention") as mine:  # one instance at a time: the others skip this round
                if mine:
                    service.purge_expired(self.store, core.utcnow())
                    self.limiter.forget(self.limits.longest_window)
        except Exception:  # noqa: BLE001 - retried at the next sweep
            log.exception("xóa dữ liệu hết hạn lưu giữ thất bại")
        finally:
            self._sweep_lock.release()

    # --- helpers ----------------------------------------------------------------------

    def site(self, site_id: str) -> Site:
        """Sites are cached for a few seconds: `xaweb qa site add` takes effect without a restart."""
        stamp, sites = self._sites
        if time.monotonic() - stamp > 5 or site_id not in sites:
            with self._sites_lock:
                sites = {s.id: s for s in self.store.sites()}
                self._sites = (time.monotonic(), sites)
        if site_id not in sites or not core.SITE_ID.match(site_id):
            return service.require_site(self.store, site_id)  # raises the 404 with its message
        return sites[site_id]

    def render(self, template: str, status: int = 200, site: Site | None = None, **context: Any) -> Response:
        html = self.env.get_template(template).render(site=site, **context)
        response = Response(html, status=status, mimetype="text/html")
        extra = " ".join(sorted(site.allowed_origins)) if site else ""
        response.headers["Content-Security-Policy"] = (
            f"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' {extra}; "
            "frame-ancestors 'none'; base-uri 'none'")
        return response

    @staticmethod
    def json(data: Any, status: int = 200) -> Response:
        return Response(json.dumps(data, ensure_ascii=False), status=status, mimetype="application/json")

    @staticmethod
    def wants_json(request: Request) -> bool:
        if request.mimetype in JSON_TYPES:
            return True
        best = request.accept_mimetypes.best_match(["text/html", "application/json"])
        return best == "application/json" or not request.accept_mimetypes.provided

    def error(self, request: Request, exc: QaError, site: Site | None = None) -> Response:
        if self.wants_json(request) or request.path.startswith(("/v1/admin", "/healthz")):
            response = self.json(exc.as_json(), exc.status)
        else:
            response = self.render("message.html", exc.status, site, title="Không thực hiện được yêu cầu", message=exc.message)
        if exc.status in (429, 503):
            response.headers["Retry-After"] = str(exc.retry_after or 60)
        return response

    def read_body(self, request: Request) -> bytes:
        """At most the configured size, never more: a bigger body is refused before it is read."""
        cap = self.limits.body_bytes
        if (request.content_length or 0) > cap:
            raise QaError(413, "too_large", f"Nội dung gửi quá lớn (tối đa {cap // 1024} KB).")
        data = request.stream.read(cap + 1)
        if len(data) > cap:
            raise QaError(413, "too_large", f"Nội dung gửi quá lớn (tối đa {cap // 1024} KB).")
        return data

    def read_fields(self, request: Request) -> dict[str, object]:
        """A form-encoded or JSON body -> {field: value}, strictly UTF-8."""
        body = self.read_body(request)
        if request.mimetype not in FORM_TYPES + JSON_TYPES:
            raise QaError(415, "bad_type", "Kiểu dữ liệu không được hỗ trợ; hãy gửi bằng biểu mẫu hoặc JSON.")
        try:
            if request.mimetype in JSON_TYPES:
                data = json.loads(body.decode("utf-8"))
                if not isinstance(data, dict) or not all(isinstance(v, (str, int, float, bool)) or v is None for v in data.values()):
                    raise ValueError("not a flat object")
                return {str(k): ("" if v is None else v) for k, v in data.items()}
            pairs = parse_qsl(body.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=40)
            return dict(pairs)
        except UnicodeDecodeError:
            raise QaError(400, "bad_encoding", "Dữ liệu gửi lên không phải văn bản UTF-8 hợp lệ.") from None
        except ValueError:
            raise QaError(400, "bad_json", "Dữ liệu gửi lên không đúng định dạng.") from None

    def check_origin(self, request: Request, site: Site) -> str | None:
        """A browser names the page a request comes from; only the commune's own site (or this server) may post."""
        origin = request.headers.get("Origin")
        if origin is None:
            return None  # not a browser: the token, limits and checks still apply
        if core.origin_of(origin) in site.allowed_origins or core.origin_of(origin) == core.origin_of(request.host_url):
            return origin
        raise QaError(403, "bad_origin", "Yêu cầu không được gửi từ trang thông tin điện tử đã đăng ký với máy chủ hỏi đáp nên bị từ chối.")

    @staticmethod
    def cors(response: Response, origin: str | None, site: Site) -> Response:
        if origin and core.origin_of(origin) in site.allowed_origins:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Methods"] = "GET, POST"
            response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
            response.headers["Access-Control-Max-Age"] = "600"
        response.headers["Vary"] = "Origin"
        return response

    def public(self, request: Request, site_id: str, handler: Callable[[Site, str | None], Response]) -> Response:
        """Site lookup, Origin check, CORS preflight and headers around a public handler."""
        site = self.site(site_id)
        try:
            origin = self.check_origin(request, site)
            response = Response(status=204) if request.method == "OPTIONS" else handler(site, origin)
        except QaError as exc:
            request.environ.setdefault(OUTCOME, exc.code)
            response = self.error(request, exc, site)
            origin = request.headers.get("Origin")
        return self.cors(response, origin, site)

    # --- public routes ------------------------------------------------------------------

    def on_health(self, request: Request) -> Response:
        try:
            self.store.health()
        except Exception:  # noqa: BLE001
            self.metrics.database_errors.inc()
            log.exception("kiểm tra cơ sở dữ liệu thất bại")
            return self.json({"status": "error", "database": "unreachable"}, 503)
        return self.json({"status": "ok", "database": "ok"})

    def on_live(self, request: Request) -> Response:
        return self.json({"status": "ok"})

    def on_ready(self, request: Request) -> Response:
        if self.draining:
            return self.json({"status": "stopping", "database": "not checked"}, 503)
        return self.on_health(request)

    def on_metrics(self, request: Request) -> Response:
        return Response(self.metrics.exposition(), mimetype="text/plain", headers={"Content-Type": CONTENT_TYPE_LATEST})

    def on_css(self, request: Request) -> Response:
        response = Response((TEMPLATES / "qa.css").read_bytes(), mimetype="text/css")
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response

    def on_token(self, request: Request, site_id: str) -> Response:
        def handler(site: Site, origin: str | None) -> Response:
            self.limiter.require([(f"token:{request.remote_addr}", self.limits.ip_tokens)], "yêu cầu")
            return self.json({"token": core.issue_token(self.secret, site.id, time.time()), "min_seconds": self.limits.min_seconds})
        return self.public(request, site_id, handler)

    def on_questions(self, request: Request, site_id: str) -> Response:
        return self.public(request, site_id, lambda site, origin: self._submit(request, site, "question"))

    def on_ratings(self, request: Request, site_id: str) -> Response:
        return self.public(request, site_id, lambda site, origin: self._submit(request, site, "rating"))

    def _submit(self, request: Request, site: Site, kind: str) -> Response:
        data = self.read_fields(request)
        as_json = self.wants_json(request)
        if not data.get("token") and not as_json:
            # A browser without JavaScript had no token: show "check and send" with a fresh one; nothing is stored.
            core.check_honeypot(data)
            return self.fallback_form(site, kind, data, {}, "Vui lòng kiểm tra lại thông tin rồi bấm “Gửi” để xác nhận.", 200)
        try:
            call = service.submit_question if kind == "question" else service.submit_rating
            saved = call(self.store, self.secret, self.limits, self.limiter, site, data, request.remote_addr or "", core.utcnow())
        except QaError as exc:
            if as_json or exc.status != 400 or exc.code == "spam":
                raise
            request.environ[OUTCOME] = exc.code
            return self.fallback_form(site, kind, data, exc.fields, exc.message, exc.status)
        request.environ[OUTCOME] = "repeated" if getattr(saved, "repeated", False) else "accepted"
        section = core.QUESTIONS_SECTION if kind == "question" else core.RATINGS_SECTION
        thanks = site.page_url(section, core.THANKS_SLUG)
        if isinstance(saved, service.Submitted):
            q, code = saved.question, saved.question.code
            if as_json:
                said = "Câu hỏi này đã được tiếp nhận trước đó" if saved.repeated else "Đã tiếp nhận câu hỏi"
                return self.json({"code": code, "status": q.status, "repeated": saved.repeated,
                                  "message": f"{said}. Mã theo dõi của bạn là {code}.",
                                  "status_url": f"{request.host_url}v1/sites/{site.id}/status?{urlencode({'ma': code})}"},
                                 200 if saved.repeated else 201)
            return Response(status=303, headers={"Location": f"{thanks}?{urlencode({'ma': code})}"})
        if as_json:
            return self.json({"status": "received", "message": "Cảm ơn bạn đã đánh giá."}, 201)
        return Response(status=303, headers={"Location": thanks})

    def fallback_form(self, site: Site, kind: str, data: Mapping[str, object], errors: Mapping[str, str], message: str, status: int) -> Response:
        values = {k: str(v) for k, v in data.items() if k not in ("token", "website")}
        token = core.issue_token(self.secret, site.id, time.time())
        return self.render("form.html", status, site, kind=kind, values=values, errors=errors, message=message, token=token,
                           action=f"/v1/sites/{site.id}/{'questions' if kind == 'question' else 'ratings'}",
                           min_seconds=int(self.limits.min_seconds))

    def on_status(self, request: Request, site_id: str) -> Response:
        def handler(site: Site, origin: str | None) -> Response:
            self.limiter.require([(f"status:{request.remote_addr}", self.limits.ip_lookups)], "lượt tra cứu")
            view = service.status(self.store, site, request.args.get("ma", ""))
            if self.wants_json(request):
                return self.json(view)
            return self.render("status.html", 200, site, view=view)
        return self.public(request, site_id, handler)

    def on_export(self, request: Request, site_id: str) -> Response:
        site = self.site(site_id)
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not site.export_token_hash or not hmac.compare_digest(core.sha256(token.strip()), site.export_token_hash):
            self.limiter.require([(f"export-fail:{request.remote_addr}", self.limits.ip_lookups)], "yêu cầu")
            response = self.json(QaError(401, "bad_export_token", "Mã truy cập API xuất dữ liệu không đúng.").as_json(), 401)
            response.headers["WWW-Authenticate"] = 'Bearer realm="xaweb-qa"'
            return response
        return self.json(service.export(self.store, site))

