"""The ``linesift`` program's entry point: load the CLI quietly under Ctrl-C, then run it.

Loading the CLI's modules takes a third of a second; a Ctrl-C then would print the traceback of a
KeyboardInterrupt inside an import. While they load, Ctrl-C exits 130 at once instead (nothing is open yet);
once they are loaded, Python's handler is back and the commands catch KeyboardInterrupt themselves. Only the
program does this (``[project.scripts]``, ``python -m linesift``): importing ``linesift.cli`` leaves signals
alone.
"""

from __future__ import annotations

import os
import signal
import sys
import threading


def _interrupted_while_loading(signum, frame) -> None:
    os._exit(130)


def load():
    """``linesift.cli.main``, imported with Ctrl-C exiting 130 meanwhile, where Ctrl-C is Python's own (in the
    main thread; a handler of the caller's, or SIGINT ignored as in a shell's background job, is left as it
    is); Python's handler is back after, whether the import worked or not."""
    quiet = (threading.current_thread() is threading.main_thread()
             and signal.getsignal(signal.SIGINT) is signal.default_int_handler)
    if quiet:
        signal.signal(signal.SIGINT, _interrupted_while_loading)
    try:
        from linesift.cli import main
    finally:
        if quiet:
            signal.signal(signal.SIGINT, signal.default_int_handler)
    return main


def main() -> None:
    try:
        load()()
    except KeyboardInterrupt:  # in the few ms between loading and the command's own handling of Ctrl-C
        sys.exit(130)
