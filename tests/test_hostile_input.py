"""Inputs from real crawls and real mistakes that once ended a run with a traceback, lost text or
destroyed a file: each is now read, or refused in one line naming the file (and line), and the rest of the
run goes on."""

from __future__ import annotations

import io
import json
import os
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest

from linesift.cli import app

POSIX_ONLY = pytest.mark.skipif(os.name != "posix", reason="POSIX signals, symlinks and file names")
ARTICLE = "The council met on Tuesday to agree on the budget for the harbour and its new ferry pier."
PAGES_DIR = Path(__file__).resolve().parents[1] / "data" / "pages"


def jsonl(path: Path, *rows: str) -> Path:
    path.write_text("".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def predict_jsonl(runner, model_file, *args):
    result = runner.invoke(app, ["predict", "--model", str(model_file), "-f", "jsonl", *map(str, args)])
    return result, [json.loads(row) for row in result.stdout.splitlines()]


# --- JSONL corpora

@pytest.mark.parametrize("command", ["predict", "train", "import"])
def test_a_gzipped_corpus_of_zeros_is_refused_at_its_first_row_not_read_whole(runner, model_file, tmp_path, command):
    import gzip

    source = tmp_path / "c.jsonl.gz"
    source.write_bytes(gzip.compress(bytes(200 << 20)))  # 200 KB that would be read as one row of 200 MB
    args = {"predict": ["predict", "--model", str(model_file), str(source)],
            "train": ["train", str(source), "-o", str(tmp_path / "x.model")],
            "import": ["import", str(source), "-o", str(tmp_path / "x.jsonl")]}[command]
    result = runner.invoke(app, args)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"Error: {source}:1: not a text file\n")


def test_rows_are_read_whole_however_long_and_the_last_without_its_line_break():
    from linesift.inputs import STDIN_CHUNK, bounded_rows

    rows = [b"{}\n", b"\n", b'{"text": "' + b"x" * (3 * STDIN_CHUNK) + b'"}\n', b"{}"]
    assert list(bounded_rows(io.BytesIO(b"".join(rows)))) == rows


def test_a_lone_surrogate_is_replaced_and_said(runner, model_file, tmp_path):
    # JavaScript cuts text inside an emoji and leaves half of its UTF-16 pair: "\ud83d" with no "\ude00"
    source = jsonl(tmp_path / "c.jsonl", json.dumps({"text": "Emoji cut \ud83d here.\n" + ARTICLE}))
    result, records = predict_jsonl(runner, model_file, source, "-t", "0")
    assert result.exit_code == 0
    assert records[0]["content"] == "Emoji cut \ufffd here.\n" + ARTICLE
    assert result.stderr == f"Warning: {source}:1: 1 lone surrogate(s) (text cut inside a character) replaced\n"


def test_a_surrogate_pair_spelt_as_escapes_is_one_character(runner, model_file, tmp_path):
    source = jsonl(tmp_path / "c.jsonl", '{"text": "' + ARTICLE + ' \\ud83d\\ude00"}')
    result, records = predict_jsonl(runner, model_file, source, "-t", "0")
    assert (result.exit_code, result.stderr) == (0, "")
    assert records[0]["content"] == ARTICLE + " \U0001F600"


def test_a_number_json_will_not_read_is_an_error_record_in_place(runner, model_file, tmp_path):
    source = jsonl(tmp_path / "c.jsonl", '{"text": "x", "n": ' + "1" * 5000 + "}", json.dumps({"text": ARTICLE}))
    result, records = predict_jsonl(runner, model_file, source)
    assert result.exit_code == 1
    assert records[0]["error"].startswith(f"{source}:1: broken JSON (Exceeds the limit (4300 digits)")
    assert records[1]["linesift"]["lines"] == 1


def test_nesting_too_deep_for_python_is_an_error_record(runner, model_file, tmp_path):
    source = jsonl(tmp_path / "c.jsonl", '{"text": "x", "d": ' + "[" * 100000 + "]" * 100000 + "}")
    result, records = predict_jsonl(runner, model_file, source)
    assert result.exit_code == 1
    assert records == [{"error": f"{source}:1: broken JSON (nested too deep)"}]


DEEP = ("JSON nested more than 100 levels deep (too deep to hand to a worker process; a page's record nests a few "
        "levels)")


def test_a_lone_surrogate_in_a_row_nested_deep_is_an_error_record(runner, model_file, tmp_path):
    # json reads 600 levels, but cleaning the surrogate out of them would go deeper than Python allows
    source = jsonl(tmp_path / "c.jsonl", '{"text": "x \\ud83d", "d": ' + "[" * 600 + "]" * 600 + "}",
                   json.dumps({"text": ARTICLE}))
    result, records = predict_jsonl(runner, model_file, source)
    assert result.exit_code == 1
    assert records[0] == {"error": f"{source}:1: {DEEP}"}
    assert records[1]["linesift"]["lines"] == 1


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_record_nested_deeper_than_a_worker_can_be_handed_is_an_error_record_for_any_jobs(runner, model_file,
                                                                                            tmp_path, jobs):
    # 500 levels: json reads them, but pickling the batch for a worker recursed past Python's limit (a traceback)
    rows = [json.dumps({"text": f"{ARTICLE} {i}"}) for i in range(70)]
    rows.insert(40, '{"text": "x", "d": ' + "[" * 500 + "]" * 500 + "}")
    rows.append('{"text": "ok", "d": ' + "[" * 99 + "]" * 99 + "}")  # 100 levels with the record itself: read
    source = jsonl(tmp_path / "c.jsonl", *rows)
    result, records = predict_jsonl(runner, model_file, source, "--jobs", jobs, "--no-sites", "-t", "0")
    assert (result.exit_code, result.stderr) == (1, f"Error: {source}:41: {DEEP}\n")
    assert [r.get("error") for r in records] == [None] * 40 + [f"{source}:41: {DEEP}"] + [None] * 31
    assert records[-1]["content"] == "ok"


