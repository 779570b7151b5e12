"""SSML documents read as marked text (pure logic: no model, no server)."""

from __future__ import annotations

import base64
import textwrap
import urllib.parse
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kokoro_onnx.config import DEFAULT_VOCAB

from kokoro_speech.engine.reading import LANGUAGE_NAMES
from kokoro_speech.normalize.lexicon import PLS_NAMESPACE, Lexicon, Pronunciation
from kokoro_speech.normalize.marked import MarkedText, MarkupError, SayAs, Voicing
from kokoro_speech.normalize.pronunciation import pronunciations
from kokoro_speech.normalize.ssml import SsmlError, SsmlLimits, is_ssml, parse_ssml

LIMITS = SsmlLimits(max_depth=32, max_elements=2048, max_pause_seconds=10.0)
VOCABULARY = frozenset(DEFAULT_VOCAB)
SSML_NAMESPACE = "http://www.w3.org/2001/10/synthesis"


def read(body: str, limits: SsmlLimits = LIMITS) -> MarkedText:
    return parse_ssml(f"<speak>{body}</speak>", limits, VOCABULARY, LANGUAGE_NAMES)


def text(body: str) -> str:
    return read(body).text


def refusal(document: str, limits: SsmlLimits = LIMITS) -> str:
    with pytest.raises(SsmlError) as error:
        parse_ssml(document, limits, VOCABULARY, LANGUAGE_NAMES)
    return str(error.value)


def collapsed(value: str) -> str:
    return " ".join(value.split())


# The vocabulary facts the IPA mapping relies on.
def test_vocabulary_has_the_symbols_the_mapping_assumes() -> None:
    assert {"ʧ", "ʤ", "ʦ", "ʣ", "ʨ", "ʥ", "ɡ", "r", "ɹ", "ː", "ˈ", "ˌ", "\u0303"} <= VOCABULARY
    assert not {"g", "ˑ", "\u0361", "'"} & VOCABULARY


# Text and whitespace.
def test_plain_words() -> None:
    assert read("Hello, world.") == MarkedText("Hello, world.")


def test_empty_document() -> None:
    assert parse_ssml("<speak/>", LIMITS, VOCABULARY, LANGUAGE_NAMES) == MarkedText("")
    assert read("  \n  ") == MarkedText("")


def test_whitespace_collapses_and_makes_no_sentence_end() -> None:
    document = "<speak>\n    Hello,\n\n    world.\t  How\r\n  are you?\n</speak>"
    assert parse_ssml(document, LIMITS, VOCABULARY, LANGUAGE_NAMES) == MarkedText("Hello, world. How are you?")


def test_words_across_tags_join_as_written() -> None:
    assert text("Hel<emphasis>lo</emphasis> <emphasis>world</emphasis>") == "Hello world"


def test_namespaced_root() -> None:
    document = f'<speak version="1.1" xmlns="{SSML_NAMESPACE}"><s>Hi <break time="1s"/> there</s></speak>'
    assert parse_ssml(document, LIMITS, VOCABULARY, LANGUAGE_NAMES) == MarkedText("Hi [pause:1000ms] there")


def test_prefixed_root() -> None:
    document = f'<ssml:speak xmlns:ssml="{SSML_NAMESPACE}"><ssml:s>Hi</ssml:s></ssml:speak>'
    assert parse_ssml(document, LIMITS, VOCABULARY, LANGUAGE_NAMES) == MarkedText("Hi")


def test_byte_order_mark_space_and_xml_declaration() -> None:
    document = '\ufeff \n <?xml version="1.0" encoding="UTF-8"?>\n<speak>Olé</speak>'
    assert parse_ssml(document, LIMITS, VOCABULARY, LANGUAGE_NAMES) == MarkedText("Olé")


def test_characters_decode_as_xml_does() -> None:
    assert text("a &lt; b &amp;&amp; c &gt; d &#233; &#x263A; &quot;q&quot; &apos;") == 'a < b && c > d é ☺ "q" \''


def test_cdata_is_text() -> None:
    assert text("x <![CDATA[<b>bold</b> & more]]> y") == "x <b>bold</b> & more y"


