"""linesift.training.labelled: the TSV page form, the JSONL corpus form and the shipped example pages."""

from __future__ import annotations

import gzip
import json
import unicodedata
from pathlib import Path

import pytest

from linesift.training.labelled import (
    LabelledDataError,
    LabelledPage,
    format_labelled_page,
    parse_labelled_page,
    read_jsonl_pages,
    read_labelled,
    read_labelled_page,
    repeated_files,
    unique_pages,
    write_jsonl_pages,
    write_labelled_page,
)

PAGES_DIR = Path(__file__).resolve().parents[1] / "data" / "pages"

PAGE_TSV = (
    "# url: https://www.example.org/news/1\n"
    "# lang: en\n"
    "boilerplate\tSkip to content\n"
    "boilerplate\t  • Home\n"
    "\n"
    "content\tHarbour plan stalls again\n"
    "\t   \n"
    "content\tName\tDepth\tWidth\n"
    "unsure\tPhoto: J. Smith\n"
    "\n"
    "boilerplate\t© 2026 Example\n"
)


def expect_error(text: str, message: str, source: str = "page.tsv") -> None:
    with pytest.raises(LabelledDataError) as info:
        parse_labelled_page(text, source)
    assert str(info.value) == message


# -- TSV -------------------------------------------------------------------------------------------------
def test_parse_page():
    page = parse_labelled_page(PAGE_TSV, "page.tsv")
    assert page.meta == {"url": "https://www.example.org/news/1", "lang": "en"}
    assert page.lines == ["Skip to content", "  • Home", "", "Harbour plan stalls again", "   ",
                          "Name\tDepth\tWidth", "Photo: J. Smith", "", "© 2026 Example"]
    assert page.labels == ["boilerplate", "boilerplate", None, "content", None, "content", "unsure", None,
                           "boilerplate"]
    assert page.source == "page.tsv"


def test_parse_then_format_is_byte_identical():
    assert format_labelled_page(parse_labelled_page(PAGE_TSV)) == PAGE_TSV


def test_lone_tab_row_is_refused():
    with pytest.raises(LabelledDataError) as err:
        parse_labelled_page("content\tFirst.\n\t\ncontent\tSecond.\n", "p.tsv")
    assert str(err.value) == "p.tsv:2: a blank line is an empty row, not a lone tab"


def test_write_then_read_file_round_trip(tmp_path):
    page = parse_labelled_page(PAGE_TSV)
    path = tmp_path / "p.tsv"
    write_labelled_page(page, path)
    assert path.read_bytes() == PAGE_TSV.encode("utf-8")
    again = read_labelled_page(path)
    assert (again.lines, again.labels) == (page.lines, page.labels)


def test_read_page_file_keeps_header_meta_only(tmp_path):
    path = tmp_path / "en-news-x.tsv"
    path.write_text("# lang: en\ncontent\tHello.\n", encoding="utf-8")
    assert read_labelled_page(path).meta == {"lang": "en"}


def test_read_page_file_with_utf8_bom(tmp_path):
    path = tmp_path / "bom.tsv"
    path.write_bytes("\ufeffcontent\tHello.\n".encode("utf-8"))
    assert read_labelled_page(path).labels == ["content"]


def test_parse_crlf_rows():
    page = parse_labelled_page("# lang: en\r\ncontent\tHello.\r\n\r\nboilerplate\tMenu\r\n")
    assert (page.lines, page.labels, page.meta) == (["Hello.", "", "Menu"], ["content", None, "boilerplate"],
                                                     {"lang": "en"})


def test_a_nul_byte_is_named_with_its_line():
    with pytest.raises(LabelledDataError, match=r"^f\.tsv:2: a NUL byte \(not a text file\?\)$"):
        parse_labelled_page("content\tHello.\nboilerplate\tMe\x00nu\n", "f.tsv")


def test_a_carriage_return_inside_a_row_is_named_with_its_line():
    # a whitespace-only line "\r" could not be written back: "\t\r\n" reads as a lone tab
    with pytest.raises(LabelledDataError, match=r"^f\.tsv:2: a carriage return inside the row"):
        parse_labelled_page("content\tHello.\n\t\r\r\n", "f.tsv")


