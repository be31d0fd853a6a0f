"""`xaweb qa …` from a terminal (click's CliRunner), retention on both databases,
and an offline build from an exported file."""

from __future__ import annotations

import json
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from qa_support import BACKENDS, PASSWORD, SITE_ID, database, free_port, question, setup_sites, start_cli_server
from xaweb.build import BuildOptions, build
from xaweb.cli import cli
from xaweb.qa import core, service
from xaweb.qa.backends import open_store
from xaweb.qa.store import MIGRATIONS
from xaweb.vietnamese import VN_TZ


def run(*args: str, input: str | None = None, ok: bool = True):
    result = CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)
    assert (result.exit_code == 0) == ok, result.output
    return result.output


def submit(db: str, n: int, **extra) -> core.Question:
    store = open_store(db)
    try:
        site = store.site(SITE_ID)
        return store.add_question(core.validate_question(question(n, **extra), site, f"nonce-{n:06d}", core.utcnow()))
    finally:
        store.close()


def test_cli_moderation_round_trip_and_offline_build(tmp_path):
    db = f"sqlite:///{tmp_path / 'qa.sqlite3'}"
    out = run("qa", "site", "add", SITE_ID, "--db", db, "--url", "https://tanan.dongthap.gov.vn", "--name", "UBND xã Tân An", "--retention-days", "90")
    assert "Mã truy cập API xuất" in out
    run("qa", "site", "add", "Sai Mã", "--db", db, "--url", "https://x.vn", ok=False)
    run("qa", "account", "add", "canbo", "--site", SITE_ID, "--db", db, "--password-stdin", input=PASSWORD + "\n")
    assert "Mật khẩu cần ít nhất" in run("qa", "account", "add", "yeu", "--site", SITE_ID, "--db", db, "--password-stdin", input="ngan\n", ok=False)
    assert f"{SITE_ID}\tcanbo" in run("qa", "account", "list", "--db", db)
    q = submit(db, 1, name="Phạm Văn Minh", contact="minh@example.vn")
    listed = run("qa", "list", "--site", SITE_ID, "--db", db, "--status", "received").splitlines()
    assert listed[0] == "Số\tMã theo dõi\tNhận lúc (giờ Việt Nam)\tTrạng thái\tLĩnh vực\tNội dung"
    row = listed[1].split("\t")
    received = core.utcnow().astimezone(VN_TZ)
    assert row[:2] == [str(q.id), q.code] and row[3] == "Đã tiếp nhận, đang xử lý" and "minh@example.vn" not in listed[1]
    assert re.fullmatch(r"\d\d:\d\d \d\d/\d\d/\d{4}", row[2]) and row[2].endswith(received.strftime("%d/%m/%Y"))
    assert run("qa", "list", "--site", SITE_ID, "--db", db, "--status", "published").strip() == "Không có câu hỏi nào ở trạng thái «Đã trả lời và đăng công khai»."
    shown = json.loads(run("qa", "show", str(q.id), "--site", SITE_ID, "--db", db, "--format", "json"))
    assert shown["contact"] == "minh@example.vn"
    text = run("qa", "show", str(q.id), "--site", SITE_ID, "--db", db)
    assert text.startswith(f"Câu hỏi số {q.id} — mã theo dõi {q.code}\nTrạng thái: Đã tiếp nhận, đang xử lý\n")
    assert "Người hỏi: Phạm Văn Minh" in text and "Liên hệ: minh@example.vn" in text
    assert f"Nhận lúc: {row[2]}" in text  # Vietnam's time, as in the list
    assert "Không thể đăng công khai" in run("qa", "publish", str(q.id), "--site", SITE_ID, "--db", db, ok=False)  # not answered
    answer_file = tmp_path / "tra-loi.md"
    answer_file.write_text("Bạn liên hệ **Văn phòng** xã.\n", encoding="utf-8")
    assert "Đã trả lời" in run("qa", "answer", str(q.id), "--site", SITE_ID, "--db", db, "--answer-file", answer_file,
                               "--office", "Văn phòng UBND xã", "--title", "Liên hệ ở đâu?", "--public-question", "Tôi liên hệ ở đâu?")
    assert "đăng công khai" in run("qa", "publish", str(q.id), "--site", SITE_ID, "--db", db)
    untitled = submit(db, 3)
    run("qa", "answer", str(untitled.id), "--site", SITE_ID, "--db", db, "--answer", "Có.", "--office", "Văn phòng UBND xã")
    refused = run("qa", "publish", str(untitled.id), "--site", SITE_ID, "--db", db, ok=False)
    assert "--title: Cần tiêu đề công khai" in refused and "--public-question: Cần nội dung câu hỏi công khai" in refused
    assert f"xaweb qa answer {untitled.id} --site {SITE_ID}" in refused  # how to set them
    other = submit(db, 2)
    run("qa", "reject", str(other.id), "--site", SITE_ID, "--db", db, "--reason", "spam")
    run("qa", "reject", str(other.id), "--site", SITE_ID, "--db", db, "--reason", "spam", ok=False)  # already rejected
    run("qa", "erase", "--code", other.code.lower(), "--site", SITE_ID, "--db", db)

    export = tmp_path / "hoi-dap.json"
    run("qa", "export", "--site", SITE_ID, "--db", db, "-o", export)
    data = json.loads(export.read_text(encoding="utf-8"))
    assert [x["title"] for x in data["questions"]] == ["Liên hệ ở đâu?"] and data["retention_days"] == 90
    assert "Phạm Văn Minh" not in export.read_text(encoding="utf-8") and "minh@example.vn" not in export.read_text(encoding="utf-8")

    log = run("qa", "access-log", "--site", SITE_ID, "--db", db)
    assert [line.split("\t")[3] for line in log.splitlines()][::-1] == ["list", "list", "view", "view", "answer", "publish", "answer",
                                                                        "reject", "erase"]

    site = tmp_path / "site"
    (site / "content" / "hoi-dap").mkdir(parents=True)
    export.rename(site / "hoi-dap.json")  # an export file is read only from inside the site folder
    (site / "site.yaml").write_text(f"name: Tân An\nprovince: Đồng Tháp\nqa:\n  site_id: {SITE_ID}\n  export_file: hoi-dap.json\n", encoding="utf-8")
    result = build(BuildOptions(site, tmp_path / "out", now=core.utcnow().astimezone(VN_TZ)))
    assert result.qa_pages == 2
    listing = (tmp_path / "out" / "hoi-dap" / "index.html").read_text(encoding="utf-8")
    assert "Liên hệ ở đâu?" in listing
    # No endpoint configured: contact details instead of the form, and no thank-you page.
    assert "data-qa-form" not in listing and not (tmp_path / "out" / "hoi-dap" / "da-gui").exists()

    run("qa", "account", "remove", "canbo", "--db", db)
    run("qa", "account", "remove", "canbo", "--db", db, ok=False)


