"""The linesift command in a pipe and at the edges of its output: closed pipes, devices and FIFOs, Ctrl-C,
stdin for every command. Some run the command as a real process (``python -m linesift``)."""

from __future__ import annotations

import io
import json
import os
import random
import signal
import select
import stat
import subprocess
import sys
import threading
import time
from contextlib import nullcontext
from pathlib import Path

import pytest

from conftest import PAGES_DIR
from linesift.cli import app

PAGE = "Home\nNews\n\nThe council met on Tuesday to agree on the budget for the harbour.\n\n© 2026 Example\n"


def corpus(path: Path, n: int) -> Path:
    """A JSONL corpus of ``n`` small pages with urls (two sites)."""
    rows = [json.dumps({"url": f"https://s{i % 2}.example/{i}", "text": PAGE}) for i in range(n)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def written(folder: Path) -> bool:
    """Whether some file in ``folder`` (the run's temporary output) holds data yet."""
    try:
        return any(p.stat().st_size for p in folder.iterdir())
    except FileNotFoundError:  # renamed between listing and stat
        return True


def _default_hangup() -> None:
    """SIGHUP as a terminal session would have it, also where the tests themselves run under ``nohup``, whose
    ignored SIGHUP linesift keeps ignored (as it should)."""
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_DFL)


def linesift_process(*args, **kwargs) -> subprocess.Popen:
    if os.name == "posix":
        kwargs.setdefault("preexec_fn", _default_hangup)
    return subprocess.Popen([sys.executable, "-m", "linesift", *map(str, args)], **kwargs)


def wait_until(ready, proc: subprocess.Popen) -> None:
    """Poll ``ready()`` while ``proc`` runs; fail if it exits first or after 60 s."""
    deadline = time.monotonic() + 60
    while not ready():
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.05)


