"""Offline speech synthesis with eSpeak NG through its C library.

Why eSpeak NG: it is the only engine with Vietnamese voices (northern, central,
southern) that installs fully offline from PyPI or Debian — the neural engines
with Vietnamese models (Piper, KorvaTTS, VNTTS, ...) fetch their weights from a
hub at run time. The library is taken from the ``espeakng-loader`` wheel (ships
``libespeak-ng`` and its data, so no root or apt is needed), else from
Debian's ``libespeak-ng1``. It is called in-process through ctypes: one call
costs milliseconds, with no process start.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from array import array
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from display.voice.wav import Pcm

DEFAULT_SPEED = 140

AUDIO_OUTPUT_SYNCHRONOUS = 2
INITIALIZE_DONT_EXIT = 0x8000
CHARS_UTF8 = 1
PHONEMES_IPA = 0x02
PARAM_RATE = 1
PARAM_VOLUME = 2
VOLUME = 80  # eSpeak's default 100 clips a few samples of Vietnamese speech


class VoiceUnavailable(RuntimeError):
    """No speech engine could be loaded; the message says what to install."""


@dataclass(frozen=True)
class VoiceInfo:
    id: str
    region: str
    label: str


VOICES = (
    VoiceInfo("vi", "north", "Giọng miền Bắc"),
    VoiceInfo("vi-vn-x-central", "central", "Giọng miền Trung"),
    VoiceInfo("vi-vn-x-south", "south", "Giọng miền Nam"),
)


class Engine(Protocol):
    """What the announcement code needs from a synthesiser; tests wrap it."""

    rate: int

    @property
    def identity(self) -> str: ...

    def synthesize(self, text: str, voice: str, speed: int = DEFAULT_SPEED) -> Pcm: ...


SYNTH_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


# libespeak-ng keeps one global state per process, so every instance shares this lock.
_LIBRARY_LOCK = threading.Lock()


class EspeakEngine:
    """libespeak-ng in synchronous mode; use ``default_engine()`` for the shared instance."""

    def __init__(self, library: str, data_path: str | None, source: str) -> None:
        self._lib = ctypes.CDLL(library)
        self._chunks: list[bytes] = []
        self._callback = SYNTH_CALLBACK(self._collect)
        lib = self._lib
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetSynthCallback.argtypes = [SYNTH_CALLBACK]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
            ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]  # fmt: skip
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        lib.espeak_TextToPhonemes.argtypes = [
            ctypes.POINTER(ctypes.c_char_p),
            ctypes.c_int,
            ctypes.c_int,
        ]
        lib.espeak_Info.restype = ctypes.c_char_p
        lib.espeak_Info.argtypes = [ctypes.c_void_p]
        path = data_path.encode() if data_path else None
        with _LIBRARY_LOCK:
            rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, path, INITIALIZE_DONT_EXIT)
        if rate <= 0:
            raise VoiceUnavailable(f"eSpeak NG failed to initialise (data path {data_path})")
        self.rate = rate
        version = (lib.espeak_Info(None) or b"?").decode()
        self._identity = f"espeak-ng {version} ({source})"

    @property
    def identity(self) -> str:
        return self._identity

    def _collect(self, wav: ctypes._Pointer, count: int, _events: int) -> int:
        if wav and count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        return 0

    def _set_voice(self, voice: str, speed: int) -> None:
        if self._lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise ValueError(f"unknown eSpeak NG voice {voice!r}")
        self._lib.espeak_SetParameter(PARAM_RATE, speed, 0)
        self._lib.espeak_SetParameter(PARAM_VOLUME, VOLUME, 0)

    def synthesize(self, text: str, voice: str, speed: int = DEFAULT_SPEED) -> Pcm:
        """Speak ``text`` with ``voice`` at ``speed`` words per minute."""
        data = text.encode() + b"\0"
        with _LIBRARY_LOCK:
            self._lib.espeak_SetSynthCallback(self._callback)
            self._set_voice(voice, speed)
            self._chunks = []
            status = self._lib.espeak_Synth(data, len(data), 0, 0, 0, CHARS_UTF8, None, None)
            chunks, self._chunks = self._chunks, []
        if status != 0:
            raise RuntimeError(f"eSpeak NG synthesis failed with status {status}")
        samples = array("h")
        samples.frombytes(b"".join(chunks))
        return Pcm(self.rate, samples)

    def phonemes(self, text: str, voice: str, ipa: bool = True) -> str:
        """Phonemes eSpeak NG would speak: the only way to check tones without listening."""
        buffer = ctypes.c_char_p(text.encode())
        pointer = ctypes.pointer(buffer)
        clauses = []
        with _LIBRARY_LOCK:
            self._set_voice(voice, DEFAULT_SPEED)
            while buffer.value:
                mode = PHONEMES_IPA if ipa else 0
                out = self._lib.espeak_TextToPhonemes(pointer, CHARS_UTF8, mode)
                clauses.append((out or b"").decode().strip())
        return " ".join(c for c in clauses if c)


def _bundled_library() -> tuple[str, str] | None:
    try:
        import espeakng_loader
    except ImportError:
        return None
    return espeakng_loader.get_library_path(), espeakng_loader.get_data_path()


@lru_cache(maxsize=1)
def default_engine() -> EspeakEngine:
    """The process-wide engine; raises VoiceUnavailable with an install hint."""
    bundled = _bundled_library()
    if bundled:
        return EspeakEngine(bundled[0], bundled[1], "espeakng-loader")
    system = ctypes.util.find_library("espeak-ng")
    if system:
        return EspeakEngine(system, None, "system")
    raise VoiceUnavailable(
        "no eSpeak NG library: pip install espeakng-loader (or apt-get install libespeak-ng1)"
    )


def list_voices() -> tuple[VoiceInfo, ...]:
    """Vietnamese voices, northern first; eSpeak NG variants work too, e.g. "vi+f3"."""
    return VOICES
