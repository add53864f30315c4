"""Shared helpers for the course notebooks.

Every lesson starts with::

    import helpers
    helpers.setup()

which makes the lesson repeatable (fixed seeds, one plot style, quiet scapy) and says in one line
whether the live network labs run on this machine.
"""
from __future__ import annotations

import logging
import random

__all__ = ["setup", "lab_mode"]

SEED = 2024

# One clean look for every plot in the course.
PLOT_STYLE = {
    "figure.figsize": (8, 4),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
    "image.cmap": "viridis",
    "svg.hashsalt": "netcourse",
}


def _quiet_scapy() -> None:
    for name in ("scapy", "scapy.runtime", "scapy.loading", "scapy.interactive"):
        logging.getLogger(name).setLevel(logging.ERROR)


def setup(seed: int = SEED, *, quiet: bool = False) -> None:
    """Prepare a lesson: seeds, plot style, quiet scapy; print the lab mode in one line."""
    random.seed(seed)
    try:
        import numpy
        numpy.random.seed(seed)
    except ImportError:  # numpy comes with matplotlib; a bare install still works
        pass
    import matplotlib
    import matplotlib.pyplot as plt

    plt.style.use("default")
    matplotlib.rcParams.update(PLOT_STYLE)
    _quiet_scapy()
    from helpers.errors import install_notebook_handler

    install_notebook_handler()
    # Instructor mode (helpers/instructor.py): on with NETCOURSE_INSTRUCTOR=1 or instructor.enable();
    # it re-applies projector sizes after the style reset above. Off, it adds nothing to the line.
    from helpers.instructor import setup_hook

    instructor_note = setup_hook()
    if not quiet:
        print(lab_mode().one_line() + instructor_note)


def lab_mode():
    """The lab mode of this machine (live as root, live rootless, or offline); detected once."""
    from helpers.lab.backends import detect_mode

    return detect_mode()
