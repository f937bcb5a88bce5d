"""Voice packs: a folder of short clips joined into an announcement.

A pack is generated once from the engine (``build_voice_pack``) and an office
may replace any clip with its own recording under the same file name — any
PCM WAV works, it is converted on load. File names are ASCII, with the
Vietnamese word in Telex ("một" -> ``word_mootj.wav``) so they survive zips,
USB sticks and Windows; ``manifest.json`` lists what each file must say.
A clip missing from the pack is spoken by the engine instead.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import wave
from collections.abc import Iterable
from pathlib import Path

from display.voice.engine import DEFAULT_SPEED, Engine
from display.voice.speech import LETTER_NAMES, NUMBER_VOCABULARY, SpeechOptions, number_words
from display.voice.wav import Pcm, WavFormatError, normalize, read_wav, resample, to_wav_bytes, trim

MANIFEST = "manifest.json"
CHIME = "chime"
INTRO = "intro"
INTRO_RECALL = "intro_recall"
TO_COUNTER = "to_counter"
DEFAULT_COUNTERS = range(1, 21)
CLIP_PEAK = 0.8

_TONE_KEYS = {"\u0301": "s", "\u0300": "f", "\u0309": "r", "\u0303": "x", "\u0323": "j"}
_SPOKEN_FORMS = {"gi": "di"}  # eSpeak reads a bare "gi" as a lone consonant


class VoicePackError(RuntimeError):
    """A clip is unusable, or missing while no engine can stand in for it."""


def telex(text: str) -> str:
    """ASCII Telex spelling: "mười" -> "muwowif", "đê" -> "ddee"; unique per syllable."""
    out = []
    for word in unicodedata.normalize("NFD", text.lower()).split():
        letters, tone = "", ""
        for ch in word:
            if ch in _TONE_KEYS:
                tone = _TONE_KEYS[ch]
            elif ch == "\u0302":
                letters += letters[-1:]
            elif ch in ("\u0306", "\u031b"):
                letters += "w"
            elif ch == "đ":
                letters += "dd"
            elif ch.isascii() and ch.isalnum():
                letters += ch
        out.append(letters + tone)
    return "_".join(part for part in out if part)


def word_clip(word: str) -> str:
    return f"word_{telex(word)}"


def letter_clip(letter: str) -> str:
    return f"letter_{telex(letter)}"


def counter_clip(counter: int) -> str:
    return f"counter_{counter}"


def spoken(text: str) -> str:
    """Text as the engine should get it: "e-lờ" as two syllables, "gi" said as "di"."""
    text = text.replace("-", " ")
    for written, said in _SPOKEN_FORMS.items():
        text = re.sub(rf"\b{written}\b", said, text)
    return text


def pack_texts(
    options: SpeechOptions | None = None, counters: Iterable[int] = DEFAULT_COUNTERS
) -> dict[str, str]:
    """Clip name -> what it says, for every clip a pack holds."""
    opts = options or SpeechOptions()
    texts = {INTRO: opts.intro, INTRO_RECALL: opts.recall_intro, TO_COUNTER: opts.to_counter}
    texts.update({word_clip(word): word for word in NUMBER_VOCABULARY})
    texts.update({letter_clip(letter): name for letter, name in LETTER_NAMES.items()})
    texts.update({counter_clip(n): " ".join(number_words(n, opts)) for n in counters})
    return texts


def synthesize_clip(engine: Engine, text: str, voice: str, speed: int) -> Pcm:
    return normalize(trim(engine.synthesize(spoken(text), voice, speed)), CLIP_PEAK)


def build_voice_pack(
    directory: str | Path,
    voice: str = "vi",
    options: SpeechOptions | None = None,
    *,
    engine: Engine | None = None,
    speed: int = DEFAULT_SPEED,
    counters: Iterable[int] = DEFAULT_COUNTERS,
) -> Path:
    """Write every clip and the manifest; existing clips are overwritten."""
    if engine is None:
        from display.voice.engine import default_engine

        engine = default_engine()
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    texts = pack_texts(options, counters)
    for name, text in texts.items():
        clip = synthesize_clip(engine, text, voice, speed)
        (target / f"{name}.wav").write_bytes(to_wav_bytes(clip))
    manifest = {
        "voice": voice,
        "speed": speed,
        "engine": engine.identity,
        "clips": {f"{name}.wav": text for name, text in texts.items()},
        "optional": {f"{CHIME}.wav": "chime played before each call"},
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return target


class VoicePack:
    """Clips of one pack directory, converted to one sample rate on load."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        if not self.directory.is_dir():
            raise VoicePackError(f"voice pack {self.directory} is not a directory")
        manifest = self.directory / MANIFEST
        self.texts: dict[str, str] = {}
        if manifest.is_file():
            clips = json.loads(manifest.read_text()).get("clips", {})
            self.texts = {Path(name).stem: text for name, text in clips.items()}

    def fingerprint(self) -> str:
        """Changes whenever a clip is added, replaced or removed, so caches refresh."""
        digest = hashlib.sha256()
        for path in sorted(self.directory.glob("*.wav")):
            stat = path.stat()
            digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
        return digest.hexdigest()

    def rate(self) -> int | None:
        """Sample rate of the intro clip: calls keep the quality of the office's recordings."""
        path = self.directory / f"{INTRO}.wav"
        if not path.is_file():
            return None
        try:
            with wave.open(str(path), "rb") as wav:
                return wav.getframerate()
        except (wave.Error, EOFError) as exc:
            raise VoicePackError(f"{path}: {exc} (save clips as PCM WAV)") from exc

    def load(self, name: str, rate: int | None = None) -> Pcm | None:
        """The clip ``name`` (without .wav), or None if the pack has none."""
        path = self.directory / f"{name}.wav"
        if not path.is_file():
            return None
        try:
            pcm = read_wav(path)
        except WavFormatError as exc:
            raise VoicePackError(str(exc)) from exc
        if rate is not None:
            pcm = resample(pcm, rate)
        return pcm if name == CHIME else normalize(trim(pcm), CLIP_PEAK)
