"""The tests' zygote protocol: a command that exits at once has its exit line sent right
behind its pid, often in the same read (a fresh-clone run failed on that once)."""

from __future__ import annotations

import socket

from tests.server_zygote import Forked, _read_line


def test_a_pid_and_an_exit_in_one_read_are_two_answers():
    ours, zygote = socket.socketpair()
    with ours, zygote:
        zygote.sendall(b'{"pid": 4321}\n{"exit": 1}\n')
        answer, early = _read_line(ours)
        assert answer == b'{"pid": 4321}\n' and early == b'{"exit": 1}\n'
        child = Forked(["luot"], ours, 4321, early)
        assert child.poll() == 1


def test_an_exit_that_comes_later_is_waited_for():
    ours, zygote = socket.socketpair()
    with ours, zygote:
        zygote.sendall(b'{"pid": 4321}\n')
        answer, early = _read_line(ours)
        child = Forked(["luot"], ours, 4321, early)
        assert child.poll() is None
        zygote.sendall(b'{"exit": 0}\n')
        assert child.wait(timeout=5) == 0
