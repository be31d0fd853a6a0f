"""The Q&A endpoint over real HTTP on 127.0.0.1, against SQLite and PostgreSQL.

The whole loop (submit -> answer -> publish -> export -> `xaweb build` ->
the page shows it -> the status says so), 200 concurrent submissions stored
exactly once, a server killed mid-stream losing nothing it acknowledged, and
the moderation API and web admin.
"""

from __future__ import annotations

import json
import re
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest
import requests

from qa_support import (BACKENDS, ORIGIN, OTHER_ID, PASSWORD, PG_ENV, SITE_ID, SITE_URL, Server, TcpProxy, database, free_port,
                        login, postgres_url, question, setup_sites, start_cli_server, submit_json)
from xaweb.build import BuildOptions, build
from xaweb.qa import core, service
from xaweb.qa.backends import open_store
from xaweb.vietnamese import VN_TZ

NOW = datetime(2026, 1, 20, 9, 0, tzinfo=VN_TZ)


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path):
    with database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def server(db):
    store = open_store(db)
    tokens = setup_sites(store)
    store.close()
    srv = Server(db)
    srv.export_tokens = tokens
    yield srv
    srv.close()


def make_site(root: Path, endpoint: str) -> Path:
    """A small commune site whose build fetches published Q&A from the running endpoint."""
    (root / "content" / "hoi-dap").mkdir(parents=True)
    (root / "content" / "danh-gia").mkdir(parents=True)
    (root / "site.yaml").write_text(
        f"name: Tân An\nprovince: Đồng Tháp\nbase_url: {SITE_URL}\ncontact:\n  email: ubnd@tanan.gov.vn\n"
        f"qa:\n  endpoint: {endpoint}\n  site_id: {SITE_ID}\n  export_url: auto\n  export_token_env: XAWEB_TEST_QA_TOKEN\n",
        encoding="utf-8")
    (root / "content" / "hoi-dap" / "_index.md").write_text("---\ntitle: Hỏi đáp\n---\n", encoding="utf-8")
    (root / "content" / "danh-gia" / "_index.md").write_text("---\ntitle: Đánh giá\n---\n", encoding="utf-8")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_full_loop_submit_answer_publish_build_status(server, tmp_path, monkeypatch):
    evil_name = "Lê <script>alert(1)</script> Văn'); DROP TABLE questions;--"
    # A browser form post: 303 to the commune's thank-you page, with the tracking code.
    form = question(1, name=evil_name, token=server.token(), publish_name="")
    r = requests.post(server.api() + "/questions", data=form, headers=ORIGIN, allow_redirects=False, timeout=30)
    assert r.status_code == 303, r.text
    location = r.headers["Location"]
    assert location.startswith(f"{SITE_URL}/hoi-dap/da-gui/?ma=")
    code = location.split("ma=")[1]
    assert core.normalize_code(code) == code
    # A JSON post, with consent to publish the name.
    r2 = submit_json(server, question(2, name="Trần Thị Hoa", publish_name=True, token=server.token()))
    assert r2.status_code == 201 and r2.json()["status"] == "received"
    code2 = r2.json()["code"]

    status = requests.get(server.api() + "/status", params={"ma": code.lower()}, headers={"Accept": "application/json"}, timeout=30)
    assert status.json()["status"] == "received"

    officer, csrf = login(server)
    listed = officer.get(server.url + "/v1/admin/questions", params={"status": "received"}, timeout=30).json()["questions"]
    assert {q["code"] for q in listed} == {code, code2}
    first = next(q for q in listed if q["code"] == code)
    assert first["name"] == evil_name and first["contact"] == "0912345678"

    answer = {"answer": "Bạn mang **giấy chứng sinh** đến Trung tâm. <script>alert(2)</script>", "office": "Công chức Tư pháp – Hộ tịch",
              "title": "Đăng ký khai sinh cần giấy tờ gì?", "public_question": "Thủ tục đăng ký khai sinh cần giấy tờ gì? <b>gấp</b>"}
    for q in listed:
        r = officer.post(f"{server.url}/v1/admin/questions/{q['id']}/answer", json=answer, headers={"X-CSRF-Token": csrf}, timeout=30)
        assert r.status_code == 200 and r.json()["status"] == "answered", r.text
        r = officer.post(f"{server.url}/v1/admin/questions/{q['id']}/publish", headers={"X-CSRF-Token": csrf}, timeout=30)
        assert r.status_code == 200 and r.json()["status"] == "published", r.text

    # The build fetches the export over HTTP with the site's token.
    monkeypatch.setenv("XAWEB_TEST_QA_TOKEN", server.export_tokens[SITE_ID])
    site = make_site(tmp_path / "site", server.url)
    result = build(BuildOptions(site, tmp_path / "out", now=NOW))
    assert result.qa_pages == 3  # two questions and the ratings page
    out = tmp_path / "out"
    listing = (out / "hoi-dap" / "index.html").read_text(encoding="utf-8")
    assert listing.count("Đăng ký khai sinh cần giấy tờ gì?") == 2
    page = next(p for p in (out / "hoi-dap").glob("*/index.html") if "da-gui" not in str(p))
    html = page.read_text(encoding="utf-8")
    doc = lxml.html.fromstring(html)
    main = doc.xpath("//main")[0].text_content()
    assert "Thủ tục đăng ký khai sinh cần giấy tờ gì? <b>gấp</b>" in main  # shown as typed
    assert "<script>alert(2)</script>" in main and "<script>alert" not in html.split("<main", 1)[1].replace("&lt;script", "")
    # Names only with consent; contact details and the citizens' own words never.
    everything = b"".join(snapshot(out).values()).decode("utf-8", "replace")
    assert "Trần Thị Hoa" in everything
    for secret in ("Lê &lt;script", "Lê <script", "0912345678", "0912 345 678", "Người hỏi số", "khai sinh cho con thứ"):
        assert secret not in everything, secret
    assert (out / "hoi-dap" / "da-gui" / "index.html").is_file()
    assert (out / "chinh-sach-du-lieu" / "hoi-dap" / "index.html").is_file()

    status = requests.get(server.api() + "/status", params={"ma": code}, headers={"Accept": "application/json"}, timeout=30).json()
    assert status["status"] == "published" and status["answered"]
    assert set(status) == {"code", "status", "status_text", "received", "answered", "received_text", "answered_text", "url"}  # no personal data
    answered = status["answered"]
    assert status["answered_text"] == f"{answered[8:10]}/{answered[5:7]}/{answered[:4]}"  # as Vietnamese write dates
    published = urlsplit(status["url"]).path.strip("/")
    assert published.startswith("hoi-dap/") and published != "hoi-dap" and (out / published / "index.html").is_file()  # the answer itself
    html_status = requests.get(server.api() + "/status", params={"ma": code}, headers={"Accept": "text/html"}, timeout=30)
    assert "Đã trả lời" in html_status.text and "Người hỏi" not in html_status.text
    assert f'href="{status["url"]}">Đọc câu trả lời đã đăng</a>' in html_status.text and status["answered_text"] in html_status.text

    # An incremental rebuild after the export changes equals a clean build.
    r = submit_json(server, question(3, token=server.token()))
    qid = next(q["id"] for q in officer.get(server.url + "/v1/admin/questions", timeout=30).json()["questions"] if q["code"] == r.json()["code"])
    officer.post(f"{server.url}/v1/admin/questions/{qid}/answer", json={**answer, "title": "Câu hỏi thứ ba"}, headers={"X-CSRF-Token": csrf}, timeout=30)
    officer.post(f"{server.url}/v1/admin/questions/{qid}/publish", headers={"X-CSRF-Token": csrf}, timeout=30)
    again = build(BuildOptions(site, out, now=NOW))
    assert again.qa_pages == 4 and 0 < again.rendered
    clean = tmp_path / "clean"
    build(BuildOptions(site, clean, now=NOW, cache=False))
    assert snapshot(out) == snapshot(clean)
    assert "Câu hỏi thứ ba" in (out / "hoi-dap" / "index.html").read_text(encoding="utf-8")
    unchanged = build(BuildOptions(site, out, now=NOW))
    assert unchanged.rendered == 0


