"""Radio bulletins' files, read with mutagen: length, bitrate, format. I/O at the edge (like images.py).

A file that cannot be read as MP3 or Ogg audio (broken, or a wrong name on another kind of
file) is a warning naming its path; its page is published with its transcript and no player.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Mapping

from .content.model import AudioFacts
from .errors import Problem

MIMES = {"MP3": "audio/mpeg", "OggVorbis": "audio/ogg", "OggOpus": "audio/ogg", "OggFLAC": "audio/ogg", "OggSpeex": "audio/ogg"}


def probe_audio(urls: Iterable[str], static: Mapping[str, Path]) -> tuple[dict[str, AudioFacts], list[Problem]]:
    """-> ({url: facts}, warnings) for the audio files in static/ among `urls` (a missing one: a warning too)."""
    import mutagen  # only sites with radio bulletins pay for the import

    facts: dict[str, AudioFacts] = {}
    problems = []
    for url in sorted(set(urls)):
        path = static.get(url)
        where = "static" + url
        if path is None:
            problems.append(Problem(where, None, "không tìm thấy tệp âm thanh của bản tin truyền thanh; trang vẫn đăng, không có phần nghe",
                                    "warning", "bad-audio"))
            continue
        try:
            audio = mutagen.File(path)
        except (mutagen.MutagenError, OSError, ValueError) as exc:
            audio, reason = None, str(exc)
        else:
            reason = "không phải tệp MP3 hoặc Ogg"
        kind = type(audio).__name__ if audio is not None else ""
        length = getattr(getattr(audio, "info", None), "length", 0) or 0
        if kind not in MIMES or length <= 0:
            problems.append(Problem(where, None, f"không đọc được tệp âm thanh ({reason}); trang vẫn đăng, không có phần nghe",
                                    "warning", "bad-audio"))
            continue
        facts[url] = AudioFacts(url, MIMES[kind], round(float(length), 2), int(getattr(audio.info, "bitrate", 0) or 0), path.stat().st_size)
    return facts, problems
