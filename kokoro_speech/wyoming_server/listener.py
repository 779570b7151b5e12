"""The Wyoming port of one worker.

Every worker listens on the same port (``SO_REUSEPORT``: the kernel spreads new connections between them), so
Wyoming has as many workers as HTTP, each with its own lanes, admission and metrics. A worker listens once its
model is loaded, so no connection waits for a load, and stops listening before it goes, so new connections go
to the others. The wyoming package's own TCP server cannot share a port; its event handler runs as it is.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

import structlog

from kokoro_speech.wyoming_server.handler import SpeechEventHandler, WyomingContext

log = structlog.get_logger("kokoro_speech")

BACKLOG = 128


class WyomingListener:
    def __init__(self, context: WyomingContext) -> None:
        self.context = context
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int | None:
        """The port listened on (the one bound where the address asks for any)."""
        if self._server is None or not self._server.sockets:
            return None
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    async def start(self) -> None:
        host, port = self.context.config.address()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
            sock.listen(BACKLOG)
            sock.setblocking(False)
        except OSError:
            sock.close()
            raise
        self._server = await asyncio.start_server(self._connected, sock=sock)
        log.info("wyoming listening", host=host, port=self.port)

    async def stop(self) -> None:
        """Stop listening and end every connection (each stream's synthesis stops)."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for task in list(self._connections):
            task.cancel()
        for task in list(self._connections):
            with contextlib.suppress(BaseException):
                await task

    async def _connected(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            await SpeechEventHandler(reader, writer, self.context).run()
        except (ConnectionError, TimeoutError, asyncio.IncompleteReadError):
            pass  # the client went away or stopped reading: its stream was closed on the way out
        except Exception:
            log.exception("wyoming connection failed")
        finally:
            self._connections.discard(task)
