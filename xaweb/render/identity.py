"""How a commune names itself and its province: rules about names and places, in one place (not in templates).

Since the 2025 reorganisation six centrally-run cities are "Thành phố …" and
every other province is "Tỉnh …"; a province already written with its prefix
in site.yaml is shown as written.
"""

from __future__ import annotations

from ..config import SiteConfig
from ..i18n import Translator

CENTRAL_CITIES = frozenset({"hà nội", "hồ chí minh", "hải phòng", "đà nẵng", "cần thơ", "huế"})
KIND_KEYS = {"xã": "kind_xa", "phường": "kind_phuong", "đặc khu": "kind_dac_khu", "thị trấn": "kind_thi_tran"}
_PREFIXES = ("tỉnh ", "thành phố ", "tp")


def kind_label(config: SiteConfig, _: Translator) -> str:
    """'xã', 'phường', 'đặc khu' in the site's language."""
    return _(KIND_KEYS[config.kind]) if config.kind in KIND_KEYS else config.kind


def province_line(config: SiteConfig, _: Translator) -> str:
    """'Tỉnh Đồng Tháp', 'Thành phố Đà Nẵng': the second line of the name block."""
    lower = config.province.lower()
    if lower.startswith(_PREFIXES):
        return config.province
    return _("city_label" if lower in CENTRAL_CITIES else "province_label", name=config.province)


def committee_name(config: SiteConfig, _: Translator) -> str:
    """'Ủy ban nhân dân xã Tân An': the first line of the name block."""
    return _("committee_name", prefix=_("committee_prefix"), kind=kind_label(config, _), name=config.name)
