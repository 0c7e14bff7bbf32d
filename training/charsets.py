"""How well pages that are not UTF-8 are decoded: real text of each language, encoded in its legacy charsets.

    python -m linesift.training.charsets --corpora ../shared/corpora [--chars 300] [--damage stray]

Takes the gold text of up to ``--per`` pages of each language and charset (daniel's, chinese-wce's, the Common
Crawl lines', Readability's, wcxb's and CleanEval's pages that name their language; pages the charset cannot
encode, that are ASCII, or whose gold opens with a UTF-8 byte order mark read as cp1252, are left out), encodes
it, and decodes it as ``linesift`` reads a file (``lines.decode``). A page counts as right when it decodes to
exactly its text. Compared with reading every page that is not UTF-8 as cp1252 (linesift before 0.13.0).
``--chars N`` cuts each text to its first N characters (shorter pages give less to go on). ``--damage stray``
appends a space and a byte the charset has no character for (a byte pasted from another page; charsets that
have one for every byte are left out), ``--damage middle`` inserts them at the first space past the middle of
the text (texts without one left out), ``--damage cut`` drops the last byte of a page whose last character
takes two or more (a capped scrape); either is right when that byte reads as U+FFFD.
"""

from __future__ import annotations

import argparse
import codecs
import random
import time
from collections import defaultdict
from pathlib import Path

from linesift.lines import decode
from linesift.training.importer import read_records
from linesift.training.split import CORPORA_DEFAULT, corpora_argument

CORPORA = ("daniel", "chinese-wce", "turku-train", "readability", "wcxb-dev", "cleaneval")
CHARSETS = {"en": ("cp1252",), "de": ("cp1252", "iso-8859-15"), "es": ("cp1252",), "fr": ("cp1252",),
            "fi": ("cp1252",), "pl": ("cp1250", "iso-8859-2"), "ru": ("cp1251", "koi8-r"),
            "el": ("cp1253", "iso-8859-7"), "zh": ("gb18030", "gbk", "big5")}
TEXTS_PER_LANGUAGE = 400  # texts read per language, shuffled, before the first --per a charset encodes are taken


def gold_texts(corpora_dir: Path) -> dict[str, list[str]]:
    """Up to TEXTS_PER_LANGUAGE gold texts of each language of CHARSETS, in corpus order."""
    texts: dict[str, list[str]] = defaultdict(list)
    for corpus in CORPORA:
        path = corpora_dir / f"{corpus}.jsonl.gz"
        if not path.exists():
            continue
        for record in read_records(path):
            lang = record.get("lang")
            text = record.get("main_content") or "\n".join(record.get("lines") or [])
            if lang in CHARSETS and text and len(texts[lang]) < TEXTS_PER_LANGUAGE:
                texts[lang].append(text)
    return texts


def _undefined_byte(charset: str) -> int | None:
    """The first byte of 0x80-0xFF that ``charset`` has no character for on its own, if any."""
    for byte in range(0x80, 0x100):
        try:
            bytes([byte]).decode(charset)
        except UnicodeDecodeError:
            return byte
    return None


def damaged(text: str, data: bytes, charset: str, damage: str | None) -> tuple[str, bytes] | None:
    """``(text, data)`` with ``damage`` done (``stray``, ``cut``; None: as they are), or None where it cannot be."""
    if damage == "stray":
        byte = _undefined_byte(charset)
        return None if byte is None else (text + " \ufffd", data + bytes([32, byte]))
    if damage == "middle":
        byte, at = _undefined_byte(charset), text.find(" ", len(text) // 2)
        if byte is None or at < 0:
            return None
        head = text[:at].encode(charset)
        return text[:at] + " \ufffd" + text[at:], head + bytes([32, byte]) + data[len(head):]
    if damage == "cut":
        last = len(text[-1:].encode(charset))
        return None if last < 2 else (text[:-1] + "\ufffd", data[:-1])
    return text, data


def encoded_pages(texts: dict[str, list[str]], per: int, chars: int | None, seed: int = 0,
                  damage: str | None = None):
    """``(language, charset, text, bytes)``: up to ``per`` texts of each language a charset of it encodes,
    ``damage`` done to them (``damaged``)."""
    rng = random.Random(seed)
    for lang in sorted(texts):
        shuffled = list(texts[lang])
        rng.shuffle(shuffled)
        for charset in CHARSETS[lang]:
            taken = 0
            for text in shuffled:
                text = text[:chars] if chars else text
                try:
                    data = text.encode(charset)
                except UnicodeEncodeError:
                    continue
                if data.isascii() or data.startswith(codecs.BOM_UTF8):  # a gold opening with "ï»¿"
                    continue
                pair = damaged(text, data, charset, damage)
                if pair is None:
                    continue
                yield lang, charset, *pair
                taken += 1
                if taken == per:
                    break


def measure(corpora_dir: Path, per: int = 60, chars: int | None = None, damage: str | None = None) -> dict:
    """Pages decoded right by ``lines.decode`` and by cp1252 alone, per language and charset, and in all."""
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # pages, right now, right as cp1252
    worse = 0
    seconds = 0.0
    for lang, charset, text, data in encoded_pages(gold_texts(corpora_dir), per, chars, damage=damage):
        start = time.perf_counter()
        decoded, warnings = decode(data)
        seconds += time.perf_counter() - start
        legacy = bool(warnings) and warnings[0].startswith("not valid UTF-8")
        as_cp1252 = data.decode("cp1252", errors="replace") if legacy else decoded
        row = rows[f"{lang} {charset}"]
        row[0] += 1
        row[1] += decoded == text
        row[2] += as_cp1252 == text
        worse += as_cp1252 == text and decoded != text
    pages = sum(row[0] for row in rows.values())
    return {"rows": {key: dict(zip(("pages", "right", "right_as_cp1252"), row)) for key, row in rows.items()},
            "pages": pages, "right": sum(row[1] for row in rows.values()),
            "right_as_cp1252": sum(row[2] for row in rows.values()), "right_as_cp1252_only": worse,
            "ms_per_page": round(1000 * seconds / max(pages, 1), 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=corpora_argument, default=CORPORA_DEFAULT)
    parser.add_argument("--per", type=int, default=60, help="pages per language and charset")
    parser.add_argument("--chars", type=int, default=None, help="cut each text to its first N characters")
    parser.add_argument("--damage", choices=("stray", "middle", "cut"), default=None,
                        help="stray: a byte the charset lacks appended; middle: inserted at the first space past the "
                        "middle; cut: a multi-byte last character cut")
    args = parser.parse_args(argv)
    result = measure(args.corpora, args.per, args.chars, args.damage)
    print(f"{'language charset':<20} {'pages':>6} {'right':>6} {'as cp1252':>10}")
    for key, row in sorted(result["rows"].items()):
        print(f"{key:<20} {row['pages']:>6} {row['right']:>6} {row['right_as_cp1252']:>10}")
    print(f"{'all':<20} {result['pages']:>6} {result['right']:>6} {result['right_as_cp1252']:>10}")
    print(f"right as cp1252 but not now: {result['right_as_cp1252_only']}; decode {result['ms_per_page']} ms a page")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
