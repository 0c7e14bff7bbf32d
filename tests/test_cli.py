"""The linesift command, through typer's CliRunner (stdout and stderr are captured separately)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import stat
import sys
import zlib
from pathlib import Path

import pytest

from conftest import SHIPPED_MODEL, UNSEEN_PAGE
from linesift.cli import app

PAGES_DIR = Path(__file__).resolve().parents[1] / "data" / "pages"
COMMANDS = ["predict", "train", "evaluate", "info", "import"]

PAGE_LINES = [
    "Skip to content",
    "  • Home",
    "  • News",
    "  • Sport",
    "Search the Courier",
    "",
    "Harbour dredging plan stalls again",
    "",
    "The council and the port trust could not agree on who pays for removing the silt this year.",
    "Engineers warned that the channel will be too shallow for the ferry by the end of the summer.",
    "   ",
    "A new meeting has been called for next month, the harbour master said on Tuesday.",
    "",
    "Share this article",
    "© 2026 Portwren Courier",
    "Privacy policy",
]
PAGE_TEXT = "\n".join(PAGE_LINES) + "\n"


@pytest.fixture()
def page(tmp_path) -> Path:
    path = tmp_path / "page.txt"
    path.write_text(PAGE_TEXT, encoding="utf-8")
    return path


@pytest.fixture()
def binary(tmp_path) -> Path:
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10")
    return path


def predict(runner, model_file, *args, **kwargs):
    return runner.invoke(app, ["predict", "--model", str(model_file), *map(str, args)], **kwargs)


def tsv_rows(stdout: str) -> list[list[str]]:
    assert stdout.endswith("\n")
    return [row.split("\t", 2) for row in stdout[:-1].split("\n")]


# -- help ------------------------------------------------------------------------------------------------
def test_app_help(runner):
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    for command in COMMANDS:
        assert command in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help(runner, command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout


def test_short_help_option(runner):
    result = runner.invoke(app, ["predict", "-h"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout


def test_predict_help_shows_defaults(runner):
    result = runner.invoke(app, ["predict", "--help"])
    flat = " ".join(re.sub(r"[│╭╮╰╯─]", " ", result.stdout).split())
    assert "[default: the shipped model]" in flat


@pytest.mark.parametrize("command, shown", [("predict", "--members N"), ("predict", "--threshold 0-1"),
                                            ("train", "--context stack|smooth|none"), ("import", "--jobs N")])
def test_help_names_what_a_value_is(runner, command, shown):
    result = runner.invoke(app, [command, "--help"])
    flat = " ".join(re.sub(r"[│╭╮╰╯─]", " ", result.stdout).split())
    assert shown in flat


def test_unknown_option_is_a_one_line_usage_error(runner, page):
    result = runner.invoke(app, ["predict", "--no-such-option", str(page)])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "Error: No such option: --no-such-option; see 'root predict -h'\n"


def test_unknown_command_is_a_one_line_usage_error(runner):
    result = runner.invoke(app, ["frobnicate"])
    assert (result.exit_code, result.stderr) == (2, "Error: No such command 'frobnicate'; see 'root -h'\n")


def test_a_missing_argument_is_a_one_line_usage_error(runner):
    result = runner.invoke(app, ["evaluate"])
    assert (result.exit_code, result.stderr) == (2, "Error: Missing argument 'MODEL'; see 'root evaluate -h'\n")


def test_an_option_missing_its_value_is_a_one_line_usage_error(runner):
    result = runner.invoke(app, ["predict", "-t"])
    assert (result.exit_code, result.stderr) == (2, "Error: Option '-t' requires an argument; see 'root predict -h'\n")


def test_a_bad_choice_is_a_one_line_usage_error(runner, page):
    result = runner.invoke(app, ["predict", "-f", "labels", str(page)])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Invalid value for '--format' / '-f': ")
    assert result.stderr.endswith("'labels' is not one of 'text', 'tsv', 'jsonl'; see 'root predict -h'\n")
    assert result.stderr.count("\n") == 1


def test_linesift_alone_prints_its_help(runner):
    result = runner.invoke(app, [])
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: root [OPTIONS] COMMAND [ARGS]...\n")
    assert "predict" in result.stderr


def test_threshold_out_of_range_exits_2(runner, model_file, page):
    assert predict(runner, model_file, "--threshold", "1.5", page).exit_code == 2


# -- predict: inputs -----------------------------------------------------------------------------------
def test_predict_stdin_equals_file(runner, model_file, page):
    from_file = predict(runner, model_file, "--format", "tsv", page)
    from_stdin = predict(runner, model_file, "--format", "tsv", input=PAGE_TEXT)
    assert from_file.exit_code == from_stdin.exit_code == 0
    assert from_stdin.stdout == from_file.stdout
    assert from_stdin.stdout != ""


def test_predict_dash_is_stdin(runner, model_file):
    implicit = predict(runner, model_file, input=PAGE_TEXT)
    explicit = predict(runner, model_file, "-", input=PAGE_TEXT)
    assert explicit.exit_code == 0
    assert explicit.stdout == implicit.stdout


def test_crlf_file_gives_same_labels_as_lf_file(runner, model_file, page, tmp_path):
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(PAGE_TEXT.replace("\n", "\r\n").encode("utf-8"))
    lf_result = predict(runner, model_file, "--format", "tsv", page)
    crlf_result = predict(runner, model_file, "--format", "tsv", crlf)
    assert crlf_result.exit_code == 0
    assert crlf_result.stdout_bytes == lf_result.stdout_bytes


def test_cr_only_file_gives_same_labels_as_lf_file(runner, model_file, page, tmp_path):
    cr = tmp_path / "cr.txt"
    cr.write_bytes(PAGE_TEXT.replace("\n", "\r").encode("utf-8"))
    assert predict(runner, model_file, "-f", "tsv", cr).stdout == predict(runner, model_file, "-f", "tsv", page).stdout


@pytest.mark.parametrize("fmt", ["text", "tsv", "jsonl"])
def test_empty_file_gives_empty_output(runner, model_file, tmp_path, fmt):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = predict(runner, model_file, "--format", fmt, empty)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_html_file_is_rendered(runner, model_file, tmp_path):
    html = tmp_path / "page.html"
    html.write_text(
        "<!doctype html><html><head><title>T</title><style>p {color: red}</style></head><body>"
        "<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></nav>"
        "<h1>Harbour plan stalls</h1><p>The council and the port trust could not agree on the silt bill.</p>"
        "</body></html>",
        encoding="utf-8",
    )
    result = predict(runner, model_file, "--format", "tsv", html)
    assert result.exit_code == 0
    texts = [row[2] for row in tsv_rows(result.stdout)]
    assert "The council and the port trust could not agree on the silt bill." in texts
    assert "Harbour plan stalls" in texts
    assert not any("<" in t or ">" in t or "color" in t for t in texts)


def test_html_on_stdin_is_sniffed(runner, model_file):
    result = predict(runner, model_file, "-f", "tsv", input="<html><body><p>Hello there.</p></body></html>\n")
    assert result.exit_code == 0
    assert [row[2] for row in tsv_rows(result.stdout)] == ["Hello there."]


@pytest.mark.parametrize("html", ['<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 '
                                  'Strict//EN" "x">\n<html><body><p>Hello there.</p></body></html>\n',
                                  "<meta charset=utf-8><title>T</title>\n<p>Hello there.</p>\n"])
def test_xhtml_and_html_without_its_html_tag_on_stdin_are_sniffed(runner, model_file, html):
    result = predict(runner, model_file, "-f", "tsv", input=html)
    assert [row[2] for row in tsv_rows(result.stdout) if row[2]][-1] == "Hello there."


def test_html_whose_head_holds_over_64_kb_of_style_is_sniffed_on_stdin(runner, model_file):
    html = ("<!DOCTYPE html>\n<html><head><style>\n" + ".a{color:red}\n" * 6000 + "</style></head>\n"
            "<body><p>Hello there.</p></body></html>\n")
    result = predict(runner, model_file, "-f", "tsv", input=html)
    assert [row[2] for row in tsv_rows(result.stdout) if row[2]] == ["Hello there."]


def test_html_opening_with_a_comment_of_over_2_kb_is_sniffed_on_stdin(runner, model_file):
    html = "<!-- " + "Licensed under the terms below. " * 100 + "-->\n<html><body><p>Hello there.</p></body></html>\n"
    result = predict(runner, model_file, "-f", "tsv", input=html)
    assert [row[2] for row in tsv_rows(result.stdout) if row[2]] == ["Hello there."]


def test_jsonl_on_stdin_whose_records_each_open_with_a_bom_is_a_corpus(runner, model_file):
    rows = '\ufeff{"text": "A line."}\n\ufeff{"text": "B line."}\n'  # files with a BOM each, joined by cat
    result = predict(runner, model_file, "-f", "jsonl", "-", input=rows.encode("utf-8"))
    assert (result.exit_code, result.stderr) == (0, "")
    assert [json.loads(r)["text"] for r in result.stdout.splitlines()] == ["A line.", "B line."]


def test_a_scrape_opening_with_a_doctype_but_without_end_tags_is_text_on_stdin(runner, model_file):
    page = "<!DOCTYPE html> declaration explained\n\nThe doctype tells the browser which HTML it reads.\n"
    result = predict(runner, model_file, "-f", "tsv", input=page)
    assert [row[2] for row in tsv_rows(result.stdout)] == page.splitlines()


def test_input_format_text_keeps_tags(runner, model_file, tmp_path):
    html = tmp_path / "page.html"
    html.write_text("<p>Hello there.</p>\n", encoding="utf-8")
    result = predict(runner, model_file, "-f", "tsv", "--input-format", "text", html)
    assert [row[2] for row in tsv_rows(result.stdout)] == ["<p>Hello there.</p>"]


def test_latin1_file_is_decoded_with_a_warning(runner, model_file, tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Crème brûlée au café.\n".encode("latin-1"))
    result = predict(runner, model_file, "-f", "tsv", path)
    assert result.exit_code == 0
    assert tsv_rows(result.stdout)[0][2] == "Crème brûlée au café."
    assert f"Warning: {path}: not valid UTF-8 (byte 2); decoded as cp1252" in result.stderr


@pytest.mark.parametrize(("lines", "codec", "said"), [
    (["Новости", "Всем привет. Сегодня поговорим о погоде в Москве."], "cp1251",
     "not valid UTF-8 (byte 0); decoded as cp1251"),  # a legacy charset, guessed
    (["Menu", "Hello there."], "utf-16-le", "no byte order mark; decoded as UTF-16-LE"),  # UTF-16 without its mark
])
def test_file_not_in_utf8_is_written_as_utf8_with_a_warning_naming_its_charset(runner, model_file, tmp_path,
                                                                                lines, codec, said):
    path = tmp_path / "page.txt"
    path.write_bytes("".join(line + "\n" for line in lines).encode(codec))
    result = predict(runner, model_file, "-f", "tsv", path)
    assert result.exit_code == 0
    assert [row[2] for row in tsv_rows(result.stdout)] == lines
    assert result.stderr == f"Warning: {path}: {said}\n"


@pytest.mark.parametrize("text, warned", [
    ("# url: https://a.example/1\ncontent\tHello there.\n\nboilerplate\tHome\n", True),  # a labelled page
    ("content\t0.9000\tHello there.\nblank\t\t\n", True),  # predict's own TSV output
    ("# url:\r\ncontent\tHello there.\r\n", True),  # an empty header value, rows ending in CRLF
    ("content\tHello there.\nHome\n", False),  # one row without a label: a scrape
    ("Menu\ncontent\tHello there.\n", False),
])
def test_a_labelled_page_given_to_predict_is_scored_as_it_is_with_a_warning(runner, model_file, tmp_path,
                                                                            text, warned):
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    result = predict(runner, model_file, "-f", "tsv", path)
    assert result.exit_code == 0
    assert [row[2] for row in tsv_rows(result.stdout)] == text.replace("\r\n", "\n").rstrip("\n").split("\n")
    assert result.stderr == (f"Warning: {path}: every line opens with a label and a tab, as a labelled page (or "
                             "predict's TSV output) does; its lines are scored as they are, labels and all "
                             "(linesift evaluate scores a labelled page against its labels)\n" if warned else "")


def test_encoding_reads_a_page_in_the_charset_named_without_a_warning(runner, model_file, tmp_path):
    path = tmp_path / "ru.txt"
    path.write_bytes("Новости\nВсем привет.\n".encode("koi8-r"))
    result = predict(runner, model_file, "-f", "tsv", "--encoding", "koi8-r", path)
    assert result.exit_code == 0
    assert [row[2] for row in tsv_rows(result.stdout)] == ["Новости", "Всем привет."]
    assert result.stderr == ""


def test_encoding_replaces_bytes_not_valid_in_it_with_a_warning(runner, model_file, tmp_path):
    path = tmp_path / "page.txt"
    path.write_bytes(b"ok\n" + "Größe".encode("cp1252") + b"\n")
    result = predict(runner, model_file, "-f", "tsv", "--encoding", "utf-8", path)
    assert result.exit_code == 0
    assert [row[2] for row in tsv_rows(result.stdout)] == ["ok", "Gr\ufffd\ufffde"]
    assert result.stderr == f"Warning: {path}: not valid utf-8 (byte 5); undecodable bytes replaced\n"


def test_encoding_that_turns_a_utf8_page_to_mojibake_is_warned_of(runner, model_file, tmp_path):
    path = tmp_path / "page.txt"
    path.write_bytes("ok\nGröße\n".encode("utf-8"))
    result = predict(runner, model_file, "-f", "tsv", "--encoding", "cp1252", path)
    assert result.exit_code == 0
    assert [row[2] for row in tsv_rows(result.stdout)] == ["ok", "GrÃ¶ÃŸe"]  # as asked
    assert result.stderr == (f"Warning: {path}: its bytes are valid UTF-8, which reads them as other characters than "
                             "cp1252 does (mojibake?); without --encoding it is read as UTF-8\n")


def test_a_utf8_page_not_valid_in_the_encoding_named_gets_one_warning_saying_both(runner, model_file, tmp_path):
    path = tmp_path / "page.txt"
    path.write_bytes("ok\nНовости\n".encode("utf-8"))  # Н is D0 9D in UTF-8: 9D is no cp1252 character
    result = predict(runner, model_file, "-f", "tsv", "--encoding", "cp1252", path)
    assert result.exit_code == 0
    assert result.stderr == (f"Warning: {path}: not valid cp1252 (byte 4); undecodable bytes replaced; its bytes "
                             "are valid UTF-8, which reads them as other characters than cp1252 does (mojibake?); without "
                             "--encoding it is read as UTF-8\n")


def test_encoding_overrides_what_an_html_page_declares(runner, model_file, tmp_path):
    path = tmp_path / "p.html"
    path.write_bytes(b'<html><head><meta charset="iso-8859-5"></head><body><p>'
                     + "Всем привет.".encode("cp1251") + b"</p></body></html>")
    result = predict(runner, model_file, "-f", "tsv", "--encoding", "cp1251", path)
    assert result.exit_code == 0
    assert [row[2] for row in tsv_rows(result.stdout)] == ["Всем привет."]
    assert result.stderr == ""


def test_encoding_reads_stdin_in_the_charset_named(runner, model_file):
    result = predict(runner, model_file, "-f", "tsv", "--encoding", "cp1251", "-", input="Всем привет.\n".encode("cp1251"))
    assert result.exit_code == 0
    assert [row[2] for row in tsv_rows(result.stdout)] == ["Всем привет."]
    assert result.stderr == ""


def test_encoding_still_refuses_a_file_that_is_not_text(runner, model_file, tmp_path):
    path = tmp_path / "img.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    result = predict(runner, model_file, "--encoding", "cp1251", path)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {path}: not a text file\n"


def test_encoding_refuses_a_page_mostly_of_bytes_not_valid_in_it_saying_so(runner, model_file, tmp_path):
    path = tmp_path / "ru.txt"
    path.write_bytes("Всем привет.\n".encode("cp1251"))
    result = predict(runner, model_file, "--encoding", "utf-8", path)
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {path}: not text in utf-8: most of its bytes are not valid there (without "
                             "--encoding the charset is guessed)\n")


@pytest.mark.parametrize("name", ["nope", "hex", "idna"])
def test_encoding_that_is_no_page_charset_is_refused(runner, model_file, tmp_path, name):
    path = tmp_path / "page.txt"
    path.write_text("Hello.\n", encoding="utf-8")
    result = predict(runner, model_file, "--encoding", name, path)
    assert result.exit_code == 2
    assert result.stderr == (f"Error: --encoding {name}: not a charset Python reads pages in "
                             "(e.g. utf-8, cp1252, cp1251, gb18030); see 'root predict -h'\n")


# -- predict: output formats ---------------------------------------------------------------------------
def test_tsv_has_one_row_per_input_line_with_original_text(runner, model_file, page):
    result = predict(runner, model_file, "--format", "tsv", page)
    assert result.exit_code == 0
    rows = tsv_rows(result.stdout)
    assert [row[2] for row in rows] == PAGE_LINES
    for (label, score, _), line in zip(rows, PAGE_LINES):
        if line.strip():
            assert label in ("content", "boilerplate")
            assert re.fullmatch(r"[01]\.\d{4}", score) and 0.0 <= float(score) <= 1.0
        else:
            assert (label, score) == ("blank", "")


@pytest.mark.parametrize("threshold, label", [("0", "content"), ("1", "boilerplate")])
def test_tsv_labels_follow_the_threshold(runner, model_file, page, threshold, label):
    result = predict(runner, model_file, "-f", "tsv", "--threshold", threshold, page)
    assert result.exit_code == 0
    labels = [row[0] for row in tsv_rows(result.stdout)]
    assert labels == ["blank" if not line.strip() else label for line in PAGE_LINES]


def test_tsv_labels_at_a_threshold_between_the_scores_split_them_by_score(runner, model_file, page):
    rows = tsv_rows(predict(runner, model_file, "-f", "tsv", "--threshold", "0.5", page).stdout)
    scored = [(label, float(score)) for label, score, line in rows if line.strip()]
    assert {label for label, _ in scored} == {"content", "boilerplate"}  # the page has lines on both sides
    assert all(label == ("content" if score >= 0.5 else "boilerplate") for label, score in scored)


def test_output_file_of_a_run_in_which_every_input_failed_is_not_written(runner, model_file, tmp_path):
    out = tmp_path / "out.jsonl"
    result = predict(runner, model_file, "-f", "jsonl", "-o", out, tmp_path / "missing.txt", tmp_path / "gone.txt")
    assert (result.exit_code, out.exists(), list(tmp_path.iterdir())) == (1, False, [])


def test_jsonl_records(runner, model_file, page):
    result = predict(runner, model_file, "--format", "jsonl", page)
    assert result.exit_code == 0
    records = [json.loads(row) for row in result.stdout.splitlines()]
    assert [r["line"] for r in records] == list(range(1, len(PAGE_LINES) + 1))
    assert [r["text"] for r in records] == PAGE_LINES
    assert {r["path"] for r in records} == {str(page)}
    for r in records:
        assert set(r) == {"path", "line", "label", "score", "text"}
        if r["text"].strip():
            assert r["label"] in ("content", "boilerplate") and 0.0 <= r["score"] <= 1.0
        else:
            assert (r["label"], r["score"]) == ("blank", None)


def test_jsonl_from_stdin_has_path_dash(runner, model_file):
    result = predict(runner, model_file, "-f", "jsonl", input="One line.\n")
    assert json.loads(result.stdout)["path"] == "-"


def test_jsonl_output_escapes_what_splitlines_takes_for_line_breaks(runner, model_file, tmp_path):
    lines = ["A line\u2028with a separator.", "Second\x85line.", "Third\u2029one."]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"id": "a\u2028b", "text": "\n".join(lines)}, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    per_line = predict(runner, model_file, "-f", "jsonl", "-", input="\n".join(lines) + "\n")
    per_record = predict(runner, model_file, "-f", "jsonl", corpus)
    assert [json.loads(row)["text"] for row in per_line.stdout.splitlines()] == lines
    assert [json.loads(row)["id"] for row in per_record.stdout.splitlines()] == ["a\u2028b"]
    assert "\\u2028" in per_line.stdout and "\u2028" not in per_line.stdout + per_record.stdout


def test_text_format_prints_only_content_lines(runner, model_file, page):
    labelled = tsv_rows(predict(runner, model_file, "-f", "tsv", page).stdout)
    content = [line for label, _, line in labelled if label == "content"]
    assert content, "the model kept nothing of the test page"
    result = predict(runner, model_file, page)
    assert result.exit_code == 0
    assert [line for line in result.stdout.splitlines() if line] == content


def test_text_format_keeps_one_blank_line_between_blocks(runner, model_file, tmp_path):
    path = tmp_path / "blocks.txt"
    path.write_text("\n\nFirst line.\nSecond line.\n\n\n   \nThird line.\n\n", encoding="utf-8")
    result = predict(runner, model_file, "--threshold", "0", path)
    assert result.stdout == "First line.\nSecond line.\n\nThird line.\n"


def test_output_file(runner, model_file, page, tmp_path):
    out = tmp_path / "out.tsv"
    expected = predict(runner, model_file, "-f", "tsv", page).stdout
    result = predict(runner, model_file, "-f", "tsv", "-o", out, page)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8") == expected


def test_output_file_leaves_no_temporary_file(runner, model_file, page, tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    predict(runner, model_file, "-o", out_dir / "kept.txt", page)
    assert [p.name for p in out_dir.iterdir()] == ["kept.txt"]


def test_output_file_replaces_an_existing_file(runner, model_file, page, tmp_path):
    out = tmp_path / "out.txt"
    out.write_text("old contents\n", encoding="utf-8")
    result = predict(runner, model_file, "-o", out, page)
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8") == predict(runner, model_file, page).stdout


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_output_file_keeps_the_mode_of_the_file_it_replaces(runner, model_file, page, tmp_path):
    out = tmp_path / "out.txt"
    out.write_text("old contents\n", encoding="utf-8")
    out.chmod(0o640)
    result = predict(runner, model_file, "-o", out, page)
    assert result.exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


def test_a_directory_that_cannot_be_listed_is_named_and_the_others_processed(runner, model_file, page, tmp_path,
                                                                          monkeypatch):
    import linesift.inputs

    root = tmp_path / "scrapes"
    (root / "locked").mkdir(parents=True)
    (root / "locked" / "hidden.txt").write_text(PAGE_TEXT, encoding="utf-8")
    (root / "a.txt").write_text(PAGE_TEXT, encoding="utf-8")
    alone = predict(runner, model_file, "-f", "tsv", "--no-sites", root / "a.txt")
    read_bytes = Path.read_bytes

    def refused(path):  # what chmod 000 does to a user who is not root
        if path.name == "locked":
            raise PermissionError(13, "Permission denied")
        return read_bytes(path)

    monkeypatch.setattr(linesift.inputs, "_unlistable", lambda path: path.name == "locked")
    monkeypatch.setattr(Path, "read_bytes", refused)
    result = predict(runner, model_file, "-f", "tsv", "--no-sites", root)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {root / 'locked'}: Permission denied\n"
    assert result.stdout == alone.stdout


def test_a_path_whose_directory_cannot_be_entered_is_read_as_a_file(tmp_path, monkeypatch):
    from linesift.inputs import expand_paths

    target = tmp_path / "locked" / "c.txt"
    real = Path.is_dir

    def is_dir(self):
        if self == target:
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "is_dir", is_dir)
    assert expand_paths([str(target), str(tmp_path)]) == [str(target)]


def test_a_directory_entry_that_cannot_be_checked_is_kept_to_be_reported(tmp_path, monkeypatch):
    from linesift.inputs import expand_paths

    (tmp_path / "link.txt").write_text("x", encoding="utf-8")
    real = Path.is_file

    def is_file(self):  # a link into a directory this process may not enter
        if self.name == "link.txt":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "is_file", is_file)
    assert expand_paths([str(tmp_path)]) == [str(tmp_path / "link.txt")]


def test_output_equal_to_input_is_refused(runner, model_file, page):
    result = predict(runner, model_file, "-o", page, page)
    assert result.exit_code == 1
    assert f"Error: {page}: output would overwrite an input" in result.stderr
    assert page.read_text(encoding="utf-8") == PAGE_TEXT


@pytest.mark.parametrize("suffix", ["", ".json"])
def test_output_equal_to_the_model_or_its_sidecar_is_refused(runner, model_file, page, tmp_path, suffix):
    copy = tmp_path / "m.model"
    shutil.copyfile(model_file, copy)
    shutil.copyfile(f"{model_file}.json", f"{copy}.json")
    target = Path(f"{copy}{suffix}")
    before = target.read_bytes()
    result = predict(runner, copy, "-o", target, page)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {target}: output would overwrite the model file being read (or its sidecar)\n"
    assert target.read_bytes() == before


def test_output_in_missing_directory_is_refused(runner, model_file, page, tmp_path):
    out = tmp_path / "nope" / "out.txt"
    result = predict(runner, model_file, "-o", out, page)
    assert result.exit_code == 1
    assert f"Error: {out}: directory {out.parent} does not exist" in result.stderr


# -- predict: errors -----------------------------------------------------------------------------------
def test_missing_file(runner, model_file, tmp_path):
    missing = tmp_path / "missing.txt"
    result = predict(runner, model_file, missing)
    assert result.exit_code == 1
    assert f"Error: {missing}: no such file" in result.stderr
    assert result.stdout == ""


def test_binary_file(runner, model_file, binary):
    result = predict(runner, model_file, binary)
    assert result.exit_code == 1
    assert f"Error: {binary}: not a text file" in result.stderr
    assert result.stdout == ""


def test_directory_with_a_good_and_a_binary_file(runner, model_file, tmp_path):
    folder = tmp_path / "scrapes"
    folder.mkdir()
    good = folder / "b-good.txt"
    good.write_text(PAGE_TEXT, encoding="utf-8")
    bad = folder / "a-bad.bin"
    bad.write_bytes(b"\x00\x01\x02\x03" * 64)
    result = predict(runner, model_file, "-f", "jsonl", folder)
    assert result.exit_code == 1
    rows = [json.loads(row) for row in result.stdout.splitlines()]
    assert rows[0] == {"error": f"{bad}: not a text file"}  # its place in the output, in input order
    assert {row["path"] for row in rows[1:]} == {str(good)}
    assert f"Error: {bad}: not a text file" in result.stderr


def test_failed_input_with_output_file_still_writes_the_good_pages(runner, model_file, page, binary, tmp_path):
    out = tmp_path / "out.txt"
    result = predict(runner, model_file, "-o", out, binary, page)
    assert result.exit_code == 1
    assert out.read_text(encoding="utf-8") == predict(runner, model_file, page).stdout


def test_fail_fast_stops_at_first_unreadable_input(runner, model_file, page, tmp_path):
    missing = tmp_path / "missing.txt"
    result = predict(runner, model_file, "--fail-fast", missing, page)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"Error: {missing}: no such file" in result.stderr


def test_truncated_model_is_refused(runner, model_file, page, tmp_path):
    broken = tmp_path / "broken.model"
    broken.write_bytes(model_file.read_bytes()[:200])
    shutil.copy(model_file.with_name(model_file.name + ".json"), broken.with_name("broken.model.json"))
    result = runner.invoke(app, ["predict", "--model", str(broken), str(page)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {broken}: ")
    assert "sha256" in result.stderr
    assert "Traceback" not in result.output


def test_a_model_s_sidecar_given_as_the_model_says_so(runner, page, model_file):
    sidecar = model_file.with_name(model_file.name + ".json")
    result = runner.invoke(app, ["predict", "--model", str(sidecar), str(page)])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"Error: {sidecar}: the sidecar of the model file {model_file}; give the model file\n"


def test_model_without_sidecar_is_refused(runner, page, tmp_path):
    lonely = tmp_path / "lonely.model"
    lonely.write_bytes(b"not a model")
    result = runner.invoke(app, ["predict", "--model", str(lonely), str(page)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {lonely}: no sidecar lonely.model.json beside the model file\n"


@SHIPPED_MODEL
def test_predict_with_the_shipped_model(runner, page):
    result = runner.invoke(app, ["predict", "-f", "tsv", str(page)])
    assert result.exit_code == 0
    assert [row[2] for row in tsv_rows(result.stdout)] == PAGE_LINES


@SHIPPED_MODEL
def test_the_shipped_model_has_every_part_the_recipe_fits():
    from linesift.predict import default_model

    model = default_model()
    assert model.islands and model.unseen_shift == 0.3
    assert (model.members, len(model.members_), model.min_samples_leaf) == (3, 3, 500)
    assert all(part is not None for part in (model.page_model_, model.tail_model_, model.head_model_, model.vocabulary_))


# a Thai news page (written for this test): Thai puts no space between words and no full stop after a sentence
THAI_PAGE = [
    "หน้าแรก", "ข่าว", "กีฬา", "บันเทิง", "ติดต่อเรา", "ค้นหา", "",
    "ฝนตกหนักทำให้น้ำท่วมถนนในเมืองเชียงใหม่", "",
    "เมื่อวันอังคารที่ผ่านมา ฝนตกหนักต่อเนื่องหลายชั่วโมงทำให้น้ำท่วมถนนสายหลักหลายสายในตัวเมืองเชียงใหม่ "
    "ประชาชนจำนวนมากต้องเดินทางกลับบ้านล่าช้า",
    "เจ้าหน้าที่เทศบาลได้นำเครื่องสูบน้ำมาช่วยระบายน้ำออกจากพื้นที่ลุ่มต่ำ และขอให้ผู้ขับขี่หลีกเลี่ยงเส้นทางที่มีน้ำท่วมขัง",
    "กรมอุตุนิยมวิทยาคาดว่าจะมีฝนตกต่อเนื่องไปอีกสองถึงสามวัน จึงขอให้ประชาชนติดตามประกาศเตือนภัยอย่างใกล้ชิด", "",
    "แชร์ข่าวนี้", "ข่าวที่เกี่ยวข้อง", "© 2026 ข่าวเหนือออนไลน์", "นโยบายความเป็นส่วนตัว",
]


@SHIPPED_MODEL
def test_the_shipped_model_keeps_a_thai_article_written_without_sentence_marks(runner, tmp_path):
    # its spaces read as clause marks (codepoints.clause_marks); without them every line was dropped
    page = tmp_path / "thai.txt"
    page.write_text("\n".join(THAI_PAGE) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["predict", str(page)])
    assert result.exit_code == 0
    assert result.stdout == "\n".join([THAI_PAGE[7], "", *THAI_PAGE[9:12]]) + "\n"


# -- train, evaluate, info -----------------------------------------------------------------------------
def test_train_prints_cross_validated_scores(trained):
    path, result = trained
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("cross-validated (3 folds by site, ")
    assert path.is_file()
    assert path.with_name(path.name + ".json").is_file()


@pytest.mark.parametrize("flag, says", [([], (True, True, True)), (["--no-page-thresholds"], (False, True, True)),
                                        (["--no-tail-cut"], (True, False, True)),
                                        (["--no-headline"], (True, True, False))])
def test_train_says_when_it_raises_thresholds_per_page_and_cuts_where_the_content_ends(runner, tmp_path, monkeypatch,
                                                                                       flag, says):
    monkeypatch.setattr("linesift.classifier.PAGE_MODEL_MIN_PAGES", 2)  # data/pages holds too few pages
    monkeypatch.setattr("linesift.classifier.TAIL_MODEL_MIN_PAGES", 2)
    monkeypatch.setattr("linesift.classifier.HEAD_MODEL_MIN_PAGES", 2)
    result = runner.invoke(app, ["train", str(PAGES_DIR), "--trees", "10", "-o", str(tmp_path / "m.model"), *flag])
    assert result.exit_code == 0, result.output
    assert ("raised per page (word F1 at " in result.stdout,
            "cut where the main content ends (word F1 without the cut: " in result.stdout,
            "headline kept above it (word F1 without: " in result.stdout) == says


@pytest.mark.parametrize("below, calls", [(10**9, 1), (0, 0)])
def test_train_fits_a_small_set_on_one_thread(runner, tmp_path, monkeypatch, below, calls):
    pinned = []
    monkeypatch.setattr("linesift.cli._one_thread", lambda: pinned.append(True))
    monkeypatch.setattr("linesift.cli.TRAIN_ONE_THREAD_LINES", below)
    result = runner.invoke(app, ["train", str(PAGES_DIR), "--trees", "10", "-o", str(tmp_path / "m.model")])
    assert result.exit_code == 0
    assert len(pinned) == calls


def test_train_fits_the_members_asked_for(runner, tmp_path):
    from linesift.modelfile import load_model

    path = tmp_path / "m.model"
    result = runner.invoke(app, ["train", str(PAGES_DIR), "--trees", "10", "--members", "2", "-o", str(path)])
    assert result.exit_code == 0, result.output
    model = load_model(path)
    assert (model.members, len(model.members_)) == (2, 2)
    assert json.loads(path.with_name("m.model.json").read_text())["params"]["members"] == 2


def test_train_logs_each_step_of_the_fit_as_it_starts(runner, tmp_path):
    result = runner.invoke(app, ["train", str(PAGES_DIR), "--trees", "10", "--members", "2", "-o",
                                 str(tmp_path / "m.model")])
    steps = [line.split(" s: ", 1)[1] for line in result.stderr.splitlines() if " s: " in line]
    assert steps == [f"member {m} of 2: {step} (3 folds, then all pages) ..."
                     for m in (1, 2) for step in ("the lexical step", "stage 1", "stage 2")] + [
        "the threshold, and the page, tail and headline models where there are pages enough for them ..."]


def test_train_on_few_pages_says_so_on_stderr(trained):
    _, result = trained  # data/pages holds fewer than 30 pages
    assert "linesift: note: with fewer than 30 pages the model depends much on which pages they are" in result.stderr
    assert "note" not in result.stdout


def test_train_records_its_settings(model_file):
    side = json.loads(model_file.with_name(model_file.name + ".json").read_text(encoding="utf-8"))
    assert side["params"]["n_estimators"] == 30
    assert side["training"]["pages"] == len(sorted(PAGES_DIR.glob("*.tsv")))


def test_train_records_how_its_scores_were_cross_validated(trained):
    path, result = trained
    side = json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))
    folds, sites = re.match(r"cross-validated \((\d+) folds by site, \d+ pages, (\d+) sites\)", result.stdout).groups()
    assert side["training"]["cross_validation"] == {"folds": int(folds), "by": "site", "sites": int(sites)}


def test_evaluate_scores_a_repeated_page_once_and_names_an_empty_corpus(runner, model_file, tmp_path):
    shutil.copy(PAGES_DIR / "en-news-harbour.tsv", tmp_path / "a.tsv")
    shutil.copy(PAGES_DIR / "en-news-harbour.tsv", tmp_path / "b.tsv")
    (tmp_path / "empty.jsonl").write_text("")
    result = runner.invoke(app, ["evaluate", str(model_file), str(tmp_path), "--json"])
    assert result.exit_code == 0
    assert result.stderr == (f"Warning: {tmp_path / 'empty.jsonl'}: no records\n"
                             "linesift: note: 1 page repeats an earlier page line for line, labels and all (the "
                             f"first: {tmp_path / 'b.tsv'}); each is scored once\n")
    assert json.loads(result.stdout)["pages"] == 1


def test_evaluate_default_is_the_shipped_model(runner):
    from linesift.modelfile import default_model_path, read_sidecar

    named = runner.invoke(app, ["evaluate", "default", str(PAGES_DIR), "--json", "--no-sites"])
    by_path = runner.invoke(app, ["evaluate", str(default_model_path()), str(PAGES_DIR), "--json", "--no-sites"])
    assert (named.exit_code, by_path.exit_code) == (0, 0)
    assert named.stdout == by_path.stdout
    assert json.loads(named.stdout)["threshold"] == read_sidecar(default_model_path())["threshold"]


def test_a_model_file_named_default_is_that_file(runner, model_file, tmp_path, monkeypatch):
    import shutil

    from linesift.modelfile import read_sidecar, sidecar_path

    shutil.copy(model_file, tmp_path / "default")
    shutil.copy(sidecar_path(model_file), sidecar_path(tmp_path / "default"))
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["evaluate", "default", str(PAGES_DIR), "--json", "--no-sites"])
    assert result.exit_code == 0, result.output
    side = read_sidecar(tmp_path / "default")
    assert json.loads(result.stdout)["threshold"] == side["threshold"] != 0.35
    info = runner.invoke(app, ["info", "default"])
    assert json.loads(info.stdout)["sha256"] == side["sha256"]


@pytest.mark.parametrize("text", ["", "\n\n", "unsure\tA line.\n"])
def test_evaluate_without_a_labelled_line_is_an_error(runner, model_file, tmp_path, text):
    path = tmp_path / "p.tsv"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(model_file), str(path)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: no line labelled content or boilerplate in {path}: nothing to score\n"
    assert result.stdout == ""


@pytest.mark.parametrize("command", ["train", "import"])
def test_train_and_import_refuse_dash_as_output(runner, tmp_path, command):
    result = runner.invoke(app, [command, str(tmp_path), "-o", "-"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: -: this command writes a file, not stdout; give the ")
    assert result.stderr.endswith(f"; see 'root {command} -h'\n")
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("output", ["afile/out.txt", "afile/"])
def test_an_output_inside_a_file_says_the_file_is_no_directory(runner, model_file, page, tmp_path, monkeypatch,
                                                                 output):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("x\n")
    result = runner.invoke(app, ["predict", "-m", str(model_file), str(page), "-o", output])
    assert (result.exit_code, result.stderr) == (1, {
        "afile/out.txt": "Error: afile/out.txt: afile is a file, not a directory\n",
        "afile/": "Error: afile: is a file, not a directory (afile/ ends with /)\n"}[output])
    assert (tmp_path / "afile").read_text() == "x\n"


def test_import_refuses_an_output_name_train_would_not_read(runner, tmp_path):
    result = runner.invoke(app, ["import", str(tmp_path / "c.jsonl"), "-o", str(tmp_path / "o.txt")])
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {tmp_path / 'o.txt'}: give a .jsonl or .jsonl.gz name (train and evaluate "
                             "tell a labelled corpus by it); see 'root import -h'\n")


@pytest.mark.parametrize("text", ["", "unsure\tA line.\n"])
def test_evaluate_leaves_a_page_with_nothing_to_score_out_of_the_word_mean(runner, model_file, tmp_path, text):
    page = sorted(PAGES_DIR.glob("*.tsv"))[0]
    (tmp_path / "nothing.tsv").write_text(text, encoding="utf-8")
    alone, beside = (json.loads(runner.invoke(app, ["evaluate", str(model_file), *paths, "--json"]).stdout)
                     for paths in ([str(page)], [str(page), str(tmp_path / "nothing.tsv")]))
    assert (beside["pages"], beside["word_f1"], beside["lines"]) == (2, alone["word_f1"], alone["lines"])
    assert alone["word_f1"] < 1.0


def test_train_warns_and_prints_no_scores_where_no_fold_can_be_scored(runner, tmp_path):
    (tmp_path / "a.tsv").write_text("content\tA sentence of an article, long enough.\ncontent\tAnother one.\n")
    (tmp_path / "b.tsv").write_text("boilerplate\tHome\nboilerplate\tContact\n")
    result = runner.invoke(app, ["train", str(tmp_path), "-o", str(tmp_path / "m.model")])
    assert result.exit_code == 0
    assert ("Warning: 2 of 2 cross-validation folds train on pages of one label only (all content or "
            "all boilerplate) and cannot be scored; no fold was, so the threshold is not tuned (labelling at 0.5) "
            "and there are no cross-validated scores: label pages that hold both\n") in result.stderr
    assert result.stdout == ("cross-validated (2 folds by site, 2 pages, 2 sites): line P n/a R n/a F1 n/a, "
                             "word F1 n/a, threshold 0.500 (not tuned: no fold could be scored)\n")
    sidecar = json.loads((tmp_path / "m.model.json").read_text())
    assert sidecar["cross_validated"] == {"line_precision": None, "line_recall": None, "line_f1": None,
                                          "word_f1": None, "threshold": 0.5}


def test_train_reads_a_page_named_twice_once_and_says_so(runner, tmp_path):
    for name, label in (("a", "content"), ("b", "boilerplate")):
        (tmp_path / f"{name}.tsv").write_text(f"content\tA sentence of page {name}, long enough.\n{label}\tHome\n")
    result = runner.invoke(app, ["train", str(tmp_path), str(tmp_path / "a.tsv"), "-o", str(tmp_path / "m.model")])
    assert result.exit_code == 0
    assert (f"linesift: note: {tmp_path / 'a.tsv'} named more than once (a directory and a file in it, a link to a "
            "file named too); it is read once\n") in result.stderr
    assert json.loads((tmp_path / "m.model.json").read_text())["training"]["pages"] == 2


def test_evaluate_reads_a_page_named_twice_once_and_says_so(runner, model_file, tmp_path):
    for name in ("a", "b"):
        (tmp_path / f"{name}.tsv").write_text(f"content\tA sentence of page {name}, long enough.\nboilerplate\tHome\n")
    result = runner.invoke(app, ["evaluate", str(model_file), str(tmp_path), str(tmp_path / "a.tsv"), "--json"])
    assert result.exit_code == 0
    assert result.stderr == (f"linesift: note: {tmp_path / 'a.tsv'} named more than once (a directory and a file in "
                             "it, a link to a file named too); it is read once\n")
    assert (json.loads(result.stdout)["pages"], json.loads(result.stdout)["lines"]) == (2, 4)


@SHIPPED_MODEL
def test_predict_model_default_is_the_shipped_model(runner, page):
    named = runner.invoke(app, ["predict", "-m", "default", "-f", "tsv", str(page)])
    assert (named.exit_code, named.stdout) == (0, runner.invoke(app, ["predict", "-f", "tsv", str(page)]).stdout)


def test_train_trains_once_on_a_page_repeated_in_another_file_and_says_so(runner, tmp_path):
    for name, label in (("a", "content"), ("b", "boilerplate")):
        (tmp_path / f"{name}.tsv").write_text(f"content\tA sentence of page {name}, long enough.\n{label}\tHome\n")
    (tmp_path / "c.tsv").write_text((tmp_path / "a.tsv").read_text())
    result = runner.invoke(app, ["train", str(tmp_path), "-o", str(tmp_path / "m.model")])
    assert result.exit_code == 0
    assert (f"linesift: note: 1 page repeats an earlier page line for line, labels and all (the first: "
            f"{tmp_path / 'c.tsv'}); each is trained on once\n") in result.stderr
    assert json.loads((tmp_path / "m.model.json").read_text())["training"]["pages"] == 2


def test_train_names_files_of_its_directories_that_are_not_labelled_pages(runner, tmp_path):
    for name, label in (("a", "content"), ("b", "boilerplate")):
        (tmp_path / f"{name}.tsv").write_text(f"content\tA sentence of page {name}, long enough.\n{label}\tHome\n")
    (tmp_path / "c.txt").write_text("content\tA labelled page with the wrong suffix.\n")
    (tmp_path / ".notes.txt").write_text("hidden: not counted\n")
    result = runner.invoke(app, ["train", str(tmp_path), "-o", str(tmp_path.parent / "m.model")])
    assert result.exit_code == 0
    assert (f"linesift: note: 1 file in the directories given is not .tsv, .jsonl, .jsonl.gz and left out (the "
            f"first: {tmp_path / 'c.txt'})\n") in result.stderr


def test_train_says_when_no_site_has_two_pages_to_learn_cross_page_features_from(runner, tmp_path):
    for name in ("a", "b"):
        (tmp_path / f"{name}.tsv").write_text(f"# url: https://{name}.example/1\nboilerplate\tHome of {name}\n"
                                              f"content\tA sentence of page {name}, long enough.\n")
    result = runner.invoke(app, ["train", str(tmp_path), "-o", str(tmp_path / "m.model")])
    assert result.exit_code == 0
    assert ("linesift: note: no site has 2 or more pages in the cross-page table (sites by url, '# site:' or "
            "shared template lines; 30% of the pages with a site are left out of it, as pages scored alone, and each "
            "renderer's renders count apart), so the model learns no cross-page features and scores every page "
            "alone\n") in result.stderr


def test_train_names_gzip_data_on_stdin(runner, tmp_path):
    import gzip

    result = runner.invoke(app, ["train", "-", "-o", str(tmp_path / "m.model")],
                           input=gzip.compress(b"content\tA sentence.\n"))
    assert result.exit_code == 1
    assert result.stderr == "Error: -: gzip-compressed; decompress it first (zcat)\n"


def test_evaluate_reads_corpora_with_a_bom_each_joined_on_stdin_as_it_reads_them_joined_in_a_file(runner, model_file,
                                                                                                   tmp_path):
    rows = [b'\xef\xbb\xbf{"lines": ["Home", "The council met."], "labels": ["boilerplate", "content"]}\n',
            b'\xef\xbb\xbf{"lines": ["News", "The ferry ran late."], "labels": ["boilerplate", "content"]}\n']
    (tmp_path / "joined.jsonl").write_bytes(b"".join(rows))  # as `cat a.jsonl b.jsonl` joins them
    by_name = runner.invoke(app, ["evaluate", str(model_file), str(tmp_path / "joined.jsonl"), "--json"])
    on_stdin = runner.invoke(app, ["evaluate", str(model_file), "-", "--json"], input=b"".join(rows))
    assert (by_name.exit_code, on_stdin.exit_code) == (0, 0)
    assert json.loads(on_stdin.stdout) == json.loads(by_name.stdout)
    assert json.loads(on_stdin.stdout)["pages"] == 2


@pytest.mark.parametrize("sites", ["--sites", "--no-sites"])
def test_train_groups_its_folds_by_the_sites_pages_without_urls_share(runner, tmp_path, sites):
    template = "".join(f"boilerplate\t{line}\n" for line in ("Harbour News", "Home", "Local", "Sport", "Weather"))
    for name in ("a", "b", "c"):  # a and b share a template, c has its own
        head = template if name != "c" else f"boilerplate\tThe {name} gazette\n"
        (tmp_path / f"{name}.tsv").write_text(f"{head}content\tA sentence of page {name}, long enough to read.\n")
    result = runner.invoke(app, ["train", str(tmp_path), sites, "--cv", "2", "-o", str(tmp_path / "m.model")])
    assert result.exit_code == 0
    assert result.stdout.startswith("cross-validated (2 folds by site, 3 pages, 2 sites): ")


def test_train_writes_a_model_named_like_a_sidecar_where_no_model_is_beside_it(runner, tmp_path):
    (tmp_path / "notes.txt").write_text("notes")  # (an existing notes.txt.json, not a model, would be refused)
    result = runner.invoke(app, ["train", str(PAGES_DIR), "--trees", "10", "-o", str(tmp_path / "notes.txt.json")])
    assert result.exit_code == 0
    from linesift.modelfile import load_model

    assert load_model(tmp_path / "notes.txt.json").threshold_ > 0  # the model, with its own sidecar beside it
    assert (tmp_path / "notes.txt").read_text() == "notes"


def test_train_refuses_to_write_a_model_over_the_sidecar_of_another(runner, tmp_path):
    (tmp_path / "m.model").write_bytes(b"a model")
    (tmp_path / "m.model.json").write_text('{"kind": "linesift.LineClassifier"}')
    result = runner.invoke(app, ["train", str(PAGES_DIR), "-o", str(tmp_path / "m.model.json")])
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {tmp_path / 'm.model.json'}: the sidecar of the model file "
                             f"{tmp_path / 'm.model'}; name the model file otherwise\n")
    assert (tmp_path / "m.model").read_bytes() == b"a model"


def test_train_refuses_a_model_named_as_labelled_data(runner, tmp_path):
    pages = tmp_path / "pages"
    shutil.copytree(PAGES_DIR, pages)
    first, *rest = sorted(pages.glob("*.tsv"))  # as the shell expands `-o pages/*.tsv`
    before = first.read_bytes()
    result = runner.invoke(app, ["train", "-o", str(first), *map(str, rest)])
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {first}: a labelled-data name, which train would read as pages next time; name "
                             "the model file otherwise (e.g. my.model); see 'root train -h'\n")
    assert first.read_bytes() == before and not Path(f"{first}.json").exists()


def test_train_refuses_the_shipped_model_s_name(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["train", str(PAGES_DIR), "-o", "default"])
    assert result.exit_code == 2
    assert result.stderr == ("Error: default: names the shipped model for evaluate, predict and info (`-m default`); "
                             "name the model file otherwise (e.g. my.model); see 'root train -h'\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("existing", ["notes.txt", "notes.txt.json"])
def test_train_refuses_to_replace_a_file_that_is_not_a_model_or_its_sidecar(runner, tmp_path, existing):
    (tmp_path / existing).write_text('{"my": "settings"}')
    result = runner.invoke(app, ["train", str(PAGES_DIR), "-o", str(tmp_path / "notes.txt")])
    assert result.exit_code == 1
    assert result.stderr == ({
        "notes.txt": f"Error: {tmp_path / 'notes.txt'}: exists and is not a model file (no notes.txt.json beside it); "
                     "give -o another name, or remove the file first\n",
        "notes.txt.json": f"Error: {tmp_path / 'notes.txt'}: its sidecar {tmp_path / 'notes.txt.json'} would replace a "
                          "file that is not a model's; give -o another name, or remove that first\n"}[existing])
    assert [p.name for p in tmp_path.iterdir()] == [existing]
    assert (tmp_path / existing).read_text() == '{"my": "settings"}'


def test_train_names_a_directory_where_the_sidecar_would_go(runner, tmp_path):
    (tmp_path / "my.model.json").mkdir()
    result = runner.invoke(app, ["train", str(PAGES_DIR), "-o", str(tmp_path / "my.model")])
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {tmp_path / 'my.model'}: its sidecar {tmp_path / 'my.model.json'} would replace "
                             "a directory; give -o another name, or remove that first\n")
    assert [p.name for p in tmp_path.iterdir()] == ["my.model.json"]


def test_predict_refuses_to_replace_labelled_pages_named_by_a_glob_after_output(runner, model_file, tmp_path):
    pages = tmp_path / "pages"
    shutil.copytree(PAGES_DIR, pages)
    first, *rest = sorted(pages.glob("*.tsv"))  # as the shell expands `-o pages/*.tsv`
    before = first.read_bytes()
    result = runner.invoke(app, ["predict", "-m", str(model_file), "-o", str(first), *map(str, rest)])
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {first}: exists and holds rows that are not predict's TSV (label, score, "
                             f"line): an input? (a glob after -o names one: -o {pages / '*.tsv'}); give -o another "
                             "name, or remove the file first\n")
    assert first.read_bytes() == before


@pytest.mark.parametrize(("encode", "said"), [
    (lambda text: gzip.compress(text.encode()), "gzip-compressed: a corpus so compressed is named .jsonl.gz (or "
                                                 "decompress it first)"),
    (lambda text: text.encode("utf-16"), "UTF-16 text: JSONL corpora are UTF-8 (save it as UTF-8)"),
    (lambda text: text.encode("utf-16-le"), "UTF-16 text: JSONL corpora are UTF-8 (save it as UTF-8)"),
    (lambda text: ("\r\n\n" + text).encode("utf-16-be"), "UTF-16 text: JSONL corpora are UTF-8 (save it as UTF-8)"),
])
def test_a_corpus_that_is_not_rows_of_utf8_is_one_error(runner, model_file, tmp_path, encode, said):
    corpus = tmp_path / "c.jsonl"
    corpus.write_bytes(encode("".join(json.dumps({"text": f"The council met on day {i}."}) + "\n" for i in range(3))))
    result = runner.invoke(app, ["predict", "-m", str(model_file), "-f", "jsonl", str(corpus)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {corpus}: {said}\n"
    assert [json.loads(row) for row in result.stdout.splitlines()] == [{"error": f"{corpus}: {said}"}]


def test_predict_refuses_to_replace_a_corpus_that_is_not_its_output(runner, model_file, tmp_path):
    for name in ("a.jsonl", "b.jsonl"):
        (tmp_path / name).write_text(json.dumps({"id": name, "text": "The council met on Tuesday."}) + "\n")
    result = runner.invoke(app, ["predict", "-m", str(model_file), "-o", str(tmp_path / "a.jsonl"),
                                 str(tmp_path / "b.jsonl")])
    assert result.exit_code == 1
    assert "holds records that are not predict's output (no linesift or error field): an input?" in result.stderr


@pytest.mark.parametrize(("name", "held", "said"), [
    ("c.jsonl", '{"id": 1, "text": "The council met."}\n', "records that are not predict's output (no linesift or "
                                                            "error field)"),
    ("p.tsv", "content\tThe council met.\n", "a labelled page (label, tab, line)"),
])
def test_a_text_output_does_not_replace_a_corpus_or_a_labelled_page_under_its_name(runner, model_file, page,
                                                                                   tmp_path, name, held, said):
    (tmp_path / name).write_text(held, encoding="utf-8")
    result = runner.invoke(app, ["predict", "-m", str(model_file), "-f", "text", "-o", str(tmp_path / name),
                                 str(page)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith(f"Error: {tmp_path / name}: exists and holds {said}: an input?")
    assert (tmp_path / name).read_text(encoding="utf-8") == held


def test_a_text_output_replaces_an_earlier_text_output_named_tsv(runner, model_file, page, tmp_path):
    args = ["predict", "-m", str(model_file), "-f", "text", "-o", str(tmp_path / "out.tsv"), str(page)]
    assert [runner.invoke(app, args).exit_code for _ in range(2)] == [0, 0]


@pytest.mark.parametrize("fmt", ["text", "jsonl"])
def test_predict_refuses_to_replace_another_model_file(runner, model_file, tmp_path, page, fmt):
    other = tmp_path / "other.model"
    shutil.copy(model_file, other)
    shutil.copy(model_file.with_name(model_file.name + ".json"), tmp_path / "other.model.json")
    result = runner.invoke(app, ["predict", "-m", str(model_file), "-f", fmt, "-o", str(other), str(page)])
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {other}: exists and is a linesift model (its sidecar other.model.json is beside "
                             "it); give -o another name, or remove the file first\n")
    assert other.read_bytes() == model_file.read_bytes()


@pytest.mark.parametrize("fmt", ["text", "jsonl"])
def test_predict_refuses_to_replace_a_model_files_sidecar(runner, model_file, tmp_path, page, fmt):
    other = tmp_path / "other.model"
    shutil.copy(model_file, other)
    sidecar = tmp_path / "other.model.json"
    shutil.copy(model_file.with_name(model_file.name + ".json"), sidecar)
    before = sidecar.read_bytes()
    result = runner.invoke(app, ["predict", "-m", str(model_file), "-f", fmt, "-o", str(sidecar), str(page)])
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {sidecar}: exists and is the sidecar of the model file {other}; give -o another "
                             "name\n")
    assert sidecar.read_bytes() == before


@pytest.mark.parametrize("out", ["out.tsv", "out.jsonl", "out.jsonl.gz", "out.txt"])
def test_predict_replaces_its_earlier_output_beside_its_inputs(runner, model_file, tmp_path, out):
    for name in ("page1.txt", "page2.txt"):  # the output sorts before them, beside them
        (tmp_path / name).write_text("\nThe council met on Tuesday to agree on the budget.\n")  # a blank first row
    args = ["predict", "-m", str(model_file), str(tmp_path / "page1.txt"), str(tmp_path / "page2.txt"),
            "-o", str(tmp_path / out)]
    # a text output cannot be told from the scrapes it sorts before, named as they are: refused, to be safe
    assert [runner.invoke(app, args).exit_code for _ in range(2)] == [0, 1 if out == "out.txt" else 0]


@pytest.mark.parametrize("name, text", [
    ("a.txt", "Home\nThe council met.\n"),  # a scrape, the first of a glob
    ("a.html", "<p>The council met.</p>\n"),  # an HTML page, whatever its place
    ("a.tsv", "\ncontent\tThe council met.\n"),  # a labelled page opening with a blank line
    ("a.tsv", "content\t\tIndented code\n"),  # a labelled line opening with a tab
])
def test_predict_refuses_to_replace_a_page_a_glob_after_output_names(runner, model_file, tmp_path, name, text):
    (tmp_path / name).write_text(text)
    for other in ("b", "c"):
        (tmp_path / f"{other}{Path(name).suffix}").write_text(text)
    result = runner.invoke(app, ["predict", "-m", str(model_file), "-o", str(tmp_path / name),
                                 str(tmp_path / f"b{Path(name).suffix}"), str(tmp_path / f"c{Path(name).suffix}")])
    assert result.exit_code == 1
    assert (tmp_path / name).read_text() == text


def test_import_replaces_its_earlier_output_but_not_a_corpus(runner, tmp_path):
    for name in ("cc1.jsonl", "cc2.jsonl"):
        (tmp_path / name).write_text(json.dumps({"id": name, "html": "<p>The council met.</p>",
                                                 "main_content": "The council met."}) + "\n")
    args = ["import", str(tmp_path / "cc1.jsonl"), str(tmp_path / "cc2.jsonl"), "-o"]
    assert [runner.invoke(app, args + [str(tmp_path / "all.jsonl")]).exit_code for _ in range(2)] == [0, 0]
    over_input = runner.invoke(app, ["import", str(tmp_path / "cc2.jsonl"), "-o", str(tmp_path / "cc1.jsonl")])
    assert over_input.exit_code == 1
    assert "holds records that are not labelled pages (lines, labels): an input?" in over_input.stderr


def test_train_scores_only_the_folds_it_can_when_one_cannot_be_scored(runner, tmp_path):
    (tmp_path / "p1.tsv").write_text("content\tA sentence of an article, long enough to read.\ncontent\tMore.\n")
    (tmp_path / "p2.tsv").write_text("content\tThe council met on Monday.\ncontent\tIt decided to wait.\n")
    (tmp_path / "p3.tsv").write_text("boilerplate\tHome\ncontent\tThe harbour will be dredged.\nboilerplate\tContact\n")
    result = runner.invoke(app, ["train", str(tmp_path), "-o", str(tmp_path / "m.model"), "--cv", "3"])
    assert result.exit_code == 0
    assert "1 of 3 cross-validation folds train on pages of one label only" in result.stderr
    assert result.stdout.startswith("cross-validated (3 folds by site, 3 pages, 3 sites): line P 1.000 R 1.000 ")


def test_evaluate_json(runner, model_file):
    result = runner.invoke(app, ["evaluate", str(model_file), str(PAGES_DIR), "--json"])
    assert result.exit_code == 0
    scores = json.loads(result.stdout)
    assert scores["pages"] == len(sorted(PAGES_DIR.glob("*.tsv")))
    assert 0.9 <= scores["word_f1"] <= 1.0  # scored on its own training pages


def test_evaluate_table(runner, model_file):
    result = runner.invoke(app, ["evaluate", str(model_file), str(PAGES_DIR)])
    assert result.exit_code == 0
    keys = [row.split("\t")[0] for row in result.stdout.splitlines()]
    assert keys == ["pages", "corpus_mode", "lines", "threshold", "pages_raised", "pages_cut", "pages_headline",
                    "line_precision", "line_recall",
                    "line_f1", "word_precision", "word_recall", "word_f1"]


def test_evaluate_threshold_zero_keeps_everything(runner, model_file):
    result = runner.invoke(app, ["evaluate", str(model_file), str(PAGES_DIR), "--json", "--threshold", "0"])
    scores = json.loads(result.stdout)
    assert (scores["threshold"], scores["line_recall"], scores["word_recall"]) == (0.0, 1.0, 1.0)


def test_info(runner, model_file):
    result = runner.invoke(app, ["info", str(model_file)])
    assert result.exit_code == 0
    shown = json.loads(result.stdout)
    assert shown["sha256"] == hashlib.sha256(model_file.read_bytes()).hexdigest()
    assert shown["path"] == str(model_file)


def test_info_of_the_shipped_model(runner):
    result = runner.invoke(app, ["info"])
    assert result.exit_code == 0
    assert Path(json.loads(result.stdout)["path"]).name == "default.model"


def test_info_of_a_missing_model_file(runner, tmp_path):
    result = runner.invoke(app, ["info", str(tmp_path / "x.model")])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'x.model'}: no such model file\n"


def test_info_without_sidecar(runner, tmp_path):
    (tmp_path / "x.model").write_bytes(b"not a model")
    result = runner.invoke(app, ["info", str(tmp_path / "x.model")])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'x.model'}: no sidecar x.model.json beside the model file\n"


@pytest.fixture()
def malformed(tmp_path) -> Path:
    folder = tmp_path / "labelled"
    folder.mkdir()
    (folder / "bad.tsv").write_text("# lang: en\ncontent\tGood line.\nmain\tTypo label.\n", encoding="utf-8")
    return folder


def test_train_on_malformed_labelled_file(runner, malformed, tmp_path):
    result = runner.invoke(app, ["train", str(malformed), "--trees", "10", "-o", str(tmp_path / "m.model")])
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {malformed / 'bad.tsv'}:3: unknown label 'main' "
                             "(expected content, boilerplate or unsure)\n")
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    assert not (tmp_path / "m.model").exists()


def test_evaluate_on_malformed_labelled_file(runner, model_file, malformed):
    result = runner.invoke(app, ["evaluate", str(model_file), str(malformed)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {malformed / 'bad.tsv'}:3: ")
    assert isinstance(result.exception, SystemExit)


def test_train_on_missing_data(runner, tmp_path):
    result = runner.invoke(app, ["train", str(tmp_path / "nope"), "-o", str(tmp_path / "m.model")])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'nope'}: no such file or directory\n"


def test_train_on_empty_directory(runner, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["train", str(empty), "-o", str(tmp_path / "m.model")])
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {empty}: no labelled pages found "
                             "(a directory gives its .tsv, .jsonl, .jsonl.gz files)\n")


def test_train_on_one_page_fails_cleanly(runner, tmp_path):
    result = runner.invoke(app, ["train", str(PAGES_DIR / "en-news-harbour.tsv"), "--trees", "10",
                                 "-o", str(tmp_path / "m.model")])
    assert result.exit_code == 1
    assert result.stderr.endswith("Error: training needs content or boilerplate lines on at least 2 pages (or sites) "
                                  "for out-of-fold stacking\n")


def test_train_names_a_page_of_unsure_lines_only(runner, tmp_path):
    (tmp_path / "u.tsv").write_text("unsure\tKommentare (3)\n\nunsure\tSeite drucken\n", encoding="utf-8")
    result = runner.invoke(app, ["train", str(PAGES_DIR / "en-news-harbour.tsv"), str(tmp_path / "u.tsv"),
                                 "--trees", "10", "-o", str(tmp_path / "m.model")])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"linesift: note: 1 page with no content or boilerplate line (only unsure or "
                                    f"blank ones) teaches nothing (the first: {tmp_path / 'u.tsv'})\n")


def test_a_page_of_unsure_lines_on_a_site_of_its_own_does_not_make_the_folds_by_site(runner, tmp_path):
    page = "content\tThe council met on {} to agree the budget.\nboilerplate\tHome | News | Sport\n"
    for name in "ab":
        (tmp_path / f"{name}.tsv").write_text(f"# url: https://news.example/{name}\n" + page.format(name),
                                              encoding="utf-8")
    (tmp_path / "u.tsv").write_text("# url: https://other.example/u\nunsure\tSeite drucken\n", encoding="utf-8")
    result = runner.invoke(app, ["train", *(str(tmp_path / f"{n}.tsv") for n in "abu"), "--trees", "10",
                                 "-o", str(tmp_path / "m.model")])
    assert result.exit_code == 0
    assert result.stdout.startswith("cross-validated (2 folds by page, 3 pages, 1 site): ")


def test_train_bad_context_exits_2(runner, tmp_path):
    result = runner.invoke(app, ["train", str(PAGES_DIR), "--context", "both", "-o", str(tmp_path / "m.model")])
    assert result.exit_code == 2
    assert "Error: --context must be stack, smooth or none, not 'both'" in result.stderr


# -- import ----------------------------------------------------------------------------------------------
HTML_RECORD = {
    "id": "t1",
    "corpus": "mini",
    "html": "<html><body><nav><ul><li>Home</li><li>News</li></ul></nav><h1>Harbour plan stalls</h1>"
    "<p>The council and the port trust could not agree on who pays for the silt.</p>"
    "<p>A new meeting has been called for next month.</p><footer>© 2026 Example</footer></body></html>",
    "main_content": "Harbour plan stalls\nThe council and the port trust could not agree on who pays for the "
    "silt.\nA new meeting has been called for next month.",
}


@pytest.fixture()
def corpus(tmp_path) -> Path:
    path = tmp_path / "corpus.jsonl"
    path.write_text(json.dumps(HTML_RECORD) + "\n", encoding="utf-8")
    return path


def labelled_by_text(path: Path) -> dict[str, str | None]:
    from linesift.training.labelled import read_jsonl_pages

    (page,) = list(read_jsonl_pages(path))
    return {line.strip(): label for line, label in zip(page.lines, page.labels) if line.strip()}


def test_import_with_inscriptis(runner, corpus, tmp_path):
    out = tmp_path / "labelled.jsonl"
    result = runner.invoke(app, ["import", str(corpus), "-o", str(out)])
    assert result.exit_code == 0
    assert result.stdout == "corpus\trenderer\tpages\toracle_word_f1\nmini\tinscriptis\t1\t1.0000\n"
    labels = labelled_by_text(out)
    assert labels["Harbour plan stalls"] == "content"
    assert labels["A new meeting has been called for next month."] == "content"
    assert labels["© 2026 Example"] == "boilerplate"


def test_import_renders_a_corpus_or_renderer_named_twice_once(runner, corpus, tmp_path):
    out = tmp_path / "labelled.jsonl"
    result = runner.invoke(app, ["import", str(corpus), str(corpus), "-r", "inscriptis", "-r", "inscriptis",
                                 "-o", str(out)])
    assert result.exit_code == 0
    assert result.stdout == "corpus\trenderer\tpages\toracle_word_f1\nmini\tinscriptis\t1\t1.0000\n"
    assert result.stderr == ("linesift: note: a renderer is named more than once; each renders the pages once\n"
                             f"linesift: note: {corpus} is given more than once; its pages are imported once\n")


def test_import_says_a_corpus_holds_no_records(runner, tmp_path):
    (tmp_path / "empty.jsonl").write_text("")
    result = runner.invoke(app, ["import", str(tmp_path / "empty.jsonl"), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0
    assert result.stderr == f"Warning: {tmp_path / 'empty.jsonl'}: no records\n"


def test_import_replaces_the_empty_gzip_an_import_of_no_records_wrote(runner, corpus, tmp_path):
    (tmp_path / "empty.jsonl").write_text("")
    out = tmp_path / "out.jsonl.gz"
    first = runner.invoke(app, ["import", str(tmp_path / "empty.jsonl"), "-o", str(out)])
    second = runner.invoke(app, ["import", str(corpus), "-o", str(out)])
    assert (first.exit_code, second.exit_code, second.stderr) == (0, 0, "")
    assert [json.loads(row)["id"] for row in gzip.decompress(out.read_bytes()).splitlines()] == ["t1"]


def test_import_writes_the_same_gzip_bytes_for_the_same_pages(runner, corpus, tmp_path):
    import gzip

    outs = [tmp_path / "a.jsonl.gz", tmp_path / "b.jsonl.gz"]
    for out in outs:
        assert runner.invoke(app, ["import", str(corpus), "-o", str(out)]).exit_code == 0
    assert outs[0].read_bytes() == outs[1].read_bytes()  # no file name or time in the gzip header
    assert gzip.decompress(outs[0].read_bytes()).decode("utf-8").count("\n") == 1


@pytest.mark.parametrize("flags, label", [([], "content"), (["--no-fold"], "unsure")])
def test_import_folds_soft_hyphens_unless_told_not_to(runner, tmp_path, flags, label):
    gold = "Die Fahrradstraße wird verlängert, sagt die Bezirksbürgermeisterin."
    html = "<p>Startseite</p><p>Die Fahr&shy;rad&shy;stra&shy;ße wird verlängert, sagt die Bezirks&shy;bürger&shy;meisterin.</p>"
    source = tmp_path / "c.jsonl"
    source.write_text(json.dumps({"id": "p", "html": html, "main_content": gold}) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "o.jsonl"), *flags])
    assert result.exit_code == 0, result.output
    labels = labelled_by_text(tmp_path / "o.jsonl")
    assert [labels[k] for k in labels if k.startswith("Die")] == [label]


@pytest.mark.parametrize("page_id", [5, None])
def test_import_takes_a_record_whose_id_is_not_a_string(runner, tmp_path, page_id):
    source = tmp_path / "c.jsonl"
    source.write_text(json.dumps({"id": page_id, "html": "<p>a b c</p>", "main_content": "a b c"}) + "\n")
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 0, result.output
    assert labelled_by_text(tmp_path / "o.jsonl") == {"a b c": "content"}


def test_import_gzips_an_output_named_in_capitals(runner, tmp_path):
    source = tmp_path / "c.jsonl"
    source.write_text(json.dumps({"id": "p", "html": "<p>a b c</p>", "main_content": "a b c"}) + "\n")
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "O.JSONL.GZ")])
    assert result.exit_code == 0, result.output
    assert json.loads(gzip.decompress((tmp_path / "O.JSONL.GZ").read_bytes()))["labels"] == ["content"]


def test_import_keeps_an_id_of_0(runner, tmp_path):
    source = tmp_path / "c.jsonl"
    source.write_text(json.dumps({"id": 0, "html": "<p>a b c</p>", "main_content": "a b c"}) + "\n")
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "o.jsonl").read_text())["id"] == "0"


def test_import_names_a_page_its_renderer_failed_on_and_still_writes_it(runner, corpus, tmp_path, monkeypatch):
    from linesift.training import renderers

    def broken(html):
        raise OSError("broken pipe")

    monkeypatch.setitem(renderers.RENDERERS, "inscriptis", broken)
    out = tmp_path / "labelled.jsonl"
    result = runner.invoke(app, ["import", str(corpus), "-o", str(out)])
    assert result.exit_code == 0
    assert result.stderr == ("Warning: mini: 1 page(s) not rendered with inscriptis, written with no lines "
                             "(first: t1: inscriptis failed (broken pipe))\n")
    assert result.stdout == "corpus\trenderer\tpages\toracle_word_f1\nmini\tinscriptis\t1\t0.0000\n"
    assert labelled_by_text(out) == {}


def test_import_names_a_page_rendered_to_blank_lines_only_as_lynx_renders_empty_html(runner, tmp_path, monkeypatch):
    from linesift.training import renderers

    monkeypatch.setitem(renderers.RENDERERS, "inscriptis", lambda html: "\n")
    source = tmp_path / "c.jsonl"
    source.write_text(json.dumps({"id": "e1", "corpus": "mini", "html": "", "main_content": ""}) + "\n")
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 0
    assert result.stderr == ("Warning: mini: 1 page(s) with no text rendered with inscriptis (their html is empty or "
                             "markup only), written with no lines (first: e1)\n")


def test_import_names_a_page_it_cannot_align_in_full_and_writes_those_lines_as_unsure(runner, tmp_path):
    source = tmp_path / "c.jsonl"  # 2 * 3200 * 3200 pairs of equal words, and no word or run of words found once
    source.write_text(json.dumps({"id": "r1", "corpus": "mini", "html": "<p>Startseite</p>" + "<p>ja nein</p>" * 3200,
                                  "main_content": "nein ja\n" * 3200}) + "\n")
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 0
    assert result.stderr == ("Warning: mini: 1 page(s) (inscriptis) too large to align in full within the alignment's "
                             "work limits (data/CLI.md, import); lines whose label depends on the rest are written as "
                             "unsure (first: r1: 3200 of 3201 lines)\n")
    assert labelled_by_text(tmp_path / "o.jsonl") == {"Startseite": "boilerplate", "ja nein": "unsure"}
    again = runner.invoke(app, ["import", str(tmp_path / "o.jsonl"), "-o", str(tmp_path / "again.jsonl")])
    assert (again.exit_code, again.stderr) == (0, "linesift: 1 labelled page (lines and labels) copied as given\n")


@pytest.mark.parametrize("html", ["", "<html><head><title>t</title></head><body></body></html>"])
def test_import_names_a_page_with_no_text_to_render_and_still_writes_it(runner, tmp_path, html):
    source = tmp_path / "c.jsonl"
    source.write_text(json.dumps({"id": "e1", "corpus": "mini", "html": html, "main_content": "a b c"}) + "\n")
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 0
    assert result.stderr == ("Warning: mini: 1 page(s) with no text rendered with inscriptis (their html is empty or "
                             "markup only), written with no lines (first: e1)\n")
    assert result.stdout == "corpus\trenderer\tpages\toracle_word_f1\nmini\tinscriptis\t1\t0.0000\n"


def test_import_names_the_pages_whose_gold_it_mostly_did_not_find(runner, tmp_path):
    source = tmp_path / "c.jsonl"
    source.write_text("".join(json.dumps({"id": i, "corpus": "mini", "html": f"<p>The council met on day {i}.</p>",
                                          "main_content": gold}) + "\n"
                              for i, gold in enumerate(["The council met on day 0.", "Fishing boats left the bay."])))
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 0
    assert result.stderr == ("Warning: mini: 1 page(s) (inscriptis) whose gold text was mostly not found in the render "
                             "(oracle word F1 below 0.5), written with their lines as labelled, most of them "
                             "boilerplate (first: 1: 0.00); each page's oracle_word_f1 says which\n")
    assert result.stdout == "corpus\trenderer\tpages\toracle_word_f1\nmini\tinscriptis\t2\t0.5000\n"


def _renderer_missing(name: str) -> bool:
    from linesift.training.renderers import available_renderers

    return name not in available_renderers()


@pytest.mark.parametrize("renderer", [
    pytest.param(name, marks=pytest.mark.skipif(_renderer_missing(name), reason=f"{name} is not installed"))
    for name in ("w3m", "lynx", "html-text", "chromium")
])
def test_import_with_text_browser(runner, corpus, tmp_path, renderer):
    out = tmp_path / "labelled.jsonl.gz"
    result = runner.invoke(app, ["import", str(corpus), "-r", renderer, "-o", str(out)])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1] == f"mini\t{renderer}\t1\t1.0000"
    assert labelled_by_text(out)["The council and the port trust could not agree on who pays for the silt."] == "content"


def test_import_unknown_renderer(runner, corpus, tmp_path):
    result = runner.invoke(app, ["import", str(corpus), "-r", "netscape", "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 2  # a bad option value is a usage error
    assert result.stderr.startswith("Error: renderer 'netscape' is not available here (available: ")
    assert "inscriptis" in result.stderr


def test_import_of_a_gzipped_corpus_cut_short_names_the_line_it_breaks_at(runner, tmp_path):
    rows = "".join(json.dumps({"html": f"<p>Story {i} of the harbour.</p>", "main_content": f"Story {i} of the harbour."})
                   + "\n" for i in range(3))
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(gzip.compress(rows.encode(), mtime=0)[:-12])  # its last bytes and check gone
    result = runner.invoke(app, ["import", str(cut), "-o", str(tmp_path / "o.jsonl")])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (f"Error: {cut}:3: cannot read (Compressed file ended before the end-of-stream marker "
                             "was reached)\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cut.jsonl.gz"]


def test_import_broken_corpus_leaves_no_output(runner, tmp_path):
    broken = tmp_path / "broken.jsonl"
    broken.write_text("{not json\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    result = runner.invoke(app, ["import", str(broken), "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {broken}:1: broken JSON (Expecting property name enclosed in double quotes at column 2)\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.jsonl"]


# -- JSONL corpora ---------------------------------------------------------------------------------------
def test_jsonl_corpus_gives_one_record_per_page_with_fields_kept(runner, model_file, tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        '{"id": "a", "url": "https://a.example/1", "text": "Home\\n\\nThe council met on Tuesday."}\n'
        '{"id": "b", "text": "One line."}\n', encoding="utf-8")
    result = runner.invoke(app, ["predict", str(corpus), "--model", str(model_file), "--format", "jsonl"])
    assert result.exit_code == 0
    records = [json.loads(r) for r in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["a", "b"]
    assert records[0]["url"] == "https://a.example/1"
    assert records[0]["line_labels"][1] == "blank"
    assert len(records[0]["line_scores"]) == 3
    assert records[0]["linesift"]["lines"] == 3
    assert records[0]["content"] == "\n".join(
        line for line, lab in zip(["Home", "", "The council met on Tuesday."], records[0]["line_labels"])
        if lab == "content")


def test_jsonl_corpus_records_say_which_line_of_a_one_line_page_was_kept_whole(runner, model_file, tmp_path):
    corpus = tmp_path / "c.jsonl"
    flat = "Home News Sport " + "The council met on Tuesday to agree on the harbour budget. " * 30
    corpus.write_text(json.dumps({"text": flat}) + "\n" + json.dumps({"text": "Home\n\nThe council met."}) + "\n",
                      encoding="utf-8")
    kept = runner.invoke(app, ["predict", str(corpus), "--model", str(model_file), "-f", "jsonl", "-q"])
    by_score = runner.invoke(app, ["predict", str(corpus), "--model", str(model_file), "-f", "jsonl", "-q",
                                   "--threshold", "0.5"])
    assert [json.loads(r)["linesift"].get("whole_line") for r in kept.stdout.splitlines()] == [1, None]
    assert [json.loads(r)["linesift"].get("whole_line") for r in by_score.stdout.splitlines()] == [None, None]


def test_jsonl_output_refuses_a_text_field_it_would_replace(runner, model_file, tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"content": "Home\\n\\nThe council met on Tuesday."}\n', encoding="utf-8")
    refused = predict(runner, model_file, corpus, "--text-field", "content", "-f", "jsonl")
    as_tsv = predict(runner, model_file, corpus, "--text-field", "content", "-f", "tsv")
    assert refused.exit_code == 2
    assert refused.stderr == ("Error: --text-field content: --format jsonl writes its results in the record's "
                              "content, line_labels, line_scores, linesift fields (or error), which would replace "
                              "this one; rename it first (e.g. jq -c '.input_content = .content | del(.content)') "
                              "and give --text-field input_content; see 'root predict -h'\n")
    assert (as_tsv.exit_code, len(tsv_rows(as_tsv.stdout))) == (0, 3)
    error_field = predict(runner, model_file, corpus, "--text-field", "error", "-f", "jsonl")
    assert (error_field.exit_code, error_field.stderr.split(":")[:2]) == (2, ["Error", " --text-field error"])


def test_records_holding_output_fields_are_warned_of_once_per_file(runner, model_file, tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"text": "a", "linesift": "v1"}\n{"text": "b", "linesift": "v1"}\n', encoding="utf-8")
    result = predict(runner, model_file, corpus, "-f", "jsonl")
    as_tsv = predict(runner, model_file, corpus, "-f", "tsv")  # nothing replaced: nothing said
    assert result.exit_code == 0
    assert result.stderr == (f"Warning: {corpus}:1: --format jsonl: the record already has 'linesift', which the "
                             "results replace (said once per file)\n")
    assert [json.loads(r)["linesift"]["lines"] for r in result.stdout.splitlines()] == [1, 1]
    assert (as_tsv.exit_code, as_tsv.stderr) == (0, "")


def test_results_of_an_earlier_run_beside_a_new_error_are_said_once_per_file(runner, model_file, tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"text": null, "content": "Old text.", "linesift": {"lines": 1}}\n'
                      '{"text": null, "content": "Old text."}\n', encoding="utf-8")
    result = predict(runner, model_file, corpus, "-f", "jsonl")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {corpus}:1: no string field 'text'; the record already has 'content', "
                             "'linesift', which stay beside the error (said once per file)\n"
                             f"Error: {corpus}:2: no string field 'text'\n")
    assert [json.loads(r)["error"] for r in result.stdout.splitlines()] == [
        f"{corpus}:1: no string field 'text'", f"{corpus}:2: no string field 'text'"]


def test_an_ndjson_gz_file_is_a_corpus(runner, model_file, tmp_path):
    corpus = tmp_path / "c.ndjson.gz"
    corpus.write_bytes(gzip.compress(b'{"id": 1, "text": "A line."}\n{"id": 2, "text": "B line."}\n'))
    result = predict(runner, model_file, corpus, "-f", "jsonl")
    assert (result.exit_code, result.stderr) == (0, "")
    assert [json.loads(r)["id"] for r in result.stdout.splitlines()] == [1, 2]


def test_an_output_directory_is_made_only_where_its_parent_exists(runner, model_file, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("The council met on Tuesday.\n", encoding="utf-8")
    deep = predict(runner, model_file, page, "-o", f"{tmp_path / 'typo' / 'out'}/")
    made = predict(runner, model_file, page, "-o", f"{tmp_path / 'out'}/")
    assert (deep.exit_code, deep.stderr) == (1, f"Error: {tmp_path / 'typo' / 'out'}: directory {tmp_path / 'typo'} "
                                                "does not exist\n")
    assert not (tmp_path / "typo").exists()
    assert (made.exit_code, (tmp_path / "out").is_dir()) == (0, True)


def test_a_page_given_twice_is_scored_twice_with_a_note(runner, model_file, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("The council met on Tuesday.\n", encoding="utf-8")
    result = predict(runner, model_file, page, tmp_path, "-f", "tsv")
    assert result.exit_code == 0
    assert result.stderr == (f"linesift: note: {page} is given more than once (itself or through a directory); it "
                             "is scored each time\n")
    assert len(result.stdout.splitlines()) == 2


def test_an_output_named_for_another_format_is_warned_of(runner, model_file, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("The council met on Tuesday.\n", encoding="utf-8")
    result = predict(runner, model_file, page, "-f", "tsv", "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 0
    assert result.stderr == (f"Warning: {tmp_path / 'out.jsonl'}: named as jsonl, written as tsv (--format); a later "
                             "run would read it by its name\n")
    assert (tmp_path / "out.jsonl").read_text().startswith(("content\t", "boilerplate\t"))


def test_encoding_given_for_a_jsonl_corpus_is_warned_of(runner, model_file, tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"text": "The council met on Tuesday."}\n', encoding="utf-8")
    result = predict(runner, model_file, corpus, "--encoding", "cp1251")
    assert result.exit_code == 0
    assert result.stderr == (f"Warning: {corpus}: --encoding is for text and HTML pages; JSONL and Parquet are read "
                             "as UTF-8, WARC by each record's Content-Type\n")


def test_predict_s_own_line_records_read_back_are_warned_of_once_per_file(runner, model_file, tmp_path):
    (tmp_path / "page.txt").write_text("Home\nThe council met on Tuesday.\n", encoding="utf-8")
    first = predict(runner, model_file, tmp_path / "page.txt", "-f", "jsonl", "-o", str(tmp_path / "labels.jsonl"))
    again = predict(runner, model_file, tmp_path, "-f", "tsv", "--no-sites")
    assert (first.exit_code, again.exit_code) == (0, 0)
    assert again.stderr == (f"Warning: {tmp_path / 'labels.jsonl'}:1: a record of one line and its label, as "
                            "`linesift predict -f jsonl` writes for scrapes: each is read as a page (said once per "
                            "file)\n")


@pytest.mark.parametrize("args", [["info", "-"], ["evaluate", "-", str(PAGES_DIR)], ["predict", "-m", "-", "x.txt"]])
def test_a_model_given_as_stdin_is_refused_as_such(runner, args):
    result = runner.invoke(app, args)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "Error: -: a model is read from a file, not stdin; give its path\n"


@pytest.mark.parametrize("command", ["train", "evaluate"])
def test_an_html_page_given_as_labelled_data_is_named_as_html(runner, tmp_path, command):
    page = tmp_path / "p.html"
    page.write_text("<!DOCTYPE html>\n<html><body><p>The council met.</p></body></html>\n")
    args = ["train", str(page), "-o", str(tmp_path / "x.model")] if command == "train" else ["evaluate", "default",
                                                                                          str(page)]
    result = runner.invoke(app, args)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (f"Error: {page}:1: an HTML page, not a labelled page (label, tab, line: data/FORMAT.md); "
                             "with its gold text, `linesift import` labels it\n")


def test_a_record_without_text_but_with_html_names_the_html_field(runner, model_file, tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "a", "html": "<p>The council met.</p>"}\n', encoding="utf-8")
    result = runner.invoke(app, ["predict", str(corpus), "--model", str(model_file)])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"Error: {corpus}:1: no string field 'text' (it has 'html': --html-field html renders it)\n"


def test_records_without_a_page_are_said_three_times_per_file_then_counted(runner, model_file, tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": i, "body": "x"}) + "\n" for i in range(5))
                      + json.dumps({"id": 5, "text": "The council met."}) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["predict", str(corpus), "--model", str(model_file), "--format", "jsonl"])
    rows = [json.loads(r) for r in result.stdout.splitlines()]
    assert (result.exit_code, [r["id"] for r in rows], ["error" in r for r in rows]) == (
        1, [0, 1, 2, 3, 4, 5], [True] * 5 + [False])  # each still in place in the output
    assert result.stderr == (f"Error: {corpus}:1: no string field 'text'\n"
                             f"Error: {corpus}:2: no string field 'text'\n"
                             f"Error: {corpus}:3: no string field 'text'; later ones of this file are counted at its "
                             "end\n"
                             f"Warning: {corpus}: 2 more record(s) without a page, not said one by one\n")


def test_jsonl_corpus_bad_record_is_named_and_others_processed(runner, model_file, tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "a", "text": "x"}\nnot json\n{"id": "c", "body": "y"}\n{"id": "d", "text": "z"}\n',
                      encoding="utf-8")
    result = runner.invoke(app, ["predict", str(corpus), "--model", str(model_file), "--format", "jsonl"])
    assert result.exit_code == 1
    rows = [json.loads(r) for r in result.stdout.splitlines()]  # one output record per input record
    assert [r.get("id") for r in rows] == ["a", None, "c", "d"]
    assert rows[1:3] == [{"error": f"{corpus}:2: broken JSON (Expecting value at column 1)"},
                         {"id": "c", "body": "y", "error": f"{corpus}:3: no string field 'text'"}]  # its fields kept
    assert f"Error: {corpus}:2: broken JSON" in result.stderr
    assert f"Error: {corpus}:3: no string field 'text'" in result.stderr


def test_a_jsonl_row_that_is_not_an_object_says_so(runner, model_file, tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('[1, 2]\n{"text": "The council met."}\n', encoding="utf-8")
    result = runner.invoke(app, ["predict", str(corpus), "--model", str(model_file), "--format", "jsonl"])
    assert result.exit_code == 1
    assert json.loads(result.stdout.splitlines()[0]) == {"error": f"{corpus}:1: a record must be a JSON object"}
    assert result.stderr == f"Error: {corpus}:1: a record must be a JSON object\n"


def test_a_scrape_named_jsonl_is_one_error_not_one_per_row(runner, model_file, tmp_path):
    scrape = tmp_path / "page.jsonl"
    scrape.write_text("Home | News\n\nThe board met on Monday.\nIt agreed to dredge.\nMore rows.\n", encoding="utf-8")
    result = runner.invoke(app, ["predict", str(scrape), "--model", str(model_file), "--format", "jsonl"])
    assert result.exit_code == 1
    assert result.stdout == json.dumps({"error": f"{scrape}: not a JSONL corpus (its first 3 rows are not JSON; row 1: "
                                                 "broken JSON (Expecting value at column 1)); a scrape is read with "
                                                 "--input-format text"}) + "\n"
    assert result.stderr == "Error: " + json.loads(result.stdout)["error"] + "\n"


def test_a_corpus_opening_with_two_broken_rows_names_each(runner, model_file, tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('not json\nnor this\n{"text": "x"}\n', encoding="utf-8")
    result = runner.invoke(app, ["predict", str(corpus), "--model", str(model_file), "--format", "jsonl"])
    assert result.exit_code == 1
    assert [json.loads(r).get("error", "record") for r in result.stdout.splitlines()] == [
        f"{corpus}:1: broken JSON (Expecting value at column 1)", f"{corpus}:2: broken JSON (Expecting value at column 1)",
        "record"]


@SHIPPED_MODEL
@pytest.mark.parametrize("quiet", [[], ["-q"]])
def test_pages_from_stdin_scored_without_corpus_mode_get_a_note(runner, tmp_path, quiet):
    rows = "".join(json.dumps({"text": f"Home\nThe council met on day {i}."}) + "\n" for i in range(2))
    result = runner.invoke(app, ["predict", "-f", "jsonl", *quiet], input=rows)  # the shipped model uses sites
    assert result.exit_code == 0
    assert result.stderr == ("" if quiet else
                             "linesift: note: pages read from stdin are scored page by page: corpus mode (lines "
                             "repeated across a site's pages) reads its inputs twice, so it needs files (give a "
                             "file's path instead of -; -q: no note)\n")


def test_a_shard_of_records_without_pages_is_written_as_its_error_records(runner, model_file, tmp_path):
    corpus, out = tmp_path / "c.jsonl", tmp_path / "out.jsonl"
    corpus.write_text('{"id": 1, "text": null}\n{"id": 2}\n', encoding="utf-8")
    result = runner.invoke(app, ["predict", str(corpus), "-m", str(model_file), "-o", str(out)])
    as_tsv = runner.invoke(app, ["predict", str(corpus), "-m", str(model_file), "-o", str(tmp_path / "out.tsv")])
    assert (result.exit_code, as_tsv.exit_code) == (1, 1)
    assert [json.loads(r) for r in out.read_text().splitlines()] == [
        {"id": 1, "text": None, "error": f"{corpus}:1: no string field 'text'"},
        {"id": 2, "error": f"{corpus}:2: no string field 'text'"}]
    assert not (tmp_path / "out.tsv").exists()  # no record written: every input failed


def test_a_jsonl_corpus_on_stdin_is_read_record_by_record_after_blank_lines(runner, model_file, tmp_path):
    rows = '{"id": "a", "text": "Home\\n\\nThe council met on Tuesday."}\n{"id": "b", "text": "One line."}\n'
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(rows, encoding="utf-8")
    from_stdin = predict(runner, model_file, "-f", "jsonl", "--no-sites", "-", input="\n" + rows)
    from_file = predict(runner, model_file, "-f", "jsonl", "--no-sites", str(corpus))
    assert from_stdin.exit_code == 0
    records = [json.loads(r) for r in from_stdin.stdout.splitlines()]
    assert [r["id"] for r in records] == ["a", "b"]
    assert [r["line_labels"] for r in records] == [json.loads(r)["line_labels"] for r in from_file.stdout.splitlines()]


def test_stdin_opening_with_a_json_object_is_a_corpus_whose_records_need_the_text_field(runner, model_file):
    result = predict(runner, model_file, "-f", "jsonl", "-", input='{"body": "The council met."}\n')
    assert result.exit_code == 1
    assert result.stderr == ("Error: -:1: no string field 'text' (stdin is read as a JSONL corpus, as its first lines "
                             "that are not blank are JSON objects: --text-field names another field, --input-format "
                             "text reads it as one page)\n")


@pytest.mark.parametrize("opening", ['{"level": "info", "text": "page fetched"}', '{"@context": "https://schema.org"}',
                                     '{"name": "demo", "version": "1.0.0",'])
def test_stdin_opening_with_a_json_line_that_text_follows_is_a_text_page(runner, model_file, opening):
    page = f"{opening}\nThe council met on Tuesday.\n{{\n"
    result = predict(runner, model_file, "-f", "tsv", "-", input=page)
    assert result.exit_code == 0
    assert [row[2] for row in tsv_rows(result.stdout)] == [opening, "The council met on Tuesday.", "{"]


def test_stdin_opening_with_other_json_is_a_text_page(runner, model_file):
    page = '["not", "a record"]\nThe council met on Tuesday.\n'
    result = predict(runner, model_file, "-f", "jsonl", "-", input=page)
    assert result.exit_code == 0
    assert [json.loads(r)["text"] for r in result.stdout.splitlines()] == ['["not", "a record"]',
                                                                         "The council met on Tuesday."]


def test_a_text_page_on_stdin_keeps_its_leading_blank_lines(runner, model_file, tmp_path):
    page = tmp_path / "p.txt"
    page.write_text("\n\nHome\nThe council met on Tuesday.\n", encoding="utf-8")
    from_stdin = predict(runner, model_file, "-f", "tsv", "-", input=page.read_text(encoding="utf-8"))
    assert from_stdin.stdout == predict(runner, model_file, "-f", "tsv", str(page)).stdout
    assert from_stdin.stdout.startswith("blank\t\t\nblank\t\t\n")


def test_a_jsonl_corpus_on_stdin_after_a_bom_and_with_the_html_field(runner, model_file):
    rows = '\ufeff\n{"id": "a", "html": "<p>The council met on Tuesday.</p>"}\n'
    result = predict(runner, model_file, "-f", "jsonl", "--html-field", "html", "-", input=rows.encode("utf-8"))
    assert result.exit_code == 0
    assert [json.loads(r)["id"] for r in result.stdout.splitlines()] == ["a"]
    assert json.loads(result.stdout)["linesift"]["lines"] == 1


def test_a_broken_record_on_stdin_is_named_by_its_line(runner, model_file):
    result = predict(runner, model_file, "-f", "jsonl", "-", input='\n{"text": "a"}\n{oops\n')
    assert result.exit_code == 1
    assert "Error: -:3: broken JSON" in result.stderr


@pytest.mark.parametrize("flags", [[], ["--input-format", "jsonl"]])
def test_gzip_on_stdin_is_named_as_such(runner, model_file, flags):
    import gzip

    result = runner.invoke(app, ["predict", "--model", str(model_file), *flags, "-"],
                           input=gzip.compress(b'{"text": "a"}\n'))
    assert result.exit_code == 1
    assert result.stderr == "Error: -: gzip-compressed; decompress it first (zcat)\n"


def test_a_broken_first_record_on_stdin_is_an_error_and_the_rest_are_read(runner, model_file):
    result = predict(runner, model_file, "-f", "jsonl", "-", input='{"text": "cut\n{"text": "A line."}\n')
    assert result.exit_code == 1
    rows = [json.loads(r) for r in result.stdout.splitlines()]
    assert rows[0] == {"error": "-:1: broken JSON (Invalid control character at column 14)"}
    assert rows[1]["linesift"]["lines"] == 1


def test_a_first_line_opening_with_a_brace_is_text_when_no_record_follows(runner, model_file):
    result = predict(runner, model_file, "-f", "tsv", "-", input="{ not json\nA line.\n")
    assert result.exit_code == 0
    assert [row.split("\t")[2] for row in result.stdout.splitlines()] == ["{ not json", "A line."]


def test_input_format_text_reads_a_jsonl_looking_stdin_as_one_page(runner, model_file):
    rows = '{"text": "a"}\n{"text": "b"}\n'
    result = predict(runner, model_file, "-f", "tsv", "--input-format", "text", "-", input=rows)
    assert [row.split("\t")[2] for row in result.stdout.splitlines()] == ['{"text": "a"}', '{"text": "b"}']


def test_jsonl_corpus_text_field_option(runner, model_file, tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "a", "body": "A line."}\n', encoding="utf-8")
    result = runner.invoke(app, ["predict", str(corpus), "--model", str(model_file), "--format", "jsonl",
                                 "--text-field", "body"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["linesift"]["lines"] == 1


def parquet_corpus(path: Path, columns: dict) -> Path:
    """A Parquet file of the given columns (a list of values each), one row per page."""
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet

    pyarrow.parquet.write_table(pa.table(columns), path)
    return path


def test_parquet_rows_are_read_as_jsonl_records_are(runner, model_file, tmp_path):
    rows = {"url": ["https://a.example/1", "https://a.example/2"], "text": [PAGE_TEXT, PAGE_TEXT.replace("silt", "mud")],
            "n": [1, 2]}
    source = parquet_corpus(tmp_path / "c.parquet", rows)
    (tmp_path / "c.jsonl").write_text("".join(json.dumps(dict(zip(rows, values))) + "\n" for values in zip(*rows.values())),
                                      encoding="utf-8")
    from_parquet = predict(runner, model_file, "-f", "jsonl", source)
    from_jsonl = predict(runner, model_file, "-f", "jsonl", tmp_path / "c.jsonl")
    assert (from_parquet.exit_code, from_parquet.stderr) == (0, "")
    assert from_parquet.stdout == from_jsonl.stdout
    assert [json.loads(row)["n"] for row in from_parquet.stdout.splitlines()] == [1, 2]


def test_a_parquet_row_without_its_text_keeps_its_place_as_an_error(runner, model_file, tmp_path):
    source = parquet_corpus(tmp_path / "c.parquet", {"text": [PAGE_TEXT, None, PAGE_TEXT]})
    result = predict(runner, model_file, "-f", "jsonl", source)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {source}:2: no string field 'text'\n"
    records = [json.loads(row) for row in result.stdout.splitlines()]
    assert [sorted(r) == ["error", "text"] for r in records] == [False, True, False]  # the row's fields kept
    assert records[1] == {"text": None, "error": f"{source}:2: no string field 'text'"}


def test_parquet_values_json_has_no_type_for_are_written_as_text(runner, model_file, tmp_path):
    import datetime
    import decimal

    pa = pytest.importorskip("pyarrow")
    source = parquet_corpus(tmp_path / "c.parquet", {
        "text": [PAGE_TEXT], "seen": [datetime.datetime(2026, 11, 30, 12, 5)], "day": [datetime.date(2026, 11, 30)],
        "ns": pa.array([1], pa.timestamp("ns")), "raw": [b"\xff\x00"], "price": [decimal.Decimal("1.50")],
        "tags": pa.array([[("k", 1)]], pa.map_(pa.string(), pa.int64()))})
    result = predict(runner, model_file, "-f", "jsonl", source)
    record = json.loads(result.stdout)
    assert (result.exit_code, result.stderr) == (0, "")
    assert [record[k] for k in ("seen", "day", "ns", "raw", "price", "tags")] == [
        "2026-11-30 12:05:00.000000", "2026-11-30", "1970-01-01 00:00:00.000000001", "/wA=", "1.50", [["k", 1]]]


def test_parquet_dates_inside_structs_and_lists_are_written_as_text_too(runner, model_file, tmp_path):
    pa = pytest.importorskip("pyarrow")
    ns = pa.timestamp("ns")
    source = parquet_corpus(tmp_path / "c.parquet", {
        "text": [PAGE_TEXT] * 2, "s": pa.array([{"t": 1}, None], pa.struct([("t", ns)])),
        "l": pa.array([None, [2, None]], pa.list_(ns)),
        "sl": pa.array([{"a": [3]}, {"a": None}], pa.struct([("a", pa.large_list(ns))])),
        "m": pa.array([[("k", 4)], None], pa.map_(pa.string(), ns)), "f": pa.array([None, [5, 6]], pa.list_(ns, 2))})
    result = predict(runner, model_file, "-f", "jsonl", source)
    records = [json.loads(row) for row in result.stdout.splitlines()]
    assert (result.exit_code, result.stderr) == (0, "")
    assert [[r[k] for k in ("s", "l", "sl", "m", "f")] for r in records] == [
        [{"t": "1970-01-01 00:00:00.000000001"}, None, {"a": ["1970-01-01 00:00:00.000000003"]},
         [["k", "1970-01-01 00:00:00.000000004"]], None],
        [None, ["1970-01-01 00:00:00.000000002", None], {"a": None}, None,
         ["1970-01-01 00:00:00.000000005", "1970-01-01 00:00:00.000000006"]]]


def test_parquet_columns_named_alike_are_all_kept_the_first_read(runner, model_file, tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet

    source = tmp_path / "c.parquet"
    pyarrow.parquet.write_table(pa.Table.from_arrays([pa.array([PAGE_TEXT] * 2), pa.array(["x"] * 2),
                                                      pa.array(["y"] * 2)], names=["text", "text.2", "text"]), source)
    result = predict(runner, model_file, "-f", "jsonl", source)
    records = [json.loads(row) for row in result.stdout.splitlines()]
    assert result.exit_code == 0
    assert [[r["text"], r["text.2"], r["text.3"]] for r in records] == [[PAGE_TEXT, "x", "y"]] * 2
    assert result.stderr == (f"Warning: {source}:1: columns named alike ('text'): the first is read, each other "
                             "written with its number ('text.3')\n")


def test_columns_named_alike_are_said_at_the_first_row_read(runner, model_file, tmp_path, monkeypatch):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet

    source = tmp_path / "c.parquet"
    pyarrow.parquet.write_table(pa.Table.from_arrays([pa.array([PAGE_TEXT] * 4), pa.array(["x"] * 4)],
                                                     names=["text", "text"]), source, row_group_size=2)
    real = pyarrow.parquet.ParquetFile.iter_batches

    def first_group_fails(self, *args, **kwargs):
        if kwargs.get("row_groups") == [0]:
            raise pa.ArrowInvalid("a bad page")
        yield from real(self, *args, **kwargs)

    monkeypatch.setattr(pyarrow.parquet.ParquetFile, "iter_batches", first_group_fails)
    result = predict(runner, model_file, "-f", "jsonl", source)
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {source}: rows 1-2: cannot read row group 1 (a bad page)\n"
                             f"Warning: {source}:3: columns named alike ('text'): the first is read, each other "
                             "written with its number ('text.2')\n")


def test_a_parquet_column_python_cannot_hold_is_said_once_per_file(runner, model_file, tmp_path):
    pa = pytest.importorskip("pyarrow")
    source = parquet_corpus(tmp_path / "c.parquet", {"text": [PAGE_TEXT] * 600,
                                                     "took": pa.array(range(600), pa.duration("ns"))})
    result = predict(runner, model_file, "-f", "jsonl", source)
    records = [json.loads(row) for row in result.stdout.splitlines()]
    assert (result.exit_code, len(records), records[599]["took"]) == (0, 600, "599")
    assert result.stderr == f"Warning: {source}:1: values Python cannot hold: column 'took' read as text\n"


def test_a_file_named_parquet_that_is_not_one_is_a_one_line_error(runner, model_file, tmp_path):
    pytest.importorskip("pyarrow")
    source = tmp_path / "c.parquet"
    source.write_bytes(b"PAR1 and then no Parquet at all")
    result = predict(runner, model_file, source)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {source}: not a Parquet file (")
    assert result.stderr.count("\n") == 1


def test_parquet_on_stdin_is_refused_with_what_to_do(runner, model_file, tmp_path):
    result = predict(runner, model_file, "-", input=b"PAR1\x15\x04\x15\x00")
    assert (result.exit_code, result.stderr) == (
        1, "Error: -: Parquet cannot be read from stdin (it is read from its end); give the file's path (or "
           "--input-format text, for a page of text opening so)\n")


def test_a_parquet_row_group_that_cannot_be_read_gives_an_error_in_place_of_each_of_its_rows_said_once(runner, model_file,
                                                                                            tmp_path):
    pytest.importorskip("pyarrow")
    import pyarrow.parquet

    source = parquet_corpus(tmp_path / "c.parquet", {"text": [f"Line {i} of a page, long enough to read." for i in range(600)]})
    pyarrow.parquet.write_table(pyarrow.parquet.read_table(source), source, row_group_size=300)
    page_at = pyarrow.parquet.ParquetFile(source).metadata.row_group(1).column(0).data_page_offset
    data = bytearray(source.read_bytes())
    data[page_at + 40:page_at + 240] = b"\xff" * 200  # inside the second row group's page
    source.write_bytes(bytes(data))
    result = predict(runner, model_file, "-f", "jsonl", source)
    records = [json.loads(row) for row in result.stdout.splitlines()]
    assert (result.exit_code, len(records)) == (1, 600)
    assert ["error" in r for r in records] == [False] * 300 + [True] * 300
    assert records[300]["error"].startswith(f"{source}:301: cannot read row group 2 (")
    assert result.stderr == f"Error: {source}: rows 301-600: {records[300]['error'].split(': ', 1)[1]}\n"


@SHIPPED_MODEL
def test_parquet_rows_are_grouped_into_sites_by_site_field(runner, tmp_path):
    source = parquet_corpus(tmp_path / "c.parquet", {"text": [PAGE_TEXT, PAGE_TEXT.replace("silt", "mud")],
                                                     "host": ["a.example", "a.example"]})
    result = runner.invoke(app, ["predict", "-v", "--site-field", "host", "-f", "jsonl", str(source)])  # cross-page
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1] == ("linesift: corpus mode, sites with 2+ pages: 1 (0 inferred from shared "
                                              "template lines)")


def test_a_parquet_column_named_as_a_result_field_is_said_once(runner, model_file, tmp_path):
    source = parquet_corpus(tmp_path / "c.parquet", {"text": [PAGE_TEXT] * 2, "content": ["old", "old"]})
    result = predict(runner, model_file, "-f", "jsonl", source)
    assert (result.exit_code, result.stderr) == (0, (
        f"Warning: {source}:1: --format jsonl: the record already has 'content', which the results replace "
        "(said once per file)\n"))


def test_parquet_on_stdin_named_as_parquet_is_refused_with_what_to_do(runner, model_file):
    result = predict(runner, model_file, "--input-format", "parquet", "-", input=b"PAR1")
    assert (result.exit_code, result.stderr) == (
        1, "Error: -: Parquet cannot be read from stdin (it is read from its end); give the file's path\n")


def test_parquet_floats_json_has_no_number_for_are_written_as_text(runner, model_file, tmp_path):
    source = parquet_corpus(tmp_path / "c.parquet", {"text": [PAGE_TEXT], "a": [float("nan")], "b": [float("-inf")]})
    record = json.loads(predict(runner, model_file, "-f", "jsonl", source).stdout, parse_constant=pytest.fail)
    assert (record["a"], record["b"]) == ("NaN", "-Infinity")


def test_parquet_columns_of_utf8_bytes_are_read_as_text(runner, model_file, tmp_path):
    pa = pytest.importorskip("pyarrow")
    page = PAGE_TEXT.replace("Harbour", "Zürich harbour")
    as_bytes = parquet_corpus(tmp_path / "b.parquet", {"text": pa.array([page.encode()], pa.binary()),
                                                       "url": pa.array([b"https://a.example/1"], pa.binary())})
    as_text = parquet_corpus(tmp_path / "t.parquet", {"text": [page], "url": ["https://a.example/1"]})
    assert predict(runner, model_file, "-f", "jsonl", as_bytes).stdout == predict(runner, model_file, "-f", "jsonl",
                                                                                    as_text).stdout


def test_a_parquet_text_column_of_bytes_that_are_not_utf8_is_read_with_a_warning(runner, model_file, tmp_path):
    pa = pytest.importorskip("pyarrow")
    source = parquet_corpus(tmp_path / "c.parquet", {"text": pa.array([PAGE_TEXT.rstrip().encode() + b"\xff"],
                                                                      pa.binary())})
    result = predict(runner, model_file, "-f", "tsv", source)
    assert result.exit_code == 0
    assert tsv_rows(result.stdout)[-1][2] == "Privacy policy\ufffd"
    assert result.stderr == f"Warning: {source}:1: 'text' is not UTF-8; undecodable bytes replaced\n"


def test_a_binary_parquet_column_writes_each_utf8_value_as_text_beside_one_that_is_not(runner, model_file, tmp_path):
    pa = pytest.importorskip("pyarrow")
    source = parquet_corpus(tmp_path / "c.parquet", {"text": pa.array([b"First page.", b"bad \xff byte", b"Third."],
                                                                      pa.binary())})
    result = predict(runner, model_file, "-f", "jsonl", source)
    assert result.exit_code == 0
    assert [json.loads(r)["text"] for r in result.stdout.splitlines()] == [
        "First page.", base64.b64encode(b"bad \xff byte").decode(), "Third."]  # not all three as base64


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_parquet_name_that_is_not_a_regular_file_is_refused(runner, model_file, tmp_path):
    pytest.importorskip("pyarrow")
    fifo = tmp_path / "c.parquet"
    os.mkfifo(fifo)
    import contextlib
    import threading

    def writer():  # so that opening the FIFO returns; linesift closes it unread
        with contextlib.suppress(OSError):
            fifo.write_bytes(b"PAR1")

    threading.Thread(target=writer, daemon=True).start()
    result = predict(runner, model_file, fifo)
    assert (result.exit_code, result.stderr) == (1, (
        f"Error: {fifo}: not a regular file; Parquet cannot be read from stdin (it is read from its end); give the "
        "file's path\n"))


def test_rows_read_before_a_parquet_row_group_fails_are_kept_and_its_others_are_errors(tmp_path, monkeypatch):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet

    from linesift.inputs import InputError
    from linesift.parquet import parquet_rows

    source = tmp_path / "c.parquet"
    pyarrow.parquet.write_table(pa.table({"text": [f"Line {i}." for i in range(600)]}), source, row_group_size=300)
    real = pyarrow.parquet.ParquetFile.iter_batches

    def second_batch_of_the_first_group_fails(self, *args, **kwargs):
        for n, batch in enumerate(real(self, *args, **kwargs)):
            if kwargs.get("row_groups") == [0] and n == 1:
                raise pa.ArrowInvalid("a bad page")
            yield batch

    monkeypatch.setattr(pyarrow.parquet.ParquetFile, "iter_batches", second_batch_of_the_first_group_fails)
    rows = list(parquet_rows(str(source)))
    assert ["error" if isinstance(r, InputError) else r[0] for r in rows] == (
        [f"{source}:{n}" for n in range(1, 257)] + ["error"] * 44 + [f"{source}:{n}" for n in range(301, 601)])
    assert str(rows[256]) == f"{source}:257: cannot read row group 1 (a bad page)"
    assert [r.said for r in rows[256:300]] == [f"{source}: rows 257-300: cannot read row group 1 (a bad page)"] + [""] * 43


def test_parquet_without_pyarrow_installed_says_what_to_install(runner, model_file, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # as if pyarrow were not installed
    source = tmp_path / "c.parquet"
    source.write_bytes(b"PAR1")
    result = predict(runner, model_file, source)
    assert (result.exit_code, result.stderr) == (
        1, f"Error: {source}: reading Parquet needs pyarrow (pip install pyarrow; the parquet extra of linesift)\n")


def test_warc_responses_and_conversions_become_records(runner, model_file, tmp_path):
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "t.warc.gz"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        html = b"<html><body><h1>Title</h1><p>The council met on Tuesday.</p></body></html>"
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.0")
        writer.write_record(writer.create_warc_record("https://a.example/1", "response", payload=io.BytesIO(html),
                                                      http_headers=headers))
        writer.write_record(writer.create_warc_record("https://a.example/img", "response",
                                                      payload=io.BytesIO(b"\x89PNG"),
                                                      http_headers=StatusAndHeaders("200 OK", [("Content-Type", "image/png")],
                                                                                    protocol="HTTP/1.0")))
        writer.write_record(writer.create_warc_record("https://a.example/2", "conversion",
                                                      payload=io.BytesIO(b"A line.\nAnother line.\n")))
    result = runner.invoke(app, ["predict", str(path), "--model", str(model_file), "--format", "jsonl"])
    assert result.exit_code == 0
    records = [json.loads(r) for r in result.stdout.splitlines()]
    assert [r["url"] for r in records] == ["https://a.example/1", "https://a.example/2"]
    assert all(r["warc_record_id"].startswith("<urn:uuid:") for r in records)
    assert records[1]["linesift"]["lines"] == 2
    assert "<h1>" not in records[0]["content"]
    assert [r["line_texts"] for r in records] == [["Title", "", "The council met on Tuesday."],
                                                  ["A line.", "Another line."]]


def test_a_rendered_record_lists_the_lines_its_labels_are_for(runner, model_file):
    rows = '{"id": "a", "html": "<h1>Title</h1><p>The council met on Tuesday.</p>"}\n'
    result = predict(runner, model_file, "-f", "jsonl", "--html-field", "html", "-", input=rows)
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert record["line_texts"] == ["Title", "", "The council met on Tuesday."]
    assert len(record["line_labels"]) == 3


def test_a_text_record_does_not_list_its_lines_again(runner, model_file):
    rows = json.dumps({"text": "A line.\nAnother line."}) + "\n"
    result = predict(runner, model_file, "-f", "jsonl", "-", input=rows)
    assert result.exit_code == 0
    assert "line_texts" not in json.loads(result.stdout)


def test_the_html_field_may_not_be_named_line_texts(runner, model_file):
    result = predict(runner, model_file, "-f", "jsonl", "--html-field", "line_texts", "-",
                     input='{"line_texts": "<p>x</p>"}\n')
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --html-field line_texts: --format jsonl writes its results in the record's "
                                    "content, line_labels, line_scores, linesift, line_texts fields")


def test_jobs_2_gives_the_same_output_as_jobs_1(runner, model_file, tmp_path):
    from linesift.batch import BATCH_PAGES_DEFAULT

    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(BATCH_PAGES_DEFAULT * 2 + 5):  # several batches, so order across workers matters
        (pages / f"{i:03d}.txt").write_text(f"Home\n\nParagraph {i} of the story, told at length.\nShare\n",
                                            encoding="utf-8")
    out1, out2 = tmp_path / "1.jsonl", tmp_path / "2.jsonl"
    common = ["predict", str(pages), "--model", str(model_file), "--format", "jsonl"]
    assert runner.invoke(app, common + ["-j", "1", "-o", str(out1)]).exit_code == 0
    assert runner.invoke(app, common + ["-j", "2", "-o", str(out2)]).exit_code == 0
    assert out1.read_bytes() == out2.read_bytes()
    assert len(out1.read_text(encoding="utf-8").splitlines()) == (BATCH_PAGES_DEFAULT * 2 + 5) * 4
    out_auto = tmp_path / "auto.jsonl"  # the default, -j 0: one worker per core
    assert runner.invoke(app, common + ["-o", str(out_auto)]).exit_code == 0
    assert out_auto.read_bytes() == out1.read_bytes()


# an article, then reader comments under their bylines: the shipped model cuts it at a comment's byline
COMMENTED_ARTICLE = ["Home | News | Sport | Weather", "",
 "Harbour board agrees to dredge the eastern channel", "",
 "The harbour board met on Monday and agreed to dredge the eastern channel before the summer season begins.",
 "Fishermen asked for the work to stop during the spawning season, which runs through March and April.",
 "The board said it would publish a timetable for the dredging work next week, after a vote by its members.",
 "The channel was last dredged in 2009, when silt from the river had left it too shallow for the ferry.",
 "The work is expected to cost about two million pounds and to take six weeks if the weather holds.", "",
 "12 Comments", "",
 "Brianna on October 23rd, 2012 2:42 pm", "",
 "I have fished the eastern channel for thirty years and I have never seen it this shallow, ever.", "Reply", "",
 "Tom on October 23rd, 2012 3:10 pm", "",
 "Dredging in the spawning season would be madness, the board should wait until May at the earliest.", "Reply", "",
 "Mary on October 24th, 2012 9:01 am", "",
 "Who is paying for this? The last time the ferry company promised to pay and then the council did.", "Reply", "",
 "Sam on October 24th, 2012 11:15 am", "",
 "The ferry was stuck twice last winter, so something has to be done before the storms come back.", "Reply", "",
 "Priya on October 25th, 2012 8:47 am", "",
 "Good news for the ferry, but I hope they think about the birds on the sandbank near the harbour mouth.", "Reply", "",
 "Ken on October 25th, 2012 6:30 pm", "",
 "Six weeks sounds optimistic to me, the last dredging took most of the autumn and cost twice as much.", "Reply", ""]


def _tsv_labels(result) -> list[str]:
    return [row.split("\t")[0] for row in result.stdout.splitlines()]


def test_no_tail_cut_keeps_what_follows_the_main_content(runner, tmp_path):
    from linesift import predict_pages

    page = tmp_path / "page.txt"
    page.write_text("\n".join(COMMENTED_ARTICLE) + "\n", encoding="utf-8")
    cut, kept = (runner.invoke(app, ["predict", str(page), "-f", "tsv", *flag]) for flag in ([], ["--no-tail-cut"]))
    assert (cut.exit_code, kept.exit_code) == (0, 0)
    expected = predict_pages([COMMENTED_ARTICLE]), predict_pages([COMMENTED_ARTICLE], cut=False)
    assert expected[0][0].content_end > COMMENTED_ARTICLE.index("12 Comments") and expected[1][0].content_end is None
    assert set(_tsv_labels(cut)[4:9]) == {"content"}  # the article's paragraphs are kept either way
    assert (_tsv_labels(cut), _tsv_labels(kept)) == (expected[0][0].labels, expected[1][0].labels)
    assert _tsv_labels(cut) != _tsv_labels(kept)


def test_no_tail_cut_reaches_the_workers(runner, tmp_path):
    from linesift.batch import BATCH_PAGES_DEFAULT

    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(BATCH_PAGES_DEFAULT * 2 + 5):
        (pages / f"{i:03d}.txt").write_text("\n".join(COMMENTED_ARTICLE) + "\n", encoding="utf-8")
    common = ["predict", str(pages), "--no-sites", "-f", "tsv"]
    one, two = (runner.invoke(app, common + ["--no-tail-cut", "-j", jobs]) for jobs in ("1", "2"))
    assert one.stdout == two.stdout
    assert two.stdout != runner.invoke(app, common + ["-j", "2"]).stdout


def test_workers_start_only_for_a_second_batch(model_file, monkeypatch):
    import multiprocessing

    from linesift.batch import score_stream
    from linesift.inputs import Page
    from linesift.modelfile import load_model

    monkeypatch.setattr(multiprocessing, "get_context", lambda *a: pytest.fail("a pool was started"))
    one_batch = [[Page("a.txt", ["Home", "A story, told at length."])]]
    results = list(score_stream(one_batch, load_model(model_file), None, "tsv", jobs=2))
    assert [r.pages for r in results] == [1]


def test_text_output_to_a_directory_writes_one_file_per_page(runner, model_file, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    (src / "sub").mkdir(parents=True)
    out.mkdir()
    (src / "a.txt").write_text("Home\n\nA sentence.\n", encoding="utf-8")
    (src / "sub" / "b.html").write_text("<html><body><p>B sentence.</p></body></html>", encoding="utf-8")
    result = runner.invoke(app, ["predict", str(src), "--model", str(model_file), "-o", str(out)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*.txt")) == ["a.txt", "sub/b.txt"]
    assert (src / "a.txt").read_text(encoding="utf-8") == "Home\n\nA sentence.\n"


def test_each_file_of_an_output_directory_holds_what_stdout_gets_for_its_page(runner, model_file, tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text(PAGE_TEXT, encoding="utf-8")
    (tmp_path / "d" / "a.html").write_text("<html><body><nav>Home</nav><p>" + "</p><p>".join(PAGE_LINES[8:12])
                                           + "</p></body></html>", encoding="utf-8")
    result = predict(runner, model_file, tmp_path / "d", "-o", f"{tmp_path / 'out'}/")
    assert result.exit_code == 0
    written = {name: (tmp_path / "out" / name).read_text(encoding="utf-8") for name in ("a.txt", "a-2.txt")}
    alone = {name: predict(runner, model_file, tmp_path / "d" / page).stdout
             for name, page in (("a.txt", "a.html"), ("a-2.txt", "a.txt"))}  # a.html comes first, so gets a.txt
    assert written == alone
    assert "The council and the port trust" in written["a.txt"] and "Skip to content" not in written["a-2.txt"]


def test_html_on_stdin_is_rendered_with_input_format_html(runner, model_file):
    html = "<html><body><nav>Home | News</nav><p>The council could not agree on who pays.</p></body></html>\n"
    result = predict(runner, model_file, "--input-format", "html", "-f", "tsv", "-", input=html)
    assert result.exit_code == 0
    assert [row[2] for row in tsv_rows(result.stdout)] == ["Home | News", "", "The council could not agree on who pays."]


def test_html_that_renders_to_no_text_is_said_on_stderr(runner, model_file, tmp_path):
    page = tmp_path / "app.html"
    page.write_text("<html><head><title>App</title></head><body><script>render()</script></body></html>\n")
    result = predict(runner, model_file, "-f", "tsv", page)
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == (f"Warning: {page}: its HTML renders to no text (a page its scripts fill in?), so it has no "
                             "lines to label; give linesift the page as a browser shows it (its innerText) to keep its "
                             "text\n")


@pytest.mark.skipif(os.name != "posix", reason="symlinks need privileges elsewhere")
def test_a_directory_s_symlinks_to_directories_are_left_out(runner, model_file, tmp_path):
    (tmp_path / "d" / "real").mkdir(parents=True)
    (tmp_path / "d" / "real" / "x.txt").write_text("A line of the page.\n", encoding="utf-8")
    (tmp_path / "d" / "link").symlink_to("real", target_is_directory=True)
    result = predict(runner, model_file, "-f", "jsonl", tmp_path / "d")
    assert result.exit_code == 0
    assert [json.loads(row)["path"] for row in result.stdout.splitlines()] == [str(tmp_path / "d" / "real" / "x.txt")]


def test_output_directory_with_tsv_is_refused(runner, model_file, page, tmp_path):
    result = runner.invoke(app, ["predict", str(page), "--model", str(model_file), "-f", "tsv", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {tmp_path}: is a directory;")
    assert list(tmp_path.glob(".*.tmp")) == []


def test_output_new_directory_with_trailing_slash_gets_one_file_per_page(runner, model_file, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("A sentence.\n", encoding="utf-8")
    (src / "b.txt").write_text("B sentence.\n", encoding="utf-8")
    result = runner.invoke(app, ["predict", str(src), "--model", str(model_file), "-o", f"{tmp_path}/new/"])
    assert result.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["a.txt", "b.txt"]


def test_output_directory_names_that_collide_are_numbered(runner, model_file, tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text("A sentence.\n", encoding="utf-8")
    (tmp_path / "d" / "a.html").write_text("<html><body><p>B sentence.</p></body></html>", encoding="utf-8")
    (tmp_path / "out").mkdir()
    result = runner.invoke(app, ["predict", str(tmp_path / "d"), "--model", str(model_file), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a-2.txt", "a.txt"]
    assert result.stderr == (f"linesift: note: {tmp_path / 'd' / 'a.txt'}: written to {tmp_path / 'out' / 'a-2.txt'}, "
                             "as a.txt was taken (by another page of this run, a directory, or a file where a directory would go)\n")


def test_an_output_name_taken_by_a_directory_is_numbered(runner, model_file, tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a").write_text("A sentence.\n", encoding="utf-8")
    (tmp_path / "out" / "a.txt").mkdir(parents=True)
    result = runner.invoke(app, ["predict", str(tmp_path / "d"), "--model", str(model_file), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a-2.txt", "a.txt"]
    assert (tmp_path / "out" / "a.txt").is_dir()
    assert result.stderr == (f"linesift: note: {tmp_path / 'd' / 'a'}: written to {tmp_path / 'out' / 'a-2.txt'}, "
                             "as a.txt was taken (by another page of this run, a directory, or a file where a directory would go)\n")


@pytest.mark.parametrize("name, numbered", [("c.jsonl", "c-2.jsonl"), ("c.jsonl.gz", "c-2.jsonl.gz")])
def test_records_of_a_corpus_written_beside_it_go_to_a_numbered_directory(runner, model_file, tmp_path, name,
                                                                          numbered):
    corpus = tmp_path / "d" / name
    corpus.parent.mkdir()
    text = '{"text": "A sentence."}\n{"text": "B sentence."}\n'
    corpus.write_bytes(gzip.compress(text.encode()) if name.endswith(".gz") else text.encode())
    result = runner.invoke(app, ["predict", str(tmp_path / "d"), "--model", str(model_file), "-o",
                                 f"{tmp_path / 'd'}/"])
    assert result.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "d" / numbered).iterdir()) == ["1.txt", "2.txt"]
    assert corpus.is_file()
    assert result.stderr == (f"linesift: note: {corpus}: its records written to {tmp_path / 'd' / numbered}/, as "
                             f"{name}/ was taken (by another file's records, or a file)\n")  # once, not per record


def test_records_of_two_corpora_of_one_name_go_to_two_directories(runner, model_file, tmp_path):
    for sub in ("x", "y"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "c.jsonl").write_text(f'{{"text": "{sub} one."}}\n{{"text": "{sub} two."}}\n',
                                                encoding="utf-8")
    out = tmp_path / "o"
    result = runner.invoke(app, ["predict", str(tmp_path / "x" / "c.jsonl"), str(tmp_path / "y" / "c.jsonl"),
                                 "--model", str(model_file), "-t", "0", "-o", f"{out}/"])
    assert result.exit_code == 0
    assert {str(p.relative_to(out)): p.read_text() for p in out.rglob("*.txt")} == {
        "c.jsonl/1.txt": "x one.\n", "c.jsonl/2.txt": "x two.\n", "c-2.jsonl/1.txt": "y one.\n",
        "c-2.jsonl/2.txt": "y two.\n"}
    assert result.stderr == (f"linesift: note: {tmp_path / 'y' / 'c.jsonl'}: its records written to "
                             f"{out / 'c-2.jsonl'}/, as c.jsonl/ was taken (by another file's records, or a file)\n")


def test_an_output_that_would_be_an_input_stops_the_run_with_its_name(runner, model_file, tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text("A sentence.\n", encoding="utf-8")
    result = runner.invoke(app, ["predict", str(tmp_path / "d"), "--model", str(model_file), "-o",
                                 f"{tmp_path / 'd'}/"])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'd' / 'a.txt'}: would overwrite an input\n"
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == ["a.txt"]


def test_an_empty_directory_is_said_to_hold_no_pages(runner, model_file, tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / ".hidden.txt").write_text("A sentence.\n", encoding="utf-8")
    result = predict(runner, model_file, tmp_path / "d")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == f"Warning: {tmp_path / 'd'}: no pages found in this directory\n"


def test_an_empty_directory_beside_a_page_is_named(runner, model_file, page, tmp_path):
    (tmp_path / "e").mkdir()
    result = predict(runner, model_file, tmp_path / "e", page)
    assert result.exit_code == 0
    assert result.stdout != ""
    assert result.stderr == f"Warning: {tmp_path / 'e'}: no pages found in this directory\n"


def test_a_missing_output_directory_with_jsonl_is_named_by_its_slash(runner, model_file, page, tmp_path):
    result = predict(runner, model_file, "-f", "jsonl", "-o", f"{tmp_path}/y/", page)
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {tmp_path / 'y'}: names a directory ({tmp_path}/y/ ends with /); one file per "
                             "page is written with --format text, else give a file; see 'root predict -h'\n")


def test_html_file_declaring_a_legacy_charset_is_decoded_with_it(runner, model_file, tmp_path):
    path = tmp_path / "ru.html"
    path.write_bytes('<html><head><meta charset="windows-1251"></head><body><p>Городской совет собрался.</p>'
                     '</body></html>'.encode("cp1251"))
    result = runner.invoke(app, ["predict", str(path), "--model", str(model_file), "-f", "tsv"])
    assert result.exit_code == 0
    assert "Городской совет собрался." in result.stdout
    assert result.stderr == ""


def test_version(runner):
    from linesift import __version__

    result = runner.invoke(app, ["--version"])
    assert (result.exit_code, result.stdout) == (0, f"linesift {__version__}\n")


def test_info_refuses_a_model_file_that_does_not_match_its_sidecar(runner, model_file, tmp_path):
    import shutil

    from linesift.modelfile import sidecar_path

    bad = tmp_path / "bad.model"
    shutil.copy(model_file, bad)
    shutil.copy(sidecar_path(model_file), sidecar_path(bad))
    bad.write_bytes(bad.read_bytes()[:-10])
    result = runner.invoke(app, ["info", str(bad)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {bad}: model file does not match its sidecar sha256 (corrupt or modified)\n"


@pytest.mark.parametrize("command", ["predict", "info"])
def test_a_directory_as_model_is_named_as_one(runner, page, tmp_path, command):
    args = ["predict", str(page), "--model", str(tmp_path)] if command == "predict" else ["info", str(tmp_path)]
    result = runner.invoke(app, args)
    assert (result.exit_code, result.stderr) == (1, f"Error: {tmp_path}: is a directory, not a model file\n")


def test_missing_model_file_is_named(runner, page, tmp_path):
    result = runner.invoke(app, ["predict", str(page), "--model", str(tmp_path / "nope.model")])
    assert (result.exit_code, result.stderr) == (1, f"Error: {tmp_path / 'nope.model'}: no such model file\n")


def test_text_output_separates_pages_with_a_blank_line(runner, model_file, tmp_path):
    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_text(f"{name.upper()} is a long sentence about the harbour and the council.\n",
                                              encoding="utf-8")
    result = runner.invoke(app, ["predict", str(tmp_path), "--model", str(model_file), "-t", "0"])
    assert result.exit_code == 0
    assert result.stdout == ("A is a long sentence about the harbour and the council.\n\n"
                             "B is a long sentence about the harbour and the council.\n")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_fail_fast_in_a_corpus_keeps_every_record_before_the_bad_one(runner, model_file, tmp_path, jobs):
    from linesift.batch import BATCH_PAGES_DEFAULT

    good = [json.dumps({"text": f"Story {i}, told at length.\nShare"}) for i in range(BATCH_PAGES_DEFAULT * 5)]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("\n".join(good + ["{broken", good[0]]) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["predict", str(corpus), "--model", str(model_file), "-f", "jsonl", "--fail-fast",
                                 "-j", jobs])
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == BATCH_PAGES_DEFAULT * 5
    assert result.stderr.startswith(f"Error: {corpus}:{BATCH_PAGES_DEFAULT * 5 + 1}: broken JSON")


def test_fail_fast_prints_the_pages_before_the_bad_input_then_stops(runner, model_file, tmp_path):
    (tmp_path / "a.txt").write_text("A line.\n", encoding="utf-8")
    (tmp_path / "b.bin").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "c.txt").write_text("C line.\n", encoding="utf-8")
    result = runner.invoke(app, ["predict", str(tmp_path), "--model", str(model_file), "-f", "tsv", "--fail-fast"])
    assert result.exit_code == 1
    assert [row.split("\t")[2] for row in result.stdout.splitlines()] == ["A line."]
    assert result.stderr == f"Error: {tmp_path / 'b.bin'}: not a text file\n"


def test_import_of_a_directory_names_what_to_give(runner, tmp_path):
    (tmp_path / "corpora").mkdir()
    result = runner.invoke(app, ["import", str(tmp_path / "corpora"), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 1
    assert result.stderr.endswith(f"Error: {tmp_path / 'corpora'}: is a directory; give its corpora (e.g. "
                                  f"{tmp_path / 'corpora' / '*.jsonl.gz'})\n")
    assert not (tmp_path / "out.jsonl").exists()


def test_import_refuses_to_overwrite_its_input(runner, tmp_path):
    source = tmp_path / "c.jsonl"
    source.write_text('{"html": "<p>x</p>", "main_content": "x"}\n', encoding="utf-8")
    result = runner.invoke(app, ["import", str(source), "-o", str(source)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {source}: output would overwrite an input\n"
    assert source.read_text(encoding="utf-8") == '{"html": "<p>x</p>", "main_content": "x"}\n'


@pytest.mark.parametrize("row, problem", [
    ('{"html": 5, "main_content": "a"}', "no 'html' string"),
    ('{"html": "<p>a</p>"}', "no 'main_content' string (the gold main text; a record may instead hold 'lines' and 'labels')"),
    ('{"html": "<p>a</p>", "main_content": "a", "without": "b"}', "'without' must be a list of strings"),
    ('[1, 2]', "a record must be a JSON object"),
])
def test_import_names_the_line_of_a_bad_record(runner, tmp_path, row, problem):
    source = tmp_path / "c.jsonl"
    source.write_text('{"html": "<p>x</p>", "main_content": "x"}\n' + row + "\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {source}:2: {problem}\n"
    assert not (tmp_path / "o.jsonl").exists()


def test_import_output_in_a_missing_directory(runner, tmp_path):
    source = tmp_path / "c.jsonl"
    source.write_text('{"html": "<p>x</p>", "main_content": "x"}\n', encoding="utf-8")
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "nodir" / "o.jsonl")])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'nodir' / 'o.jsonl'}: directory {tmp_path / 'nodir'} does not exist\n"


def test_train_output_that_is_a_directory_fails_before_training(runner, tmp_path):
    result = runner.invoke(app, ["train", str(PAGES_DIR), "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path}: is a directory; give the model file to write\n"


def test_text_that_is_not_a_warc_is_an_error(runner, model_file, tmp_path):
    path = tmp_path / "junk.warc"
    path.write_text("this is not a warc\n", encoding="utf-8")
    result = predict(runner, model_file, path)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {path}: not a WARC file (record 1 has no 'WARC/' version line)\n"


def test_a_warc_without_warcio_installed_says_what_to_install(runner, model_file, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "warcio.archiveiterator", None)  # as if warcio were not installed
    path = tmp_path / "crawl.warc"
    path.write_bytes(b"WARC/1.0\r\n")
    result = predict(runner, model_file, path)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {path}: reading WARC needs warcio (pip install warcio; the warc extra of linesift)\n"


def conversion_warc(*payloads: bytes, compress: bool = False) -> bytes:
    """A WARC of ``conversion`` records, one per payload, for https://a.example/0, /1, ... (``compress``: each
    record a gzip member, as .warc.gz files are)."""
    import io

    from warcio.warcwriter import WARCWriter

    whole = io.BytesIO()
    writer = WARCWriter(whole, gzip=compress)
    for i, payload in enumerate(payloads):
        writer.write_record(writer.create_warc_record(f"https://a.example/{i}", "conversion",
                                                      payload=io.BytesIO(payload)))
    return whole.getvalue()


def test_a_warc_response_without_a_target_uri_is_named_after_the_records_before_it(runner, model_file, tmp_path):
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>The council met on Tuesday.</p>"
    response = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
                b"Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n"
                % (len(http), http))
    path = tmp_path / "crawl.warc"
    path.write_bytes(conversion_warc(b"The council met on Tuesday to agree the budget.") + response)
    result = predict(runner, model_file, "-f", "jsonl", path)
    assert result.exit_code == 1
    error = f"{path}: broken WARC (record 2 has no WARC-Target-URI, which a response, request or revisit record needs)"
    assert [json.loads(row).get("url", json.loads(row).get("error")) for row in result.stdout.splitlines()] == [
        "https://a.example/0", error]
    assert result.stderr == f"Error: {error}\n"


def test_text_on_stdin_opening_with_warc_words_is_text(runner, model_file):
    text = "WARC/1.1 is the current version of the format.\nIt stores crawled pages.\n"
    result = predict(runner, model_file, "-f", "tsv", "-", input=text)
    assert result.exit_code == 0
    assert [row.split("\t")[2] for row in result.stdout.splitlines()] == text.splitlines()


@pytest.mark.parametrize("compress", [False, True])
def test_a_warc_on_stdin_is_read_as_one(runner, model_file, compress):
    warc = conversion_warc(b"A line of text.\n", b"Another line.\nAnd one more.\n", compress=compress)
    result = predict(runner, model_file, "-f", "jsonl", "-", input=warc)
    assert result.exit_code == 0
    records = [json.loads(r) for r in result.stdout.splitlines()]
    assert [(r["url"], r["linesift"]["lines"]) for r in records] == [("https://a.example/0", 1), ("https://a.example/1", 2)]


def test_a_warc_file_gzipped_whole_is_read_whole(runner, model_file, tmp_path):
    path = tmp_path / "whole.warc.gz"  # one gzip member for the file: warcio reads a member per record
    path.write_bytes(gzip.compress(conversion_warc(b"A line of text.\n", b"Another line.\nAnd one more.\n",
                                                   b"A third page.\n")))
    result = predict(runner, model_file, "-f", "jsonl", path)
    assert (result.exit_code, result.stderr) == (0, "")
    records = [json.loads(r) for r in result.stdout.splitlines()]
    assert [(r["url"], r["linesift"]["lines"]) for r in records] == [
        ("https://a.example/0", 1), ("https://a.example/1", 2), ("https://a.example/2", 1)]


def test_a_warc_file_gzipped_whole_and_cut_short_is_an_error_after_its_whole_records(runner, model_file, tmp_path):
    path = tmp_path / "whole.warc.gz"
    whole = conversion_warc(b"A line of text.\n", b"Another line.\n", b"A third page.\n")
    path.write_bytes(gzip.compress(whole + b"WARC/1.0\r\nWARC-Type: conv"))  # a fourth record's header cut
    result = predict(runner, model_file, "-f", "jsonl", path)
    assert result.exit_code == 1
    assert [json.loads(r).get("url") for r in result.stdout.splitlines()] == [
        "https://a.example/0", "https://a.example/1", "https://a.example/2", None]
    assert result.stderr == f"Error: {path}: broken WARC (record 4 is cut short: no Content-Length)\n"


def test_a_warc_gzipped_whole_on_stdin_is_read_whole(runner, model_file):
    warc = gzip.compress(conversion_warc(b"A line of text.\n", b"Another line.\n"))  # stdin cannot be read again
    result = predict(runner, model_file, "-f", "jsonl", "-", input=warc)
    assert (result.exit_code, result.stderr) == (0, "")
    assert [json.loads(r)["url"] for r in result.stdout.splitlines()] == ["https://a.example/0", "https://a.example/1"]


def test_a_warc_gzipped_a_member_per_record_on_stdin_is_read_whole(runner, model_file):
    members = conversion_warc(b"A line of text.\n", b"Another line.\n", b"A third page.\n", compress=True)
    result = predict(runner, model_file, "-f", "jsonl", "-", input=members)
    assert (result.exit_code, result.stderr) == (0, "")
    assert [json.loads(r)["url"] for r in result.stdout.splitlines()] == [
        "https://a.example/0", "https://a.example/1", "https://a.example/2"]


def test_a_warc_gzipped_whole_on_stdin_is_read_whole_with_input_format_warc_too(runner, model_file):
    warc = gzip.compress(conversion_warc(b"A line of text.\n", b"Another line.\n"))
    result = predict(runner, model_file, "-f", "jsonl", "--input-format", "warc", "-", input=warc)
    assert (result.exit_code, result.stderr) == (0, "")
    assert [json.loads(r)["url"] for r in result.stdout.splitlines()] == ["https://a.example/0", "https://a.example/1"]


def gzip_members(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of each gzip member of ``data``."""
    spans, start = [], 0
    while start < len(data):
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        inflate.decompress(data[start:])
        spans.append((start, len(data) - len(inflate.unused_data)))
        start = spans[-1][1]
    return spans


