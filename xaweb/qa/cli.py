"""`xaweb qa …`: run the endpoint, register sites and officers, moderate from a terminal.

Every command takes `--db URL` (or the XAWEB_QA_DB environment variable).
Views of personal data from here are written to the access log as `cli:<user>`.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import select
import signal
import sys
import threading
import time
from dataclasses import fields, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, NoReturn, TypeVar

import click

from ..cli_vi import Group
from ..vietnamese import as_vn_datetime
from . import core, service
from .core import Account, QaError, Site

if TYPE_CHECKING:  # for annotations only: commands import the store and the app when they open them
    from .app import QaApp
    from .store import Store

T = TypeVar("T")

DB_OPTION = click.option("--db", envvar="XAWEB_QA_DB", required=True, metavar="URL",
                         help="Cơ sở dữ liệu: sqlite:///đường/dẫn.sqlite3, đường dẫn tệp, hoặc postgresql://… (biến XAWEB_QA_DB).")
SECRET_ENV = "XAWEB_QA_SECRET"  # the form-signing key, the same on every instance; default: kept in the database
SITE_OPTION = click.option("--site", "site_id", required=True, help="Mã trang (site id) trên máy chủ hỏi đáp.")


def _store(db: str, migrate: bool = True) -> Store:
    from .backends import open_store

    try:
        return open_store(db, migrate=migrate)
    except ImportError as exc:
        _missing(exc)


def _missing(exc: ImportError) -> NoReturn:
    _fail(f"Thiếu gói {exc.name}: máy chủ hỏi đáp cần cài thêm: pip install \"xaweb[qa]\"")


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _fail(message: str) -> NoReturn:
    click.secho(message, fg="red", err=True)
    sys.exit(1)


# The fields a refusal names, as the options that set them.
FIELD_OPTIONS = {"answer": "--answer", "office": "--office", "title": "--title", "public_question": "--public-question",
                 "topic": "--topic", "reason": "--reason", "since": "--since", "until": "--until"}


def _run(db: str, action: Callable[[Store], T], hint: str = "") -> T:
    """Open the store, run `action(store)`, turn a QaError into a message (the fields it names as the
    options that set them, then `hint`) and exit code 1."""
    store = _store(db)
    try:
        return action(store)
    except QaError as exc:
        details = "".join(f"\n  {FIELD_OPTIONS.get(k, k)}: {v}" for k, v in exc.fields.items())
        _fail(exc.message + details + (f"\n{hint}" if hint and exc.fields else ""))
    finally:
        store.close()


def parse_limits(values: tuple[str, ...]) -> core.Limits:
    """'ip_questions=1000/60', 'min_seconds=0' … -> Limits; each value in its field's shape."""
    defaults = core.Limits()
    known = {f.name for f in fields(core.Limits)}
    # Any: the field is named at run time; its shape is checked against the default's.
    changes: dict[str, Any] = {}
    for item in values:
        name, _, value = item.partition("=")
        if name not in known:
            raise click.BadParameter(f"'{name}' không phải là giới hạn; chọn: {', '.join(sorted(known))}")
        default = getattr(defaults, name)
        example = f"{name}={default[0]}/{default[1]:g}" if isinstance(default, tuple) else f"{name}={default}"
        try:
            if isinstance(default, tuple):
                count, window = value.split("/")
                changes[name] = (int(count), float(window))
            else:
                changes[name] = type(default)(value)
        except ValueError:
            raise click.BadParameter(f"'{item}': giá trị không hợp lệ (ví dụ: {example})") from None
    return replace(defaults, **changes)


@click.group("qa", cls=Group)
def qa() -> None:
    """Máy chủ hỏi đáp: tiếp nhận câu hỏi, đánh giá; kiểm duyệt; xuất để đăng."""


