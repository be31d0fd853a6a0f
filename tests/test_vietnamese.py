"""xaweb.vietnamese: slugs, collation and dates."""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
import unicodedata
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from xaweb.vietnamese import VN_TZ, as_vn_datetime, collation_key, format_date, slugify, strip_diacritics

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# Text that exercises Vietnamese letters and tones (both cases) next to arbitrary Unicode.
VI_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
VI_ALPHABET = st.sampled_from(list(VI_LETTERS + VI_LETTERS.upper() + " -_.,!?'\"“”–—/0123456789🎉"))
vi_text = st.text(alphabet=VI_ALPHABET, max_size=40)
any_text = st.one_of(vi_text, st.text(max_size=40))


# Hypothesis writes caches under ./.hypothesis by default, some of them while
# pytest collects tests (before any fixture runs): keep them out of the repository,
# in a temporary folder removed when the test process ends.
_HYPOTHESIS_HOME = Path(tempfile.mkdtemp(prefix="xaweb-tests-hypothesis-"))
set_hypothesis_home_dir(_HYPOTHESIS_HOME)
atexit.register(shutil.rmtree, _HYPOTHESIS_HOME, ignore_errors=True)

property_test = settings(database=None, max_examples=200, deadline=None)


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


# --- slugify -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Thông báo lịch tiếp công dân", "thong-bao-lich-tiep-cong-dan"),
        ("Đường Điện Biên Phủ", "duong-dien-bien-phu"),
        ("Ủy ban nhân dân xã Hòa Phước", "uy-ban-nhan-dan-xa-hoa-phuoc"),
        ("Quyết định số 15/2024/QĐ-UBND", "quyet-dinh-so-15-2024-qd-ubnd"),
        ("ỨNG DỤNG CÔNG NGHỆ", "ung-dung-cong-nghe"),
    ],
)
def test_slugify_vietnamese_titles(title, slug):
    assert slugify(title) == slug


def test_slugify_nfc_and_nfd_spellings_give_the_same_slug():
    title = "Thông báo lịch tiếp công dân tháng 3 — Đường Điện Biên Phủ"
    composed, decomposed = nfc(title), nfd(title)
    assert composed != decomposed  # the fixture really differs in code points
    assert slugify(composed) == slugify(decomposed) == "thong-bao-lich-tiep-cong-dan-thang-3-duong-dien-bien-phu"


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("«Họp dân» — “khu phố 3”", "hop-dan-khu-pho-3"),
        ("Lịch làm việc!!! 🎉🎉 tuần 12", "lich-lam-viec-tuan-12"),
        ("Tin tức – sự kiện -- mới", "tin-tuc-su-kien-moi"),
        ("a   ,;:  b", "a-b"),
        ("'Xã' \"Hòa Phước\"", "xa-hoa-phuoc"),
    ],
)
def test_slugify_collapses_punctuation_quotes_dashes_and_emoji(title, slug):
    assert slugify(title) == slug


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("  --Thông báo--  ", "thong-bao"),
        ("...Chào mừng!", "chao-mung"),
        ("🎉 Đón Tết 🎉", "don-tet"),
    ],
)
def test_slugify_strips_leading_and_trailing_separators(title, slug):
    assert slugify(title) == slug


def test_slugify_of_punctuation_only_is_empty():
    assert slugify("!!! — 🎉 …") == ""


def test_strip_diacritics_maps_d_with_stroke_by_hand():
    assert strip_diacritics("Đồng Tháp đẹp") == "Dong Thap dep"


@property_test
@given(any_text)
def test_slug_is_lowercase_ascii_words_joined_by_single_dashes_or_empty(text):
    slug = slugify(text)
    assert slug == "" or SLUG_RE.match(slug), slug


@property_test
@given(any_text)
def test_slug_is_the_same_for_nfc_and_nfd(text):
    assert slugify(nfc(text)) == slugify(nfd(text))


@property_test
@given(vi_text)
def test_slugify_is_idempotent(text):
    slug = slugify(text)
    assert slugify(slug) == slug


# --- collation ---------------------------------------------------------------


def test_collation_sorts_names_in_vietnamese_alphabet_order():
    names = ["Đào", "Dung", "Anh", "Ánh", "Ă", "Bình", "Zen", "Ơn", "Ô"]
    assert sorted(names, key=collation_key) == ["Anh", "Ánh", "Ă", "Bình", "Dung", "Đào", "Ô", "Ơn", "Zen"]
    # Code-point order puts Đ after Z: the reason collation_key exists.
    assert sorted(names).index("Đào") > sorted(names).index("Zen")


