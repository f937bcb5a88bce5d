"""Call audio for the displays: office voice settings, input checks, where files are cached.

The announce route is public (a TV fetches it without a login), so it only renders calls
that could really happen in the office: a code of one of its fields, in the field's number
block, at one of its counters. That keeps strangers from filling the cache or the CPU with
arbitrary text. What an office can set, under `settings["voice"]`:

    {"voice": "vi" | "vi-vn-x-central" | "vi-vn-x-south" | "vi+f3" ...,
     "number_style": "ticket" | "number" | "digits", "linh": "linh" | "lẻ",
     "thousand": "nghìn" | "ngàn", "speed": 80..300,
     "intro": "Mời công dân có số thứ tự", "to_counter": "đến quầy số",
     "recall_intro": "Mời lại công dân có số thứ tự", "repeat": 1 | 2}

A wrong value is logged and replaced by its default: a typo in the settings must not
silence the waiting room. An office may record its own clips as a voice pack in
`<instance>/voice-packs/<OFFICE>/` (or one for all offices in `voice-packs/default/`).
"""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from display.voice import DEFAULT_SPEED, announcement_audio, list_voices
from display.voice.speech import SpeechOptions
from server.engine import Engine

log = logging.getLogger(__name__)

FACTS_TTL_S = 30.0
FACTS_RETRY_S = 2.0
MAX_CODE_LENGTH = 16
SPEED_RANGE = (80, 300)
_VOICE_ID = re.compile(r"^vi[a-z0-9+\-]{0,30}$")
_OPTION_KEYS = {f.name for f in fields(SpeechOptions)} - {"intro_en", "to_counter_en"}


class BadCall(ValueError):
    """The code or counter is not one this office could call (maps to 400/404)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class VoiceConfig:
    options: SpeechOptions = field(default_factory=SpeechOptions)
    voice: str = "vi"
    speed: int = DEFAULT_SPEED


def voice_config(settings: dict[str, Any], office: str = "?") -> VoiceConfig:
    """The office's `settings["voice"]`, each bad value replaced by its default."""
    raw = settings.get("voice")
    if not isinstance(raw, dict):
        return VoiceConfig()
    options = SpeechOptions()
    kwargs = {key: raw[key] for key in _OPTION_KEYS if key in raw}
    try:
        options = SpeechOptions(**kwargs)
    except (TypeError, ValueError) as exc:
        log.warning("office %s: voice settings %r ignored (%s)", office, kwargs, exc)
    voice = raw.get("voice", "vi")
    known = {v.id for v in list_voices()}
    if not isinstance(voice, str) or not (voice in known or _VOICE_ID.match(voice)):
        log.warning("office %s: unknown voice %r, using 'vi'", office, voice)
        voice = "vi"
    speed = raw.get("speed", DEFAULT_SPEED)
    if isinstance(speed, bool) or not isinstance(speed, int):
        speed = DEFAULT_SPEED
    speed = min(max(speed, SPEED_RANGE[0]), SPEED_RANGE[1])
    return VoiceConfig(options, voice, speed)


def announce_max_age(settings: dict[str, Any], default: int = 60) -> int:
    """Seconds after which a call missed while disconnected is shown but not spoken."""
    value = settings.get("announce_max_age", default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        return default
    return int(value)


@dataclass(frozen=True)
class OfficeFacts:
    """What the announce route checks against, read at most every FACTS_TTL_S."""

    blocks: tuple[tuple[str, int, int], ...]  # (prefix, first number, last number)
    counters: frozenset[int]
    voice: VoiceConfig
    fetched: float

    def check(self, code: str, counter: str) -> tuple[str, int]:
        """Normalised (code, counter number), or BadCall."""
        if not (counter.isascii() and counter.isdecimal()) or len(counter) > 4:
            raise BadCall("counter must be a counter number")
        number = int(counter)
        if number not in self.counters:
            raise BadCall(f"this office has no counter {number}", status=404)
        code = unicodedata.normalize("NFC", code.strip()).upper()
        if not code or len(code) > MAX_CODE_LENGTH:
            raise BadCall("code must be a ticket code")
        for prefix, first, last in self.blocks:
            rest = code[len(prefix) :]
            if (
                code.startswith(prefix)
                and rest.isascii()
                and rest.isdecimal()
                and first <= int(rest) <= last
            ):
                return code, number
        raise BadCall(f"{code!r} is not a ticket code of this office", status=404)


class CallAudio:
    """Validates calls per office and returns the cached WAV for each."""

    def __init__(self, engine: Engine, instance_path: str | Path) -> None:
        self.engine = engine
        self.cache_dir = Path(instance_path) / "voice-cache"
        self.packs_dir = Path(instance_path) / "voice-packs"
        self._facts: dict[str, OfficeFacts] = {}
        self._lock = threading.Lock()

    def facts(self, office: str, fresh: bool = False) -> OfficeFacts:
        """Raises the engine's NotFound for an unknown office."""
        with self._lock:
            known = self._facts.get(office)
        if known and not fresh and time.monotonic() - known.fetched < FACTS_TTL_S:
            return known
        settings = self.engine.office_settings(office)["settings"]
        services = self.engine.services(office, include_inactive=True)
        snapshot = self.engine.snapshot(office)
        facts = OfficeFacts(
            blocks=tuple(
                sorted(
                    ((s["prefix"].upper(), s["number_start"], s["number_end"]) for s in services),
                    key=lambda block: -len(block[0]),
                )
            ),
            counters=frozenset(c["number"] for c in snapshot["counters"]),
            voice=voice_config(settings, office),
            fetched=time.monotonic(),
        )
        with self._lock:
            self._facts[office] = facts
        return facts

    def check(self, office: str, code: str, counter: str) -> tuple[str, int, VoiceConfig]:
        facts = self.facts(office)
        try:
            return (*facts.check(code, counter), facts.voice)
        except BadCall:
            if time.monotonic() - facts.fetched < FACTS_RETRY_S:
                raise
        # A counter or field added since the last read: look again once.
        facts = self.facts(office, fresh=True)
        return (*facts.check(code, counter), facts.voice)

    def pack_dir(self, office: str) -> Path | None:
        for name in (office, "default"):
            candidate = self.packs_dir / name
            if candidate.is_dir():
                return candidate
        return None

    def wav(self, office: str, code: str, counter: str, recall: bool = False) -> Path:
        """Path of the announcement WAV (a recall in its own words); BadCall, NotFound or
        VoiceUnavailable otherwise."""
        code, number, voice = self.check(office, code, counter)
        return announcement_audio(
            code,
            number,
            voice.options,
            self.cache_dir,
            self.pack_dir(office),
            voice=voice.voice,
            speed=voice.speed,
            recall=recall,
        )