def test_200_concurrent_submissions_are_stored_exactly_once(server, db):
    tokens = [server.token() for _ in range(200)]
    bodies = [question(i, token=t) for i, t in enumerate(tokens)]
    with ThreadPoolExecutor(50) as pool:
        answers = list(pool.map(lambda b: submit_json(server, b), bodies))
    assert [r.status_code for r in answers] == [201] * 200
    codes = [r.json()["code"] for r in answers]
    assert len(set(codes)) == 200
    # Retries of the same requests (a client that did not see the answer) store nothing more
    # and get back the codes they were first given.
    with ThreadPoolExecutor(50) as pool:
        retries = list(pool.map(lambda b: submit_json(server, b), bodies[:100]))
    assert {r.status_code for r in retries} == {200}
    assert [r.json()["code"] for r in retries] == codes[:100]
    store = open_store(db)
    try:
        assert store.count_questions(SITE_ID) == 200
        stored = store.questions(SITE_ID, limit=1000)
        assert sorted(q.code for q in stored) == sorted(codes)
        assert sorted(q.question for q in stored) == sorted(b["question"] for b in bodies)
    finally:
        store.close()


@pytest.mark.fault("kill -9 of the Q&A server")
@pytest.mark.parametrize("backend", BACKENDS)
def test_killed_server_loses_nothing_it_acknowledged(backend, tmp_path, submissions):
    with database(backend, tmp_path) as db:
        store = open_store(db)
        setup_sites(store)
        store.close()
        port = free_port()
        proc = start_cli_server(db, port, tmp_path / "server.log")
        api = f"http://127.0.0.1:{port}/v1/sites/{SITE_ID}"
        acknowledged: list[str] = []
        stop = threading.Event()

        def client(worker: int) -> None:
            session = requests.Session()
            n = 0
            while not stop.is_set():
                n += 1
                try:
                    token = session.get(api + "/token", timeout=5).json()["token"]
                    r = session.post(api + "/questions", json=question(f"{worker}-{n}", token=token), headers=ORIGIN, timeout=5)
                except (requests.RequestException, ValueError):
                    return  # the server is gone
                if r.status_code == 201:
                    acknowledged.append(r.json()["code"])

        workers = [threading.Thread(target=client, args=(w,)) for w in range(8)]
        for w in workers:
            w.start()
        deadline = time.monotonic() + 30
        while len(acknowledged) < 150 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)  # no shutdown, no flush: whatever was acknowledged must already be durable
        proc.wait(10)
        stop.set()
        for w in workers:
            w.join(10)
        assert len(acknowledged) >= 150
        submissions(acknowledged, stored_codes(db))
        # The server starts again on the same database and serves it.
        proc = start_cli_server(db, port, tmp_path / "server2.log")
        try:
            r = requests.get(api + "/status", params={"ma": acknowledged[-1]}, headers={"Accept": "application/json"}, timeout=10)
            assert r.json()["status"] == "received"
        finally:
            proc.kill()
            proc.wait(10)


