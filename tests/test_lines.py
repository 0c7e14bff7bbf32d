"""linesift.lines: splitting text into lines without losing any, blank lines, decoding bytes."""

from __future__ import annotations

import codecs
import random

import pytest

from linesift.lines import NotTextError, decode, decode_as, is_blank, legacy_replaced_max, overlong_row, split_lines


# -- split_lines ---------------------------------------------------------------------------------------
def test_split_lf():
    assert split_lines("one\ntwo\nthree") == ["one", "two", "three"]


def test_split_crlf():
    assert split_lines("one\r\ntwo\r\nthree") == ["one", "two", "three"]


def test_split_cr():
    assert split_lines("one\rtwo\rthree") == ["one", "two", "three"]


def test_split_mixture_of_breaks():
    assert split_lines("a\r\nb\nc\rd") == ["a", "b", "c", "d"]


def test_split_lf_cr_is_two_breaks():
    # "\n\r" is not a CRLF pair: it ends a line and then an empty line
    assert split_lines("a\n\rb") == ["a", "", "b"]


def test_split_keeps_empty_lines_between_breaks():
    assert split_lines("a\n\n\nb") == ["a", "", "", "b"]


def test_split_trailing_newline_adds_no_line():
    assert split_lines("a\nb\n") == ["a", "b"]


def test_split_trailing_crlf_adds_no_line():
    assert split_lines("a\r\nb\r\n") == ["a", "b"]


def test_split_two_trailing_newlines_keep_one_empty_line():
    assert split_lines("a\n\n") == ["a", ""]


def test_split_empty_string():
    assert split_lines("") == []


def test_split_single_newline_is_one_empty_line():
    assert split_lines("\n") == [""]


def test_split_only_blank_lines_keeps_their_whitespace():
    assert split_lines("  \n\t\n \r\n") == ["  ", "\t", " "]


def test_split_ignores_other_unicode_line_separators():
    # str.splitlines() would split these; a scrape's lines are only \n, \r\n and \r
    assert split_lines("a\u2028b\x0bc\x0cd\x85e") == ["a\u2028b\x0bc\x0cd\x85e"]


def test_split_keeps_leading_and_trailing_spaces():
    assert split_lines("  • Home  \n\tindented") == ["  • Home  ", "\tindented"]


# -- is_blank ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("line", ["", " ", "\t", "   \t  ", "\u00a0", "\u3000"])
def test_is_blank_true_for_empty_and_whitespace(line):
    assert is_blank(line) is True


@pytest.mark.parametrize("line", ["a", " .", "\t-", "0"])
def test_is_blank_false_for_any_visible_character(line):
    assert is_blank(line) is False


# -- decode --------------------------------------------------------------------------------------------
def test_decode_utf8():
    assert decode("Grüße, 世界\n".encode("utf-8")) == ("Grüße, 世界\n", [])


@pytest.mark.parametrize("decoder", [decode, lambda data: decode_as(data, "cp1252")])
def test_decode_refuses_a_str_and_takes_a_bytearray(decoder):
    with pytest.raises(TypeError, match=r"^decode takes the bytes of a scrape, not str \(a str is text already: give "
                                        r"it to split_lines\)$"):
        decoder("café")
    assert decode(bytearray("café".encode("utf-8"))) == decode(memoryview("café".encode("utf-8"))) == ("café", [])


def test_decode_utf8_bom_is_dropped():
    assert decode(codecs.BOM_UTF8 + "café\n".encode("utf-8")) == ("café\n", [])


def test_decode_utf16_le_with_bom():
    assert decode(codecs.BOM_UTF16_LE + "Καλημέρα\nκόσμε".encode("utf-16-le")) == ("Καλημέρα\nκόσμε", [])