def test_collation_follows_the_whole_alphabet():
    alphabet = "a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y".split()
    shuffled = sorted(alphabet, key=lambda c: c.encode("utf-8")[::-1])
    assert shuffled != alphabet
    assert sorted(shuffled, key=collation_key) == alphabet


def test_collation_orders_tones_ngang_huyen_hoi_nga_sac_nang():
    tones = ["a", "à", "ả", "ã", "á", "ạ"]
    assert sorted(reversed(tones), key=collation_key) == tones
    assert sorted(["ma", "mạ", "má", "mã", "mả", "mà"], key=collation_key) == ["ma", "mà", "mả", "mã", "má", "mạ"]


def test_collation_letter_beats_tone():
    # 'ạ' (a with a tone) is still the letter a, so it comes before â and ă.
    assert sorted(["â", "ă", "ạ"], key=collation_key) == ["ạ", "ă", "â"]
    assert sorted(["ậ", "ấ", "â", "ầ"], key=collation_key) == ["â", "ầ", "ấ", "ậ"]


def test_collation_primary_is_case_insensitive():
    assert sorted(["Ba", "an"]) == ["Ba", "an"]  # code-point order: every capital first
    assert sorted(["Ba", "an"], key=collation_key) == ["an", "Ba"]
    assert sorted(["Zen", "ĐÀO", "bình", "đào", "Anh"], key=collation_key)[:2] == ["Anh", "bình"]
    assert sorted(["Zen", "ĐÀO", "bình", "đào", "Anh"], key=collation_key)[-1] == "Zen"


def test_collation_is_total_and_deterministic_for_case_variants():
    words = ["bình", "Bình", "BÌNH", "binh"]
    first = sorted(words, key=collation_key)
    assert sorted(reversed(words), key=collation_key) == first
    assert first[0] == "binh"  # no tone before huyền


def test_collation_nfc_and_nfd_agree_on_letters_and_tones():
    for word in ["Ánh", "Đào", "Nguyễn", "Thượng"]:
        assert collation_key(nfd(word))[:2] == collation_key(nfc(word))[:2]


def test_collation_shorter_prefix_first():
    assert sorted(["Anh", "An"], key=collation_key) == ["An", "Anh"]


def test_collation_compares_a_phrase_word_by_word():
    # A Vietnamese dictionary lists every entry of the syllable "an" (an, an ninh)
    # before the syllable "anh", and "tin tức" before "tinh giản".
    assert sorted(["Anh", "An ninh"], key=collation_key) == ["An ninh", "Anh"]
    assert sorted(["Tinh giản biên chế", "Tin tức"], key=collation_key) == ["Tin tức", "Tinh giản biên chế"]


# --- dates -------------------------------------------------------------------


def test_format_date_vietnamese_weekday():
    assert format_date(date(2024, 3, 4)) == "Thứ Hai, 04/03/2024"
    assert format_date(date(2024, 3, 9)) == "Thứ Bảy, 09/03/2024"


def test_format_date_sunday_is_chu_nhat():
    assert format_date(date(2024, 3, 10)) == "Chủ Nhật, 10/03/2024"


def test_format_date_english_keeps_day_month_year():
    assert format_date(date(2024, 3, 4), lang="en") == "Monday, 04/03/2024"
    assert format_date(date(2024, 3, 10), lang="en") == "Sunday, 10/03/2024"


def test_format_date_without_weekday():
    assert format_date(date(2024, 12, 1), weekday=False) == "01/12/2024"


def test_naive_datetime_is_vietnam_time():
    # 23:30 on Sunday stays Sunday: it must not be read as UTC and shifted.
    assert format_date(datetime(2024, 3, 10, 23, 30)) == "Chủ Nhật, 10/03/2024"
    converted = as_vn_datetime(datetime(2024, 3, 10, 23, 30))
    assert converted.utcoffset() == timedelta(hours=7)
    assert (converted.hour, converted.minute) == (23, 30)


def test_aware_utc_datetime_is_converted_across_midnight():
    # 18:30 UTC on Sunday 3 March is 01:30 on Monday 4 March in Vietnam.
    assert format_date(datetime(2024, 3, 3, 18, 30, tzinfo=timezone.utc)) == "Thứ Hai, 04/03/2024"
    # 16:59 UTC is 23:59 the same day in Vietnam.
    assert format_date(datetime(2024, 3, 3, 16, 59, tzinfo=timezone.utc)) == "Chủ Nhật, 03/03/2024"


def test_as_vn_datetime_of_a_date_is_midnight_plus_seven():
    value = as_vn_datetime(date(2024, 3, 4))
    assert value == datetime(2024, 3, 4, tzinfo=VN_TZ)
    assert value.utcoffset() == timedelta(hours=7)
