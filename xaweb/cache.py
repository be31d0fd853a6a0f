"""The build cache in `<site>/.xaweb-cache/`: parsed pages and output fingerprints.

One SQLite file (in the standard library, transactional, a single file CI can
save and restore, safe on Windows). It holds:

- `pages`: for each content file, the key it was parsed under (source hash,
  section, parser version), the parsed page without its body, the body, its
  warnings, and a digest of the page without its body (what list pages, feeds
  and sitemaps can show of it). Bodies are stored apart so a rebuild loads only
  those it renders.
- `outputs`: for each output folder and file, the fingerprint it was rendered under.
- `static`: size and mtime of each static file copied, to copy only changes.
- `files`: size and mtime of each content file with its content hash, so an
  unchanged file is not even read.
- `templates`: what parsing each template source found (the templates it
  names, whether it reads site-wide data), so unchanged templates are not parsed.
- `builds`: per output folder, a stamp of every input of the last successful
  build and the next moment a page expires; while both hold, nothing changed.

Beside it, `templates/` holds Jinja's compiled templates (keyed by their source's
checksum) and `images/` the resized photos (keyed by the photo and the sizes).

The SQLite cache is keyed by xaweb's version, a digest of its code and the Python version: after an
upgrade it starts empty. Deleting the folder is always safe.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, NamedTuple

from . import __version__
from .content.model import Page
from .errors import Problem
from .paths import CACHE_DIR

if TYPE_CHECKING:
    from .render.deps import TemplateFacts

COMPILED_DIR = "templates"  # Jinja's bytecode cache, beside the SQLite file
SCHEMA = 5


def _code_digest() -> str:
    """xaweb's own code and data: a changed xaweb (an upgrade, or a developer's edit
    under the same version number) must not reuse what older code produced."""
    package = Path(__file__).resolve().parent
    h = hashlib.blake2b(digest_size=8)
    for path in sorted(p for p in package.rglob("*") if p.suffix in (".py", ".yaml") and p.is_file()):
        h.update(path.relative_to(package).as_posix().encode("utf-8"))
        h.update(path.read_bytes())
    return h.hexdigest()


VERSION = f"{SCHEMA}:{__version__}:{_code_digest()}:{sys.version_info[0]}.{sys.version_info[1]}"



class CachedPage(NamedTuple):
    key: str  # the parse key: source hash, section path and kind
    page: Page  # without its body
    warnings: list[Problem]
    listing: str  # digest of the page without its body


def _without_body(page: Page, warnings: list[Problem]) -> bytes:
    return pickle.dumps((replace(page, body_html=""), warnings), pickle.HIGHEST_PROTOCOL)


def listing_of(page: Page, warnings: list[Problem]) -> str:
    """The digest of what lists show of a page, as the cache records it: equal digests, only the body
    differs. Its search words and text come from the body: only the search index shows them."""
    blob = pickle.dumps((replace(page, body_html="", search_terms="", search_text=""), warnings), pickle.HIGHEST_PROTOCOL)
    return hashlib.blake2b(blob, digest_size=16).hexdigest()


class FileStamp(NamedTuple):
    stamp: str  # "size:mtime_ns"
    hash: str  # of the text


class Summary(NamedTuple):
    """What a build that changed nothing reports, as the last one did."""

    pages: int
    outputs: int
    warnings: list[Problem]
    files: int  # files in the output folder, generated and static
    addresses: dict[str, str] = {}  # page source -> its URL, to tell the next build which pages moved


class LastBuild(NamedTuple):
    inputs: str  # the stamp of every input
    next_expiry: str  # ISO, or "": the moment time alone changes the output
    summary: Summary


class BuildCache:
    def __init__(self, site_dir: Path, out_dir: Path):
        self.dir = site_dir / CACHE_DIR
        self.dir.mkdir(parents=True, exist_ok=True)  # a commune of a province may have no folder of its own yet
        (self.dir / COMPILED_DIR).mkdir(exist_ok=True)
        (self.dir / ".gitignore").write_text("*\n", encoding="utf-8")
        self.out_dir = str(out_dir)  # output records are kept per output folder
        self.was_damaged = False
        path = self.dir / "build.sqlite3"
        try:
            self._open(path)
        except sqlite3.DatabaseError:
            # The cache only holds what a build can redo: a damaged file (an interrupted CI
            # restore, a full disk) is thrown away and the build goes on without it.
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            self._open(path)
            self.was_damaged = True

    def _open(self, path: Path) -> None:
        self.db = sqlite3.connect(path)
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._setup()
        except sqlite3.DatabaseError:
            self.db.close()
            raise

    def _setup(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        if self._meta("version") != VERSION:
            for table in ("pages", "outputs", "static", "files", "templates", "builds"):
                self.db.execute(f"DROP TABLE IF EXISTS {table}")
            self.db.execute("DELETE FROM meta")
            self._set_meta("version", VERSION)
        self.db.execute("CREATE TABLE IF NOT EXISTS pages (source TEXT PRIMARY KEY, key TEXT, page BLOB, body TEXT, listing TEXT)")
        self.db.execute("CREATE TABLE IF NOT EXISTS outputs (out_dir TEXT, path TEXT, fingerprint TEXT, PRIMARY KEY (out_dir, path))")
        self.db.execute("CREATE TABLE IF NOT EXISTS static (out_dir TEXT, path TEXT, stamp TEXT, PRIMARY KEY (out_dir, path))")
        self.db.execute("CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, stamp TEXT, hash TEXT)")
        self.db.execute("CREATE TABLE IF NOT EXISTS templates (key TEXT PRIMARY KEY, facts BLOB)")
        self.db.execute("CREATE TABLE IF NOT EXISTS builds (out_dir TEXT PRIMARY KEY, inputs TEXT, next_expiry TEXT, summary BLOB)")
        self.db.commit()

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # --- parsed pages ----------------------------------------------------------

    def pages(self) -> dict[str, CachedPage]:
        """Every cached page, without bodies."""
        out = {}
        for source, key, blob, listing in self.db.execute("SELECT source, key, page, listing FROM pages"):
            page, warnings = pickle.loads(blob)
            out[source] = CachedPage(key, page, warnings, listing)
        return out

    def bodies(self, sources: Iterable[str]) -> dict[str, str]:
        sources = list(sources)
        out: dict[str, str] = {}
        for i in range(0, len(sources), 500):  # SQLite's limit on bound parameters
            chunk = sources[i : i + 500]
            marks = ",".join("?" * len(chunk))
            out.update(self.db.execute(f"SELECT source, body FROM pages WHERE source IN ({marks})", chunk))
        return out

    def store_pages(self, entries: Iterable[tuple[str, Page, list[Problem]]], keep: set[str]) -> dict[str, str]:
        """Record newly parsed pages and forget files that no longer exist; return the digests of the pages without bodies."""
        rows = []
        for key, page, warnings in entries:
            blob = _without_body(page, warnings)
            rows.append((page.source, key, blob, page.body_html, listing_of(page, warnings)))
        self.db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?)", rows)
        stale = [(s,) for (s,) in self.db.execute("SELECT source FROM pages") if s not in keep]
        self.db.executemany("DELETE FROM pages WHERE source = ?", stale)
        self.db.commit()
        return {source: listing for source, _, _, _, listing in rows}

    # --- content file stamps -----------------------------------------------------

    def file_hashes(self) -> dict[str, FileStamp]:
        """path -> stamp and content hash as of the last build."""
        return {path: FileStamp(stamp, h) for path, stamp, h in self.db.execute("SELECT path, stamp, hash FROM files")}

    def store_file_hashes(self, hashes: dict[str, FileStamp]) -> None:
        self.db.execute("DELETE FROM files")
        self.db.executemany("INSERT INTO files VALUES (?, ?, ?)", ((p, st, h) for p, (st, h) in hashes.items()))
        self.db.commit()

    # --- the last build's inputs ----------------------------------------------------

    def last_build(self) -> LastBuild | None:
        """The last successful build into this output folder."""
        row = self.db.execute("SELECT inputs, next_expiry, summary FROM builds WHERE out_dir = ?", (self.out_dir,)).fetchone()
        return LastBuild(row[0], row[1], Summary(*pickle.loads(row[2]))) if row else None

    def store_build(self, last: LastBuild) -> None:
        self.db.execute("INSERT OR REPLACE INTO builds VALUES (?, ?, ?, ?)",
                        (self.out_dir, last.inputs, last.next_expiry, pickle.dumps(tuple(last.summary))))
        self.db.commit()

    # --- outputs -----------------------------------------------------------------

    def fingerprints(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT path, fingerprint FROM outputs WHERE out_dir = ?", (self.out_dir,)))

    def static_stamps(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT path, stamp FROM static WHERE out_dir = ?", (self.out_dir,)))

    def store_outputs(self, fingerprints: dict[str, str], static: dict[str, str], templates: TemplateFacts) -> None:
        """Replace the record of the output folder with what this build wrote, and the facts of the templates it used."""
        for table, rows in (("outputs", fingerprints), ("static", static)):
            self.db.execute(f"DELETE FROM {table} WHERE out_dir = ?", (self.out_dir,))
            self.db.executemany(f"INSERT INTO {table} VALUES (?, ?, ?)", ((self.out_dir, k, v) for k, v in rows.items()))
        self.db.execute("DELETE FROM templates")
        self.db.executemany("INSERT INTO templates VALUES (?, ?)", ((k, pickle.dumps(v)) for k, v in templates.items()))
        self.db.commit()

    def template_facts(self) -> TemplateFacts:
        return {key: pickle.loads(blob) for key, blob in self.db.execute("SELECT key, facts FROM templates")}

    def close(self) -> None:
        self.db.close()
