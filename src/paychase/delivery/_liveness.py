"""Which runner holds a key, and whether it is known to be gone.

A runner names itself ``host:pid`` in the attempts it claims. On the same host a later run
can ask the operating system whether that process still exists: a runner killed mid-send
need not wait out the runner's ``stale_after`` before its keys are settled. On another host
(or under a name the host chose) nothing can be known, so the wait stays.
"""

from __future__ import annotations

import os
import socket

__all__ = ["runner_id", "runner_is_gone"]


def runner_id() -> str:
    """This process's name in the attempts it claims: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def runner_is_gone(name: str) -> bool:
    """Whether the runner called `name` is certainly no longer running.

    Only a ``host:pid`` name of this host, for a process id that is not this process and that
    no process holds now, is gone. A process id reused by an unrelated program keeps the key
    waiting for ``stale_after``: the safe side.
    """
    host, _, pid = name.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) in (0, os.getpid()):
        return False
    try:
        os.kill(int(pid), 0)  # signal 0: only asks whether the process exists
    except (ProcessLookupError, OverflowError):  # no such process; no such process number
        return True
    except PermissionError:  # it exists, run by another user
        return False
    return False
