"""The subnetting lesson in a real browser: JupyterLab from the course's environment, headless
Chromium driven by Playwright. Runs every cell, checks that every widget view rendered (no "Error
displaying widget", none missing), then types into the CIDR calculator and reads the new result
from the page. Screenshots are saved in artifacts/browser/ (the test prints where).

The browser is the system's Chromium (Debian packages chromium and chromium-driver, installed by
`python3 course.py test` as root); Playwright never downloads one. Every request the page makes to
anything but the local JupyterLab is refused, so the test cannot reach the internet.
"""
from __future__ import annotations

import ipaddress
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import missing

ROOT = Path(__file__).resolve().parent.parent
LESSON = "notebooks/03-ip-addressing-and-subnetting.ipynb"
ARTIFACTS = ROOT / "artifacts" / "browser"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 "--disable-default-apps", "--disable-extensions", "--metrics-recording-only", "--mute-audio"]
# JupyterLab settings for a quiet, deterministic page: no news or update checks (they would go to
# the internet), no autosave, and every cell kept in the page (no windowing) so all can be checked.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"checkForUpdates": False, "fetchNews": "false"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def must_have(what: str) -> None:
    """Skip on a learner's machine without a browser; in CI a missing browser is a failure."""
    missing(f"the browser test's {what}")