def stored_codes(db: str) -> set[str]:
    store = open_store(db)
    try:
        return {q.code for q in store.questions(SITE_ID, limit=100_000)}
    finally:
        store.close()


@pytest.mark.fault("database stopped")
def test_a_database_that_stops_and_comes_back_loses_nothing_acknowledged(tmp_path, submissions):
    """PostgreSQL goes away under load (every connection dropped, new ones refused) for two seconds,
    then comes back: requests in flight get 503 with Retry-After, never a false "received"; the
    others wait for it; afterwards the endpoint takes questions again by itself."""
    with database("postgres", tmp_path) as direct:
        store = open_store(direct)
        setup_sites(store)
        store.close()
        where = urlsplit(postgres_url())
        assert where.hostname == "127.0.0.1", f"{PG_ENV} must name 127.0.0.1 for this test"
        proxy = TcpProxy(where.port or 5432)
        server = Server(direct.replace(f"127.0.0.1:{where.port or 5432}", f"127.0.0.1:{proxy.port}", 1))
        acknowledged: list[str] = []
        statuses: Counter = Counter()
        stop = threading.Event()

        def client(worker: int) -> None:
            with requests.Session() as session:
                n = 0
                while not stop.is_set():
                    n += 1
                    got = session.get(server.api() + "/token", timeout=30)  # its rate limit is in the database too
                    statuses[got.status_code] += 1
                    if got.status_code != 200:
                        continue
                    token = got.json()["token"]
                    r = session.post(server.api() + "/questions", json=question(f"mất-cơ-sở-dữ-liệu {worker}-{n}", token=token),
                                     headers={**ORIGIN, "Accept": "application/json"}, timeout=30)
                    statuses[r.status_code] += 1
                    if r.status_code == 201:
                        acknowledged.append(r.json()["code"])
                    elif r.status_code == 503:
                        assert int(r.headers["Retry-After"]) > 0 and "chưa được lưu" in r.json()["error"]["message"]

        workers = [threading.Thread(target=client, args=(w,)) for w in range(6)]
        try:
            for w in workers:
                w.start()
            time.sleep(1.0)
            before = len(acknowledged)
            proxy.stop()
            started = time.monotonic()
            # Readiness says so within its 2 s (a load balancer takes the instance out); liveness does not.
            assert requests.get(server.url + "/readyz", timeout=30).status_code == 503
            assert requests.get(server.url + "/livez", timeout=30).json() == {"status": "ok"}
            time.sleep(max(0.0, 2.5 - (time.monotonic() - started)))
            proxy.start()
            time.sleep(3.0)
            assert requests.get(server.url + "/readyz", timeout=30).json() == {"status": "ok", "database": "ok"}
            stop.set()
            for w in workers:
                w.join(60)
            assert before > 0 and set(statuses) <= {200, 201, 503}, statuses
            after = submit_json(server, question("đã có lại cơ sở dữ liệu", token=server.token()))
            assert after.status_code == 201, after.text
            acknowledged.append(after.json()["code"])
        finally:
            stop.set()
            server.close()
            proxy.stop()
        submissions(acknowledged, stored_codes(direct))


