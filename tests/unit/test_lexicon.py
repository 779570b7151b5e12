"""Pronunciation lexicons (PLS 1.0) read, scoped and applied to marked text (pure logic: no model, no server)."""

from __future__ import annotations

import dataclasses
import random
import re
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kokoro_onnx.config import DEFAULT_VOCAB

from kokoro_speech.engine.languages import Language, find, for_voice
from kokoro_speech.engine.reading import LANGUAGE_NAMES, spoken_in
from kokoro_speech.normalize.config import TextConfig
from kokoro_speech.normalize.lexicon import (
    MAX_GRAPHEME_CHARS,
    MAX_LEXICON_CHARS,
    MAX_LEXICON_DEPTH,
    PLS_NAMESPACE,
    Lexicon,
    LexiconError,
    Lexicons,
    Pronunciation,
    SpokenIn,
    load_lexicons,
    parse_lexicon,
)
from kokoro_speech.normalize.marked import MarkedText, MarkupError, SayAs, Voicing
from kokoro_speech.normalize.pronunciation import INLINE_PRONUNCIATION, pronunciations

VOCABULARY = frozenset(DEFAULT_VOCAB)


def said_in(language: str) -> SpokenIn:
    """Every stretch in ``language``, but where a voicing says otherwise, as the reader decides it."""
    return spoken_in(find(language))


def lexicon_document(lexemes: str, *, lang: str | None = "en-US", alphabet: str = "ipa", namespace: bool = True) -> str:
    xmlns = f' xmlns="{PLS_NAMESPACE}"' if namespace else ""
    language = f' xml:lang="{lang}"' if lang is not None else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<lexicon version="1.0"{xmlns} alphabet="{alphabet}"{language}>\n{lexemes}\n</lexicon>\n'
    )


def lexeme(grapheme: str, *, alias: str | None = None, ipa: str | None = None, kokoro: str | None = None) -> str:
    if alias is not None:
        said = f"<alias>{escape(alias)}</alias>"
    elif ipa is not None:
        said = f"<phoneme>{escape(ipa)}</phoneme>"
    else:
        said = f'<phoneme alphabet="x-kokoro">{escape(kokoro or "")}</phoneme>'
    return f"<lexeme><grapheme>{escape(grapheme)}</grapheme>{said}</lexeme>"


def lexicon(*lexemes: str, lang: str | None = "en-US", source: str = "request") -> Lexicon:
    return parse_lexicon(lexicon_document("\n".join(lexemes), lang=lang), VOCABULARY, LANGUAGE_NAMES, source)


def applied(text: str, *lexemes: str, language: str = "en-us", lang: str | None = "en-US") -> str:
    return Lexicons((lexicon(*lexemes, lang=lang),)).apply(MarkedText(text), said_in(language)).text


def refusal(document: str) -> str:
    with pytest.raises(LexiconError) as error:
        parse_lexicon(document, VOCABULARY, LANGUAGE_NAMES, "words.pls")
    assert isinstance(error.value, MarkupError)
    return str(error.value)


NGINX = lexeme("Nginx", kokoro="ˈɛnʤɪnˈɛks")


# Reading a lexicon.
def test_a_namespaced_lexicon_reads_alias_ipa_and_kokoro_entries() -> None:
    read = lexicon(lexeme("W3C", alias="World Wide Web Consortium"), lexeme("tomato", ipa="təˈmɑːtoʊ"), NGINX)
    assert read.scope == frozenset({"en-us"})
    assert read.entries == (
        Pronunciation("W3C", "alias", "World Wide Web Consortium"),
        Pronunciation("tomato", "phonemes", "təˈmɑːtoʊ"),
        Pronunciation("Nginx", "phonemes", "ˈɛnʤɪnˈɛks"),
    )


def test_a_lexicon_without_the_namespace_reads_the_same() -> None:
    body = "\n".join([lexeme("W3C", alias="World Wide Web Consortium"), NGINX])
    plain = parse_lexicon(lexicon_document(body, namespace=False), VOCABULARY, LANGUAGE_NAMES)
    assert plain == parse_lexicon(lexicon_document(body), VOCABULARY, LANGUAGE_NAMES)


