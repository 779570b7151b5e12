"""The reading of an input: words as written, sentences, phonemes owned by words.

espeak-ng phonemizes here (it is fast and needs no model); a scripted phonemizer stands in
where a test needs the G2P to merge words, which espeak-ng does only for some inputs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kokoro_speech.engine.job import InputType
from kokoro_speech.engine.languages import Language, find, for_voice
from kokoro_speech.engine.phonemes import Phonemizer
from kokoro_speech.engine.reading import LANGUAGE_NAMES, PauseTooLongError, Reading, read
from kokoro_speech.normalize import NormalizationOptions
from kokoro_speech.normalize.lexicon import PLS_NAMESPACE, Lexicons, load_lexicons, parse_lexicon
from kokoro_speech.normalize.ssml import SsmlLimits

EN = find("en-us")


@pytest.fixture(scope="module")
def phonemizer() -> Phonemizer:
    return Phonemizer()


def owners(reading: Reading) -> list[str]:
    return [reading.words[w.owner] for w in reading.phoneme_words()]


def test_a_normalized_word_owns_all_the_words_it_is_spoken_as(phonemizer: Phonemizer) -> None:
    reading = read("It costs $7.25 today.", EN, phonemizer, NormalizationOptions())
    assert reading.words == ["It", "costs", "$7.25", "today."]
    said = owners(reading)
    assert said.count("$7.25") >= 5  # seven dollars and twenty five cents
    assert said[0] == "It" and said[-1] == "today."


def test_words_one_reading_spans_become_one_word(phonemizer: Phonemizer) -> None:
    reading = read("Come at 9:30 a.m. sharp.", EN, phonemizer, NormalizationOptions())
    assert "9:30 a.m." in reading.words
    assert set(owners(reading)) <= set(reading.words)


def test_sentences_end_at_marks_and_line_breaks_not_at_decimal_points(phonemizer: Phonemizer) -> None:
    text = "Pi is 3.14 roughly. Fine!\nA heading\nAnd more"
    reading = read(text, EN, phonemizer, NormalizationOptions(numbers=False))
    assert len(reading.sentences) == 4


def test_japanese_full_stops_end_sentences_without_spaces(phonemizer: Phonemizer) -> None:
    reading = read("今日は晴れ。明日は雨。", find("ja"), phonemizer, NormalizationOptions())
    assert len(reading.sentences) == 2


def test_inline_pronunciation_is_spoken_as_given_and_named_as_its_word(phonemizer: Phonemizer) -> None:
    reading = read("Say [Kokoro](/kˈOkəɹO/), please.", EN, phonemizer, NormalizationOptions())
    assert reading.words == ["Say", "Kokoro,", "please."]
    assert [w.phonemes for w in reading.phoneme_words()][1] == "kˈOkəɹO,"


def test_phoneme_input_is_spoken_as_given(phonemizer: Phonemizer) -> None:
    reading = read("həlˈoʊ wˈɜːld. ɡˈʊd", EN, phonemizer, NormalizationOptions(), input_type="phonemes")
    assert reading.phoneme_sentences() == ["həlˈoʊ wˈɜːld.", "ɡˈʊd"]
    assert reading.words == ["həlˈoʊ", "wˈɜːld.", "ɡˈʊd"]


class MergingPhonemizer(Phonemizer):
    """Says "new york" as one word, as a G2P with multi-word entries does."""

    def phonemize(self, texts: list[str], language: Language) -> list[str]:
        return [" ".join(t.lower().replace("new york", "nuːjˈɔːɹk").split()) for t in texts]


def test_words_the_g2p_merges_are_timed_as_one_word() -> None:
    reading = read("We flew to New York today", EN, MergingPhonemizer(), NormalizationOptions())
    said = [(reading.words[w.owner], w.phonemes) for w in reading.phoneme_words()]
    assert said == [("We", "we"), ("flew", "flew"), ("to", "to"), ("New York", "nuːjˈɔːɹk"), ("today", "today")]


def test_words_the_g2p_joins_keep_its_joined_phonemes_and_are_timed_as_one(phonemizer: Phonemizer) -> None:
    text = "This is a test of the system."
    reading = read(text, EN, phonemizer, NormalizationOptions())
    # The audio is the G2P's reading of the whole sentence, not of words taken alone ("a" is not "ˈeɪ").
    (whole,) = phonemizer.phonemize([text], EN)
    assert reading.phoneme_sentences() == [whole]
    assert " ".join(w for w in reading.words if w) == text
    assert set(owners(reading)) == {w for w in reading.words if w}


def test_adjacent_inline_pronunciations_are_all_spoken(phonemizer: Phonemizer) -> None:
    reading = read("Say [to](/tˈuː/)[day](/dˈeɪ/) please.", EN, phonemizer, NormalizationOptions())
    assert "tˈuːdˈeɪ" in reading.phoneme_sentences()[0]
    assert reading.words[1] == "today"


def test_a_link_to_a_path_is_not_a_pronunciation(phonemizer: Phonemizer) -> None:
    reading = read("Visit [Home](/home/) now.", EN, phonemizer, NormalizationOptions())
    assert reading.words[1] == "Home"
    assert "hˈoʊm" in reading.phoneme_sentences()[0]


def test_phoneme_input_words_are_split_at_spaces_only(phonemizer: Phonemizer) -> None:
    reading = read("[a b](/x y/) hˈɛloʊ", EN, phonemizer, NormalizationOptions(), input_type="phonemes")
    assert reading.words == ["[a", "b](/x", "y/)", "hˈɛloʊ"]


def test_stress_marks_alone_are_nothing_to_say(phonemizer: Phonemizer) -> None:
    assert not phonemizer.is_speakable("ˈˈˌː")
    assert phonemizer.is_speakable("ˈa")


def test_japanese_and_chinese_clauses_are_words_of_their_own(phonemizer: Phonemizer) -> None:
    reading = read("今天天气很好，我们去公园散步吧。明天见！", find("zh"), phonemizer, NormalizationOptions())
    assert reading.words == ["今天天气很好，", "我们去公园散步吧。", "明天见！"]
    assert reading.words[reading.phoneme_words()[0].owner] == "今天天气很好，"
    assert set(owners(reading)) == set(reading.words)


def test_pauses_adding_up_past_the_total_limit_are_refused(phonemizer: Phonemizer) -> None:
    # 4,096 characters of "a [pause:10s] " asked for about 2,900 s of audio before the total was bounded.
    flood = ("a [pause:10s] " * 300)[:4096]
    with pytest.raises(PauseTooLongError, match="together"):
        read(flood, EN, phonemizer, NormalizationOptions())
    limits = SsmlLimits(32, 2048, max_pause_seconds=10.0, max_total_pause_seconds=30.0)
    read("a [pause:10s] b [pause:10s] c [pause:10s] d", EN, phonemizer, NormalizationOptions(), limits=limits)
    with pytest.raises(PauseTooLongError):
        read("a [pause:10s] b [pause:10s] c [pause:10.5s] d", EN, phonemizer, NormalizationOptions(), limits=limits)


def test_the_rests_of_many_ssml_paragraphs_are_not_pauses_asked_for(phonemizer: Phonemizer) -> None:
    # 299 rests of 0.5 s after paragraphs: 149.5 s that no pause or break asks for.
    paragraphs = "<speak>" + "<p>Hi.</p>" * 300 + "</speak>"
    read(paragraphs, EN, phonemizer, NormalizationOptions(), input_type="ssml")
    breaks = "<speak>" + '<p>Hi.<break time="10s"/></p>' * 7 + "</speak>"
    with pytest.raises(PauseTooLongError, match="together"):
        read(breaks, EN, phonemizer, NormalizationOptions(), input_type="ssml")


# Pronunciation lexicons.
def pls(*lexemes: str, lang: str = "en-US") -> str:
    return f'<lexicon xmlns="{PLS_NAMESPACE}" alphabet="x-kokoro" xml:lang="{lang}">{"".join(lexemes)}</lexicon>'


def alias(grapheme: str, said: str) -> str:
    return f"<lexeme><grapheme>{grapheme}</grapheme><alias>{said}</alias></lexeme>"


NGINX = "<lexeme><grapheme>Nginx</grapheme><phoneme>ˈɛnʤɪnˈɛks</phoneme></lexeme>"


def lexicon(phonemizer: Phonemizer, document: str) -> Lexicons:
    return Lexicons((parse_lexicon(document, phonemizer.vocabulary, LANGUAGE_NAMES),))


def said(reading: Reading) -> list[tuple[str, str]]:
    return [(reading.words[w.owner], w.phonemes) for w in reading.phoneme_words()]


def test_lexicons_say_their_words_in_text_voice_tags_and_ssml_but_not_in_phoneme_input(phonemizer: Phonemizer) -> None:
    lexicons = lexicon(phonemizer, pls(NGINX, alias("SQL", "sequel")))
    sequel = said(read("a sequel", EN, phonemizer, NormalizationOptions()))[-1][1]
    inputs: list[tuple[str, InputType]] = [("Nginx and SQL", "text"), ("<speak>Nginx and SQL</speak>", "ssml")]
    for text, input_type in inputs:
        reading = read(text, EN, phonemizer, NormalizationOptions(), input_type, lexicons=lexicons)
        assert reading.words == ["Nginx", "and", "SQL"]
        assert said(reading)[0] == ("Nginx", "ˈɛnʤɪnˈɛks") and said(reading)[-1] == ("SQL", sequel)
    tagged = read(
        "[voice:am_adam] Nginx [voice:ff_siwis] Nginx",
        EN,
        phonemizer,
        NormalizationOptions(),
        voice_tags=True,
        voice_language=for_voice,
        lexicons=lexicons,
    )
    # The lexicon is English: the French speaker's word is read by the French G2P.
    english, french = (phonemes for _, phonemes in said(tagged))
    assert english == "ˈɛnʤɪnˈɛks" != french
    as_given = read(
        "ɛnʤɪn",
        EN,
        phonemizer,
        NormalizationOptions(),
        "phonemes",
        lexicons=lexicon(phonemizer, pls("<lexeme><grapheme>ɛnʤɪn</grapheme><phoneme>ks</phoneme></lexeme>")),
    )
    assert said(as_given) == [("ɛnʤɪn", "ɛnʤɪn")]


def test_a_word_a_lexicon_rewrites_stays_one_word_as_written(phonemizer: Phonemizer) -> None:
    lexicons = lexicon(phonemizer, pls("<lexeme><grapheme>New York</grapheme><phoneme>nuː jˈɔːk</phoneme></lexeme>"))
    reading = read("We flew to New  York, then home.", EN, phonemizer, NormalizationOptions(), lexicons=lexicons)
    assert reading.words == ["We", "flew", "to", "New  York,", "then", "home."]
    # Its phonemes are one word, as an inline pronunciation's are.
    assert [phonemes for word, phonemes in said(reading) if word == "New  York,"] == ["nuːjˈɔːk,"]


def test_server_files_then_the_request_then_the_ssml_each_take_precedence(
    phonemizer: Phonemizer, tmp_path: Path
) -> None:
    server = tmp_path / "server.pls"
    server.write_text(pls(alias("SQL", "sequel"), alias("Nginx", "engine x"), alias("GIF", "jif")), encoding="utf-8")
    request = parse_lexicon(
        pls(alias("Nginx", "N G I N X"), alias("GIF", "gif")), phonemizer.vocabulary, LANGUAGE_NAMES
    )
    lexicons = load_lexicons([server], phonemizer.vocabulary, LANGUAGE_NAMES).then(request)
    ssml = f'<speak><lexicon alphabet="x-kokoro">{alias("GIF", "graphics")}</lexicon>SQL Nginx GIF</speak>'
    reading = read(ssml, EN, phonemizer, NormalizationOptions(), "ssml", lexicons=lexicons)
    expected = read("sequel N G I N X graphics", EN, phonemizer, NormalizationOptions())
    assert reading.phoneme_sentences() == expected.phoneme_sentences()
    assert reading.words == ["SQL", "Nginx", "GIF"]
