"""Renderers used to turn labelled HTML pages into scrapes for training.

The package itself needs only inscriptis (``linesift.render``). For training, scrapes are also made
with the text browsers w3m and lynx (Debian packages), so the model learns what users' scrapes look
like whichever tool made them. Two more renderers measure how the model does on scrapes it was never
trained on: ``html-text`` (the html-text package, pip) and ``chromium`` (a browser's
``document.body.innerText``: the Debian packages chromium and chromium-driver, and selenium from pip).
Each renderer returns the dump as one string.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import shutil
import subprocess
import tempfile
from functools import lru_cache
from multiprocessing.util import Finalize
from pathlib import Path

from linesift.render import html_to_text

RENDER_TIMEOUT_SECONDS = 60


class RendererFailed(OSError):
    """A text browser that exited with an error or was killed: its dump may be cut short."""


def _run(argv: list[str], html: str) -> str:
    proc = subprocess.run(
        argv, input=html.encode("utf-8", "replace"), capture_output=True, timeout=RENDER_TIMEOUT_SECONDS
    )
    if proc.returncode:
        said = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        how = f"killed by signal {-proc.returncode}" if proc.returncode < 0 else f"exit status {proc.returncode}"
        raise RendererFailed(how + (f": {said[-1][:200]}" if said else ""))
    return proc.stdout.decode("utf-8", "replace")


def render_w3m(html: str) -> str:
    """w3m -dump with wide columns: one line per block, as in users' w3m dumps."""
    return _run(["w3m", "-dump", "-T", "text/html", "-cols", "10000", "-I", "UTF-8", "-O", "UTF-8"], html)


# lynx -stdin reads the page from a temporary file (a random directory, lynx's process id), whose name it prints
# where the page's <meta http-equiv="refresh"> reloads the page itself: "REFRESH(600 sec): file://localhost/tmp/
# lynxXXXXEato8O/L13398-6264TMP.html". One name for every run keeps the renders, and the recipe's model, the same.
LYNX_TEMP_FILE = re.compile(r"file://localhost/[^\s]*?lynxXXXX\w*/L\d+-\d+TMP\.html")
LYNX_STDIN_FILE = "file://localhost/stdin.html"


def stable_lynx_dump(dump: str) -> str:
    """``dump`` with lynx's temporary file named ``LYNX_STDIN_FILE``."""
    return LYNX_TEMP_FILE.sub(LYNX_STDIN_FILE, dump)


LYNX_ARGV = ["lynx", "-dump", "-stdin", "-width=1024", "-assume_charset=utf-8", "-display_charset=utf-8", "-nomargins",
             "-nolist"]


def render_lynx(html: str) -> str:
    """lynx -dump -nolist: lynx's layout (indented paragraphs, `*` bullets) without the link list. The page is
    sent as UTF-8 with a byte order mark, which lynx (as a browser) obeys over the page's own ``<meta>``
    charset: the text is already decoded, so a declared gb2312 or iso-8859-1 would garble it."""
    return stable_lynx_dump(_run(LYNX_ARGV, "\ufeff" + html.removeprefix("\ufeff")))


def render_lynx_declared(html: str) -> str:
    """lynx as the shipped model's training renders were made (0.19.4 and before): the page's ``<meta>``
    charset, where it declares one, read over ``-assume_charset``, which garbles the already decoded text of a
    page declaring another charset (129 of the recipe's lynx renders; data/EXPERIMENTS.md, thirty-seventh round)."""
    return stable_lynx_dump(_run(LYNX_ARGV, html))


def render_inscriptis_as_shipped(html: str) -> str:
    """inscriptis as the shipped model's training renders were made (0.19.6 and before): nothing after the page's
    ``</html>``, as libxml2 reads it (``render.html_to_text``'s ``after_end``; 22 of the corpora's 4,534 pages)."""
    return html_to_text(html, after_end=False)


def render_html_text(html: str) -> str:
    """html-text's ``extract_text`` with layout guessing (block elements on their own lines)."""
    import html_text

    # lone surrogates (broken escapes in a corpus record) cannot be encoded: replaced, as the other renderers do
    return html_text.extract_text(html.encode("utf-8", "replace").decode("utf-8"), guess_layout=True)


CHROMIUM_ARGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--host-resolver-rules=MAP * ~NOTFOUND",  # offline: a page's remote resources fail at once
                 "--blink-settings=imagesEnabled=false", "--window-size=1280,2000")