def test_ipa_is_mapped_to_the_models_symbols() -> None:
    (entry,) = lexicon(lexeme("pizza", ipa="'pi:t͡sə gɑ")).entries
    assert entry.said == "ˈpiːʦə ɡɑ"


def test_a_lexemes_own_alphabet_overrides_the_lexicons() -> None:
    body = '<lexeme><grapheme>Kokoro</grapheme><phoneme alphabet="x-kokoro">kˈOkəɹO</phoneme></lexeme>'
    (entry,) = parse_lexicon(lexicon_document(body, alphabet="ipa"), VOCABULARY, LANGUAGE_NAMES).entries
    assert entry.said == "kˈOkəɹO"  # O is Kokoro's diphthong, not IPA
    assert parse_lexicon(
        lexicon_document(lexeme("x", kokoro="ks"), alphabet="X-Kokoro"), VOCABULARY, LANGUAGE_NAMES
    ).entries


def test_the_preferred_pronunciation_wins_else_the_first_and_the_first_lexeme_of_a_grapheme() -> None:
    first = "<lexeme><grapheme>read</grapheme><phoneme>ɹiːd</phoneme><alias>red</alias></lexeme>"
    preferred = '<lexeme><grapheme>lead</grapheme><phoneme>liːd</phoneme><alias prefer="true">led</alias></lexeme>'
    again = lexeme("read", alias="reed")
    assert lexicon(first, preferred, again).entries == (
        Pronunciation("read", "phonemes", "ɹiːd"),
        Pronunciation("lead", "alias", "led"),
    )


def test_metadata_and_examples_are_not_read() -> None:
    body = (
        '<meta name="author" content="x"/><metadata><rdf xmlns="urn:x"><deep>Nginx</deep></rdf></metadata>'
        '<lexeme role="noun"><grapheme>Nginx</grapheme><phoneme>ɛnʤɪnɛks</phoneme><example>Nginx runs.</example>'
        "</lexeme>"
    )
    assert [e.grapheme for e in parse_lexicon(lexicon_document(body), VOCABULARY, LANGUAGE_NAMES).entries] == ["Nginx"]


def test_graphemes_and_aliases_have_their_spaces_collapsed() -> None:
    (entry,) = lexicon(lexeme("  New \n York ", alias=" Noo   Yawk ")).entries
    assert (entry.grapheme, entry.said) == ("New York", "Noo Yawk")


