"""Announcement audio made offline in the test: valid WAV, chime first, cached, packs.

Tests that need eSpeak NG skip when it is missing, with the reason, except
under CI=true, where a missing engine is a failure.
"""

import json
import math
import os
import wave
from array import array
from pathlib import Path

import pytest

from display.voice import (
    Pcm,
    VoicePack,
    VoicePackError,
    VoiceUnavailable,
    announcement_audio,
    build_voice_pack,
    chime,
    default_engine,
    list_voices,
    pack_texts,
    prune_cache,
    read_wav,
    render_announcement,
    rms,
    to_wav_bytes,
    write_chime,
)
from display.voice.engine import DEFAULT_SPEED, EspeakEngine
from display.voice.pack import spoken, telex
from display.voice.speech import SpeechOptions, build_announcement
from display.voice.wav import resample

REPO = Path(__file__).resolve().parents[2]


class CountingEngine:
    """Wraps the real engine and counts synthesis calls, to prove cache hits."""

    def __init__(self, inner: EspeakEngine) -> None:
        self.inner = inner
        self.calls = 0
        self.rate = inner.rate

    @property
    def identity(self) -> str:
        return self.inner.identity

    def synthesize(self, text: str, voice: str, speed: int = DEFAULT_SPEED) -> Pcm:
        self.calls += 1
        return self.inner.synthesize(text, voice, speed)


@pytest.fixture(scope="module")
def engine() -> EspeakEngine:
    try:
        return default_engine()
    except VoiceUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"speech engine missing under CI: {exc}")
        pytest.skip(f"speech engine not installed: {exc}")


@pytest.fixture
def counting(engine: EspeakEngine) -> CountingEngine:
    return CountingEngine(engine)


@pytest.fixture(scope="module")
def pack_dir(engine: EspeakEngine, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_voice_pack(
        tmp_path_factory.mktemp("pack"), "vi", engine=engine, counters=range(1, 4)
    )


def wav_params(path: Path) -> wave._wave_params:
    with wave.open(str(path), "rb") as wav:
        return wav.getparams()


def starts_with_chime(pcm: Pcm) -> bool:
    head = chime(pcm.rate).samples
    return pcm.samples[: len(head)] == head


def tone(rate: int, seconds: float, freq: float = 440.0, channels: int = 1) -> bytes:
    frames = array("h")
    for i in range(round(rate * seconds)):
        frames.extend([round(12000 * math.sin(2 * math.pi * freq * i / rate))] * channels)
    return frames.tobytes()


def write_raw_wav(path: Path, rate: int, width: int, channels: int, frames: bytes) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(rate)
        wav.writeframes(frames)


def test_chime_is_a_short_audible_wav(tmp_path: Path) -> None:
    path = write_chime(tmp_path / "chime.wav")
    params = wav_params(path)
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, 22050)
    pcm = read_wav(path)
    assert 1.0 < pcm.duration < 3.0
    assert rms(pcm) > 0.05
    assert max(abs(s) for s in pcm.samples) < 32767
    assert pcm.samples[-1] == 0


def test_static_chime_matches_generator() -> None:
    static = REPO / "static" / "sounds" / "chime.wav"
    if not static.is_file():
        pytest.skip("static/sounds/chime.wav not generated (python -m display.voice chime)")
    committed = read_wav(static)
    generated = chime(committed.rate)
    assert len(committed.samples) == len(generated.samples)
    assert max(abs(a - b) for a, b in zip(committed.samples, generated.samples, strict=True)) <= 2


def test_announcement_is_valid_wav_with_chime_and_speech(
    tmp_path: Path, counting: CountingEngine
) -> None:
    path = announcement_audio("1012", 3, None, tmp_path, engine=counting)
    params = wav_params(path)
    assert (params.nchannels, params.sampwidth) == (1, 2)
    pcm = read_wav(path)
    assert 2.0 < pcm.duration < 15.0
    assert starts_with_chime(pcm)
    speech = Pcm(pcm.rate, pcm.samples[len(chime(pcm.rate).samples) :])
    assert rms(speech) > 0.03
    assert counting.calls == 1


def test_longer_call_gives_longer_audio(tmp_path: Path, engine: EspeakEngine) -> None:
    short = read_wav(announcement_audio("1", 1, None, tmp_path, engine=engine))
    long = read_wav(announcement_audio("A1999", 11, None, tmp_path, engine=engine))
    assert long.duration > short.duration + 0.5


