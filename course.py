#!/usr/bin/env python3
"""The course's commands. Standard library only, so it runs on a machine with nothing but Python 3.

    python3 course.py start     set up if needed, then open JupyterLab on the first lesson
    python3 course.py test      set up if needed, then run every test (unit tests and notebooks)

For authors and instructors:

    python3 course.py build [NOTEBOOK ...]   re-execute notebooks in place from their sources
    python3 course.py cleanup                remove every leftover of any course lab
    python3 course.py doctor                 show the lab mode and which tools are present
    python3 course.py bench                  run the benchmark scripts and print their figures
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".netcourse-installed"
FIRST_NOTEBOOK = "notebooks/00-start-here.ipynb"
MIN_PYTHON = (3, 11)

# Tools that live labs use, and the Debian/Ubuntu package that brings each one.
LAB_PACKAGES = {
    "ip": "iproute2",
    "nft": "nftables",
    "iptables": "iptables",
    "tcpdump": "tcpdump",
    "ping": "iputils-ping",
    "traceroute": "traceroute",
    "telnet": "telnet",
    "arp": "net-tools",
    "openssl": "openssl",
    "curl": "curl",
    "dig": "dnsutils",
    "haproxy": "haproxy",
    "nginx": "nginx",
    "unshare": "util-linux",
    "mkfs.ext4": "e2fsprogs",
}
# Only the test suite needs these: Mininet as the benchmark's peer, Chromium for the browser test.
TEST_PACKAGES = {
    "mn": "mininet",
    "brctl": "bridge-utils",  # Mininet's Linux-bridge switches
    "chromium": "chromium",
    "chromedriver": "chromium-driver",
}
SBIN_PATH = os.pathsep.join(["/usr/local/sbin", "/usr/sbin", "/sbin"])


def say(message: str) -> None:
    print(f"[course] {message}", flush=True)


def fail(message: str) -> NoReturn:
    print(f"[course] {message}", file=sys.stderr, flush=True)
    raise SystemExit(1)


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def find_tool(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path=SBIN_PATH)


# ---------------------------------------------------------------------------- system packages

def install_system_packages(wanted: dict[str, str]) -> None:
    """As root on Debian/Ubuntu, apt-get install the packages whose tools are missing."""
    missing = sorted({pkg for tool, pkg in wanted.items() if not find_tool(tool)})
    if not missing:
        return
    if not sys.platform.startswith("linux"):
        return
    if not is_root() or not shutil.which("apt-get"):
        say("Live labs would also use: " + ", ".join(missing) + ".")
        say("Not installing them (that needs root on Debian/Ubuntu); the course runs without them, "
            "and a live experiment that needs a missing tool says which package to install.")
        return
    say("Installing system packages for live labs: " + " ".join(missing))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    # Keep package scripts from starting nginx/haproxy as services on this machine: the course
    # only ever runs them inside its own lab namespaces.
    policy = Path("/usr/sbin/policy-rc.d")
    made_policy = False
    if not policy.exists():
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
        made_policy = True
    try:
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        result = subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env)
        if result.returncode != 0:
            say("apt-get could not install every package; a live experiment that needs a missing "
                "tool will say which package to install.")
    finally:
        if made_policy:
            policy.unlink()


# ---------------------------------------------------------------------------- Python environment

def requirement_files(for_tests: bool) -> list[Path]:
    """The course's pinned packages; the tests also need the optional 'aws' extra (boto3, moto)."""
    return [ROOT / "requirements.txt"] + ([ROOT / "requirements-aws.txt"] if for_tests else [])


def environment_fingerprint(for_tests: bool) -> str:
    digest = hashlib.sha256()
    for path in requirement_files(for_tests) + [ROOT / "pyproject.toml"]:
        digest.update(path.read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def create_venv() -> None:
    say(f"Creating the course environment in {VENV.name}/ ...")
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
        return
    except Exception as error:  # ensurepip missing is the usual cause on Debian/Ubuntu
        problem = error
    if is_root() and shutil.which("apt-get"):
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        say(f"Python's venv module is incomplete; installing python{version}-venv ...")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", f"python{version}-venv", "python3-venv"],
                       env=env, check=False)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
        return
    fail(f"Could not create a virtual environment ({problem}). On Debian/Ubuntu run "
         f"'sudo apt install python3-venv' and try again.")