def test_decode_utf16_be_with_bom():
    assert decode(codecs.BOM_UTF16_BE + "Привет\nмир".encode("utf-16-be")) == ("Привет\nмир", [])


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF32_LE])
def test_decode_binary_behind_a_bom_is_not_text(bom):
    # an image's or a program's bytes behind a byte order mark decode to NULs and control characters
    with pytest.raises(NotTextError, match="^not a text file$"):
        decode(bom + b"\x7fELF\x02\x01\x01\x00" + bytes(64) + bytes(range(256)))


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_decode_names_the_charset_of_utf16_with_few_nuls_and_no_bom(codec):
    # Cyrillic in UTF-16 without a byte order mark: NULs only where a space or a full stop stands
    data = "Привет, мир. Это тест страницы новостей.\nВторая строка текста.\n".encode(codec)
    with pytest.raises(NotTextError, match=f"^not a text file \\(its NULs fall on every other byte, as in UTF-16 "
                                           f"without a byte order mark: try --encoding {codec}\\)$"):
        decode(data)


def test_decode_latin1_keeps_accents_with_warning():
    assert decode(b"caf\xe9") == ("café", ["not valid UTF-8 (byte 3); decoded as cp1252"])


def test_decode_latin1_page():
    text, warnings = decode("Größe: 38 €\nCrème brûlée".encode("cp1252"))
    assert text == "Größe: 38 €\nCrème brûlée"
    assert warnings == ["not valid UTF-8 (byte 2); decoded as cp1252"]


def test_decode_bytes_undefined_in_cp1252_are_replaced():
    # no legacy charset reads it whole and as Latin words: cp1252, with the byte it lacks replaced
    assert decode("Größe: 38 €".encode("cp1252") + b" \x81") == (
        "Größe: 38 € \ufffd", ["not valid UTF-8 (byte 2); decoded as cp1252, 1 byte(s) it has no character for replaced"])


PAGES_IN_LEGACY_CHARSETS = [
    ("cp1251", "Всем привет. Сегодня поговорим о погоде в Москве.\nЗавтра на севере ожидается небольшой дождь."),
    ("koi8-r", "Всем привет. Сегодня поговорим о погоде в Москве.\nЗавтра на севере ожидается небольшой дождь."),
    ("cp1250", "Wszyscy mówią o pogodzie w Krakowie.\nJutro na północy spodziewany jest słaby deszcz."),
    ("iso-8859-2", "Wszyscy mówią o pogodzie w Krakowie.\nJutro na północy spodziewany jest słaby deszcz."),
    ("cp1253", "Καλημέρα σε όλους. Σήμερα μιλάμε για τον καιρό στην Αθήνα.\nΑύριο αναμένεται ελαφριά βροχή."),
    ("gb18030", "大家好。今天我们来谈谈北京的天气。\n明天北部地区预计会有小雨。"),
    ("big5", "大家好。今天我們來談談台北的天氣。\n明天北部地區預計會有小雨。"),
    ("shift_jis", "こんにちは。今日は東京の天気についてお話しします。\n明日は北部で小雨が降る見込みです。"),
    ("euc-kr", "안녕하세요. 오늘은 서울의 날씨에 대해 이야기하겠습니다.\n내일은 북부 지역에 약한 비가 예상됩니다."),
    ("cp1256", "مرحبا بكم في موقعنا. نقدم لكم اليوم آخر الأخبار.\nالطقس غدا سيكون معتدلا في معظم المناطق."),
]


@pytest.mark.parametrize(("charset", "page"), PAGES_IN_LEGACY_CHARSETS)
def test_decode_guesses_the_legacy_charset_a_page_is_in(charset, page):
    data = page.encode(charset)
    first_bad = next(i for i, byte in enumerate(data) if byte > 127)
    assert decode(data) == (page, [f"not valid UTF-8 (byte {first_bad}); decoded as {charset}"])


@pytest.mark.parametrize("lead", [40_000, 70_000, 300_000])
def test_decode_guesses_the_charset_of_a_page_opening_with_more_ascii_than_the_guess_reads(lead):
    # a long <head> of scripts and styles before the first letter outside ASCII: judged from shortly before it
    page = "x" * (lead - 1) + "\n" + PAGES_IN_LEGACY_CHARSETS[0][1]
    assert decode(page.encode("cp1251")) == (page, [f"not valid UTF-8 (byte {lead}); decoded as cp1251"])


