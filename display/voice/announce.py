"""Call announcements as WAV files: chime, pause, Vietnamese speech; cached on disk.

Rendering takes milliseconds with eSpeak NG, but a display may ask for the
same call many times (recalls, several screens, reconnects), so the file is
cached under a hash of everything that shapes the sound. Files are written
atomically, so several server processes can share one cache directory.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

from display.voice.chime import DEFAULT_RATE, chime
from display.voice.engine import DEFAULT_SPEED, Engine, VoiceUnavailable, default_engine
from display.voice.pack import (
    CHIME,
    INTRO,
    INTRO_RECALL,
    TO_COUNTER,
    VoicePack,
    VoicePackError,
    counter_clip,
    letter_clip,
    spoken,
    synthesize_clip,
    word_clip,
)
from display.voice.speech import Announcement, SpeechOptions, build_announcement
from display.voice.wav import Pcm, concat, normalize, silence, to_wav_bytes, trim

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
CACHE_PREFIX = "announce-"
SPEECH_PEAK = 0.8
AFTER_CHIME_S = 0.35
TAIL_S = 0.30
REPEAT_GAP_S = 0.8
PHRASE_GAP_S = 0.18
LETTER_GAP_S = 0.15
WORD_GAP_S = 0.04
DEFAULT_MAX_CACHE_FILES = 1000


def render_with_engine(announcement: Announcement, engine: Engine, voice: str, speed: int) -> Pcm:
    """Whole sentence in one engine call: the most natural intonation."""
    speech = trim(engine.synthesize(spoken(announcement.text()), voice, speed))
    if not speech.samples:
        raise RuntimeError(f"engine produced silence for voice {voice!r}")
    speech = normalize(speech, SPEECH_PEAK)
    rate = speech.rate
    return concat(
        [
            chime(rate),
            silence(rate, AFTER_CHIME_S),
            *_said(speech, announcement),
            silence(rate, TAIL_S),
        ]
    )


def _said(speech: Pcm, announcement: Announcement) -> list[Pcm]:
    """The sentence as many times as the office wants it, a pause between."""
    parts = [speech]
    for _ in range(announcement.times - 1):
        parts += [silence(speech.rate, REPEAT_GAP_S), speech]
    return parts


class _PackRenderer:
    def __init__(self, pack: VoicePack, engine: Engine | None, voice: str, speed: int) -> None:
        self.pack, self.engine, self.voice, self.speed = pack, engine, voice, speed
        self.rate = pack.rate() or (engine.rate if engine else DEFAULT_RATE)

    def clip(self, name: str, text: str) -> Pcm:
        pcm = self.pack.load(name, self.rate)
        if pcm is not None:
            return pcm
        if self.engine is None:
            raise VoicePackError(f"voice pack {self.pack.directory} has no {name}.wav")
        log.info("voice pack %s has no %s.wav; using the engine", self.pack.directory, name)
        return synthesize_clip(self.engine, self.pack.texts.get(name, text), self.voice, self.speed)

    def words(self, words: tuple[str, ...]) -> list[Pcm]:
        out: list[Pcm] = []
        for word in words:
            if out:
                out.append(silence(self.rate, WORD_GAP_S))
            out.append(self.clip(word_clip(word), word))
        return out

    def render(self, announcement: Announcement) -> Pcm:
        rate = self.rate
        chime_part = self.pack.load(CHIME, rate) or chime(rate)
        parts = [self.intro(announcement), silence(rate, PHRASE_GAP_S)]
        previous = None
        for part in announcement.code:
            if previous is not None:
                gap = LETTER_GAP_S if part.kind != previous else WORD_GAP_S
                parts.append(silence(rate, gap))
            if part.kind == "letter":
                parts.append(self.clip(letter_clip(part.raw), part.words[0]))
            else:
                parts += self.words(part.words)
            previous = part.kind
        parts += [silence(rate, PHRASE_GAP_S), self.clip(TO_COUNTER, announcement.to_counter)]
        parts.append(silence(rate, WORD_GAP_S))
        counter = self.pack.load(counter_clip(announcement.counter), rate)
        parts += [counter] if counter else self.words(announcement.counter_words)
        sentence = concat(parts)
        return concat(
            [
                chime_part,
                silence(rate, AFTER_CHIME_S),
                *_said(sentence, announcement),
                silence(rate, TAIL_S),
            ]
        )

    def intro(self, announcement: Announcement) -> Pcm:
        """A recall's own recording (intro_recall.wav) when the pack has one; else the
        engine says the recall wording; with neither, the pack's ordinary intro."""
        if not announcement.recall:
            return self.clip(INTRO, announcement.intro)
        if self.pack.load(INTRO_RECALL, self.rate) is None and self.engine is None:
            return self.clip(INTRO, announcement.intro)
        return self.clip(INTRO_RECALL, announcement.intro)


