"""province.yaml and communes.csv (xaweb/province/load.py): read whole, every problem at its line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from xaweb.errors import BuildError
from xaweb.province.load import load_province, parse_communes

FIXTURE = Path(__file__).parent / "sites" / "province"


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


def test_a_spreadsheet_export_with_a_bom_semicolons_and_dropped_zeros_reads():
    text = "\ufeffcode;name;kind;email\r\n4;Ba Đình;Phường;ubnd@hanoi.gov.vn\r\n;;;\r\n00007;Phúc Xá;phường;\r\n"
    communes, problems = parse_communes(text)
    assert problems == []
    assert [(c.code, c.name, c.kind, c.line) for c in communes] == [("00004", "Ba Đình", "phường", 2), ("00007", "Phúc Xá", "phường", 4)]


@pytest.mark.attack("csv")
def test_bad_rows_are_each_reported_at_their_line_and_the_good_ones_kept():
    text = ("code,name,kind,email,path,base_url,tel\n"
            "29501,Tân An,xã,,,,\n"
            "ab1,Hòa Lợi,xã,,,,\n"            # 3: code not digits
            "29503,,xã,,,,\n"                 # 4: no name
            "29504,Đông Hải,huyện,,,,\n"      # 5: not a commune kind
            "29501,Bình Minh,xã,,,,\n"        # 6: duplicate code
            "29506,An Phú,xã,khong-phai-email,,,\n"  # 7
            "29507,Mỹ Xuyên,xã,,/my-xuyen/,https://myxuyen.gov.vn,\n"  # 8: both path and base_url
            "29508,Phú Lộc,xã,,My Xuyen,,\n"  # 9: bad path
            "29509,Thạnh Hưng,xã,,,javascript:alert(1),\n")  # 10: not http(s)
    communes, problems = parse_communes(text)
    assert [c.code for c in communes] == ["29501"]
    found = messages(problems)
    assert "communes.csv:1: cảnh báo: cột 'tel' không dùng được (các cột: code, name, kind, base_url, path, phone, email, address)" in found
    for line, text in [(3, "'code': 'ab1' phải là mã"), (4, "thiếu 'name'"), (5, "'kind': 'huyện' không hợp lệ"),
                       (6, "mã 29501 đã có ở dòng 2"), (7, "'email': 'khong-phai-email'"), (8, "chỉ ghi một trong hai cột"),
                       (9, "'path': 'My Xuyen' phải có dạng /ten-xa/"), (10, "'base_url': 'javascript:alert(1)' phải là địa chỉ http(s)")]:
        assert any(m.startswith(f"communes.csv:{line}: ") and text in m for m in found), (line, text, found)


def test_missing_required_columns_are_named():
    communes, problems = parse_communes("ma,ten\n1,Tân An\n")
    assert communes == []
    assert "communes.csv:1: thiếu cột bắt buộc: code, name, kind" in messages(problems)


def test_the_fixture_province_loads(tmp_path):
    province = load_province(FIXTURE)
    assert province.config.full_name == "tỉnh Hòa Bình Xanh"
    assert len(province.communes) == 24
    assert {c.kind for c in province.communes} == {"xã", "phường", "đặc khu"}
    assert province.defaults["paginate"] == 5


def test_province_yaml_problems_name_their_line_with_a_suggestion(tmp_path):
    root = Path(shutil.copytree(FIXTURE, tmp_path / "p"))
    (root / "province.yaml").write_text(
        "name: Hòa Bình Xanh\nbse_url: https://x.gov.vn\ndefaults:\n  paginate: nhiều\n  name: Tân An\n  footr: {}\n", encoding="utf-8")
    (root / "communes" / "99999").mkdir()
    with pytest.raises(BuildError) as failed:
        load_province(root)
    found = messages(failed.value.problems)
    assert any(m.startswith("province.yaml:2: 'bse_url' không phải là một thiết lập; có phải ý bạn là 'base_url'") for m in found), found
    assert any(m.startswith("province.yaml:4: 'defaults.paginate'") for m in found), found
    assert any(m.startswith("province.yaml:5: 'defaults.name' là thông tin riêng của từng xã") for m in found), found
    assert any(m.startswith("province.yaml:6: 'footr' không phải là một thiết lập; có phải ý bạn là 'footer'") for m in found), found
    assert any(m.startswith("communes/99999: cảnh báo: thư mục này không ứng với mã nào") for m in found), found


def test_a_list_that_is_not_utf8_says_how_to_export_it(tmp_path):
    root = Path(shutil.copytree(FIXTURE, tmp_path / "p"))
    (root / "communes.csv").write_bytes("code,name,kind\n29501,Tân An,phuong\n".encode("cp1252"))  # an old "ANSI" export
    with pytest.raises(BuildError) as failed:
        load_province(root)
    assert "CSV UTF-8" in str(failed.value.problems[0])