def reader_leaves(*args, lines: int = 1) -> tuple[list[bytes], int, bytes]:
    """Run linesift with ``args`` and close its stdout after reading ``lines`` lines, as ``| head -1`` does
    (0: at once): the lines read, its exit status and its stderr."""
    proc = linesift_process(*args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    read = [proc.stdout.readline() for _ in range(lines)]
    proc.stdout.close()
    stderr = proc.stderr.read()
    return read, proc.wait(timeout=120), stderr


@pytest.mark.skipif(os.name != "posix", reason="SIGPIPE's exit status is POSIX")
def test_a_closed_stdout_pipe_stops_quietly(model_file, tmp_path):
    source = corpus(tmp_path / "c.jsonl", 3000)  # far more output than a pipe buffer holds
    read, status, stderr = reader_leaves("predict", "--model", model_file, "-f", "tsv", "--jobs", "2", source)
    assert read[0].split(b"\t")[0] in (b"content", b"boilerplate")
    assert (status, stderr) == (141, b"")


POSIX_ONLY = pytest.mark.skipif(os.name != "posix", reason="process groups, signals and FIFOs are POSIX")


@POSIX_ONLY
def test_ctrl_c_with_workers_exits_130_without_tracebacks_or_temporary_files(model_file, tmp_path):
    source = corpus(tmp_path / "c.jsonl", 50000)  # far longer to score than the test waits
    out = tmp_path / "out" / "o.jsonl"
    out.parent.mkdir()
    proc = linesift_process("predict", "--model", model_file, "-f", "jsonl", "--jobs", "2", "-o", out, source,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # even if ours is ignored
    wait_until(lambda: written(out.parent), proc)  # scoring has begun: results are being written
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground process group
    try:
        _, stderr = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:  # a hang fails the test instead of stalling the suite
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    assert proc.returncode == 130
    assert b"Traceback" not in stderr
    assert list(out.parent.iterdir()) == []


ABANDONED_POOL = """
import atexit, multiprocessing, time
from concurrent.futures import ProcessPoolExecutor
from linesift import batch, cli
pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork"))
pool.submit(int).result()
batch._kill_workers(pool)  # as a run stopped early leaves its pool
batch.ABANDONED_POOLS.append(pool)
while pool._executor_manager_thread.is_alive():  # the pool broken, its thread ends by itself
    time.sleep(0.01)
atexit.register(print, "the interpreter's exit ran")
try:
    raise SystemExit(130)
except SystemExit as done:
    cli._leave_abandoned_workers(done.code)
"""


def test_pools_left_by_an_earlier_command_in_this_process_do_not_end_the_next_at_once(monkeypatch, capsys):
    from linesift import __version__, batch, cli

    monkeypatch.setattr(batch, "ABANDONED_POOLS", [object()])  # left by a command run before in this process
    monkeypatch.setattr(cli.os, "_exit", lambda code: pytest.fail(f"os._exit({code}) ended the process"))
    monkeypatch.setattr(cli.sys, "argv", ["linesift", "--version"])
    with pytest.raises(SystemExit) as done:
        cli.main()
    assert (done.value.code, capsys.readouterr().out) == (0, f"linesift {__version__}\n")


@POSIX_ONLY
def test_a_run_that_left_a_pool_behind_ends_at_once_even_where_its_thread_has_ended():
    proc = subprocess.run([sys.executable, "-c", ABANDONED_POOL], capture_output=True, timeout=60)
    assert (proc.returncode, proc.stdout, proc.stderr) == (130, b"", b"")


def test_ctrl_c_in_the_site_table_pass_leaves_no_temporary_file(runner, tmp_path, monkeypatch):
    import linesift.batch

    def interrupted(items, **options):
        raise KeyboardInterrupt

    monkeypatch.setattr(linesift.batch, "build_table", interrupted)
    source = corpus(tmp_path / "c.jsonl", 3)
    result = runner.invoke(app, ["predict", "-o", str(tmp_path / "o.jsonl"), str(source)])  # the shipped model
    assert (result.exit_code, result.stderr) == (130, "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl"]


def worker_handlers(model, inherited=None) -> tuple:
    """The SIGINT and SIGTERM handlers a worker sets up (``_init_worker``), this process's restored after;
    ``inherited``: a SIGTERM handler the worker starts with, as a fork inherits the parent's."""
    from linesift.batch import _init_worker

    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        if inherited is not None:
            signal.signal(signal.SIGTERM, inherited)
        _init_worker(model, None, "text", None)
        return signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    finally:
        signal.signal(signal.SIGINT, before[0])
        signal.signal(signal.SIGTERM, before[1])


# the program's loading of the CLI (`linesift.launch.load`), with Ctrl-C as an interactive shell starts it (not
# ignored, whatever started the tests) and a hook on the lookup of `linesift.inputs`, one of the CLI's imports
_LOADING = """
import os, signal, sys
signal.signal(signal.SIGINT, signal.{start})
class Hook:
    def find_spec(self, name, path=None, target=None):
        if name == "linesift.inputs":
            {hook}
        return None
sys.meta_path.insert(0, Hook())
import linesift.launch
try:
    linesift.launch.load()
except ImportError:
    pass
print(signal.getsignal(signal.SIGINT) is signal.{start})
"""


def loading(start: str = "default_int_handler", hook: str = "pass") -> subprocess.CompletedProcess:
    code = _LOADING.format(start=start, hook=hook)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


def test_ctrl_c_while_the_program_loads_the_cli_exits_130_without_a_traceback():
    proc = loading(hook="os.kill(os.getpid(), signal.SIGINT)")
    assert (proc.returncode, proc.stdout, proc.stderr) == (130, "", "")


@pytest.mark.parametrize("start, hook", [("default_int_handler", "pass"), ("SIG_IGN", "pass"),
                                         ("default_int_handler", "raise ImportError('no typer')")])
def test_loading_the_cli_gives_ctrl_c_back_as_it_was(start, hook):
    assert (loading(start, hook).returncode, loading(start, hook).stdout) == (0, "True\n")


def test_importing_the_cli_module_leaves_ctrl_c_alone():
    code = ("import signal\nmine = lambda *a: None\nsignal.signal(signal.SIGINT, mine)\nimport linesift.cli\n"
            "print(signal.getsignal(signal.SIGINT) is mine)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stdout) == (0, "True\n")


def test_workers_leave_ctrl_c_to_the_parent(tiny_model):
    assert worker_handlers(tiny_model)[0] is signal.SIG_IGN


@POSIX_ONLY
def test_output_to_a_fifo_is_written_in_place(runner, model_file, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)  # never hangs pytest
    reader.start()
    result = runner.invoke(app, ["predict", "--model", str(model_file), "-f", "tsv", "-o", str(fifo), str(page)])
    reader.join(timeout=30)
    expected = runner.invoke(app, ["predict", "--model", str(model_file), "-f", "tsv", str(page)]).stdout
    assert result.exit_code == 0
    assert received == [expected.encode("utf-8")]
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still a FIFO, not replaced by a file


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_a_full_device_is_a_one_line_error(runner, model_file, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    result = runner.invoke(app, ["predict", "--model", str(model_file), "-o", "/dev/full", str(page)])
    assert result.exit_code == 1
    assert result.stderr == "Error: /dev/full: cannot write (No space left on device)\n"
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_the_program_says_a_usage_error_on_one_line():
    proc = linesift_process("predict", "--jobs", "0", "--bogus", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stdout, stderr = proc.communicate(timeout=120)
    assert (proc.returncode, stdout) == (2, b"")
    assert stderr.decode() == ("Error: No such option: --bogus (Possible options: --jobs, --verbose); "
                               "see 'python -m linesift predict -h'\n")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize("args", [["info"], ["--version"], ["predict", "--help"]])
def test_results_to_a_full_stdout_are_a_one_line_error(args):
    with open("/dev/full", "w") as full:
        proc = linesift_process(*args, stdout=full, stderr=subprocess.PIPE)
        _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert stderr.decode() == "Error: stdout: cannot write (No space left on device)\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_train_whose_stderr_cannot_be_written_still_writes_its_model_and_prints_its_scores(tmp_path):
    data = tmp_path / "pages"
    data.mkdir()
    for i, story in enumerate(["The council met on Tuesday to agree the budget.", "The ferry ran late again today."]):
        (data / f"p{i}.tsv").write_text(f"boilerplate\tHome\nboilerplate\tNews\ncontent\t{story}\n", encoding="utf-8")
    with open("/dev/full", "w") as full:  # its logs ("training on 2 pages ...") cannot be written
        proc = linesift_process("train", data, "-o", tmp_path / "m.model", "--cv", "2", stdout=subprocess.PIPE,
                                stderr=full)
        stdout, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0
    assert stdout.decode().startswith("cross-validated (2 folds by site, 2 pages, 2 sites)")
    assert (tmp_path / "m.model").is_file()


@POSIX_ONLY
@pytest.mark.parametrize("command", ["predict", "info"])
def test_a_closed_stdout_is_a_one_line_error(model_file, tmp_path, command):
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    args = ["predict", "--model", model_file, page] if command == "predict" else ["info", model_file]
    proc = linesift_process(*args, stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1))
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert stderr.decode() == "Error: stdout is closed; give it somewhere to write (a file, a pipe or /dev/null)\n"


@POSIX_ONLY
@pytest.mark.parametrize("command, said", [
    (["train", "-", "-o", "m.model"], "Error: -: cannot read (no stdin: it is closed)\n"),
    (["evaluate", "MODEL", "-"], "Error: -: cannot read (no stdin: it is closed)\n"),
    (["import", "-", "-o", "i.jsonl"], "Error: -: cannot import (no stdin: it is closed)\n"),
    (["predict", "--model", "MODEL", "-"], "Error: -: no stdin (it is closed)\n"),
])
def test_a_closed_stdin_is_a_one_line_error(model_file, tmp_path, command, said):
    args = [str(model_file) if arg == "MODEL" else arg for arg in command]
    proc = linesift_process(*args, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: os.close(0))
    stdout, stderr = proc.communicate(timeout=120)
    assert (proc.returncode, stdout, stderr.decode()) == (1, b"", said)
    assert list(tmp_path.iterdir()) == []


@POSIX_ONLY
def test_a_closed_stdout_is_no_matter_with_an_output_file(model_file, tmp_path):
    page, out = tmp_path / "page.txt", tmp_path / "out.tsv"
    page.write_text(PAGE, encoding="utf-8")
    proc = linesift_process("predict", "--model", model_file, "-f", "tsv", "-o", out, page,
                            stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1))
    assert proc.communicate(timeout=120)[1] == b""
    assert proc.returncode == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(PAGE.splitlines())


@pytest.mark.parametrize("args", [["predict", ""], ["predict", "page.txt", "-o", ""], ["predict", "-m", "", "page.txt"],
                                  ["train", "page.tsv", "--output", ""]])
def test_an_empty_argument_is_refused_before_any_work(monkeypatch, tmp_path, capsys, args):
    from linesift.cli import main

    monkeypatch.chdir(tmp_path)  # "" as a path would read (or write in) this directory
    (tmp_path / "page.txt").write_text(PAGE, encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["linesift", *args])
    monkeypatch.setattr(sys.modules["__main__"], "__package__", None)  # run as the console script, not pytest's -m
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2
    assert capsys.readouterr() == ("", "Error: an empty argument (an unset shell variable?) where a path or value goes; "
                                   f"see 'linesift {args[0]} -h'\n")


@POSIX_ONLY
def test_help_to_a_closed_stdout_is_a_one_line_error():
    proc = linesift_process("--help", stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1))
    _, stderr = proc.communicate(timeout=120)
    assert (proc.returncode, stderr.decode()) == (
        1, "Error: stdout is closed; give it somewhere to write (a file, a pipe or /dev/null)\n")


@POSIX_ONLY
def test_import_to_a_full_disk_names_its_output_and_leaves_nothing(tmp_path):
    import resource

    def no_file_growth():  # as a full disk: a write past 0 bytes fails with EFBIG
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))

    corpus, out = tmp_path / "c.jsonl", tmp_path / "out.jsonl"
    corpus.write_text(json.dumps({"id": "a", "html": "<p>The council met.</p>", "main_content": "The council met."})
                      + "\n", encoding="utf-8")
    proc = linesift_process("import", corpus, "-o", out, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=no_file_growth)
    stdout, stderr = proc.communicate(timeout=120)
    assert (proc.returncode, stdout, stderr.decode()) == (1, b"", f"Error: {out}: cannot write (File too large)\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl"]