def render_announcement(
    announcement: Announcement,
    *,
    voice: str = "vi",
    speed: int = DEFAULT_SPEED,
    engine: Engine | None = None,
    pack: VoicePack | None = None,
) -> Pcm:
    """Uncached rendering: from the pack's clips when given, else by the engine."""
    if pack is not None:
        return _PackRenderer(pack, engine, voice, speed).render(announcement)
    if engine is None:
        raise VoiceUnavailable("no speech engine and no voice pack")
    return render_with_engine(announcement, engine, voice, speed)


def _cache_key(announcement: Announcement, options: SpeechOptions, **parts: object) -> str:
    payload = {
        "format": FORMAT_VERSION,
        "text": announcement.text(),
        "options": asdict(options),
        **parts,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:32]


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".wav")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def prune_cache(cache_dir: str | Path, max_files: int = DEFAULT_MAX_CACHE_FILES) -> int:
    """Delete the least recently used announcement files beyond ``max_files``; returns count."""
    files = []
    for path in Path(cache_dir).glob(f"{CACHE_PREFIX}*.wav"):
        try:
            files.append((path.stat().st_mtime_ns, path))
        except FileNotFoundError:
            continue
    files.sort(reverse=True)
    removed = 0
    for _, path in files[max_files:]:
        path.unlink(missing_ok=True)
        removed += 1
    return removed


def announcement_audio(
    code: str,
    counter: int | str,
    options: SpeechOptions | None,
    cache_dir: str | Path,
    pack_dir: str | Path | None = None,
    *,
    voice: str = "vi",
    speed: int = DEFAULT_SPEED,
    engine: Engine | None = None,
    max_cache_files: int = DEFAULT_MAX_CACHE_FILES,
    recall: bool = False,
) -> Path:
    """Path of a WAV (chime + call) for ``code`` at ``counter``, rendered once then cached.

    Raises ValueError for a code or counter that cannot be read, VoiceUnavailable
    when no engine is installed and no voice pack covers the call.
    """
    opts = options or SpeechOptions()
    announcement = build_announcement(code, counter, opts, recall=recall)
    pack = VoicePack(pack_dir) if pack_dir is not None else None
    if engine is None:
        try:
            engine = default_engine()
        except VoiceUnavailable:
            if pack is None:
                raise
    key = _cache_key(
        announcement,
        opts,
        voice=voice,
        speed=speed,
        engine=engine.identity if engine else None,
        pack=pack.fingerprint() if pack else None,
    )
    directory = Path(cache_dir)
    path = directory / f"{CACHE_PREFIX}{key}.wav"
    if path.is_file():
        with contextlib.suppress(OSError):
            os.utime(path)  # keeps recently replayed calls out of prune_cache's reach
        return path
    pcm = render_announcement(announcement, voice=voice, speed=speed, engine=engine, pack=pack)
    directory.mkdir(parents=True, exist_ok=True)
    _write_atomic(path, to_wav_bytes(pcm))
    prune_cache(directory, max_cache_files)
    return path
