"""The call audio route: a real WAV made offline, cached, and 4xx for calls that cannot be."""

from __future__ import annotations

import io
import wave

import pytest

from display.voice import VoiceUnavailable, default_engine
from display.voice.call_audio import VoiceConfig, announce_max_age, voice_config
from display.voice.speech import SpeechOptions
from server import current
from tests.conftest import missing_service
from tests.display.helpers import set_settings


@pytest.fixture(autouse=True)
def voice_engine():
    try:
        return default_engine()
    except VoiceUnavailable as exc:
        missing_service(str(exc))


class Fetched:
    """A response read and closed: a file response left open warns (warnings are errors)."""

    def __init__(self, client, url: str) -> None:
        with client.get(url) as response:
            self.status_code = response.status_code
            self.mimetype = response.mimetype
            self.headers = response.headers
            self.data = response.get_data()


def wav_seconds(data: bytes) -> tuple[float, int, int]:
    with wave.open(io.BytesIO(data)) as wav:
        return wav.getnframes() / wav.getframerate(), wav.getnchannels(), wav.getsampwidth()


def cached_files(app) -> list:
    from pathlib import Path

    return sorted((Path(app.instance_path) / "voice-cache").glob("announce-*.wav"))


def test_a_call_is_a_wav_of_plausible_length(client, office, app):
    response = Fetched(client, "/display/T1/announce.wav?code=1012&counter=2")
    assert response.status_code == 200
    assert response.mimetype == "audio/wav"
    seconds, channels, width = wav_seconds(response.data)
    # Chime (about 1.7 s) and "Mời công dân có số thứ tự một nghìn không trăm mười hai
    # đến quầy số hai" at 140 words a minute.
    assert 4.0 < seconds < 12.0
    assert (channels, width) == (1, 2)
    assert response.headers["Cache-Control"] == "public, max-age=600"
    assert len(cached_files(app)) == 1


def test_the_same_call_comes_from_the_cache(client, office, app):
    first = Fetched(client, "/display/T1/announce.wav?code=A001&counter=1").data
    stamp = cached_files(app)[0].stat().st_mtime_ns
    second = Fetched(client, "/display/T1/announce.wav?code=a001&counter=1").data
    assert first == second
    assert len(cached_files(app)) == 1
    assert cached_files(app)[0].stat().st_mtime_ns >= stamp


def test_office_voice_settings_change_the_audio(client, office, app, database_url):
    number = Fetched(client, "/display/T1/announce.wav?code=1012&counter=1").data
    set_settings(database_url, "T1", {"voice": {"number_style": "digits", "speed": 200}})
    current.install(app, call_audio=None)  # settings are re-read every 30 s
    digits = Fetched(client, "/display/T1/announce.wav?code=1012&counter=1").data
    assert number != digits
    assert len(cached_files(app)) == 2


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("", 400),
        ("?code=1012", 400),
        ("?counter=1", 400),
        ("?code=1012&counter=one", 400),
        ("?code=1012&counter=-1", 400),
        ("?code=1012&counter=9", 404),  # no such counter in T1
        ("?code=Z001&counter=1", 404),  # no field with prefix Z
        ("?code=A1000&counter=1", 404),  # beyond field A's block (1-999)
        ("?code=1000&counter=1", 404),  # below field B's block (1001-1999)
        ("?code=A0%231&counter=1", 404),
        ("?code=" + "1" * 40 + "&counter=1", 400),
    ],
)
def test_calls_that_cannot_happen_are_refused(client, office, app, query, status):
    response = Fetched(client, "/display/T1/announce.wav" + query)
    assert response.status_code == status
    assert b"Traceback" not in response.data
    assert cached_files(app) == []


def test_unknown_office(client, office):
    assert Fetched(client, "/display/NOPE/announce.wav?code=A001&counter=1").status_code == 404


def test_a_counter_added_later_is_found_without_waiting(client, office, engine, app):
    assert Fetched(client, "/display/T1/announce.wav?code=A001&counter=1").status_code == 200
    engine.create_counter("T1", 7, "Quầy 7", ["A"])
    # The office's counters were read a moment ago; a miss makes the route look again.
    audio = current.call_audio(app)
    audio._facts["T1"] = audio._facts["T1"].__class__(
        **{**audio._facts["T1"].__dict__, "fetched": audio._facts["T1"].fetched - 10}
    )
    assert Fetched(client, "/display/T1/announce.wav?code=A001&counter=7").status_code == 200


def test_voice_settings_fall_back_value_by_value(caplog):
    assert voice_config({}) == VoiceConfig()
    config = voice_config({"voice": {"number_style": "digits", "linh": "lẻ", "speed": 999}})
    assert config.options == SpeechOptions(number_style="digits", linh="lẻ")
    assert config.speed == 300
    bad = voice_config({"voice": {"number_style": "roman", "voice": "en-us; rm -rf", "speed": "x"}})
    assert bad == VoiceConfig()
    assert "ignored" in caplog.text
    assert voice_config({"voice": {"voice": "vi-vn-x-south"}}).voice == "vi-vn-x-south"
    assert voice_config({"voice": "loud"}) == VoiceConfig()


def test_announce_max_age_setting():
    assert announce_max_age({}) == 60
    assert announce_max_age({"announce_max_age": 0}) == 0
    assert announce_max_age({"announce_max_age": 90.5}) == 90
    assert announce_max_age({"announce_max_age": "90"}) == 60