def limited_memory():  # 2 GB of address space: a run that reads an endless input whole fails, not the machine
    import resource

    _default_hangup()
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
@pytest.mark.parametrize(("args", "stdin", "said"), [
    (["predict", "-m", "MODEL", "/dev/zero"], subprocess.DEVNULL, "Error: /dev/zero: not a text file\n"),
    (["predict", "-m", "MODEL", "-"], "/dev/zero", "Error: -: not a text file\n"),
    (["train", "/dev/zero", "-o", "OUT"], subprocess.DEVNULL, "Error: /dev/zero:1: a NUL byte (not a text file?)\n"),
    (["evaluate", "MODEL", "/dev/zero"], subprocess.DEVNULL, "Error: /dev/zero:1: a NUL byte (not a text file?)\n"),
    (["predict", "-m", "MODEL", "--input-format", "jsonl", "/dev/zero"], subprocess.DEVNULL,
     "Error: /dev/zero:1: not a text file\n"),
    (["predict", "-m", "MODEL", "--input-format", "jsonl", "-"], "/dev/zero", "Error: -:1: not a text file\n"),
    (["import", "/dev/zero", "-o", "CORPUS"], subprocess.DEVNULL, "Error: /dev/zero:1: not a text file\n"),
    (["import", "-", "-o", "CORPUS"], "/dev/zero", "Error: -:1: not a text file\n"),
], ids=["predict", "predict-stdin", "train", "evaluate", "predict-jsonl", "predict-jsonl-stdin", "import",
        "import-stdin"])
def test_an_endless_binary_input_is_told_from_its_start_not_read_to_the_end_of_memory(model_file, tmp_path, args,
                                                                                     stdin, said):
    args = [{"MODEL": model_file, "OUT": tmp_path / "x.model", "CORPUS": tmp_path / "x.jsonl"}.get(a, a)
            for a in args]
    with open(stdin, "rb") if isinstance(stdin, str) else nullcontext(stdin) as given:
        proc = linesift_process(*args, stdin=given, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                preexec_fn=limited_memory)
        stdout, stderr = proc.communicate(timeout=120)
    assert (proc.returncode, stdout, stderr.decode()) == (1, b"", said)


def one_page_corpus(path: Path) -> Path:
    path.write_text(json.dumps({"id": "a", "html": "<p>The council met.</p>", "main_content": "The council met."})
                    + "\n", encoding="utf-8")
    return path


@POSIX_ONLY
@pytest.mark.parametrize("command", ["train", "import"])
def test_train_and_import_with_stdout_closed_fail_before_the_work(tmp_path, command):
    data = PAGES_DIR if command == "train" else one_page_corpus(tmp_path / "c.jsonl")
    out = tmp_path / ("m.model" if command == "train" else "out.jsonl")
    proc = linesift_process(command, data, "-o", out, stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1))
    _, stderr = proc.communicate(timeout=120)
    assert (proc.returncode, stderr.decode()) == (
        1, "Error: stdout is closed; give it somewhere to write (a file, a pipe or /dev/null)\n")
    assert not out.exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize("command", ["train", "import"])
