"""Mono 16-bit PCM in memory: just enough to join chime, TTS output and recorded clips.

Everything is converted to one format (mono, 16-bit, one sample rate) so that
clips from the engine, the generated chime and an office's own recordings
concatenate into a single valid WAV. Pure standard library (``audioop`` is
deprecated), fast enough for clips of a few seconds.
"""

from __future__ import annotations

import io
import math
import sys
import wave
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

FULL_SCALE = 32767


class WavFormatError(ValueError):
    """A clip is not a WAV file this module can read (e.g. compressed or float)."""


@dataclass(frozen=True)
class Pcm:
    """Mono signed 16-bit samples at ``rate`` Hz."""

    rate: int
    samples: array

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate


def _to_little_endian(samples: array) -> array:
    if sys.byteorder == "big":
        samples = array(samples.typecode, samples)
        samples.byteswap()
    return samples


def _decode_frames(raw: bytes, width: int) -> array:
    if width == 1:
        return array("h", ((b - 128) << 8 for b in raw))
    if width == 2:
        return _to_little_endian(array("h", raw))
    if width == 3:
        frames = (raw[i : i + 3] for i in range(0, len(raw), 3))
        return array("h", (int.from_bytes(f, "little", signed=True) >> 8 for f in frames))
    if width == 4:
        return array("h", (s >> 16 for s in _to_little_endian(array("i", raw))))
    raise WavFormatError(f"unsupported sample width: {width} bytes")


def _mix_to_mono(samples: array, channels: int) -> array:
    if channels == 1:
        return samples
    return array(
        "h",
        (
            sum(samples[i : i + channels]) // channels
            for i in range(0, len(samples) - channels + 1, channels)
        ),
    )


def _read(stream: BinaryIO, name: str) -> Pcm:
    try:
        with wave.open(stream, "rb") as wav:
            channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
            raw = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise WavFormatError(f"{name}: {exc} (save clips as PCM WAV)") from exc
    return Pcm(rate, _mix_to_mono(_decode_frames(raw, width), channels))


def read_wav(source: str | Path | bytes) -> Pcm:
    """Read any PCM WAV (8/16/24/32-bit, mono or multi-channel) as mono 16-bit."""
    if isinstance(source, bytes):
        return _read(io.BytesIO(source), "WAV data")
    with open(source, "rb") as stream:
        return _read(stream, str(source))


def to_wav_bytes(pcm: Pcm) -> bytes:
    """Serialise as a standard RIFF/WAVE PCM file."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(pcm.rate)
        wav.writeframes(_to_little_endian(pcm.samples).tobytes())
    return buffer.getvalue()


def silence(rate: int, seconds: float) -> Pcm:
    return Pcm(rate, array("h", bytes(2 * round(rate * seconds))))


def resample(pcm: Pcm, rate: int) -> Pcm:
    """Linear-interpolation resampling; good enough for speech clips of an office's own."""
    if pcm.rate == rate:
        return pcm
    if not pcm.samples:
        return Pcm(rate, array("h"))
    src = pcm.samples
    count = max(1, round(len(src) * rate / pcm.rate))
    step = pcm.rate / rate
    last = len(src) - 1
    out = array("h")
    for i in range(count):
        pos = i * step
        j = min(int(pos), last)
        frac = pos - j
        nxt = src[min(j + 1, last)]
        out.append(round(src[j] + (nxt - src[j]) * frac))
    return Pcm(rate, out)


def concat(parts: Iterable[Pcm]) -> Pcm:
    """Join clips of one sample rate."""
    parts = list(parts)
    if not parts:
        raise ValueError("nothing to concatenate")
    rate = parts[0].rate
    out = array("h")
    for part in parts:
        if part.rate != rate:
            raise ValueError(f"sample rates differ: {part.rate} != {rate}")
        out.extend(part.samples)
    return Pcm(rate, out)


def rms(pcm: Pcm) -> float:
    """Root mean square level, 0..1 of full scale."""
    if not pcm.samples:
        return 0.0
    return math.sqrt(sum(s * s for s in pcm.samples) / len(pcm.samples)) / FULL_SCALE


def trim(pcm: Pcm, threshold: float = 0.02, pad: float = 0.01) -> Pcm:
    """Drop leading and trailing near-silence so joined clips don't leave long gaps."""
    level = threshold * FULL_SCALE
    samples = pcm.samples
    first = next((i for i, s in enumerate(samples) if abs(s) > level), None)
    if first is None:
        return Pcm(pcm.rate, array("h"))
    last = next(i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) > level)
    margin = round(pad * pcm.rate)
    return Pcm(pcm.rate, samples[max(0, first - margin) : min(len(samples), last + margin + 1)])


def normalize(pcm: Pcm, peak: float = 0.8) -> Pcm:
    """Scale so the loudest sample is ``peak`` of full scale; evens out recorded clips."""
    current = max((abs(s) for s in pcm.samples), default=0)
    if not current:
        return pcm
    gain = peak * FULL_SCALE / current
    scaled = (max(-FULL_SCALE - 1, min(FULL_SCALE, round(s * gain))) for s in pcm.samples)
    return Pcm(pcm.rate, array("h", scaled))