def test_comments_and_processing_instructions_are_ignored() -> None:
    assert text("one <!-- not this --> two<?app data?> three") == "one two three"


# Breaks.
@pytest.mark.parametrize(
    ("element", "marker"),
    [
        ('<break time="500ms"/>', "[pause:500ms]"),
        ('<break time="1.5s"/>', "[pause:1500ms]"),
        ('<break time="2s"/>', "[pause:2000ms]"),
        ('<break time=" 250 MS "/>', "[pause:250ms]"),
        ('<break time="10s"/>', "[pause:10000ms]"),
        ('<break strength="x-weak"/>', "[pause:250ms]"),
        ('<break strength="weak"/>', "[pause:500ms]"),
        ('<break strength="medium"/>', "[pause:750ms]"),
        ('<break strength="strong"/>', "[pause:1000ms]"),
        ('<break strength="x-strong"/>', "[pause:1250ms]"),
        ("<break/>", "[pause:750ms]"),
        ('<break strength="x-strong" time="100ms"/>', "[pause:100ms]"),
    ],
)
def test_break(element: str, marker: str) -> None:
    assert read(f"Wait{element}now") == MarkedText(f"Wait {marker} now")


@pytest.mark.parametrize("element", ['<break strength="none"/>', '<break time="0ms"/>', '<break time="0s"/>'])
def test_break_of_nothing_adds_nothing(element: str) -> None:
    assert read(f"Wait {element} now") == MarkedText("Wait now")


def test_breaks_at_the_edges() -> None:
    assert text('<break time="1s"/>Hi<break time="2s"/>') == "[pause:1000ms] Hi [pause:2000ms]"


def test_a_strength_longer_than_the_limit_is_shortened() -> None:
    limits = SsmlLimits(max_depth=32, max_elements=2048, max_pause_seconds=1.0)
    assert read('a <break strength="x-strong"/> b', limits) == MarkedText("a [pause:1000ms] b")


@pytest.mark.parametrize(
    ("element", "message"),
    [
        ('<break time="11s"/>', '<break> time "11s" is longer than the longest pause allowed, 10s'),
        ('<break time="10001ms"/>', '"10001ms" is longer'),
        ('<break time="-1s"/>', '<break> time "-1s" is negative'),
        ('<break time="soon"/>', '<break> time "soon" is not a length of time'),
        ('<break time="5"/>', '"5" is not a length of time'),
        ('<break time="1h"/>', '"1h" is not a length of time'),
        ('<break strength="huge"/>', '<break> strength "huge" is not one of none, x-weak, weak'),
    ],
)
def test_bad_break(element: str, message: str) -> None:
    assert message in refusal(f"<speak>a {element} b</speak>")


# Sentences and paragraphs.
def test_sentences_end_with_line_breaks() -> None:
    assert text("<s>One two</s><s>three.</s>") == "One two\nthree."


def test_paragraphs_end_sentences_and_rest() -> None:
    document = "<p>\n  <s>One.</s>\n  <s>Two.</s>\n</p>\n<p>Three.</p>\n<p>Four.</p>"
    assert text(document) == "One.\nTwo.\n[pause:500ms] Three.\n[pause:500ms] Four."


def test_structure_makes_no_empty_lines() -> None:
    assert text("<p><s>A</s> <s></s> </p><p></p><s>B </s>  <p> <s> C </s> </p>") == "A\n[pause:500ms] B\nC"


def test_a_sentence_starts_on_its_own_line() -> None:
    assert text("Before <s>inside</s> after") == "Before\ninside\nafter"


def test_a_break_between_sentences() -> None:
    assert text('<s>A</s><break time="1s"/><s>B</s>') == "A\n[pause:1000ms]\nB"
    assert text('<s>A</s><break time="1s"/>B') == "A\n[pause:1000ms] B"


# say-as and sub.
@pytest.mark.parametrize(
    ("interpret_as", "said_as"),
    [
        ("characters", "characters"),
        ("spell-out", "spell-out"),
        ("cardinal", "cardinal"),
        ("number", "cardinal"),
        ("ordinal", "ordinal"),
        ("digits", "digits"),
        ("date", "date"),
        ("time", "time"),
        ("telephone", "telephone"),
    ],
)
def test_say_as(interpret_as: str, said_as: str) -> None:
    marked = read(f'Say <say-as interpret-as="{interpret_as}">12 34</say-as> now')
    assert marked == MarkedText("Say 12 34 now", say_as=(SayAs(4, 9, said_as),))  # type: ignore[arg-type]