def test_train_and_import_whose_results_cannot_be_printed_leave_no_file(tmp_path, command):
    data = PAGES_DIR if command == "train" else one_page_corpus(tmp_path / "c.jsonl")
    out = tmp_path / ("m.model" if command == "train" else "out.jsonl")
    with open("/dev/full", "w") as full:
        proc = linesift_process(command, data, "--trees" if command == "train" else "-j", "10" if command == "train"
                                else "1", "-o", out, stdout=full, stderr=subprocess.PIPE)
        _, stderr = proc.communicate(timeout=300)
    assert (proc.returncode, stderr.decode().splitlines()[-1]) == (
        1, "Error: stdout: cannot write (No space left on device)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ([] if command == "train" else ["c.jsonl"])


def test_an_empty_option_value_is_not_an_empty_argument(model_file, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    proc = linesift_process("predict", "--model", model_file, "--site-field", "", "-f", "tsv", page,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stdout, stderr = proc.communicate(timeout=120)
    assert (proc.returncode, stdout) == (2, b"")  # said as the option's own error, not as an empty path
    assert stderr == (b"Error: --site-field is empty (an unset shell variable?); name the field; see 'python -m "
                      b"linesift predict -h'\n")


def test_a_read_error_on_labelled_stdin_is_named(monkeypatch):
    import io

    from linesift.training.labelled import LabelledDataError, read_labelled_stdin

    class Reset(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            raise ConnectionResetError(104, "Connection reset by peer")

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(Reset())))
    with pytest.raises(LabelledDataError, match=r"^-: cannot read \(Connection reset by peer\)$"):
        read_labelled_stdin()


def test_evaluate_reads_labelled_pages_from_stdin(runner, model_file):
    tsv = (PAGES_DIR / "en-news-harbour.tsv").read_text(encoding="utf-8")
    from_stdin = runner.invoke(app, ["evaluate", str(model_file), "-", "--json"], input=tsv)
    from_file = runner.invoke(app, ["evaluate", str(model_file), str(PAGES_DIR / "en-news-harbour.tsv"), "--json"])
    assert from_stdin.exit_code == 0
    assert json.loads(from_stdin.stdout) == json.loads(from_file.stdout)


def test_train_reads_a_jsonl_corpus_from_stdin(runner, tmp_path):
    from conftest import PARAGRAPHS, make_page

    rows = [json.dumps({"id": f"p{i}", "lines": lines, "labels": labels})
            for i, (lines, labels) in enumerate(make_page(p) for p in PARAGRAPHS)]
    result = runner.invoke(app, ["train", "-", "--trees", "10", "--cv", "2", "-o", str(tmp_path / "m.model")],
                           input="\n".join(rows) + "\n")
    assert result.exit_code == 0, result.output
    # the four pages share a template: one inferred site, so the folds are by page (with a note)
    assert result.stdout.startswith("cross-validated (2 folds by page, 4 pages, 1 site)")
    assert "the pages are of one site, so the folds are by page" in result.stderr


def test_labelled_stdin_errors_name_the_line(runner, model_file):
    result = runner.invoke(app, ["evaluate", str(model_file), "-"], input='{"lines": ["a"], "labels": ["content"]}\n{oops\n')
    assert result.exit_code == 1
    assert result.stderr == "Error: -:2: broken JSON (Expecting property name enclosed in double quotes at column 2)\n"


def test_import_reads_a_corpus_from_stdin(runner, tmp_path):
    record = {"id": "x/1", "html": "<html><body><nav>Home</nav><p>The council met on Tuesday.</p></body></html>",
              "main_content": "The council met on Tuesday."}
    out = tmp_path / "o.jsonl"
    result = runner.invoke(app, ["import", "-", "-o", str(out)], input=json.dumps(record) + "\n")
    assert result.exit_code == 0, result.output
    page = json.loads(out.read_text(encoding="utf-8"))
    assert (page["lines"], page["labels"]) == (["Home", "", "The council met on Tuesday."],
                                               ["boilerplate", None, "content"])


def test_a_file_named_dash_given_as_dot_slash_dash_is_read_not_stdin(runner, model_file, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-").write_text("boilerplate\tHome\ncontent\tThe council met on Tuesday.\nboilerplate\tShare\n")
    result = runner.invoke(app, ["evaluate", str(model_file), "./-", "--json"], input="content\tOther text.\n")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["lines"] == 3  # the file's three lines, not stdin's one


def test_output_named_dot_slash_dash_is_a_file_not_stdout(runner, model_file, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "page.txt").write_text(PAGE)
    result = runner.invoke(app, ["predict", "-m", str(model_file), "page.txt", "-f", "tsv", "-o", "./-"])
    assert (result.exit_code, result.stdout) == (0, "")
    assert len((tmp_path / "-").read_text().splitlines()) == len(PAGE.splitlines())


@pytest.mark.parametrize("command", [["predict", "-", "-"], ["import", "-", "-", "-o", "{out}"],
                                     ["evaluate", "{model}", "-", "-"], ["train", "-", "-", "-o", "{out}"]])
def test_stdin_given_twice_is_refused(runner, model_file, tmp_path, command):
    args = [a.format(out=tmp_path / "o.jsonl", model=model_file) for a in command]
    result = runner.invoke(app, args, input="Home\n")
    assert (result.exit_code, result.stderr) == (2, "Error: - (stdin) is given more than once; it can be read only once; "
                                                    f"see 'root {command[0]} -h'\n")


@POSIX_ONLY
def test_a_pipe_named_as_a_file_is_read_once():
    # /dev/stdin on a pipe drains on the first read: corpus mode's first pass is skipped for it, as for -
    runs = [subprocess.run([sys.executable, "-m", "linesift", "predict", "-f", "tsv", name], input=PAGE.encode(),
                           capture_output=True, timeout=120) for name in ("-", "/dev/stdin")]
    assert [r.returncode for r in runs] == [0, 0]
    assert runs[1].stdout == runs[0].stdout
    assert len(runs[0].stdout.splitlines()) == len(PAGE.splitlines())


def test_spawned_workers_score_with_the_parents_model_as_set(model_file, monkeypatch):
    import multiprocessing

    from conftest import UNSEEN_PAGE
    from linesift.batch import score_stream
    from linesift.inputs import Page
    from linesift.modelfile import load_model

    model = load_model(model_file)
    model.set_params(unseen_shift=0.3)  # as set in the parent, not as saved (0)
    batches = [[Page("-", UNSEEN_PAGE, record={"id": "a"})], [Page("-", UNSEEN_PAGE, record={"id": "b"})]]
    alone = [r.outputs for r in score_stream(batches, model, None, "jsonl", jobs=1)]
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    spawned = [r.outputs for r in score_stream(batches, model, None, "jsonl", jobs=2)]
    assert spawned == alone
    assert json.loads(alone[0][0][1])["linesift"]["threshold"] > model.threshold_  # raised: the parent's setting


@POSIX_ONLY
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP] if os.name == "posix" else [])
def test_sigterm_or_sighup_exits_128_plus_it_and_leaves_no_temporary_file(model_file, tmp_path, signum):
    out = tmp_path / "out" / "o.txt"
    out.parent.mkdir()
    proc = linesift_process("predict", "--model", model_file, "-o", out, "-", stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_until(lambda: any(out.parent.iterdir()), proc)  # the temporary output exists; the run waits on stdin
    proc.send_signal(signum)  # as timeout, docker stop and batch schedulers stop a job; a closed ssh session
    try:
        assert proc.wait(timeout=60) == 128 + signum
    finally:
        proc.kill()
    assert proc.stderr.read() == b""
    assert list(out.parent.iterdir()) == []


@POSIX_ONLY
def test_sigterm_while_an_endless_stdin_is_read_exits_143_and_leaves_no_temporary_file(model_file, tmp_path):
    out = tmp_path / "out" / "o.txt"
    out.parent.mkdir()
    yes = subprocess.Popen(["yes"], stdout=subprocess.PIPE)  # faster than it is read: a read never waits
    proc = linesift_process("predict", "--model", model_file, "-o", out, "-", stdin=yes.stdout,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    yes.stdout.close()
    try:
        wait_until(lambda: any(out.parent.iterdir()), proc)
        time.sleep(0.5)  # well into the stream
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 143
    finally:
        proc.kill()
        yes.kill()
    assert proc.stderr.read() == b""
    assert list(out.parent.iterdir()) == []


def test_stdin_rows_longer_than_a_read_come_whole(monkeypatch):
    import io

    from linesift import inputs

    monkeypatch.setattr(inputs, "STDIN_CHUNK", 4)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"a row of 22 characters\nb\nlast")))
    assert list(inputs.stdin_rows([b"head\n"])) == [b"head\n", b"a row of 22 characters\n", b"b\n", b"last"]


def test_read_stdin_reads_it_all_a_chunk_at_a_time(monkeypatch):
    import io

    from linesift import inputs

    class Counted(io.BytesIO):
        asked: list = []

        def read(self, size=-1):
            self.asked.append(size)
            return super().read(size)

    monkeypatch.setattr(inputs, "STDIN_CHUNK", 4)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(Counted(b"0123456789\nabc")))
    assert inputs.read_stdin(b"<") == b"<0123456789\nabc"
    assert Counted.asked == [4, 4, 4, 4]  # never all at once: four chunks, the last one short, which is the end


