"""A throwaway PostgreSQL cluster of the drill's own, on a free port, to stop at will.

The shared server at 5432 is never touched. As root (CI), the cluster runs as the
`postgres` OS user: initdb refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.drills.harness import free_port

# fsync off: the drill stops the server, it never pulls the machine's plug.
_SERVER_OPTIONS = "-c fsync=off -c max_connections=50 -c listen_addresses=127.0.0.1"


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _version(path: str) -> int:
    part = Path(path).parent.parent.name
    return int(part) if part.isdigit() else 0


class ScratchPostgres:
    """`start()`, `stop(mode)`, `url`; `close()` stops it and removes every file."""

    def __init__(self) -> None:
        bin_dir = _bin_dir()
        if bin_dir is None:
            pytest.skip("no initdb: install PostgreSQL's server binaries for this drill")
        self.bin = bin_dir
        self.as_root = os.geteuid() == 0
        if self.as_root and (shutil.which("runuser") is None or not _user_exists("postgres")):
            pytest.skip("running as root without a `postgres` user and runuser for initdb")
        # A short path: the Unix socket lives here too (108 bytes at most).
        self.root = Path(tempfile.mkdtemp(prefix="optdesk-pg-"))
        if self.as_root:
            shutil.chown(self.root, "postgres")
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = 0
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
            "--no-instructions",
        )

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=120, check=False, cwd=self.root
        )
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(f"{tool} failed: {done.stdout}\n{done.stderr}\n{log}")
        return done

    def start(self) -> None:
        """Start on the same port as before (a fresh free one the first time)."""
        attempts = 1 if self.port else 3
        for attempt in range(attempts):
            self.port = self.port or free_port()
            options = f"-p {self.port} -k {self.root} {_SERVER_OPTIONS}"
            try:
                self._run(
                    "pg_ctl",
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.log),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "90",
                    "start",
                )
                return
            except RuntimeError:
                if attempt + 1 == attempts:
                    raise
                self.port = 0  # someone took the port in between: try another

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "90", "stop")

    def running(self) -> bool:
        status = [str(self.bin / "pg_ctl"), "-D", str(self.data), "status"]
        if self.as_root:
            status = ["runuser", "-u", "postgres", "--", *status]
        return subprocess.run(status, capture_output=True, timeout=60, check=False).returncode == 0

    def close(self) -> None:
        try:
            if self.data.exists() and self.running():
                self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