def test_say_as_format_is_its_detail() -> None:
    marked = read('On <say-as interpret-as="date" format="dmy">1/2/2024</say-as>.')
    assert marked == MarkedText("On 1/2/2024.", say_as=(SayAs(3, 11, "date", "dmy"),))


def test_say_as_of_an_unknown_class_is_read_normally() -> None:
    assert read('Say <say-as interpret-as="bogus">ABC</say-as>') == MarkedText("Say ABC")
    assert read("Say <say-as>ABC</say-as>") == MarkedText("Say ABC")


def test_say_as_offsets_count_markers() -> None:
    marked = read('<break time="1s"/> <say-as interpret-as="characters">abc</say-as>')
    assert marked == MarkedText("[pause:1000ms] abc", say_as=(SayAs(15, 18, "characters"),))
    assert marked.text[15:18] == "abc"


def test_sub() -> None:
    marked = read('The <sub alias="World Wide Web">WWW</sub> is big')
    assert marked == MarkedText("The WWW is big", say_as=(SayAs(4, 7, "alias", "World Wide Web"),))


def test_sub_alias_whitespace_collapses() -> None:
    marked = read('<sub alias="  World\n  Wide Web ">WWW</sub>')
    assert marked.say_as == (SayAs(0, 3, "alias", "World Wide Web"),)


@pytest.mark.parametrize(
    ("element", "message"),
    [
        ('<sub alias="">WWW</sub>', "<sub> needs an alias"),
        ('<sub alias="   ">WWW</sub>', "<sub> needs an alias"),
        ("<sub>WWW</sub>", "<sub> needs an alias"),
        ('<sub alias="World Wide Web"> </sub>', "<sub> needs the text its alias stands for"),
    ],
)
def test_bad_sub(element: str, message: str) -> None:
    assert message in refusal(f"<speak>{element}</speak>")


def test_nested_spans_are_ordered_outer_first() -> None:
    marked = read('<say-as interpret-as="characters">a <sub alias="bee">b</sub></say-as>')
    assert marked.say_as == (SayAs(0, 3, "characters"), SayAs(2, 3, "alias", "bee"))


# Phonemes.
def test_phoneme_becomes_an_inline_pronunciation() -> None:
    marked = read('I say <phoneme alphabet="ipa" ph="təˈmɑːtoʊ">tomato</phoneme>.')
    assert marked == MarkedText("I say [tomato](/təˈmɑːtoʊ/).")
    (match,) = pronunciations(marked.text)
    assert match.groups() == ("tomato", "təˈmɑːtoʊ")


@pytest.mark.parametrize(
    ("ph", "phonemes"),
    [
        ("t͡ʃɪp", "ʧɪp"),
        ("d͡ʒʌmp", "ʤʌmp"),
        ("t͜ʃɪp", "ʧɪp"),
        ("t͡sa", "ʦa"),
        ("k͡pa", "kpa"),
        ("'hɛloʊ", "ˈhɛloʊ"),
        (",ʌndɚ'stænd", "ˌʌndɚˈstænd"),
        ("ɡoʊ", "ɡoʊ"),
        ("goʊ", "ɡoʊ"),
        ("pero", "pero"),
        ("biː", "biː"),
        ("biˑ", "bi"),
        ("bi:", "biː"),
        ("to.ma.to", "tomato"),
        ("ˈaɪs  kɹiːm", "ˈaɪs kɹiːm"),
        ("bɝd", "bɜɹd"),
        ("fiːɫ", "fiːl"),
        ("bɒ̃", "bɒ̃"),
        ("sã", "sa\u0303"),
        ("bʌʔn̩", "bʌʔn"),
    ],
)
def test_ipa_in_the_model_symbols(ph: str, phonemes: str) -> None:
    (match,) = pronunciations(text(f'<phoneme ph="{ph}">word</phoneme>'))
    assert match.group(2).strip() == phonemes


