"""Fetching a price list from the web (HTTPS, size-capped, cancellable) and parsing it.

Nothing here writes a file: `UpdateJob.download` (and `fetch_import`) returns an
ImportResult that planner.io.import_job compares with the catalog and applies to the
user's overlay if asked.
Every failure is one `UpdateError` whose message names the URL and the cause; a
download stopped through the `cancel` event raises `Cancelled`. There are no retries.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

from planner import __version__
from planner.domain.errors import InputError
from planner.io.import_formats import IMPORT_FORMATS, format_title
from planner.io.importers import MAX_IMPORT_BYTES, ImportResult, parse_import_bytes
from planner.io.json_files import byte_size

#: Bytes read per chunk (progress and cancel are checked between chunks).
CHUNK_BYTES = 64 * 1024
#: How long a whole download may take, by default (connecting, every read, all of it).
DEFAULT_TIMEOUT = 60.0
USER_AGENT = f"cost-planner/{__version__} (price catalog update)"


@dataclass(frozen=True)
class UpdateSource:
    """A public price list the catalog can be updated from."""

    name: str  # key in SOURCES
    format: str  # a key of planner.io.import_formats.IMPORT_FORMATS
    url: str

    @property
    def title(self) -> str:
        return format_title(self.format)


SOURCES: dict[str, UpdateSource] = {k: UpdateSource(k, k, f.url) for k, f in IMPORT_FORMATS.items()}


class UpdateError(Exception):
    """A download or its content failed; the message (one line) names the URL and the cause."""


class Cancelled(Exception):
    """The download was cancelled through its `cancel` event."""


# ---------------------------------------------------------------------------------------
# Fetching


def fetch(
    url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_IMPORT_BYTES,
    allow_http_hosts: frozenset[str] | set[str] = frozenset(),
    cancel: threading.Event | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> bytes:
    """Download `url` and return its body.

    Only https:// is used; plain http:// is refused before any connection unless the URL's
    host is in `allow_http_hosts` (redirects are checked the same way). `timeout` (seconds)
    is one deadline for the whole download: connecting, waiting and reading, however the
    bytes trickle in. A body over `max_bytes` (by its Content-Length, or
    while reading) stops the download. `progress(received, total or None)` is called after
    each chunk; setting `cancel` stops the download promptly (even in a blocked read) and
    raises Cancelled. Anything else that goes wrong raises UpdateError. The deadline is
    kept on `clock` (seconds).
    """
    allowed = frozenset(h.lower() for h in allow_http_hosts)
    _check_url(url, url, allowed)
    if cancel is not None and cancel.is_set():
        raise Cancelled(f"Download of {url} cancelled")

    guard = _Guard(url, cancel, timeout, clock)
    host = (urlsplit(url).hostname or "").lower()
    handlers: list[Any] = [
        _GuardedHTTPSHandler(guard, ssl.create_default_context()),
        _GuardedHTTPHandler(guard),
        _CheckedRedirectHandler(url, allowed),
    ]
    if host in allowed:  # a local test or development server: never through a proxy
        handlers.append(urllib.request.ProxyHandler({}))
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"}
    )

    guard.start()
    try:
        return _download(opener, request, url, timeout, max_bytes, guard, progress)
    except (UpdateError, Cancelled):
        raise
    except Exception as e:  # every other failure becomes one readable line
        if isinstance(e, urllib.error.HTTPError):
            e.close()
        if guard.cancelled:
            raise guard.cancelled_error() from None
        if guard.expired:
            raise guard.expired_error() from None
        raise UpdateError(f"{url}: {_describe(e, timeout)}") from None
    finally:
        guard.stop()


def _download(
    opener: urllib.request.OpenerDirector,
    request: urllib.request.Request,
    url: str,
    timeout: float,
    max_bytes: int,
    guard: _Guard,
    progress: Callable[[int, int | None], None] | None,
) -> bytes:
    with opener.open(request, timeout=timeout) as resp:
        guard.attach_response(resp)
        status = getattr(resp, "status", 200)
        if status != 200:
            raise UpdateError(f"{url}: the server answered HTTP {status} {resp.reason}, not 200 OK")
        total = _content_length(resp.headers.get("Content-Length"))
        if total is not None and total > max_bytes:
            raise UpdateError(
                f"{url}: the file is {byte_size(total)}, over the {byte_size(max_bytes)} limit for imports"
            )
        chunks: list[bytes] = []
        received = 0
        if progress is not None:
            progress(0, total)
        read = getattr(resp, "read1", resp.read)  # read1: whatever has arrived, for progress
        while True:
            guard.check()
            chunk = read(CHUNK_BYTES)
            guard.check()
            if not chunk:
                break
            received += len(chunk)
            if received > max_bytes:
                raise UpdateError(
                    f"{url}: the download is over the {byte_size(max_bytes)} limit for imports"
                )
            chunks.append(chunk)
            if progress is not None:
                progress(received, total)
        if total is not None and received != total:
            raise UpdateError(
                f"{url}: the download was cut short ({received:,} of {total:,} bytes received)"
            )
        return b"".join(chunks)


def fetch_import(source: UpdateSource, *, today: date, **fetch_kwargs: Any) -> ImportResult:
    """Download `source`, parse it as JSON and read it with the importer of its format.

    Raises UpdateError naming the URL for a failed download, text that isn't UTF-8 JSON,
    or a document of the wrong shape; Cancelled when `cancel` is set. Writes nothing.
    """
    if source.format not in IMPORT_FORMATS:
        raise UpdateError(f"{source.url}: unknown import format '{source.format}'")
    data = fetch(source.url, **fetch_kwargs)
    cancel: threading.Event | None = fetch_kwargs.get("cancel")
    if cancel is not None and cancel.is_set():
        raise Cancelled(f"Download of {source.url} cancelled")
    try:
        result = parse_import_bytes(source.format, data, source.url, today=today)
    except InputError as e:
        msg = str(e)
        raise UpdateError(msg if source.url in msg else f"{source.url}: {msg}") from None
    if cancel is not None and cancel.is_set():
        raise Cancelled(f"Download of {source.url} cancelled")
    if not result.models:
        raise UpdateError(
            f"{source.url}: no models could be read from it ({len(result.skipped):,} entries skipped)"
        )
    return result


@dataclass
class UpdateJob:
    """A web price update, without a window: `download` fetches the source's list and reads
    it (planner.io.import_job.ImportJob previews and applies it). Safe to run on a thread."""

    source: UpdateSource
    today: date
    fetch_options: dict[str, Any]

    @property
    def provenance(self) -> str:
        return f"{self.source.name} update from {self.source.url} on {self.today.isoformat()}"

    def download(
        self,
        cancel: threading.Event | None = None,
        progress: Callable[[int, int | None], None] | None = None,
    ) -> ImportResult:
        """The source's models (UpdateError, Cancelled: see fetch_import)."""
        return fetch_import(self.source, today=self.today, cancel=cancel, progress=progress, **self.fetch_options)


