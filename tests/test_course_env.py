"""course.py's environment stamp: each command installs exactly what it lacks, and no more."""
from __future__ import annotations

import importlib.util
import subprocess

import pytest

from tools import notebooks as nbtools


@pytest.fixture
def course(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("course_under_test", nbtools.ROOT / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    python = tmp_path / "venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("")
    monkeypatch.setattr(module, "venv_python", lambda: python)
    monkeypatch.setattr(module, "STAMP", tmp_path / "venv" / ".stamp")
    monkeypatch.setattr(module, "install_system_packages", lambda wanted: None)
    module.pip_runs = []

    def fake_run(argv, *args, **kwargs):
        module.pip_runs.append([a for a in argv if a.endswith(".txt")])
        return subprocess.CompletedProcess(argv, 0)

    monkeypatch.setattr(module.subprocess, "run", fake_run)
    return module


def installs(course, *, for_tests: bool) -> list[str]:
    course.pip_runs.clear()
    course.ensure_environment(for_tests=for_tests)
    return [name.rsplit("/", 1)[-1] for run in course.pip_runs for name in run]


def test_tests_install_the_aws_extra_and_then_start_needs_nothing(course):
    assert installs(course, for_tests=True) == ["requirements.txt", "requirements-aws.txt"]
    assert installs(course, for_tests=False) == []  # the tests' set-up includes the course's
    assert installs(course, for_tests=True) == []


def test_start_first_then_tests_add_the_extra(course):
    assert installs(course, for_tests=False) == ["requirements.txt"]
    assert installs(course, for_tests=False) == []
    assert installs(course, for_tests=True) == ["requirements.txt", "requirements-aws.txt"]


def test_a_changed_requirement_file_installs_again(course, monkeypatch):
    installs(course, for_tests=True)
    original = course.environment_fingerprint
    monkeypatch.setattr(course, "environment_fingerprint", lambda for_tests: original(for_tests) + "-changed")
    assert installs(course, for_tests=False) == ["requirements.txt"]
    assert installs(course, for_tests=True) == ["requirements.txt", "requirements-aws.txt"]