def chromium_path() -> str:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    must_have("Chromium (Debian package chromium)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def widget_outputs_in(notebook: Path) -> int:
    """How many widget views the committed lesson displays (the independent count to expect)."""
    cells = json.loads(notebook.read_text())["cells"]
    return sum(WIDGET_MIME in output.get("data", {}) for cell in cells if cell["cell_type"] == "code"
               for output in cell.get("outputs", []))


class JupyterLab:
    """JupyterLab from the course's environment on loopback, over a copy of the lesson (so the
    committed notebook is never touched), with private config, settings and runtime folders."""

    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.token = "browser-test-token"
        self.base = f"http://127.0.0.1:{self.port}"
        self.root = tmp_path / "course"
        (self.root / "notebooks").mkdir(parents=True)
        shutil.copy(ROOT / LESSON, self.root / LESSON)
        settings = tmp_path / "settings"
        for name, values in LAB_SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        env = dict(os.environ, JUPYTER_TOKEN=self.token, JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
                   JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_DATA_DIR=str(tmp_path / "data"),
                   JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"), JUPYTERLAB_SETTINGS_DIR=str(settings),
                   MPLBACKEND="module://matplotlib_inline.backend_inline")
        self.log_path = tmp_path / "jupyterlab.log"
        self.log = open(self.log_path, "w")
        command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                   f"--ServerApp.port={self.port}", f"--ServerApp.root_dir={self.root}",
                   "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=",
                   "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        if os.geteuid() == 0:
            command.append("--allow-root")
        self.process = subprocess.Popen(command, cwd=self.root, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with urllib.request.urlopen(f"{self.base}/api/status?token={self.token}", timeout=3):
                    return
            except OSError:
                time.sleep(0.2)
        pytest.fail(f"JupyterLab did not start; its log:\n{self.log_path.read_text()[-3000:]}")

    def start_kernel_for(self, path: str) -> None:
        """Start the notebook's kernel session now, so it boots while the page loads (JupyterLab
        joins the existing session when it opens the notebook)."""
        request = urllib.request.Request(
            f"{self.base}/api/sessions", method="POST",
            data=json.dumps({"path": path, "type": "notebook", "name": "", "kernel": {"name": "python3"}}).encode(),
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as reply:
            assert reply.status == 201, reply.status

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


# JavaScript run in the page through JupyterLab's own application object.
NOTEBOOK_READY = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = panel && panel.sessionContext && panel.sessionContext.session && panel.sessionContext.session.kernel;
  return !!(panel && panel.content && kernel && kernel.status === 'idle' && panel.content.widgets.length > 0);
}"""
ALL_CELLS_RAN = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  const cells = panel.content.model.cells;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type === 'code' && cell.sharedModel.getSource().trim() && cell.executionCount === null) return false;
  }
  return document.querySelectorAll('.jp-InputPrompt').length > 0 &&
         ![...document.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('*'));
}"""
ERROR_OUTPUTS = """() => [...document.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]')]
  .map(e => e.innerText.slice(0, 500))"""
# Every output whose data is a widget view, found through the notebook's model, and whether the
# page shows a rendered widget for it (a missing model shows "Error displaying widget" instead).
WIDGET_VIEWS = """() => {
  const views = [];
  for (const cell of window.jupyterapp.shell.currentWidget.content.widgets) {
    if (cell.model.type !== 'code') continue;
    const outputs = cell.model.outputs;
    for (let j = 0; j < outputs.length; j++) {
      if (!('application/vnd.jupyter.widget-view+json' in (outputs.get(j).data || {}))) continue;
      const child = cell.outputArea.widgets[j];
      const node = child && child.node.querySelector('.jp-OutputArea-output');
      views.push({rendered: !!(node && node.querySelector(':scope > .jupyter-widgets')),
                  text: node ? node.innerText.slice(0, 300) : '(no output on the page)'});
    }
  }
  return views;
}"""
RENDERED_WIDGETS = "() => document.querySelectorAll('.jp-OutputArea-output > .jupyter-widgets').length"


def test_subnetting_lesson_widgets_in_a_real_browser(tmp_path):
    notebook = ROOT / LESSON
    if not notebook.exists():
        pytest.fail(f"{LESSON} is missing")
    chromium = chromium_path()
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        must_have("the playwright package (pinned in requirements.txt)")
    expected_widgets = widget_outputs_in(notebook)
    assert expected_widgets >= 1, "the lesson's committed outputs show no widget"

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("03-*.png"):  # screenshots of an earlier run would mislead
        old.unlink()
    lab = JupyterLab(tmp_path)
    refused: list[str] = []
    page = None
    clock = {"start": time.monotonic()}
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(  # while JupyterLab starts
                str(tmp_path / "chromium-profile"), executable_path=chromium, headless=True, args=CHROMIUM_ARGS,
                viewport={"width": 1400, "height": 1000})
            try:
                lab.wait_ready()
                lab.start_kernel_for(LESSON)
                clock["server and browser up"] = time.monotonic()
                def only_local(route):
                    if route.request.url.startswith(lab.base):
                        route.continue_()
                    else:
                        refused.append(route.request.url)
                        route.abort()

                context.route("**/*", only_local)
                page = context.new_page()
                page.goto(f"{lab.base}/lab/tree/{LESSON}?token={lab.token}")
                page.wait_for_function(NOTEBOOK_READY, timeout=60_000)
                clock["lesson open, kernel idle"] = time.monotonic()

                page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
                page.wait_for_function(ALL_CELLS_RAN, timeout=180_000, polling=250)
                clock["all cells ran"] = time.monotonic()
                page.screenshot(path=str(ARTIFACTS / "03-after-run-all.png"))

                assert page.evaluate(ERROR_OUTPUTS) == [], "a cell of the lesson raised an error in the browser"
                body = page.locator("body").inner_text()
                assert "Error displaying widget" not in body
                views = page.evaluate(WIDGET_VIEWS)
                assert len(views) == expected_widgets, f"{len(views)} widget views on the page, the lesson has {expected_widgets}"
                missing = [v["text"] for v in views if not v["rendered"]]
                assert missing == [], f"widget views that did not render: {missing}"
                assert page.evaluate(RENDERED_WIDGETS) == expected_widgets

                # The calculator: type an address, read the result the kernel computed.
                calculator = page.locator(".cidr-calculator").first
                calculator.scroll_into_view_if_needed()
                field = calculator.locator(".cidr-calculator-input input")
                result = calculator.locator(".cidr-calculator-result")
                typed = ipaddress.ip_interface("10.20.30.40/20")  # the standard library as the oracle
                field.fill(str(typed))
                row = lambda name: result.locator(f"tr[data-field='{name}'] td")  # noqa: E731
                expect(row("network")).to_have_text(str(typed.network), timeout=15_000)
                expect(row("broadcast")).to_have_text(str(typed.network.broadcast_address))
                expect(row("usable_hosts")).to_have_text(f"{typed.network.num_addresses - 2:,}")
                assert calculator.locator(".cidr-calculator-prefix").inner_text().strip().endswith(str(typed.network.prefixlen))
                calculator.screenshot(path=str(ARTIFACTS / "03-calculator-10.20.30.40-20.png"))

                # The prefix slider drives the text and the result too (widget -> kernel -> widget).
                calculator.locator(".cidr-calculator-prefix .noUi-handle").focus()
                page.keyboard.press("ArrowLeft")
                shorter = ipaddress.ip_interface("10.20.30.40/19")
                expect(field).to_have_value(str(shorter), timeout=15_000)
                expect(row("network")).to_have_text(str(shorter.network), timeout=15_000)

                # A mistake shows one sentence in the widget, never a traceback.
                field.fill("10.0.0.300/24")
                error = result.locator(".cidr-error")
                expect(error).to_be_visible(timeout=15_000)
                assert "300" in error.inner_text() and "Traceback" not in result.inner_text()
                calculator.screenshot(path=str(ARTIFACTS / "03-calculator-error.png"))
                clock["widgets checked"] = time.monotonic()
                steps = list(clock.items())
                timings = ", ".join(f"{name} +{later - earlier:.1f} s" for (_, earlier), (name, later) in zip(steps, steps[1:]))
                print(f"\nbrowser test: {len(views)} widget views rendered ({timings}); screenshots in {ARTIFACTS}")
            except BaseException:
                if page is not None:
                    page.screenshot(path=str(ARTIFACTS / "03-failure.png"))
                    print(f"\nscreenshot of the failure: {ARTIFACTS / '03-failure.png'}")
                raise
            finally:
                context.close()
    finally:
        lab.stop()
    outside = sorted({url.split("/")[2] for url in refused if "://" in url})
    assert not [host for host in outside if not host.startswith("127.0.0.1")], f"the page tried to reach {outside}"
