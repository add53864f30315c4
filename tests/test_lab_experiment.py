"""The base of the lessons' lab classes: a failure while starting leaves nothing running."""
from __future__ import annotations

import pytest

from helpers.lab import Lab
from helpers.lab.experiment import LabExperiment
from tests.conftest import live_mode_or_skip


class Broken(LabExperiment):
    def __init__(self):
        self.lab = Lab("99-broken-start")
        self.lab.host("h1")
        self.stopped_programs = False

    def _started(self):
        raise RuntimeError("the program on top of the lab failed")

    def _stopping(self):
        self.stopped_programs = True


def test_a_failed_start_stops_the_lab_and_stop_always_reaches_the_lab():
    live_mode_or_skip()
    broken = Broken()
    with pytest.raises(RuntimeError):
        with broken:
            pass
    assert not broken.lab.running