def test_a_line_break_inside_a_line_is_not_written():
    with pytest.raises(LabelledDataError, match=r"line 2 holds a line break"):
        format_labelled_page(LabelledPage(["Hello", "a\rb"], ["content", "content"], {}, "p.tsv"))


def test_a_field_that_cannot_be_a_header_line_is_not_written():
    with pytest.raises(LabelledDataError, match=r"field 'title' cannot be a header line"):
        format_labelled_page(LabelledPage(["Hello"], ["content"], {"title": "two\nlines"}, "p.tsv"))


def test_parse_without_final_newline():
    assert parse_labelled_page("content\tHello.").lines == ["Hello."]


def test_page_site_from_url_without_www():
    assert parse_labelled_page(PAGE_TSV).site == "example.org"


def test_page_without_url_is_split_by_its_id_wherever_it_was_read_from():
    # two renders of one page read from different files (or lines of a corpus) share its id as their site
    w3m = parse_labelled_page("# id: readability/002\ncontent\tHello.\n", source="a.jsonl.gz:3")
    lynx = parse_labelled_page("# id: readability/002\ncontent\tHello.\n", source="b.jsonl.gz:9")
    assert (w3m.site, lynx.site) == ("readability/002", "readability/002")


def test_bad_header_line():
    expect_error("# lang: en\n#lang en\ncontent\tx\n", "page.tsv:2: bad header line (expected '# key: value', the key a "
                 "lowercase letter, then lowercase letters, digits or _)")


def test_a_header_line_after_the_rows_is_named_as_such():
    expect_error("content\tx\n# lang: en\n", "page.tsv:2: a '# key: value' header line after the first row (headers "
                 "go at the top)")


def test_a_jsonl_corpus_read_as_a_page_file_is_named_as_such():
    expect_error('{"lines": ["x"], "labels": ["content"]}\n', "page.tsv:1: missing tab between label and line (a JSONL "
                 "corpus? name it .jsonl or .jsonl.gz, or give it as -)")


def test_a_utf16_page_file_is_named_as_such(tmp_path):
    path = tmp_path / "page.tsv"
    path.write_bytes("content\tx\n".encode("utf-16"))
    with pytest.raises(LabelledDataError, match=r"^.*page\.tsv: UTF-16 text \(its byte order mark says so\); labelled "
                                                r"pages are UTF-8: save it as UTF-8$"):
        read_labelled_page(path)


def test_a_header_key_given_twice_is_an_error():
    expect_error("# url: https://a.example/1\n# lang: en\n# url: https://b.example/1\ncontent\tx\n",
                 "page.tsv:3: header 'url' given twice (one '# key: value' line per key)")


def test_unique_pages_leaves_out_a_page_repeating_an_earlier_ones_lines_and_labels():
    first = parse_labelled_page("# url: https://a.example/1\ncontent\tA.\nboilerplate\tHome\n", source="a.tsv")
    relabelled = parse_labelled_page("content\tA.\ncontent\tHome\n", source="b.tsv")
    again = parse_labelled_page("# url: https://b.example/1\ncontent\tA.\nboilerplate\tHome\n", source="c.tsv")
    kept, repeats = unique_pages([first, relabelled, again])
    assert ([p.source for p in kept], [p.source for p in repeats]) == (["a.tsv", "b.tsv"], ["c.tsv"])


def test_unique_pages_keeps_pages_with_no_labelled_line_however_many():
    unrendered = [LabelledPage([], [], {"render_error": "timeout"}, f"c.jsonl:{n}") for n in (1, 2)]
    blank = [parse_labelled_page("\n\n", source=f"{n}.tsv") for n in (1, 2)]
    kept, repeats = unique_pages(unrendered + blank)
    assert (len(kept), repeats) == (4, [])


def test_missing_tab():
    expect_error("# lang: en\ncontent\tok\ncontent no tab\n", "page.tsv:3: missing tab between label and line")


def test_unknown_label():
    expect_error(
        "content\tok\ncontnet\tTypo label\n",
        "page.tsv:2: unknown label 'contnet' (expected content, boilerplate or unsure)",
    )