def test_limits_option_is_checked():
    from xaweb.qa.cli import parse_limits

    limits = parse_limits(("ip_questions=10/60", "min_seconds=0", "body_bytes=2048"))
    assert (limits.ip_questions, limits.min_seconds, limits.body_bytes) == ((10, 60.0), 0.0, 2048)
    with pytest.raises(Exception, match="không phải là giới hạn"):
        parse_limits(("ip_qestions=1/1",))
    # Each value in its field's shape: a window where a count is due, and the reverse, are refused.
    for wrong in ("ip_questions=10", "min_seconds=1/60", "busy_net_questions=2.5", "ip_questions=a/60"):
        with pytest.raises(Exception, match="giá trị không hợp lệ"):
            parse_limits((wrong,))


@pytest.mark.parametrize("backend", BACKENDS)
def test_retention_erases_personal_data_after_the_answer(backend, tmp_path):
    with database(backend, tmp_path) as db:
        store = open_store(db)
        try:
            setup_sites(store)  # retention: 30 days
            now = core.utcnow()
            site = store.site(SITE_ID)
            old = store.add_question(core.validate_question(question(1), site, "nonce-old-1", now - timedelta(days=40)))
            store.update_question(core.answer(old, "Đáp", "VP", now - timedelta(days=31)), old.status)
            recent = store.add_question(core.validate_question(question(2), site, "nonce-new-1", now - timedelta(days=40)))
            store.update_question(core.answer(recent, "Đáp", "VP", now - timedelta(days=5)), recent.status)
            waiting = store.add_question(core.validate_question(question(3), site, "nonce-wait-1", now - timedelta(days=400)))
            store.add_rating(core.Rating(SITE_ID, 4, now - timedelta(days=45), "nonce-r-1", "Góp ý có tên Nguyễn Văn A"))
            assert service.purge_expired(store, now) == 1
            erased = store.question(SITE_ID, old.id)
            assert (erased.name, erased.contact, erased.question) == (None, None, "") and erased.answer == "Đáp"
            assert store.question(SITE_ID, recent.id).name and store.question(SITE_ID, waiting.id).name
            assert [r.comment for r in store.ratings(SITE_ID)] == [None] and store.scores(SITE_ID) == [4]
            assert ("retention", old.id, "erase") in [(a, q, act) for _, a, q, act in store.access_log(SITE_ID)]
            assert service.purge_expired(store, now) == 0
            # The same words may be asked again once the first were erased.
            store.add_question(core.validate_question(question(1), site, "nonce-old-2", now))
        finally:
            store.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_migrations_are_recorded_and_idempotent(backend, tmp_path):
    with database(backend, tmp_path) as db:
        first = open_store(db)
        try:
            assert first.schema_version() == len(MIGRATIONS)
            assert first.migrate(core.utcnow()) == []
        finally:
            first.close()
        second = open_store(db)  # a second process opening the same database
        try:
            assert second.schema_version() == len(MIGRATIONS) and len(second.secret()) == 32
        finally:
            second.close()


