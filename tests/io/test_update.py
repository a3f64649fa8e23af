"""Web update: fetch() and fetch_import() against a local HTTP server (127.0.0.1 only)."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from planner.io.importers import FORMATS, read_import_file
from planner.io.update import (
    SOURCES,
    Cancelled,
    UpdateError,
    UpdateSource,
    fetch,
    fetch_import,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TODAY = date(2026, 8, 21)
LOCAL = frozenset({"127.0.0.1"})
FILES = {
    "litellm": "litellm-1.109.1-model_prices_and_context_window.json",
    "genai-prices": "genai-prices-2026-08-21-v2-data.json",
    "openrouter": "openrouter-models-sample.json",
}
#: Longest a handler holds an answer back; every hold also ends when the server stops
#: (at the end of each test), so only a client that gives up ends a download sooner.
MAX_HOLD = 60.0


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.stop = threading.Event()
        self.connections = 0

    def verify_request(self, request, client_address) -> bool:  # type: ignore[no-untyped-def]
        self.connections += 1
        return True

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        pass  # clients that give up (timeouts, cancels) leave broken pipes behind


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        route = ROUTES.get(self.path.split("?", 1)[0])
        try:
            if route is None:
                self.send_error(404, "Not Found")
            else:
                route(self)
        except OSError:
            pass  # the client hung up

    # helpers for the routes
    def body(self, data: bytes, *, length: int | None = -1, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if length is not None:
            self.send_header("Content-Length", str(len(data) if length == -1 else length))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def hold(self, seconds: float = MAX_HOLD) -> None:
        self.server.stop.wait(seconds)


def _fixture(name: str) -> Callable[[_Handler], None]:
    return lambda h: h.body((FIXTURES / FILES[name]).read_bytes())


def _slow(h: _Handler) -> None:
    """No answer until the test is over."""
    h.hold()
    h.body(b"{}")


def _drip(h: _Handler) -> None:
    """Headers and 64 KiB at once, then nothing until the test is over, then the rest."""
    h.send_response(200)
    h.send_header("Content-Length", str(200_000))
    h.end_headers()
    h.wfile.write(b" " * 65_536)
    h.wfile.flush()
    h.hold()
    h.wfile.write(b" " * (200_000 - 65_536))


def _trickle(h: _Handler) -> None:
    """A byte every 0.1 s, never idle long enough for a read timeout, until the test is over."""
    h.send_response(200)
    h.send_header("Content-Length", "1000")
    h.end_headers()
    for _ in range(1000):
        if h.server.stop.is_set():
            break
        h.wfile.write(b" ")
        h.wfile.flush()
        h.hold(0.1)


def _truncated_with_length(h: _Handler) -> None:
    data = (FIXTURES / FILES["openrouter"]).read_bytes()
    h.body(data[: len(data) // 2], length=len(data))


def _truncated_no_length(h: _Handler) -> None:
    data = (FIXTURES / FILES["openrouter"]).read_bytes()
    h.body(data[: len(data) // 2], length=None)


def _redirect(target: str) -> Callable[[_Handler], None]:
    def route(h: _Handler) -> None:
        port = h.server.server_address[1]
        h.send_response(302)
        h.send_header("Location", target.format(port=port))
        h.send_header("Content-Length", "0")
        h.end_headers()

    return route


ROUTES: dict[str, Callable[[_Handler], None]] = {
    "/litellm.json": _fixture("litellm"),
    "/genai-prices.json": _fixture("genai-prices"),
    "/openrouter.json": _fixture("openrouter"),
    "/500": lambda h: h.send_error(500, "Internal Server Error"),
    "/204": lambda h: h.body(b"", status=204),
    "/invalid.json": lambda h: h.body(b'{"gpt-4o": {"input_cost_per_token": 2.5e-06,'),
    "/latin1.json": lambda h: h.body('{"caf\xe9": 1}'.encode("latin-1")),
    "/string.json": lambda h: h.body(b'"a string, not a price list"'),
    "/no-models.json": lambda h: h.body(b'{"data": []}'),
    "/truncated": _truncated_with_length,
    "/truncated-no-length": _truncated_no_length,
    "/short-length": lambda h: h.body((FIXTURES / FILES["openrouter"]).read_bytes(), length=10),
    "/big": lambda h: h.body(b" " * 50_000),
    "/big-no-length": lambda h: h.body(b" " * 50_000, length=None),
    "/slow": _slow,
    "/drip": _drip,
    "/trickle": _trickle,
    "/redirect-ok": _redirect("http://127.0.0.1:{port}/openrouter.json"),
    "/redirect-other-host": _redirect("http://localhost:{port}/openrouter.json"),
    "/redirect-file": _redirect("file:///etc/passwd"),
    "/loop": _redirect("http://127.0.0.1:{port}/loop"),
}


def _serve(server: ThreadingHTTPServer) -> Iterator[ThreadingHTTPServer]:
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield server
    finally:
        stop = getattr(server, "stop", None)
        if stop is not None:
            stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def server() -> Iterator[_Server]:
    yield from _serve(_Server())  # type: ignore[misc]


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the environment says, nothing here goes through a proxy."""
    for var in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)