@qa.command("serve")
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Địa chỉ lắng nghe.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="Cổng.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256), help="Số luồng xử lý.")
@click.option("--trusted-proxy", default=None, help="Địa chỉ reverse proxy được tin (đọc X-Forwarded-For, X-Forwarded-Proto).")
@click.option("--limit", "limits", multiple=True, metavar="TÊN=GIÁ_TRỊ", help="Đổi giới hạn chống lạm dụng, ví dụ ip_questions=5/600.")
@click.option("--access-log/--no-access-log", default=True, show_default=True,
              help="Ghi nhật ký truy cập (JSON, không có dữ liệu cá nhân) ra stderr.")
@click.option("--drain-seconds", default=30.0, show_default=True, type=click.FloatRange(0, 3600),
              help="Khi dừng (SIGTERM): chờ tối đa chừng ấy giây cho các yêu cầu đang xử lý.")
def serve(db: str, host: str, port: int, threads: int, trusted_proxy: str | None, limits: tuple[str, ...],
          access_log: bool, drain_seconds: float) -> None:
    """Chạy máy chủ hỏi đáp (WSGI, waitress)."""
    try:
        from waitress.server import create_server  # what waitress.create_server is; typed there

        from .app import QaConfig, create_app
    except ImportError as exc:
        _missing(exc)

    secret = os.environ.get(SECRET_ENV, "")
    if secret and len(secret) < 32:
        _fail(f"{SECRET_ENV} phải dài ít nhất 32 ký tự.")
    app = create_app(QaConfig(db=db, limits=parse_limits(limits), secret=secret.encode("utf-8") or None))
    if access_log:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logging.getLogger("xaweb.qa.access").addHandler(handler)
        logging.getLogger("xaweb.qa.access").setLevel(logging.INFO)
    # waitress types its adjustment keywords as Any
    proxy: dict[str, Any] = {"trusted_proxy": trusted_proxy, "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"}} if trusted_proxy else {}
    # poll(), not select(): select() fails past file descriptor 1024, which a busy province server reaches.
    server = create_server(app, host=host, port=port, threads=threads, max_request_body_size=1024 * 1024,
                           ident="xaweb-qa", asyncore_use_poll=True, **proxy)
    port_now = server.effective_port  # type: ignore[union-attr]  # set by BaseWSGIServer.__init__; missing from the stubs
    stop_on_term(server, app, drain_seconds)
    click.echo(f"Máy chủ hỏi đáp đang chạy tại http://{host}:{port_now}/ (Ctrl+C để dừng)", err=True)
    try:
        server.run()
    finally:
        app.store.close()


def stop_on_term(server: Any, app: QaApp, drain_seconds: float) -> None:
    """SIGTERM (a rolling restart, `systemctl stop`) stops the server without losing a request: it stops
    accepting connections at once (a load balancer's next attempt goes to another instance), /readyz
    answers 503, the requests in flight finish and their answers are sent, then the process exits."""
    from waitress import wasyncore

    def busy() -> bool:
        """A request being read, queued, handled, or an answer not yet written (waitress's own state)."""
        tasks = server.task_dispatcher
        channels = [c for c in list(getattr(server, "_map", {}).values()) if hasattr(c, "requests")]
        return bool(app.in_flight or tasks.queue or tasks.active_count
                    or any(c.requests or c.request or c.total_outbufs_len for c in channels))

    def drain() -> None:
        deadline, quiet_since = time.monotonic() + drain_seconds, time.monotonic()
        # Idle for a quarter of a second: a connection accepted just before the close has sent its request by then.
        while time.monotonic() < deadline and time.monotonic() - quiet_since < 0.25:
            if busy():
                quiet_since = time.monotonic()
            time.sleep(0.02)
        os.kill(os.getpid(), signal.SIGINT)  # waitress's loop ends on KeyboardInterrupt, after its workers

    def on_term(signum: int, frame: Any) -> None:
        if app.draining:
            return
        app.draining = True
        click.echo("Đang dừng: không nhận kết nối mới, chờ các yêu cầu đang xử lý…", err=True)
        # Closing the listening socket resets the connections the kernel accepted and queued for it:
        # take them first (they are served like the others), then close at once.
        for _ in range(10_000):
            if not select.select([server.socket], [], [], 0)[0]:
                break
            server.handle_accept()
        wasyncore.dispatcher.close(server)  # only the listening socket: the loop keeps serving open connections
        threading.Thread(target=drain, daemon=True).start()

    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, on_term)


