"""The attention chime played before every call, synthesised rather than downloaded.

Three ascending bell-like notes (C5, E5, G5: a major triad sounds friendly, not
alarming) with soft attacks and exponential decays. Pure math, no randomness,
so the same sample rate always gives the same samples and the chime can be
regenerated at install time or committed as ``static/sounds/chime.wav``.
"""

from __future__ import annotations

import math
from array import array
from functools import lru_cache
from pathlib import Path

from display.voice.wav import FULL_SCALE, Pcm, to_wav_bytes

DEFAULT_RATE = 22050
NOTES_HZ = (523.25, 659.26, 783.99)
NOTE_GAP_S = 0.30
LAST_NOTE_S = 1.10
DECAY_S = 0.32
ATTACK_S = 0.006
FADE_S = 0.05
PEAK = 0.6
# (frequency ratio, relative amplitude): a few soft overtones make it a bell, not a beep.
PARTIALS = ((1.0, 1.0), (2.0, 0.32), (3.0, 0.10), (4.16, 0.05))


def _note_value(t: float, freq: float) -> float:
    attack = 0.5 - 0.5 * math.cos(math.pi * t / ATTACK_S) if t < ATTACK_S else 1.0
    envelope = attack * math.exp(-t / DECAY_S)
    return envelope * sum(
        amp * math.exp(-t * (ratio - 1.0) * 2.0) * math.sin(2 * math.pi * freq * ratio * t)
        for ratio, amp in PARTIALS
    )


@lru_cache(maxsize=4)
def _chime_samples(rate: int) -> tuple[int, ...]:
    total = NOTE_GAP_S * (len(NOTES_HZ) - 1) + LAST_NOTE_S
    count = round(total * rate)
    starts = [round(i * NOTE_GAP_S * rate) for i in range(len(NOTES_HZ))]
    values = [0.0] * count
    for start, freq in zip(starts, NOTES_HZ, strict=True):
        for i in range(start, count):
            values[i] += _note_value((i - start) / rate, freq)
    fade = round(FADE_S * rate)
    for k in range(fade):
        values[count - 1 - k] *= k / fade
    peak = max(abs(v) for v in values)
    scale = PEAK * FULL_SCALE / peak
    return tuple(round(v * scale) for v in values)


def chime(rate: int = DEFAULT_RATE) -> Pcm:
    """The chime at ``rate`` Hz, mono 16-bit, about 1.7 s."""
    return Pcm(rate, array("h", _chime_samples(rate)))


def write_chime(path: str | Path, rate: int = DEFAULT_RATE) -> Path:
    """Write the chime WAV (e.g. ``static/sounds/chime.wav``); returns the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(to_wav_bytes(chime(rate)))
    return target