def test_cache_hit_returns_same_file_without_synthesis(
    tmp_path: Path, counting: CountingEngine
) -> None:
    first = announcement_audio("A001", 2, None, tmp_path, engine=counting)
    content = first.read_bytes()
    again = announcement_audio("A001", 2, None, tmp_path, engine=counting)
    assert again == first
    assert again.read_bytes() == content
    assert counting.calls == 1
    other = announcement_audio(
        "A001", 2, SpeechOptions(number_style="digits"), tmp_path, engine=counting
    )
    assert other != first
    assert counting.calls == 2


def test_cache_key_includes_voice(tmp_path: Path, counting: CountingEngine) -> None:
    north = announcement_audio("5", 1, None, tmp_path, engine=counting, voice="vi")
    south = announcement_audio("5", 1, None, tmp_path, engine=counting, voice="vi-vn-x-south")
    assert north != south
    assert counting.calls == 2


@pytest.mark.parametrize("voice", [v.id for v in list_voices()])
def test_every_listed_voice_speaks(engine: EspeakEngine, voice: str) -> None:
    pcm = engine.synthesize("Mời công dân đến quầy số ba", voice)
    assert pcm.duration > 1.0
    assert rms(pcm) > 0.03


def test_unknown_voice_rejected(engine: EspeakEngine) -> None:
    with pytest.raises(ValueError):
        engine.synthesize("một", "no-such-voice")


def test_vietnamese_tones_in_phonemes(engine: EspeakEngine) -> None:
    """Tone numbers in eSpeak's IPA: 2 huyền, 4 hỏi, 6 nặng; the ear check we can do here."""
    assert "2" in engine.phonemes("mười", "vi")
    assert "4" in engine.phonemes("bảy", "vi")
    assert "6" in engine.phonemes("một", "vi")
    assert "i" in engine.phonemes(spoken("gi"), "vi")


def test_bad_code_writes_nothing(tmp_path: Path, engine: EspeakEngine) -> None:
    with pytest.raises(ValueError):
        announcement_audio("A#1", 1, None, tmp_path, engine=engine)
    assert list(tmp_path.iterdir()) == []


def test_voice_pack_has_every_clip_and_manifest(pack_dir: Path) -> None:
    manifest = json.loads((pack_dir / "manifest.json").read_text())
    assert manifest["clips"]["word_mootj.wav"] == "một"
    assert manifest["clips"]["letter_l.wav"] == "e-lờ"
    for name in manifest["clips"]:
        clip = read_wav(pack_dir / name)
        assert clip.duration > 0.1, name
        assert rms(clip) > 0.02, name


def test_voice_pack_concatenation(tmp_path: Path, pack_dir: Path, counting: CountingEngine) -> None:
    path = announcement_audio("B12", 3, None, tmp_path, pack_dir, engine=counting)
    pcm = read_wav(path)
    assert wav_params(path).nchannels == 1
    assert 2.0 < pcm.duration < 15.0
    assert starts_with_chime(pcm)
    assert counting.calls == 0


def test_voice_pack_missing_clip_falls_back_to_engine(
    tmp_path: Path, pack_dir: Path, counting: CountingEngine
) -> None:
    partial = tmp_path / "partial"
    partial.mkdir()
    for clip in pack_dir.iterdir():
        if clip.name != "word_tuw.wav":
            (partial / clip.name).write_bytes(clip.read_bytes())
    path = announcement_audio("24", 1, None, tmp_path / "cache", partial, engine=counting)
    assert read_wav(path).duration > 2.0
    assert counting.calls == 1


def test_office_recording_replaces_clip(
    tmp_path: Path, pack_dir: Path, engine: EspeakEngine
) -> None:
    office = tmp_path / "office"
    office.mkdir()
    for clip in pack_dir.iterdir():
        (office / clip.name).write_bytes(clip.read_bytes())
    cache = tmp_path / "cache"
    before = announcement_audio("1", 2, None, cache, office, engine=engine)
    write_raw_wav(office / "word_mootj.wav", 44100, 2, 2, tone(44100, 0.8, channels=2))
    after = announcement_audio("1", 2, None, cache, office, engine=engine)
    assert after != before
    pcm = read_wav(after)
    assert pcm.rate == 22050
    assert read_wav(before).duration + 0.2 < pcm.duration


def synthetic_pack(directory: Path, rate: int = 16000) -> Path:
    directory.mkdir()
    for index, name in enumerate(pack_texts(counters=range(1, 3))):
        freq = 200.0 + 10 * index
        write_raw_wav(directory / f"{name}.wav", rate, 2, 1, tone(rate, 0.2, freq))
    return directory