def url(server: _Server, path: str) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def local_fetch(server: _Server, path: str, **kw) -> bytes:  # type: ignore[no-untyped-def]
    kw.setdefault("timeout", 5.0)
    return fetch(url(server, path), allow_http_hosts=LOCAL, **kw)


def fails(server: _Server, path: str, *words: str, **kw) -> str:  # type: ignore[no-untyped-def]
    """Fetch `path`, expect an UpdateError naming the URL and each of `words`."""
    with pytest.raises(UpdateError) as exc:
        local_fetch(server, path, **kw)
    msg = str(exc.value)
    assert url(server, path) in msg
    assert "\n" not in msg
    for w in words:
        assert w.lower() in msg.lower(), msg
    return msg


# ---------------------------------------------------------------------------------------
# Sources


def test_sources_are_the_three_public_https_urls() -> None:
    assert SOURCES["litellm"].url == (
        "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"
    )
    assert SOURCES["genai-prices"].url == (
        "https://raw.githubusercontent.com/pydantic/genai-prices/main/prices/new_data/v2/data.json"
    )
    assert SOURCES["openrouter"].url == "https://openrouter.ai/api/v1/models"
    for name, s in SOURCES.items():
        assert s.name == name
        assert s.format in FORMATS
        assert s.url.startswith("https://")
        assert s.title


# ---------------------------------------------------------------------------------------
# Good downloads


@pytest.mark.parametrize("fmt", sorted(FILES))
def test_fixture_imports_like_the_file(server: _Server, fmt: str) -> None:
    source = UpdateSource(fmt, fmt, url(server, f"/{fmt}.json"))
    got = fetch_import(source, today=TODAY, allow_http_hosts=LOCAL, timeout=5.0)
    want = read_import_file(fmt, FIXTURES / FILES[fmt], today=TODAY)
    assert got.format == fmt
    assert got.source == source.url
    assert len(got.models) == len(want.models) > 0
    assert len(got.skipped) == len(want.skipped)
    assert got.models == want.models
    assert [s.id for s in got.skipped] == [s.id for s in want.skipped]


def test_fetch_returns_the_bytes_and_reports_progress(server: _Server) -> None:
    data = (FIXTURES / FILES["litellm"]).read_bytes()
    seen: list[tuple[int, int | None]] = []
    got = local_fetch(server, "/litellm.json", progress=lambda r, t: seen.append((r, t)))
    assert got == data
    assert seen[0] == (0, len(data))
    assert seen[-1] == (len(data), len(data))
    received = [r for r, _ in seen]
    assert received == sorted(received)
    assert len(seen) > 2


def test_redirect_to_an_allowed_address_is_followed(server: _Server) -> None:
    assert local_fetch(server, "/redirect-ok") == (FIXTURES / FILES["openrouter"]).read_bytes()


# ---------------------------------------------------------------------------------------
# Refused before connecting


@pytest.mark.parametrize(
    "address",
    [
        "http://example.com/prices.json",
        "http://127.0.0.1:9/prices.json",
        "ftp://example.com/prices.json",
        "file:///etc/passwd",
        "https:///no-host",
    ],
)
def test_unsafe_addresses_are_refused_without_connecting(
    monkeypatch: pytest.MonkeyPatch, address: str
) -> None:
    def no_connection(*a, **k):  # type: ignore[no-untyped-def]
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(socket, "create_connection", no_connection)
    monkeypatch.setattr(socket, "getaddrinfo", no_connection)
    with pytest.raises(UpdateError) as exc:
        fetch(address)  # 127.0.0.1 is not allowed for http:// unless asked
    assert address in str(exc.value)
    assert "https://" in str(exc.value)