def test_blank_line_with_a_label():
    expect_error(
        "content\tok\n\ncontent\t   \n",
        "page.tsv:3: a blank line takes no label (leave the row empty)",
    )


def test_missing_label_before_non_blank_text():
    expect_error("content\tok\n\tNot blank\n", "page.tsv:2: missing label before a non-blank line")


def test_read_page_file_error_names_the_file(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("content\tok\ncontent\n", encoding="utf-8")
    with pytest.raises(LabelledDataError) as info:
        read_labelled_page(path)
    assert str(info.value) == f"{path}:2: missing tab between label and line"


def test_read_page_file_not_utf8(tmp_path):
    path = tmp_path / "latin1.tsv"
    path.write_bytes(b"\xef\xbb\xbfcontent\tA line.\ncontent\tcaf\xe9\n")
    with pytest.raises(LabelledDataError) as info:
        read_labelled_page(path)
    assert str(info.value) == f"{path}:2: not UTF-8 text (byte 11 of the line)"


# -- JSONL -----------------------------------------------------------------------------------------------
def jsonl_pages() -> list[LabelledPage]:
    return [
        LabelledPage(["Menu", "", "Body text.", "  "], ["boilerplate", None, "content", None],
                     {"id": "a", "url": "https://a.example/x", "lang": "en"}, "a"),
        LabelledPage(["图书馆周末开放。", "首页"], ["content", "boilerplate"], {"id": "b", "lang": "zh"}, "b"),
    ]


@pytest.mark.parametrize("name", ["pages.jsonl", "pages.jsonl.gz"])
def test_jsonl_round_trip(tmp_path, name):
    path = tmp_path / name
    assert write_jsonl_pages(jsonl_pages(), path) == 2
    got = list(read_jsonl_pages(path))
    assert [(p.lines, p.labels, p.meta) for p in got] == [(p.lines, p.labels, p.meta) for p in jsonl_pages()]


def test_jsonl_rows_split_at_their_records_only(tmp_path):
    path = tmp_path / "pages.jsonl"
    page = LabelledPage(["A line\u2028with a separator.", "Next\x85one."], ["content", "boilerplate"], {"id": "c"}, "c")
    write_jsonl_pages([page] + jsonl_pages(), path)
    rows = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(row)["id"] for row in rows] == ["c", "a", "b"]
    assert next(iter(read_jsonl_pages(path))).lines == page.lines


def test_jsonl_gz_is_gzip_compressed(tmp_path):
    path = tmp_path / "pages.jsonl.gz"
    write_jsonl_pages(jsonl_pages(), path)
    assert json.loads(gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()[1])["id"] == "b"


def test_jsonl_source_is_file_and_line(tmp_path):
    path = tmp_path / "pages.jsonl"
    write_jsonl_pages(jsonl_pages(), path)
    assert [p.source for p in read_jsonl_pages(path)] == [f"{path}:1", f"{path}:2"]


def test_jsonl_skips_empty_rows(tmp_path):
    path = tmp_path / "pages.jsonl"
    path.write_text('\n{"lines": ["Hi."], "labels": ["content"]}\n\n', encoding="utf-8")
    assert [p.lines for p in read_jsonl_pages(path)] == [["Hi."]]