@qa.command("migrate")
@DB_OPTION
def migrate(db: str) -> None:
    """Tạo hoặc nâng cấp lược đồ cơ sở dữ liệu."""
    version = _run(db, lambda s: s.schema_version())
    click.echo(f"Lược đồ cơ sở dữ liệu ở phiên bản {version}.")


# --- sites ---------------------------------------------------------------------------


@qa.group("site")
def site_group() -> None:
    """Quản lý các trang (xã, phường) dùng máy chủ này."""


@site_group.command("add")
@DB_OPTION
@click.argument("site_id", metavar="MÃ_TRANG")
@click.option("--url", required=True, help="base_url của trang, ví dụ https://tananhoa.dongthap.gov.vn")
@click.option("--name", default="", help="Tên hiển thị, ví dụ 'UBND xã Tân An Hòa'.")
@click.option("--origin", "origins", multiple=True, help="Nguồn (Origin) khác được phép gửi biểu mẫu.")
@click.option("--retention-days", default=365, show_default=True, type=click.IntRange(1, 3650),
              help="Số ngày giữ dữ liệu cá nhân sau khi trả lời.")
def site_add(db: str, site_id: str, url: str, name: str, origins: tuple[str, ...], retention_days: int) -> None:
    """Đăng ký hoặc cập nhật trang MÃ_TRANG; in mã truy cập API xuất khi đăng ký mới."""
    if not core.SITE_ID.match(site_id):
        _fail("Mã trang chỉ gồm chữ thường không dấu, số và dấu gạch ngang.")
    if not url.startswith(("https://", "http://")):
        _fail("--url phải bắt đầu bằng https://")

    def action(store: Store) -> str | None:
        old = store.site(site_id)
        site = Site(site_id, url.rstrip("/"), core.clean_text(name), tuple(origins), retention_days, old.export_token_hash if old else "")
        store.put_site(site)
        return None if old else service.new_export_token(store, site)

    token = _run(db, action)
    click.echo(f"Đã lưu trang {site_id}.")
    if token:
        click.echo(f"Mã truy cập API xuất (chỉ hiện một lần; đặt vào biến môi trường của máy dựng trang): {token}")


@site_group.command("list")
@DB_OPTION
def site_list(db: str) -> None:
    """Liệt kê các trang."""
    for s in _run(db, lambda store: store.sites()):
        click.echo(f"{s.id}\t{s.url}\t{s.name}\tgiữ dữ liệu {s.retention_days} ngày\t{' '.join(s.origins)}")


@site_group.command("token")
@DB_OPTION
@click.argument("site_id", metavar="MÃ_TRANG")
def site_token(db: str, site_id: str) -> None:
    """Cấp mã truy cập API xuất mới cho MÃ_TRANG (mã cũ hết hiệu lực)."""
    token = _run(db, lambda s: service.new_export_token(s, service.require_site(s, site_id)))
    click.echo(token)


# --- accounts ----------------------------------------------------------------------------


def _password(stdin: bool) -> str:
    if stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Mật khẩu", hide_input=True, confirmation_prompt="Nhập lại mật khẩu")


@qa.group("account")
def account_group() -> None:
    """Tài khoản cán bộ (mỗi tài khoản thuộc một trang)."""


@account_group.command("add")
@DB_OPTION
@SITE_OPTION
@click.argument("username", metavar="TÊN_ĐĂNG_NHẬP")
@click.option("--password-stdin", is_flag=True, help="Đọc mật khẩu từ dòng đầu của đầu vào chuẩn.")
def account_add(db: str, site_id: str, username: str, password_stdin: bool) -> None:
    """Tạo hoặc đặt lại tài khoản TÊN_ĐĂNG_NHẬP của trang --site."""
    try:
        from .admin import hash_password
    except ImportError as exc:
        _missing(exc)
    password = _password(password_stdin)
    _run(db, lambda s: s.put_account(Account(core.clean_text(username), service.require_site(s, site_id).id, hash_password(password))))
    click.echo(f"Đã lưu tài khoản {username} của trang {site_id}.")


