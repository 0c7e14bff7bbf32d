import io
import tarfile

import pytest

from linesift.training.realworld import (Counts, Snippets, comment_snippets, is_german, parse_snippets, prf, read_sdist,
                                        snippet_counts)

SOURCE = '''
MOCK_PAGES = {
'https://example.org/a': 'a.html',
'https://example.org/b': 'b.html',
}

def load_mock_page(url, xml_flag=False):
    pass

def test_extract(xmloutput):
    result = load_mock_page('https://example.org/a', xmloutput)
    assert 'Kapitel 1' in result and 'Impressum' not in result  # and 'Kommentare' not in result
    if xmloutput is False:
        assert 'Zweiter Absatz' in result and '<head>' not in result
    result = load_mock_page('https://example.org/b', xmloutput)
    assert len(result) > 10
'''


def test_snippets_are_read_from_the_asserts_after_each_page_load():
    assert parse_snippets(SOURCE) == {"a.html": Snippets(["Kapitel 1", "Zweiter Absatz"], ["Impressum"])}


def test_snippets_match_case_sensitively_with_whitespace_collapsed():
    snippets = Snippets(["Kapitel 1 beginnt", "Ende"], ["Impressum", "impressum"])
    assert snippet_counts("Kapitel 1\n  beginnt hier.\nimpressum", snippets) == Counts(1, 1, 1)


def test_snippets_match_in_composed_form_without_their_own_outer_spaces():
    decomposed = "gepru\u0308ft werden"  # "geprüft" with a combining diaeresis, as some pages write it
    snippets = Snippets([decomposed, " Ende "], [])
    assert snippet_counts("Es wird geprüft werden.\nEnde", snippets) == Counts(2, 0, 0)


def test_counts_pool_into_precision_recall_and_f1():
    assert prf([Counts(3, 1, 0), Counts(1, 0, 4)]) == {"precision": 0.8, "recall": 0.5, "f1": 0.615}
    assert prf([]) == {"precision": 1.0, "recall": 1.0, "f1": 1.0}


def test_a_snippet_stands_in_reader_comments_when_only_a_comment_box_holds_it():
    page = ("<html><body><article><p>The council met on Tuesday.</p><p>A quoted line.</p></article>"
            "<div id='comments'><ol><li class='comment'><p>Great post,  thanks!</p><p>A quoted line.</p></li></ol>"
            "</div></body></html>")
    assert comment_snippets(page, ["council met", "Great post, thanks!", "A quoted line.", "nowhere"]) == [
        False, True, False, False]


def test_a_page_is_german_when_it_has_more_german_than_english_function_words():
    assert [is_german(t) for t in ("Der Hund und die Katze sind nicht da.", "The dog and the cat is not in.")] == [
        True, False]


def test_the_sdist_gives_the_pages_that_have_snippets(tmp_path):
    path = tmp_path / "trafilatura-1.0.0.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for name, data in (("tests/realworld_tests.py", SOURCE.encode()),
                           ("tests/cache/a.html", "<p>Kapitel 1 über Straßen</p>".encode("cp1252")),
                           ("tests/cache/b.html", b"<p>B</p>")):
            info = tarfile.TarInfo(f"trafilatura-1.0.0/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    snippets, html = read_sdist(path)
    assert list(snippets) == ["a.html"]
    assert html == {"a.html": "<p>Kapitel 1 über Straßen</p>"}


def test_a_file_that_is_no_tarball_is_a_one_line_error(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a tarball")
    with pytest.raises(SystemExit, match=r"^Error: .*notes.txt: not a tar archive"):
        read_sdist(path)