def test_decode_tells_hebrew_from_cyrillic_by_its_letters():
    # both read as letters without mess; the letters' frequencies are Hebrew's
    page = "שלום לכולם. היום נדבר על מזג האוויר בירושלים ובתל אביב.\nמחר צפוי גשם קל בצפון הארץ."
    assert decode(page.encode("cp1255")) == (page, ["not valid UTF-8 (byte 0); decoded as cp1255"])


def test_decode_keeps_cp1252_for_a_latin_page_with_one_symbol():
    # one byte is too little to leave windows-1252 for (it reads as a Thai or Japanese letter too)
    page = "The ticket costs £12 at the door and less online."
    assert decode(page.encode("cp1252")) == (page, ["not valid UTF-8 (byte 17); decoded as cp1252"])


def test_decode_keeps_cp1252_for_a_french_page_another_latin_charset_reads_with_less_mess():
    # cp1257 reads it as Baltic ("č" for "è") with a little less of charset-normalizer's mess: cp1252 leads by
    # LEGACY_CP1252_MARGIN
    page = "Ça, c’est la façon française : on reçoit, on goûte, on s’amuse à la fête, où l’été dure longtemps ; voilà."
    assert decode(page.encode("cp1252")) == (page, ["not valid UTF-8 (byte 0); decoded as cp1252"])


def test_decode_keeps_the_charset_of_a_latin_page_with_one_byte_it_lacks():
    page = "Le café de la gare est fermé. Les élèves étudient à l'école près du théâtre."
    assert decode(page.encode("cp1252") + b" \x9d") == (
        page + " \ufffd", ["not valid UTF-8 (byte 6); decoded as cp1252, 1 byte(s) it has no character for replaced"])


def test_decode_keeps_the_charset_of_a_cjk_page_cut_inside_its_last_character():
    page = "大家好。今天我们来谈谈北京的天气。\n明天北部地区预计会有小雨。"
    assert decode(page.encode("gb18030")[:-1]) == (
        page[:-1] + "\ufffd", ["not valid UTF-8 (byte 0); decoded as gb18030, 1 byte(s) it has no character for replaced"])


@pytest.mark.parametrize(("data", "most"), [(b"ok", 1), (b"\xe9" * 199, 1), (b"ok " + b"\xe9" * 200, 2),
                                             (b"\xe9" * 401, 3)])
def test_legacy_replaced_max_allows_one_byte_and_one_per_200_outside_ascii(data, most):
    assert legacy_replaced_max(data) == most


def test_decode_counts_symbols_inside_words_as_mess():
    # read as cp1252 this Polish page has no more of charset-normalizer's mess than as cp1250, but "pó³nocy"
    page = "Wszyscy mówią o pogodzie w Krakowie. Jutro na północy spodziewany jest słaby deszcz."
    assert decode(page.encode("cp1250"))[1] == ["not valid UTF-8 (byte 9); decoded as cp1250"]


def test_decode_utf8_page_with_a_bad_byte_keeps_its_utf8():
    assert decode("Café ".encode("utf-8") + b"\xff") == ("Café \ufffd", ["invalid UTF-8 at byte 6 replaced"])


def test_decode_empty_bytes():
    assert decode(b"") == ("", [])


def test_decode_nul_bytes_raise_not_text():
    with pytest.raises(NotTextError, match="not a text file"):
        decode(b"PK\x03\x04\x00\x00some zip")


def test_decode_random_bytes_raise_not_text():
    with pytest.raises(NotTextError):
        decode(random.Random(0).randbytes(4096))


def test_decode_many_control_bytes_without_nul_raise_not_text():
    with pytest.raises(NotTextError):
        decode(bytes(range(1, 32)) * 8)


def test_decode_tabs_form_feeds_and_escapes_are_text():
    assert decode(b"a\tb\x0cc\x1b[0md\r\n") == ("a\tb\x0cc\x1b[0md\r\n", [])


def test_not_text_error_is_a_value_error():
    assert issubclass(NotTextError, ValueError)


def test_overlong_row_finds_the_line_holding_most_of_a_long_page():
    assert overlong_row(["Home", "x" * 1000, "About"]) == 1


def test_overlong_row_needs_a_thousand_letters_or_digits():
    assert overlong_row(["x" * 999]) is None
    assert overlong_row(["404 Not Found", "━" * 1023, "nginx"]) is None  # w3m's rule for <hr>