def test_stdin_opening_with_two_broken_records_is_still_a_corpus(runner, model_file):
    rows = '{"text": "broken\n{"text": "also broken\n' + json.dumps({"text": ARTICLE}) + "\n"
    result = runner.invoke(app, ["predict", "--model", str(model_file), "-f", "jsonl"], input=rows)
    records = [json.loads(row) for row in result.stdout.splitlines()]
    assert result.exit_code == 1
    assert [sorted(r) for r in records[:2]] == [["error"], ["error"]]
    assert records[2]["linesift"]["lines"] == 1


# --- paths and output files

@POSIX_ONLY
def test_a_symlink_loop_is_reported_and_the_other_pages_scored(runner, model_file, tmp_path):
    folder = tmp_path / "scrapes"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE + "\n", encoding="utf-8")
    os.symlink("l2", folder / "l1")
    os.symlink("l1", folder / "l2")
    result = runner.invoke(app, ["predict", "--model", str(model_file), "-f", "tsv", "-t", "0", str(folder)])
    assert result.exit_code == 1
    assert result.stdout.endswith(f"\t{ARTICLE}\n")
    assert result.stderr.splitlines() == [f"Error: {folder / 'l1'}: Too many levels of symbolic links",
                                          f"Error: {folder / 'l2'}: Too many levels of symbolic links"]


def test_an_empty_output_is_a_usage_error_not_the_working_directory(runner, model_file, tmp_path, monkeypatch):
    page = tmp_path / "in" / "page.txt"
    page.parent.mkdir()
    page.write_text(ARTICLE + "\n", encoding="utf-8")
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    result = runner.invoke(app, ["predict", "--model", str(model_file), "-o", "", str(page)])
    assert result.exit_code == 2
    assert result.stderr == ("Error: --output is empty (an unset shell variable?); give a file, a directory or -; "
                             "see 'root predict -h'\n")
    assert list(here.iterdir()) == []


@pytest.mark.parametrize("option", ["--text-field", "--html-field", "--site-field"])
def test_an_empty_field_name_is_a_usage_error(runner, model_file, tmp_path, option):
    source = jsonl(tmp_path / "c.jsonl", json.dumps({"text": ARTICLE, "html": "<p>x</p>"}))
    result = runner.invoke(app, ["predict", "--model", str(model_file), option, "", str(source)])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"Error: {option} is empty (an unset shell variable?); name the field; see 'root predict -h'\n"


@pytest.mark.parametrize("text_field", ["body", "text"])  # "text" is the default: named, it still contradicts
def test_text_and_html_fields_together_are_a_usage_error(runner, model_file, tmp_path, text_field):
    source = jsonl(tmp_path / "c.jsonl", json.dumps({text_field: ARTICLE, "html": "<p>x</p>"}))
    result = runner.invoke(app, ["predict", "--model", str(model_file), "--text-field", text_field, "--html-field",
                                 "html", str(source)])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == ("Error: --text-field and --html-field: a page is read from one field, as text or as HTML; "
                             "give one; see 'root predict -h'\n")


def test_a_site_field_without_corpus_mode_is_a_usage_error(runner, model_file, tmp_path):
    source = jsonl(tmp_path / "c.jsonl", json.dumps({"text": ARTICLE, "domain": "a"}))
    result = runner.invoke(app, ["predict", "--model", str(model_file), "--site-field", "domain", "--no-sites",
                                 str(source)])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == ("Error: --site-field groups pages into sites for corpus mode, which --no-sites turns "
                             "off; give one; see 'root predict -h'\n")


