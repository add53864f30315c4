"""The instructors' container image, checked without a Docker engine.

* The Dockerfile's instructions: the project's own set-up and start command, a non-root user, one
  published port (JupyterLab's), no secrets, nothing fetched outside the package managers.
* .dockerignore keeps the build context to what the course needs (and keeps what it needs).
* The run options the Dockerfile and docs/instructors.md name are the ones live labs need: the
  conditions inside a Docker container (Docker's default capability set, a private mount and
  network namespace, /proc/sys read-only unless systempaths=unconfined) are reproduced here with
  unshare and setpriv, and a real lab is built under them. Docker's seccomp and AppArmor profiles
  cannot be reproduced this way; the guide says why they are relaxed.
"""
from __future__ import annotations

import fnmatch
import json
import os
import pwd
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

import course

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
GUIDE = ROOT / "docs" / "instructors.md"
SECURE_RUN_OPTIONS = {"--security-opt systempaths=unconfined", "--security-opt seccomp=unconfined",
                      "--security-opt apparmor=unconfined"}


def instructions(path: Path = DOCKERFILE) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order; comments dropped, continuation lines joined."""
    result, pending = [], ""
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        whole = pending + stripped
        pending = ""
        keyword, _, arguments = whole.partition(" ")
        result.append((keyword.upper(), " ".join(arguments.split())))
    assert not pending, "the Dockerfile ends inside a continued line"
    return result


def only(kind: str) -> list[str]:
    return [arguments for keyword, arguments in instructions() if keyword == kind]


# ---------------------------------------------------------------------------- the Dockerfile

def test_dockerfile_uses_only_known_instructions_and_one_stage():
    known = {"FROM", "ENV", "RUN", "USER", "WORKDIR", "COPY", "EXPOSE", "HEALTHCHECK", "ENTRYPOINT", "CMD",
             "ARG", "LABEL"}
    used = [keyword for keyword, _ in instructions()]
    assert set(used) <= known, set(used) - known
    assert used[0] == "FROM" and used.count("FROM") == 1
    assert "ADD" not in used  # nothing fetched from a URL or unpacked implicitly


def test_base_is_the_platform_the_course_is_tested_on():
    assert only("FROM") == ["debian:12-slim"]  # Debian 12 with Python 3.11, like CI and the authors


def test_setup_is_the_projects_own_command():
    runs = only("RUN")
    setup = [r for r in runs if "course.py" in r]
    assert len(setup) == 1 and setup[0].startswith("python3 course.py doctor")
    # Packages come from requirements.txt and course.py's list, through course.py, never pinned twice.
    assert not any("pip install" in r for r in runs)
    bootstrap = " ".join(r for r in runs if "apt-get install" in r)
    for tool, package in course.LAB_PACKAGES.items():
        assert package not in bootstrap.split(), f"{package} should come from course.py's LAB_PACKAGES"
    # The files are in the image (owned by the learner) before the set-up needs them.
    order = [keyword for keyword, arguments in instructions() if keyword == "COPY" or "course.py doctor" in arguments]
    assert order == ["COPY", "RUN"]
    assert only("COPY") == ["--chown=learner:learner . ."]


def test_it_runs_the_start_command_as_an_unprivileged_user():
    users = only("USER")
    assert users == ["learner"]
    assert any(re.search(r"useradd .*--uid 1000 .*learner$", r) for r in only("RUN"))
    keywords = [keyword for keyword, _ in instructions()]
    assert keywords.index("USER") > max(i for i, k in enumerate(keywords) if k == "RUN")  # nothing runs as root after
    command = json.loads(only("CMD")[0])
    assert command[:3] == ["python3", "course.py", "start"]
    assert "--no-browser" in command
    assert command[command.index("--ip") + 1] == "0.0.0.0"  # inside the container, so the published port reaches it
    assert "--port" not in command  # course.py's default port, the one exposed below
    assert json.loads(only("ENTRYPOINT")[0]) == ["/usr/bin/tini", "--"]
    assert "tini" in " ".join(only("RUN"))


def test_it_exposes_only_jupyterlab_and_no_secrets():
    default_port = start_default_port()
    assert only("EXPOSE") == [str(default_port)]
    assert f"http://127.0.0.1:{default_port}/api" in only("HEALTHCHECK")[0]
    text = " ".join(only("ENV") + only("ARG")).upper()
    for secret in ("TOKEN", "PASSWORD", "SECRET", "KEY"):
        assert secret not in text
    assert "NETCOURSE_LAB_MODE" not in text  # the mode is detected at run time, not baked in
    assert f"-p 127.0.0.1:{default_port}:{default_port}" in DOCKERFILE.read_text()  # loopback on the host


def start_default_port() -> int:
    """The port `python3 course.py start` listens on when none is given."""
    found = re.search(r'start\.add_argument\("--port", type=int, default=(\d+)\)', (ROOT / "course.py").read_text())
    assert found, "course.py's start command has no --port default"
    return int(found.group(1))


def docker_run_options(text: str) -> set[str]:
    """The --security-opt / --cap-add options of the first `docker run --rm ...` command in a text."""
    match = re.search(r"docker run --rm((?:[^\n]*\\\n)*[^\n]*)", text.replace("# ", ""))
    assert match, "no docker run command found"
    words = shlex.split(match.group(1).replace("\\\n", " "))
    return {f"{w} {words[i + 1]}" for i, w in enumerate(words) if w in ("--security-opt", "--cap-add")}


def test_the_documented_run_command_asks_for_exactly_what_rootless_labs_need():
    assert docker_run_options(DOCKERFILE.read_text()) == SECURE_RUN_OPTIONS
    assert docker_run_options(GUIDE.read_text()) == SECURE_RUN_OPTIONS
    guide = GUIDE.read_text()
    for option in ("--cap-add NET_ADMIN", "--cap-add SYS_ADMIN"):  # the root-mode alternative, explained
        assert option in guide and option in DOCKERFILE.read_text()
    assert "--privileged" in guide  # named, to say why it is not needed


# ---------------------------------------------------------------------------- .dockerignore

def ignore_patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def ignored(relative: str, patterns: list[str]) -> bool:
    """Docker's rule for these simple patterns: a pattern matches the path or any parent folder."""
    parts = relative.split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    for pattern in patterns:
        bare = pattern[3:] if pattern.startswith("**/") else None
        for prefix in prefixes:
            if fnmatch.fnmatchcase(prefix, pattern):
                return True
            if bare and fnmatch.fnmatchcase(prefix.rsplit("/", 1)[-1], bare):
                return True
    return False


