"""Servers started by tests: wait until the server says it is ready, not by polling a port."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path


def start_and_wait_for(command: list[str], ready: str, *, log: Path, seconds: float = 60,
                       **popen) -> subprocess.Popen:
    """Start `command` and return once a line of its output contains `ready` (e.g. gunicorn's
    "Listening at", pgbouncer's "listening on"). Its output keeps going to `log`, copied by a
    thread so the pipe never fills. Raises if it exits or stays silent past `seconds`."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, **popen)
    said = threading.Event()

    def copy() -> None:
        with log.open("w") as out:
            for line in proc.stdout:
                out.write(line)
                out.flush()
                if ready in line:
                    said.set()
        said.set()  # the output ended: the process has exited

    threading.Thread(target=copy, daemon=True).start()
    if not said.wait(seconds) or proc.poll() is not None:
        proc.kill()
        proc.wait(10)
        raise RuntimeError(f"{command[0]} did not say {ready!r} within {seconds} s:\n"
                           f"{log.read_text()}")
    return proc
