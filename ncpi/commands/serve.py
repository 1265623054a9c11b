"""`ncpi serve`: a force's report and press release in the browser, reloaded on every save.

On a change (inotify through watchfiles, polling where there are no notifications) the report
is checked and its HTML rendered here, in memory, and every open page is told to reload
(Server-Sent Events); only then is the PDF made, by a warm worker process in the background,
into build/ as `ncpi build` writes it. A report that stops validating shows its problems on
the page instead of the last good render. The reload script is added to the served pages
only, never to the built files.
"""

from __future__ import annotations

import errno
import http.server
import ipaddress
import socket
import threading
import time
import webbrowser
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ncpi.build.outputs import read_recorded_output
from ncpi.build.pipeline import Run, build_targets, check_reports, other_language, render_edition
from ncpi.build.targets import Target, output_paths, targets_of
from ncpi.build.workers import WorkerPool
from ncpi.check.validate import template_problem
from ncpi.commands.watch import ChangeFeed
from ncpi.errors import NcpiError, RenderError
from ncpi.project import Project
from ncpi.render.documents import DOWNLOAD_MARK, download_link, render_template

DEFAULT_PORT = 8000
#: Waits between change notifications: short, as an editor's save is one event or a few.
DEBOUNCE_MS = 30
#: How long an idle event stream waits before a keep-alive comment.
KEEPALIVE_SECONDS = 15
#: The largest PDF served (a report of 1,000 recommendations is about 2 MB).
MAX_PDF_BYTES = 500_000_000
#: How long a request for a PDF waits for one being made before it is told to try again.
PDF_WAIT_SECONDS = 60

_RELOAD_SCRIPT = (
    "<script>/* ncpi serve: reload on every save (not in the built files) */ (() => {{"
    " const shown = {version}; const events = new EventSource('/events');"
    " events.addEventListener('version', (e) => {{ if (Number(e.data) !== shown)"
    " location.reload(); }}); }})();</script>"
)


class PortInUse(NcpiError):
    """The port asked for is taken; the message suggests a free one."""

    exit_code = 1


@dataclass
class Pages:
    """The latest rendering of one force's pages, by path, and its version for the browser."""

    slug: str
    bar: bytes = b""  # the preview bar (preview_bar), added at the foot of every page
    pages: dict[str, bytes] = field(default_factory=dict)
    version: int = 0
    changed: threading.Condition = field(default_factory=threading.Condition)
    rendered: dict[str, bytes] = field(default_factory=dict)  # as rendered, before the bar

    def update(self, pages: dict[str, bytes] | None = None, bar: bytes | None = None) -> None:
        """New pages, or a new bar on the same pages: either way every open page reloads."""
        with self.changed:
            self.version += 1
            self.rendered = pages if pages is not None else self.rendered
            self.bar = bar if bar is not None else self.bar
            self.pages = {
                path: body.replace(b"</body>", self.bar + self.script() + b"</body>", 1)
                for path, body in self.rendered.items()
            }
            self.changed.notify_all()

    def script(self) -> bytes:
        return _RELOAD_SCRIPT.format(version=self.version).encode()

    def wait_for_change(self, seen: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen, timeout)
            return self.version


def _page_paths(project: Project, slug: str) -> dict[str, tuple[str, str]]:
    """URL path -> (kind, language) for each page of the force."""
    paths = {"/": ("report", "en"), "/press-release": ("press-release", "en")}
    if "cy" in project.languages(slug):
        paths |= {"/cy": ("report", "cy"), "/cy/press-release": ("press-release", "cy")}
    return paths


def _page_files(project: Project, slug: str) -> dict[str, str]:
    """Each page's built HTML file name -> its URL path: essex-report.html -> /."""

    return {
        Target(slug, kind, language).output_names[f"{kind}.html"]: path
        for path, (kind, language) in _page_paths(project, slug).items()
    }


def preview_bar(project: Project, links: dict[str, str], notice: str = "") -> bytes:
    """The bar at the foot of each previewed page, from templates/preview-bar.html.j2."""

    context = {"links": links, "notice": notice}
    return render_template("preview-bar.html.j2", context, project.templates_dir).encode()


def preview_links(project: Project, slug: str) -> dict[str, str]:
    """The preview bar's links: every page, then every PDF as last built."""
    labels = {"report": "Report", "press-release": "Press release"}
    links = {}
    for path, (kind, language) in _page_paths(project, slug).items():
        links[path] = labels[kind] + (" (Welsh)" if language == "cy" else "")
    for path in _pdf_names(project, slug):
        links[path] = path.lstrip("/")
    return links