@account_group.command("remove")
@DB_OPTION
@click.argument("username", metavar="TÊN_ĐĂNG_NHẬP")
def account_remove(db: str, username: str) -> None:
    """Xóa tài khoản (và các phiên đăng nhập của nó)."""
    if not _run(db, lambda s: s.delete_account(username)):
        _fail(f"Không có tài khoản {username}.")
    click.echo(f"Đã xóa tài khoản {username}.")


@account_group.command("list")
@DB_OPTION
def account_list(db: str) -> None:
    """Liệt kê tài khoản."""
    for a in _run(db, lambda s: s.accounts()):
        click.echo(f"{a.site}\t{a.username}{'  (khóa)' if a.disabled else ''}")


# --- moderation ----------------------------------------------------------------------------


LIST_HEADER = "Số\tMã theo dõi\tNhận lúc (giờ Việt Nam)\tTrạng thái\tLĩnh vực\tNội dung"


def _local(moment: datetime | None) -> str:
    return as_vn_datetime(moment).strftime("%H:%M %d/%m/%Y") if moment else "—"


def _line(q: core.Question) -> str:
    return f"{q.id}\t{q.code}\t{_local(q.received_at)}\t{core.STATUS_VI[q.status]}\t{q.topic}\t{q.title or q.question[:60]}"


def question_text(q: core.Question) -> str:
    """A question as an officer reads it, times in Vietnam's."""
    rows = [("Trạng thái", core.STATUS_VI[q.status]), ("Lĩnh vực", q.topic),
            ("Người hỏi", (q.name or "(không ghi tên)") + (" — đồng ý đăng tên" if q.publish_name else "")),
            ("Liên hệ", q.contact or "(không ghi)"), ("Nhận lúc", _local(q.received_at)),
            ("Trả lời lúc", _local(q.answered_at) if q.answered_at else ""), ("Đăng lúc", _local(q.published_at) if q.published_at else ""),
            ("Từ chối lúc", _local(q.rejected_at) if q.rejected_at else ""),
            ("Lý do từ chối", core.REJECT_REASONS.get(q.reject_reason, q.reject_reason)),
            ("Xóa dữ liệu cá nhân lúc", _local(q.erased_at) if q.erased_at else "")]
    texts = [("Câu hỏi", q.question), ("Tiêu đề công khai", q.title), ("Câu hỏi đăng công khai", q.public_question),
             (f"Trả lời ({q.office})" if q.office else "Trả lời", q.answer)]
    lines = [f"Câu hỏi số {q.id} — mã theo dõi {q.code}"] + [f"{label}: {value}" for label, value in rows if value]
    for label, text in texts:
        if text:
            lines += ["", f"{label}:"] + [f"  {line}" for line in text.splitlines()]
    return "\n".join(lines)


@qa.command("list")
@DB_OPTION
@SITE_OPTION
@click.option("--status", type=click.Choice(core.STATUSES), default=None,
              help="Chỉ các câu hỏi ở trạng thái này: " + "; ".join(f"{k}: {v.lower()}" for k, v in core.STATUS_VI.items()) + ".")
def list_command(db: str, site_id: str, status: str | None) -> None:
    """Liệt kê câu hỏi của trang (mới nhất trước)."""
    questions = _run(db, lambda s: service.list_questions(s, service.require_site(s, site_id).id, status, _actor(), core.utcnow()))
    if not questions:
        click.echo("Không có câu hỏi nào" + (f" ở trạng thái «{core.STATUS_VI[status]}»." if status else "."))
        return
    click.echo(LIST_HEADER)
    for q in questions:
        click.echo(_line(q))


