"""Which runner holds a key, and whether this host can see it at work or gone.

A runner names itself ``host:pid@start`` in the attempts it claims (``start``: when the process
started, in the kernel's clock ticks since boot, where the system tells; else ``host:pid``). On
the same host a later run can ask the operating system whether that process still exists, and,
given its start, whether the number now belongs to another process: a runner killed mid-send
need not wait out the runner's ``stale_after`` before its keys are settled, and a runner still
at work is never taken for a dead one. On another host (or under a name the host chose) nothing
can be known.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Literal

__all__ = ["RunnerState", "runner_id", "runner_is_gone", "runner_state"]

RunnerState = Literal["gone", "alive", "unknown"]
"""``gone``: certainly no longer running; ``alive``: a process of this host that is running;
``unknown``: another host's, a name the host chose, or this very process."""

_PROC = Path("/proc")
_START_FIELD = 19  # starttime, the 22nd field of /proc/PID/stat, counted after the command


def runner_id() -> str:
    """This process's name in the attempts it claims: ``host:pid@start`` (or ``host:pid``)."""
    pid = os.getpid()
    start = _started(pid)
    return f"{socket.gethostname()}:{pid}" + ("" if start is None else f"@{start}")


def runner_state(name: str) -> RunnerState:
    """What this host can tell about the runner called `name`.

    A process id of this host that no process holds is ``gone``; so is one that a process
    started later holds now (the name says when its runner started). A process id that is
    this process is ``unknown``: another runner of the same process may be at work on it.
    """
    host, _, rest = name.rpartition(":")
    pid_text, _, start = rest.partition("@")
    if host != socket.gethostname() or not pid_text.isdigit():
        return "unknown"
    pid = int(pid_text)
    if pid in (0, os.getpid()):
        return "unknown"
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except (ProcessLookupError, OverflowError):  # no such process; no such process number
        return "gone"
    except PermissionError:  # it exists, run by another user
        pass
    if start:
        now = _started(pid)
        if now is not None and str(now) != start:  # the number was given to another process
            return "gone"
    return "alive"


def runner_is_gone(name: str) -> bool:
    """Whether the runner called `name` is certainly no longer running (see `runner_state`)."""
    return runner_state(name) == "gone"


def _started(pid: int) -> int | None:
    """When process `pid` started, in clock ticks since boot; None where the system cannot say."""
    try:
        stat = (_PROC / str(pid) / "stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()  # the command, in parentheses, may hold spaces
    if len(fields) <= _START_FIELD or not fields[_START_FIELD].isdigit():
        return None
    return int(fields[_START_FIELD])