# ---------------------------------------------------------------------------------------
# Internals


def _check_url(url: str, original: str, allowed: frozenset[str]) -> None:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError as e:
        raise UpdateError(f"{original}: not a valid URL ({e})") from None
    scheme = parts.scheme.lower()
    where = original if url == original else f"{original} (redirected to {url})"
    if scheme not in ("http", "https"):
        raise UpdateError(f"{where}: only https:// addresses can be downloaded, not '{scheme}:'")
    if not host:
        raise UpdateError(f"{where}: not a web address (no host); use https://host/path")
    if scheme == "http" and host not in allowed:
        raise UpdateError(
            f"{where}: refused to download over unencrypted http://; only https:// is used"
        )


class _Guard:
    """Watches the cancel event and the overall deadline from a helper thread; when either
    fires it shuts the connection's socket down, so a read blocked in the kernel returns."""

    def __init__(
        self, url: str, cancel: threading.Event | None, total: float, clock: Callable[[], float]
    ) -> None:
        self._url = url
        self._total = total
        self._cancel = cancel
        self._clock = clock
        self._deadline = clock() + total
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._thread: threading.Thread | None = None
        self.cancelled = False
        self.expired = False

    def start(self) -> None:
        self._thread = threading.Thread(target=self._watch, name="fetch-guard", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)

    def add_socket(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            fire = self.cancelled or self.expired
        if fire:
            self._shutdown()

    def attach_response(self, resp: Any) -> None:
        """Also watch the response's socket (urllib detaches it from the connection)."""
        raw = getattr(getattr(resp, "fp", None), "raw", None)
        sock = getattr(raw, "_sock", None)
        if isinstance(sock, socket.socket):
            self.add_socket(sock)

    def check(self) -> None:
        """Raise Cancelled or UpdateError if the download was cancelled or is overdue."""
        if self.cancelled or (self._cancel is not None and self._cancel.is_set()):
            self.cancelled = True
            raise self.cancelled_error()
        if self.expired or self._clock() > self._deadline:
            self.expired = True
            raise self.expired_error()

    def cancelled_error(self) -> Cancelled:
        return Cancelled(f"Download of {self._url} cancelled")

    def expired_error(self) -> UpdateError:
        return UpdateError(
            f"{self._url}: the download took longer than {_secs(self._total)} (timed out)"
        )

    def _watch(self) -> None:
        while not self._done.is_set():
            if self._cancel is not None and self._cancel.is_set():
                self.cancelled = True
            elif self._clock() > self._deadline:
                self.expired = True
            if self.cancelled or self.expired:
                self._shutdown()
                return
            if self._cancel is not None:
                self._cancel.wait(0.05)
            else:
                self._done.wait(0.05)

    def _shutdown(self) -> None:
        with self._lock:
            socks = list(self._sockets)
        for s in socks:
            try:
                # The plain socket's shutdown, also for SSL sockets (whose own shutdown
                # would tear the TLS object down under the reading thread).
                socket.socket.shutdown(s, socket.SHUT_RDWR)
            except OSError:
                pass


def _connection_class(base: type[http.client.HTTPConnection], guard: _Guard) -> Callable[..., Any]:
    def make(host: str, **kwargs: Any) -> http.client.HTTPConnection:
        conn = base(host, **kwargs)
        original_connect = conn.connect

        def connect() -> None:
            guard.check()
            original_connect()
            guard.add_socket(conn.sock)

        conn.connect = connect  # type: ignore[method-assign]
        return conn

    return make


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, guard: _Guard, context: ssl.SSLContext) -> None:
        super().__init__(context=context)
        self._guard = guard
        self._ctx = context

    def https_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(
            _connection_class(http.client.HTTPSConnection, self._guard), req, context=self._ctx
        )


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, guard: _Guard) -> None:
        super().__init__()
        self._guard = guard

    def http_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(_connection_class(http.client.HTTPConnection, self._guard), req)


