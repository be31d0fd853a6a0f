"""xaweb.config: site.yaml parsing, defaults and problem reporting."""

from __future__ import annotations

import re

import pytest

from xaweb.config import SiteConfig, default_base_url, load_config, parse_config
from xaweb.errors import BuildError

MINIMAL = "name: Hòa Phước\nprovince: Đà Nẵng\n"


def problems_of(text: str) -> list[str]:
    with pytest.raises(BuildError) as info:
        parse_config(text)
    assert info.value.problems, "a BuildError must carry at least one problem"
    return [str(p) for p in info.value.problems]


def test_minimal_config_gets_defaults():
    config = parse_config(MINIMAL)
    assert isinstance(config, SiteConfig)
    assert (config.name, config.province) == ("Hòa Phước", "Đà Nẵng")
    assert config.kind == "xã"
    assert config.language == "vi"
    assert config.paginate == 10
    assert config.theme == "default"
    assert config.base_url == "https://hoaphuoc.danang.gov.vn"
    assert config.full_name == "Xã Hòa Phước"
    assert config.site_title == "Trang thông tin điện tử UBND xã Hòa Phước"
    assert config.committee == "Ủy ban nhân dân xã Hòa Phước"
    assert config.home.news_section == "tin-tuc"
    assert config.feeds.items == 20


@pytest.mark.parametrize(
    ("name", "province", "url"),
    [
        ("Hòa Phước", "Đà Nẵng", "https://hoaphuoc.danang.gov.vn"),
        ("Điện Biên Phủ", "Điện Biên", "https://dienbienphu.dienbien.gov.vn"),
        ("Côn Đảo", "Hồ Chí Minh", "https://condao.hochiminh.gov.vn"),
    ],
)
def test_default_base_url_convention(name, province, url):
    assert default_base_url(name, province) == url


def test_explicit_base_url_is_kept():
    config = parse_config(MINIMAL + "base_url: https://hoaphuoc.gov.vn/\n")
    assert config.base_url == "https://hoaphuoc.gov.vn/"
    assert config.absolute("/tin-tuc/") == "https://hoaphuoc.gov.vn/tin-tuc/"
    assert config.absolute("https://dichvucong.gov.vn") == "https://dichvucong.gov.vn"


def test_values_are_nfc_normalised_and_stripped():
    import unicodedata

    config = parse_config(unicodedata.normalize("NFD", "name: '  Hòa Phước '\nprovince: Đà Nẵng\n"))
    assert config.name == unicodedata.normalize("NFC", "Hòa Phước")
    assert config.base_url == "https://hoaphuoc.danang.gov.vn"


def test_choice_settings_are_checked_after_stripping_like_every_text_value():
    # Every text setting is stripped ('  Hòa Phước ' -> 'Hòa Phước'); kind and
    # base_url must be judged on the same stripped value they end up with.
    config = parse_config(MINIMAL + "kind: 'phường '\nbase_url: ' https://hoaphuoc.gov.vn'\n")
    assert config.kind == "phường"
    assert config.base_url == "https://hoaphuoc.gov.vn"


def test_unknown_key_names_its_line_and_suggests_the_right_one():
    messages = problems_of(MINIMAL + "bse_url: https://hoaphuoc.danang.gov.vn\n")
    assert len(messages) == 1
    assert re.match(r"site\.yaml:3: 'bse_url' .*'base_url'", messages[0]), messages[0]


def test_several_problems_are_reported_at_once():
    text = MINIMAL + "kind: huyện\nbse_url: x\npaginate: 0\nlanguage: fr\n"
    with pytest.raises(BuildError) as info:
        parse_config(text)
    found = {(p.line, p.message.split(":")[0].split(" ")[0]) for p in info.value.problems}
    assert found == {(3, "'kind'"), (4, "'bse_url'"), (5, "'paginate'"), (6, "'language'")}
    assert all(p.path == "site.yaml" and p.level == "error" for p in info.value.problems)
    # The exception text lists every problem, one per line.
    assert len(str(info.value).splitlines()) == 4


def test_wrong_types_are_reported_with_their_lines():
    text = MINIMAL + "paginate: mười\nfeeds:\n  full_content: 'yes'\nleaders: abc\n"
    messages = problems_of(text)
    assert messages == [
        "site.yaml:3: 'paginate': 'mười' phải là số nguyên",
        "site.yaml:5: 'feeds.full_content': 'yes' phải là true/false",
        "site.yaml:6: 'leaders' phải là một danh sách",
    ]


def test_bool_is_not_accepted_as_integer():
    messages = problems_of(MINIMAL + "paginate: true\n")
    assert messages == ["site.yaml:3: 'paginate': True phải là số nguyên"]


def test_invalid_kind_lists_the_valid_ones():
    messages = problems_of(MINIMAL + "kind: huyện\n")
    assert len(messages) == 1
    assert messages[0].startswith("site.yaml:3: 'kind': 'huyện'")
    for kind in ("xã", "phường", "đặc khu", "thị trấn"):
        assert kind in messages[0]