def test_ascii_phonemes_are_still_a_pronunciation() -> None:
    # "bed" between slashes alone would look like a link's path.
    (match,) = pronunciations(text('<phoneme ph="bed">bed</phoneme>'))
    assert match.group(1) == "bed"
    assert "".join(match.group(2).split()) == "bed"


def test_phoneme_word_keeps_the_spaces_around_it() -> None:
    assert text('a<phoneme ph="bˈi">\n  b\n</phoneme>c') == "a [b](/bˈi/) c"
    assert text('<phoneme ph="ˈaɪs kɹiːm"> ice \n cream </phoneme>!') == "[ice cream](/ˈaɪs kɹiːm/) !"


@pytest.mark.parametrize(
    ("element", "message"),
    [
        (
            '<phoneme ph="tə😀">a</phoneme>',
            '<phoneme> symbol "😀" (U+1F600 GRINNING FACE) in "tə😀" is not one the model can say',
        ),
        ('<phoneme ph="bʀ">a</phoneme>', '"ʀ" (U+0280 LATIN LETTER SMALL CAPITAL R)'),
        ('<phoneme ph="a/b">a</phoneme>', '"/" (U+002F SOLIDUS)'),
        (
            '<phoneme alphabet="x-sampa" ph="t@">a</phoneme>',
            '<phoneme> alphabet "x-sampa" is not accepted: use "ipa"',
        ),
        ('<phoneme alphabet="ups" ph="t">a</phoneme>', 'alphabet "ups" is not accepted'),
        ('<phoneme ph="">a</phoneme>', '<phoneme> needs phonemes in its "ph" attribute'),
        ("<phoneme>a</phoneme>", '<phoneme> needs phonemes in its "ph" attribute'),
        ('<phoneme ph=" . ">a</phoneme>', '<phoneme> needs phonemes in its "ph" attribute, not " . "'),
        ('<phoneme ph="bi"><emphasis>b</emphasis></phoneme>', "may hold only the word it pronounces, not a <emphasis>"),
        ('<phoneme ph="bi"> </phoneme>', "<phoneme> needs the word it pronounces"),
        ('<phoneme ph="bi">a[1]</phoneme>', '<phoneme> word "a[1]" may not hold "[" or "]"'),
    ],
)
def test_bad_phoneme(element: str, message: str) -> None:
    assert message in refusal(f"<speak>{element}</speak>")


def test_kokoro_phonemes_are_taken_as_they_are() -> None:
    # "O" is Kokoro's diphthong, which IPA would refuse; nothing is mapped.
    marked = read(
        '<phoneme alphabet="x-kokoro" ph="kˈOkəɹO">Kokoro</phoneme> <phoneme alphabet="X-Kokoro" ph="ɡ">g</phoneme>'
    )
    assert marked.text == "[Kokoro](/kˈOkəɹO/) [g](/ɡ/)"
    assert '"g" (U+0067 LATIN SMALL LETTER G)' in refusal(
        '<speak><phoneme alphabet="x-kokoro" ph="ga">a</phoneme></speak>'
    )


# Lexicons.
NGINX = Pronunciation("Nginx", "phonemes", "ˈɛnʤɪnˈɛks")
PLS_LEXEME = "<lexeme><grapheme>Nginx</grapheme><phoneme>ˈɛnʤɪnˈɛks</phoneme></lexeme>"
PLS_DOCUMENT = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<lexicon version="1.0" xmlns="{PLS_NAMESPACE}" alphabet="x-kokoro" '
    f'xml:lang="en-US">\n{PLS_LEXEME}\n</lexicon>\n'
)


def test_a_lexicon_written_inside_applies_to_the_document() -> None:
    marked = read(f'<lexicon xml:id="tech" alphabet="x-kokoro" xml:lang="en-US">{PLS_LEXEME}</lexicon>Nginx runs.')
    assert marked == MarkedText("Nginx runs.", lexicons=(Lexicon("tech", frozenset({"en-us"}), (NGINX,)),))


