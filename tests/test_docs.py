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