def test_overlong_row_needs_most_of_the_page():
    assert overlong_row(["x" * 1000, "y" * 251]) is None  # 1000 of 1251 characters: under 80%


def test_overlong_row_of_an_empty_page_is_none():
    assert overlong_row([]) is None


def test_overlong_row_does_not_count_spaces():
    padded = "Login" + " " * 1000 + "Register | Subscribe"  # w3m pads a table row to the page's width
    assert overlong_row([padded, "One short paragraph."]) is None


def test_overlong_row_is_the_line_with_most_visible_characters():
    assert overlong_row(["Login" + " " * 3000 + "Register", "x" * 1200]) == 1


def test_overlong_row_needs_a_page_of_few_lines():
    archive = "Blog Archive " + "10/28/12 - 11/04/12 (11) " * 80  # one long list among the page's lines
    assert overlong_row([archive] + ["Home", "About", "Contact", "Search"]) == 0
    assert overlong_row([archive] + ["Home", "About", "Contact", "Search", "Login"]) is None


def test_overlong_row_counts_the_vowel_signs_of_hindi():
    line = "नगर परिषद ने सोमवार को बैठक की और पूर्वी नहर की खुदाई करने पर सहमति दी। " * 30
    assert overlong_row([line]) == 0


def test_decode_as_utf16_of_an_ascii_page_warns_of_mojibake():
    text, warnings = decode_as(b"Home | News\n", "utf-16-le")
    assert text == b"Home | News\n".decode("utf-16-le")
    assert warnings == ["its bytes are valid UTF-8, which reads them as other characters than utf-16-le does (mojibake?); without "
                        "--encoding it is read as UTF-8"]


def test_decode_as_utf16_of_a_utf16_page_without_a_byte_order_mark_says_nothing():
    assert decode_as("Home | News\n".encode("utf-16-le"), "utf-16-le") == ("Home | News\n", [])


def test_decode_as_a_legacy_charset_of_an_ascii_page_says_nothing():
    assert decode_as(b"Home | News\n", "cp1252") == ("Home | News\n", [])


def test_decode_as_a_byte_order_mark_wins_over_the_charset_named():
    assert decode_as(codecs.BOM_UTF8 + "Größe".encode("utf-8"), "cp1251") == ("Größe", [])
    assert decode_as(codecs.BOM_UTF16_LE + "Größe".encode("utf-16-le"), "utf-16-le") == ("Größe", [])


def test_decode_as_refuses_binary_data():
    with pytest.raises(NotTextError, match="^not a text file$"):
        decode_as(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "cp1251")


def test_decode_as_names_the_charset_as_the_user_named_it():
    assert decode_as(b"caf\xe9 \x81", "cp1252", "latin-1") == (
        "café \ufffd", ["not valid latin-1, read as cp1252 (byte 5); undecodable bytes replaced"])


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_decode_utf16_without_a_byte_order_mark_by_its_nuls(codec):
    page = "Hello wörld\nЗдравствуй\n"
    assert decode(page.encode(codec)) == (page, [f"no byte order mark; decoded as {codec.upper()}"])


def test_decode_binary_with_nuls_at_both_parities_is_not_utf16():
    with pytest.raises(NotTextError, match="^not a text file$"):
        decode("abc".encode("utf-16-le") + b"\x00\x00")


@pytest.mark.parametrize("page", [
    "Le château de la forêt est très beau, déjà en été le garçon reçoit sa fenêtre.",  # "château" is mess to it
    "L'Ajuntament ha aprovat la col·lecció. Visiteu la pàgina.",  # a middle dot inside a word
    "Accueil·Actualités·Contact\nLes élèves étudient à l'école.",
    "Formula: H²O and CO² make a²+b²=c².",
    "Sää on hyvä.",  # GB18030 reads it too, but for one byte in the middle
])
def test_decode_keeps_cp1252_for_latin_pages_other_charsets_also_read(page):
    text, warnings = decode(page.encode("cp1252"))
    assert (text, warnings[0].split("; ")[1]) == (page, "decoded as cp1252")