def test_dockerignore_keeps_the_context_small_and_complete():
    patterns = ignore_patterns()
    assert not any(p.startswith("!") for p in patterns)
    for unwanted in (".venv/bin/python", ".git/HEAD", "artifacts/browser/page.png", "helpers/__pycache__/x.pyc",
                     "notebooks/.ipynb_checkpoints/a.ipynb", "binder/postBuild"):
        assert ignored(unwanted, patterns), unwanted
    needed = ["course.py", "requirements.txt", "pyproject.toml", "README.md", "helpers/__init__.py",
              "notebooks/00-start-here.ipynb"]
    needed += [str(p.relative_to(ROOT)) for p in (ROOT / "helpers" / "lab" / "recordings").glob("*.json")]
    for path in needed:
        assert (ROOT / path).exists(), path
        assert not ignored(path, patterns), f"{path} is needed in the image"


# ---------------------------------------------------------------------------- the container's conditions

DOCKER_DEFAULT_CAPS = ["chown", "dac_override", "fsetid", "fowner", "mknod", "net_raw", "setgid", "setuid",
                       "setfcap", "setpcap", "net_bind_service", "sys_chroot", "kill", "audit_write"]

LAB = """
import json
from helpers.lab import Lab
from helpers.lab.backends import detect_mode
mode = detect_mode()
print(json.dumps({"mode": mode.kind}), flush=True)
lab = Lab("13-container")
s1, h1, r1, h2 = lab.switch("s1"), lab.host("h1"), lab.router("r1"), lab.host("h2")
lab.link(h1, s1, ip1="10.0.1.10/24")
lab.link(r1, s1, ip1="10.0.1.1/24")
lab.link(r1, h2, ip1="10.0.2.1/24", ip2="10.0.2.10/24")
h1.default_route("10.0.1.1")
h2.default_route("10.0.2.1")
with lab:
    ping = h1.ping("10.0.2.10", count=2, interval=0.1)
    print(json.dumps({"received": ping.received, "ttl": sorted({r.ttl for r in ping.replies})}), flush=True)
"""


