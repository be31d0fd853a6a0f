"""xaweb.yamltext: YAML mistakes said in Vietnamese, at the line where the mistake is."""

from __future__ import annotations

import pytest

from xaweb.yamltext import YamlSyntaxError, parse


@pytest.mark.parametrize("text, line, words", [
    ("title: Họp dân\n\tdate: 2024-03-04\n", 2, "ký tự Tab"),
    ("tags:\n\t- họp dân\n", 2, "ký tự Tab"),
    ('a: 1\ntitle: "Họp dân ấp 3\ndate: 2024-03-04\nsummary: x\n', 2, 'dấu ngoặc " mở ở dòng này chưa được đóng'),
    ("title: 'Họp dân\ndate: 2024-03-04\n", 1, "dấu ngoặc ' mở ở dòng này"),
    ("title: Thông báo: họp dân\n", 1, 'đặt cả giá trị trong dấu ngoặc kép (title: "Thông báo: họp dân")'),
    ("title: A\n  date: 2024-03-04\n", 2, "thụt đầu dòng"),
    ("tags: [họp dân, an ninh\ndate: 2024-03-04\n", 1, "danh sách mở bằng '[' ở dòng này chưa đóng"),
    ('title: "Họp" dân\n', 1, "không đúng dạng 'khóa: giá trị'"),
])
def test_common_mistakes_are_explained_at_their_line(text, line, words):
    with pytest.raises(YamlSyntaxError) as info:
        parse(text)
    assert info.value.line == line
    assert info.value.message.startswith("lỗi cú pháp YAML: ") and words in info.value.message
    assert not any(english in info.value.message for english in ("found", "while scanning", "mapping values", "expected"))