def _pdf_names(project: Project, slug: str) -> dict[str, Target]:
    """URL path -> the target whose built PDF it serves."""

    return {
        "/" + t.output_names[t.pdf_suffix]: t for t in targets_of(slug, project.languages(slug))
    }


def render_pages(project: Project, slug: str) -> tuple[dict[str, bytes], list]:
    """The force's pages as HTML, or a page of its problems; and the problems (none: valid)."""

    checked = check_reports(project, [slug])
    editions = [checked[(slug, language)] for language in project.languages(slug)]
    # A problem shared by both editions, once.
    errors = list(dict.fromkeys(p for e in editions if isinstance(e, list) for p in e))
    passed = {key: edition for key, edition in checked.items() if not isinstance(edition, list)}
    pages: dict[str, bytes] = {}
    if not errors:
        try:
            for path, (kind, language) in _page_paths(project, slug).items():
                target = Target(slug, kind, language)
                other = other_language(project, target, checked)
                texts = render_edition(project, target, *passed[(slug, language)], other)
                pdf = output_paths(project, target)[target.pdf_suffix].name
                # The preview links the PDF as last built: the one being made is waited for.
                words = "The PDF (as last built)"
                link = download_link(f"/{pdf}", words, project.templates_dir, download=False)
                page = texts[f"{kind}.html"].replace(DOWNLOAD_MARK, link, 1)
                pages[path] = page.encode("utf-8")
        except RenderError as error:
            errors = [template_problem(project, error)]
    if errors:
        shown = problems_page(project, slug, errors)
        return dict.fromkeys(_page_paths(project, slug), shown), errors
    return pages, []


def problems_page(project: Project, slug: str, problems) -> bytes:
    """A page listing the problems that stop the force's report, each with its file and line."""

    context = {"slug": slug, "problems": problems}
    return render_template("preview-problems.html.j2", context, project.templates_dir).encode()


class _Handler(http.server.BaseHTTPRequestHandler):
    """Answers the pages, the built PDFs and the event stream of the server's force."""

    server: _Server
    server_version = "ncpi-serve"
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass  # The terminal shows rebuilds and problems, not every request.

    def do_HEAD(self):
        self.do_GET(body=False)

    def do_GET(self, body: bool = True):
        # A page on another site can reach this server under a name of its own (DNS
        # rebinding): only the names and addresses the server was started for are answered,
        # and the event stream only to pages of this server (as webpack-dev-server does).
        if not self.server.is_own_host(self.headers.get("Host")):
            return self.send(403, "text/plain; charset=utf-8", b"Invalid Host header.\n", body)
        path = self.path.split("?", 1)[0]
        if path == "/events":
            origin = self.headers.get("Origin")
            if origin is not None and not self.server.is_own_host(urlsplit(origin).netloc):
                return self.send(403, "text/plain; charset=utf-8", b"Invalid Origin.\n", body)
            return self.events()
        page = self.server.page(path)
        if page is not None:
            return self.send(200, "text/html; charset=utf-8", page, body)
        if path in self.server.pdf_paths:
            return self.pdf(self.server.pdf_paths[path], body)
        self.send(404, "text/plain; charset=utf-8", b"Not found.\n", body)

    def pdf(self, target: Target, body: bool) -> None:
        """A built PDF; while it is being made, once it is made (never the one before). Only
        the file the build record names, with its recorded hash, never through a link."""
        maker = self.server.pdfs
        if maker is not None and not maker.wait_until_idle(PDF_WAIT_SECONDS):
            waiting = b"The PDF is being made: this page tries again in a moment.\n"
            return self.send(503, "text/plain; charset=utf-8", waiting, body, retry=True)
        pdf = read_recorded_output(self.server.project, target, target.pdf_suffix, MAX_PDF_BYTES)
        if pdf is None:
            message = b"Not built: the report has problems (see the terminal or the page).\n"
            return self.send(404, "text/plain; charset=utf-8", message, body)
        return self.send(200, "application/pdf", pdf, body)

    def send(
        self, status: int, kind: str, data: bytes, body: bool = True, retry: bool = False
    ) -> None:
        self.send_response(status)
        if retry:
            self.send_header("Retry-After", "2")
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.close_connection = True
        seen = -1
        try:
            while not self.server.stopping:
                version = self.server.pages.wait_for_change(seen, 1.0 if seen >= 0 else 0)
                if version != seen:
                    self.wfile.write(f"event: version\ndata: {version}\n\n".encode())
                    seen = version
                    self.wfile.flush()
                elif int(time.monotonic()) % KEEPALIVE_SECONDS == 0:
                    self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
        except OSError:
            pass  # The page was closed.


