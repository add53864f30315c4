"""Binder launches the course in offline mode, with the course's own pinned packages.

repo2docker (what Binder builds images with) is not installed in the course's environment, so its
rules are written out here: which folder it reads, which build pack it picks, how it parses
runtime.txt and apt.txt, and how it runs postBuild and start. The scripts are then run for real,
with stand-ins for pip and python where they would touch the network or this environment.
"""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
# What makes repo2docker pick another build pack than Python's (checked before it, in its order).
OTHER_BUILD_PACKS = ("Dockerfile", "Project.toml", "REQUIRE", "default.nix", "install.R", "DESCRIPTION",
                     "environment.yml", "Pipfile", "Pipfile.lock")
SUPPORTED_PYTHONS = ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14")  # repo2docker 2026.4


def test_binder_folder_is_the_one_repo2docker_reads():
    # With a binder/ folder, repo2docker ignores every configuration file at the top level, so the
    # instructors' Dockerfile there does not turn Binder's build into a Docker build.
    assert BINDER.is_dir() and not (ROOT / ".binder").exists()
    assert (ROOT / "Dockerfile").exists()
    for name in OTHER_BUILD_PACKS:
        assert not (BINDER / name).exists(), f"binder/{name} would make repo2docker use another build pack"
    assert (BINDER / "requirements.txt").exists()
    # Offline mode needs no system package beyond repo2docker's base image, so there is no apt.txt.
    assert not (BINDER / "apt.txt").exists()


def test_runtime_is_a_python_repo2docker_supports():
    text = (BINDER / "runtime.txt").read_text().strip()
    parts = text.split("-")  # repo2docker: name-version, or name-version-YYYY-MM-DD
    assert len(parts) == 2 and all(parts), text
    name, version = parts
    assert name == "python" and version in SUPPORTED_PYTHONS
    course_minimum = (3, 11)  # course.py's MIN_PYTHON
    assert tuple(int(p) for p in version.split(".")) >= course_minimum


def test_requirements_are_the_courses_pinned_list():
    lines = [line.split("#", 1)[0].strip() for line in (BINDER / "requirements.txt").read_text().splitlines()]
    lines = [line for line in lines if line]
    includes = [line for line in lines if line.startswith("-r ")]
    assert includes == ["-r ../requirements.txt"]  # pip resolves it next to binder/requirements.txt
    assert (BINDER / "../requirements.txt").resolve() == ROOT / "requirements.txt"
    course = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            requirement = Requirement(line)
            assert str(requirement.specifier).startswith("=="), f"{line} is not pinned exactly"
            course[requirement.name.lower().replace("_", "-")] = requirement
    extra = [Requirement(line) for line in lines if not line.startswith("-")]
    for requirement in extra:  # only what Binder's base environment needs besides the course
        name = requirement.name.lower()
        assert name not in course, f"{name} is pinned in the course's list already"
        assert str(requirement.specifier).startswith("=="), requirement
    assert [r.name for r in extra] == ["notebook"]
    # repo2docker installs a requirements file with local references after copying the repository
    assert any(line.startswith(("-r", "-c")) for line in lines)


def executable_script(name: str) -> Path:
    path = BINDER / name
    assert path.stat().st_mode & stat.S_IXUSR, f"binder/{name} must be executable"
    assert path.read_text().startswith("#!/bin/bash\n")
    subprocess.run(["bash", "-n", str(path)], check=True)  # it parses
    return path


def test_start_chooses_offline_mode_and_runs_the_command(tmp_path):
    start = executable_script("start")
    assert start.read_text().rstrip().endswith('exec "$@"')
    env = {k: v for k, v in os.environ.items() if not k.startswith("NETCOURSE_")}
    env.update(BINDER_LAUNCH_HOST="https://mybinder.org/", BINDER_REPO_URL="https://example.org/course",
               HOME=str(tmp_path), MPLBACKEND="Agg")
    done = subprocess.run([str(start), sys.executable, "-c", "import helpers; helpers.setup()"],
                          cwd=ROOT / "notebooks", env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    first_line = done.stdout.splitlines()[0]
    assert first_line.startswith("Lab mode: offline, replaying recorded experiments"), first_line
    # a Binder session is offline even as root with every capability, as a live lab there is impossible
    assert subprocess.run([str(start), "sh", "-c", 'test "$NETCOURSE_LAB_MODE" = offline'], env=env).returncode == 0


def test_post_build_installs_helpers_and_opens_the_first_lesson(tmp_path):
    post_build = executable_script("postBuild")
    assert "set -euo pipefail" in post_build.read_text()
    # Stand-ins record what postBuild asks of python and pip (the real ones would reach PyPI).
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.log"
    (bin_dir / "python").write_text(f'#!/bin/sh\necho "python $*" >> {log}\n')
    (bin_dir / "python").chmod(0o755)
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ, PATH=f"{bin_dir}:/usr/bin:/bin", HOME=str(home))
    done = subprocess.run([str(post_build)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    calls = log.read_text().splitlines()
    assert calls[0] == "python -m pip install --no-cache-dir --no-deps --no-build-isolation -e ."
    assert calls[1] == "python -c import matplotlib.pyplot"
    config = (home / ".jupyter" / "jupyter_server_config.py").read_text()
    namespace = {"c": type("Config", (), {})()}
    namespace["c"].ServerApp = type("ServerApp", (), {})()
    exec(config, namespace)  # valid Python that sets the default URL
    url = namespace["c"].ServerApp.default_url
    assert url.startswith("/lab/tree/")
    assert (ROOT / url.removeprefix("/lab/tree/")).is_file(), url
    assert url.endswith("notebooks/00-start-here.ipynb")
