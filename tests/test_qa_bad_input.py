"""Bad requests over real HTTP, against SQLite and PostgreSQL: each gets a clear
4xx with a Vietnamese message, and nothing at all is written."""

from __future__ import annotations

import json
import time

import pytest
import requests

from qa_support import (BACKENDS, OPEN_LIMITS, ORIGIN, SITE_ID, SITE_URL, Server, database, question, setup_sites,
                        submit_json)
from xaweb.qa import core
from xaweb.qa.backends import open_store

VIETNAMESE = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùýĐ")
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json", **ORIGIN}
EVIL = ["<script>alert(1)</script>", "'); DROP TABLE questions; --", "\" OR \"1\"=\"1", "<img src=x onerror=alert(1)>"]


@pytest.fixture(scope="module", params=BACKENDS)
def setup(request, tmp_path_factory):
    """One server per back-end for the module; tests check the question count around each request."""
    with database(request.param, tmp_path_factory.mktemp("bad")) as db:
        store = open_store(db)
        tokens = setup_sites(store)
        srv = Server(db)
        yield srv, store, tokens
        srv.close()
        store.close()


def counts(store) -> tuple[int, int]:
    return store.count_questions(), len(store.ratings(SITE_ID, 10_000))


def refused(r: requests.Response, status: int, code: str | None = None) -> dict:
    assert r.status_code == status, (r.status_code, r.text[:500])
    if r.headers["Content-Type"].startswith("application/json"):
        error = r.json()["error"]
        message = error["message"]
        if code:
            assert error["code"] == code, error
    else:
        message = r.text
        error = {}
    assert VIETNAMESE & set(message), message
    return error


def post(server: Server, body: bytes | str, content_type: str, site: str = SITE_ID, **headers) -> requests.Response:
    return requests.post(server.api(site) + "/questions", data=body, timeout=30,
                         headers={"Content-Type": content_type, "Accept": "application/json", **ORIGIN, **headers})


def ok(server: Server, **changes) -> str:
    return json.dumps(question("x", token=server.token(), **changes))