def test_http_to_the_local_server_is_refused_unless_allowed(server: _Server) -> None:
    before = server.connections
    with pytest.raises(UpdateError, match="unencrypted http"):
        fetch(url(server, "/openrouter.json"))
    with pytest.raises(UpdateError, match="unencrypted http"):
        fetch(url(server, "/openrouter.json"), allow_http_hosts={"localhost"})
    assert server.connections == before


def test_a_redirect_loop_is_one_line(server: _Server) -> None:
    msg = fails(server, "/loop", "too many redirects")
    assert msg == f"{url(server, '/loop')}: too many redirects (more than 5, or a loop)"


@pytest.mark.parametrize("path", ["/redirect-other-host", "/redirect-file"])
def test_redirects_are_checked_like_the_address(server: _Server, path: str) -> None:
    fails(server, path, "redirected to")
    assert server.connections == 1  # the redirect itself, nothing after it


# ---------------------------------------------------------------------------------------
# Failures: one UpdateError naming the URL and the cause


def test_404(server: _Server) -> None:
    fails(server, "/missing.json", "HTTP 404")


def test_500(server: _Server) -> None:
    fails(server, "/500", "HTTP 500")


def test_status_other_than_200(server: _Server) -> None:
    fails(server, "/204", "HTTP 204")


def test_body_over_the_limit_by_content_length(server: _Server) -> None:
    seen: list[int] = []
    fails(server, "/big", "limit", max_bytes=10_000, progress=lambda r, t: seen.append(r))
    assert seen == []  # refused before reading anything


def test_body_over_the_limit_while_reading(server: _Server) -> None:
    fails(server, "/big-no-length", "limit", max_bytes=10_000)


def test_truncated_body_with_content_length(server: _Server) -> None:
    fails(server, "/truncated", "cut short")


def test_slow_server_times_out(server: _Server) -> None:
    # the server holds its answer until the test is over: only the read timeout ends this
    fails(server, "/slow", "timed out", timeout=0.5)


def test_whole_download_has_one_deadline(server: _Server) -> None:
    """A server dripping bytes just fast enough to dodge the read timeout is given up on
    as soon as the timeout has passed for the whole download."""
    now = [0.0]

    def after_the_first_bytes(received: int, total: int | None) -> None:
        if received:
            now[0] = 5.001  # just past the one deadline

    msg = fails(server, "/trickle", "took longer than 5 s", "timed out", timeout=5.0,
                clock=lambda: now[0], progress=after_the_first_bytes)  # fmt: skip
    assert msg == f"{url(server, '/trickle')}: the download took longer than 5 s (timed out)"


def test_the_deadline_is_not_reached_while_the_clock_is_short_of_it(server: _Server) -> None:
    now = [0.0]

    def progress(received: int, total: int | None) -> None:
        now[0] = 5.0  # at the deadline, not past it

    data = local_fetch(server, "/openrouter.json", clock=lambda: now[0], progress=progress)
    assert data == (FIXTURES / FILES["openrouter"]).read_bytes()


def test_connection_refused() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"http://127.0.0.1:{port}/prices.json"
    with pytest.raises(UpdateError, match="connection refused") as exc:
        fetch(address, allow_http_hosts=LOCAL, timeout=2.0)
    assert address in str(exc.value)


def test_dns_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_such_host(*a, **k):  # type: ignore[no-untyped-def]
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    address = "https://prices.invalid/data.json"
    with pytest.raises(UpdateError, match="host not found") as exc:
        fetch(address, timeout=2.0)
    assert address in str(exc.value)


def test_https_to_a_plain_http_server_is_a_tls_error(server: _Server) -> None:
    address = f"https://127.0.0.1:{server.server_address[1]}/openrouter.json"
    with pytest.raises(UpdateError, match="TLS") as exc:
        fetch(address, timeout=2.0)
    assert address in str(exc.value)


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def test_untrusted_certificate_is_refused(self_signed: tuple[Path, Path]) -> None:
    cert, key = self_signed
    httpd = _Server()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    for srv in _serve(httpd):
        address = f"https://127.0.0.1:{srv.server_address[1]}/openrouter.json"
        with pytest.raises(UpdateError, match="invalid TLS certificate") as exc:
            fetch(address, timeout=2.0)
        assert address in str(exc.value)


# ---------------------------------------------------------------------------------------
# Content that is not a price list


def test_invalid_json(server: _Server) -> None:
    source = UpdateSource("litellm", "litellm", url(server, "/invalid.json"))
    with pytest.raises(UpdateError, match="not valid JSON") as exc:
        fetch_import(source, today=TODAY, allow_http_hosts=LOCAL)
    assert source.url in str(exc.value)