# Errors name the source and the line.
BAD = [
    pytest.param("<lexicon>\n<lexeme>\n</lexicon>", 3, "not well-formed", id="malformed"),
    pytest.param("<speak>\n</speak>", 1, "root element", id="not-a-lexicon"),
    pytest.param('<lexicon xmlns="urn:other"/>', 1, "root element", id="foreign-namespace"),
    pytest.param('<lexicon alphabet="x-sampa">\n</lexicon>', 1, 'alphabet "x-sampa"', id="unknown-alphabet"),
    pytest.param(
        '<lexicon>\n<lexeme><grapheme>a</grapheme>\n<phoneme alphabet="arpabet">AH</phoneme></lexeme></lexicon>',
        3,
        'alphabet "arpabet"',
        id="unknown-phoneme-alphabet",
    ),
    pytest.param('<lexicon xml:lang="xx-YY">\n</lexicon>', 1, 'xml:lang "xx-YY"', id="unknown-language"),
    pytest.param("<lexicon>\n\n<lexeme><alias>x</alias></lexeme></lexicon>", 3, "needs a <grapheme>", id="no-grapheme"),
    pytest.param(
        "<lexicon>\n<lexeme>\n<grapheme>x</grapheme></lexeme></lexicon>", 2, "needs a <phoneme>", id="no-pronunciation"
    ),
    pytest.param(
        "<lexicon>\n<lexeme><grapheme>x</grapheme>\n\n<phoneme>k☃</phoneme></lexeme></lexicon>",
        4,
        "U+2603 SNOWMAN",
        id="unmappable-ipa",
    ),
    pytest.param(
        '<lexicon alphabet="x-kokoro">\n<lexeme><grapheme>x</grapheme>\n<phoneme>kg</phoneme></lexeme></lexicon>',
        3,
        "U+0067",  # the Latin g: only IPA's own letter is in the vocabulary, and only IPA maps one to the other
        id="unknown-kokoro-symbol",
    ),
    pytest.param(
        "<lexicon>\n<lexeme><grapheme> </grapheme><alias>x</alias></lexeme></lexicon>", 2, "empty", id="empty"
    ),
    pytest.param(
        "<lexicon>\n<lexeme><grapheme>[x]</grapheme><alias>x</alias></lexeme></lexicon>", 2, '"["', id="brackets"
    ),
    pytest.param(
        "<lexicon>\n<lexeme><grapheme>a<b/></grapheme><alias>x</alias></lexeme></lexicon>", 2, "only text", id="nested"
    ),
    pytest.param("<lexicon>\n\n<lexem><grapheme>a</grapheme></lexem></lexicon>", 3, "<lexem>", id="unknown-element"),
    pytest.param(
        '<!DOCTYPE lexicon [<!ENTITY a "b">]>\n<lexicon/>', 1, "DOCTYPE", id="doctype"
    ),  # no entity is ever expanded
    pytest.param(
        "<lexicon>" + "<metadata>\n" * MAX_LEXICON_DEPTH + "</metadata>" * MAX_LEXICON_DEPTH + "</lexicon>",
        MAX_LEXICON_DEPTH,
        f"more than {MAX_LEXICON_DEPTH} deep",
        id="too-deep",
    ),
    pytest.param(
        f"<lexicon>\n<lexeme><grapheme>{'a' * (MAX_GRAPHEME_CHARS + 1)}</grapheme><alias>x</alias></lexeme></lexicon>",
        2,
        "longer than",
        id="grapheme-too-long",
    ),
]


@pytest.mark.parametrize(("document", "line", "problem"), BAD)
def test_a_bad_lexicon_is_refused_naming_its_source_and_line(document: str, line: int, problem: str) -> None:
    message = refusal(document)
    assert '"words.pls"' in message
    assert problem in message
    assert re.search(rf"at line {line}, column \d+", message), message


def test_lines_count_the_space_before_the_declaration() -> None:
    assert "at line 4, column 3" in refusal("\ufeff\n\n  <?xml version='1.0'?>\n  <speak/>")


def test_a_document_too_large_is_refused_before_it_is_read() -> None:
    message = refusal("<lexicon>\n" + " " * MAX_LEXICON_CHARS + "</lexicon>")
    assert f"longer than {MAX_LEXICON_CHARS}" in message and "at line 2" in message