@qa.command("show")
@DB_OPTION
@SITE_OPTION
@click.argument("question_id", metavar="SỐ_CÂU_HỎI", type=int)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: để đọc; json: cho chương trình khác.")
def show(db: str, site_id: str, question_id: int, fmt: str) -> None:
    """Xem đầy đủ một câu hỏi (có dữ liệu cá nhân; được ghi vào nhật ký truy cập)."""
    from .admin import question_json

    q = _run(db, lambda s: service.view_question(s, site_id, question_id, _actor(), core.utcnow()))
    click.echo(json.dumps(question_json(q), ensure_ascii=False, indent=2) if fmt == "json" else question_text(q))


def _moderate(db: str, site_id: str, question_id: int, action: str, params: dict[str, str]) -> None:
    hint = (f"Đặt các mục này bằng: xaweb qa answer {question_id} --site {site_id} --office … --answer … "
            "--title … --public-question …, rồi chạy lại lệnh." if action == "publish" else "")
    q = _run(db, lambda s: service.moderate(s, site_id, question_id, action, params, _actor(), core.utcnow()), hint)
    click.echo(f"Câu hỏi {q.id} ({q.code}): {core.STATUS_VI[q.status]}.")


@qa.command("answer")
@DB_OPTION
@SITE_OPTION
@click.argument("question_id", metavar="SỐ_CÂU_HỎI", type=int)
@click.option("--answer", "text", help="Nội dung trả lời (Markdown).")
@click.option("--answer-file", type=click.Path(dir_okay=False, path_type=Path), help="Đọc nội dung trả lời từ tệp UTF-8.")
@click.option("--office", required=True, help="Cơ quan, bộ phận trả lời.")
@click.option("--title", default="", help="Tiêu đề công khai.")
@click.option("--public-question", default="", help="Câu hỏi đăng công khai (đã bỏ thông tin cá nhân).")
@click.option("--topic", default="", help="Lĩnh vực.")
def answer_command(db: str, site_id: str, question_id: int, text: str | None, answer_file: Path | None, office: str,
                   title: str, public_question: str, topic: str) -> None:
    """Trả lời (hoặc sửa câu trả lời và cách diễn đạt công khai của) câu hỏi."""
    if answer_file:
        text = answer_file.read_text(encoding="utf-8")
    _moderate(db, site_id, question_id, "answer", {"answer": text or "", "office": office, "title": title,
                                                   "public_question": public_question, "topic": topic})


@qa.command("reject")
@DB_OPTION
@SITE_OPTION
@click.argument("question_id", metavar="SỐ_CÂU_HỎI", type=int)
@click.option("--reason", type=click.Choice(sorted(core.REJECT_REASONS)), required=True, help="Lý do từ chối.")
def reject_command(db: str, site_id: str, question_id: int, reason: str) -> None:
    """Từ chối câu hỏi (thư rác, ngoài thẩm quyền, trùng lặp)."""
    _moderate(db, site_id, question_id, "reject", {"reason": reason})


@qa.command("publish")
@DB_OPTION
@SITE_OPTION
@click.argument("question_id", metavar="SỐ_CÂU_HỎI", type=int)
def publish_command(db: str, site_id: str, question_id: int) -> None:
    """Cho phép đăng câu hỏi đã trả lời ở lần dựng trang sau."""
    _moderate(db, site_id, question_id, "publish", {})


@qa.command("erase")
@DB_OPTION
@SITE_OPTION
@click.argument("question_id", metavar="[SỐ_CÂU_HỎI]", type=int, required=False)
@click.option("--code", default=None, help="Tìm câu hỏi theo mã theo dõi người hỏi cung cấp.")
def erase_command(db: str, site_id: str, question_id: int | None, code: str | None) -> None:
    """Xóa dữ liệu cá nhân của một câu hỏi theo yêu cầu của người hỏi."""
    if question_id is None:
        normalized = core.normalize_code(code or "")
        found = _run(db, lambda s: s.question_by_code(site_id, normalized)) if normalized else None
        if found is None:
            _fail("Cần số câu hỏi hoặc --code đúng.")
        assert found.id is not None  # read back from the database, so it has its id
        question_id = found.id
    _moderate(db, site_id, question_id, "erase", {})


