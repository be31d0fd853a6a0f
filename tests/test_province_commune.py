"""One commune of a province (xaweb/province/commune.py): three config layers, shared content meant for it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from xaweb.errors import BuildError
from xaweb.province.commune import commune_config, load_shared
from xaweb.province.load import load_province

FIXTURE = Path(__file__).parent / "sites" / "province"


@pytest.fixture
def province(tmp_path):
    return load_province(Path(shutil.copytree(FIXTURE, tmp_path / "p")))


def commune(province, code):
    return next(c for c in province.communes if c.code == code)


def test_defaults_then_the_row_then_the_communes_own_site_yaml(province):
    config = commune_config(province, commune(province, "29501"))
    assert (config.name, config.kind, config.code, config.province) == ("Tân An", "xã", "29501", "Hòa Bình Xanh")
    assert config.base_url == "https://tanan.hoabinhxanh.gov.vn"  # the tenxa.tentinh.gov.vn convention
    assert config.paginate == 5 and config.home.news_count == 3  # the province's defaults
    assert config.footer.responsible.startswith("Sở Khoa học và Công nghệ")
    assert config.description == "Trang thông tin điện tử của UBND xã Tân An."  # its own site.yaml
    assert config.leaders[0].name == "Nguyễn Văn A"
    assert config.contact.phone == "0290 3 800 111" and config.contact.email == "ubnd29501@hoabinhxanh.gov.vn"


def test_a_commune_without_a_folder_gets_its_identity(province):
    config = commune_config(province, commune(province, "29503"))
    assert config.full_name == "Xã Đông Hải" and config.base_url == "https://donghai.hoabinhxanh.gov.vn"
    assert config.description == ""


def test_hosting_under_the_portals_domain_and_one_qa_endpoint(province):
    province.defaults["qa"] = {"endpoint": "https://hoidap.hoabinhxanh.gov.vn"}
    row = commune(province, "29503")
    from dataclasses import replace
    config = commune_config(province, replace(row, path="/dong-hai/"))
    assert config.base_url == "https://hoabinhxanh.gov.vn/dong-hai/"
    assert config.qa.site_id == "29503"  # each commune by its code on the province's endpoint


def test_identity_in_a_communes_own_site_yaml_is_refused_with_its_line(province):
    path = province.commune_dir(commune(province, "29501")) / "site.yaml"
    path.write_text("description: x\nname: Tên khác\n", encoding="utf-8")
    with pytest.raises(BuildError) as failed:
        commune_config(province, commune(province, "29501"))
    assert str(failed.value.problems[0]).startswith("site.yaml:2: 'name' của 29501/site.yaml lấy từ communes.csv")


def test_shared_pages_go_to_the_communes_they_name_by_code_or_kind(province):
    shared = load_shared(province)
    assert shared.problems == []

    def names(code):
        return sorted(s.path.rsplit("/", 1)[1] for s, _ in shared.for_commune(commune(province, code)).pages)

    everyone = ["dang-ky-khai-sinh.md", "lich-cat-dien-toan-tinh.md"]
    assert names("29503") == everyone  # a xã
    assert names("29517") == sorted(everyone + ["chinh-sach-do-thi.md"])  # a phường
    assert names("29524") == sorted(everyone + ["ho-tro-dac-khu.md"])  # named by its code


def test_a_broken_shared_page_is_the_provinces_problem(province):
    (province.root / "shared/thong-bao/sai.md").write_text("---\ntitle: Sai\ncommunes: [huyện]\n---\nx\n", encoding="utf-8")
    shared = load_shared(province)
    assert any(str(p).startswith("shared/thong-bao/sai.md:3:") and "'huyện' không phải mã xã" in str(p) for p in shared.problems), shared.problems
