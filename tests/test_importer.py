"""linesift.training.importer: corpus records rendered, aligned and labelled."""

from __future__ import annotations

import json

import pytest
from linesift.training.importer import CorpusError, import_corpus, record_meta


def test_record_meta_keeps_numbers_and_strings_and_leaves_out_empty_values():
    assert record_meta({"id": 0, "url": [], "lang": {}, "corpus": False}) == {"id": "0"}
    assert record_meta({"id": "", "url": None, "lang": "de", "corpus": 7}) == {"corpus": "7", "lang": "de"}


def test_import_corpus_renders_only_the_records_select_picks(tmp_path):
    record = {"html": "<html><body><p>A line of the article that is long enough.</p></body></html>",
              "main_content": "A line of the article that is long enough."}
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps({**record, "id": f"c/{lang}", "lang": lang}) + "\n" for lang in ("en", "pl", "ru")),
                    encoding="utf-8")
    pages = [page for page, _ in import_corpus(path, ["inscriptis"], select=lambda rec, _: rec["lang"] != "en")]
    assert [p.meta["id"] for p in pages] == ["c/pl", "c/ru"]


def test_a_utf16_corpus_is_one_error_naming_the_file(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(('\r\n' + json.dumps({"html": "<p>x</p>", "main_content": "x"}) + "\n").encode("utf-16-be"))
    with pytest.raises(CorpusError) as caught:
        list(import_corpus(path, ["inscriptis"]))
    assert str(caught.value) == f"{path}: UTF-16 text: JSONL corpora are UTF-8 (save it as UTF-8)"