def test_server_files_are_read_in_order_and_their_errors_name_the_file(tmp_path: Path) -> None:
    first, second = tmp_path / "first.pls", tmp_path / "second.pls"
    first.write_text(lexicon_document(lexeme("Nginx", alias="engine x")), encoding="utf-8")
    second.write_text(lexicon_document(lexeme("Nginx", alias="N G I N X")), encoding="utf-8")
    loaded = load_lexicons([first, second], VOCABULARY, LANGUAGE_NAMES)
    assert [lx.source for lx in loaded.items] == [str(first), str(second)]
    said = loaded.apply(MarkedText("Nginx"), said_in("en-us"))
    assert said.say_as == (SayAs(0, 5, "alias", "N G I N X"),)
    broken = tmp_path / "broken.pls"
    broken.write_text("<lexicon>\n<lexeme>\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=rf'"{re.escape(str(broken))}".* at line 3'):
        load_lexicons([first, broken], VOCABULARY, LANGUAGE_NAMES)
    latin1 = tmp_path / "latin1.pls"
    latin1.write_bytes("<lexicon>\n<lexeme><grapheme>café</grapheme></lexeme>".encode("latin-1"))
    with pytest.raises(LexiconError, match="not UTF-8 text at line 2"):
        load_lexicons([latin1], VOCABULARY, LANGUAGE_NAMES)
    with pytest.raises(LexiconError, match="cannot be read"):
        load_lexicons([tmp_path / "missing.pls"], VOCABULARY, LANGUAGE_NAMES)


def test_the_setting_names_files_comma_separated() -> None:
    assert TextConfig().lexicon_paths() == []
    config = dataclasses.replace(TextConfig(), lexicons="/srv/a.pls, ~/b.pls,")
    assert config.lexicon_paths() == [Path("/srv/a.pls"), Path("~/b.pls").expanduser()]


# Matching.
def test_phonemes_become_inline_pronunciations_and_aliases_alias_spans() -> None:
    lexicons = Lexicons((lexicon(NGINX, lexeme("W3C", alias="World Wide Web Consortium")),))
    marked = lexicons.apply(MarkedText("Nginx and the W3C."), said_in("en-us"))
    assert marked.text == "[Nginx](/ˈɛnʤɪnˈɛks/) and the W3C."
    w3c = marked.text.index("W3C")
    assert marked.say_as == (SayAs(w3c, w3c + 3, "alias", "World Wide Web Consortium"),)


def test_phonemes_all_in_ascii_still_read_as_a_pronunciation() -> None:
    text = applied("a bed", lexeme("bed", kokoro="bed"))
    assert [m.group(1) for m in pronunciations(text)] == ["bed"]


def test_graphemes_match_as_written_case_and_all() -> None:
    assert applied("nginx NGINX Nginx", NGINX) == "nginx NGINX [Nginx](/ˈɛnʤɪnˈɛks/)"


def test_only_whole_words_match() -> None:
    cat = lexeme("cat", kokoro="kæt")
    assert applied("catalog bobcat cat2 cat's (cat) cat-like", cat) == (
        "catalog bobcat cat2 [cat](/kæt/)'s ([cat](/kæt/)) [cat](/kæt/)-like"
    )
    assert applied("résumé résuméd", lexeme("résumé", kokoro="ɹˈɛzəmA")) == "[résumé](/ɹˈɛzəmA/) résuméd"


def test_a_grapheme_of_several_words_matches_across_spaces_but_not_lines() -> None:
    york = lexeme("New York", kokoro="nuː jɔːk")
    assert applied("In New  York.", york) == "In [New  York](/nuː jɔːk/)."
    assert applied("New\nYork", york) == "New\nYork"


def test_the_longest_grapheme_wins() -> None:
    lexemes = (lexeme("New York", alias="Noo Yawk"), lexeme("New York City", alias="the Big Apple"))
    marked = Lexicons((lexicon(*lexemes),)).apply(MarkedText("New York City and New York"), said_in("en-us"))
    assert marked.say_as == (SayAs(0, 13, "alias", "the Big Apple"), SayAs(18, 26, "alias", "Noo Yawk"))


def test_chinese_and_japanese_match_without_spaces() -> None:
    tokyo = lexeme("東京", kokoro="toːkʲoː")
    assert applied("東京都に行く", tokyo, language="ja", lang="ja") == "[東京](/toːkʲoː/)都に行く"
    assert applied("AIで話す", lexeme("AI", kokoro="ˈAˈI"), language="ja", lang="ja") == "[AI](/ˈAˈI/)で話す"
    beijing = (lexeme("北京", alias="Běijīng"), lexeme("北京大学", alias="Běidà"))
    marked = Lexicons((lexicon(*beijing, lang="zh-CN"),)).apply(MarkedText("我在北京大学和北京。"), said_in("zh"))
    assert marked.say_as == (SayAs(2, 6, "alias", "Běidà"), SayAs(7, 9, "alias", "Běijīng"))


# Languages.
def test_a_lexicon_applies_to_its_own_language_only() -> None:
    assert applied("Nginx", NGINX, language="fr", lang="en-US") == "Nginx"
    assert applied("Nginx", NGINX, language="a", lang="en-US") != "Nginx"
    assert applied("Nginx", NGINX, language="en-gb", lang="en-US") == "Nginx"
    assert applied("Nginx", NGINX, language="es", lang=None) != "Nginx"


@pytest.mark.parametrize(("tag", "codes"), [("en", {"en-us", "en-gb"}), ("en-AU", {"en-us", "en-gb"}),
                                             ("EN_us", {"en-us"}), ("b", {"en-gb"}), ("pt-PT", {"pt-br"}),
                                             ("zh-Hant", {"zh"}), ("ja-JP", {"ja"}), ("fr", {"fr-fr"})])  # fmt: skip
def test_a_language_tag_applies_to_the_servers_languages_it_names(tag: str, codes: set[str]) -> None:
    assert lexicon(NGINX, lang=tag).scope == frozenset(codes)


def test_a_voicing_in_another_language_uses_that_languages_lexicons() -> None:
    english = lexicon(lexeme("chat", alias="chatter"), lang="en")
    french = lexicon(lexeme("chat", alias="cha"), lang="fr")
    text = "chat chat chat"
    marked = MarkedText(text, voicings=(Voicing(5, 9, "fr-FR", 1.2), Voicing(10, 14, "xx")))
    said = Lexicons((english, french)).apply(marked, said_in("en-us"))
    assert said.say_as == (SayAs(0, 4, "alias", "chatter"), SayAs(5, 9, "alias", "cha"))


def test_a_voicing_by_another_voice_uses_that_voices_language() -> None:
    english = lexicon(lexeme("chat", alias="chatter"), lang="en")
    french = lexicon(lexeme("chat", alias="cha"), lang="fr")
    marked = MarkedText("chat chat chat", voicings=(Voicing(5, 9, voice="ff_siwis"), Voicing(10, 14, voice="zz")))

    def voice_language(name: str) -> Language:
        if name == "zz":
            raise ValueError(name)
        return for_voice(name)

    said = Lexicons((english, french)).apply(marked, spoken_in(find("en-us"), voice_language))
    assert said.say_as == (SayAs(0, 4, "alias", "chatter"), SayAs(5, 9, "alias", "cha"))
    # Without a way to know a voice's language, its words get no lexicon (the reader refuses them anyway).
    assert Lexicons((english, french)).apply(marked, said_in("en-us")).say_as == (SayAs(0, 4, "alias", "chatter"),)


def test_a_later_lexicon_takes_precedence_for_the_same_grapheme() -> None:
    server = lexicon(lexeme("Nginx", alias="engine x"), lexeme("SQL", alias="sequel"))
    request = lexicon(lexeme("Nginx", alias="N G I N X"))
    said = Lexicons((server,)).then(request).apply(MarkedText("Nginx SQL"), said_in("en-us"))
    assert said.say_as == (SayAs(0, 5, "alias", "N G I N X"), SayAs(6, 9, "alias", "sequel"))


# Spans stay on their words.
def test_spans_after_a_rewritten_word_still_cover_their_words() -> None:
    text = "Nginx 2024 Nginx in French Nginx"
    marked = MarkedText(
        text,
        say_as=(SayAs(6, 10, "cardinal"),),
        voicings=(Voicing(0, 16, None, 1.5), Voicing(17, 32, "fr-fr")),
        rest_seconds=0.5,
    )
    said = Lexicons((lexicon(NGINX, lang=None),)).apply(marked, said_in("en-us"))
    inline = "[Nginx](/ˈɛnʤɪnˈɛks/)"
    assert said.text == f"{inline} 2024 {inline} in French {inline}"
    (cardinal,) = said.say_as
    assert said.text[cardinal.start : cardinal.end] == "2024"
    first, second = said.voicings
    assert said.text[first.start : first.end] == f"{inline} 2024 {inline}"
    assert said.text[second.start : second.end] == f"in French {inline}"
    assert (first.rate, second.language, said.rest_seconds) == (1.5, "fr-fr", 0.5)


def test_what_was_given_explicitly_is_never_touched() -> None:
    text = "[Nginx](/ɛnʤɪnɛks/) [pause:1s] [Nginx](/docs/) Nginx Nginx"
    spelled = text.index("Nginx Nginx")
    marked = MarkedText(text, say_as=(SayAs(spelled, spelled + 5, "characters"),))
    said = Lexicons((lexicon(NGINX, lexeme("pause", alias="stop"), lexeme("docs", alias="d")),)).apply(
        marked, said_in("en-us")
    )
    assert said.text == text[: spelled + 6] + "[Nginx](/ˈɛnʤɪnˈɛks/)"
    assert said.say_as == marked.say_as


def test_no_lexicons_leave_the_text_as_it_is() -> None:
    marked = MarkedText("Nginx", say_as=(SayAs(0, 5, "characters"),))
    assert Lexicons().apply(marked, said_in("en-us")) is marked
    assert not Lexicons() and Lexicons((lexicon(NGINX),))


# Fingerprints.
def test_the_fingerprint_follows_what_the_lexicons_say() -> None:
    one = lexicon(lexeme("Nginx", alias="engine x"))
    assert (
        Lexicons((one,)).fingerprint()
        == Lexicons((lexicon(lexeme("Nginx", alias="engine x"), source="a"),)).fingerprint()
    )
    changed = lexicon(lexeme("Nginx", alias="engine ex"))
    other_language = lexicon(lexeme("Nginx", alias="engine x"), lang="en-GB")
    two = lexicon(lexeme("SQL", alias="sequel"))
    prints = {
        Lexicons((one,)).fingerprint(),
        Lexicons((changed,)).fingerprint(),
        Lexicons((other_language,)).fingerprint(),
        Lexicons((one, two)).fingerprint(),
        Lexicons((two, one)).fingerprint(),
    }
    assert len(prints) == 5
    assert Lexicons().fingerprint() == ""


# Size and properties.
def test_ten_thousand_lexemes_against_a_long_input() -> None:
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = sorted({"".join(rng.choices(letters, k=rng.randint(3, 9))) for _ in range(10_500)})[:10_000]
    big = lexicon(*(lexeme(word, alias=word.upper()) for word in words))
    assert len(big.entries) == 10_000
    chosen = rng.choices(words, k=600)
    text = " ".join(chosen)[:4096].rsplit(" ", 1)[0]
    said = Lexicons((big,)).apply(MarkedText(text), said_in("en-us"))
    assert said.text == text
    assert [said.text[s.start : s.end] for s in said.say_as] == text.split()
    assert all(s.detail == said.text[s.start : s.end].upper() for s in said.say_as)


WORDS = st.sampled_from(["Nginx", "nginx", "New", "York", "cat", "catalog", "東京", "都", "[pause:1s]", "2024", "🙂"])
SEPARATORS = st.sampled_from([" ", "  ", "\n", ", ", "", "-"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(WORDS, SEPARATORS), max_size=20))
def test_the_text_outside_matches_is_unchanged(pieces: list[tuple[str, str]]) -> None:
    text = "".join(word + separator for word, separator in pieces)
    lexicons = Lexicons(
        (
            lexicon(
                NGINX,
                lexeme("New York", kokoro="nuː jɔːk"),
                lexeme("cat", alias="kitty"),
                lexeme("東京", alias="Tokyo"),
            ),
        )
    )
    said = lexicons.apply(MarkedText(text), said_in("en-us"))
    assert INLINE_PRONUNCIATION.sub(r"\1", said.text) == text
    for span in said.say_as:
        assert (said.text[span.start : span.end], span.detail) in {("cat", "kitty"), ("東京", "Tokyo")}
    assert [m.group(1) for m in pronunciations(said.text)] == [
        m.group(1) for m in INLINE_PRONUNCIATION.finditer(said.text)
    ]
