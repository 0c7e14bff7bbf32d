"""Pages as a user sees them: decoding bytes and splitting text into lines without losing any."""

from __future__ import annotations

import codecs
import functools
import re
import threading
from collections.abc import Iterator

import numpy as np
from linesift.codepoints import DIGIT, LETTER, MARK, class_table
from linesift.settings import OVERLONG_LINE_CHARS, OVERLONG_LINE_SHARE, OVERLONG_PAGE_LINES

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
NOT_TEXT_CONTROL_RATIO = 0.10
NOT_TEXT_REPLACED_RATIO = 0.25  # decoded text with more U+FFFD than this share is binary data
UTF16_NUL_SHARE = 0.3  # UTF-16 without a byte order mark: NULs in at least this share of its high bytes
# NULs on every other byte, in at least this share of them, hint at UTF-16 in a refused file (Cyrillic or Greek
# UTF-16 has NULs only in its spaces and punctuation); one stray NUL in a page of UTF-8 does not
UTF16_HINT_NUL_SHARE = 0.01
UTF16_HINT_MIN_NULS = 2  # ... and at least this many (1% of a short page is less than one NUL)
UTF16_HINT_NEWLINES = 2  # ... or at least this many of them in UTF-16 line ends (CJK text has few other NULs)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))  # not tab, LF, FF, CR, ESC


class NotTextError(ValueError):
    """Raised when bytes do not look like text (binary data)."""


def split_lines(text: str) -> list[str]:
    """Split on ``\\n``, ``\\r\\n`` and ``\\r`` only; a final line break does not add an empty line."""
    if not text:
        return []
    lines = text.split("\n") if "\r" not in text else _LINE_BREAK.split(text)
    if lines[-1] == "":
        lines.pop()
    return lines


def overlong_row(lines: list[str]) -> int | None:
    """The index of the line that holds most of a long page: ``OVERLONG_LINE_CHARS``+ letters, marks and
    digits and ``OVERLONG_LINE_SHARE``+ of the page's (not the spaces that w3m pads table rows with, nor the
    rule it draws for ``<hr>``), on a page of at most ``OVERLONG_PAGE_LINES`` non-blank lines: a converter
    that drops line breaks, such as trafilatura's ``html2txt``. None on a page with line breaks."""
    if not lines or max(map(len, lines)) < OVERLONG_LINE_CHARS:
        return None
    filled = []
    for i, line in enumerate(lines):
        if line and not line.isspace():
            filled.append(i)
            if len(filled) > OVERLONG_PAGE_LINES:
                return None  # a page with line breaks, one of them holding a long list (archive, tags): scored
    counts = {i: word_chars(lines[i]) for i in filled}
    row = max(filled, key=counts.__getitem__)
    if counts[row] < OVERLONG_LINE_CHARS or counts[row] < OVERLONG_LINE_SHARE * sum(counts.values()):
        return None
    return row


def word_chars(text: str) -> int:
    """The letters, digits and marks of ``text`` (``codepoints.class_table``: a Hindi or Thai vowel sign
    counts; spaces, punctuation and symbols such as the rules w3m draws do not)."""
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return int(np.count_nonzero(class_table()[cps] & (LETTER | DIGIT | MARK)))


def is_blank(line: str) -> bool:
    """A blank line (empty or whitespace only) separates blocks and is never classified."""
    return not line or line.isspace()


def _looks_binary(data: bytes) -> bool:
    """Whether bytes are not text: a NUL anywhere (a fast search), or mostly control bytes in the first 64 KB."""
    sample = data[:65536]
    if not sample:
        return False
    if b"\x00" in data:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls / len(sample) > NOT_TEXT_CONTROL_RATIO


_CONTROL_CHARS = dict.fromkeys(_CONTROL_BYTES)  # str.translate's table deleting them


