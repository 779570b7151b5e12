"""The chunk planner (pure logic)."""

from __future__ import annotations

import pytest

from kokoro_speech.engine.chunks import INNER_SPACE, SHORT_REST, plan, split_to_fit
from kokoro_speech.engine.config import MODEL_MAX_TOKENS


def words(chunks: list[str]) -> list[str]:
    return " ".join(chunks).split()


def test_short_sentences_share_the_first_chunk() -> None:
    chunks = plan(["hˈaɪ.", "haʊ ɑːɹ juː?"], first_limit=60, limit=250)
    assert [c.phonemes for c in chunks] == ["hˈaɪ. haʊ ɑːɹ juː?"]
    assert chunks[0].ends == "sentence"


def test_first_chunk_is_small_and_later_chunks_larger() -> None:
    sentence = "ðɪs ɪz ɐ sˈɛntəns, wɪð ɐ klˈɔːz ænd sˈʌm mˈɔːɹ wˈɜːdz ɪn ɪt."
    chunks = plan([sentence] * 12, first_limit=40, limit=250)
    assert len(chunks[0].phonemes) <= 40
    assert all(len(c.phonemes) <= 250 for c in chunks)
    assert max(len(c.phonemes) for c in chunks[1:]) > 150
    assert words([c.phonemes for c in chunks]) == words([sentence] * 12)


def test_first_chunk_cuts_at_a_clause_before_a_word() -> None:
    chunks = plan(["wˈʌn tˈuː θɹˈiː, fˈɔːɹ fˈaɪv sˈɪks sˈɛvən ˈeɪt nˈaɪn tˈɛn."], first_limit=20, limit=250)
    assert chunks[0].phonemes == "wˈʌn tˈuː θɹˈiː,"
    assert chunks[0].ends == "clause"


def test_long_text_without_punctuation_stays_within_the_model_context() -> None:
    text = " ".join(["wˈɜːd"] * 400)
    chunks = plan([text], first_limit=60, limit=MODEL_MAX_TOKENS)
    assert all(len(c.phonemes) <= MODEL_MAX_TOKENS for c in chunks)
    assert len(chunks[0].phonemes) <= 60
    assert words([c.phonemes for c in chunks]) == text.split()
    assert all(c.ends == "word" for c in chunks[:-1])


def test_a_run_with_no_space_is_cut_mid_word() -> None:
    pieces = split_to_fit("a" * 1200, 510)
    assert [len(p) for p in pieces] == [510, 510, 180]


@pytest.mark.parametrize("limit", [10, 37, 100])
def test_split_to_fit_never_exceeds_the_limit(limit: int) -> None:
    text = "ɐ bˈɪt, ɐ lˈɑːt; ænd ðɛn ɐ vˈɛɹi lˈɔŋ ɹˈʌn ʌv wˈɜːdz wɪðˈaʊt ˈɛni pˈʌŋktʃuːˌeɪʃən æt ˈɔːl"
    pieces = split_to_fit(text, limit)
    assert all(0 < len(p) <= limit for p in pieces)
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")


def test_empty_input_plans_nothing() -> None:
    assert plan([], 60, 250) == []
    assert plan(["   "], 60, 250) == []


def test_a_reading_of_one_written_word_is_not_cut_where_a_cut_between_words_fits() -> None:
    # "A bagel costs $3.25.": the amount's words are joined by the inner space.
    amount = INNER_SPACE.join(["θɹˈiː", "dˈɑːlɚz", "ænd", "twˈɛnti", "fˈaɪv", "sˈɛnts."])
    chunks = plan([f"ɐ bˈeɪɡəl kˈɔsts {amount}"], first_limit=40, limit=120)
    assert [c.phonemes for c in chunks] == ["ɐ bˈeɪɡəl kˈɔsts", amount.replace(INNER_SPACE, " ")]
    assert all(INNER_SPACE not in c.phonemes for c in chunks)


def test_a_reading_longer_than_a_chunk_is_cut_inside_it_at_a_clause_mark_first() -> None:
    reading = INNER_SPACE.join(["fˈaɪv", "fˈaɪv", "fˈaɪv,", "wˈʌn", "tˈuː", "θɹˈiː,", "fˈɔːɹ", "fˈaɪv", "sˈɪks"])
    chunks = plan([reading], first_limit=40, limit=120)
    assert chunks[0].phonemes == "fˈaɪv fˈaɪv fˈaɪv, wˈʌn tˈuː θɹˈiː,"
    assert chunks[0].ends == "clause"
    only_words = INNER_SPACE.join(["wˈʌn", "mˈɪliən", "tˈuː", "hˈʌndɹɪd", "θˈɜːɾi", "fˈɔːɹ", "θˈaʊzənd"])
    pieces = plan([only_words], first_limit=20, limit=120)
    assert len(pieces[0].phonemes) <= 20
    assert words([c.phonemes for c in pieces]) == only_words.split(INNER_SPACE)


def _stall_free(chunks: list[int], pace: float, first_limit: int, overshoot: float = 0.0) -> bool:
    """Every later chunk is made while the audio before it plays (or is no larger than the first may be),
    but for the ``overshoot`` share of its budget that a chunk may take rather than leave a short rest."""
    covered = float(chunks[0])
    for size in chunks[1:]:
        budget = max(first_limit, covered / pace)
        if size > budget * (1 + overshoot) and size > first_limit:
            return False
        covered += (1 - pace) * size
    return True


SENTENCE = "ðɪs ɪz ɐ sˈɛntəns, wɪð ɐ klˈɔːz ænd sˈʌm mˈɔːɹ wˈɜːdz ɪn ɪt."


def test_a_short_first_sentence_is_not_followed_by_a_chunk_that_takes_longer_to_make_than_to_hear() -> None:
    short = "ɡʊd mˈɔːɹnɪŋ, ˈɛvɹiwˌʌn."
    long = ", ".join([SENTENCE.rstrip(".")] * 2) + "."
    paced = plan([short, long], first_limit=30, limit=130, pace=0.5)
    sizes = [len(c.phonemes) for c in paced]
    assert sizes[0] == len(short) and sizes[1] <= 2 * len(short) < len(long)
    assert _stall_free(sizes, 0.5, 30)
    assert words([c.phonemes for c in paced]) == words([short, long])
    assert paced[1].ends == "clause", "the long sentence is cut at a clause mark"
    unpaced = plan([short, long], first_limit=30, limit=130)
    assert [len(c.phonemes) for c in unpaced] == [len(short), len(long)]


@pytest.mark.parametrize("pace", [0.2, 0.5, 0.8])
def test_paced_chunks_grow_from_the_first_as_fast_as_the_machine_allows(pace: float) -> None:
    text = [SENTENCE] * 30
    paced = plan(text, first_limit=40, limit=250, pace=pace)
    sizes = [len(c.phonemes) for c in paced]
    assert _stall_free(sizes, pace, 40, overshoot=SHORT_REST)
    assert all(size <= 250 for size in sizes) and words([c.phonemes for c in paced]) == words(text)
    assert max(sizes) > 200, "the chunks reach the later size once enough audio is ahead"
    assert min(sizes[1:]) >= SHORT_REST * 40, "no later chunk is a short rest left alone"
    assert len(paced) >= len(plan(text, first_limit=40, limit=250))


@pytest.mark.parametrize("pace", [0.0, 1.0, 1.7])
def test_no_pacing_where_the_pace_is_unknown_or_slower_than_real_time(pace: float) -> None:
    text = [SENTENCE] * 8
    assert plan(text, 40, 120, pace=pace) == plan(text, 40, 120)
