"""Small display building blocks shared by checks, errors and lab outputs.

Each returns (or displays) a MIME bundle with both text/plain and text/html, so a notebook looks
good in JupyterLab and its outputs stay readable (and comparable by nbval) as plain text.
"""
from __future__ import annotations

import html

BOX_STYLES = {
    "ok": ("#15803d", "#f0fdf4", "#14532d"),
    "hint": ("#d97706", "#fff7ed", "#7c2d12"),
    "error": ("#dc2626", "#fef2f2", "#7f1d1d"),
    "info": ("#2563eb", "#eff6ff", "#1e3a8a"),
}


class Box:
    """A coloured note: ``Box("text", "ok")`` shows green in a notebook and plain text elsewhere."""

    def __init__(self, text: str, kind: str = "info"):
        if kind not in BOX_STYLES:
            raise ValueError(f"kind must be one of {sorted(BOX_STYLES)}")
        self.text = text
        self.kind = kind

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        border, background, color = BOX_STYLES[self.kind]
        body = html.escape(self.text).replace("\n", "<br>")
        return (f'<div style="border-left:4px solid {border};background:{background};'
                f'padding:6px 10px;margin:2px 0;color:{color}">{body}</div>')


def show(obj) -> None:
    """display() inside IPython, print() elsewhere (scripts and tests)."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        print(repr(obj))
        return
    if get_ipython() is None:
        print(repr(obj))
    else:
        display(obj)


class Terminal:
    """A command and its output, shown the way a terminal would: ``$ ip neigh`` then the lines."""

    def __init__(self, command: str, output: str, prompt: str = "$"):
        self.command = command
        self.output = output.rstrip("\n")
        self.prompt = prompt

    def __repr__(self) -> str:
        head = f"{self.prompt} {self.command}"
        return f"{head}\n{self.output}" if self.output else head

    def _repr_html_(self) -> str:
        return ('<pre style="background:#0f172a;color:#e2e8f0;padding:8px 10px;border-radius:4px;'
                f'line-height:1.35"><span style="color:#86efac">{html.escape(self.prompt)} '
                f'{html.escape(self.command)}</span>\n{html.escape(self.output)}</pre>')