def looks_binary(sample: str) -> bool:
    """Whether decoded text (a sample of it) is binary data read as text: control characters, NUL among them,
    above ``NOT_TEXT_CONTROL_RATIO`` of it, or characters its bytes did not decode to (U+FFFD) above
    ``NOT_TEXT_REPLACED_RATIO``. A stray NUL in a page is no sign of it here (``decode`` refuses a file for
    one)."""
    if not sample:
        return False
    controls = len(sample) - len(sample.translate(_CONTROL_CHARS))
    return (controls > NOT_TEXT_CONTROL_RATIO * len(sample)
            or sample.count("\ufffd") > NOT_TEXT_REPLACED_RATIO * len(sample))


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` for text in UTF-16 without a byte order mark (a database's or a Windows
    tool's export), told by its NULs: the high byte of each ASCII character, so at least UTF16_NUL_SHARE of
    the odd bytes (LE) or even bytes (BE) and none of the others, as no binary format has them; else None."""
    sample = data[:65536]
    sample = sample[:len(sample) // 2 * 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    for codec, nuls, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if others == 0 and nuls >= UTF16_NUL_SHARE * half:
            try:
                text = sample.decode(codec)
            except UnicodeDecodeError:  # a lone surrogate, or a sample cut inside a surrogate pair
                text = sample[:-2].decode(codec, errors="replace")
            if "\x00" not in text and not _looks_binary(text.encode("utf-8", errors="replace")):
                return codec
    return None


def _text_after_bom(data: bytes) -> str | None:
    """``data`` decoded by the UTF-32 or UTF-16 byte order mark it opens with (UTF-32's first: its little-endian
    mark opens with UTF-16's), or None without one; NotTextError when what it decodes to holds NULs or mostly
    control characters, as a binary file behind such bytes does."""
    for marks, codec in (((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE), "utf-32"),
                         ((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE), "utf-16")):
        if data.startswith(marks):
            text = data.decode(codec, errors="replace")
            if _not_text(text):
                raise NotTextError("not a text file")
            return text
    return None


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # how a JSON row spells a surrogate


def without_surrogates(value, row: str) -> tuple[object, int]:
    """A decoded JSON ``value`` (of the text ``row``) with each lone surrogate (a ``"\\ud83d"`` escape
    without its pair, as JavaScript leaves text cut inside an emoji) replaced by U+FFFD, and how many were:
    such text cannot be written as UTF-8. Rows that spell no surrogate are not searched."""
    if not _SURROGATE_ESCAPE.search(row):
        return value, 0
    count = 0

    def clean(item):
        nonlocal count
        if isinstance(item, str):
            fixed, n = _LONE_SURROGATE.subn("\ufffd", item)
            count += n
            return fixed
        if isinstance(item, list):
            return [clean(x) for x in item]
        if isinstance(item, dict):
            return {clean(k): clean(v) for k, v in item.items()}
        return item

    return clean(value), count  # count read after clean has run


def utf8_rows(handle) -> Iterator[tuple[int, str, int | None]]:
    """``(line number, text, offset of the first byte that is not UTF-8 or None)`` of each row of a binary
    file (JSONL): a BOM at the start of a row is skipped (at the file's start, and where files with a BOM each
    were joined by ``cat``); bytes that are not UTF-8 are replaced (U+FFFD)."""
    for number, raw in enumerate(handle, start=1):
        if raw.startswith(codecs.BOM_UTF8):
            raw = raw[3:]
        try:
            yield number, raw.decode("utf-8"), None
        except UnicodeDecodeError as err:
            yield number, raw.decode("utf-8", errors="replace"), err.start


def _bytes_of(data) -> bytes:
    """``data`` as bytes (bytearray and memoryview too), or TypeError: a str is decoded already."""
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    if not isinstance(data, bytes):
        raise TypeError(f"decode takes the bytes of a scrape, not {type(data).__name__}"
                        + (" (a str is text already: give it to split_lines)" if isinstance(data, str) else ""))
    return data


def not_text(data: bytes) -> bool:
    """Whether ``decode`` refuses ``data`` as binary (NotTextError). Of the first 64 KB or more of a file, it
    refuses the whole file too: a NUL in them is in it, and the rest is judged by its first 64 KB."""
    try:
        decode(data)
    except NotTextError:
        return True
    return False


def decode(data: bytes) -> tuple[str, list[str]]:
    """Decode bytes of a scrape to text; return (text, warnings).

    UTF-8 (with or without BOM) and UTF-16/32 with BOM are decoded as such. A page that is UTF-8 but for a
    few bad bytes keeps its UTF-8 and the bad bytes are replaced (U+FFFD); a page with more bad sequences
    than good ones is a legacy page, decoded in the legacy charset that reads it best (``legacy_charset``:
    cp1252, a Latin-1 superset, unless Central European, Cyrillic, Greek, CJK... read clearly better), or,
    where none reads it, as cp1252 with the bytes it has no character for replaced. Binary data raises
    NotTextError.
    """
    data = _bytes_of(data)
    text = _text_after_bom(data)
    if text is not None:
        return text, []
    skipped = 0  # byte offsets in warnings are the file's
    if data.startswith(codecs.BOM_UTF8):
        data, skipped = data[3:], 3
    if _looks_binary(data):
        codec = _utf16_without_bom(data)
        if codec is None:
            raise NotTextError(_not_text_file(data, skipped))
        return data.decode(codec, errors="replace"), [f"no byte order mark; decoded as {codec.upper()}"]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as err:
        first_bad = err.start + skipped
    replaced = data.decode("utf-8", errors="replace")
    genuine = data.count("\ufffd".encode())  # U+FFFD the page itself holds, as valid UTF-8
    invalid = replaced.count("\ufffd") - genuine  # the bad sequences replaced
    valid_multibyte = len(replaced) - len(replaced.encode("ascii", "ignore")) - invalid  # non-ASCII, less U+FFFD
    if valid_multibyte < invalid:  # more bad sequences than good ones: a legacy page (a stray "Â©" or a
        # byte cp1252 lacks does not make a Latin-1 page UTF-8)
        # guessed without the U+FFFD the page holds as UTF-8, which read as three symbols in any legacy charset
        charset = legacy_charset(data.replace("\ufffd".encode(), b"")) or "cp1252"
        text = data.decode(charset, errors="replace")
        unmapped = text.count("\ufffd")  # a U+FFFD the page held reads as other characters here
        return text, [f"not valid UTF-8 (byte {first_bad}); decoded as {charset}"
                      + (f", {unmapped} byte(s) it has no character for replaced" if unmapped else "")]
    return replaced, [f"invalid UTF-8 at byte {first_bad} replaced"]


def decode_as(data: bytes, charset: str, name: str | None = None) -> tuple[str, list[str]]:
    """Bytes of a scrape decoded in the charset a user named (``predict --encoding NAME``, read with the codec
    ``charset``): bytes not valid in it replaced (U+FFFD), with a warning saying where the first was. A byte
    order mark wins over the name, as browsers let it; binary data raises NotTextError."""
    data = _bytes_of(data)
    text = _text_after_bom(data)
    if text is not None:
        return text, []
    said = name or charset
    if codecs.lookup(said).name != codecs.lookup(charset).name:
        said += f", read as {charset}"
    skipped = 0
    if data.startswith(codecs.BOM_UTF8):
        data, charset, said, skipped = data[3:], "utf-8", "UTF-8 as its byte order mark says", 3
    try:
        text, warnings = data.decode(charset), []
    except UnicodeDecodeError as err:
        text = data.decode(charset, errors="replace")
        warnings = [f"not valid {said} (byte {err.start + skipped}); undecodable bytes replaced"]
    ascii_read_as_is = data.isascii() and _reads_ascii_as_is(charset)  # then it reads as UTF-8 does
    if codecs.lookup(charset).name != "utf-8" and not ascii_read_as_is and _reads_as_utf8(data, text):
        said_utf8 = (f"its bytes are valid UTF-8, which reads them as other characters than {said} does (mojibake?); without "
                     "--encoding it is read as UTF-8")
        warnings = [f"{warnings[0]}; {said_utf8}"] if warnings else [said_utf8]
    if _not_text(text):
        raise NotTextError(_not_text_file(data, skipped) if _looks_binary(data) else
                           f"not text in {said}: most of its bytes are not valid there (without --encoding the "
                           "charset is guessed)")
    return text, warnings


@functools.lru_cache(maxsize=None)
def _reads_ascii_as_is(charset: str) -> bool:
    """Whether the codec ``charset`` reads printable ASCII, tab and line ends as ASCII does (not UTF-16 or
    UTF-32, which pair its bytes, nor EBCDIC)."""
    sample = bytes(range(32, 127)) + b"\t\r\n"
    try:
        return sample.decode(charset) == sample.decode("ascii")
    except UnicodeDecodeError:
        return False


def _reads_as_utf8(data: bytes, text: str) -> bool:
    """Whether ``data``, read as ``text`` in another charset, is valid UTF-8 that reads otherwise: a UTF-8 page
    given a legacy ``--encoding`` by mistake (not text with NULs, which UTF-16 is read as in UTF-8)."""
    if b"\x00" in data:
        return False
    try:
        return data.decode("utf-8") != text
    except UnicodeDecodeError:
        return False


def _not_text_file(data: bytes, skipped: int = 0) -> str:
    """What is said of binary ``data``: where its first NUL is, for a file that opens as text (its first 64 KB
    hold none); ``skipped``: bytes before ``data`` in the file (a BOM)."""
    late = -1 if b"\x00" in data[:65536] else data.find(b"\x00")
    sample = data[:65536]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    parity = None if late >= 0 or (even and odd) else "le" if odd else "be" if even else None
    few = max(even, odd) < max(UTF16_HINT_MIN_NULS, UTF16_HINT_NUL_SHARE * (len(sample) // 2))
    if parity and few and not _utf16_newlines(sample, parity):
        parity = None  # a stray NUL or two in a page of text
    if parity:  # only where the bytes read as text in it
        try:
            parity = None if _not_text(sample[:len(sample) // 2 * 2].decode(f"utf-16-{parity}")) else parity
        except UnicodeDecodeError:
            parity = None
    return "not a text file" + (f" (a NUL byte at byte {late + skipped})" if late >= 0 else "") + (
        f" (its NULs fall on every other byte, as in UTF-16 without a byte order mark: try --encoding utf-16-{parity})"
        if parity and not skipped else "")


def _utf16_newlines(sample: bytes, parity: str) -> bool:
    """Whether the few NULs of ``sample`` are the high bytes of UTF-16 line ends (at least
    ``UTF16_HINT_NEWLINES`` of them, in the byte order ``parity`` names): Chinese or Japanese UTF-16 without a
    byte order mark has NULs only where an ASCII character stands, often only in its line ends."""
    line_end = (10, 0) if parity == "le" else (0, 10)
    return sum(pair == line_end for pair in zip(sample[0::2], sample[1::2])) >= UTF16_HINT_NEWLINES


def _not_text(text: str) -> bool:
    """Decoded text that is binary data: NULs or mostly control characters, or mostly bytes the charset
    has no character for (U+FFFD), as binary data read as UTF-16 or UTF-32 is."""
    sample = text[:65536]
    return ("\x00" in text or _looks_binary(sample.encode("utf-8", errors="replace"))
            or sample.count("\ufffd") > NOT_TEXT_REPLACED_RATIO * len(sample))


# The legacy charsets a page that is not UTF-8 is read in, the first that reads best: windows-1252 first (browsers'
# default in most locales), then Central European, Cyrillic, Greek, Turkish, Baltic, Hebrew, Arabic and Thai
# windows and ISO pages, and the Chinese, Japanese and Korean multi-byte ones
LEGACY_CHARSETS = ("cp1252", "cp1250", "iso-8859-2", "cp1251", "koi8-r", "cp1253", "iso-8859-7", "cp1254", "cp1257",
                   "cp1255", "cp1256", "cp874", "gb18030", "big5", "shift_jis", "euc-jp", "euc-kr")
# Single-byte charsets of scripts other than Latin: a Latin page read in one has those letters inside its Latin
# words ("p\u0e44iv\u0e44"), so one is not taken where more than this share of its words mix the two
_OTHER_SCRIPT_SINGLE_BYTE = frozenset({"cp1251", "koi8-r", "cp1253", "iso-8859-7", "cp1255", "cp1256", "cp874"})
_LATIN = frozenset({"cp1252", "cp1250", "iso-8859-2", "cp1254", "cp1257"})  # single-byte charsets of Latin letters
LEGACY_MIXED_WORDS_MAX = 0.2
# Another charset is taken over windows-1252 only when it reads at least this much better (charset-normalizer's
# mess ratio, which finds some in accented French: "château"): of 774 corpus texts of nine languages encoded in 11
# legacy charsets, 756 decode right from 0.05 to 0.2 (cp1252 alone 224); at 0, 752, four of them French or German
# read as Baltic or Central European; cut to 80 characters, 0.15 reads most right, none cp1252 reads right wrong
# (data/EXPERIMENTS.md, "Twenty-eighth round")
LEGACY_CP1252_MARGIN = 0.15
LEGACY_SAMPLE_CHARS = 65536  # the mess ratio is measured on a page's first this many characters
LEGACY_GUESS_BYTES = 262144  # the charset is guessed from a page's first this many bytes
# ... or, where its first byte outside ASCII comes later than half the sample (a page opening with a long <head>
# of scripts and styles), from this many bytes before that byte on, so that ASCII alone does not decide
LEGACY_ASCII_LEAD = LEGACY_SAMPLE_CHARS // 2
# A legacy page may hold a few bytes its charset has no character for (a byte pasted from another page, a
# multi-byte character cut at the end of a capped scrape): one, and one more per this many bytes outside ASCII
LEGACY_REPLACED_PER = 200
# Mess added, times the share of a page's bytes outside ASCII that a charset has no character for (but in cp1252, at
# the very end, or inside a UTF-8 character pasted into the page): on a short page one such byte mid-page nearly
# always means the wrong charset (a Finnish page read as GB18030), on a long one a byte pasted into the right one
LEGACY_REPLACED_MESS = 10.0
_HIGH_BYTES = bytes(range(128, 256))
_FIRST_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_WORD = re.compile(r"[^\W\d_]+")
_C1_CONTROL = re.compile("[\x80-\x9f]")
# only those that are letters in cp1250, ISO-8859-2 or cp1257 (not ·, «, », ², ½, ×, §, °, ®, a soft hyphen,
# which Latin pages put against letters: "col·lecció", "Accueil·Actualités", "H²O", "Windows®XP")
_SYMBOL_IN_WORD = re.compile(r"(?<=[^\W\d_])[\xa1\xa3\xa5\xa6\xa8\xaa\xac\xaf\xb1\xb3\xb6\xb8\xb9\xba\xbc\xbe\xbf]"
                             r"(?=[^\W\d_])")
_ASCII_LETTER = re.compile(r"[A-Za-z]")


def legacy_charset(data: bytes) -> str | None:
    """The legacy charset of ``LEGACY_CHARSETS`` that reads ``data`` (not UTF-8) best, judged on
    ``LEGACY_GUESS_BYTES`` of it (its first, or those from shortly before its first byte outside ASCII where
    that comes late: ``_guessed_stretch``), or None when none reads those with at most ``legacy_replaced_max``
    characters it has none for (a stray byte, a multi-byte character cut at the end; a bad multi-byte sequence counts
    once). Best is the least mess in its first ``LEGACY_SAMPLE_CHARS`` characters (charset-normalizer's
    measure of unlikely sequences of characters: accents and symbols inside words, scripts mixed in a word,
    odd case changes; with Latin-1 symbols inside words that Central European charsets read as letters, and
    the bytes it has no character for), cp1252 winning ties by ``LEGACY_CP1252_MARGIN``; a single-byte
    charset of another script must not put its letters inside Latin words and, as little mess as a Latin or
    CJK charset, comes after it; between two such, the letters' frequencies decide (charset-normalizer's
    coherence), then the fewer bytes replaced. No charset reading C1 control characters is taken."""
    # imported here: only pages that are not UTF-8 need them
    from charset_normalizer.cd import coherence_ratio
    from charset_normalizer.md import mess_ratio

    data = _guessed_stretch(data)
    most_replaced = legacy_replaced_max(data)
    high = max(1, _outside_ascii(data))
    best = None
    for order, charset in enumerate(LEGACY_CHARSETS):
        read = _decoded_counting(data, charset, most_replaced)
        if read is None:  # more bytes it has no character for than allowed
            continue
        text, spans = read
        sample = text[:LEGACY_SAMPLE_CHARS].replace("\ufffd", "")
        if _C1_CONTROL.search(sample):  # an ISO charset reading bytes no page uses as controls
            continue
        other_script = charset in _OTHER_SCRIPT_SINGLE_BYTE
        if other_script and _mixed_word_share(sample) > LEGACY_MIXED_WORDS_MAX:
            continue
        # symbols inside words count as mess too, as a Polish page read as cp1252 has them ("pó³nocy", "s³aby"),
        # and so do the bytes replaced, by their share of the bytes outside ASCII, but in cp1252 (a stray byte of
        # a Latin page), at the very end (a multi-byte character cut there) or inside a pasted UTF-8 character;
        # and, in a Latin charset, words of accented letters only
        costly = 0 if charset == "cp1252" else sum(
            1 for start, end in spans if end < len(data) and not _in_utf8_character(data, start, end))
        mess = (mess_ratio(sample, 1.0) + _symbols_in_words_share(sample) + LEGACY_REPLACED_MESS * costly / high
                + (_accented_word_share(sample) if charset in _LATIN else 0.0)
                + (0.0 if charset == "cp1252" else LEGACY_CP1252_MARGIN))
        # as little mess: Latin and CJK charsets first, then, between two other scripts (Hebrew read as Cyrillic),
        # the one whose letters are as frequent as in a language of it
        languages = coherence_ratio(sample) if other_script else []
        key = (round(mess, 3), other_script, -round(languages[0][1], 2) if languages else 0.0, len(spans), order)
        if best is None or key < best[0]:
            best = (key, charset)
    return best[1] if best else None


_COUNTING = threading.local()  # the decode in progress in this thread: the byte spans replaced, and how many may be


def _replace_counted(err: UnicodeDecodeError) -> tuple[str, int]:
    _COUNTING.spans.append((err.start, err.end))
    if len(_COUNTING.spans) > _COUNTING.limit:
        raise err
    return "\ufffd", err.end


codecs.register_error("linesift-counted", _replace_counted)


def _decoded_counting(data: bytes, charset: str, limit: int) -> tuple[str, list[tuple[int, int]]] | None:
    """``data`` decoded in ``charset`` with the byte spans it has no character for replaced (U+FFFD), and
    those spans; None as soon as there are more than ``limit`` (so a charset that fails early costs little)."""
    _COUNTING.spans, _COUNTING.limit = [], limit
    try:
        return data.decode(charset, errors="linesift-counted"), _COUNTING.spans
    except UnicodeDecodeError:
        return None


def _in_utf8_character(data: bytes, start: int, end: int) -> bool:
    """Whether ``data[start:end]`` lies inside a UTF-8 character of 2-4 bytes (one pasted into a legacy
    page: the 0x98 of a "‘" in a cp1251 page)."""
    for first in range(max(0, end - 4), start + 1):
        for size in (2, 3, 4):
            if first + size >= end and first + size <= len(data):
                try:
                    data[first:first + size].decode("utf-8")
                    return True
                except UnicodeDecodeError:
                    pass
    return False


def _guessed_stretch(data: bytes) -> bytes:
    """The ``LEGACY_GUESS_BYTES`` of ``data`` its charset is guessed from: its first, or, where its first byte
    outside ASCII comes after ``LEGACY_ASCII_LEAD`` bytes, those from ``LEGACY_ASCII_LEAD`` bytes before it."""
    first = _FIRST_HIGH_BYTE.search(data)
    start = max(0, first.start() - LEGACY_ASCII_LEAD) if first else 0
    return data[start:start + LEGACY_GUESS_BYTES]


def legacy_replaced_max(data: bytes) -> int:
    """How many bytes a legacy charset may have no character for and still be taken: one, and one more for
    each LEGACY_REPLACED_PER bytes outside ASCII."""
    return 1 + _outside_ascii(data) // LEGACY_REPLACED_PER


def _outside_ascii(data: bytes) -> int:
    """How many bytes of ``data`` are 0x80 or above."""
    return len(data) - len(data.translate(None, _HIGH_BYTES))


def _symbols_in_words_share(text: str) -> float:
    """The share of the characters outside ASCII that are symbols or digits of Latin-1's upper half that
    Central European and Baltic charsets read as letters (``¹``, ``³``, ``¿``, ``±``), with a letter on each
    side."""
    outside = len(text) - len(text.encode("ascii", "ignore"))
    return len(_SYMBOL_IN_WORD.findall(text)) / outside if outside else 0.0


def _accented_word_share(text: str) -> float:
    """The share of the words with letters outside ASCII, of 3+ letters, that have no ASCII letter: words of
    a Latin language nearly always have one, a Cyrillic or Greek page read in a Latin charset has none
    ("Ëåíòà"), however much ASCII markup around them dilutes the mess ratio."""
    words = [word for word in _WORD.findall(text) if not word.isascii() and len(word) >= 3]
    return sum(1 for word in words if not _ASCII_LETTER.search(word)) / len(words) if words else 0.0


def _mixed_word_share(text: str) -> float:
    """The share of words with letters outside ASCII that hold an ASCII letter too."""
    words = [word for word in _WORD.findall(text) if not word.isascii()]
    return sum(1 for word in words if _ASCII_LETTER.search(word)) / len(words) if words else 0.0