def in_container(runtime, *, user: str | None, extra_caps=(), proc_sys_writable: bool) -> tuple[list[dict], str]:
    """Run LAB as Docker would: a private mount and network namespace with its own /run, Docker's
    default capability set (plus extra_caps), /proc/sys read-only unless proc_sys_writable."""
    python, pythonpath = runtime
    home = Path(pythonpath) / "home"
    home.mkdir(exist_ok=True)
    identity = []
    if user:
        account = pwd.getpwnam(user)
        os.chown(home, account.pw_uid, account.pw_gid)
        identity = [f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}", "--clear-groups"]
    caps = ",".join(["-all", *(f"+{c}" for c in DOCKER_DEFAULT_CAPS + list(extra_caps))])
    setup = ["mount -t tmpfs netcourse-run /run", "ip link set lo up"]
    if not proc_sys_writable:
        setup.append("mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys")
    launch = ["setpriv", *identity, f"--bounding-set={caps}", "--inh-caps=-all", "env", f"HOME={home}",
              "PATH=/usr/sbin:/usr/bin:/sbin:/bin", f"PYTHONPATH={pythonpath}", python, "-c", LAB]
    script = " && ".join(setup) + " && exec " + shlex.join(launch)
    done = subprocess.run(["unshare", "--mount", "--net", "--propagation", "private", "sh", "-c", script],
                          capture_output=True, text=True, timeout=120, cwd="/tmp")
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return lines, done.stderr


@pytest.fixture(scope="module")
def runtime():
    from bench.bench_classroom import learner_runtime

    with learner_runtime() as found:
        yield found


@pytest.fixture
def container_user():
    from bench.bench_classroom import learner_accounts

    with learner_accounts(1) as names:
        yield names[0]


def need_root(live):
    if os.geteuid() != 0 or not shutil.which("setpriv") or not shutil.which("unshare"):
        pytest.skip("reproducing a container's conditions needs root, unshare and setpriv (CI runs as root)")


@pytest.mark.live
def test_recommended_run_rootless_learner_no_added_capability(live, runtime, container_user):
    need_root(live)
    lines, errors = in_container(runtime, user=container_user, proc_sys_writable=True)
    assert lines == [{"mode": "rootless"}, {"received": 2, "ttl": [63]}], errors


@pytest.mark.live
def test_root_mode_needs_net_admin_and_sys_admin(live, runtime):
    need_root(live)
    lines, errors = in_container(runtime, user=None, extra_caps=["net_admin", "sys_admin"], proc_sys_writable=True)
    assert lines == [{"mode": "root"}, {"received": 2, "ttl": [63]}], errors
    for missing in (["net_admin"], ["sys_admin"]):  # either one alone is not root mode
        lines, errors = in_container(runtime, user=None, extra_caps=missing, proc_sys_writable=True)
        assert lines and lines[0]["mode"] != "root", (missing, lines, errors)


@pytest.mark.live
def test_read_only_proc_sys_is_why_systempaths_must_be_unconfined(live, runtime, container_user):
    need_root(live)
    for user, caps in ((container_user, []), (None, ["net_admin", "sys_admin"])):
        lines, errors = in_container(runtime, user=user, extra_caps=caps, proc_sys_writable=False)
        # Detection sees the read-only /proc/sys and falls back to offline with the reason, so the
        # learner gets replayed results and one sentence instead of a lab that fails half-built.
        assert lines[:1] == [{"mode": "offline"}], (lines, errors)
        assert len(lines) == 1, (lines, errors)  # a new (unrecorded) lab cannot run offline
        assert "Traceback" in errors and "need a live lab" in errors, errors
