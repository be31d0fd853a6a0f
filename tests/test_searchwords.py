"""xaweb.searchwords: Vietnamese folded for search, one character for one, and a page's weighted words."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from xaweb.searchwords import LABELS, TITLE, decode_terms, fold, page_terms, words
from xaweb.vietnamese import nfc

VIETNAMESE = "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ"


def test_marks_and_d_fold_away():
    assert fold("Đăng ký khai sinh") == "dang ky khai sinh"
    assert fold("THỦ TỤC HỘ TỊCH") == "thu tuc ho tich"
    assert fold("Ê Đê, Hmông, Khơ-me") == "e de, hmong, kho-me"


def test_a_decomposed_query_folds_like_a_composed_one():
    nfd = unicodedata.normalize("NFD", "Đăng ký khai sinh")
    assert nfd != "Đăng ký khai sinh" and fold(nfd) == fold("Đăng ký khai sinh")


@given(st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + " ,.-/0123456789ßЖ中", max_size=60))
def test_folding_keeps_the_length_so_matches_map_back(text):
    assert len(fold(text)) == len(nfc(text))


def test_document_numbers_split_into_the_words_typed():
    assert words("Quyết định 15/2024/QĐ-UBND") == ["quyet", "dinh", "15", "2024", "qd", "ubnd"]
    assert words("15/2024/qd-ubnd") == words("15/2024/QĐ-UBND")


def test_title_and_labels_weigh_more_than_the_body_whose_repeats_stop_counting():
    terms = dict(decode_terms(page_terms("Đăng ký khai sinh", "Hộ tịch", ("trẻ em",), "", "khai sinh " * 50)))
    assert terms["dang"] == TITLE and terms["ho"] == LABELS
    assert terms["khai"] == TITLE + 6 and terms["em"] == 4
    assert all(1 <= weight <= 26 for weight in terms.values())