def ensure_environment(*, for_tests: bool) -> Path:
    """Create or refresh .venv so it matches requirements.txt; return its Python."""
    if sys.version_info < MIN_PYTHON:
        fail(f"This course needs Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} or newer; this is "
             f"{sys.version.split()[0]}. Install a newer Python 3 and run the command with it.")
    if sys.platform.startswith("linux"):
        install_system_packages({**LAB_PACKAGES, **(TEST_PACKAGES if for_tests else {})})
    fingerprint = environment_fingerprint(for_tests)
    python = venv_python()
    # The stamp lists every set-up this environment satisfies (the tests' includes the course's).
    satisfied = set(STAMP.read_text().split()) if STAMP.exists() else set()
    if python.exists() and fingerprint in satisfied:
        return python
    if not python.exists():
        create_venv()
    say("Installing the course's Python packages (exact versions from requirements.txt) ...")
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    # One pip run for all requirement files, so the resolver sees every pin together.
    steps = [pip + [arg for path in requirement_files(for_tests) for arg in ("-r", str(path))],
             pip + ["--no-deps", "--no-build-isolation", "-e", str(ROOT)]]
    for step in steps:
        if subprocess.run(step).returncode != 0:
            fail("Installing Python packages failed (see pip's message above). Check the network "
                 "connection to the package index and run the command again.")
    # What was installed now is all the stamp claims: the tests' set-up includes the course's.
    done = {fingerprint, environment_fingerprint(False)} if for_tests else {fingerprint}
    STAMP.write_text("\n".join(sorted(done)) + "\n")
    return python


def report_mode(python: Path) -> None:
    subprocess.run([str(python), "-m", "helpers", "doctor", "--one-line"], cwd=ROOT)


# ---------------------------------------------------------------------------- commands

def cmd_start(args: argparse.Namespace) -> None:
    python = ensure_environment(for_tests=False)
    report_mode(python)
    command = [str(python), "-m", "jupyter", "lab", FIRST_NOTEBOOK,
               f"--ServerApp.root_dir={ROOT}", f"--ServerApp.ip={args.ip}",
               f"--ServerApp.port={args.port}"]
    if args.no_browser:
        command.append("--no-browser")
    if is_root():
        command.append("--allow-root")
    say("Starting JupyterLab; stop it with Ctrl+C.")
    os.chdir(ROOT)
    if os.name == "nt":
        raise SystemExit(subprocess.run(command).returncode)
    os.execv(command[0], command)


def cmd_test(args: argparse.Namespace) -> None:
    python = ensure_environment(for_tests=True)
    report_mode(python)
    result = subprocess.run([str(python), "-m", "pytest", *args.pytest_args], cwd=ROOT)
    raise SystemExit(result.returncode)


def cmd_build(args: argparse.Namespace) -> None:
    python = ensure_environment(for_tests=False)
    command = [str(python), str(ROOT / "tools" / "notebooks.py"), "build", *args.notebooks]
    if args.record:
        command.append("--record")
    raise SystemExit(subprocess.run(command, cwd=ROOT).returncode)


def cmd_cleanup(args: argparse.Namespace) -> None:
    python = ensure_environment(for_tests=False)
    raise SystemExit(subprocess.run([str(python), "-m", "helpers.lab", "cleanup"], cwd=ROOT).returncode)


def cmd_doctor(args: argparse.Namespace) -> None:
    python = ensure_environment(for_tests=False)
    raise SystemExit(subprocess.run([str(python), "-m", "helpers", "doctor"], cwd=ROOT).returncode)


def cmd_bench(args: argparse.Namespace) -> None:
    python = ensure_environment(for_tests=True)
    status = 0
    for script in sorted((ROOT / "bench").glob("bench_*.py")):
        if args.only and not any(word in script.stem for word in args.only):
            continue
        say(f"--- {script.name}")
        status |= subprocess.run([str(python), str(script)], cwd=ROOT).returncode
    raise SystemExit(status)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="course.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    start = sub.add_parser("start", help="set up if needed and open JupyterLab on the first lesson")
    start.add_argument("--port", type=int, default=8888)
    start.add_argument("--ip", default="127.0.0.1", help="address to serve on (default: loopback only)")
    start.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    start.set_defaults(func=cmd_start)

    test = sub.add_parser("test", help="set up if needed and run unit tests and every notebook")
    test.add_argument("pytest_args", nargs=argparse.REMAINDER, help="extra arguments for pytest")
    test.set_defaults(func=cmd_test)

    build = sub.add_parser("build", help="re-execute notebooks in place (for authors)")
    build.add_argument("notebooks", nargs="*", help="notebooks or sources to build (default: all)")
    build.add_argument("--record", action="store_true",
                       help="also record live lab results as offline fixtures")
    build.set_defaults(func=cmd_build)

    sub.add_parser("cleanup", help="remove leftovers of any course lab").set_defaults(func=cmd_cleanup)
    sub.add_parser("doctor", help="show lab mode and tools").set_defaults(func=cmd_doctor)
    bench = sub.add_parser("bench", help="run benchmark scripts")
    bench.add_argument("only", nargs="*", help="run only scripts whose name contains one of these")
    bench.set_defaults(func=cmd_bench)

    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