@pytest.mark.fault("disk full (Q&A server)")
def test_a_full_disk_answers_503_and_loses_nothing_acknowledged(tmp_path, submissions):
    db = f"sqlite:///{tmp_path / 'qa.sqlite3'}"
    store = open_store(db)
    setup_sites(store)
    store.close()
    port = free_port()
    proc = start_cli_server(db, port, tmp_path / "server.log", max_file_bytes=1_500_000)
    api = f"http://127.0.0.1:{port}/v1/sites/{SITE_ID}"
    acknowledged: list[str] = []
    refused: list[requests.Response] = []
    try:
        with requests.Session() as session:
            for n in range(5000):
                token = session.get(api + "/token", timeout=30).json()["token"]
                r = session.post(api + "/questions", json=question(f"đĩa đầy {n}", token=token),
                                 headers={**ORIGIN, "Accept": "application/json"}, timeout=30)
                if r.status_code == 201:
                    acknowledged.append(r.json()["code"])
                else:
                    refused.append(r)
                    if len(refused) == 5:
                        break
        assert refused, "the disk never filled"
        assert {r.status_code for r in refused} == {503} and all(int(r.headers["Retry-After"]) > 0 for r in refused)
        assert "chưa được lưu" in refused[0].json()["error"]["message"]
        assert proc.poll() is None  # still serving
    finally:
        proc.kill()
        proc.wait(10)
    assert "lỗi khi xử lý POST" in (tmp_path / "server.log").read_text(encoding="utf-8", errors="replace")
    submissions(acknowledged, stored_codes(db))


@pytest.mark.attack("requests")
def test_officers_see_only_their_site_and_every_view_is_logged(server, db):
    r = submit_json(server, question(1, token=server.token()))
    code = r.json()["code"]
    mine, csrf = login(server)
    theirs, their_csrf = login(server, OTHER_ID)
    [q] = mine.get(server.url + "/v1/admin/questions", timeout=30).json()["questions"]
    assert theirs.get(server.url + "/v1/admin/questions", timeout=30).json()["questions"] == []
    assert theirs.get(f"{server.url}/v1/admin/questions/{q['id']}", timeout=30).status_code == 404
    r = theirs.post(f"{server.url}/v1/admin/questions/{q['id']}/reject", json={"reason": "spam"}, headers={"X-CSRF-Token": their_csrf}, timeout=30)
    assert r.status_code == 404
    assert mine.get(f"{server.url}/v1/admin/questions/{q['id']}", timeout=30).json()["code"] == code
    # Without a session, or without the CSRF token, nothing happens.
    assert requests.get(server.url + "/v1/admin/questions", timeout=30).status_code == 401
    r = mine.post(f"{server.url}/v1/admin/questions/{q['id']}/reject", json={"reason": "spam"}, timeout=30)
    assert r.status_code == 403 and "CSRF" in r.json()["error"]["message"]
    r = mine.post(f"{server.url}/v1/admin/questions/{q['id']}/erase", headers={"X-CSRF-Token": csrf}, timeout=30)
    assert r.status_code == 200 and r.json()["name"] is None and r.json()["contact"] is None and r.json()["question"] == ""
    assert requests.post(server.url + "/v1/admin/login", json={"username": f"canbo-{SITE_ID}", "password": "sai-mat-khau-roi"}, timeout=30).status_code == 401
    store = open_store(db)
    try:
        log = store.access_log(SITE_ID)
    finally:
        store.close()
    assert [(actor, action) for _, actor, _, action in reversed(log)] == [
        (f"canbo-{SITE_ID}", "list"), (f"canbo-{SITE_ID}", "view"), (f"canbo-{SITE_ID}", "erase")]


