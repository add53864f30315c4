"""Errors a learner can fix.

Every helper that rejects input raises a ``CourseError`` whose message is one sentence naming the
mistake and the fix. ``helpers.setup()`` tells IPython to show these as that sentence alone, with
no traceback, because the traceback points into helper code the learner did not write.
"""
from __future__ import annotations



class CourseError(Exception):
    """A mistake the learner can fix; str(error) is one sentence saying what and how."""


class InputError(CourseError, ValueError):
    """A value the learner typed is not usable."""


def format_error(error: BaseException) -> str:
    return f"⚠ {error}"


def _show_course_error(shell, etype, value, tb, tb_offset=None):
    from helpers.display import Box, show

    show(Box(format_error(value), "error"))


def install_notebook_handler() -> bool:
    """In IPython, show CourseError as its sentence; return False outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc((CourseError,), _show_course_error)
    return True