def test_dac_khu_is_accepted():
    config = parse_config("name: Côn Đảo\nprovince: Hồ Chí Minh\nkind: đặc khu\n")
    assert config.kind == "đặc khu"
    assert config.kind_title == "Đặc khu"
    assert config.full_name == "Đặc khu Côn Đảo"
    assert config.committee == "Ủy ban nhân dân đặc khu Côn Đảo"


def test_thi_tran_is_accepted():
    config = parse_config("name: Phong Điền\nprovince: Huế\nkind: thị trấn\n")
    assert config.kind == "thị trấn"
    assert config.full_name == "Thị trấn Phong Điền"


def test_phuong_is_accepted():
    assert parse_config(MINIMAL + "kind: phường\n").site_title == "Trang thông tin điện tử UBND phường Hòa Phước"


def test_missing_name_and_province_are_both_reported():
    messages = problems_of("kind: xã\n")
    assert len(messages) == 2
    assert any("'name'" in m for m in messages)
    assert any("'province'" in m for m in messages)


def test_empty_file_reports_missing_required_keys():
    messages = problems_of("")
    assert sorted("'name'" in m for m in messages) == [False, True]
    assert any("'province'" in m for m in messages)


def test_missing_required_key_is_reported_with_other_problems():
    # A missing 'name' must not hide the invalid kind two lines below it.
    with pytest.raises(BuildError) as info:
        parse_config("province: Đà Nẵng\nkind: huyện\nbse_url: x\n")
    messages = [str(p) for p in info.value.problems]
    assert any("'name'" in m for m in messages), messages
    assert any(m.startswith("site.yaml:3: 'bse_url'") for m in messages), messages
    assert any(m.startswith("site.yaml:2: 'kind': 'huyện'") for m in messages), messages


def test_yaml_syntax_error_has_a_line():
    messages = problems_of("name: Hòa Phước\nprovince: [Đà Nẵng\nkind: xã\n")
    assert len(messages) == 1
    assert re.match(r"site\.yaml:\d+: lỗi cú pháp YAML", messages[0]), messages[0]

    messages = problems_of("name: Hòa Phước\nprovince: Đà Nẵng\n  kind: xã\n")
    assert messages[0].startswith("site.yaml:3: lỗi cú pháp YAML")


def test_impossible_date_like_value_is_read_as_text_not_a_crash():
    # '2024-02-31' looks like a YAML date but is not a real day: it stays text.
    config = parse_config(MINIMAL + "description: 2024-02-31\n")
    assert config.description == "2024-02-31"


def test_impossible_date_in_a_number_setting_is_a_located_problem():
    messages = problems_of(MINIMAL + "paginate: 2024-02-31\n")
    assert messages == ["site.yaml:3: 'paginate': '2024-02-31' phải là số nguyên"]


def test_nested_unknown_key_reports_its_own_line():
    text = MINIMAL + "contact:\n  phone: '0236 3846 000'\n  emial: ubnd@danang.gov.vn\n"
    messages = problems_of(text)
    assert len(messages) == 1
    assert messages[0].startswith("site.yaml:5: 'emial'")
    assert "'email'" in messages[0]


def test_missing_key_in_a_list_item_points_at_the_item():
    text = MINIMAL + "leaders:\n  - name: Nguyễn Văn A\n    role: Chủ tịch\n  - name: Trần Thị B\n"
    messages = problems_of(text)
    assert messages == ["site.yaml:6: thiếu thiết lập bắt buộc 'leaders.1.role'"]


def test_nested_structures_are_converted():
    text = MINIMAL + (
        "leaders:\n  - name: Nguyễn Văn A\n    role: Chủ tịch\n"
        "menu:\n  - title: Tin tức\n    url: /tin-tuc/\n    children:\n      - title: Thông báo\n        url: /thong-bao/\n"
        "contact:\n  phone: 02363846000\n"
    )
    config = parse_config(text)
    assert config.leaders[0].name == "Nguyễn Văn A"
    assert config.leaders[0].role == "Chủ tịch"
    assert config.menu[0].children[0].url == "/thong-bao/"
    assert isinstance(config.menu, tuple)
    assert config.contact.phone == "02363846000"


def test_base_url_must_be_http():
    messages = problems_of(MINIMAL + "base_url: ftp://hoaphuoc.gov.vn\n")
    assert messages == ["site.yaml:3: 'base_url': 'ftp://hoaphuoc.gov.vn' phải là địa chỉ http(s)://…"]


def test_load_config_reads_site_yaml_with_bom(tmp_path):
    (tmp_path / "site.yaml").write_bytes(("\ufeff" + MINIMAL).encode("utf-8"))
    assert load_config(tmp_path).name == "Hòa Phước"


def test_load_config_missing_file(tmp_path):
    with pytest.raises(BuildError) as info:
        load_config(tmp_path)
    assert info.value.problems[0].path == "site.yaml"
    assert "site.yaml" in info.value.problems[0].message