def test_a_pls_document_inside_and_the_documents_own_namespace_read_the_same() -> None:
    body = PLS_DOCUMENT.split("\n", 1)[1]  # without its XML declaration, which only opens a document
    own_root = parse_ssml(f"<speak><lexicon>{body}</lexicon>Hi</speak>", LIMITS, VOCABULARY, LANGUAGE_NAMES)
    namespaced = parse_ssml(
        f'<speak xmlns="{SSML_NAMESPACE}"><lexicon alphabet="x-kokoro" xml:lang="en">{PLS_LEXEME}</lexicon>Hi</speak>',
        LIMITS,
        VOCABULARY,
        LANGUAGE_NAMES,
    )
    assert own_root.lexicons == (Lexicon("SSML", frozenset({"en-us"}), (NGINX,)),)
    assert namespaced.lexicons == (Lexicon("SSML", frozenset({"en-us", "en-gb"}), (NGINX,)),)
    assert own_root.text == namespaced.text == "Hi"


@pytest.mark.parametrize(
    "uri",
    [
        "data:application/pls+xml;base64," + base64.b64encode(PLS_DOCUMENT.encode()).decode(),
        "data:application/pls+xml;charset=UTF-8;base64,\n  "
        + "\n  ".join(textwrap.wrap(base64.b64encode(PLS_DOCUMENT.encode()).decode(), 60)),
        "data:application/pls+xml," + urllib.parse.quote(PLS_DOCUMENT),
        "data:," + urllib.parse.quote(PLS_DOCUMENT),
    ],
    ids=["base64", "base64-wrapped", "urlencoded", "no-type"],
)
def test_a_lexicon_in_a_data_uri(uri: str) -> None:
    marked = read(f'<lexicon uri="{escape(uri)}" type="application/pls+xml"/>Nginx')
    assert marked.lexicons == (Lexicon("SSML", frozenset({"en-us"}), (NGINX,)),)


def test_lexicons_come_in_document_order() -> None:
    first = f'<lexicon xml:id="a" alphabet="x-kokoro">{PLS_LEXEME}</lexicon>'
    second = f'<lexicon uri="data:,{urllib.parse.quote(PLS_DOCUMENT)}" xml:id="b"/>'
    assert [lexicon.source for lexicon in read(f"{first}<p>{second}x</p>").lexicons] == ["a", "b"]


@pytest.mark.parametrize(
    "uri", ["https://example.com/tech.pls", "file:///etc/passwd", "tech.pls", "  HTTP://example.com/x.pls"]
)
def test_a_lexicon_uri_is_never_fetched(uri: str) -> None:
    message = refusal(f'<speak>\n  Hi\n  <lexicon uri="{uri}"/></speak>')
    assert "does not fetch lexicons" in message and "at line 3, column 3" in message
    assert "data:application/pls+xml;base64" in message and "KOKORO_SPEECH_LEXICONS" in message


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            "<speak>\n<lexicon>\n<lexeme>\n<phoneme>bi</phoneme></lexeme></lexicon></speak>",
            'Lexicon "SSML": <lexeme> needs a <grapheme>, the words it pronounces at line 3, column 1',
        ),
        (
            '<speak>\n<lexicon xml:lang="xx">\n  <lexeme/></lexicon></speak>',
            'xml:lang "xx" is not a language this server speaks',
        ),
        (
            '<speak>\n<lexicon alphabet="x-kokoro"><lexeme><grapheme>a</grapheme>\n<phoneme>ga</phoneme></lexeme>'
            "</lexicon></speak>",
            '"g" (U+0067 LATIN SMALL LETTER G) in "ga" is not one the model can say (alphabet "x-kokoro") at line 3',
        ),
        (
            '<speak>\n<lexicon uri="data:,%3Clexicon%3E%0A%3Clexeme%3E"/></speak>',
            'Lexicon "SSML" is not well-formed XML: no element found at line 2, column 9, in the data: URI of the '
            "<lexicon> at line 2, column 1",
        ),
        ('<speak>\n<lexicon uri="data:;base64,@@@"/></speak>', "does not hold base64 UTF-8 text at line 2"),
        ('<speak>\n<lexicon uri="data:,%FF"/></speak>', "does not hold percent-encoded UTF-8 text at line 2"),
        ('<speak><lexicon uri="data:text/plain,x"/></speak>', 'holds "text/plain", not a lexicon'),
        ('<speak><lexicon uri="data:;charset=latin1,x"/></speak>', 'charset "latin1"'),
        ('<speak><lexicon type="text/plain"><lexeme/></lexicon></speak>', 'type "text/plain" is not'),
        ('<speak>\n<lexicon uri="data:,%3Clexicon/%3E">\n<lexeme/></lexicon></speak>', "of its own as well at line 3"),
        ("<speak>\n<lexicon>  </lexicon></speak>", "<lexicon> needs a lexicon"),
        (
            "<speak><lexicon><lexicon/>\n<lexeme/></lexicon></speak>",
            "holds one PLS <lexicon>, and nothing after it at line 2, column 1",
        ),
        (
            "<speak><lexicon>\n<lexeme>\n</lexicon></speak>",
            "mismatched tag at line 3, column 3 (<lexeme> is still open)",
        ),
    ],
)
def test_a_bad_lexicon_is_refused_naming_its_line_in_the_document(document: str, message: str) -> None:
    assert message in refusal(document)


