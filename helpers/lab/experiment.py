"""A lesson's lab with its own probes: the base class the lessons' experiment classes share.

A subclass builds ``self.lab`` (a helpers.lab.Lab) in ``__init__`` and adds what the lesson needs
(a load balancer, a name server, an edge cache ...). Starting, stopping, ``with``, the drawing and
the recipe pass through to the lab; ``_started`` and ``_stopping`` are the hooks for the programs
the subclass runs on top of it.
"""
from __future__ import annotations

from typing import TypeVar

from helpers.lab.topology import Lab

Self = TypeVar("Self", bound="LabExperiment")


class LabExperiment:
    lab: Lab

    def start(self: Self) -> Self:
        self.lab.start()
        try:
            self._started()
        except BaseException:
            self.lab.stop()  # nothing half-built is left behind
            raise
        return self

    def stop(self) -> None:
        try:
            self._stopping()
        finally:
            self.lab.stop()

    def _started(self) -> None:
        """Start the experiment's own programs once the lab is up (nothing by default)."""

    def _stopping(self) -> None:
        """Forget the experiment's programs: they end with the lab (nothing by default)."""

    def __enter__(self: Self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        return repr(self.lab)

    def recipe(self):
        return self.lab.recipe()

    def draw(self):
        return self.lab.draw()
