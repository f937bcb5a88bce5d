"""Offline voice for call announcements: chime + Vietnamese speech as WAV.

Public API; see the submodules for the reasons behind each piece.
"""

from display.voice.announce import (
    announcement_audio,
    prune_cache,
    render_announcement,
)
from display.voice.chime import chime, write_chime
from display.voice.engine import (
    DEFAULT_SPEED,
    Engine,
    EspeakEngine,
    VoiceInfo,
    VoiceUnavailable,
    default_engine,
    list_voices,
)
from display.voice.pack import VoicePack, VoicePackError, build_voice_pack, pack_texts
from display.voice.wav import Pcm, WavFormatError, read_wav, rms, to_wav_bytes

__all__ = [
    "DEFAULT_SPEED",
    "Engine",
    "EspeakEngine",
    "Pcm",
    "VoiceInfo",
    "VoicePack",
    "VoicePackError",
    "VoiceUnavailable",
    "WavFormatError",
    "announcement_audio",
    "build_voice_pack",
    "chime",
    "default_engine",
    "list_voices",
    "pack_texts",
    "prune_cache",
    "read_wav",
    "render_announcement",
    "rms",
    "to_wav_bytes",
    "write_chime",
]