def test_a_long_legal_file_name_is_written(runner, model_file, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(ARTICLE + "\n", encoding="utf-8")
    out = tmp_path / ("a" * 250 + ".txt")  # 254 bytes: legal, but not with a temporary file's additions
    result = runner.invoke(app, ["predict", "--model", str(model_file), "-t", "0", "-o", str(out), str(page)])
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8") == ARTICLE + "\n"


def test_a_long_legal_file_name_of_two_byte_characters_is_written(runner, model_file, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(ARTICLE + "\n", encoding="utf-8")
    out = tmp_path / ("\ud55c" * 83 + ".txt")  # 253 bytes: 3 a character
    result = runner.invoke(app, ["predict", "--model", str(model_file), "-t", "0", "-o", str(out), str(page)])
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8") == ARTICLE + "\n"


def test_a_temporary_file_that_cannot_be_made_is_named_as_the_output(tmp_path):
    from linesift.output import new_temp_file

    with pytest.raises(FileNotFoundError) as caught:
        new_temp_file(tmp_path / "missing" / "out.txt")
    assert caught.value.filename == str(tmp_path / "missing" / "out.txt")


@POSIX_ONLY
def test_a_file_name_that_is_not_utf8_is_shown_with_a_replacement(runner, model_file, tmp_path):
    folder = tmp_path / "scrapes"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9.txt")
    (folder / name).write_text(ARTICLE + "\n", encoding="utf-8")
    result, records = predict_jsonl(runner, model_file, folder)
    assert result.exit_code == 0
    assert records[0]["path"] == str(folder / "caf\ufffd.txt")


def test_train_refuses_to_write_its_model_over_its_data(runner, tmp_path):
    data = tmp_path / "a.tsv"
    data.write_bytes((PAGES_DIR / "en-news-harbour.tsv").read_bytes())
    before = data.read_bytes()
    result = runner.invoke(app, ["train", str(data), str(PAGES_DIR), "-o", str(data)])
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {data}: would overwrite labelled data given to train on; write the model "
                             "elsewhere\n")
    assert data.read_bytes() == before


# --- decoding

def test_a_latin1_page_with_one_utf8_looking_pair_keeps_its_accents():
    from linesift.lines import decode

    text, warnings = decode("Müller grüßt die Straße. Ärger über Öl.\n".encode("cp1252") + b"\xc2\xa9 2026\n")
    assert text == "Müller grüßt die Straße. Ärger über Öl.\nÂ© 2026\n"
    assert warnings == ["not valid UTF-8 (byte 1); decoded as cp1252"]


def test_a_latin1_page_with_a_byte_cp1252_lacks_keeps_its_accents():
    from linesift.lines import decode

    text, warnings = decode("Mühlweg\n".encode("cp1252") + b"\x81\n")
    assert text == "Mühlweg\n\ufffd\n"
    assert warnings == ["not valid UTF-8 (byte 1); decoded as cp1252, 1 byte(s) it has no character for replaced"]


def test_a_legacy_page_counts_only_the_bytes_cp1252_lacks():
    from linesift.lines import decode

    text, warnings = decode("\ufffd".encode() * 2 + b" caf\xe9 r\xe9sum\xe9 na\xefve \x81")
    assert text == "\u00ef\u00bf\u00bd" * 2 + " café résumé naïve \ufffd"
    assert warnings == ["not valid UTF-8 (byte 10); decoded as cp1252, 1 byte(s) it has no character for replaced"]


def test_a_utf8_page_with_a_few_bad_bytes_stays_utf8():
    from linesift.lines import decode

    text, warnings = decode("Müller grüßt\n".encode("utf-8") + b"\xe9\n")
    assert text == "Müller grüßt\n\ufffd\n"
    assert warnings == ["invalid UTF-8 at byte 16 replaced"]


def test_an_html_page_declaring_utf8_that_is_not_is_read_in_the_charset_it_is_in(runner, model_file, tmp_path):
    page = tmp_path / "p.html"
    page.write_bytes(b'<html><head><meta charset="utf-8"></head><body><p>'
                     + "Привет, мир! Это длинная строка текста о погоде.".encode("cp1251") + b"</p></body></html>")
    result = runner.invoke(app, ["predict", "--model", str(model_file), "-t", "0", str(page)])
    assert result.exit_code == 0
    assert result.stderr == f"Warning: {page}: not valid UTF-8 (byte 50); decoded as cp1251\n"
    assert result.stdout == "Привет, мир! Это длинная строка текста о погоде.\n"


@pytest.mark.parametrize(("head", "charset"), [
    (b'<meta charset="windows-1251">', "windows-1251"),
    (b'<!-- <meta charset="koi8-r"> --><meta charset="windows-1251">', "windows-1251"),  # a comment's is not
    (b'<meta name="description" content="on charset=koi8-r"><meta charset="windows-1251">', "windows-1251"),
    (b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-2">', "iso-8859-2"),
    (b'<meta content="text/html; charset=koi8-r">', None),  # without the pragma, as browsers read it
    (b'<meta charset="cp037">', None),  # EBCDIC: this tag's own bytes do not read so
    (b'<meta charset="utf-16">', "utf-8"),
])
def test_a_page_s_declared_charset_is_read_from_a_meta_as_browsers_read_it(head, charset):
    from linesift.inputs import declared_charset

    assert declared_charset(b"<html><head>" + head + b"</head><body>x</body></html>") == charset


@pytest.mark.parametrize(("fmt", "rows"), [
    ("auto", ["The council met on Tuesday."]),
    ("text", ["<!DOCTYPE html><html><body><p>The council met on Tuesday.</p></body></html>"]),
])
def test_an_html_page_saved_as_txt_is_rendered_unless_read_as_text(runner, model_file, tmp_path, fmt, rows):
    page = tmp_path / "page.txt"
    page.write_text("<!DOCTYPE html><html><body><p>The council met on Tuesday.</p></body></html>\n")
    result = runner.invoke(app, ["predict", "-m", str(model_file), "-f", "tsv", "--input-format", fmt, str(page)])
    assert (result.exit_code, result.stderr) == (0, "")
    assert [row.split("\t")[2] for row in result.stdout.splitlines()] == rows


def test_a_warc_response_with_its_charset_only_in_a_meta_is_decoded_by_it(runner, model_file, tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    body = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251"></head>'
            "<body><p>Новости: городской совет утвердил бюджет на следующий год.</p></body></html>")
    path = tmp_path / "t.warc.gz"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.0")
        writer.write_record(writer.create_warc_record("https://a.example/1", "response",
                                                      payload=io.BytesIO(body.encode("cp1251")), http_headers=headers))
    result, records = predict_jsonl(runner, model_file, path, "-t", "0")
    assert result.exit_code == 0
    assert records[0]["content"] == "Новости: городской совет утвердил бюджет на следующий год."


def test_a_warc_page_declaring_a_codec_that_is_not_text_leaves_the_next_page_whole(runner, model_file, tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "t.warc.gz"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, body in (("https://a.example/1", b'<html><head><meta charset="hex"></head><body><p>Caf\xe9</p>'),
                          ("https://a.example/2", f"<html><body><p>{ARTICLE}</p></body></html>".encode())):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.0")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))
    result, records = predict_jsonl(runner, model_file, path, "-t", "0")
    assert result.exit_code == 0
    assert [r["content"] for r in records] == ["Café", ARTICLE]


def test_a_page_declaring_iso_8859_1_is_read_as_browsers_read_it(runner, model_file, tmp_path):
    page = tmp_path / "p.html"
    page.write_bytes(b'<html><head><meta charset="iso-8859-1"></head><body><p>\x93Caf\xe9\x94 \x85</p></body></html>')
    result = runner.invoke(app, ["predict", "--model", str(model_file), "-t", "0", str(page)])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "\u201cCafé\u201d \u2026\n"



@pytest.mark.parametrize(("label", "codec", "text"), [
    ("gb2312", "gbk", "朱镕基总理今天在北京会见了代表团。"),  # 镕 is GBK's, not GB2312's
    ("x-gbk", "gbk", "朱镕基总理今天在北京会见了代表团。"),  # a WHATWG label Python does not know
    ("euc-kr", "cp949", "똠양꿍은 맛있는 태국 음식입니다."),  # 똠 is Windows-949's, not EUC-KR's
    ("shift_jis", "cp932", "①番目の項目は日本語です。"),  # ① is Windows-31J's
    ("iso-8859-9", "cp1254", "Fiyat: 5 € ve ışık."),  # € is windows-1254's
])
def test_a_page_declaring_a_charset_browsers_widen_is_read_as_they_read_it(runner, model_file, tmp_path, label, codec,
                                                                            text):
    page = tmp_path / "p.html"
    page.write_bytes(f'<html><head><meta charset="{label}"></head><body><p>{text}</p></body></html>'.encode(codec))
    result = runner.invoke(app, ["predict", "--model", str(model_file), "-t", "0", str(page)])
    assert (result.exit_code, result.stderr, result.stdout) == (0, "", text + "\n")


# --- HTML

def test_html_nested_deeper_than_libxml2s_limit_keeps_its_text():
    from linesift.render import html_to_text

    html = "<html><body>" + "<div>" * 300 + "Deep post." + "</div>" * 300 + "<p>After the thread.</p></body></html>"
    assert [line.strip() for line in html_to_text(html).splitlines() if line.strip()] == ["Deep post.",
                                                                                          "After the thread."]


# --- labelled data

def test_labelled_jsonl_with_a_number_json_will_not_read_names_the_line(runner, tmp_path):
    data = jsonl(tmp_path / "d.jsonl", json.dumps({"lines": ["a"], "labels": ["content"]}),
                 '{"lines": ["a"], "labels": ["content"], "n": ' + "9" * 5000 + "}")
    result = runner.invoke(app, ["evaluate", "default", str(data)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {data}:2: broken JSON (Exceeds the limit (4300 digits)")
    assert len(result.stderr.splitlines()) == 1


def test_labelled_jsonl_that_is_not_utf8_names_the_line(runner, tmp_path):
    data = tmp_path / "d.jsonl"
    data.write_bytes(b'{"lines": ["a"], "labels": ["content"]}\n{"lines": ["caf\xe9"], "labels": ["content"]}\n')
    result = runner.invoke(app, ["evaluate", "default", str(data)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {data}:2: not UTF-8 text (byte 15 of the line)\n"


def test_a_raw_carriage_return_does_not_shift_labelled_line_numbers(runner, tmp_path):
    data = tmp_path / "d.jsonl"
    data.write_bytes(b'{"lines": ["a"],\r"labels": ["content"]}\n{"lines": ["c"], "labels": ["wrong"]}\n')
    result = runner.invoke(app, ["evaluate", "default", str(data)])
    assert result.exit_code == 1
    assert result.stderr == (f'Error: {data}:2: label 1 is "wrong" (expected content, boilerplate or unsure)\n')


def test_a_cut_labelled_jsonl_gz_names_the_file_in_one_line(runner, tmp_path):
    import gzip

    data = tmp_path / "d.jsonl.gz"
    whole = gzip.compress(b'{"lines": ["a"], "labels": ["content"]}\n' * 2000)
    data.write_bytes(whole[: len(whole) // 2])
    result = runner.invoke(app, ["evaluate", "default", str(data)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {data}:")
    assert "cannot read (Compressed file ended before the end-of-stream marker was reached)" in result.stderr
    assert len(result.stderr.splitlines()) == 1


@POSIX_ONLY
def test_a_symlink_loop_among_labelled_files_is_named(runner, tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.tsv").write_bytes((PAGES_DIR / "en-news-harbour.tsv").read_bytes())
    os.symlink("l2.tsv", folder / "l1.tsv")
    os.symlink("l1.tsv", folder / "l2.tsv")
    result = runner.invoke(app, ["evaluate", "default", str(folder)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {folder / 'l1.tsv'}: Too many levels of symbolic links\n"


# --- model files

@pytest.mark.parametrize("key, value, what", [("versions", "1.9", "'versions' must be an object"),
                                               ("feature_names", None, "'feature_names' must be a list of strings")])
def test_a_sidecar_field_of_the_wrong_type_or_null_is_refused_in_one_line(runner, model_file, tmp_path, key, value,
                                                                         what):
    copy = tmp_path / "m.model"
    copy.write_bytes(model_file.read_bytes())
    sidecar = json.loads(Path(str(model_file) + ".json").read_text(encoding="utf-8"))
    sidecar[key] = value
    Path(str(copy) + ".json").write_text(json.dumps(sidecar), encoding="utf-8")
    result = runner.invoke(app, ["info", str(copy)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {copy}.json: not a linesift model sidecar ({what})\n"


def test_a_model_whose_sidecar_cannot_be_written_leaves_the_old_pair_whole(model_file, tmp_path, tiny_model):
    from linesift.modelfile import load_model, save_model

    path = tmp_path / "m.model"
    path.write_bytes(model_file.read_bytes())
    Path(str(path) + ".json").mkdir()  # the sidecar's place is taken
    before = path.read_bytes()
    with pytest.raises(IsADirectoryError) as caught:
        save_model(tiny_model, path)
    assert caught.value.filename == str(path) + ".json"
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.model", "m.model.json"]
    Path(str(path) + ".json").rmdir()
    save_model(tiny_model, path)
    assert load_model(path).threshold_ == tiny_model.threshold_


def _sidecar_rename_fails(monkeypatch):
    """os.replace failing for a ``.json`` name, as for a sidecar bind-mounted or made immutable."""
    import errno

    from linesift import output

    real = os.replace

    def replace(src, dst):
        if str(dst).endswith(".json"):
            raise OSError(errno.EBUSY, "Device or resource busy", str(src), None, str(dst))
        return real(src, dst)

    monkeypatch.setattr(output.os, "replace", replace)


def test_a_model_whose_sidecar_cannot_be_renamed_over_is_put_back(model_file, tmp_path, tiny_model, monkeypatch):
    from linesift.modelfile import save_model

    path, sidecar = tmp_path / "m.model", tmp_path / "m.model.json"
    path.write_bytes(b"the old model")
    sidecar.write_bytes(b"its old sidecar")
    _sidecar_rename_fails(monkeypatch)
    with pytest.raises(OSError) as caught:
        save_model(tiny_model, path)
    assert (caught.value.filename, caught.value.strerror) == (str(sidecar), "Device or resource busy")
    assert (path.read_bytes(), sidecar.read_bytes()) == (b"the old model", b"its old sidecar")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.model", "m.model.json"]


def test_a_new_model_whose_sidecar_cannot_be_written_leaves_no_file(model_file, tmp_path, tiny_model, monkeypatch):
    from linesift.modelfile import save_model

    _sidecar_rename_fails(monkeypatch)
    with pytest.raises(OSError):
        save_model(tiny_model, tmp_path / "m.model")
    assert list(tmp_path.iterdir()) == []


# --- HTML charsets and nesting

@pytest.mark.parametrize("charset", ["idna", "undefined", "punycode", "unicode_escape"])
def test_a_page_naming_a_codec_that_is_no_charset_is_read_as_a_file_is(runner, model_file, tmp_path, charset):
    page = tmp_path / "p.html"
    page.write_bytes(f'<html><head><meta charset="{charset}"></head><body><p>Caf\xe9 {ARTICLE}</p></body></html>'
                     .encode("latin-1"))
    result = runner.invoke(app, ["predict", "--model", str(model_file), "-f", "tsv", "-t", "0", str(page)])
    assert result.exit_code == 0
    assert result.stdout.startswith("content\t") and result.stdout.endswith(f"\tCaf\u00e9 {ARTICLE}\n")
    byte = page.read_bytes().index(b"\xe9")
    assert result.stderr == f"Warning: {page}: not valid UTF-8 (byte {byte}); decoded as cp1252\n"


def test_a_meta_naming_utf16_is_read_as_utf8_would_be(runner, model_file, tmp_path):
    # browsers read a <meta> naming UTF-16 as UTF-8: a page whose <meta> reads as ASCII is not UTF-16
    page = tmp_path / "p.html"
    page.write_bytes(f'<html><head><meta charset="utf-16"></head><body><p>Caf\xe9 {ARTICLE}</p></body></html>'
                     .encode("latin-1"))
    result = runner.invoke(app, ["predict", "--model", str(model_file), "-f", "tsv", "-t", "0", str(page)])
    assert result.exit_code == 0
    assert result.stdout.endswith(f"\tCaf\u00e9 {ARTICLE}\n")
    byte = page.read_bytes().index(b"\xe9")
    assert result.stderr == f"Warning: {page}: not valid UTF-8 (byte {byte}); decoded as cp1252\n"


def test_a_warc_response_naming_a_codec_that_is_no_charset_keeps_the_records_after_it(runner, model_file, tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "t.warc"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=False)
        for i, charset in enumerate(["idna", "utf-8"]):
            headers = StatusAndHeaders("200 OK", [("Content-Type", f"text/html; charset={charset}")],
                                       protocol="HTTP/1.0")
            body = f"<html><body><p>Page {i}: caf\u00e9. {ARTICLE}</p></body></html>".encode("utf-8")
            writer.write_record(writer.create_warc_record(f"https://a.example/{i}", "response",
                                                          payload=io.BytesIO(body), http_headers=headers))
    result, records = predict_jsonl(runner, model_file, path, "-t", "0")
    assert result.exit_code == 0
    assert [r["line_texts"] for r in records] == [[f"Page {i}: caf\u00e9. {ARTICLE}"] for i in range(2)]
    assert result.stderr == ""


@pytest.mark.parametrize("bom, codec", [(b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le")])
def test_a_warc_response_opening_with_a_byte_order_mark_is_read_by_it_over_its_content_type(runner, model_file,
                                                                                             tmp_path, bom, codec):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "t.warc"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=False)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=iso-8859-1")], protocol="HTTP/1.0")
        body = bom + f"<html><body><p>Caf\u00e9 news. {ARTICLE}</p></body></html>".encode(codec)
        writer.write_record(writer.create_warc_record("https://a.example/0", "response", payload=io.BytesIO(body),
                                                      http_headers=headers))
    result, records = predict_jsonl(runner, model_file, path, "-t", "0")
    assert (result.exit_code, result.stderr) == (0, "")
    assert records[0]["line_texts"] == [f"Caf\u00e9 news. {ARTICLE}"]


@pytest.mark.parametrize("depth", [1500, 3000])
def test_html_nested_deeper_than_python_and_libxml2_recurse_keeps_its_text(depth):
    from linesift.render import html_to_text

    html = "<html><body>" + "<div>" * depth + "Deep text." + "</div>" * depth + "<p>After.</p></body></html>"
    assert [line.strip() for line in html_to_text(html).splitlines() if line.strip()] == ["Deep text.", "After."]


def test_html_with_text_around_a_part_nested_past_libxml2s_limit_keeps_every_word():
    from linesift.render import html_to_text

    html = "<p>Before.</p>" + "<div>" * 3000 + "Deep text." + "</div>" * 3000 + "<p>After.</p>"
    assert html_to_text(html) == "\nBefore.\n\nDeep text.\n\nAfter.\n"


def test_a_thread_of_unclosed_posts_past_libxml2s_limit_keeps_every_reply():
    from linesift.render import html_to_text

    html = "".join(f"<div class=post><p>Reply {i}.</p>" for i in range(2500)) + "<p>Footer.</p>"
    lines = [line.strip() for line in html_to_text(html).splitlines() if line.strip()]
    assert lines == [f"Reply {i}." for i in range(2500)] + ["Footer."]


# --- found by a hostile-input review (0.16.1)

@pytest.mark.parametrize("url, site", [("http://[::1", "::1"), ("see [1]", "see [1]"), ("http://[zz]/", "zz"),
                                       ("http://a\uff03b@www.c.example/", "c.example")])
def test_a_url_pythons_parser_refuses_gives_the_host_its_text_names(url, site):
    from linesift.sites import site_of_url

    assert site_of_url(url) == site


def test_records_whose_urls_pythons_parser_refuses_are_cleaned(runner, model_file, tmp_path):
    source = jsonl(tmp_path / "c.jsonl", *(json.dumps({"text": ARTICLE, "url": url})
                                           for url in ("http://[::1/a", "http://[::1/b", "https://a.example/")))
    result, records = predict_jsonl(runner, model_file, source, "-t", "0")
    assert (result.exit_code, result.stderr) == (0, "")
    assert [r["content"] for r in records] == [ARTICLE] * 3


def test_a_labelled_page_whose_url_pythons_parser_refuses_is_evaluated(runner, model_file, tmp_path):
    page = tmp_path / "p.tsv"
    page.write_text(f"# url: http://[::1\ncontent\t{ARTICLE}\nboilerplate\tMenu\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(model_file), str(page), "--json"])
    assert (result.exit_code, result.stderr) == (0, "")
    assert json.loads(result.stdout)["pages"] == 1


def test_a_warc_record_whose_body_cannot_be_decoded_is_an_error_in_place_and_the_next_is_read(runner, model_file,
                                                                                              tmp_path, monkeypatch):
    # warcio 1.8.1 fails so on a brotli body when Google's brotli module is installed (the bench extra's FastWARC)
    from warcio.recordloader import ArcWarcRecord
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "t.warc"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=False)
        for n in (1, 2, 3):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.0")
            writer.write_record(writer.create_warc_record(f"https://a.example/{n}", "response", http_headers=headers,
                                                          payload=io.BytesIO(f"<p>{ARTICLE} {n}</p>".encode())))
    real = ArcWarcRecord.content_stream

    def content_stream(record):
        if record.rec_headers.get_header("WARC-Target-URI").endswith("/2"):
            raise AttributeError("'brotli.Decompressor' object has no attribute 'unused_data'")
        return real(record)

    monkeypatch.setattr(ArcWarcRecord, "content_stream", content_stream)
    result, records = predict_jsonl(runner, model_file, path, "-t", "0")
    second = only_the_second_failed(result, records, path, "cannot decode the record's body (AttributeError: "
                                                           "'brotli.Decompressor' object has no attribute 'unused_data')")
    assert result.stderr == f"Error: {second}\n"


def warc_of_three(path: Path, second: bytes, fields: list) -> Path:
    """A WARC of three HTML responses, the second with the body ``second`` and the extra HTTP header ``fields``."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=False)
        for n in (1, 2, 3):
            body = second if n == 2 else f"<p>{ARTICLE} {n}</p>".encode()
            headers = [("Content-Type", "text/html")] + (fields if n == 2 else [])
            writer.write_record(writer.create_warc_record(
                f"https://a.example/{n}", "response", http_headers=StatusAndHeaders("200 OK", headers, "HTTP/1.0"),
                payload=io.BytesIO(body)))
    return path


def test_a_warc_body_whose_gzip_data_is_broken_is_an_error_in_place_not_its_bytes(runner, model_file, tmp_path):
    import gzip

    broken = bytearray(gzip.compress(f"<p>{ARTICLE} 2</p>".encode() * 20))
    broken[20:60] = bytes(b ^ 0xFF for b in broken[20:60])
    path = warc_of_three(tmp_path / "t.warc", bytes(broken), [("Content-Encoding", "gzip")])
    result, records = predict_jsonl(runner, model_file, path, "-t", "0")
    only_the_second_failed(result, records, path, "cannot decode the record's body (Content-Encoding: gzip, and "
                                                  "its gzip data is broken: Error -3 while decompressing data: "
                                                  "invalid bit length repeat)")


@pytest.mark.parametrize(("body", "encoding"), [(f"<p>{ARTICLE} 2</p>".encode(), "x-gzip"),
                                                (f"<p>{ARTICLE} 2</p>".encode(), "gzip, twice")])
def test_a_warc_body_gzipped_as_warcio_does_not_read_it_is_gunzipped(runner, model_file, tmp_path, body, encoding):
    import gzip

    twice = encoding.endswith("twice")
    data = gzip.compress(gzip.compress(body) if twice else body)
    path = warc_of_three(tmp_path / "t.warc", data, [("Content-Encoding", "gzip" if twice else encoding)])
    result, records = predict_jsonl(runner, model_file, path, "-t", "0")
    assert (result.exit_code, result.stderr) == (0, "")
    assert [r["content"] for r in records] == [f"{ARTICLE} {n}" for n in (1, 2, 3)]


def test_a_warc_html_body_with_a_stray_nul_byte_is_read(runner, model_file, tmp_path):
    path = warc_of_three(tmp_path / "t.warc", f"<p>{ARTICLE} 2</p>".encode() + b"\0\0", [])
    result, records = predict_jsonl(runner, model_file, path, "-t", "0")
    assert (result.exit_code, records[1]["content"].split("\n")[0]) == (0, f"{ARTICLE} 2")  # the NULs: U+FFFD


def test_a_warc_html_response_whose_body_is_not_text_is_an_error_in_place(runner, model_file, tmp_path):
    path = warc_of_three(tmp_path / "t.warc", bytes(range(256)) * 8, [])
    result, records = predict_jsonl(runner, model_file, path, "-t", "0")
    only_the_second_failed(result, records, path, "its body is not text, though its Content-Type is 'text/html'")


def only_the_second_failed(result, records, path: Path, why: str) -> str:
    """The error of the second of three WARC records (its text), asserting it says ``why`` and the others were read."""
    second = records[1]["error"]
    assert result.exit_code == 1
    assert second.startswith(f"{path}#<urn:uuid:") and second.endswith(f">: {why}")
    assert [r.get("content") for r in records] == [f"{ARTICLE} 1", None, f"{ARTICLE} 3"]
    return second


def brotli_warc(path: Path) -> Path:
    """A WARC of three HTML responses, the second's body brotli-compressed (``Content-Encoding: br``)."""
    brotli = pytest.importorskip("brotli")
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=False)
        for n in (1, 2, 3):
            body = f"<p>{ARTICLE} {n}</p>".encode()
            fields = [("Content-Type", "text/html")] + ([("Content-Encoding", "br")] if n == 2 else [])
            writer.write_record(writer.create_warc_record(
                f"https://a.example/{n}", "response", http_headers=StatusAndHeaders("200 OK", fields, "HTTP/1.0"),
                payload=io.BytesIO(brotli.compress(body) if n == 2 else body)))
    return path


def test_a_brotli_compressed_warc_body_is_decoded_with_googles_brotli(runner, model_file, tmp_path):
    # warcio 1.8.1 fails on Google's brotli module (an AttributeError), which the warc extra installs
    path = brotli_warc(tmp_path / "t.warc")
    result, records = predict_jsonl(runner, model_file, path, "-t", "0")
    assert (result.exit_code, result.stderr) == (0, "")
    assert [r["content"] for r in records] == [f"{ARTICLE} {n}" for n in (1, 2, 3)]


def test_a_brotli_compressed_warc_body_without_brotli_is_an_error_in_place_not_its_bytes(runner, model_file, tmp_path,
                                                                                         monkeypatch):
    from warcio.bufferedreaders import BufferedReader

    path = brotli_warc(tmp_path / "t.warc")
    monkeypatch.setattr("linesift.inputs._brotli_for_warcio", lambda: None)
    monkeypatch.delitem(BufferedReader.DECOMPRESSORS, "br", raising=False)  # as warcio is without brotli installed
    result, records = predict_jsonl(runner, model_file, path, "-t", "0")
    only_the_second_failed(result, records, path, "its body is brotli-compressed (Content-Encoding: br); reading it "
                                                  "needs brotli (pip install brotli; the warc extra of linesift)")


def hostile_sidecar(model_file, tmp_path, text: str) -> Path:
    copy = tmp_path / "m.model"
    copy.write_bytes(model_file.read_bytes())
    Path(str(copy) + ".json").write_text(text, encoding="utf-8")
    return copy


@pytest.mark.parametrize("note, why", [
    ("9" * 5000, "ValueError: Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits"),
    ("[" * 100000 + "]" * 100000, "RecursionError: maximum recursion depth exceeded while decoding a JSON array from "
                                  "a unicode string"),
    ('"\\ud800"', "UnicodeEncodeError: 'utf-8' codec can't encode character '\\ud800' in position 10: surrogates not "
                  "allowed"),
])
@pytest.mark.parametrize("command", ["info", "predict"])
def test_a_sidecar_python_cannot_hold_is_refused_in_one_line(runner, model_file, tmp_path, note, why, command):
    copy = hostile_sidecar(model_file, tmp_path, '{"note": ' + note + "}")
    args = ["info", str(copy)] if command == "info" else ["predict", "-m", str(copy), "-"]
    result = runner.invoke(app, args, input=ARTICLE)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"Error: {copy}.json: unreadable model sidecar ({why})\n"


@POSIX_ONLY
def test_a_sidecar_that_is_a_fifo_or_a_device_is_refused_not_read(runner, model_file, tmp_path):
    fifo = tmp_path / "f.model"
    fifo.write_bytes(model_file.read_bytes())
    os.mkfifo(str(fifo) + ".json")  # read, it would never end
    device = tmp_path / "d.model"
    device.write_bytes(model_file.read_bytes())
    os.symlink("/dev/zero", str(device) + ".json")  # read, it would fill the memory
    for model in (fifo, device):
        with time_limit(20):  # reading the FIFO would block: fail, not hang
            result = runner.invoke(app, ["info", str(model)])
        assert (result.exit_code, result.stderr) == (1, f"Error: {model}.json: not a regular file, so not a model sidecar\n")


@POSIX_ONLY
def test_a_model_file_that_is_a_fifo_is_refused_not_read(runner, tmp_path):
    fifo = tmp_path / "f.model"
    os.mkfifo(fifo)
    with time_limit(20):
        result = runner.invoke(app, ["predict", "-m", str(fifo), "-"], input=ARTICLE)
    assert (result.exit_code, result.stderr) == (1, f"Error: {fifo}: not a regular file, so not a model file\n")


@contextmanager
def time_limit(seconds: int):
    """SIGALRM after ``seconds`` raises TimeoutError in the code under it (a blocking read fails the test)."""
    def stop(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("jobs", ["257", "99999999999999999999"])
@pytest.mark.parametrize("command", [["predict", "-"], ["import", "-", "-o", "out.jsonl"]])
def test_more_jobs_than_the_most_is_a_usage_error(runner, command, jobs):
    result = runner.invoke(app, [*command, "--jobs", jobs], input="")
    assert result.exit_code == 2
    assert "Invalid value for '--jobs' / '-j'" in result.stderr and "256" in result.stderr


def test_the_most_jobs_are_taken(runner, model_file):
    result = runner.invoke(app, ["predict", "-m", str(model_file), "-t", "0", "--jobs", "256", "-"], input=ARTICLE)
    assert (result.exit_code, result.stdout) == (0, ARTICLE + "\n")


@pytest.mark.parametrize("encoding", [[], ["--encoding", "latin-1"]])
def test_a_nul_byte_after_the_first_64_kb_is_refused_with_where_it_is(runner, model_file, tmp_path, encoding):
    page = tmp_path / "p.txt"
    page.write_bytes(f"{ARTICLE}\n".encode() * 1000 + b"bin\x00ary\n")
    result = runner.invoke(app, ["predict", "-m", str(model_file), *encoding, str(page)])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"Error: {page}: not a text file (a NUL byte at byte {len(ARTICLE) * 1000 + 1000 + 3})\n"


def test_a_html_page_declaring_utf8_by_another_name_that_is_not_is_read_in_the_charset_it_is_in(runner, model_file,
                                                                                               tmp_path):
    page = tmp_path / "p.html"
    text = "Новости: городской совет утвердил бюджет на следующий год."
    page.write_bytes(f'<html><head><meta charset="utf_8_sig"></head><body><p>{text}</p></body></html>'.encode("cp1251"))
    result = runner.invoke(app, ["predict", "-m", str(model_file), "-t", "0", str(page)])
    assert (result.exit_code, result.stdout) == (0, text + "\n")


@pytest.mark.parametrize("name", ["out.jsonl.gz", "OUT.JSONL.GZ"])
def test_output_named_gz_is_gzipped(runner, model_file, tmp_path, name):
    import gzip

    source = jsonl(tmp_path / "c.jsonl", json.dumps({"text": ARTICLE}))
    out = tmp_path / name
    result = runner.invoke(app, ["predict", "-m", str(model_file), "-f", "jsonl", "-t", "0", str(source), "-o", str(out)])
    assert (result.exit_code, result.stdout) == (0, "")
    assert json.loads(gzip.decompress(out.read_bytes()))["content"] == ARTICLE


def test_a_warc_whose_name_holds_a_hash_gets_a_directory_of_that_name(runner, model_file, tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "a#b.warc"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=False)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.0")
        record = writer.create_warc_record("https://a.example/", "response", http_headers=headers,
                                           payload=io.BytesIO(f"<p>{ARTICLE}</p>".encode()))
        record.rec_headers.replace_header("WARC-Record-ID", "<urn:uuid:1>")
        writer.write_record(record)
    (tmp_path / "a").write_text("a file named as the name's part before its '#'", encoding="utf-8")
    result = runner.invoke(app, ["predict", "-m", str(model_file), "-t", "0", str(path), "-o", f"{tmp_path}/out/"])
    assert result.exit_code == 0
    assert (tmp_path / "out" / "a#b.warc" / "_urn_uuid_1_.txt").read_text(encoding="utf-8") == ARTICLE + "\n"


def _unreadable(path: Path) -> list[str]:
    """``path`` made unreadable, and the command prefix that runs linesift unable to read it anyway (root reads
    every file: its capabilities to do so dropped with setpriv); skips where neither can be done."""
    import shutil
    import sys

    path.chmod(0)
    prefix = [sys.executable, "-m", "linesift"]
    if os.name != "posix" or os.geteuid() != 0:
        return prefix
    if shutil.which("setpriv") is None:
        pytest.skip("root, without setpriv to drop the capability to read every file")
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", *prefix]


@pytest.mark.parametrize("command", ["evaluate", "train", "info", "import"])
def test_an_unreadable_input_is_a_user_error_not_a_usage_error(model_file, tmp_path, command):
    import subprocess

    unreadable = tmp_path / ("m.model" if command == "info" else "c.jsonl" if command == "import" else "p.tsv")
    unreadable.write_bytes(model_file.read_bytes() if command == "info" else b"content\tThe council met.\n")
    if command == "info":
        (tmp_path / "m.model.json").write_bytes(Path(str(model_file) + ".json").read_bytes())
    args = {"evaluate": [command, str(model_file), str(unreadable)], "train": [command, str(unreadable), "-o",
            str(tmp_path / "new.model")], "info": [command, str(unreadable)],
            "import": [command, str(unreadable), "-o", str(tmp_path / "out.jsonl")]}[command]
    run = subprocess.run([*_unreadable(unreadable), *args], capture_output=True, timeout=120)
    assert run.returncode == 1
    assert run.stderr.decode().count("\n") == 1 and "Permission denied" in run.stderr.decode()
    assert run.stderr.decode().startswith(f"Error: {unreadable}: ")


@pytest.mark.parametrize("part", ["threshold_", "islands"])
def test_a_signed_model_file_missing_a_fitted_part_is_refused_in_one_line(runner, model_file, tmp_path, part):
    import hashlib

    import joblib

    model = joblib.load(model_file)
    delattr(model, part)
    broken = tmp_path / "x.model"
    joblib.dump(model, broken)
    sidecar = json.loads(Path(str(model_file) + ".json").read_text(encoding="utf-8"))
    sidecar.update(sha256=hashlib.sha256(broken.read_bytes()).hexdigest(), bytes=broken.stat().st_size)
    Path(str(broken) + ".json").write_text(json.dumps(sidecar), encoding="utf-8")
    page = tmp_path / "p.txt"
    page.write_text("Home\nThe council met on Tuesday.\n", encoding="utf-8")
    result = runner.invoke(app, ["predict", "-m", str(broken), str(page)])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith(f"Error: {broken}: cannot score with this model (")
    assert result.stderr.count("\n") == 1
