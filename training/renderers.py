"""Renderers used to turn labelled HTML pages into scrapes for training.

The package itself needs only inscriptis (``linesift.render``). For training, scrapes are also made
with the text browsers w3m and lynx (Debian packages), so the model learns what users' scrapes look
like whichever tool made them. Each renderer returns the dump as one string.
"""

from __future__ import annotations

import shutil
import subprocess

from linesift.render import html_to_text

RENDER_TIMEOUT_SECONDS = 60


def _run(argv: list[str], html: str) -> str:
    proc = subprocess.run(
        argv, input=html.encode("utf-8", "replace"), capture_output=True, timeout=RENDER_TIMEOUT_SECONDS
    )
    return proc.stdout.decode("utf-8", "replace")


def render_w3m(html: str) -> str:
    """w3m -dump with wide columns: one line per block, as in users' w3m dumps."""
    return _run(["w3m", "-dump", "-T", "text/html", "-cols", "10000", "-I", "UTF-8", "-O", "UTF-8"], html)


def render_lynx(html: str) -> str:
    """lynx -dump -nolist: lynx's layout (indented paragraphs, `*` bullets) without the link list."""
    return _run(
        ["lynx", "-dump", "-stdin", "-width=1024", "-assume_charset=utf-8", "-display_charset=utf-8",
         "-nomargins", "-nolist"],
        html,
    )


RENDERERS = {"w3m": render_w3m, "lynx": render_lynx, "inscriptis": html_to_text}


def available_renderers() -> list[str]:
    """Renderers usable on this machine (w3m and lynx need their binaries)."""
    return [name for name in RENDERERS if name == "inscriptis" or shutil.which(name)]


def render(html: str, renderer: str) -> str:
    """Render ``html`` with the named renderer; an empty string when the renderer fails."""
    try:
        return RENDERERS[renderer](html)
    except (subprocess.TimeoutExpired, OSError):
        return ""