def test_recorded_pack_needs_no_engine(tmp_path: Path) -> None:
    pack = VoicePack(synthetic_pack(tmp_path / "pack"))
    pcm = render_announcement(build_announcement("A105", 2), pack=pack, engine=None)
    assert pcm.rate == 16000
    assert starts_with_chime(pcm)
    assert 2.0 < pcm.duration < 15.0
    wav = to_wav_bytes(pcm)
    assert read_wav(wav).samples == pcm.samples


def test_recorded_pack_missing_clip_without_engine(tmp_path: Path) -> None:
    pack_path = synthetic_pack(tmp_path / "pack")
    (pack_path / "word_nawm.wav").unlink()
    with pytest.raises(VoicePackError, match="word_nawm.wav"):
        render_announcement(build_announcement("5", 1), pack=VoicePack(pack_path), engine=None)


def test_bad_clip_is_a_clear_error(tmp_path: Path) -> None:
    pack_path = synthetic_pack(tmp_path / "pack")
    (pack_path / "intro.wav").write_bytes(b"not a wav")
    with pytest.raises(VoicePackError, match="intro.wav"):
        render_announcement(build_announcement("5", 1), pack=VoicePack(pack_path), engine=None)


@pytest.mark.parametrize(("width", "channels"), [(1, 1), (2, 2), (3, 1), (4, 2)])
def test_read_wav_converts_to_mono_16_bit(tmp_path: Path, width: int, channels: int) -> None:
    reference = array("h", tone(8000, 0.05))
    frames = bytearray()
    for sample in reference:
        if width == 1:
            encoded = bytes([(sample >> 8) + 128])
        else:
            encoded = (sample << (8 * (width - 2))).to_bytes(width, "little", signed=True)
        frames += encoded * channels
    path = tmp_path / "clip.wav"
    write_raw_wav(path, 8000, width, channels, bytes(frames))
    pcm = read_wav(path)
    assert len(pcm.samples) == len(reference)
    tolerance = 256 if width == 1 else 1
    assert all(abs(a - b) <= tolerance for a, b in zip(pcm.samples, reference, strict=True))


def test_resample_keeps_duration() -> None:
    pcm = Pcm(44100, array("h", tone(44100, 0.5)))
    out = resample(pcm, 22050)
    assert out.rate == 22050
    assert abs(out.duration - pcm.duration) < 0.001


def test_telex_file_names_are_unique_ascii() -> None:
    assert telex("một") == "mootj"
    assert telex("mốt") == "moots"
    assert telex("mười") == "muwowif"
    assert telex("mươi") == "muwowi"
    assert telex("Đ") == "dd"
    names = list(pack_texts())
    assert len(names) == len(set(names))
    assert all(name.isascii() for name in names)


def test_prune_cache_keeps_newest(tmp_path: Path) -> None:
    for index in range(5):
        path = tmp_path / f"announce-{index}.wav"
        path.write_bytes(b"x")
        os.utime(path, ns=(index * 10**9, index * 10**9))
    (tmp_path / "other.txt").write_text("kept")
    assert prune_cache(tmp_path, max_files=2) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "announce-3.wav",
        "announce-4.wav",
        "other.txt",
    ]


def test_a_recall_is_said_as_a_recall(tmp_path: Path, counting: CountingEngine) -> None:
    """The waiting room hears "Mời lại …" for a second call: the engine is given the recall
    wording, and the file is its own (not the first call's from the cache)."""
    said: list[str] = []
    inner = counting.synthesize

    def listening(text: str, voice: str, speed: int = DEFAULT_SPEED) -> Pcm:
        said.append(text)
        return inner(text, voice, speed)

    counting.synthesize = listening  # type: ignore[method-assign]
    first = announcement_audio("A012", 3, None, tmp_path, engine=counting)
    again = announcement_audio("A012", 3, None, tmp_path, engine=counting, recall=True)
    assert first != again
    assert said[0].startswith("Mời công dân có số thứ tự")
    assert said[1].startswith("Mời lại công dân có số thứ tự")


def test_an_office_may_have_each_call_said_twice(tmp_path: Path, engine: EspeakEngine) -> None:
    once = read_wav(announcement_audio("A012", 3, None, tmp_path, engine=engine))
    twice = read_wav(
        announcement_audio("A012", 3, SpeechOptions(repeat=2), tmp_path, engine=engine)
    )
    head = chime(once.rate).duration
    # The sentence, a pause, the sentence again, after one chime.
    spoken_once = once.duration - head
    assert 1.8 * spoken_once < twice.duration - head < 2.4 * spoken_once
    assert starts_with_chime(twice)
    with pytest.raises(ValueError):
        SpeechOptions(repeat=3)