def test_a_lexicon_inside_metadata_is_not_read() -> None:
    assert read('<metadata><lexicon uri="https://example.com/x.pls"/></metadata>Hi') == MarkedText("Hi")


# Prosody and language.
@pytest.mark.parametrize(
    ("rate", "speed"),
    [
        ("x-slow", 0.5),
        ("slow", 0.75),
        ("fast", 1.25),
        ("x-fast", 1.5),
        ("150%", 1.5),
        ("50%", 0.5),
        ("+20%", 1.2),
        ("-10%", 0.9),
        ("1.2", 1.2),
        (" FAST ", 1.25),
    ],
)
def test_prosody_rate(rate: str, speed: float) -> None:
    marked = read(f'a <prosody rate="{rate}">b c</prosody> d')
    assert marked == MarkedText("a b c d", voicings=(Voicing(2, 5, rate=speed),))


@pytest.mark.parametrize("rate", ["medium", "100%", "+0%", "1", "default"])
def test_prosody_at_the_usual_rate_needs_no_voicing(rate: str) -> None:
    assert read(f'a <prosody rate="{rate}" pitch="+10%" volume="loud">b</prosody>') == MarkedText("a b")


def test_prosody_without_rate_is_ignored() -> None:
    assert read('<prosody pitch="high" contour="(0%,+20Hz)">b</prosody>') == MarkedText("b")


@pytest.mark.parametrize("rate", ["zippy", "0", "0%", "-100%", "-150%", "+x%", "1.2x", "", "1e3", "-1.5"])
def test_bad_prosody_rate(rate: str) -> None:
    message = refusal(f'<speak><prosody rate="{rate}">b</prosody></speak>')
    assert f'<prosody> rate "{rate}"' in message


def test_prosody_in_prosody_multiplies() -> None:
    marked = read('a <prosody rate="slow">b <prosody rate="+20%">c</prosody> d</prosody> e')
    assert marked == MarkedText(
        "a b c d e", voicings=(Voicing(2, 3, rate=0.75), Voicing(4, 5, rate=0.9), Voicing(6, 7, rate=0.75))
    )


def test_lang() -> None:
    marked = read('I said <lang xml:lang="es-ES">buenos días</lang> to her')
    assert marked == MarkedText("I said buenos días to her", voicings=(Voicing(7, 18, language="es-ES"),))


def test_lang_in_prosody() -> None:
    marked = read('a <prosody rate="fast">b <lang xml:lang="fr">c</lang> d</prosody>')
    assert marked == MarkedText(
        "a b c d",
        voicings=(Voicing(2, 3, rate=1.25), Voicing(4, 5, language="fr", rate=1.25), Voicing(6, 7, rate=1.25)),
    )


def test_inner_language_wins() -> None:
    document = '<speak xml:lang="en-US">a <voice xml:lang="de"><s xml:lang="it">b</s> c</voice></speak>'
    assert parse_ssml(document, LIMITS, VOCABULARY, LANGUAGE_NAMES) == MarkedText(
        "a\nb\nc", voicings=(Voicing(0, 1, language="en-US"), Voicing(2, 3, language="it"), Voicing(4, 5, "de"))
    )


