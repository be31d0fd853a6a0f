"""UI strings: one flat catalog per language, Vietnamese first.

Catalogs live in `xaweb/locales/<lang>.yaml`; a missing key is an error at
render time (with the template's line), never a silently blank label.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from typing import Mapping

import yaml

from .yamltext import Loader

DEFAULT_LANGUAGE = "vi"


@lru_cache(maxsize=None)
def load_catalog(lang: str) -> Mapping[str, str]:
    text = (files("xaweb") / "locales" / f"{lang}.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=Loader) or {}  # noqa: S506 - a safe loader


class Translator:
    def __init__(self, lang: str):
        self.lang = lang
        self.catalog = load_catalog(lang)

    def __call__(self, key: str, **values: object) -> str:
        try:
            text = self.catalog[key]
        except KeyError:
            raise KeyError(f"chuỗi giao diện '{key}' không có trong xaweb/locales/{self.lang}.yaml") from None
        return text.format(**values) if values else text
