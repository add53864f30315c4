"""The README's start command brings up JupyterLab serving the first notebook."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_start_serves_the_first_notebook(tmp_path):
    port = free_port()
    token = "course-test-token"
    env = dict(os.environ, JUPYTER_TOKEN=token, JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "ws"))
    log = open(tmp_path / "start.log", "w")
    server = subprocess.Popen([sys.executable, str(ROOT / "course.py"), "start", "--no-browser",
                               "--port", str(port)], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/api/contents/notebooks/00-start-here.ipynb?token={token}"
        deadline = time.monotonic() + 90
        reply = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    reply = json.load(response)
                    break
            except OSError:
                time.sleep(0.5)
        output = (tmp_path / "start.log").read_text()
        assert reply is not None, f"JupyterLab did not serve the notebook; its output:\n{output[-3000:]}"
        assert reply["type"] == "notebook"
        assert reply["content"]["cells"][0]["source"].startswith("# 00 · Start here")
        assert "Lab mode:" in output  # the start command says which mode the learner gets
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab/tree/notebooks/00-start-here.ipynb"
                                    f"?token={token}", timeout=10) as page:
            assert page.status == 200 and b"JupyterLab" in page.read()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def test_course_help_lists_the_commands():
    done = subprocess.run([sys.executable, str(ROOT / "course.py"), "--help"], capture_output=True, text=True)
    assert done.returncode == 0
    for command in ("start", "test", "build", "cleanup", "doctor", "bench"):
        assert command in done.stdout
