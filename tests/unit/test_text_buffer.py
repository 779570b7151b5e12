"""Where streamed text is cut into what is spoken next (pure logic)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kokoro_speech.speech.text_buffer import CutLengths, TextBuffer
from tests.support.live import llm_deltas

LENGTHS = CutLengths(clause_at=100, word_at=200)


def fed(deltas: list[str], buffer: TextBuffer | None = None) -> list[tuple[int, str]]:
    """Each piece with the number of deltas it took to come."""
    buffer = buffer or TextBuffer(LENGTHS)
    pieces: list[tuple[int, str]] = []
    for index, delta in enumerate(deltas):
        pieces += [(index + 1, piece) for piece in buffer.add(delta)]
    rest = buffer.flush()
    return pieces + ([(len(deltas), rest)] if rest else [])


def test_a_sentence_is_given_as_its_next_word_or_a_pause_comes() -> None:
    deltas = llm_deltas("Turn on the kitchen lights. Then lock the door!")
    pieces = fed(deltas)
    assert [piece for _, piece in pieces] == ["Turn on the kitchen lights.", "Then lock the door!"]
    assert pieces[0][0] == deltas.index(".") + 2, "when the space after the full stop comes"
    assert pieces[1][0] == len(deltas), "an exclamation mark at once"
    buffer = TextBuffer(LENGTHS)
    assert buffer.add("Turn on the kitchen lights.") == [] and buffer.undecided
    assert buffer.settle() == ["Turn on the kitchen lights."], "the writer paused after it"
    assert not buffer.undecided and buffer.settle() == []


def test_full_stops_that_may_not_end_a_sentence_wait_for_what_follows() -> None:
    buffer = TextBuffer(LENGTHS)
    assert buffer.add("It costs 3.") == [] and buffer.add("5 dollars. Dr.") == ["It costs 3.5 dollars."]
    assert not buffer.undecided and buffer.settle() == [], "after an abbreviation, only what follows decides"
    assert buffer.add(" Smith and J.") == [] and not buffer.undecided
    assert buffer.add(" R. R. Tolkien wrote e.g. this. Next") == ["Dr. Smith and J. R. R. Tolkien wrote e.g. this."]
    assert buffer.add(" see example.") == [] and buffer.add("com for more") == []
    assert buffer.flush() == "Next see example.com for more"


def test_line_breaks_quotes_and_wide_marks_end_sentences() -> None:
    buffer = TextBuffer(LENGTHS)
    assert buffer.add("# Shopping list\n1. Eggs\n") == ["# Shopping list", "1. Eggs"]
    assert buffer.add('He said "Stop." Then') == ['He said "Stop."']
    assert buffer.add("今日は晴れです。明日") == ["Then今日は晴れです。"]
    assert buffer.add("...") == ["明日..."]


def test_a_long_sentence_is_cut_at_a_clause_then_at_a_word() -> None:
    clause = "word " * 18 + "and more words, then the rest goes on "
    pieces = TextBuffer(LENGTHS).add(clause + "x " * 10)
    assert pieces == [clause.split(",")[0] + ","]
    no_marks = "word " * 45
    buffer = TextBuffer(LENGTHS)
    cut = buffer.add(no_marks)
    assert len(cut) == 1 and len(cut[0]) <= 200 and buffer.held.strip()


def test_a_schedule_sets_the_lengths_piece_by_piece() -> None:
    buffer = TextBuffer(LENGTHS, schedule=[20, 40])
    first = buffer.add("one two three four five six seven ")
    assert first and len(first[0]) <= 30
    assert buffer.add("eight nine ten eleven ") == []  # the second piece may grow to 40


@given(
    st.lists(st.sampled_from(["The", " cat", ".", " Dr", " 3", ".5", "!", "\n", " a,", " b", "?", "…", " J", "。"])),
    st.lists(st.booleans()),
)
def test_nothing_is_lost_or_reordered(deltas: list[str], pauses: list[bool]) -> None:
    buffer = TextBuffer(LENGTHS)
    pieces: list[str] = []
    for delta, pause in zip(deltas, pauses + [False] * len(deltas), strict=False):
        pieces += buffer.add(delta)
        if pause:
            pieces += buffer.settle()
    pieces += [rest] if (rest := buffer.flush()) else []
    assert all(piece == piece.strip() and piece for piece in pieces)
    assert "".join("".join(pieces).split()) == "".join("".join(deltas).split())