def test_every_instance_signs_form_tokens_with_the_configured_key(tmp_path):
    """XAWEB_QA_SECRET: the key every instance shares (else the one kept in the database); too short is refused."""
    db = f"sqlite:///{tmp_path / 'qa.sqlite3'}"
    store = open_store(db)
    setup_sites(store)
    kept = store.secret()
    store.close()
    key = "khoa-bi-mat-dung-chung-cho-moi-may-chu-hoi-dap"
    port = free_port()
    proc = start_cli_server(db, port, tmp_path / "server.log", env={"XAWEB_QA_SECRET": key})
    try:
        form = requests.get(f"http://127.0.0.1:{port}/v1/sites/{SITE_ID}/token", timeout=30).json()["token"]
    finally:
        proc.terminate()
        proc.wait(30)
    now = time.time() + 5
    assert core.check_token(key.encode("utf-8"), SITE_ID, form, now, core.Limits())
    with pytest.raises(core.QaError):
        core.check_token(kept, SITE_ID, form, now, core.Limits())
    short = CliRunner().invoke(cli, ["qa", "serve", "--db", db], env={"XAWEB_QA_SECRET": "ngan"})
    assert short.exit_code == 1 and "XAWEB_QA_SECRET" in short.output


def test_cli_needs_a_database(monkeypatch):
    monkeypatch.delenv("XAWEB_QA_DB", raising=False)
    result = CliRunner().invoke(cli, ["qa", "list", "--site", SITE_ID])
    assert result.exit_code == 2 and "--db" in result.output


def test_the_password_is_hashed(tmp_path):
    db = f"sqlite:///{tmp_path / 'qa.sqlite3'}"
    run("qa", "site", "add", SITE_ID, "--db", db, "--url", "https://tanan.dongthap.gov.vn")
    run("qa", "account", "add", "canbo", "--site", SITE_ID, "--db", db, "--password-stdin", input=PASSWORD + "\n")
    store = open_store(db)
    try:
        stored = store.account("canbo").password_hash
    finally:
        store.close()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert Path(tmp_path / "qa.sqlite3").read_bytes().find(PASSWORD.encode()) == -1


def test_no_endpoint_means_contact_details_instead_of_a_form(tmp_path):
    site = tmp_path / "site"
    (site / "content" / "hoi-dap").mkdir(parents=True)
    (site / "site.yaml").write_text("name: Tân An\nprovince: Đồng Tháp\ncontact:\n  phone: 0277 3 899 100\n", encoding="utf-8")
    build(BuildOptions(site, tmp_path / "out", cache=False))
    html = (tmp_path / "out" / "hoi-dap" / "index.html").read_text(encoding="utf-8")
    assert "<form" not in html.split("<main", 1)[1] and 'href="tel:02773899100"' in html
    assert not Path(tmp_path / "out" / "chinh-sach-du-lieu").exists()
