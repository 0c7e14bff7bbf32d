"""linesift.training.learning_curve: models fitted on samples of N pages, scored on held-out pages."""

from __future__ import annotations

import pytest

from linesift.training.benchmark import BenchPage
from linesift.training.labelled import LabelledPage
from linesift.training.learning_curve import learning_curve


def test_one_row_per_size_with_a_score_per_sample(tiny_pages):
    pool = [LabelledPage(lines, labels, {"url": f"https://s{i}.example/a", "lang": "en"}, f"p{i}")
            for i, (lines, labels) in enumerate(tiny_pages[:3])]
    lines, labels = tiny_pages[3]
    gold = "\n".join(line for line, lab in zip(lines, labels) if lab == "content")
    held = [BenchPage({"lang": "en"}, "", gold, [], [], lines)]
    rows = list(learning_curve(pool, held, sizes=[2, 3], samples=2, langs=["en"]))
    assert [(n, len(scores["en"]), len(secs)) for n, scores, secs in rows] == [(2, 2, 2), (3, 2, 2)]
    assert all(0.0 <= f <= 1.0 for _, scores, _ in rows for f in scores["en"])


@pytest.mark.parametrize("make, why", [(lambda d: d / "none", "no such directory (the labelled corpora: ../shared/corpora)"),
                                       (lambda d: d, "holds no .jsonl.gz corpora")])
@pytest.mark.parametrize("tool", ["benchmark", "charsets", "floors", "learning_curve", "recipe", "scale", "speed"])
def test_the_training_tools_refuse_a_corpora_directory_without_corpora_in_one_line(tmp_path, capsys, make, why, tool):
    from importlib import import_module

    corpora = make(tmp_path)
    with pytest.raises(SystemExit) as stop:
        import_module(f"linesift.training.{tool}").main(["--corpora", str(corpora)])
    assert stop.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(f"error: argument --corpora: {corpora}: {why}")


@pytest.mark.parametrize("tool", ["recipe", "scale"])  # they read the corpora only without other options
def test_a_tool_without_corpora_given_or_beside_it_says_so_in_one_line(tmp_path, capsys, monkeypatch, tool):
    from importlib import import_module

    monkeypatch.chdir(tmp_path)  # no ../shared/corpora here
    with pytest.raises(SystemExit) as stop:
        import_module(f"linesift.training.{tool}").main([])
    assert stop.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(
        "error: argument --corpora: ../shared/corpora: no such directory (the labelled corpora: ../shared/corpora)")


@pytest.mark.parametrize("tool, args, said", [
    ("learning_curve", ["--pages", "10,abc"], "error: argument --pages: '10,abc': give page counts, comma-separated "
                                              "(e.g. 10,30,100)"),
    ("learning_curve", ["--pages", "0"], "error: argument --pages: '0': give page counts, comma-separated (e.g. 10,30,100)"),
    ("recipe", ["--out", "{tmp}/missing/default.model"], "error: argument --out: {tmp}/missing: no such directory, or "
                                                          "not writable"),
    ("benchmark", ["--renderer", "inscriptis", "--model", "{tmp}/none.model"], "error: argument --model: "
                                                                              "{tmp}/none.model: no such model file"),
])
def test_the_training_tools_say_a_bad_option_in_one_line_before_any_work(tmp_path, capsys, tool, args, said):
    from importlib import import_module

    (tmp_path / "c.jsonl.gz").write_bytes(b"")
    with pytest.raises(SystemExit) as stop:
        import_module(f"linesift.training.{tool}").main(["--corpora", str(tmp_path)]
                                                         + [a.format(tmp=tmp_path) for a in args])
    assert stop.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(said.format(tmp=tmp_path))