def write_rows(path: Path, rows: list[str]) -> Path:
    path.write_text("".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def read_error(path: Path) -> str:
    with pytest.raises(LabelledDataError) as info:
        list(read_jsonl_pages(path))
    return str(info.value)


def test_a_utf16_jsonl_corpus_opening_with_a_blank_line_is_one_error(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes('\n{"lines": ["a"], "labels": ["content"]}\n'.encode("utf-16-le"))
    assert read_error(path) == f"{path}: UTF-16 text: JSONL corpora are UTF-8 (save it as UTF-8)"


def test_jsonl_broken_json(tmp_path):
    path = write_rows(tmp_path / "c.jsonl", ['{"lines": ["a"], "labels": ["content"]}', '{"lines": ['])
    assert read_error(path) == f"{path}:2: broken JSON (Expecting value at column 12)"


def test_jsonl_labels_length_mismatch(tmp_path):
    path = write_rows(tmp_path / "c.jsonl", ['{"lines": ["a", "b"], "labels": ["content"]}'])
    assert read_error(path) == f"{path}:1: 'labels' must be a list as long as 'lines' (2)"


def test_jsonl_unknown_label(tmp_path):
    path = write_rows(tmp_path / "c.jsonl", ['{"lines": ["a", "", "b"], "labels": ["content", null, "main"]}'])
    assert read_error(path) == f'{path}:1: label 3 is "main" (expected content, boilerplate or unsure)'


@pytest.mark.parametrize(("row", "message"), [
    ('{"lines": ["a"], "labels": [null]}', "label 1 is null (expected content, boilerplate or unsure)"),
    ('{"html": "<p>Hi</p>", "main_content": "Hi"}',
     "a record of HTML and gold text, not a labelled page: render and label it with `linesift import` first"),
])
def test_jsonl_record_errors_speak_of_the_record_as_it_is_written(tmp_path, row, message):
    path = write_rows(tmp_path / "c.jsonl", [row])
    assert read_error(path) == f"{path}:1: {message}"


def test_jsonl_gzip_data_in_a_file_not_named_gz_is_named_so(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(gzip.compress(b'{"lines": ["a"], "labels": ["content"]}\n'))
    assert read_error(path) == f"{path}: gzip-compressed: a corpus so compressed is named .jsonl.gz (or decompress it first)"


def test_jsonl_lines_must_be_strings(tmp_path):
    path = write_rows(tmp_path / "c.jsonl", ['{"lines": ["a", 2], "labels": ["content", "content"]}'])
    assert read_error(path) == f"{path}:1: 'lines' must be a list of strings"


def test_jsonl_record_must_be_an_object(tmp_path):
    path = write_rows(tmp_path / "c.jsonl", ['["a"]'])
    assert read_error(path) == f"{path}:1: a record must be a JSON object"


def test_jsonl_blank_lines_take_null_or_empty(tmp_path):
    path = write_rows(tmp_path / "c.jsonl", ['{"lines": ["a", " ", ""], "labels": ["content", null, ""]}'])
    assert next(read_jsonl_pages(path)).labels == ["content", None, None]


def test_jsonl_label_on_a_blank_line_is_refused(tmp_path):
    path = write_rows(tmp_path / "c.jsonl", ['{"lines": ["a", " "], "labels": ["content", "boilerplate"]}'])
    assert read_error(path) == f'{path}:1: label 2 is "boilerplate" on a blank line (a blank line takes null)'


def test_jsonl_line_with_a_line_break_is_refused(tmp_path):
    path = write_rows(tmp_path / "c.jsonl", ['{"lines": ["Menu\\nHome", "Body."], "labels": ["boilerplate", "content"]}'])
    assert read_error(path).startswith(f"{path}:1: ")


# -- directories -----------------------------------------------------------------------------------------
def test_read_labelled_directory_finds_tsv_and_jsonl_recursively(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.tsv").write_text("content\tB.\n", encoding="utf-8")
    (tmp_path / "sub" / "a.tsv").write_text("content\tA.\n", encoding="utf-8")
    write_jsonl_pages(jsonl_pages(), tmp_path / "sub" / "c.jsonl.gz")
    (tmp_path / "notes.txt").write_text("not labelled\n", encoding="utf-8")
    pages = read_labelled([tmp_path])
    assert [p.lines[0] for p in pages] == ["B.", "A.", "Menu", "图书馆周末开放。"]


def test_read_labelled_takes_suffixes_in_any_case(tmp_path):
    write_jsonl_pages(jsonl_pages(), tmp_path / "C.JSONL.GZ")
    (tmp_path / "C.JSONL").write_bytes(gzip.decompress((tmp_path / "C.JSONL.GZ").read_bytes()))
    (tmp_path / "B.TSV").write_text("content\tB.\n", encoding="utf-8")
    assert [p.lines[0] for p in read_labelled([tmp_path])] == ["B.", "Menu", "图书馆周末开放。", "Menu", "图书馆周末开放。"]
    assert [p.lines[0] for p in read_labelled(tmp_path / "C.JSONL")] == ["Menu", "图书馆周末开放。"]


def test_read_labelled_directory_leaves_hidden_files_and_directories_out(tmp_path):
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / "a.tsv").write_text("content\tA.\n", encoding="utf-8")
    (tmp_path / ".ipynb_checkpoints" / "a.tsv").write_text("content\tA copy.\n", encoding="utf-8")
    (tmp_path / ".#a.tsv").symlink_to(tmp_path / "gone")  # an editor's lock file: a dangling link
    assert [p.lines[0] for p in read_labelled([tmp_path])] == ["A."]


def test_read_labelled_reads_a_file_named_twice_once_and_names_it_as_first_given(tmp_path):
    (tmp_path / "d").mkdir()
    page = tmp_path / "d" / "p.tsv"
    page.write_text("content\tA sentence.\n", encoding="utf-8")
    (tmp_path / "link.tsv").symlink_to(page)
    named = [tmp_path / "d", tmp_path / "link.tsv", page]
    assert [p.lines for p in read_labelled(named)] == [["A sentence."]]
    assert repeated_files(named) == [page]


def test_read_labelled_takes_one_path_as_well_as_a_list(tmp_path):
    page = tmp_path / "p.tsv"
    page.write_text("content\tA sentence.\n", encoding="utf-8")
    assert [p.lines for p in read_labelled(str(page))] == [["A sentence."]]


def test_read_labelled_missing_path(tmp_path):
    with pytest.raises(LabelledDataError) as info:
        read_labelled([tmp_path / "nope"])
    assert str(info.value) == f"{tmp_path / 'nope'}: no such file or directory"


# -- the shipped example pages -------------------------------------------------------------------------
def shipped_pages() -> list[LabelledPage]:
    return read_labelled([PAGES_DIR])


def test_example_pages_are_at_least_twelve():
    assert len(sorted(PAGES_DIR.glob("*.tsv"))) >= 12
    assert len(shipped_pages()) == len(sorted(PAGES_DIR.glob("*.tsv")))


def test_example_pages_round_trip_byte_identical():
    for path in sorted(PAGES_DIR.glob("*.tsv")):
        text = path.read_text(encoding="utf-8")
        assert format_labelled_page(parse_labelled_page(text, str(path))) == text, path.name


def test_example_pages_have_both_labels():
    for page in shipped_pages():
        assert {"content", "boilerplate"} <= set(page.labels), page.source


def test_example_pages_cover_three_languages():
    assert len({p.meta.get("lang") for p in shipped_pages()} - {None}) >= 3


def test_example_pages_include_a_non_latin_script():
    def non_latin_share(page: LabelledPage) -> float:
        letters = [ch for line, lab in zip(page.lines, page.labels) if lab == "content" for ch in line
                   if ch.isalpha()]
        return sum(not unicodedata.name(ch, "").startswith("LATIN") for ch in letters) / max(len(letters), 1)

    assert max(non_latin_share(p) for p in shipped_pages()) > 0.5


@pytest.mark.parametrize("text, row", [
    ("boilerplate\t0.3410\tHome\nblank\t\t\ncontent\t0.8004\tThe council met.\n", 2),  # as predict writes it
    ("# url: https://a.example/x\nboilerplate\t0.3410\tHome\ncontent\t0.8004\tThe council met.\n", 2),  # blanks cut
])
def test_predict_tsv_output_read_as_a_labelled_page_is_named_as_such(text, row):
    with pytest.raises(LabelledDataError) as err:
        parse_labelled_page(text, "pred.tsv")
    assert str(err.value) == (f"pred.tsv:{row}: `linesift predict -f tsv` output (label, score, line), not a labelled "
                              "page (label, line): check its labels, then take the score column out (cut -f1,3) and "
                              "blank rows' labels")


def test_a_labelled_page_whose_lines_open_with_a_number_and_a_tab_is_read_where_some_do_not():
    page = parse_labelled_page("content\t0.5000\tof the votes\ncontent\tThe rest went to others.\n", "t.tsv")
    assert page.lines == ["0.5000\tof the votes", "The rest went to others."]