@pytest.mark.attack("requests")
def test_web_admin_login_csrf_escaping_and_moderation(server):
    evil = "<script>alert('x')</script> ' OR 1=1; --"
    submit_json(server, question(1, name=evil, question=f"Câu hỏi có mã độc {evil} cần được hiển thị an toàn.", token=server.token()))
    browser = requests.Session()
    assert browser.get(server.url + "/admin/", allow_redirects=False, timeout=30).headers["Location"].endswith("/admin/login")
    page = browser.get(server.url + "/admin/login", timeout=30)
    assert "script-src" not in page.headers["Content-Security-Policy"] and "default-src 'none'" in page.headers["Content-Security-Policy"]
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    forged = requests.post(server.url + "/admin/login", data={"csrf": "gia-mao", "username": f"canbo-{SITE_ID}", "password": PASSWORD},
                           cookies={"xaweb_qa_login": "khac"}, allow_redirects=False, timeout=30)
    assert forged.status_code == 403
    r = browser.post(server.url + "/admin/login", data={"csrf": csrf, "username": f"canbo-{SITE_ID}", "password": PASSWORD}, allow_redirects=False, timeout=30)
    assert r.status_code == 303 and "HttpOnly" in r.headers["Set-Cookie"] and "SameSite=Strict" in r.headers["Set-Cookie"]
    listing = browser.get(server.url + "/admin/", timeout=30)
    qid = re.search(r'href="/admin/q/(\d+)"', listing.text).group(1)
    detail = browser.get(f"{server.url}/admin/q/{qid}", timeout=30)
    assert "<script>alert" not in detail.text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &#39; OR 1=1; --" in detail.text
    session_csrf = re.search(r'name="csrf" value="([^"]+)"', detail.text).group(1)
    no_csrf = browser.post(f"{server.url}/admin/q/{qid}/reject", data={"reason": "spam"}, allow_redirects=False, timeout=30)
    assert no_csrf.status_code == 403
    r = browser.post(f"{server.url}/admin/q/{qid}/answer", data={"csrf": session_csrf, "answer": "", "office": ""}, timeout=30)
    assert r.status_code == 400 and "Vui lòng nhập nội dung trả lời" in r.text
    r = browser.post(f"{server.url}/admin/q/{qid}/reject", data={"csrf": session_csrf, "reason": "spam"}, allow_redirects=False, timeout=30)
    assert r.status_code == 303
    assert "Không được xử lý" in browser.get(f"{server.url}/admin/q/{qid}", timeout=30).text
    browser.post(server.url + "/admin/logout", data={"csrf": session_csrf}, timeout=30)
    assert browser.get(server.url + "/admin/", allow_redirects=False, timeout=30).status_code == 303