LONG_PAGE = "".join(f"Line {i} of a page, {i * 7919 % 10007} long enough.\n" for i in range(3000)).encode()


def test_a_gzipped_warc_cut_inside_a_record_on_stdin_is_one_error_in_its_place(runner, model_file):
    warc = conversion_warc(b"A line of text.\n", LONG_PAGE, b"A third page.\n", compress=True)
    start, end = gzip_members(warc)[1]
    result = predict(runner, model_file, "-f", "jsonl", "-", input=warc[:(start + end) // 2])
    assert result.exit_code == 1
    assert [json.loads(r).get("url") for r in result.stdout.splitlines()] == ["https://a.example/0", None]
    assert result.stderr == ("Error: -: broken WARC (its gzip stream breaks in record 2: Compressed file ended "
                             "before the end-of-stream marker was reached)\n")


def test_a_gzip_member_failing_its_crc_on_stdin_is_an_error_for_its_record(runner, model_file):
    warc = bytearray(conversion_warc(b"A line of text.\n", LONG_PAGE, b"A third page.\n", compress=True))
    warc[gzip_members(bytes(warc))[1][1] - 8] ^= 1  # a bit of the second member's CRC: its data read, then refused
    result = predict(runner, model_file, "-f", "jsonl", "-", input=bytes(warc))
    assert result.exit_code == 1
    errors = [json.loads(r).get("error", "") for r in result.stdout.splitlines()]
    assert [e.split(" (")[0] for e in errors] == ["", errors[1].split(" (")[0], "-: broken WARC"]
    assert errors[1].startswith("-#<urn:uuid:") and ">: its gzip member is damaged (CRC check failed" in errors[1]
    assert errors[2].startswith("-: broken WARC (its gzip stream breaks after record 2: CRC check failed")
    assert len(result.stderr.splitlines()) == 2


def test_a_warc_file_with_a_gzip_member_broken_inside_is_one_error_line(runner, model_file, tmp_path):
    warc = bytearray(conversion_warc(b"A line of text.\n", LONG_PAGE, b"A third page.\n", compress=True))
    start, end = gzip_members(bytes(warc))[1]
    warc[(start + end) // 2] ^= 0xFF  # inflate fails in the middle of the second record (warcio prints why)
    path = tmp_path / "broken.warc.gz"
    path.write_bytes(bytes(warc))
    result = predict(runner, model_file, "-f", "jsonl", path)
    assert result.exit_code == 1
    assert [json.loads(r).get("url") for r in result.stdout.splitlines()] == ["https://a.example/0", None]
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"Error: {path}: broken WARC (record 2 is cut short: ")


@pytest.mark.parametrize("compress", [False, True], ids=["gzipped whole", "a member per record"])
def test_a_gzipped_warc_cut_short_on_stdin_is_an_error_after_its_whole_records(runner, model_file, compress):
    page = "".join(f"Line {i} of a page long enough to fill gzip's first blocks.\n" for i in range(3000)).encode()
    warc = conversion_warc(page, b"Another line.\n", compress=compress)
    warc = warc if compress else gzip.compress(warc)
    result = predict(runner, model_file, "-f", "jsonl", "-", input=warc[:-60])  # the last record's end cut
    assert result.exit_code == 1
    assert [json.loads(r).get("url") for r in result.stdout.splitlines()] == ["https://a.example/0", None]
    assert result.stderr == ("Error: -: broken WARC (its gzip stream breaks after record 1: Compressed file ended "
                             "before the end-of-stream marker was reached)\n")


def test_a_warc_cut_short_is_an_error_after_its_whole_records(runner, model_file, tmp_path):
    whole = conversion_warc(b"A line of text.\n", b"A line of text.\n")
    path = tmp_path / "cut.warc"
    path.write_bytes(whole[: len(whole) * 3 // 4])  # the second record's header is cut
    result = predict(runner, model_file, "-f", "jsonl", path)
    assert result.exit_code == 1
    assert [json.loads(r)["url"] for r in result.stdout.splitlines()[:1]] == ["https://a.example/0"]
    assert result.stderr.startswith(f"Error: {path}: broken WARC (")


def test_jsonl_corpus_with_a_bom_and_a_row_of_bad_bytes(runner, model_file, tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"text": "caf\xc3\xa9"}\n{"text": "caf\xe9"}\n')
    result = predict(runner, model_file, "-f", "jsonl", path)
    assert result.exit_code == 0
    assert [json.loads(r)["text"] for r in result.stdout.splitlines()] == ["café", "caf\ufffd"]
    assert result.stderr == f"Warning: {path}:2: not UTF-8 (byte 13); undecodable bytes replaced\n"


@pytest.mark.skipif(os.name != "posix", reason="symlinks need privileges elsewhere")
def test_a_dangling_symlink_in_a_directory_is_reported(runner, model_file, tmp_path):
    folder = tmp_path / "scrapes"
    folder.mkdir()
    (folder / "a.txt").write_text(PAGE_TEXT, encoding="utf-8")
    (folder / "b.txt").symlink_to(tmp_path / "gone.txt")
    result = predict(runner, model_file, folder)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {folder / 'b.txt'}: a symbolic link to no file\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_in_a_directory_is_named_and_skipped(runner, model_file, tmp_path):
    folder = tmp_path / "scrapes"
    folder.mkdir()
    (folder / "a.txt").write_text(PAGE_TEXT, encoding="utf-8")
    os.mkfifo(folder / "b.fifo")  # reading it would wait for a writer
    result = predict(runner, model_file, folder)
    assert result.exit_code == 0
    assert result.stdout == predict(runner, model_file, folder / "a.txt").stdout
    assert result.stderr == f"Warning: {folder / 'b.fifo'}: not a regular file (a pipe, socket or device), skipped\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_evaluate_names_a_named_pipe_in_a_directory_of_labelled_pages_and_skips_it(runner, model_file, tmp_path):
    folder = tmp_path / "labelled"
    folder.mkdir()
    (folder / "a.tsv").write_text("boilerplate\tHome\ncontent\tThe council met on Tuesday.\n", encoding="utf-8")
    os.mkfifo(folder / "b.tsv")  # reading it would wait for a writer
    result = runner.invoke(app, ["evaluate", str(model_file), str(folder), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["pages"] == 1
    assert result.stderr == f"Warning: {folder / 'b.tsv'}: not a regular file (a pipe, socket or device), skipped\n"


@pytest.mark.skipif(os.name != "posix", reason="symlinks need privileges elsewhere")
def test_evaluate_names_a_dangling_symlink_in_a_directory_of_labelled_pages(runner, model_file, tmp_path):
    folder = tmp_path / "labelled"
    folder.mkdir()
    (folder / "a.tsv").write_text("boilerplate\tHome\ncontent\tThe council met on Tuesday.\n", encoding="utf-8")
    (folder / "b.tsv").symlink_to(tmp_path / "gone.tsv")
    result = runner.invoke(app, ["evaluate", str(model_file), str(folder)])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"Error: {folder / 'b.tsv'}: a symbolic link to no file\n"


def test_a_symlink_to_a_directory_in_a_directory_is_named_and_not_followed(runner, model_file, tmp_path):
    (tmp_path / "shard").mkdir()
    (tmp_path / "shard" / "a.txt").write_text(PAGE_TEXT, encoding="utf-8")
    (tmp_path / "all").mkdir()
    (tmp_path / "all" / "shard").symlink_to(tmp_path / "shard")
    result = predict(runner, model_file, tmp_path / "all")
    assert result.exit_code == 0
    assert result.stderr == (f"Warning: {tmp_path / 'all' / 'shard'}: a symbolic link to a directory, not followed "
                             f"(name the directory itself)\nWarning: {tmp_path / 'all'}: no pages found in this "
                             "directory\n")


@pytest.mark.skipif(os.name != "posix", reason="symlinks need privileges elsewhere")
@pytest.mark.parametrize("command", ["evaluate", "train"])
def test_train_and_evaluate_name_a_symlink_to_a_directory_of_labelled_pages_they_do_not_follow(
        runner, model_file, tmp_path, command):
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "b.tsv").write_text("boilerplate\tNews\ncontent\tThe ferry ran late.\n", encoding="utf-8")
    folder = tmp_path / "labelled"
    folder.mkdir()
    (folder / "a.tsv").write_text("boilerplate\tHome\ncontent\tThe council met on Tuesday.\n", encoding="utf-8")
    (folder / "c.tsv").write_text("boilerplate\tSport\ncontent\tThe bridge opens in May.\n", encoding="utf-8")
    (folder / "more").symlink_to(tmp_path / "more")
    args = ([str(model_file), str(folder), "--json"] if command == "evaluate"
            else [str(folder), "-o", str(tmp_path / "m.model")])
    result = runner.invoke(app, [command, *args])
    warning = (f"Warning: {folder / 'more'}: a symbolic link to a directory, not followed (name the directory "
               "itself)")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == warning


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_symlink_to_a_named_pipe_in_a_directory_is_named_as_one(runner, model_file, tmp_path):
    os.mkfifo(tmp_path / "f.fifo")
    (tmp_path / "all").mkdir()
    (tmp_path / "all" / "a.txt").write_text(PAGE_TEXT, encoding="utf-8")
    (tmp_path / "all" / "link").symlink_to(tmp_path / "f.fifo")
    result = predict(runner, model_file, tmp_path / "all")
    assert result.exit_code == 0
    assert result.stderr == f"Warning: {tmp_path / 'all' / 'link'}: not a regular file (a pipe, socket or device), skipped\n"


def test_output_through_a_symlink_replaces_the_file_it_points_to(runner, model_file, page, tmp_path):
    target = tmp_path / "real.txt"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    result = predict(runner, model_file, "-o", link, page)
    assert result.exit_code == 0
    assert link.is_symlink() and target.read_text(encoding="utf-8") == predict(runner, model_file, page).stdout


def test_a_failed_rename_leaves_no_temporary_file(runner, model_file, page, tmp_path, monkeypatch):
    def refused(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(os, "replace", refused)
    out = tmp_path / "out" / "o.txt"
    out.parent.mkdir()
    result = predict(runner, model_file, "-o", out, page)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {out}: cannot write (Permission denied)\n"
    assert list(out.parent.iterdir()) == []


def test_a_warc_record_cut_inside_its_body_is_an_error(runner, model_file, tmp_path):
    path = tmp_path / "cut.warc"
    path.write_bytes(conversion_warc(b"A long line of text. " * 20)[:-100])  # the payload loses its end
    result = predict(runner, model_file, path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {path}: broken WARC (record 1 is cut short: ")


def test_blank_lines_after_the_last_warc_record_are_fine(runner, model_file, tmp_path):
    path = tmp_path / "t.warc"
    path.write_bytes(conversion_warc(b"A line of text.\n") + b"\r\n\n\n")
    result = predict(runner, model_file, "-f", "jsonl", path)
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 1


def test_a_warc_record_past_its_content_length_is_one_warning_line(runner, model_file, tmp_path):
    warc = conversion_warc(b"A line of text.\nAnd more.\n", b"Another line.\n")
    length = re.search(rb"Content-Length: (\d+)", warc)
    path = tmp_path / "t.warc"  # the first record's Content-Length misses its last line ("more.\n")
    path.write_bytes(warc[:length.start(1)] + str(int(length[1]) - 6).encode() + warc[length.end(1):])
    result = predict(runner, model_file, "-f", "jsonl", path)
    assert result.exit_code == 0
    assert [json.loads(r)["linesift"]["lines"] for r in result.stdout.splitlines()] == [2, 1]
    assert re.fullmatch(f"Warning: {re.escape(str(path))}#<urn:uuid:[0-9a-f-]+>: record 1 runs past its "
                        "Content-Length \\(perhaps too small\\): its text may have lost its end\n", result.stderr)


def test_import_names_the_line_of_bytes_that_are_not_utf8(runner, tmp_path):
    source = tmp_path / "c.jsonl"
    source.write_bytes(b'{"html": "<p>x</p>", "main_content": "x"}\n{"html": "<p>caf\xe9</p>", "main_content": "x"}\n')
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {source}:2: not UTF-8 text (byte 16 of the line)\n"


def test_a_page_that_is_one_long_line_gets_a_warning(runner, model_file, tmp_path):
    path = tmp_path / "flat.txt"
    text = "Home News Sport " + "The council met on Tuesday to agree on the harbour budget. " * 100
    path.write_text(text + "\n", encoding="utf-8")
    result = predict(runner, model_file, "-f", "tsv", path)
    assert result.exit_code == 0
    letters = sum(c.isalnum() for c in text)
    assert result.stderr == (f"Warning: {path}: line 1 holds {letters:,} of the page's {letters:,} letters and "
                             "digits; linesift labels whole lines, so it keeps that line whole: give it a scrape "
                             "with line breaks (w3m -dump, lynx -dump, inscriptis)\n")


def test_the_warning_of_a_one_line_page_says_a_threshold_labels_it_by_its_score(runner, model_file, tmp_path):
    path = tmp_path / "flat.txt"
    path.write_text("The council met on Tuesday again. " * 200 + "\n", encoding="utf-8")
    result = predict(runner, model_file, "--threshold", "0.5", path)
    assert result.exit_code == 0
    assert "; linesift labels whole lines (this one by its score: --threshold): give it" in result.stderr


@SHIPPED_MODEL
def test_a_page_that_is_one_long_line_keeps_it_whatever_its_score(runner, tmp_path):
    path = tmp_path / "flat.txt"
    path.write_text("Home | News | Sport | Login | Share on Facebook | " * 40 + "\n", encoding="utf-8")
    kept = runner.invoke(app, ["predict", "-f", "tsv", str(path)])  # the shipped model scores it 0.01
    by_score = runner.invoke(app, ["predict", "-f", "tsv", "--threshold", "0.5", str(path)])
    assert [row[:2] for row in tsv_rows(kept.stdout)] == [["content", "0.0127"]]
    assert [row[:2] for row in tsv_rows(by_score.stdout)] == [["boilerplate", "0.0127"]]


def test_warnings_of_one_line_pages_stop_after_ten(runner, model_file, tmp_path):
    folder = tmp_path / "flat"
    folder.mkdir()
    for i in range(13):
        (folder / f"{i:02d}.txt").write_text("The council met on Tuesday again. " * 200 + "\n", encoding="utf-8")
    result = predict(runner, model_file, "--jobs", "1", folder)
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert len(lines) == 11
    assert lines[-1] == "Warning: 3 more pages with one line holding most of the page or HTML that renders to no text"


def test_a_gzipped_corpus_named_in_capitals_is_read(runner, model_file, tmp_path):
    import gzip

    rows = "".join(json.dumps({"text": f"Line {i} of the page, with some words."}) + "\n" for i in range(2))
    (tmp_path / "Q.JSONL.GZ").write_bytes(gzip.compress(rows.encode(), mtime=0))
    (tmp_path / "q.jsonl").write_text(rows, encoding="utf-8")
    upper, lower = (runner.invoke(app, ["predict", str(tmp_path / name), "--model", str(model_file), "-f", "jsonl"])
                    for name in ("Q.JSONL.GZ", "q.jsonl"))
    assert (upper.exit_code, upper.stdout) == (0, lower.stdout)


def test_a_corrupt_gzip_corpus_is_a_one_line_error(runner, model_file, tmp_path):
    import gzip
    import zlib

    rows = "".join(json.dumps({"text": f"Line {i} of page {i}, with some words."}) + "\n" for i in range(3000))
    data = bytearray(gzip.compress(rows.encode(), mtime=0))
    data[12] ^= 0xFF  # the first deflate block's header: zlib.error, not an OSError
    path = tmp_path / "c.jsonl.gz"
    path.write_bytes(bytes(data))
    with pytest.raises(zlib.error):
        gzip.decompress(bytes(data))
    result = runner.invoke(app, ["predict", str(path), "--model", str(model_file), "-f", "jsonl"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {path}:") and "cannot read" in result.stderr
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("fail_fast", [True, False])
def test_fail_fast_stops_corpus_modes_first_pass_at_the_bad_input(runner, tmp_path, monkeypatch, fail_fast):
    import linesift.sites

    counted, real = [], linesift.sites.corpus_sites

    def counting(pairs):
        def tap():
            for pair in pairs:
                counted.append(pair)
                yield pair
        return real(tap())

    monkeypatch.setattr(linesift.sites, "corpus_sites", counting)
    good = [json.dumps({"url": f"https://a.example/{i}", "text": f"Story {i}, told at length.\nShare"})
            for i in range(3)]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("\n".join(good + ["{broken"] + good) + "\n", encoding="utf-8")
    args = ["predict", str(corpus), "-f", "jsonl"] + (["--fail-fast"] if fail_fast else [])
    result = runner.invoke(app, args)  # the shipped model, which uses the cross-page counts
    assert result.exit_code == 1
    assert len(counted) == (3 if fail_fast else 6)
    assert len(result.stdout.splitlines()) == (3 if fail_fast else 7)


def test_verbose_says_whether_pages_were_scored_in_corpus_mode(runner, tmp_path):
    template = ["Home", "World news", "Sport results", "Weather today", "Contact the newsroom"]
    for w in ("harbour", "council", "bridge"):
        (tmp_path / f"{w}.txt").write_text("\n".join(template + [f"The {w} story, told at length."]) + "\n",
                                           encoding="utf-8")
    together = runner.invoke(app, ["predict", str(tmp_path), "-v", "-q"])  # the shipped model uses sites
    alone = runner.invoke(app, ["predict", str(tmp_path), "-v", "-q", "--no-sites"])
    assert together.exit_code == alone.exit_code == 0
    assert together.stderr.splitlines()[-1] == ("linesift: corpus mode, sites with 2+ pages: 1 (1 inferred from "
                                                "shared template lines)")
    assert alone.stderr.splitlines()[-1] == "linesift: page by page (no cross-page counts)"


@pytest.fixture(scope="module")
def raising_model_file(tmp_path_factory, runner) -> Path:
    """`linesift train data/pages --unseen-shift 0.3`: a model that raises its threshold on pages of unseen words."""
    path = tmp_path_factory.mktemp("raising") / "r.model"
    result = runner.invoke(app, ["train", str(PAGES_DIR), "--trees", "10", "--unseen-shift", "0.3", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_no_unseen_raise_keeps_the_tuned_threshold_on_a_page_of_unseen_words(runner, raising_model_file, tmp_path):
    from linesift.modelfile import load_model
    from linesift.predict import predict_lines
    from linesift.settings import UNSEEN_THRESHOLD_MAX

    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"text": "\n".join(UNSEEN_PAGE)}) + "\n", encoding="utf-8")
    args = ["predict", str(corpus), "--model", str(raising_model_file), "-f", "jsonl", "-q"]
    raised, plain = runner.invoke(app, args), runner.invoke(app, [*args, "--no-unseen-raise"])
    assert (raised.exit_code, plain.exit_code) == (0, 0)
    model = load_model(raising_model_file)
    tuned, expected = model.threshold_, round(predict_lines(UNSEEN_PAGE, model=model).threshold, 4)
    assert json.loads(raised.stdout)["linesift"]["threshold"] == expected  # raised: its words are mostly unseen
    assert tuned < expected <= UNSEEN_THRESHOLD_MAX
    assert json.loads(plain.stdout)["linesift"]["threshold"] == tuned


def test_evaluate_no_unseen_raise_counts_no_raised_page(runner, raising_model_file, tmp_path):
    page = tmp_path / "unseen.tsv"
    page.write_text("".join(f"content\t{line}\n" if line else "\n" for line in UNSEEN_PAGE), encoding="utf-8")
    args = ["evaluate", str(raising_model_file), str(page), "--json"]
    raised, plain = runner.invoke(app, args), runner.invoke(app, [*args, "--no-unseen-raise"])
    assert (raised.exit_code, plain.exit_code) == (0, 0)
    assert (json.loads(raised.stdout)["pages_raised"], json.loads(plain.stdout)["pages_raised"]) == (1, 0)


@pytest.fixture(scope="module")
def member_model_files(tmp_path_factory, runner) -> tuple[Path, Path]:
    """`linesift train data/pages --members 2`, and the same model cut to its first member (``first_members``)."""
    from linesift.modelfile import load_model, save_model

    root = tmp_path_factory.mktemp("members")
    pair, first = root / "pair.model", root / "first.model"
    result = runner.invoke(app, ["train", str(PAGES_DIR), "--trees", "10", "--members", "2", "-o", str(pair)])
    assert result.exit_code == 0, result.output
    save_model(load_model(pair).first_members(1), first)
    return pair, first


def test_predict_members_scores_with_the_model_s_first_members(runner, member_model_files, page):
    pair, first = member_model_files
    cut, alone, both = (predict(runner, pair, "-f", "tsv", "--members", "1", page), predict(runner, first, "-f", "tsv", page),
                        predict(runner, pair, "-f", "tsv", page))
    assert (cut.exit_code, alone.exit_code, both.exit_code) == (0, 0, 0)
    assert cut.stdout == alone.stdout
    assert cut.stdout != both.stdout


def test_evaluate_members_scores_with_the_model_s_first_members(runner, member_model_files):
    pair, first = member_model_files
    cut = runner.invoke(app, ["evaluate", str(pair), str(PAGES_DIR), "--json", "--members", "1"])
    alone = runner.invoke(app, ["evaluate", str(first), str(PAGES_DIR), "--json"])
    both = runner.invoke(app, ["evaluate", str(pair), str(PAGES_DIR), "--json"])
    assert (cut.exit_code, alone.exit_code, both.exit_code) == (0, 0, 0)
    assert json.loads(cut.stdout) == json.loads(alone.stdout)
    assert json.loads(cut.stdout) != json.loads(both.stdout)


def test_predict_members_in_worker_processes_scores_as_in_one(runner, member_model_files, tmp_path):
    from linesift.batch import BATCH_PAGES_DEFAULT

    pair, first = member_model_files
    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(BATCH_PAGES_DEFAULT + 5):  # two batches: the workers score them
        (pages / f"{i:03d}.txt").write_text(PAGE_TEXT.replace("council", f"council {i}"), encoding="utf-8")
    two = predict(runner, pair, "-f", "tsv", "--members", "1", "-j", "2", pages)
    alone = predict(runner, first, "-f", "tsv", "-j", "1", pages)
    assert (two.exit_code, alone.exit_code) == (0, 0)
    assert two.stdout == alone.stdout


def test_predict_members_beyond_the_model_s_scores_with_all_and_says_so(runner, member_model_files, page):
    pair, _ = member_model_files
    more, both = predict(runner, pair, "-f", "tsv", "--members", "5", page), predict(runner, pair, "-f", "tsv", page)
    assert (more.exit_code, both.exit_code) == (0, 0)
    assert more.stdout == both.stdout
    assert more.stderr == "linesift: note: --members 5: the model has 2, scoring with all of them\n"


@pytest.mark.parametrize("command", ["predict", "evaluate"])
def test_members_below_one_exits_2(runner, model_file, page, command):
    args = ["--model", str(model_file), str(page)] if command == "predict" else [str(model_file), str(PAGES_DIR)]
    result = runner.invoke(app, [command, *args, "--members", "0"])
    assert result.exit_code == 2
    assert "--members" in result.output


# --- found by a fresh-install review (0.16.1)

@pytest.mark.parametrize("name, first_row", [("o.jsonl", '{"text": '), ("o.jsonl.gz", '{"text": '),
                                             ("o.tsv.gz", "content\t"), ("o.TSV", "content\t"), ("o.txt", "Skip to content\n")])
def test_without_format_the_output_file_s_name_gives_it(runner, model_file, tmp_path, name, first_row):
    import gzip

    source = tmp_path / "c.jsonl"
    source.write_text(json.dumps({"text": PAGE_TEXT}) + "\n", encoding="utf-8")
    out = tmp_path / name
    result = predict(runner, model_file, "-t", "0", source, "-o", out)
    data = out.read_bytes()
    text = (gzip.decompress(data) if name.endswith(".gz") else data).decode("utf-8")
    assert (result.exit_code, text.startswith(first_row)) == (0, True)


def test_a_format_given_wins_over_the_output_file_s_name(runner, model_file, tmp_path):
    source = tmp_path / "c.jsonl"
    source.write_text(json.dumps({"text": PAGE_TEXT}) + "\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    result = predict(runner, model_file, "-t", "0", "-f", "text", source, "-o", out)
    assert (result.exit_code, out.read_text(encoding="utf-8")) == (0, predict(runner, model_file, "-t", "0", source).stdout)


def test_a_labelled_corpus_given_to_predict_says_evaluate_reads_it(runner, model_file, tmp_path):
    source = tmp_path / "c.jsonl"
    source.write_text(json.dumps({"lines": ["a"], "labels": ["content"]}) + "\n", encoding="utf-8")
    result = predict(runner, model_file, source)
    assert (result.exit_code, result.stderr) == (1, f"Error: {source}:1: no string field 'text' (a labelled page, "
                                                    "lines and labels: linesift evaluate scores a model on it)\n")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_counter_gives_way_to_messages_and_ends_with_the_final_count(monkeypatch):
    from linesift import cli

    now = iter([0.0, 1.0, 1.2, 3.0, 4.0])  # start, drawn, too soon to redraw, drawn, the end
    monkeypatch.setattr(cli.time, "perf_counter", lambda: next(now))
    monkeypatch.setattr(cli.sys, "stderr", _Terminal())
    progress = cli._Progress(enabled=True)
    progress.update(32)
    progress.update(64)
    progress.clear()
    cli.sys.stderr.write("Error: x\n")
    progress.update(96)
    progress.close()
    assert cli.sys.stderr.getvalue() == ("\r\033[Klinesift: 32 pages, 32 pages/s\r\033[KError: x\n"
                                         "\r\033[Klinesift: 96 pages, 32 pages/s\r\033[Klinesift: 96 pages, 24 pages/s\n")


def test_the_progress_counter_says_one_page(monkeypatch):
    from linesift import cli

    now = iter([0.0, 1.0, 2.0])
    monkeypatch.setattr(cli.time, "perf_counter", lambda: next(now))
    monkeypatch.setattr(cli.sys, "stderr", _Terminal())
    progress = cli._Progress(enabled=True)
    progress.update(1)
    progress.close()
    assert cli.sys.stderr.getvalue() == "\r\033[Klinesift: 1 page, 1 pages/s\r\033[Klinesift: 1 page, 0 pages/s\n"


def test_the_progress_counter_is_not_drawn_where_stderr_is_no_terminal(monkeypatch):
    from linesift import cli

    monkeypatch.setattr(cli.sys, "stderr", io.StringIO())
    progress = cli._Progress(enabled=True)
    progress.update(32)
    progress.close()
    assert cli.sys.stderr.getvalue() == ""


def test_a_page_too_large_for_the_memory_is_an_error_in_its_place_and_the_others_are_scored(runner, model_file,
                                                                                            tmp_path, monkeypatch):
    from linesift import batch

    def scarce(pages, *args, **kwargs):  # memory for pages of up to 2 lines
        if any(len(lines) > 2 for lines in pages):
            raise MemoryError
        return batch_predict(pages, *args, **kwargs)

    batch_predict = batch.predict_pages
    monkeypatch.setattr(batch, "predict_pages", scarce)
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"text": "A story, told at length."}\n{"text": "a\\nb\\nc"}\n{"text": "Home"}\n',
                      encoding="utf-8")
    result = predict(runner, model_file, corpus, "-f", "jsonl", "-j", "1")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {corpus}:2: too large to score in this memory (3 lines; MemoryError)\n"
    records = [json.loads(r) for r in result.stdout.splitlines()]
    assert [r.get("error") or r["linesift"]["lines"] for r in records] == [
        1, f"{corpus}:2: too large to score in this memory (3 lines; MemoryError)", 1]


def test_html_with_no_text_is_said_also_when_its_batch_is_scored_again_page_by_page(runner, model_file, tmp_path,
                                                                                   monkeypatch):
    from linesift import batch

    def scarce(pages, *args, **kwargs):  # memory for one page at a time: the batch is scored again page by page
        if len(pages) > 1:
            raise MemoryError
        return batch_predict(pages, *args, **kwargs)

    batch_predict = batch.predict_pages
    monkeypatch.setattr(batch, "predict_pages", scarce)
    (tmp_path / "a.html").write_text("<html><body><script>render()</script></body></html>\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("The council met on Tuesday.\n", encoding="utf-8")
    result = predict(runner, model_file, "-j", "1", "--no-sites", "-f", "tsv", tmp_path / "a.html", tmp_path / "b.txt")
    assert result.exit_code == 0
    assert result.stderr.startswith(f"Warning: {tmp_path / 'a.html'}: its HTML renders to no text")


def test_evaluate_says_n_a_for_line_scores_where_no_line_is_content_or_kept(runner, model_file, tmp_path):
    page = tmp_path / "tags.tsv"
    page.write_text("boilerplate\tHome\nboilerplate\tAbout us\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(model_file), str(page), "--threshold", "1.0"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-6:-3] == ["line_precision\tn/a", "line_recall\tn/a", "line_f1\tn/a"]


def test_evaluate_says_n_a_where_no_page_is_left_in_the_word_mean(runner, model_file, tmp_path):
    page = tmp_path / "tags.tsv"
    page.write_text("boilerplate\tHome\nboilerplate\tAbout us\n", encoding="utf-8")
    as_json = runner.invoke(app, ["evaluate", str(model_file), str(page), "--json"])
    scores = json.loads(as_json.stdout)
    assert (as_json.exit_code, scores["word_precision"], scores["word_recall"], scores["word_f1"]) == (0, None, None,
                                                                                                       None)
    rows = runner.invoke(app, ["evaluate", str(model_file), str(page)]).stdout.splitlines()
    assert rows[-3:] == ["word_precision\tn/a", "word_recall\tn/a", "word_f1\tn/a"]


def test_import_with_workers_says_in_one_line_that_one_was_killed_and_writes_nothing(runner, corpus, tmp_path,
                                                                                      monkeypatch):
    import signal

    from linesift.training import importer

    def killed(record, renderer, as_shipped):  # as the kernel's out-of-memory killer would
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(importer, "label_record", killed)  # forked workers inherit it
    out = tmp_path / "labelled.jsonl"
    result = runner.invoke(app, ["import", str(corpus), "-j", "2", "-o", str(out)])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (f"Error: {corpus}: a worker process was killed (out of memory?), so the run cannot go "
                             "on; try fewer --jobs, or leave out the largest pages\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == [corpus.name]
