"""Generated documentation stays in step with the code."""

from pathlib import Path

from xaweb.config import reference

ROOT = Path(__file__).resolve().parent.parent


def test_config_reference_is_up_to_date():
    committed = (ROOT / "docs" / "config.md").read_text(encoding="utf-8")
    assert committed == reference(), "run: python -m xaweb.config > docs/config.md"


def test_config_reference_documents_every_setting():
    text = reference()
    for key in ("name", "province", "base_url", "kind", "contact", "leaders", "menu", "footer", "paginate"):
        assert f"| `{key}` |" in text


def test_the_vietnamese_guides_are_a_site_xaweb_builds_strictly(tmp_path):
    """docs/huong-dan/ is built by xaweb itself: no warning, every guide a page, every link inside it alive."""
    import unicodedata

    from xaweb.build import BuildOptions, build
    from xaweb.check import CheckOptions, check_site

    guides = ROOT / "docs" / "huong-dan"
    sources = sorted((guides / "content").rglob("*.md"))
    for source in sources:
        text = source.read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text), source
    out = tmp_path / "out"
    result = build(BuildOptions(guides, out, strict=True, cache=False, jobs=1))
    assert result.warnings == [] and result.pages == len([s for s in sources if s.name != "_index.md"])
    headings = {p.read_text(encoding="utf-8").split("<h1", 1)[1].split(">", 1)[1].split("</h1>", 1)[0] for p in out.rglob("index.html")}
    for source in (s for s in sources if s.name != "_index.md"):
        title = source.read_text(encoding="utf-8").split("title: ", 1)[1].split("\n", 1)[0]
        assert title in headings, source  # every guide is a page of its own
    assert {"Cài đặt xaweb trên Windows 10 và 11", "Đưa trang lên máy chủ nginx", "Máy chủ hỏi đáp, PostgreSQL và sao lưu"} <= headings
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "Hướng dẫn sử dụng xaweb" in home and "Ủy ban nhân dân" not in home.split("<main", 1)[0]
    # A guide site is not a commune's: the sections the rules require are all it may lack.
    findings = check_site(guides, CheckOptions()).findings
    assert [f for f in findings if f.code != "missing-section"] == []