@pytest.mark.fault("server died before replying")
def test_a_retry_after_the_server_died_unanswered_gets_the_stored_code(server, db):
    """The server stored the question and died before it could answer: the citizen's retry of the
    same form gets that question's tracking code, and nothing is stored twice."""
    body = question("mất kết nối", token=server.token())
    store = open_store(db)
    try:
        site = store.site(SITE_ID)
        stored = service.submit_question(store, server.app.secret, server.app.limits, core.RateLimiter(), site, body,
                                         "127.0.0.1", core.utcnow()).question  # what the dead server did before its reply
        retry = submit_json(server, body)
        assert retry.status_code == 200 and retry.json()["code"] == stored.code and retry.json()["repeated"] is True
        assert "đã được tiếp nhận trước đó" in retry.json()["message"]
        # The same from the form without JavaScript: the thank-you page of the first code.
        form = requests.post(server.api() + "/questions", data=body, headers=ORIGIN, allow_redirects=False, timeout=30)
        assert form.status_code == 303 and form.headers["Location"].endswith(f"?ma={stored.code}")
        assert store.count_questions(SITE_ID) == 1
    finally:
        store.close()


def test_officers_reject_a_flood_at_once_and_each_rejection_is_logged(server, db):
    codes = [submit_json(server, question(f"rác {i}", question=f"Quảng cáo số {i}: mua ngay tại đây, giá rẻ bất ngờ!",
                                          token=server.token())).json()["code"] for i in range(12)]
    genuine = submit_json(server, question("thật", token=server.token())).json()["code"]
    others = submit_json(server, question("xã khác", token=server.token(OTHER_ID)), site=OTHER_ID,
                         headers={"Origin": "https://phumy.dongthap.gov.vn"}).json()["code"]
    today = datetime.now(VN_TZ).strftime("%Y-%m-%dT00:00")
    tomorrow = (datetime.now(VN_TZ) + timedelta(days=1)).strftime("%Y-%m-%dT00:00")
    # JSON: 5 of the flood by words, with their CSRF token (without it, nothing happens).
    mine, csrf = login(server)
    flood = {"since": today, "until": tomorrow, "contains": "QUANG CAO SO 1", "reason": "spam"}
    assert mine.post(server.url + "/v1/admin/questions/reject", json=flood, timeout=30).status_code == 403
    r = mine.post(server.url + "/v1/admin/questions/reject", json=flood, headers={"X-CSRF-Token": csrf}, timeout=30)
    assert r.status_code == 200 and r.json() == {"rejected": 0}  # tone marks matter: no match, ...
    flood["contains"] = "QUẢNG CÁO SỐ 1"  # ... but case and spacing do not
    r = mine.post(server.url + "/v1/admin/questions/reject", json=flood, headers={"X-CSRF-Token": csrf}, timeout=30)
    assert r.status_code == 200 and r.json() == {"rejected": 3}  # 1, 10, 11
    r = mine.post(server.url + "/v1/admin/questions/reject", json={**flood, "reason": "khong-co"}, headers={"X-CSRF-Token": csrf}, timeout=30)
    assert r.status_code == 400 and "reason" in r.json()["error"]["fields"]
    # The web admin: the rest of the flood in one form, a status line after.
    browser = requests.Session()
    page = browser.get(server.url + "/admin/login", timeout=30)
    login_csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    browser.post(server.url + "/admin/login", data={"csrf": login_csrf, "username": f"canbo-{SITE_ID}", "password": PASSWORD}, timeout=30)
    listing = browser.get(server.url + "/admin/", timeout=30)
    session_csrf = re.search(r'name="csrf" value="([^"]+)"', listing.text).group(1)
    assert 'action="/admin/reject"' in listing.text and 'type="datetime-local"' in listing.text
    r = browser.post(server.url + "/admin/reject", data={"csrf": session_csrf, "since": today, "until": tomorrow,
                                                         "contains": "mua ngay", "reason": "spam"}, allow_redirects=False, timeout=30)
    assert r.status_code == 303 and r.headers["Location"] == "/admin/?da-tu-choi=9"
    assert "Đã từ chối 9 câu hỏi." in browser.get(server.url + r.headers["Location"], timeout=30).text
    store = open_store(db)
    try:
        status = {q.code: q.status for q in store.questions(SITE_ID, limit=100)}
        assert {status[c] for c in codes} == {"rejected"} and status[genuine] == "received"
        assert store.question_by_code(OTHER_ID, others).status == "received"  # only the officer's own site
        assert [action for _, _, _, action in store.access_log(SITE_ID)].count("reject") == 12
    finally:
        store.close()