@POSIX_ONLY
def test_sigterm_with_workers_exits_143_without_tracebacks(model_file, tmp_path):
    source = corpus(tmp_path / "c.jsonl", 50000)  # far longer to score than the test waits
    out = tmp_path / "out" / "o.jsonl"
    out.parent.mkdir()
    proc = linesift_process("predict", "--model", model_file, "-f", "jsonl", "--jobs", "2", "--no-sites", "-o", out,
                            source, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    wait_until(lambda: written(out.parent), proc)  # scoring has begun: the workers are busy
    proc.send_signal(signal.SIGTERM)  # to the parent alone, as `kill PID` and `docker stop` do
    try:
        _, stderr = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    time.sleep(0.5)  # a worker left running would write its traceback to the stderr it shares
    assert proc.returncode == 143
    assert stderr == b""
    assert list(out.parent.iterdir()) == []


@POSIX_ONLY
def test_one_large_input_whose_reader_goes_exits_141(model_file, tmp_path):
    page = tmp_path / "big.txt"
    page.write_text(PAGE * 10000, encoding="utf-8")  # one page whose tsv is far larger than a pipe buffer
    read, status, stderr = reader_leaves("predict", "--model", model_file, "-f", "tsv", page)
    assert read[0].split(b"\t")[0] in (b"content", b"boilerplate")
    assert (status, stderr) == (141, b"")


@POSIX_ONLY
def test_evaluate_whose_reader_is_gone_exits_141(model_file, tmp_path):
    page = tmp_path / "page.tsv"
    page.write_text("boilerplate\tHome\ncontent\tThe council met on Tuesday to agree on the budget.\n", encoding="utf-8")
    _, status, stderr = reader_leaves("evaluate", model_file, page, lines=0)  # gone before the scores are printed
    assert (status, stderr) == (141, b"")


@POSIX_ONLY
def test_train_refuses_to_replace_a_fifo(runner, tmp_path):
    fifo = tmp_path / "m.model"
    os.mkfifo(fifo)
    result = runner.invoke(app, ["train", str(tmp_path / "pages"), "-o", str(fifo)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {fifo}: not a regular file (a device or a FIFO); give the model file to write\n"
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.model"]


@POSIX_ONLY
def test_import_refuses_to_replace_a_fifo(runner, tmp_path):
    fifo = tmp_path / "out.jsonl.gz"
    os.mkfifo(fifo)
    (tmp_path / "c.jsonl").write_text('{"html": "<p>A short page.</p>", "main_content": "A short page."}\n')
    result = runner.invoke(app, ["import", str(tmp_path / "c.jsonl"), "-o", str(fifo)])
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {fifo}: not a regular file (a device or a FIFO); give the labelled corpus file "
                             "to write (.jsonl or .jsonl.gz)\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl", "out.jsonl.gz"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_workers_leave_sigterm_its_default_action(tiny_model):
    assert worker_handlers(tiny_model, inherited=lambda *_: None)[1] is signal.SIG_DFL


@POSIX_ONLY
@pytest.mark.parametrize("command", ["train", "import"])
def test_train_and_import_refuse_their_own_stdout_as_output(tmp_path, command):
    captured = tmp_path / "captured"
    with open(captured, "wb") as out:  # stdout a regular file: /dev/stdout leads to it
        proc = linesift_process(command, tmp_path / "missing", "-o", "/dev/stdout", stdout=out, stderr=subprocess.PIPE)
        _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert stderr.decode().splitlines()[-1].startswith("Error: /dev/stdout: is this command's stdout")
    assert captured.read_bytes() == b"" and os.path.islink("/dev/stdout")


@POSIX_ONLY
def test_train_through_a_symlink_replaces_the_file_it_points_to(runner, tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    for n in range(3):
        (pages / f"p{n}.tsv").write_text(f"boilerplate\tHome\ncontent\tThe council met on day {n} to agree on the "
                                         "budget for the next year.\nboilerplate\tContact us\n", encoding="utf-8")
    target = tmp_path / "real.model"
    target.write_bytes(b"old")  # an earlier model, with its sidecar
    (tmp_path / "real.model.json").write_text('{"kind": "linesift.LineClassifier"}', encoding="utf-8")
    link = tmp_path / "link.model"
    link.symlink_to(target)
    result = runner.invoke(app, ["train", str(pages), "-o", str(link), "--cv", "2"])
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and target.read_bytes()[:3] != b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.model", "pages", "real.model", "real.model.json"]
    for path in (link, target):  # one sidecar, found through either
        assert runner.invoke(app, ["info", str(path)]).exit_code == 0


@POSIX_ONLY
def test_a_dangling_link_into_a_missing_directory_is_refused_before_work(runner, tmp_path):
    link = tmp_path / "out.jsonl"
    link.symlink_to(tmp_path / "nodir" / "x.jsonl")
    result = runner.invoke(app, ["import", str(tmp_path / "missing.jsonl"), "-o", str(link)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {link}: directory {tmp_path / 'nodir'} does not exist\n"


@POSIX_ONLY
def test_train_refuses_its_own_stderr_as_output(tmp_path):
    log = tmp_path / "log"
    with open(log, "wb") as err:
        proc = linesift_process("train", tmp_path / "missing", "-o", "/dev/stderr", stderr=err)
        proc.wait(timeout=120)
    assert proc.returncode == 1
    assert log.read_text(encoding="utf-8").splitlines()[-1].startswith("Error: /dev/stderr: is this command's stderr")
    assert not os.path.exists("/dev/stderr.json")


def _dies_on_b(pages):
    """A worker's ``_work`` that is killed, as the out-of-memory killer kills, on the batch of page "b"."""
    if pages[0].path == "b":
        os.kill(os.getpid(), signal.SIGKILL)
    return _work_before(pages)


_work_before = None


@POSIX_ONLY
def test_a_worker_killed_while_scoring_ends_the_stream_with_worker_lost(model_file, monkeypatch):
    global _work_before
    from linesift import batch
    from linesift.inputs import Page
    from linesift.modelfile import load_model

    _work_before = batch._work
    monkeypatch.setattr(batch, "_work", _dies_on_b)  # forked workers inherit the patched module
    monkeypatch.setattr(batch, "ABANDONED_POOLS", [])  # this test's pool is left out of the later tests' exits
    pages = [[Page(name, ["Home", "A story, told at length."])] for name in "abc"]
    got = []
    with pytest.raises(batch.WorkerLost, match=r"^a worker process was killed \(out of memory\?\), so the run"):
        for result in batch.score_stream(pages, load_model(model_file), None, "tsv", jobs=2):
            got.append(result.outputs[0][0])
    assert "c" not in got  # never past the lost batch ("a" comes out if it was scored before the loss)


def test_memory_running_out_outside_a_page_is_a_one_line_error(monkeypatch, capsys):
    from linesift import cli

    def no_memory():
        raise MemoryError

    monkeypatch.setattr(cli, "app", no_memory)
    monkeypatch.setattr(sys, "argv", ["linesift", "predict", "page.txt"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 1
    assert capsys.readouterr() == ("", "Error: out of memory (MemoryError): give it fewer or smaller pages at once\n")


def test_a_ctrl_c_while_interrupts_are_deferred_comes_after_the_block():
    from linesift.batch import _deferred_interrupts

    done = []
    inherited = signal.signal(signal.SIGINT, signal.default_int_handler)  # even if ours is ignored (a job run with &)
    try:
        with pytest.raises(KeyboardInterrupt):
            with _deferred_interrupts():
                signal.raise_signal(signal.SIGINT)  # as if the kernel gave it to any thread of the process
                done.append("the block ran on")
        assert done == ["the block ran on"]
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, inherited)


def pipe_reader(data: bytes = b"", close: bool = True):
    """A ``StdinPipe`` over an OS pipe holding ``data`` (its write end closed, or kept open and returned)."""
    from linesift.inputs import StdinPipe

    read_end, write_end = os.pipe()
    os.write(write_end, data)
    if close:
        os.close(write_end)
        return StdinPipe(read_end), None
    return StdinPipe(read_end), write_end


@POSIX_ONLY
def test_a_followed_pipe_gives_rows_as_python_s_stdin_does(monkeypatch):
    from linesift import inputs

    monkeypatch.setattr(inputs, "STDIN_CHUNK", 4)
    pipe, _ = pipe_reader(b"a row of 22 characters\nb\n\nlast")
    assert [pipe.readline(), pipe.readline(5), pipe.readline(), pipe.readline(), pipe.readline(), pipe.readline()] \
        == [b"a row of 22 characters\n", b"b\n", b"\n", b"last", b"", b""]


@POSIX_ONLY
def test_a_followed_pipe_reads_sizes_and_the_rest(monkeypatch):
    from linesift import inputs

    monkeypatch.setattr(inputs, "STDIN_CHUNK", 3)
    pipe, _ = pipe_reader(b"0123456789\nabc")
    assert [pipe.readline(4), pipe.read(8), pipe.read(), pipe.read(2)] == [b"0123", b"456789\na", b"bc", b""]


@POSIX_ONLY
def test_a_followed_pipe_left_non_blocking_waits_for_its_producer():
    pipe, write_end = pipe_reader(b"a", close=False)
    os.set_blocking(pipe.fd, False)
    later = threading.Timer(0.2, lambda: (os.write(write_end, b"b\nc"), os.close(write_end)))
    later.start()
    try:
        assert [pipe.readline(), pipe.readline(), pipe.readline()] == [b"ab\n", b"c", b""]
    finally:
        later.join()


@POSIX_ONLY
def test_evaluate_reads_a_non_blocking_stdin_to_its_end():
    # its maker left the pipe non-blocking and writes the page in two parts, a pause between them
    page = (PAGES_DIR / "en-news-harbour.tsv").read_bytes()
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    proc = linesift_process("evaluate", "default", "-", stdin=read_end, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    os.close(read_end)
    os.write(write_end, page[:len(page) // 3])
    time.sleep(1.0)
    os.write(write_end, page[len(page) // 3:])
    os.close(write_end)
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    lines = sum(1 for row in page.decode().splitlines() if row.split("\t")[0] in ("content", "boilerplate"))
    assert f"lines\t{lines}\n" in stdout.decode()


@POSIX_ONLY
def test_a_followed_pipe_whose_producer_sends_only_keep_alives_is_paused():
    pipe, write_end = pipe_reader(b'{"text": "a"}\n', close=False)
    stop = threading.Event()

    def keep_alive():  # a blank row every 20 ms: bytes come, but no record
        while not stop.wait(0.02):
            os.write(write_end, b"\n")

    sender = threading.Thread(target=keep_alive)
    sender.start()
    try:
        assert pipe.readline() == b'{"text": "a"}\n'
        started = time.monotonic()
        assert pipe.paused(0.2)
        assert time.monotonic() - started < 5
    finally:
        stop.set()
        sender.join()
        os.close(write_end)


@POSIX_ONLY
def test_a_followed_pipe_counts_unicode_space_rows_blank_as_the_corpus_reader_does():
    pipe, write_end = pipe_reader("{}\n\u00a0\n\u3000 \n\x1c\n".encode("utf-8"), close=False)
    try:
        assert pipe.readline() == b"{}\n"
        assert pipe.paused(0.05)  # no-break and ideographic spaces, a separator: blank rows only
        os.write(write_end, "\u00a0x\n".encode("utf-8"))
        assert not pipe.paused(0.05)
    finally:
        os.close(write_end)


@POSIX_ONLY
def test_a_followed_pipe_past_its_read_ahead_still_tells_a_pause(monkeypatch):
    from linesift import inputs

    pipe, write_end = pipe_reader(b'{"a": 1}\n{"b": "a long record cut short', close=False)
    try:
        assert pipe.readline() == b'{"a": 1}\n'  # and the rest read with it
        monkeypatch.setattr(inputs, "STDIN_READ_AHEAD", 8)
        assert pipe.paused(0.05)  # more than the read-ahead of a row waits, and nothing comes
        os.write(write_end, b" and more")
        assert not pipe.paused(0.05)  # bytes come: not a pause, and not read here
        assert pipe.data.endswith(b"short")
    finally:
        os.close(write_end)


@POSIX_ONLY
def test_a_slow_page_opening_with_a_json_line_is_read_as_text(model_file):
    unbuffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    proc = linesift_process("predict", "-m", model_file, "-f", "tsv", "-q", "-", env=unbuffered,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdin.write(b'{"@context": "https://schema.org", "@type": "NewsArticle"}\n')
    proc.stdin.flush()
    time.sleep(3)  # a JSON-LD line, then the rest of the page later
    stdout, stderr = proc.communicate(PAGE.encode(), timeout=120)
    assert (proc.returncode, stderr) == (0, b"")
    assert len(stdout.decode().splitlines()) == 1 + len(PAGE.splitlines())


@POSIX_ONLY
def test_a_followed_pipe_not_read_yet_is_not_waited_for():  # the files given before - are read as they come
    pipe, write_end = pipe_reader(b"", close=False)
    try:
        assert not pipe.paused(0.05)
        assert not pipe.started
    finally:
        os.close(write_end)


@POSIX_ONLY
def test_a_followed_pipe_is_paused_only_without_a_whole_row_waiting():
    pipe, write_end = pipe_reader(b'{"text": "a"}\n{"text": "b"}\n\n{"te', close=False)
    try:
        assert pipe.readline() == b'{"text": "a"}\n'
        assert not pipe.paused(0.05)  # a whole row waits
        assert pipe.readline() == b'{"text": "b"}\n'
        assert pipe.paused(0.05)  # a blank row and part of a row, and nothing more comes
        os.write(write_end, b'xt": "c"}\n')
        assert not pipe.paused(0.05)
        assert [pipe.readline(), pipe.readline()] == [b"\n", b'{"text": "c"}\n']
        os.write(write_end, b"\n \n")
        assert pipe.paused(0.05)  # blank rows only
    finally:
        os.close(write_end)
    assert not pipe.paused(0.05)  # at its end: nothing to wait for
    assert pipe.read() == b"\n \n"


def live_rows(proc: subprocess.Popen, n: int, buffered: bytearray) -> list[dict]:
    """The next ``n`` JSONL records ``proc`` writes on stdout, read as they come; fails after 60 s."""
    deadline, rows = time.monotonic() + 60, []
    while len(rows) < n:
        while b"\n" in buffered and len(rows) < n:
            end = buffered.index(b"\n")
            rows.append(json.loads(bytes(buffered[:end])))
            del buffered[:end + 1]
        if len(rows) == n:
            break
        assert time.monotonic() < deadline and proc.poll() is None
        ready, _, _ = select.select([proc.stdout.fileno()], [], [], 0.1)
        if ready:
            buffered += os.read(proc.stdout.fileno(), 1 << 16)
    return rows


@POSIX_ONLY
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_live_producer_s_pages_come_out_when_it_pauses(model_file, jobs):
    rows = [json.dumps({"id": i, "text": PAGE}) + "\n" for i in range(40)]
    rows[3] = json.dumps({"id": 3, "text": None}) + "\n"  # an error record, its fields kept
    unbuffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # as a user's shell has it
    proc = linesift_process("predict", "-m", model_file, "-f", "jsonl", "-j", jobs, "-q", "-", env=unbuffered,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    buffered = bytearray()
    try:
        for start, end in ((0, 1), (1, 2), (2, 36), (36, 37)):  # one (sniffed), fewer than a batch, more, one
            proc.stdin.write("".join(rows[start:end]).encode())
            proc.stdin.flush()  # and the producer waits, stdin open, for what comes out
            assert [row["id"] for row in live_rows(proc, end - start, buffered)] == list(range(start, end))
        proc.stdin.write("".join(rows[37:]).encode())
        proc.stdin.close()
        assert [row["id"] for row in live_rows(proc, 3, buffered)] == [37, 38, 39]
        assert proc.wait(timeout=60) == 1  # record 3 holds no page
    finally:
        proc.kill()
    assert proc.stdout.read() == b"" and buffered == b""
    assert proc.stderr.read() == b"Error: -:4: no string field 'text'\n"


def warc_record(url: str, text: str, compress: bool) -> bytes:
    """One WARC ``conversion`` record (``compress``: a gzip member of its own, as .warc.gz files hold them)."""
    from warcio.warcwriter import WARCWriter

    whole = io.BytesIO()
    writer = WARCWriter(whole, gzip=compress)
    writer.write_record(writer.create_warc_record(url, "conversion", payload=io.BytesIO(text.encode()),
                                                  warc_headers_dict={"Content-Type": "text/plain"}))
    return whole.getvalue()


def long_page(seed: int, words: int = 5000) -> str:
    """A page of some 34 KB of sentences of 40 made-up words, 12 to a line: its gzip member (about 7.5 KB) gives
    4-5 times its size, more than a read of warcio's takes, so gzip held the member's end unread."""
    rng = random.Random(seed)
    vocabulary = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9))) for _ in range(40)]
    said = [rng.choice(vocabulary) for _ in range(words)]
    return "\n".join(" ".join(said[i:i + 12]).capitalize() + "." for i in range(0, words, 12)) + "\n"


@POSIX_ONLY
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("compress, page", [(False, "short"), (True, "short"), (True, "long")],
                         ids=["warc", "warc.gz", "warc.gz-long"])
def test_a_live_producer_s_warc_records_come_out_when_it_pauses(model_file, compress, page, jobs):
    texts = [PAGE] * 3 if page == "short" else [long_page(i) for i in range(3)]
    records = [warc_record(f"https://a.example/{i}", text, compress) for i, text in enumerate(texts)]
    unbuffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # as a user's shell has it
    proc = linesift_process("predict", "-m", model_file, "-f", "jsonl", "-j", jobs, "-q", "-", env=unbuffered,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    buffered = bytearray()
    try:
        for i, record in enumerate(records):  # each record's result before the next record is sent
            proc.stdin.write(record)
            proc.stdin.flush()
            assert [row["url"] for row in live_rows(proc, 1, buffered)] == [f"https://a.example/{i}"]
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
    finally:
        proc.kill()
    assert proc.stdout.read() == b"" and buffered == b"" and proc.stderr.read() == b""


def raw_conversion(i: int, text: bytes, length: int | None = None) -> bytes:
    """A WARC ``conversion`` record written by hand, ``<urn:uuid:i>``; ``length``: its Content-Length, if not
    the text's own (too small, say)."""
    return (b"WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Record-ID: <urn:uuid:%d>\r\nContent-Length: %d\r\n\r\n"
            b"%s\r\n\r\n" % (i, len(text) if length is None else length, text))


def test_a_warning_found_after_a_live_warc_record_was_given_comes_after_it(monkeypatch):
    from warcio.archiveiterator import ArchiveIterator

    from linesift import inputs

    monkeypatch.setattr(inputs, "stdin_paused", lambda *args: True)  # the producer pauses after each record
    stream = io.BytesIO(raw_conversion(0, b"The council met.", 11) + raw_conversion(1, b"It agreed."))  # 1 too short
    items = list(inputs._warc_items("-", stream, ArchiveIterator))
    assert [item if isinstance(item, str) else (item.path, item.render().lines) for item in items] == [
        ("-#<urn:uuid:0>", ["The council"]),
        "-#<urn:uuid:0>: record 1 runs past its Content-Length (perhaps too small): its text may have lost its end",
        ("-#<urn:uuid:1>", ["It agreed."])]


def test_a_warning_of_a_live_warc_record_found_as_the_next_fails_comes_before_the_error(monkeypatch):
    from warcio.archiveiterator import ArchiveIterator

    from linesift import inputs

    monkeypatch.setattr(inputs, "stdin_paused", lambda *args: True)
    stream = io.BytesIO(raw_conversion(0, b"The council met.\r\nmore text", 11))  # its length too small
    items = [item if isinstance(item, str) else str(item) if isinstance(item, inputs.InputError)
             else item.render().lines for item in inputs._warc_items("-", stream, ArchiveIterator)]
    assert items == [
        ["The council"],
        "-#<urn:uuid:0>: record 1 runs past its Content-Length (perhaps too small): its text may have lost its end",
        "-: broken WARC (ArchiveLoadFailed: Invalid WARC record, first line: more text)"]


def test_an_unreadable_live_warc_record_is_said_before_the_next_comes(monkeypatch):
    from warcio.archiveiterator import ArchiveIterator

    from linesift import inputs

    def response(i: int, body: bytes) -> bytes:
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
        return (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://a.example/%d\r\n"
                b"WARC-Record-ID: <urn:uuid:%d>\r\nContent-Type: application/http; msgtype=response\r\n"
                b"Content-Length: %d\r\n\r\n%s\r\n\r\n" % (i, i, len(http), http))

    monkeypatch.setattr(inputs, "stdin_paused", lambda *args: True)
    log = []
    stream = Chunks([response(0, bytes(range(256)) * 8), response(1, b"<p>The council met.</p>")], log)
    for item in inputs._warc_items("-", stream, ArchiveIterator):
        log.append(str(item) if isinstance(item, inputs.InputError) else item.render().lines)
    assert log == ["read", "-#<urn:uuid:0>: its body is not text, though its Content-Type is 'text/html'",
                   "read", ["The council met."]]


@POSIX_ONLY
@pytest.mark.parametrize("compress", [False, True], ids=["warc", "warc.gz"])
def test_a_burst_of_live_warc_records_waiting_on_stdin_is_not_taken_for_a_pause(monkeypatch, compress):
    from linesift import inputs

    read_end, write_end = os.pipe()
    monkeypatch.setattr(inputs, "_stdin_pipe", inputs.StdinPipe(read_end))
    real, told = inputs.stdin_paused, []
    monkeypatch.setattr(inputs, "stdin_paused", lambda *args: told.append(real(0.05)) or told[-1])
    # records of more than a read of 2 KB takes, gzipped too (records under 2 KB can still be read ahead whole)
    records = b"".join(warc_record(f"https://a.example/{i}", long_page(i, 600), compress) for i in range(20))
    threading.Thread(target=os.write, args=(write_end, records), daemon=True).start()  # more than a pipe holds
    urls = []
    try:
        for item in inputs.iter_warc("-"):
            urls.append(item.record["url"])
            if len(urls) == 20:  # the producer, stdin open, waits for the last
                os.close(write_end)
    finally:
        os.close(read_end)
    assert urls == [f"https://a.example/{i}" for i in range(20)]
    # each record's bytes after it were waiting in stdin's buffer, not read ahead by warcio (16 KB at a time),
    # so only the last was given at a pause; read ahead, each of them waited 0.05 s for it
    assert told == [False] * 19 + [True]


class Chunks(io.RawIOBase):
    """A producer's writes, read no further than the end of one in a read; the start of each noted in ``log``."""

    def __init__(self, chunks: list[bytes], log: list):
        self.chunks, self.log, self.rest = chunks, log, b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if not self.rest and self.chunks:
            self.rest = self.chunks.pop(0)
            self.log.append("read")
        n = min(len(buffer), len(self.rest))
        buffer[:n], self.rest = self.rest[:n], self.rest[n:]
        return n


@pytest.mark.parametrize("damaged", [False, True])
def test_a_live_gzipped_warc_record_is_given_before_the_next_only_when_its_member_passes_its_check(monkeypatch,
                                                                                                 damaged):
    import gzip
    import zlib

    from warcio.archiveiterator import ArchiveIterator

    from linesift import inputs

    first = bytearray(gzip.compress(raw_conversion(0, b"The council met."), mtime=0))
    if damaged:
        first[-8] ^= 0xFF  # its CRC, which gzip checks only as it reads on into the next member
    monkeypatch.setattr(inputs, "stdin_paused", lambda *args: True)  # the producer pauses after each record
    log = []
    handle = inputs._Gunzipped(Chunks([bytes(first), gzip.compress(raw_conversion(1, b"It agreed."), mtime=0)], log))
    for item in inputs._warc_items("-", handle, ArchiveIterator):
        log.append(str(item) if isinstance(item, inputs.InputError) else item.render().lines)
    crc = zlib.crc32(raw_conversion(0, b"The council met."))
    crc = f"CRC check failed {hex(crc ^ 0xFF)} != {hex(crc)}"
    assert log == (["read", f"-#<urn:uuid:0>: its gzip member is damaged ({crc})",
                    f"-: broken WARC (its gzip stream breaks after record 1: {crc})"] if damaged
                   else ["read", ["The council met."], "read", ["It agreed."]])


def test_a_live_gzipped_warc_record_whose_member_gives_more_than_a_read_is_given_before_the_next_is_read(
        monkeypatch):
    import gzip

    from warcio.archiveiterator import ArchiveIterator

    from linesift import inputs

    monkeypatch.setattr(inputs, "stdin_paused", lambda *args: True)  # the producer pauses after each record
    log = []
    members = [gzip.compress(raw_conversion(i, long_page(i).encode()), mtime=0) for i in range(2)]
    for item in inputs._warc_items("-", inputs._Gunzipped(Chunks(members, log)), ArchiveIterator):
        log.append(item.path)
    assert log == ["read", "-#<urn:uuid:0>", "read", "-#<urn:uuid:1>"]


class TerminalReads(io.RawIOBase):
    """A terminal's reads: a typed row a read, then b"" once for Ctrl-D; a read past it fails the test (a
    terminal would wait for another Ctrl-D)."""

    def __init__(self, rows: list[bytes]):
        self.reads = [*rows, b""]

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        assert self.reads, "read on past the Ctrl-D"
        data = self.reads.pop(0)
        buffer[:len(data)] = data
        return len(data)


def test_a_terminal_s_ctrl_d_ends_the_page_read_whole(monkeypatch):
    from linesift import inputs

    terminal = io.BufferedReader(TerminalReads([b"Home\n", b"The plan stalled.\n"]))
    monkeypatch.setattr(inputs, "_stdin_buffer", lambda: terminal)
    assert inputs.read_stdin(b"head\n") == b"head\nHome\nThe plan stalled.\n"
    assert inputs.read_stdin() == b""


def test_a_terminal_s_ctrl_d_ends_its_rows(monkeypatch):
    from linesift import inputs

    terminal = io.BufferedReader(TerminalReads([b"Home\n", b"cut"]))
    monkeypatch.setattr(inputs, "_stdin_buffer", lambda: terminal)
    assert [inputs.stdin_row() for _ in range(4)] == [b"Home\n", b"cut", b"", b""]


@POSIX_ONLY
@pytest.mark.parametrize("command", [["predict", "-f", "tsv"], ["evaluate", "-", "--json"]])
def test_one_ctrl_d_ends_a_page_typed_at_a_terminal(model_file, command):
    import pty

    if command[0] == "evaluate":
        command, typed = ["evaluate", model_file, "-", "--json"], b"content\tThe plan stalled.\nboilerplate\tHome\n"
    else:
        command, typed = [*command, "-m", model_file], b"Home\nThe plan stalled, said the council.\n"
    main, terminal = pty.openpty()
    proc = linesift_process(*command, stdin=terminal, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        os.write(main, typed)
        os.write(main, b"\x04")  # one Ctrl-D at the start of a row
        stdout, _ = proc.communicate(timeout=60)
    finally:
        proc.kill()
        os.close(main)
        os.close(terminal)
    assert proc.returncode == 0
    assert stdout.count(b"\n") == (2 if command[0] == "predict" else 1)


@pytest.mark.parametrize("after, said", [
    (b"", None),
    (b"\0\0\0", None),  # zero padding after a member, as gzip passes it by
    (b"\x1f", "Not a gzipped file (b'\\x1f')"),
    (b"\x1f\x8b\x08", "Compressed file ended before the end-of-stream marker was reached"),
    (b"PK\x03\x04 and more bytes", "Not a gzipped file (b'PK')"),
])
def test_the_gzip_member_reader_ends_a_stream_in_gzips_words(after, said):
    import gzip

    from linesift import inputs

    members = inputs._GzipMembers()
    members.pending = gzip.compress(b"one", mtime=0) + gzip.compress(b"two", mtime=0) + after
    data = b""
    try:
        while (more := members.data(1 << 16)) is not None:
            data += more
        members.end()
        error = None
    except inputs.BrokenGzip as err:
        error = str(err)
    assert (data, error) == (b"onetwo", said)


def test_the_gzip_member_reader_gives_the_data_zlib_holds_once_it_has_taken_all_the_bytes():
    import gzip

    from linesift import inputs

    text = b"a" * 100000  # a run: its last bytes of deflate give hundreds of bytes
    members = inputs._GzipMembers()
    members.pending = gzip.compress(text, mtime=0)[:-8]  # its check not come yet (a stream cut there, say)
    data = b""
    while (more := members.data(7)) is not None:  # small reads: zlib takes every byte long before it has given all
        data += more
    assert data == text