class _Server(http.server.ThreadingHTTPServer):
    """The preview's server: one force's pages, its PDFs, and the worker that makes them."""

    daemon_threads = True
    allow_reuse_address = True
    stopping = False
    #: The worker making the PDFs, once started: a PDF asked for while it works waits for it.
    pdfs: PdfMaker | None = None

    def __init__(self, address, pages: Pages, project: Project):
        self.pages, self.project = pages, project
        self.started_for = address[0]
        # An IPv6 address (::1) needs an IPv6 socket; a name or IPv4 address an IPv4 one.
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.pdf_paths = _pdf_names(project, pages.slug)
        self.page_files = _page_files(project, pages.slug)
        super().__init__(address, _Handler)

    def is_own_host(self, host: str | None) -> bool:
        """Whether a Host (or an Origin's host) names this server: this machine by name or by
        address, an address (no rebinding goes through one), or the name it was started for."""
        if not host:
            return False
        try:
            name = urlsplit(f"//{host}").hostname
        except ValueError:
            return False
        if name is None:
            return False
        if name in ("localhost", self.started_for.lower()):
            return True
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True

    def page(self, path: str) -> bytes | None:
        """The page at a path, or by its built file's name (how one edition links the other)."""
        name = path.rsplit("/", 1)[-1]
        with self.pages.changed:
            page = self.pages.pages.get(path.rstrip("/") or "/")
            if page is None and name in self.page_files:
                page = self.pages.pages.get(self.page_files[name])
        return page

    def handle_error(self, request, client_address):
        """A browser that closed its page mid-answer is no one's error: say nothing."""


def make_server(pages: Pages, project: Project, host: str, port: int) -> _Server:
    """An HTTP server for the pages, the built PDFs and the event stream, bound but not run."""
    try:
        return _Server((host, port), pages, project)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            free = next_free_port(host, port + 1)
            hint = f": `--port {free}` is free" if free else ""
            raise PortInUse(f"port {port} on {host} is in use{hint}") from error
        raise NcpiError(f"cannot listen on {host}:{port}: {error.strerror}") from error


def network_warning(host: str) -> str | None:
    """A warning when the preview can be read from other machines: any address but this
    machine's own (a name is looked up; one that cannot be is left to the bind to refuse)."""
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return None
    addresses = {ipaddress.ip_address(str(entry[4][0]).split("%", 1)[0]) for entry in found}
    if all(address.is_loopback for address in addresses):
        return None
    every = " (every interface)" if any(a.is_unspecified for a in addresses) else ""
    return (
        f"warning: listening on {host}{every}: the preview (a draft report, an embargoed "
        "press release, their PDFs) can be read by anyone on the network who can reach this "
        "machine; the default, 127.0.0.1, is this machine only"
    )


def next_free_port(host: str, start: int, tries: int = 100) -> int | None:
    """The first port from `start` that can be bound on `host`."""
    for port in range(start, min(start + tries, 65536)):
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            try:
                probe.bind((host, port))
                return port
            except OSError:
                continue
    return None


