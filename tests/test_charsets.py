"""training/charsets.py: corpus text encoded in legacy charsets, decoded as linesift reads a file."""

from __future__ import annotations

import gzip
import json

from linesift.training.charsets import damaged, measure

RUSSIAN = "Всем привет. Сегодня поговорим о погоде в Москве.\nЗавтра на севере ожидается небольшой дождь."
SPANISH = "El niño comió en la montaña con su mamá.\nMañana lloverá en el norte del país."


def test_measure_counts_pages_decoded_right_and_right_as_cp1252(tmp_path):
    records = [{"id": "daniel/1", "lang": "ru", "html": "", "main_content": RUSSIAN},
               {"id": "daniel/2", "lang": "es", "html": "", "main_content": SPANISH},
               {"id": "daniel/3", "lang": "en", "html": "", "main_content": "Plain ASCII is left out."}]
    with gzip.open(tmp_path / "daniel.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(record) + "\n" for record in records)
    result = measure(tmp_path, per=5)
    assert result["rows"] == {"ru cp1251": {"pages": 1, "right": 1, "right_as_cp1252": 0},
                              "ru koi8-r": {"pages": 1, "right": 1, "right_as_cp1252": 0},
                              "es cp1252": {"pages": 1, "right": 1, "right_as_cp1252": 1}}
    assert (result["pages"], result["right"], result["right_as_cp1252"], result["right_as_cp1252_only"]) == (3, 3, 1, 0)


def test_damaged_stray_appends_a_space_and_a_byte_the_charset_lacks():
    assert damaged("Всем", "Всем".encode("cp1251"), "cp1251", "stray") == ("Всем \ufffd", "Всем".encode("cp1251") + b" \x98")


def test_damaged_stray_leaves_out_a_charset_with_a_character_for_every_byte():
    assert damaged("Всем", "Всем".encode("koi8-r"), "koi8-r", "stray") is None


def test_damaged_cut_drops_the_last_byte_of_a_multibyte_last_character():
    data = "天气".encode("gb18030")
    assert damaged("天气", data, "gb18030", "cut") == ("天\ufffd", data[:-1])
    assert damaged("Größe", "Größe".encode("cp1252"), "cp1252", "cut") is None


def test_damaged_middle_inserts_a_space_and_a_byte_the_charset_lacks_at_the_first_space_past_the_middle():
    data = "Всем привет там".encode("cp1251")
    assert damaged("Всем привет там", data, "cp1251", "middle") == (
        "Всем привет \ufffd там", "Всем привет".encode("cp1251") + b" \x98" + " там".encode("cp1251"))
