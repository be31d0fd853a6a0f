"""Bad requests over real HTTP, against SQLite and PostgreSQL: each gets a clear
4xx with a Vietnamese message, and nothing at all is written."""

from __future__ import annotations

import json
import time
from dataclasses import replace

import pytest
import requests

from qa_support import (BACKENDS, OTHER_ID, OPEN_LIMITS, ORIGIN, PASSWORD, SITE_ID, SITE_URL, Server, database, from_address, question, setup_sites,
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


@pytest.mark.attack("requests")
@pytest.mark.parametrize("name", list(CASES))
def test_bad_request_is_refused_in_vietnamese_and_writes_nothing(setup, name):
    server, store, tokens = setup
    make, status, code = CASES[name]
    before = counts(store)
    refused(make(server, tokens), status, code)
    assert counts(store) == before


@pytest.mark.attack("requests")
def test_repeated_submissions_return_the_first_code_and_store_nothing_new(setup):
    # A citizen on 3G whose answer was lost presses "Gửi" again: the retry must get the
    # same tracking code, never an error and never a second question.
    server, store, _ = setup
    body = question("lặp lại", token=server.token())
    first = submit_json(server, body)
    assert first.status_code == 201 and first.json().get("repeated") is not True
    code = first.json()["code"]
    before = counts(store)
    again = submit_json(server, body)  # the same request again
    assert again.status_code == 200 and again.json()["code"] == code and again.json()["repeated"] is True
    fresh = submit_json(server, {**body, "token": server.token()})  # the same words, a new token
    assert fresh.status_code == 200 and fresh.json()["code"] == code
    spaced = {**body, "question": "  " + body["question"].upper().replace(" ", "   "), "token": server.token()}
    assert submit_json(server, spaced).json()["code"] == code  # case and spacing do not make it new
    # A used token cannot carry other words: that is a replay, not a retry.
    refused(submit_json(server, {**body, "question": body["question"] + " và thêm nữa"}), 409, "replayed")
    assert counts(store) == before


@pytest.mark.attack("requests")
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


@pytest.mark.attack("requests")
def test_cors_is_granted_to_the_site_only(setup):
    server, _, _ = setup
    r = requests.options(server.api() + "/questions", headers={**ORIGIN, "Access-Control-Request-Method": "POST",
                                                               "Access-Control-Request-Headers": "content-type"}, timeout=30)
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == SITE_URL and "Content-Type" in r.headers["Access-Control-Allow-Headers"]
    r = requests.get(server.api() + "/token", headers={"Origin": "https://phumy.dongthap.gov.vn"}, timeout=30)
    assert r.status_code == 403 and "Access-Control-Allow-Origin" not in r.headers


@pytest.mark.attack("requests")
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


def flood(server: Server, addresses: list[str], each: int, tag: str) -> list[requests.Response]:
    """`each` questions from every address, over one kept-alive connection as a script would."""
    answers = []
    with requests.Session() as s:
        for a in addresses:
            for i in range(each):
                token = s.get(server.api() + "/token", timeout=30).json()["token"]
                answers.append(s.post(server.api() + "/questions", json=question(f"{tag}-{a}-{i}", token=token), timeout=30,
                                      headers={"Accept": "application/json", **ORIGIN, **from_address(a)}))
    return answers


@pytest.mark.attack("requests")
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_flood_from_many_addresses_never_closes_the_form_to_a_citizen(backend, tmp_path):
    """The attack: 31 addresses × 10 questions filled the site's hourly budget and every citizen then
    got 429 for an hour. Now an abuser's network runs out of its own budget first, and a site past
    its budget still takes questions from networks that have been quiet."""
    defaults = core.Limits()
    limits = replace(OPEN_LIMITS, ip_questions=defaults.ip_questions, net_questions=defaults.net_questions,
                     site_questions=defaults.site_questions, site_questions_max=defaults.site_questions_max,
                     busy_net_questions=defaults.busy_net_questions)
    assert (limits.ip_questions[0], limits.net_questions[0], limits.site_questions[0]) == (10, 30, 300)
    with database(backend, tmp_path) as db:
        store = open_store(db)
        setup_sites(store)
        server = Server(db, limits, behind_proxy=True)
        try:
            # 31 addresses of one network, 10 each: the network's 30 get in, the rest wait for the real window.
            one_net = flood(server, [f"198.51.100.{k}" for k in range(1, 32)], 10, "a")
            assert sum(r.status_code == 201 for r in one_net) == 30
            late = [r for r in one_net if r.status_code != 201]
            assert {r.status_code for r in late} == {429}
            waits = [int(r.headers["Retry-After"]) for r in late]
            assert all(3000 < w <= 3600 for w in waits), waits  # what is left of the hour, not a made-up 600
            assert f"sau {-(-waits[-1] // 60)} phút" in late[-1].json()["error"]["message"]  # the same wait, in words
            # 27 more networks, 10 each, bring the site to its 300 an hour: it is busy, and a network
            # that has already sent questions this hour waits, wherever it comes from.
            many = flood(server, [f"10.{k}.0.1" for k in range(27)], 10, "b")
            assert sum(r.status_code == 201 for r in many) == 270
            assert store.count_questions(SITE_ID) == 300
            assert {r.status_code for r in flood(server, ["10.3.0.99", "198.51.100.200"], 1, "c")} == {429}
            # A citizen from a network that sent nothing this hour still gets in, and a neighbour too.
            for address in ("203.0.113.7", "203.0.113.8"):
                r = submit_json(server, question(f"dân {address}", token=server.token()), headers=from_address(address))
                assert r.status_code == 201, r.text
            # A third from that network waits; so does every flooding network.
            third = submit_json(server, question("dân 3", token=server.token()), headers=from_address("203.0.113.9"))
            refused(third, 429, "rate_limited")
            assert store.count_questions(SITE_ID) == 302
            # The other commune on the same endpoint keeps its own budgets, even for the flooding network.
            r = submit_json(server, question("xã khác", token=server.token(OTHER_ID)), site=OTHER_ID,
                            headers={**from_address("198.51.100.250"), "Origin": "https://phumy.dongthap.gov.vn"})
            assert r.status_code == 201, r.text
        finally:
            server.close()
            store.close()


@pytest.mark.attack("requests")
def test_login_guesses_from_many_addresses_slow_down_per_account(tmp_path, caplog):
    """100 guesses from 10 addresses were all processed: the account now slows every caller down."""
    with database("sqlite", tmp_path) as db:
        store = open_store(db)
        setup_sites(store)
        server = Server(db, behind_proxy=True)
        try:
            account = {"username": f"canbo-{SITE_ID}"}
            with caplog.at_level("WARNING", logger="xaweb.qa"):
                answers = [requests.post(server.url + "/v1/admin/login", json={**account, "password": f"doan-sai-{i}"},
                                         headers=from_address(f"192.0.2.{i % 10 + 1}"), timeout=30) for i in range(100)]
            statuses = [r.status_code for r in answers]
            assert statuses[:5] == [401] * 5  # an officer who mistypes is not slowed at all
            assert statuses.count(401) <= 8 and statuses.count(429) >= 92, statuses
            slowed = next(r for r in answers if r.status_code == 429)
            assert 1 <= int(slowed.headers["Retry-After"]) <= 2
            assert "tài khoản này" in slowed.json()["error"]["message"]
            logged = [r.getMessage() for r in caplog.records if "admin login" in r.getMessage()]
            assert logged and f"canbo-{SITE_ID}" in logged[0] and "192.0.2." in logged[0]
            # Even the right password waits out the delay (nothing tells a guesser it was right) ...
            right = {**account, "password": PASSWORD}
            held = requests.post(server.url + "/v1/admin/login", json=right, timeout=30)
            assert held.status_code == 429
            # ... and once it has passed, it gets in and the count starts again.
            time.sleep(int(held.headers["Retry-After"]) + 0.2)
            assert requests.post(server.url + "/v1/admin/login", json=right, timeout=30).status_code == 200
            assert requests.post(server.url + "/v1/admin/login", json={**account, "password": "sai"}, timeout=30).status_code == 401
        finally:
            server.close()
            store.close()
