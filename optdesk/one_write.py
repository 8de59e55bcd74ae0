"""An answer leaves in one write: uvicorn's status line and headers wait for the body.

uvicorn writes a response's head and its body with two `transport.write` calls, and
uvloop sends each at once: two send(2) calls and two TCP segments for a TwiML answer of a
few hundred bytes, and the client woken twice. Under the STOP load those sends were
about a tenth of the server's time (bench, py-spy). `OneWrite` stands in for the
connection's transport and holds what is written until the end of the current turn of
the event loop (or until MAX_HELD bytes are waiting), then writes it in one call. A
response's head and body are written in the same turn, so they leave together.

Everything written goes through it, in order; closing writes what is held first, and
what is held when the connection is lost is dropped (as uvloop would refuse it).
Anything else is the real transport's.
"""

from __future__ import annotations

import asyncio
from typing import Any

MAX_HELD = 64 * 1024  # bytes held before they are written at once, whatever the turn
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"  # the client waits for this one: never held


class OneWrite:
    __slots__ = ("_held", "_loop", "_size", "transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self.transport, self._loop = transport, loop
        self._held: list[bytes] = []
        self._size = 0

    def write(self, data: bytes) -> None:
        if not self._held:
            if data == CONTINUE:
                self.transport.write(data)
                return
            self._loop.call_soon(self.flush)
        self._held.append(data)
        self._size += len(data)
        if self._size >= MAX_HELD or data == CONTINUE:
            self.flush()

    def flush(self) -> None:
        if self._held:
            held, self._held, self._size = self._held, [], 0
            if not self.transport.is_closing():  # the connection was lost: nobody to read it
                self.transport.write(held[0] if len(held) == 1 else b"".join(held))

    def close(self) -> None:
        self.flush()
        self.transport.close()

    def is_closing(self) -> bool:
        return self.transport.is_closing()

    def __getattr__(self, name: str) -> Any:  # get_extra_info, pause_reading, abort, ...
        return getattr(self.transport, name)
