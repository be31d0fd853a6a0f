"""Containment: no file from outside the site folder is ever read as a site input.

Ground floor: imports nothing of xaweb. Paths are resolved with
os.path.realpath, which follows every symbolic link (links to links included).
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_DIR = ".xaweb-cache"  # in a site folder: the build's cache, the last good copies of its network inputs


def inside(path: str, folder: str) -> bool:
    """Whether `path` is `folder` or below it; both already resolved."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def within(site_dir: Path, relative: str) -> Path | None:
    """`site_dir / relative` resolved, or None when it (or a link on the way) leaves the site folder."""
    real = os.path.realpath(site_dir / relative)
    return Path(real) if inside(real, os.path.realpath(site_dir)) else None