@pytest.mark.attack("requests")
def test_admin_urls_cannot_be_made_to_say_or_break_anything(server):
    submit_json(server, question(1, token=server.token()))
    mine, _ = login(server)
    [q] = mine.get(server.url + "/v1/admin/questions", timeout=30).json()["questions"]
    browser = requests.Session()
    page = browser.get(server.url + "/admin/login", timeout=30)
    login_csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    browser.post(server.url + "/admin/login", data={"csrf": login_csrf, "username": f"canbo-{SITE_ID}", "password": PASSWORD}, timeout=30)
    # `?ok=` names an action; the words shown come from the endpoint, never from the URL.
    done = browser.get(f"{server.url}/admin/q/{q['id']}", params={"ok": "answer"}, timeout=30)
    assert "lưu câu trả lời" in done.text
    spoof = "Tài khoản bị khóa, gọi 0900 000 000 để mở"
    spoofed = browser.get(f"{server.url}/admin/q/{q['id']}", params={"ok": spoof}, timeout=30)
    assert spoofed.status_code == 200 and "0900 000 000" not in spoofed.text
    # Ids beyond what a database holds are simply not found.
    for huge in ("99999999999999999999", "9223372036854775808"):
        assert browser.get(f"{server.url}/admin/q/{huge}", timeout=30).status_code == 404
        assert mine.get(f"{server.url}/v1/admin/questions/{huge}", timeout=30).status_code == 404
    assert mine.get(f"{server.url}/v1/admin/questions/9223372036854775807", timeout=30).status_code == 404


def test_ratings_are_anonymous_and_exported_as_totals(server, tmp_path, monkeypatch):
    for score in (5, 5, 4, 1):
        r = requests.post(server.api() + "/ratings", json={"score": score, "comment": "Cán bộ tận tình", "token": server.token()},
                          headers={**ORIGIN, "Accept": "application/json"}, timeout=30)
        assert r.status_code == 201, r.text
    form = requests.post(server.api() + "/ratings", data={"score": "3", "token": server.token()}, headers=ORIGIN, allow_redirects=False, timeout=30)
    assert form.status_code == 303 and form.headers["Location"] == f"{SITE_URL}/danh-gia/da-gui/"
    bad = requests.post(server.api() + "/ratings", json={"score": 9, "token": server.token()}, headers=ORIGIN, timeout=30)
    assert bad.status_code == 400 and "score" in bad.json()["error"]["fields"]
    assert submit_json(server, question("đếm", token=server.token())).status_code == 201
    export = requests.get(server.api() + "/export", headers={"Authorization": f"Bearer {server.export_tokens[SITE_ID]}"}, timeout=30).json()
    assert export["ratings"] == {"count": 5, "average": 3.6, "scores": {"1": 1, "2": 0, "3": 1, "4": 1, "5": 2}}
    assert export["counts"] == {"received": 1, "waiting": 1}  # counts only: the province's dashboard shows them
    assert "Cán bộ tận tình" not in json.dumps(export, ensure_ascii=False)
    monkeypatch.setenv("XAWEB_TEST_QA_TOKEN", server.export_tokens[SITE_ID])
    site = make_site(tmp_path / "site", server.url)
    build(BuildOptions(site, tmp_path / "out", now=NOW))
    listing = lxml.html.parse(str(tmp_path / "out" / "danh-gia" / "index.html"))
    text = " ".join(listing.xpath("//main")[0].text_content().split())
    assert "Điểm trung bình 3,6/5 từ 5 lượt đánh giá" in text
    assert listing.xpath("//form[@data-qa-form='rating']/@action") == [server.api() + "/ratings"]


def test_health_and_unknown_routes(server):
    assert requests.get(server.url + "/healthz", timeout=30).json() == {"status": "ok", "database": "ok"}
    assert requests.get(server.url + "/readyz", timeout=30).json() == {"status": "ok", "database": "ok"}
    server.app.draining = True  # as on SIGTERM: still serving what is in flight, no longer ready
    try:
        r = requests.get(server.url + "/readyz", timeout=30)
        assert r.status_code == 503 and r.json()["status"] == "stopping"
        assert requests.get(server.url + "/livez", timeout=30).json() == {"status": "ok"}
    finally:
        server.app.draining = False
    r = requests.get(server.url + "/khong-co", headers={"Accept": "application/json"}, timeout=30)
    assert r.status_code == 404 and r.json()["error"]["message"] == "Không tìm thấy địa chỉ này."