def test_not_utf8(server: _Server) -> None:
    source = UpdateSource("litellm", "litellm", url(server, "/latin1.json"))
    with pytest.raises(UpdateError, match="not UTF-8") as exc:
        fetch_import(source, today=TODAY, allow_http_hosts=LOCAL)
    assert source.url in str(exc.value)


@pytest.mark.parametrize("fmt", sorted(FILES))
def test_wrong_top_level_type(server: _Server, fmt: str) -> None:
    source = UpdateSource(fmt, fmt, url(server, "/string.json"))
    with pytest.raises(UpdateError) as exc:
        fetch_import(source, today=TODAY, allow_http_hosts=LOCAL)
    assert source.url in str(exc.value)


def test_a_document_without_models_is_an_error(server: _Server) -> None:
    source = UpdateSource("openrouter", "openrouter", url(server, "/no-models.json"))
    with pytest.raises(UpdateError, match="no models") as exc:
        fetch_import(source, today=TODAY, allow_http_hosts=LOCAL)
    assert source.url in str(exc.value)


def test_truncated_file_without_length_is_invalid_json(server: _Server) -> None:
    source = UpdateSource("openrouter", "openrouter", url(server, "/truncated-no-length"))
    with pytest.raises(UpdateError, match="not valid JSON") as exc:
        fetch_import(source, today=TODAY, allow_http_hosts=LOCAL)
    assert source.url in str(exc.value)


def test_content_length_shorter_than_the_body(server: _Server) -> None:
    source = UpdateSource("openrouter", "openrouter", url(server, "/short-length"))
    with pytest.raises(UpdateError, match="not valid JSON") as exc:
        fetch_import(source, today=TODAY, allow_http_hosts=LOCAL)
    assert source.url in str(exc.value)


def test_unknown_format_is_an_update_error() -> None:
    with pytest.raises(UpdateError, match="unknown import format"):
        fetch_import(UpdateSource("x", "csv", "https://example.com/x"), today=TODAY)


# ---------------------------------------------------------------------------------------
# Cancelling


def test_cancel_before_start(server: _Server) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        local_fetch(server, "/openrouter.json", cancel=cancel)
    assert server.connections == 0


def test_cancel_between_chunks(server: _Server) -> None:
    cancel = threading.Event()
    seen: list[int] = []

    def progress(received: int, total: int | None) -> None:
        seen.append(received)
        if received > 0:
            cancel.set()

    with pytest.raises(Cancelled) as exc:
        local_fetch(server, "/litellm.json", cancel=cancel, progress=progress)
    assert url(server, "/litellm.json") in str(exc.value)
    assert len(seen) == 2  # the start, then the first chunk


def test_cancel_interrupts_a_blocked_read_promptly(server: _Server) -> None:
    cancel = threading.Event()
    first_chunk = threading.Event()
    outcome: list[BaseException | bytes] = []

    def run() -> None:
        try:
            outcome.append(
                local_fetch(
                    server, "/drip", cancel=cancel, progress=lambda r, t: r and first_chunk.set()
                )
            )
        except BaseException as e:  # noqa: B036 - handed to the test thread
            outcome.append(e)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    assert first_chunk.wait(5)
    assert _waits_for(lambda: _reading_a_socket(t))  # blocked: the server holds the rest back
    cancel.set()
    # the server holds the rest back until the test is over: only the cancel ends the read
    t.join(timeout=10)
    assert not t.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled)


def _reading_a_socket(thread: threading.Thread) -> bool:
    """Whether `thread` is inside a socket read (socket.SocketIO.readinto)."""
    frame = sys._current_frames().get(thread.ident or -1)
    while frame is not None:
        if frame.f_code.co_name == "readinto" and frame.f_code.co_filename == socket.__file__:
            return True
        frame = frame.f_back
    return False


def _waits_for(condition: Callable[[], bool], tries: int = 500) -> bool:
    pause = threading.Event()
    for _ in range(tries):
        if condition():
            return True
        pause.wait(0.01)
    return False


def test_fetch_import_honours_cancel(server: _Server) -> None:
    cancel = threading.Event()
    source = UpdateSource("litellm", "litellm", url(server, "/litellm.json"))
    with pytest.raises(Cancelled):
        fetch_import(
            source, today=TODAY, allow_http_hosts=LOCAL, cancel=cancel,
            progress=lambda r, t: r and cancel.set(),
        )  # fmt: skip