@qa.command("purge")
@DB_OPTION
def purge(db: str) -> None:
    """Xóa dữ liệu cá nhân đã quá thời hạn lưu giữ (chạy định kỳ, ví dụ mỗi ngày)."""
    count = _run(db, lambda s: service.purge_expired(s, core.utcnow()))
    click.echo(f"Đã xóa dữ liệu cá nhân của {count} câu hỏi quá thời hạn lưu giữ.")


@qa.command("export")
@DB_OPTION
@SITE_OPTION
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Ghi ra tệp (mặc định: in ra).")
def export_command(db: str, site_id: str, output: Path | None) -> None:
    """Xuất câu hỏi đã đăng và tổng hợp đánh giá (không có dữ liệu cá nhân) cho xaweb build."""
    data = _run(db, lambda s: service.export(s, service.require_site(s, site_id)))
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Đã xuất {len(data['questions'])} câu hỏi vào {output}.", err=True)
    else:
        click.echo(text, nl=False)


@qa.command("access-log")
@DB_OPTION
@SITE_OPTION
def access_log(db: str, site_id: str) -> None:
    """Nhật ký ai đã xem, sửa dữ liệu cá nhân (mới nhất trước)."""
    for at, actor, question_id, action in _run(db, lambda s: s.access_log(site_id)):
        click.echo(f"{at:%Y-%m-%d %H:%M:%S}\t{actor}\t{question_id or '-'}\t{action}")


@qa.command("verify")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON (để so sánh bản sao lưu với bản gốc).")
def verify(db: str, as_json: bool) -> None:
    """Kiểm tra một cơ sở dữ liệu (ví dụ bản vừa khôi phục từ sao lưu) mà không sửa gì:
    phiên bản lược đồ, số lượng, câu hỏi mới nhất, bộ đếm mã số. Mã thoát 1 nếu có vấn đề."""
    store = _store(db, migrate=False)
    try:
        figures = store.figures()
    except Exception as exc:  # noqa: BLE001 - a broken restore is what this command is for
        _fail(f"Không đọc được cơ sở dữ liệu: {exc}")
    finally:
        store.close()
    problems = []
    if figures["schema_version"] != figures["schema_expected"]:
        problems.append(f"lược đồ phiên bản {figures['schema_version']}, phiên bản xaweb này cần {figures['schema_expected']} "
                        "(chạy xaweb qa migrate nếu đây là bản cũ hơn)")
    if figures.get("orphans"):
        problems.append(f"{figures['orphans']} câu hỏi thuộc trang không còn đăng ký")
    if figures.get("counters_behind"):
        problems.append("bộ đếm mã số đi sau dữ liệu ở bảng " + ", ".join(figures["counters_behind"]) + ": bản khôi phục thiếu sequence")
    if as_json:
        click.echo(json.dumps({**figures, "problems": problems}, ensure_ascii=False, sort_keys=True))
    else:
        click.echo(f"Phiên bản lược đồ: {figures['schema_version']} (cần {figures['schema_expected']})")
        if "sites" in figures:
            by_status = ", ".join(f"{core.STATUS_VI.get(k, k)}: {v}" for k, v in figures["questions"].items()) or "chưa có"
            click.echo(f"Trang: {figures['sites']} · tài khoản cán bộ: {figures['accounts']} · đánh giá: {figures['ratings']}")
            click.echo(f"Câu hỏi: {sum(figures['questions'].values())} ({by_status})")
            latest = figures["latest"]
            click.echo(f"Câu hỏi mới nhất: {latest['code']} của {latest['site']}, nhận lúc {_local(datetime.fromisoformat(latest['received_at']))}"
                       if latest else "Câu hỏi mới nhất: chưa có")
    for problem in problems:
        click.secho(f"Lỗi: {problem}", fg="red", err=True)
    if problems:
        sys.exit(1)