def test_a_named_voice_speaks_in_its_own_language_unless_the_markup_names_one() -> None:
    document = (
        '<speak xml:lang="en-GB">a <voice name="am_michael">b <lang xml:lang="fr">c</lang></voice> '
        '<voice name="ef_dora" xml:lang="it">d</voice> <voice name=" ">e</voice></speak>'
    )
    assert parse_ssml(document, LIMITS, VOCABULARY, LANGUAGE_NAMES) == MarkedText(
        "a b c d e",
        voicings=(
            Voicing(0, 1, "en-GB"),
            Voicing(2, 3, voice="am_michael"),
            Voicing(4, 5, "fr", voice="am_michael"),
            Voicing(6, 7, "it", voice="ef_dora"),
            Voicing(8, 9, "en-GB"),
        ),
    )


def test_an_empty_language_is_the_requests() -> None:
    document = '<speak xml:lang="es">a <lang xml:lang="">b</lang></speak>'
    assert parse_ssml(document, LIMITS, VOCABULARY, LANGUAGE_NAMES) == MarkedText(
        "a b", voicings=(Voicing(0, 1, "es"),)
    )


def test_language_on_paragraphs_and_spans_cover_markers() -> None:
    document = '<p xml:lang="es">Uno <break time="1s"/> dos</p><p>three</p>'
    assert read(document) == MarkedText(
        "Uno [pause:1000ms] dos\n[pause:500ms] three", voicings=(Voicing(0, 22, language="es"),), rest_seconds=0.5
    )


def test_the_same_settings_apart_make_one_voicing() -> None:
    marked = read('<prosody rate="slow">a</prosody> <prosody rate="75%">b</prosody>')
    assert marked == MarkedText("a b", voicings=(Voicing(0, 3, rate=0.75),))


# Elements read for their text only.
def test_emphasis_voice_audio_mark_and_unknown_elements() -> None:
    body = (
        '<voice name="af_heart"><emphasis level="strong">Ring</emphasis> <mark name="here"/>the '
        '<audio src="bell.wav">bell<desc>a brass bell</desc></audio> <foo bar="baz">now</foo>'
        "<metadata>not said</metadata></voice>"
    )
    assert read(body) == MarkedText("Ring the bell now", voicings=(Voicing(0, 17, voice="af_heart"),))


def test_namespaced_extension_elements_are_read_for_their_text() -> None:
    document = (
        f'<speak xmlns="{SSML_NAMESPACE}" xmlns:mstts="http://www.w3.org/2001/mstts">'
        '<mstts:express-as style="cheerful">Good news</mstts:express-as></speak>'
    )
    assert parse_ssml(document, LIMITS, VOCABULARY, LANGUAGE_NAMES) == MarkedText("Good news")


