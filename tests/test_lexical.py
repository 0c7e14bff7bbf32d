"""linesift.lexical: the hashed words each line gives the lexical model."""

from __future__ import annotations

import numpy as np
import pytest

from linesift.codepoints import code_points
from linesift.lexical import LEXICAL_HEAD, LEXICAL_TAIL, lexical_matrix, token_hashes

N = 2**18


def row(line: str) -> dict[int, float]:
    m = lexical_matrix(code_points([line]), N)
    return dict(zip(m.indices.tolist(), m.data.tolist()))


def test_one_row_per_line():
    assert lexical_matrix(code_points(["Share this", "", "|||"]), N).shape == (3, N)


def test_two_words_give_their_words_their_pair_and_the_first_word():
    assert len(row("Share this")) == 4  # share, this, share+this, first word share


def test_rows_are_l2_normalised():
    m = lexical_matrix(code_points(["Read more about the story", "x"]), N)
    assert np.sqrt(m.multiply(m).sum(axis=1)).A1.tolist() == pytest.approx([1.0, 1.0])


def test_line_without_words_has_an_empty_row():
    assert row("|| » ||") == {}


def test_case_and_digits_are_folded():
    assert row("Page 12 of 30") == row("page 7 of 1")


def test_word_order_matters_through_pairs():
    assert row("read more") != row("more read")


def test_hashes_are_the_same_in_every_call():
    assert token_hashes(code_points(["Tags: news"]))[1].tolist() == token_hashes(code_points(["Tags: news"]))[1].tolist()


def test_only_the_ends_of_a_long_line_are_read():
    middle = " ".join(f"w{i}" for i in range(200))
    head, tail = "a" * (LEXICAL_HEAD - 1), "z" * (LEXICAL_TAIL - 1)
    assert row(f"{head} {middle} {tail}") == row(f"{head} {'q' * 300} {tail}")


def test_tokens_belong_to_their_lines():
    lines, _ = token_hashes(code_points(["one two", "", "three"]))
    assert lines.tolist() == [0, 0, 2]
