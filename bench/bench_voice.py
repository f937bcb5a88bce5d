"""Time announcement audio: cold (rendered), cached, and from a voice pack.

Run from the repository root: .venv/bin/python -m bench.bench_voice
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from display.voice import (
    announcement_audio,
    build_voice_pack,
    chime,
    default_engine,
    read_wav,
)
from display.voice.speech import SpeechOptions

CALLS = [
    ("1", 1, SpeechOptions()),
    ("1012", 3, SpeechOptions()),
    ("A001", 12, SpeechOptions()),
    ("B12", 4, SpeechOptions(number_style="digits")),
    ("2005", 7, SpeechOptions(linh="lẻ", thousand="ngàn")),
    ("1999", 11, SpeechOptions()),
]
CACHED_REPEATS = 200


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


T = TypeVar("T")


def _timed(fn: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main() -> None:
    engine, load = _timed(default_engine)
    print(f"engine: {engine.identity}, load {_ms(load)}")
    _, chime_time = _timed(lambda: chime(engine.rate))
    print(f"chime synthesis (once per process): {_ms(chime_time)}")
    with tempfile.TemporaryDirectory() as tmp:
        cache, pack_cache = Path(tmp, "cache"), Path(tmp, "pack-cache")
        pack, pack_time = _timed(lambda: build_voice_pack(Path(tmp, "pack"), engine=engine))
        print(f"voice pack build: {_ms(pack_time)}")
        header = f"{'call':>6} {'ctr':>3} {'cold':>11} {'cached':>11} {'pack cold':>11}"
        print(f"{header} {'size':>9} {'duration':>8}")
        for code, counter, options in CALLS:
            path, cold = _timed(
                lambda c=code, n=counter, o=options: announcement_audio(c, n, o, cache)
            )
            start = time.perf_counter()
            for _ in range(CACHED_REPEATS):
                announcement_audio(code, counter, options, cache)
            cached = (time.perf_counter() - start) / CACHED_REPEATS
            _, pack_cold = _timed(
                lambda c=code, n=counter, o=options: announcement_audio(c, n, o, pack_cache, pack)
            )
            duration = read_wav(path).duration
            size = path.stat().st_size
            print(
                f"{code:>6} {counter:>3} {_ms(cold)} {_ms(cached)} {_ms(pack_cold)} "
                f"{size / 1024:7.0f} KB {duration:7.2f} s"
            )


if __name__ == "__main__":
    main()
