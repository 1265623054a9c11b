"""`ncpi serve` as a real process: pages, reload events, errors on the page, the PDFs, the port,
and a stop that leaves nothing running."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from support import REPO, children, edit, invoke, until

pytestmark = pytest.mark.process

NCPI = Path(sys.executable).parent / "ncpi"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, timeout: float = 5) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


class Served:
    """`ncpi serve FORCE` running in a project, stopped at the end of the test."""

    def __init__(self, project, force: str = "essex", *args: str, host: str = "127.0.0.1"):
        self.port = _free_port()
        self.url = f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"
        if host != "127.0.0.1":
            args = (*args, "--host", host)
        self.process = subprocess.Popen(
            [
                str(NCPI),
                "--root",
                str(project.root),
                "serve",
                force,
                "--port",
                str(self.port),
                *args,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        until(lambda: self._answers(), 30)

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(self.process.stderr.read())
        try:
            return _get(self.url + "/", 1)[0] == 200
        except OSError:
            return False

    def page(self, path: str = "/") -> str:
        return _get(self.url + path)[1]

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(10)


@pytest.fixture
def served(project_from):
    running = []

    def start(project=None, force="essex", *args, host="127.0.0.1"):
        server = Served(project or project_from(), force, *args, host=host)
        running.append(server)
        return server

    yield start
    for server in running:
        server.stop()


def test_the_report_and_press_release_are_served_with_the_reload_script_only_there(served):
    server = served()
    report = server.page("/")
    assert "<title>Essex – National Child Protection Re-inspection</title>" in report
    assert "new EventSource('/events')" in report
    release = server.page("/press-release")
    assert "Child protection in Essex is improving but there is still more to do" in release
    assert _get(server.url + "/nothing-here")[0] == 404
    # The preview bar links both pages and both PDFs.
    bar = re.search(r'<nav class="ncpi-preview".*?</nav>', release).group(0)
    assert re.findall(r'href="([^"]+)"', bar) == [
        "/",
        "/press-release",
        "/essex-report.pdf",
        "/essex-press-release.pdf",
    ]
    # The PDF is linked from the page and made in the background.
    pdf = re.search(r'href="(/[^"]+\.pdf)"', report).group(1)
    assert pdf == "/essex-report.pdf"

    def pdf_served():
        with urllib.request.urlopen(server.url + pdf, timeout=5) as response:
            return response.read() if response.status == 200 else None

    def built():
        try:
            return pdf_served()
        except urllib.error.HTTPError:
            return None

    assert until(built, 60).startswith(b"%PDF-")
    # The built files never carry the preview's script.
    folder = Path(server.process.args[2]) / "build" / "essex"
    until(lambda: (folder / ".manifest-press-release.json").is_file(), 60)
    for name in ("essex-report.html", "essex-press-release.html"):
        assert "EventSource" not in (folder / name).read_text("utf-8")


def test_a_save_reaches_the_page_and_the_event_stream(served, project_from):
    project = project_from()
    server = served(project)
    events = urllib.request.urlopen(server.url + "/events", timeout=20)
    first = events.readline().decode()
    assert first == "event: version\n"
    version = int(events.readline().decode().removeprefix("data: "))
    path = project.report_path("essex")
    path.write_text(
        path.read_text("utf-8").replace("firmly committed", "firmly and visibly committed", 1)
    )
    assert until(lambda: "firmly and visibly committed" in server.page("/"))
    events.readline()  # the blank line that ends the first event
    assert events.readline().decode() == "event: version\n"
    assert int(events.readline().decode().removeprefix("data: ")) > version
    events.close()


def test_problems_show_on_the_page_and_the_report_comes_back(served, project_from):
    project = project_from()
    server = served(project)
    path = project.report_path("essex")
    good = path.read_text("utf-8")
    path.write_text(good.replace("kind: re-inspection", "kind: revisit"))
    page = until(lambda: (p := server.page("/")) and "cannot be shown" in p and p)
    line = next(i for i, text in enumerate(good.splitlines(), 1) if "kind: re-inspection" in text)
    assert f"<code>reports/essex.yaml:{line}:9</code> reinspection.kind:" in page
    assert 'role="alert"' in page and "new EventSource('/events')" in page
    path.write_text(good)
    assert until(lambda: "National Child Protection Re-inspection" in server.page("/"))


def test_welsh_pages_for_a_force_with_a_welsh_edition(served, project_from):
    server = served(project_from("shipped"), "dyfed-powys")
    assert '<html lang="cy">' in server.page("/cy")
    assert "Cael yr adroddiad" in server.page("/cy/press-release")
    assert '<html lang="en-GB">' in server.page("/")
    # Each edition links the other by its built file's name, as in build/: the server answers it.
    for page, other, lang in (
        ("/", "dyfed-powys-report-cy.html", "cy"),
        ("/cy", "dyfed-powys-report.html", "en-GB"),
        ("/press-release", "dyfed-powys-press-release-cy.html", "cy"),
        ("/cy/press-release", "dyfed-powys-press-release.html", "en-GB"),
    ):
        assert f'<a href="{other}"' in server.page(page)
        base = server.url + page.rsplit("/", 1)[0] + "/"
        status, linked = _get(urllib.parse.urljoin(base, other))
        assert status == 200 and f'<html lang="{lang}">' in linked
    # Where the Welsh pages are is said on starting, as the English ones are (#26).
    server.stop()
    said = server.process.stderr.read()  # messages to the person, as progress is
    assert (
        f"In Welsh: the report at {server.url}/cy, the press release at "
        f"{server.url}/cy/press-release."
    ) in said


def test_open_opens_the_page_in_the_browser(project_from, tmp_path):
    """--open uses the user's browser; $BROWSER names it (here a script that notes the URL)."""
    opened = tmp_path / "opened"
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n')
    browser.chmod(0o755)
    port = _free_port()
    root = str(project_from().root)
    process = subprocess.Popen(
        [str(NCPI), "--root", root, "serve", "essex", "--port", str(port), "--open"],
        env={**os.environ, "BROWSER": str(browser)},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        until(opened.is_file, 30)
        assert opened.read_text().strip() == f"http://127.0.0.1:{port}/"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(10)


def test_a_port_in_use_is_refused_with_a_free_one_suggested(project_from):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [str(NCPI), "--root", str(project_from().root), "serve", "essex", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert done.returncode == 1
    found = re.search(
        rf"port {port} on 127\.0\.0\.1 is in use: `--port (\d+)` is free", done.stderr
    )
    assert found and int(found.group(1)) > port
    assert "Traceback" not in done.stderr


def test_it_listens_on_this_machine_only_by_default(served):
    server = served()
    address = server.process.pid
    listening = Path(f"/proc/{address}/net/tcp").read_text()
    local = {line.split()[1] for line in listening.splitlines()[1:] if line.split()[3] == "0A"}
    assert f"0100007F:{server.port:04X}" in local  # 127.0.0.1, in /proc's byte order
    assert f"00000000:{server.port:04X}" not in local  # not every interface


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_ends_the_server_its_watcher_and_its_worker_within_a_second(served, stop):
    server = served()
    until(lambda: children(server.process.pid), 30)  # the PDF worker is running
    family = children(server.process.pid)
    started = time.monotonic()
    server.process.send_signal(stop)
    code = server.process.wait(10)
    assert time.monotonic() - started < 1.5
    assert code == 128 + stop
    assert "Traceback" not in server.process.stderr.read()
    time.sleep(0.2)
    assert [pid for pid in family if os.path.exists(f"/proc/{pid}")] == []


def test_a_pdf_asked_for_while_it_is_being_made_is_answered_once_made(served, project_from):
    """The page's PDF link, followed the moment the page first shows, waits for the PDF: it
    never answers 404 while the PDF is on its way."""
    project = project_from()
    server = served(project)
    status, _ = _get(server.url + "/essex-report.pdf", timeout=90)
    assert status == 200
    folder = project.build_dir / "essex"
    assert (folder / "essex-report.pdf").is_file()
    with urllib.request.urlopen(server.url + "/essex-report.pdf", timeout=5) as response:
        assert response.read() == (folder / "essex-report.pdf").read_bytes()


def _get_with(server, path: str, **headers) -> int:
    """The status of a GET whose Host (and other headers) the test chooses."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True)
        for name, value in headers.items():
            connection.putheader(name.replace("_", "-"), value)
        connection.endheaders()
        response = connection.getresponse()
        response.read(0)
        return response.status
    finally:
        connection.close()


def test_only_this_servers_names_are_answered_against_dns_rebinding(served, project_from):
    """A page on another site that reaches the preview under its own name (DNS rebinding) gets
    nothing: not the draft page, not its PDF, not the event stream."""
    server = served(project_from())
    port = server.port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "127.0.0.1", f"[::1]:{port}"):
        assert _get_with(server, "/", Host=host) == 200, host
    for host in (f"rebind.attacker.example:{port}", "localhost.attacker.example", "", "a b"):
        for path in ("/", "/press-release", "/essex-report.pdf", "/events"):
            assert _get_with(server, path, Host=host) == 403, (host, path)
    # The event stream answers this server's own pages only.
    own = f"http://127.0.0.1:{port}"
    assert (
        _get_with(server, "/events", Host=f"127.0.0.1:{port}", Origin="https://evil.example") == 403
    )
    request = urllib.request.Request(server.url + "/events", headers={"Origin": own})
    with urllib.request.urlopen(request, timeout=10) as events:
        assert events.readline().decode() == "event: version\n"


def test_a_killed_pdf_worker_is_replaced_and_the_page_says_so(served, project_from):
    """The out-of-memory killer or a kill -9 ends the worker: the next save starts a new one
    (it used to end serve with a BrokenProcessPool traceback)."""
    project = project_from()
    server = served(project)
    assert _get(server.url + "/essex-report.pdf", timeout=90)[0] == 200
    for worker in children(server.process.pid):
        os.kill(worker, signal.SIGKILL)
    edit(project.report_path("essex"), "firmly committed", "firmly and visibly committed")
    notice = "the PDF worker had stopped; a new one was started"
    assert until(lambda: notice in server.page("/"), 60)
    assert "firmly and visibly committed" in server.page("/")
    status, _ = _get(server.url + "/essex-report.pdf", timeout=90)
    assert status == 200 and server.process.poll() is None
    assert children(server.process.pid)  # the new worker
    server.stop()
    errors = server.process.stderr.read()
    assert "Traceback" not in errors and "BrokenProcessPool" not in errors


def test_an_empty_host_is_refused(project_from):
    result = invoke(project_from(), "serve", "essex", "--host", "")
    assert result.exit_code == 2
    assert "Invalid value for '--host': is empty: give the address to listen on" in result.output


@pytest.mark.skipif(not Path("/proc/net/if_inet6").is_file(), reason="no IPv6 on this machine")
def test_an_ipv6_address_is_served_and_is_this_machine(served):
    server = served(host="::1")
    assert "<title>Essex – National Child Protection Re-inspection</title>" in server.page("/")
    server.stop()
    assert "warning" not in server.process.stderr.read()


def test_every_interface_is_served_with_a_warning(served):
    server = served(host="0.0.0.0")
    assert "<title>Essex" in _get(f"http://127.0.0.1:{server.port}/")[1]
    server.stop()
    errors = server.process.stderr.read()
    assert "warning: listening on 0.0.0.0 (every interface): the preview (a draft report" in errors


def test_only_the_pdf_its_build_record_names_is_served_never_a_link(served, project_from):
    project = project_from()
    secret = project.root / ".env"
    secret.write_text("PASSWORD=hunter2\n")
    server = served(project)
    assert _get(server.url + "/essex-report.pdf", timeout=90)[0] == 200
    pdf = project.build_dir / "essex" / "essex-report.pdf"
    pdf.unlink()
    pdf.symlink_to(secret)  # planted by someone with write access to build/
    status, body = _get(server.url + "/essex-report.pdf")
    assert status == 404 and "hunter2" not in body
    pdf.unlink()
    pdf.write_bytes(b"%PDF-1.7 not the one ncpi built")  # a file, but not the recorded one
    status, body = _get(server.url + "/essex-report.pdf")
    assert status == 404 and "not the one" not in body


def test_a_template_error_is_listed_on_the_terminal_as_on_the_page(served, project_from):
    project = project_from()
    project.templates_dir.mkdir()
    (project.templates_dir / "report.html.j2").write_text(
        '{% extends "default:report.html.j2" %}{% block title %}{{ 1 / 0 }}{% endblock %}'
    )
    server = served(project)
    located = "templates/report.html.j2:1:1: template: ZeroDivisionError: division by zero"
    assert "ZeroDivisionError: division by zero" in server.page("/")
    server.stop()
    errors = server.process.stderr.read()
    assert located in errors and "problems found: shown on the page" in errors
