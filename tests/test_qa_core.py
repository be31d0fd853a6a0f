"""The rules of the Q&A endpoint (xaweb/qa/core.py) and the export -> pages step
(xaweb/content/qa_pages.py), as pure functions: strings and dates in, values out."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from xaweb.content.markup import make_markdown, plain_text, render_markdown
from xaweb.i18n import Translator
from xaweb.content import qa_pages as publish
from xaweb.qa import core
from xaweb.qa.core import Limits, QaError

SITE = core.Site("tan-an", "https://tanan.dongthap.gov.vn")
NOW = datetime(2026, 1, 10, 8, 0, tzinfo=timezone.utc)
SECRET = b"k" * 32


def new_question(**fields) -> core.Question:
    data = {"name": "Lê Văn An", "question": "Xin hỏi lịch tiếp công dân tháng này vào ngày nào ạ?", "consent": "on", **fields}
    return core.validate_question(data, SITE, "nonce-0001", NOW)


def test_text_is_nfc_without_control_or_bidi_characters():
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hoa")
    assert core.clean_text(f"  {nfd}\u202e\x00\t ") == "Nguyễn Thị Hoa"
    assert core.clean_text("dòng 1\r\n\r\n\r\n\r\ndòng   2", multiline=True) == "dòng 1\n\ndòng 2"
    assert new_question(name=nfd).name == "Nguyễn Thị Hoa"


def test_contact_is_a_phone_or_an_email():
    assert core.clean_contact("0912.345.678") == "0912345678"
    assert core.clean_contact("+84 912 345 678") == "+84912345678"
    assert core.clean_contact("an@example.vn") == "an@example.vn"
    assert core.clean_contact("số nhà 5") is None


def test_every_field_problem_is_reported_at_once():
    with pytest.raises(QaError) as exc:
        core.validate_question({"contact": "xyz", "question": "ngắn"}, SITE, "n", NOW)
    assert exc.value.status == 400 and set(exc.value.fields) == {"name", "contact", "question", "consent"}
    assert "20 ký tự" in exc.value.fields["question"]


def test_consent_is_never_assumed_and_publishing_the_name_is_separate():
    with pytest.raises(QaError):
        new_question(consent="")
    q = new_question()
    assert q.publish_name is False and q.consent_at == NOW
    assert new_question(publish_name="on").publish_name is True


def test_tokens_forged_too_fast_too_old_or_for_another_site_are_refused():
    limits = Limits(min_seconds=3, max_seconds=3600)
    token = core.issue_token(SECRET, "tan-an", NOW.timestamp())
    assert core.check_token(SECRET, "tan-an", token, NOW.timestamp() + 5, limits) == token.split(".")[1]
    for site, now, secret, code in (("tan-an", NOW.timestamp() + 1, SECRET, "too_fast"), ("tan-an", NOW.timestamp() + 4000, SECRET, "too_old"),
                                    ("phu-my", NOW.timestamp() + 5, SECRET, "bad_token"), ("tan-an", NOW.timestamp() + 5, b"x" * 32, "bad_token")):
        with pytest.raises(QaError) as exc:
            core.check_token(secret, site, token, now, limits)
        assert exc.value.code == code
    stamp, nonce, mac = token.split(".")
    with pytest.raises(QaError):
        core.check_token(SECRET, "tan-an", f"{int(stamp) - 100}.{nonce}.{mac}", NOW.timestamp() + 5, limits)


def test_tracking_codes_read_aloud():
    code = core.new_code()
    assert len(code) == 14 and core.normalize_code(code) == code
    assert core.normalize_code(code.lower().replace("-", " ")) == code
    assert core.normalize_code("2O2I-3333-4444") is None  # O and I are not in the alphabet: never a valid code
    assert core.normalize_code("not a code") is None
    assert len({core.new_code() for _ in range(1000)}) == 1000


def test_duplicates_ignore_case_spacing_and_normalization():
    a = core.dedup_key("s", "Lê An", "", "Hỏi   về ĐẤT đai")
    b = core.dedup_key("s", "lê an", "", unicodedata.normalize("NFD", "hỏi về đất đai "))
    assert a == b and a != core.dedup_key("t", "Lê An", "", "Hỏi về đất đai")


def test_moderation_state_machine():
    q = new_question()
    with pytest.raises(QaError):
        core.publish(q, NOW)  # not answered yet
    answered = core.answer(q, "Thứ Năm hằng tuần.", "Văn phòng UBND", NOW, title="Lịch tiếp công dân", public_question="Lịch tiếp công dân?")
    assert answered.status == core.ANSWERED and answered.question == q.question  # the citizen's words are never rewritten
    published = core.publish(answered, NOW)
    assert published.status == core.PUBLISHED
    edited = core.answer(published, "Thứ Năm và thứ Sáu.", "Văn phòng UBND", NOW + timedelta(days=1))
    assert edited.status == core.PUBLISHED and edited.answered_at == published.answered_at
    with pytest.raises(QaError):
        core.reject(published, "spam", NOW)
    with pytest.raises(QaError):
        core.reject(q, "không thích", NOW)
    assert core.reject(q, "spam", NOW).status == core.REJECTED
    with pytest.raises(QaError) as exc:
        core.publish(core.answer(q, "x", "y", NOW), NOW)
    assert set(exc.value.fields) == {"title", "public_question"}


def test_erasure_and_retention():
    q = core.answer(new_question(contact="0912345678", publish_name="on"), "Đáp", "VP", NOW, "T", "Q")
    erased = core.erase(q, NOW)
    assert (erased.name, erased.contact, erased.question, erased.publish_name, erased.dedup_key) == (None, None, "", False, None)
    assert erased.answer == "Đáp" and erased.public_question == "Q"
    assert not core.retention_due(q, 30, NOW + timedelta(days=29))
    assert core.retention_due(q, 30, NOW + timedelta(days=30))
    assert not core.retention_due(erased, 30, NOW + timedelta(days=90))
    assert not core.retention_due(new_question(), 30, NOW + timedelta(days=900))  # unanswered: still needed


def test_status_view_and_export_hold_no_personal_data():
    q = replace(core.publish(core.answer(new_question(contact="an@example.vn"), "Đáp", "VP", NOW, "T", "Câu hỏi công khai"), NOW), id=4)
    view = core.status_view(q, SITE)
    assert "Lê Văn An" not in str(view) and "an@example.vn" not in str(view) and "lịch tiếp" not in str(view)
    doc = core.export_document(SITE, [q], [5, 4])
    assert "Lê Văn An" not in str(doc) and "an@example.vn" not in str(doc) and q.question not in str(doc)
    assert doc["questions"][0]["question"] == "Câu hỏi công khai"
    assert core.export_document(SITE, [replace(q, publish_name=True)], [])["questions"][0]["name"] == "Lê Văn An"


def test_rate_limiter_slides():
    clock = [0.0]
    limiter = core.RateLimiter(lambda: clock[0])
    assert [limiter.hit("ip", (2, 10.0)) for _ in range(3)] == [True, True, False]
    assert limiter.hit("other", (2, 10.0))
    clock[0] = 10.5
    assert limiter.hit("ip", (2, 10.0))


def test_rate_limiter_says_the_real_wait_and_counts_all_or_nothing():
    clock = [100.0]
    limiter = core.RateLimiter(lambda: clock[0])
    assert limiter.wait("ip", (2, 60.0)) == 0.0
    clock[0] = 130.0
    assert limiter.wait("ip", (2, 60.0)) == 0.0
    clock[0] = 140.0
    assert limiter.wait("ip", (2, 60.0)) == 20.0  # until the first of the two leaves the window
    # A refused event uses no budget of the other keys checked with it.
    assert limiter.wait_all([("site", (5, 60.0)), ("ip", (2, 60.0))]) == 20.0
    assert limiter.refusal([("site", (1, 60.0))]) == (0.0, -1)  # the site's count was not touched by the refusal
    assert limiter.refusal([("other", (1, 60.0)), ("ip", (2, 60.0))]) == (20.0, 1)  # which check refused
    # While "site" has had 1 event (past its threshold), check 0 allows 1 event instead of 5.
    busy = core.Tighter("site", (1, 60.0), 0, 1)
    assert limiter.refusal([("net", (5, 60.0))], busy) == (0.0, -1)
    assert limiter.refusal([("net", (5, 60.0))], busy) == (60.0, 0)
    assert core.too_many("câu hỏi", 20.0).retry_after == 20 and "1 phút" in core.too_many("câu hỏi", 20.0).message
    assert core.too_many("câu hỏi", 3599.2).retry_after == 3600 and "60 phút" in core.too_many("câu hỏi", 3599.2).message


def test_login_delay_doubles_per_account_and_a_success_clears_it():
    clock = [0.0]
    throttle = core.LoginThrottle(free=3, cap=10.0, clock=lambda: clock[0])
    for _ in range(3):
        assert throttle.wait("canbo") == 0.0
        throttle.failed("canbo")
    assert throttle.wait("canbo") == 2.0 and throttle.wait("khac") == 0.0
    clock[0] = 2.0
    throttle.failed("canbo")
    assert throttle.wait("canbo") == 4.0
    for _ in range(5):
        throttle.failed("canbo")
    assert throttle.wait("canbo") == 10.0  # capped: never locked for good
    throttle.succeeded("canbo")
    assert throttle.wait("canbo") == 0.0


@pytest.mark.parametrize("address, network", [("198.51.100.7", "198.51.100.0/24"), ("::ffff:198.51.100.7", "198.51.100.0/24"),
                                              ("2001:db8:1:2::5", "2001:db8:1::/48"), ("khong-phai-ip", "khong-phai-ip")])
def test_network_of_groups_one_abusers_addresses(address, network):
    assert core.network_of(address) == network


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "# tiêu đề\n- mục\n1. số\n> trích", "**đậm** _nghiêng_ `mã` [liên kết](http://x)",
                                  "a | b\n---|---\nc | d", "Thuật ngữ\n: định nghĩa", "*[UBND]: Ủy ban", "x &amp; y &lt;", "~~~\ncode\n~~~", "2. Hai\n====="])
def test_escaped_text_renders_exactly_as_typed(text):
    html, _ = render_markdown(make_markdown(), "> " + publish.escape_text(text).replace("\n", "\n> "))
    assert plain_text(html) == " ".join(text.split()), html
    assert "<script" not in html and "<h1" not in html and "<li" not in html and "<table" not in html and "<strong" not in html


EXPORT = {"format": "xaweb-qa-export", "version": 1, "site": "tan-an", "retention_days": 30,
          "questions": [{"id": 9, "title": "Hỏi về đất", "question": "Đất <b>nhà</b> tôi?", "answer": "Xem **Luật Đất đai**. <script>x</script>",
                         "office": "Địa chính", "topic": "Đất đai", "asked": "2025-01-02", "answered": "2025-01-05", "published": "2025-01-06"}],
          "ratings": {"count": 3, "average": 4.0, "scores": {"1": 0, "2": 0, "3": 1, "4": 1, "5": 1}}}


def test_export_becomes_pages_with_stable_sources():
    sources = publish.export_sources(EXPORT, "tan-an", Translator("vi"))
    assert [s.source for s in sources] == ["qa:tan-an/9", f"qa:tan-an/{publish.RATINGS_SLUG}"]
    pages, problems = publish.parse_sources(sources, {})
    assert problems == []
    (page, digest), (ratings, _) = pages
    assert page.url == "/hoi-dap/hoi-ve-dat-9/" and page.author == "Địa chính" and page.date.date().isoformat() == "2025-01-05"
    assert "Đất <b>nhà</b> tôi?" in plain_text(page.body_html) and "<b>" not in page.body_html
    assert "<strong>Luật Đất đai</strong>" in page.body_html and "<script" not in page.body_html
    assert ratings.pinned and "Điểm trung bình 4,0/5 từ 3 lượt" in ratings.summary
    again, _ = publish.parse_sources(publish.export_sources(EXPORT, "tan-an", Translator("vi")), {})
    assert again[0][1] == digest  # the same export, the same digest
    changed = {**EXPORT, "questions": [{**EXPORT["questions"][0], "answer": "Khác."}]}
    assert publish.parse_sources(publish.export_sources(changed, "tan-an", Translator("vi")), {})[0][0][1] != digest


@pytest.mark.parametrize("broken, message", [({"format": "khac"}, "không phải tệp xuất"), ({"site": "phu-my"}, "phu-my"),
                                             ({"questions": [{"id": 1}]}, "thiếu 'title'"),
                                             ({"ratings": {"count": 5, "scores": {"5": 1}}}, "count")])
def test_a_broken_export_is_named(broken, message):
    with pytest.raises(publish.ExportError, match=message):
        publish.export_sources({**EXPORT, **broken}, "tan-an", Translator("vi"))