BIG = json.dumps(question("x", token="t", question="Câu hỏi " * 9000))
# name -> (request(server, export tokens), status, error code); each makes a fresh token where it needs one.
CASES = {
    "oversized body": (lambda s, t: post(s, BIG, "application/json"), 413, "too_large"),
    "very large body": (lambda s, t: post(s, b"a=" + b"x" * (3 * 1024 * 1024), "application/x-www-form-urlencoded"), 413, "too_large"),
    "chunked oversized body": (lambda s, t: requests.post(s.api() + "/questions", data=iter([b"x" * 20000] * 5), timeout=30,
                                                     headers=JSON_HEADERS), 413, "too_large"),
    "text/plain": (lambda s, t: post(s, ok(s), "text/plain"), 415, "bad_type"),
    "multipart": (lambda s, t: requests.post(s.api() + "/questions", files={"name": ("a", b"b")}, headers={"Accept": "application/json", **ORIGIN}, timeout=30), 415, "bad_type"),
    "xml": (lambda s, t: post(s, "<q/>", "application/xml"), 415, "bad_type"),
    "missing fields": (lambda s, t: post(s, json.dumps({"token": s.token()}), "application/json"), 400, "invalid"),
    "missing consent": (lambda s, t: post(s, ok(s, consent=False), "application/json"), 400, "invalid"),
    "question too short": (lambda s, t: post(s, ok(s, question="Hỏi?"), "application/json"), 400, "invalid"),
    "name too long": (lambda s, t: post(s, ok(s, name="A" * 101), "application/json"), 400, "invalid"),
    "bad contact": (lambda s, t: post(s, ok(s, contact="gọi tôi nhé"), "application/json"), 400, "invalid"),
    "invalid UTF-8 form": (lambda s, t: post(s, b"name=%FF%FE&question=" + b"x" * 30, "application/x-www-form-urlencoded"), 400, "bad_encoding"),
    "raw non-ASCII form": (lambda s, t: post(s, "name=Tân".encode("latin-1"), "application/x-www-form-urlencoded"), 400, "bad_encoding"),
    "invalid UTF-8 JSON": (lambda s, t: post(s, b'{"name": "\xff\xfe"}', "application/json"), 400, "bad_encoding"),
    "malformed JSON": (lambda s, t: post(s, b'{"name": ', "application/json"), 400, "bad_json"),
    "JSON array": (lambda s, t: post(s, b'[1, 2]', "application/json"), 400, "bad_json"),
    "nested JSON": (lambda s, t: post(s, json.dumps({"name": {"a": 1}}), "application/json"), 400, "bad_json"),
    "no token": (lambda s, t: post(s, json.dumps(question("x")), "application/json"), 400, "bad_token"),
    "forged token": (lambda s, t: post(s, json.dumps(question("x", token=f"{int(time.time()) - 60}.abcdefghijkl.{'0' * 32}")), "application/json"), 400, "bad_token"),
    "token of another site": (lambda s, t: post(s, json.dumps(question("x", token=s.token("phu-my"))), "application/json"), 400, "bad_token"),
    "too old token": (lambda s, t: post(s, json.dumps(question("x", token=core.issue_token(s.app.secret, SITE_ID, time.time() - 3 * 86400))), "application/json"), 400, "too_old"),
    "honeypot filled": (lambda s, t: post(s, ok(s, website="http://spam.example"), "application/json"), 400, "spam"),
    "honeypot in a form": (lambda s, t: requests.post(s.api() + "/questions", data={**question("x"), "website": "x"}, headers=ORIGIN, timeout=30), 400, None),
    "wrong Origin": (lambda s, t: post(s, ok(s), "application/json", Origin="https://evil.example"), 403, "bad_origin"),
    "wrong Origin preflight": (lambda s, t: requests.options(s.api() + "/questions", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}, timeout=30), 403, "bad_origin"),
    "unknown site": (lambda s, t: post(s, ok(s), "application/json", site="khong-co"), 404, "unknown_site"),
    "malformed site id": (lambda s, t: post(s, ok(s), "application/json", site="..%2Fadmin"), 404, None),
    "GET on submit": (lambda s, t: requests.get(s.api() + "/questions", headers={"Accept": "application/json"}, timeout=30), 405, "http_405"),
    "forged export token": (lambda s, t: requests.get(s.api() + "/export", headers={"Authorization": "Bearer gia-mao"}, timeout=30), 401, "bad_export_token"),
    "other site's export token": (lambda s, t: requests.get(s.api() + "/export", headers={"Authorization": f"Bearer {t['phu-my']}"}, timeout=30), 401, "bad_export_token"),
    "unknown tracking code": (lambda s, t: requests.get(s.api() + "/status", params={"ma": "2222-3333-4444"}, headers={"Accept": "application/json"}, timeout=30), 404, "unknown_code"),
    "malformed tracking code": (lambda s, t: requests.get(s.api() + "/status", params={"ma": "' OR 1=1 --"}, headers={"Accept": "application/json"}, timeout=30), 404, "unknown_code"),
    "rating out of range": (lambda s, t: requests.post(s.api() + "/ratings", json={"score": "6", "token": s.token()}, headers={**ORIGIN, "Accept": "application/json"}, timeout=30), 400, "invalid"),
    "rating forged session": (lambda s, t: requests.get(s.url + "/v1/admin/questions", cookies={"xaweb_qa_session": "gia-mao"}, timeout=30), 401, "login_required"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_request_is_refused_in_vietnamese_and_writes_nothing(setup, name):
    server, store, tokens = setup
    make, status, code = CASES[name]
    before = counts(store)
    refused(make(server, tokens), status, code)
    assert counts(store) == before


def test_replayed_and_duplicate_submissions(setup):
    server, store, _ = setup
    body = question("lặp lại", token=server.token())
    assert submit_json(server, body).status_code == 201
    before = counts(store)
    refused(submit_json(server, body), 409, "replayed")  # the same request again
    refused(submit_json(server, {**body, "token": server.token()}), 409, "duplicate")  # the same words, a new token
    spaced = {**body, "question": "  " + body["question"].upper().replace(" ", "   "), "token": server.token()}
    refused(submit_json(server, spaced), 409, "duplicate")  # case and spacing do not make it new
    assert counts(store) == before


def test_injection_strings_are_stored_verbatim_and_shown_escaped(setup):
    server, store, _ = setup
    for i, evil in enumerate(EVIL):
        r = submit_json(server, question(i, name=f"Tên {evil}"[:100], question=f"Nội dung câu hỏi thử nghiệm {evil} kết thúc.", token=server.token()))
        assert r.status_code == 201, r.text
        status = requests.get(server.api() + "/status", params={"ma": r.json()["code"]}, timeout=30)  # HTML view
        assert "<script>" not in status.text and "onerror=alert" not in status.text.replace("onerror=alert(1)&gt;", "")
        saved = store.question_by_code(SITE_ID, r.json()["code"])
        assert evil in saved.question and evil in saved.name
    assert store.count_questions() > 0  # the table is still there


def test_no_javascript_form_flow_and_its_errors(setup):
    server, store, _ = setup
    before = counts(store)
    # Without a token (JavaScript off), the endpoint shows the filled-in form to confirm, with a token.
    r = requests.post(server.api() + "/questions", data=question("không JS", name="<b>Bình</b>"), headers=ORIGIN, timeout=30)
    assert r.status_code == 200 and "text/html" in r.headers["Content-Type"]
    assert counts(store) == before
    assert 'value="&lt;b&gt;Bình&lt;/b&gt;"' in r.text and "<b>Bình</b>" not in r.text
    token = r.text.split('name="token" value="', 1)[1].split('"', 1)[0]
    # A field error comes back on the same page, tied to its field, status 400, nothing stored.
    bad = requests.post(server.api() + "/questions", data={**question("không JS"), "question": "ngắn", "token": token}, headers=ORIGIN, timeout=30)
    assert bad.status_code == 400 and 'aria-describedby="loi-question"' in bad.text and "ít nhất 20 ký tự" in bad.text
    assert counts(store) == before
    ok = requests.post(server.api() + "/questions", data={**question("không JS"), "token": token}, headers={"Origin": server.url}, allow_redirects=False, timeout=30)
    assert ok.status_code == 303 and ok.headers["Location"].startswith(f"{SITE_URL}/hoi-dap/da-gui/?ma=")


def test_cors_is_granted_to_the_site_only(setup):
    server, _, _ = setup
    r = requests.options(server.api() + "/questions", headers={**ORIGIN, "Access-Control-Request-Method": "POST",
                                                               "Access-Control-Request-Headers": "content-type"}, timeout=30)
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == SITE_URL and "Content-Type" in r.headers["Access-Control-Allow-Headers"]
    r = requests.get(server.api() + "/token", headers={"Origin": "https://phumy.dongthap.gov.vn"}, timeout=30)
    assert r.status_code == 403 and "Access-Control-Allow-Origin" not in r.headers


@pytest.mark.parametrize("backend", BACKENDS)
def test_rate_limits_and_too_fast_tokens(backend, tmp_path):
    with database(backend, tmp_path) as db:
        store = open_store(db)
        setup_sites(store)
        limits = OPEN_LIMITS.__class__(**{**OPEN_LIMITS.__dict__, "min_seconds": 1.0, "ip_questions": (3, 600.0), "ip_ratings": (2, 600.0)})
        server = Server(db, limits)
        try:
            token = server.token()
            refused(submit_json(server, question(0, token=token)), 400, "too_fast")
            assert store.count_questions() == 0
            tokens = [server.token() for _ in range(5)]
            time.sleep(1.1)
            assert submit_json(server, question(0, token=token)).status_code == 201  # the same token, now old enough
            for i in range(2):
                assert submit_json(server, question(i + 1, token=tokens[i])).status_code == 201
            r = submit_json(server, question(9, token=tokens[3]))
            refused(r, 429, "rate_limited")
            assert r.headers["Retry-After"]
            assert store.count_questions() == 3
        finally:
            server.close()
            store.close()
