"""The rule references: one data file, every section of REGULATIONS.md, a stable order."""

from __future__ import annotations

import dataclasses
import unicodedata

import pytest

from xaweb.regulations import RequiredSection, current_decree, footer_rule, load_regulations, section_map

# Every slug of the table in shared/REGULATIONS.md, except the pages the build
# generates (so-do-trang, tim-kiem) and the English page (/en/); plus thong-bao,
# which is no rule's row but is on every portal.
EXPECTED_PATHS = {
    "gioi-thieu",
    "gioi-thieu/co-cau-to-chuc",
    "gioi-thieu/lanh-dao",
    "gioi-thieu/ban-do-dia-gioi",
    "gioi-thieu/lich-su-van-hoa",
    "lien-he",
    "tin-tuc",
    "chi-dao-dieu-hanh",
    "van-ban",
    "thu-tuc-hanh-chinh",
    "pho-bien-phap-luat",
    "quy-hoach-ke-hoach",
    "cong-khai",
    "cong-khai/ngan-sach",
    "cong-khai/dau-tu",
    "cong-khai/tai-san-quy",
    "cong-khai/an-sinh",
    "cong-khai/nghia-vu-quan-su",
    "cong-khai/thanh-tra",
    "cong-khai/phi-le-phi",
    "lay-y-kien",
    "dan-chu-co-so",
    "tiep-can-thong-tin",
    "bao-cao",
    "tuyen-dung",
    "hoi-dap",
    "danh-gia",
    "chinh-sach-du-lieu",
    "ho-tro-tiep-can",
    "thong-bao",
}

# The menu order officers and citizens know (DESIGN.md).
FAMILIAR_ORDER = ["gioi-thieu", "tin-tuc", "thong-bao", "van-ban", "thu-tuc-hanh-chinh", "hoi-dap", "lien-he"]


@pytest.fixture(scope="module")
def sections() -> tuple[RequiredSection, ...]:
    return load_regulations()


def test_every_slug_of_the_table(sections):
    assert {s.path for s in sections} == EXPECTED_PATHS


def test_generated_pages_and_english_are_not_sections(sections):
    slugs = {part for s in sections for part in s.path.split("/")}
    assert not slugs & {"so-do-trang", "tim-kiem", "en", "the"}


def test_paths_unique_and_parents_first(sections):
    paths = [s.path for s in sections]
    assert len(paths) == len(set(paths))
    for i, s in enumerate(sections):
        if s.parent:
            assert s.parent in paths[:i]


def test_paths_are_slugs(sections):
    from xaweb.vietnamese import slugify

    for s in sections:
        for part in s.path.split("/"):
            assert slugify(part) == part, s.path


def test_weights_give_the_familiar_order(sections):
    weight = {s.path: s.weight for s in sections}
    ordered = [p for p in sorted(weight, key=weight.get) if p in FAMILIAR_ORDER]
    assert ordered == FAMILIAR_ORDER
    top = [s for s in sections if s.parent is None]
    assert max(top, key=lambda s: s.weight).path == "lien-he"  # … · Liên hệ comes last
    assert len({s.weight for s in top}) == len(top)  # no ties in the menu


def test_sorting_by_weight_gives_the_tree(sections):
    """A subsection sorts after its parent and before the next top-level section."""
    ordered = sorted(sections, key=lambda s: s.weight)
    current_top = None
    for s in ordered:
        if s.parent is None:
            current_top = s.path
        else:
            assert s.parent == current_top, s.path


def test_kinds_and_freshness(sections):
    by_path = section_map()
    assert by_path["van-ban"].kind == "document"
    assert by_path["thu-tuc-hanh-chinh"].kind == "procedure"
    assert {s.path for s in sections if s.kind} == {"van-ban", "thu-tuc-hanh-chinh"}
    assert by_path["tin-tuc"].freshness_days == 30
    for s in sections:
        assert s.freshness_days is None or (isinstance(s.freshness_days, int) and s.freshness_days > 0)


def test_required_and_rules(sections):
    by_path = section_map()
    assert by_path["thong-bao"].required is False
    for s in sections:
        if s.path != "thong-bao":
            assert s.required is True, s.path
            assert s.rule, s.path
    assert "224/2026" in by_path["gioi-thieu"].rule
    assert "Điều 10" in by_path["hoi-dap"].rule
    assert "10/2022/QH15" in by_path["cong-khai/ngan-sach"].rule


def test_vietnamese_text_is_nfc_with_diacritics(sections):
    for s in sections:
        for text in (s.title, s.rule, s.description):
            assert unicodedata.is_normalized("NFC", text)
        assert s.description.endswith("."), s.path
    assert section_map()["gioi-thieu"].title == "Giới thiệu"
    assert section_map()["tin-tuc"].title == "Tin tức – Sự kiện"


def test_footer_rule_and_current_decree():
    assert current_decree() == "Nghị định 224/2026/NĐ-CP"
    rule = footer_rule()
    assert "15/2020" in rule and "Điều 99" in rule
    for fact in ("cơ quan chủ quản", "địa chỉ", "điện thoại", "thư điện tử", "chịu trách nhiệm"):
        assert fact in rule


def test_cached_and_immutable(sections):
    assert load_regulations() is sections
    with pytest.raises(dataclasses.FrozenInstanceError):
        sections[0].title = "x"  # type: ignore[misc]


def test_footer_sections_are_the_policy_pages(sections):
    assert {s.path for s in sections if s.footer} == {"chinh-sach-du-lieu", "ho-tro-tiep-can"}


def test_main_menu_keeps_the_familiar_portal_order(sections):
    menu = [s.path for s in sorted(sections, key=lambda s: s.weight) if s.menu and s.parent is None and not s.footer]
    assert menu == ["gioi-thieu", "tin-tuc", "thong-bao", "van-ban", "thu-tuc-hanh-chinh", "hoi-dap", "cong-khai", "lien-he"]


@pytest.mark.parametrize(
    "item, message",
    [
        ({"path": "x", "title": "X", "weight": 1, "required": True, "rule": "", "colour": "red"}, "colour"),
        ({"path": "x", "title": "X", "weight": 1, "required": True}, "rule"),
        ({"path": "x", "title": "X", "weight": "1", "required": True, "rule": ""}, "weight"),
        ({"path": "x", "title": "X", "weight": 1, "required": "yes", "rule": ""}, "required"),
        ({"path": "x", "title": "X", "weight": 1, "required": True, "rule": "", "kind": "news"}, "kind"),
        ({"path": "x", "title": "X", "weight": 1, "required": True, "rule": "", "freshness_days": 0}, "freshness_days"),
    ],
)
def test_a_broken_entry_is_reported(item, message):
    from xaweb.regulations import _section

    with pytest.raises(ValueError, match=message):
        _section(0, item)