def test_decode_counts_byte_offsets_from_the_start_of_the_file():
    assert decode(codecs.BOM_UTF8 + "Größe".encode("cp1252")) == (
        "Größe", ["not valid UTF-8 (byte 5); decoded as cp1252"])


def test_decode_as_a_utf8_byte_order_mark_with_bad_bytes_behind_it():
    assert decode_as(codecs.BOM_UTF8 + "Größe café".encode("utf-8")[:-2] + b"\xe9", "cp1251", "cp1251") == (
        "Größe caf\ufffd", ["not valid UTF-8 as its byte order mark says (byte 14); undecodable bytes replaced"])


def test_a_stray_nul_in_a_page_of_utf8_is_not_taken_for_utf16():
    page = ("The council met on Tuesday to agree on the harbour budget. " * 20).encode("utf-8")
    with pytest.raises(NotTextError) as caught:
        decode(page[:301] + b"\x00" + page[301:])
    assert str(caught.value) == "not a text file"


def test_a_stray_nul_in_a_short_page_is_not_taken_for_utf16():
    with pytest.raises(NotTextError) as caught:
        decode(b"h\x00i\nthere\n")
    assert str(caught.value) == "not a text file"


def test_cyrillic_utf16_without_a_byte_order_mark_gets_the_hint():
    with pytest.raises(NotTextError, match="try --encoding utf-16-le\\)$"):
        decode(("Привет мир, это страница. " * 40).encode("utf-16-le"))


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_chinese_utf16_without_a_byte_order_mark_gets_the_hint(codec):
    # its only NULs are its line ends' high bytes: far fewer than one in a hundred of its bytes
    page = ("北京今天天气晴朗，气温较高，市民纷纷外出游玩，公园里人很多。" * 4 + "\n") * 3
    with pytest.raises(NotTextError, match=f"try --encoding {codec}\\)$"):
        decode(page.encode(codec))


def test_decode_as_refuses_bytes_mostly_not_valid_in_the_charset_named():
    with pytest.raises(NotTextError, match="^not a text file .*try --encoding utf-16-be\\)$"):
        decode_as(b"\x00\xd8" * 50, "utf-16-le")  # lone surrogates, all of them (in big-endian order: "ØØ...")


@pytest.mark.parametrize(("charset", "page", "pasted"), [
    ("cp1251", "Всем привет. Сегодня поговорим о погоде в Москве. Завтра на севере ожидается небольшой дождь.", "‘"),
    ("cp1253", "Καλημέρα σε όλους. Σήμερα μιλάμε για τον καιρό στην Αθήνα. Αύριο αναμένεται ελαφριά βροχή.", "”"),
])
def test_decode_keeps_the_charset_of_a_page_with_a_utf8_character_pasted_in_its_middle(charset, page, pasted):
    # cp1251 has no character for the 0x98 of a UTF-8 "‘", cp1253 none for the 0x9D of a "”"
    at = page.index(". ") + 1
    data = page[:at].encode(charset) + pasted.encode("utf-8") + page[at:].encode(charset)
    text, warnings = decode(data)
    assert warnings == [f"not valid UTF-8 (byte 0); decoded as {charset}, 1 byte(s) it has no character for replaced"]
    assert text == page[:at] + pasted.encode("utf-8").decode(charset, errors="replace") + page[at:]


def test_decode_reads_cyrillic_in_much_ascii_markup_as_cyrillic():
    # the markup dilutes charset-normalizer's mess of the cp1252 reading under cp1252's lead; its words made
    # only of accented letters ("Ëåíòà") do not read as a Latin language's
    page = ("<html><head><script>\n" + "var counter = counter + 1; window.setTimeout(update, 1000);\n" * 40
            + "</script><title>Лента новостей - Британские ученые</title></head>\n<body><p>Всем привет.</p></body>\n")
    assert decode(page.encode("cp1251")) == (page, ["not valid UTF-8 (byte 2437); decoded as cp1251"])


def test_decode_is_exported_at_the_package_top():
    import linesift

    assert linesift.decode("Всем привет. Сегодня поговорим о погоде.".encode("cp1251")) == (
        "Всем привет. Сегодня поговорим о погоде.", ["not valid UTF-8 (byte 0); decoded as cp1251"])