@lru_cache(maxsize=1)
def _chromium():
    """One headless Chromium per process, driven by selenium (quit at exit)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    for arg in CHROMIUM_ARGS:
        options.add_argument(arg)
    options.page_load_strategy = "eager"
    options.binary_location = shutil.which("chromium")
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.set_page_load_timeout(RENDER_TIMEOUT_SECONDS)
    # quit when the process ends, also in a worker of a process pool (where atexit handlers do not run)
    Finalize(None, _quit, args=(driver,), exitpriority=10)
    return driver


def _browser_errors() -> tuple[type[Exception], ...]:
    """What a browser that timed out, crashed or lost its driver raises (selenium's and urllib3's errors)."""
    from selenium.common.exceptions import WebDriverException
    from urllib3.exceptions import HTTPError

    return WebDriverException, HTTPError, OSError


def _quit(driver) -> None:
    try:
        driver.quit()
    except _browser_errors():  # already gone
        pass


def render_chromium(html: str) -> str:
    """A browser's ``document.body.innerText`` of the page, loaded from a file (a UTF-8 byte order mark
    overrides the page's own charset declaration, as the text is already decoded). No text when the page
    leaves its file (a redirect would read another page), times out or the browser fails; a failed browser
    is replaced by a new one for the next page."""
    with tempfile.NamedTemporaryFile("wb", suffix=".html", delete=False) as f:
        f.write(b"\xef\xbb\xbf" + html.removeprefix("\ufeff").encode("utf-8", "replace"))
    uri = Path(f.name).as_uri()
    try:
        driver = _chromium()
        driver.get(uri)
        text = driver.execute_script("return document.body ? document.body.innerText : ''") or ""
        return text if driver.current_url.split("#")[0] == uri else ""
    except _browser_errors():
        if _chromium.cache_info().currsize:
            _quit(_chromium())
        _chromium.cache_clear()
        return ""
    finally:
        os.unlink(f.name)


RENDERERS = {"w3m": render_w3m, "lynx": render_lynx, "inscriptis": html_to_text, "html-text": render_html_text,
             "chromium": render_chromium}


# the renderers whose renders changed since the shipped model's were made, as they were then (``as_shipped``)
AS_SHIPPED = {"lynx": render_lynx_declared, "inscriptis": render_inscriptis_as_shipped}


def available_renderers() -> list[str]:
    """Renderers usable on this machine (w3m, lynx and chromium need their binaries, html-text and
    chromium their pip packages)."""
    found = {"inscriptis": True, "w3m": bool(shutil.which("w3m")), "lynx": bool(shutil.which("lynx")),
             "html-text": importlib.util.find_spec("html_text") is not None,
             "chromium": bool(shutil.which("chromium") and shutil.which("chromedriver"))
             and importlib.util.find_spec("selenium") is not None}
    return [name for name in RENDERERS if found[name]]


# the binaries' version commands; the other renderers are Python packages of their own name (selenium, which only
# drives Chromium, is not the renderer)
_VERSION_COMMANDS = {"w3m": ["w3m", "-version"], "lynx": ["lynx", "-version"], "chromium": ["chromium", "--version"]}


def renderer_versions(names: list[str]) -> dict[str, str]:
    """The version of each of ``names`` on this machine ("unknown" where it cannot be read): renders, and the
    model trained on them, are the same only with the same renderers."""
    out = {}
    for name in names:
        try:
            if name in _VERSION_COMMANDS:
                proc = subprocess.run(_VERSION_COMMANDS[name], capture_output=True, text=True, timeout=10)
                out[name] = proc.stdout.splitlines()[0].split(",")[0].strip()
            else:
                out[name] = f"{name} {importlib.metadata.version(name)}"
        except (OSError, subprocess.TimeoutExpired, IndexError, importlib.metadata.PackageNotFoundError):
            out[name] = "unknown"
    return out


def unavailable(names: list[str]) -> str | None:
    """The one-line error for the first of ``names`` this machine cannot render with, or None."""
    usable = available_renderers()
    missing = [name for name in names if name not in usable]
    return f"renderer {missing[0]!r} is not available here (available: {', '.join(usable)})" if missing else None


def render_checked(html: str, renderer: str, as_shipped: bool = False) -> tuple[str, str | None]:
    """Render ``html`` with the named renderer: ``(text, None)``, or ``("", what went wrong)`` when the
    renderer fails (exits with an error, is killed) or takes over ``RENDER_TIMEOUT_SECONDS``. ``as_shipped``:
    lynx and inscriptis as the shipped model's pages were rendered (``AS_SHIPPED``)."""
    render = AS_SHIPPED.get(renderer, RENDERERS[renderer]) if as_shipped else RENDERERS[renderer]
    try:
        return render(html), None
    except subprocess.TimeoutExpired:
        return "", f"{renderer} took over {RENDER_TIMEOUT_SECONDS} s"
    except OSError as err:
        return "", f"{renderer} failed ({err.strerror or err})"


def render(html: str, renderer: str) -> str:
    """Render ``html`` with the named renderer; an empty string when the renderer fails."""
    return render_checked(html, renderer)[0]