class _CheckedRedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows redirects (at most 5) only to addresses `fetch` would accept itself."""

    max_redirections = 5

    def __init__(self, original: str, allowed: frozenset[str]) -> None:
        super().__init__()
        self._original = original
        self._allowed = allowed

    def http_error_302(self, req, fp, code, msg, headers):  # type: ignore[no-untyped-def]
        target = headers.get("location") or headers.get("uri")
        if target:
            try:
                _check_url(urljoin(req.full_url, target), self._original, self._allowed)
            except UpdateError:
                fp.close()  # the redirect response is not read any further
                raise
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _describe(e: Exception, timeout: float) -> str:
    """One line saying why a download failed."""
    if isinstance(e, urllib.error.HTTPError):
        if 300 <= e.code < 400:  # urllib's "redirect error that would lead to an infinite loop"
            return f"too many redirects (more than {_CheckedRedirectHandler.max_redirections}, or a loop)"
        reason = f" {_one_line(str(e.reason))}" if e.reason else ""
        return f"the server answered HTTP {e.code}{reason}"
    if isinstance(e, urllib.error.URLError):
        reason = e.reason
        if isinstance(reason, Exception):
            return _describe_os(reason, timeout)
        return _one_line(str(reason))
    if isinstance(e, http.client.IncompleteRead):
        return f"the download was cut short ({len(e.partial):,} bytes received)"
    if isinstance(e, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    if isinstance(e, http.client.HTTPException):
        return (
            f"bad answer from the server ({type(e).__name__}: {_one_line(str(e)) or 'no detail'})"
        )
    if isinstance(e, OSError):
        return _describe_os(e, timeout)
    return f"unexpected error ({type(e).__name__}: {_one_line(str(e))})"


def _describe_os(e: BaseException, timeout: float) -> str:
    if isinstance(e, ssl.SSLCertVerificationError):
        detail = e.verify_message or e.reason or str(e)
        return f"invalid TLS certificate ({_one_line(str(detail))})"
    if isinstance(e, ssl.SSLError):
        return f"TLS error ({_one_line(e.reason or str(e))})"
    if isinstance(e, socket.gaierror):
        return f"host not found (DNS lookup failed: {_one_line(e.strerror or str(e))})"
    if isinstance(e, TimeoutError | socket.timeout):
        return f"no answer within {_secs(timeout)} (timed out)"
    if isinstance(e, ConnectionRefusedError):
        return "connection refused (is the address right, or is the service down?)"
    if isinstance(e, ConnectionResetError):
        return "the server reset the connection"
    if isinstance(e, OSError) and e.strerror:
        return _one_line(e.strerror)
    return _one_line(str(e)) or type(e).__name__


def _content_length(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        n = int(value.strip())
    except ValueError:
        return None
    return n if n >= 0 else None


def _one_line(s: str) -> str:
    return " ".join(str(s).split())


def _secs(t: float) -> str:
    return f"{t:g} s"
