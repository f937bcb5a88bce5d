"""Command line: ``python -m display.voice chime|pack|say|voices|phonemes``.

For install scripts (write the chime, build a voice pack) and for checking a
call by ear or, on a box without speakers, by its phonemes.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from display.voice.announce import announcement_audio
from display.voice.chime import write_chime
from display.voice.engine import default_engine, list_voices
from display.voice.pack import build_voice_pack, spoken
from display.voice.speech import SpeechOptions, announcement_text
from display.voice.wav import read_wav

DEFAULT_CHIME = Path("static/sounds/chime.wav")


def _options(args: argparse.Namespace) -> SpeechOptions:
    return SpeechOptions(
        number_style="digits" if args.digits else "number",
        linh="lẻ" if args.le else "linh",
        thousand="ngàn" if args.ngan else "nghìn",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m display.voice")
    sub = parser.add_subparsers(dest="command", required=True)
    chime = sub.add_parser("chime", help="write the chime WAV")
    chime.add_argument("path", nargs="?", type=Path, default=DEFAULT_CHIME)
    pack = sub.add_parser("pack", help="build a voice pack directory from the engine")
    pack.add_argument("directory", type=Path)
    pack.add_argument("--counters", type=int, default=20, help="counter clips 1..N")
    say = sub.add_parser("say", help="render one call to a WAV file")
    say.add_argument("code")
    say.add_argument("counter")
    say.add_argument("--out", type=Path, default=Path("announcement.wav"))
    say.add_argument("--pack", type=Path, default=None)
    phonemes = sub.add_parser("phonemes", help="print the IPA the engine speaks for a text")
    phonemes.add_argument("text")
    sub.add_parser("voices", help="list Vietnamese voices")
    for command in (pack, say, phonemes):
        command.add_argument("--voice", default="vi")
    for command in (pack, say):
        command.add_argument("--digits", action="store_true", help="read codes digit by digit")
        command.add_argument("--le", action="store_true", help="say 'lẻ' instead of 'linh'")
        command.add_argument("--ngan", action="store_true", help="say 'ngàn' instead of 'nghìn'")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "chime":
        print(write_chime(args.path))
    elif args.command == "pack":
        counters = range(1, args.counters + 1)
        print(build_voice_pack(args.directory, args.voice, _options(args), counters=counters))
    elif args.command == "say":
        options = _options(args)
        with tempfile.TemporaryDirectory() as cache:
            path = announcement_audio(
                args.code, args.counter, options, cache, args.pack, voice=args.voice
            )
            shutil.copyfile(path, args.out)
        duration = read_wav(args.out).duration
        print(
            f"{args.out}: {duration:.2f} s: {announcement_text(args.code, args.counter, options)}"
        )
    elif args.command == "phonemes":
        print(default_engine().phonemes(spoken(args.text), args.voice))
    else:
        for voice in list_voices():
            print(f"{voice.id}\t{voice.region}\t{voice.label}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