# Documents that are refused.
@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("<speak>a</spek>", "not well-formed XML: mismatched tag at line 1, column 11 (<speak> is still open)"),
        ("<speak>\n  <s>a</speak>", "mismatched tag at line 2, column 9 (<s> is still open)"),
        ("<speak>a", "no element found at line 1, column 9 (<speak> is still open)"),
        ("<speak>a</speak> and more", "junk after document element at line 1, column 18"),
        ("<speak>a</speak><speak>b</speak>", "junk after document element"),
        ("<p>a</p>", "the root element of SSML must be <speak>, not <p> at line 1, column 1"),
        ("<speaker>a</speaker>", "must be <speak>, not <speaker>"),
        ("just words", "not well-formed XML: syntax error at line 1, column 1"),
        ("<speak>a & b</speak>", "not well-formed (invalid token) at line 1, column 11"),
        ("<speak>&nbsp;</speak>", "undefined entity"),
        ("<speak>a\x01</speak>", "not well-formed (invalid token)"),
        ("<speak a='1' a='2'/>", "duplicate attribute"),
        ("", "no element found"),
        ("  \n  <speak>\n<s>x</speak>", "mismatched tag at line 3, column 7"),
    ],
)
def test_malformed_xml(document: str, message: str) -> None:
    assert message in refusal(document)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE speak [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<speak>&lol3;</speak>"""
EXTERNAL_ENTITY = '<!DOCTYPE speak [<!ENTITY secret SYSTEM "file:///etc/passwd">]><speak>&secret;</speak>'
PUBLIC_DTD = (
    '<!DOCTYPE speak PUBLIC "-//W3C//DTD SYNTHESIS 1.0//EN" '
    '"http://www.w3.org/TR/speech-synthesis/synthesis.dtd"><speak>hi</speak>'
)


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY, PUBLIC_DTD])
def test_document_types_and_entities_are_refused(document: str) -> None:
    assert is_ssml(document)
    message = refusal(document)
    assert "SSML may not have a DOCTYPE" in message
    assert "root:" not in message and "lol" not in message


def test_depth_limit() -> None:
    limits = SsmlLimits(max_depth=3, max_elements=2048, max_pause_seconds=10.0)
    assert parse_ssml("<speak><p><s>ok</s></p></speak>", limits, VOCABULARY, LANGUAGE_NAMES) == MarkedText("ok")
    message = refusal("<speak><p><s><emphasis>deep</emphasis></s></p></speak>", limits)
    assert message == "SSML nests elements more than 3 deep at line 1, column 14"


def test_element_limit() -> None:
    limits = SsmlLimits(max_depth=32, max_elements=4, max_pause_seconds=10.0)
    assert (
        parse_ssml("<speak>a<break/>b<break/>c<break/></speak>", limits, VOCABULARY, LANGUAGE_NAMES).text.count("pause")
        == 3
    )
    message = refusal("<speak>a<break/>b<break/>c<break/>d<break/></speak>", limits)
    assert message == "SSML has more than 4 elements at line 1, column 36"


def test_very_deep_documents_are_refused_without_recursion() -> None:
    depth = 100_000
    message = refusal("<speak>" + "<s>" * depth + "x" + "</s>" * depth + "</speak>")
    assert "more than 32 deep" in message


def test_an_unpaired_surrogate_is_refused() -> None:
    assert "not text" in refusal("<speak>a\ud800</speak>")


# Which inputs are SSML.
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<speak>Hi</speak>", True),
        ("<speak/>", True),
        ('<speak version="1.1">Hi</speak>', True),
        ("<speak\n>Hi</speak>", True),
        ("   \n\t<speak>Hi</speak>", True),
        ("\ufeff<speak>Hi</speak>", True),
        ('<?xml version="1.0" encoding="UTF-8"?>\n<speak>Hi</speak>', True),
        ('\ufeff <?xml version="1.0"?><!-- a -- note --><speak>Hi</speak>', True),
        (f'<ssml:speak xmlns:ssml="{SSML_NAMESPACE}">Hi</ssml:speak>', True),
        ("<!DOCTYPE speak><speak>Hi</speak>", True),
        ("<speak>unclosed", True),
        ("<speaker>Hi</speaker>", False),
        ("<speaking>", False),
        ("<Speak>Hi</Speak>", False),
        ("< speak>Hi</speak>", False),
        ("<b>bold</b> <speak>", False),
        ("<3 you", False),
        ("Say <speak>Hi</speak>", False),
        ("speak", False),
        ("", False),
        ("<!-- unclosed <speak>", False),
        ('<?xml version="1.0"?><html/>', False),
    ],
)
def test_is_ssml(value: str, expected: bool) -> None:
    assert is_ssml(value) is expected


def test_is_ssml_is_linear_on_many_comments() -> None:
    assert not is_ssml("<!--a-->" * 20_000 + "<x>")


# Any text inside <speak> is read as its words, or refused as SSML: never anything else.
@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_escaped_text_reads_as_its_words(words: str) -> None:
    try:
        marked = parse_ssml(f"<speak>{escape(words)}</speak>", LIMITS, VOCABULARY, LANGUAGE_NAMES)
    except SsmlError:
        return
    assert collapsed(marked.text) == collapsed(words)
    assert marked.say_as == () and marked.voicings == ()


def test_ssml_errors_are_markup_errors() -> None:
    # The API answers every markup error with a 400 naming the input.
    assert issubclass(SsmlError, MarkupError) and issubclass(SsmlError, ValueError)