class PdfMaker:
    """Makes the force's PDFs in one warm worker process, after the HTML, one build at a time."""

    def __init__(self, project: Project, slug: str, on_done, on_restart=lambda note: None):

        self.project, self.slug, self.on_done = project, slug, on_done
        self.on_restart = on_restart
        self.pool = WorkerPool.start(1, 1, lambda note: None)
        self.running: Future | None = None
        self.again = False
        self.stopped = False
        #: The worker died (the out-of-memory killer, kill -9): a new one makes the next PDFs.
        self.broken = False
        self.lock = threading.Lock()
        self.idle = threading.Condition(self.lock)

    def _busy(self) -> bool:
        return self.again or (self.running is not None and not self.running.done())

    def wait_until_idle(self, timeout: float) -> bool:
        """Wait while PDFs are being made (or are about to be); whether they are done."""
        with self.idle:
            return self.idle.wait_for(lambda: self.stopped or not self._busy(), timeout)

    def request(self) -> None:
        with self.lock:
            if self.running is not None and not self.running.done():
                self.again = True  # One more build once this one ends, with the latest file.
                return
            self._start()

    def _start(self) -> None:
        if self.broken:
            self._restart()
        if self.pool is None:
            return
        try:
            self.running = self.pool.submit(build_pdfs, str(self.project.root), self.slug)
        except BrokenProcessPool:  # Died since its last PDF: once more, in a new one.
            self._restart()
            if self.pool is None:
                return
            self.running = self.pool.submit(build_pdfs, str(self.project.root), self.slug)
        self.running.add_done_callback(self._finished)

    def _restart(self) -> None:
        """A new worker in place of one that died; said on the terminal and the page."""
        if self.pool is not None:
            self.pool.kill()
        self.pool = WorkerPool.start(1, 1, lambda note: None)
        self.broken = False
        self.on_restart(
            time.strftime("%H:%M:%S") + ": the PDF worker had stopped; a new one was started"
        )

    def _finished(self, future: Future) -> None:
        if self.stopped:
            return  # Killed by stop(): nothing to report.
        try:
            self.on_done(future.result())
        except BrokenProcessPool:  # Killed (out of memory, kill -9): made again in a new one.
            self.on_done(["the PDF worker stopped before the PDFs were made; starting a new one"])
            with self.lock:
                self.broken = self.again = True
        except Exception as error:
            self.on_done([f"the PDF worker failed ({error})"])
        with self.lock:
            if self.again:
                self.again = False
                self._start()
            self.idle.notify_all()

    def stop(self) -> None:
        with self.lock:
            self.stopped = True
            self.idle.notify_all()
        if self.pool is not None:
            self.pool.kill()


def build_pdfs(root: str, slug: str) -> list[str]:
    """In the worker: build the force's documents as `ncpi build` would; what failed, if any."""

    project = Project(Path(root))
    outcomes = build_targets(
        project, targets_of(slug, project.languages(slug)), run=Run(in_process=True)
    )
    return [f"{o.target}: {o.reason}" for o in outcomes if o.state == "failed"]


def serve(
    project: Project,
    slug: str,
    host: str,
    port: int,
    *,
    open_browser: bool = False,
    say=print,
    show_problems=lambda problems: None,
) -> None:
    """Serve the force's pages until stopped (Ctrl-C, SIGTERM), updating them on every save."""

    if not host.strip():
        raise NcpiError("--host is empty: give the address to listen on, such as 127.0.0.1")
    pages = Pages(slug, preview_bar(project, preview_links(project, slug)))
    server = make_server(pages, project, host, port)
    warning = network_warning(host)
    if warning is not None:
        say(warning)
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{server.server_address[1]}/"
    feed = ChangeFeed(project, [slug])

    def pdfs_done(failures: list[str]) -> None:
        say(time.strftime("%H:%M:%S ") + ("; ".join(failures) if failures else "PDFs up to date"))

    def worker_restarted(note: str) -> None:
        say(note)
        pages.update(bar=preview_bar(project, preview_links(project, slug), note))

    pdfs = PdfMaker(project, slug, pdfs_done, worker_restarted)
    server.pdfs = pdfs  # A PDF asked for while it is being made waits for it.

    def refresh() -> None:
        started = time.perf_counter()
        rendered, problems = render_pages(project, slug)
        valid = not problems
        if valid:  # Asked for first: from the moment the page shows, its PDF link waits.
            pdfs.request()
        pages.update(rendered)
        took = f"{1000 * (time.perf_counter() - started):.0f} ms"
        if valid:
            say(time.strftime("%H:%M:%S ") + f"page updated in {took}; making the PDFs…")
        else:
            show_problems(problems)
            say(time.strftime("%H:%M:%S ") + "problems found: shown on the page")

    server_thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="ncpi-server", daemon=True
    )
    try:
        refresh()
        server_thread.start()
        welsh = (
            f" In Welsh: the report at {url}cy, the press release at {url}cy/press-release."
            if "cy" in project.languages(slug)
            else ""
        )
        say(
            f"Serving {slug} at {url} (the press release at {url}press-release).{welsh} "
            "Pages reload on every save; Ctrl-C stops."
        )
        if open_browser:
            webbrowser.open(url)
        while True:
            feed.wait()
            refresh()
    finally:
        server.stopping = True
        if server_thread.is_alive():
            server.shutdown()
        server.server_close()
        feed.close()
        pdfs.stop()
