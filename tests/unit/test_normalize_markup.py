"""Markup and emoji stripping, for every language (pure logic: no model, no server)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kokoro_speech.normalize import NormalizationOptions, apply_replacements, markup_replacements, normalize_text

DEFAULTS = NormalizationOptions()
LANGUAGE = "ja"
"""For texts of words only, in which the language's own rules find nothing: what changes is the markup rules' work."""


def stripped(text: str, options: NormalizationOptions = DEFAULTS) -> str:
    """The markup rules alone (every language runs them before its own)."""
    return apply_replacements(text, markup_replacements(text, options)).text


MARKDOWN = [
    ("# Heading", "Heading"),
    ("## Closed heading ##", "Closed heading"),
    ("Some **bold** text", "Some bold text"),
    ("Some *italic* text", "Some italic text"),
    ("Some __strong__ and _em_ text", "Some strong and em text"),
    ("***both***", "both"),
    ("~~gone~~ text", "gone text"),
    ("Run `pip install` now", "Run pip install now"),
    ("``a `tick` inside``", "a `tick` inside"),
    ("> A quote", "A quote"),
    ("> > Nested", "Nested"),
    ("- item one\n* item two\n+ item three", "item one\nitem two\nitem three"),
    ("1. First\n2) Second", "First\nSecond"),
    ("- [ ] task\n- [x] done", "task\ndone"),
    ("> - quoted item", "quoted item"),
    ("See [the docs](https://example.com) now", "See the docs now"),
    ("An ![a cat](cat.png) picture", "An a cat picture"),
    ("[reference][1] link", "reference link"),
    ("[1]: https://example.com/ref", ""),
    ("above\n---\nbelow", "above\n\nbelow"),
    ("above\n* * *\nbelow", "above\n\nbelow"),
    ("Title\n=====", "Title\n"),
    ("<b>Bold</b> and <a href='x'>link</a>", "Bold and link"),
    ("one<br/>two", "one two"),
    ("Tom &amp; Jerry", "Tom & Jerry"),
    ("a <!-- note --> b", "a  b"),
    ("Mail <https://example.com> now", "Mail https://example.com now"),
    ("\\*not emphasis\\*", "*not emphasis*"),
    ("```python\n# a comment, kept\nx = 1\n```", "\n# a comment, kept\nx = 1\n"),
]
MARKDOWN_UNCHANGED = [
    "snake_case_name and file_name.txt",
    "2*3*4 and 5 * 3",
    "Plain text, nothing to strip.",
    "A - dash in a sentence",
    "#hashtag stays",
    "Price: 5 > 3",
    "Say [Kokoro](/kˈOkəɹO/) twice",
    "Use [brackets] and (parens)",
]
EMOJI = [
    ("Great job 👍", "Great job "),
    ("Thumbs 👍🏽 up", "Thumbs  up"),
    ("Family 👨‍👩‍👧 time", "Family  time"),
    ("Rainbow flag 🏳️‍🌈 here", "Rainbow flag  here"),
    ("Go 🇫🇷 France", "Go  France"),
    ("Love ❤️ it", "Love  it"),
    ("Press 1️⃣ now", "Press  now"),
    ("fire🔥fire", "fire fire"),
    ("Done ✅", "Done "),
    ("Scotland 🏴󠁧󠁢󠁳󠁣󠁴󠁿 wins", "Scotland  wins"),
    ("Copyright ©️ sign", "Copyright  sign"),
]
EMOJI_UNCHANGED = [
    "Copyright © 2027",
    "Arrows → and ←",
    "日本語のテキスト。",
    "हिन्दी पाठ",
    "Número 5 — café",
]


@pytest.mark.parametrize(("text", "expected"), MARKDOWN + EMOJI)
def test_markup_is_stripped(text: str, expected: str) -> None:
    assert stripped(text) == expected


@pytest.mark.parametrize("text", MARKDOWN_UNCHANGED + EMOJI_UNCHANGED)
def test_left_as_written(text: str) -> None:
    assert stripped(text) == text


def test_inline_pronunciation_is_kept_exactly() -> None:
    text = "[Kokoro](/kˈOkəɹO/)"
    for language in ("en-us", "ja"):
        result = normalize_text(text, DEFAULTS, language)
        assert result.text == text
        assert result.replaced == ()
    assert markup_replacements(text, DEFAULTS) == []


def test_inline_pronunciation_inside_emphasis() -> None:
    text = "Say **[Kokoro](/kˈOkəɹO/)** now"
    assert stripped(text) == "Say [Kokoro](/kˈOkəɹO/) now"


def test_markdown_switch_off_keeps_markup() -> None:
    text = "# Title\n**bold** and [a link](https://example.com)"
    assert stripped(text, replace(DEFAULTS, markdown=False)) == text


def test_emoji_switch_off_keeps_emoji() -> None:
    text = "Great 👍 job"
    assert stripped(text, replace(DEFAULTS, emoji=False)) == text
    assert stripped("**Great** 👍", replace(DEFAULTS, markdown=False)) == "**Great** "


def test_kept_text_maps_to_its_own_positions() -> None:
    text = "**bold** [link](https://x.io)"
    result = normalize_text(text, DEFAULTS, LANGUAGE)
    assert result.text == "bold link"
    assert [text[i] for i in result.origins] == list("bold link")


def test_english_rules_read_inside_markup() -> None:
    text = "## Only **$5** for [2 kg](https://shop.example.com)"
    assert normalize_text(text, DEFAULTS, "en-us").text == "Only five dollars for two kilograms"


def test_markup_wins_over_english_rules() -> None:
    # The heading marker is not "number"; the list number is not read.
    assert normalize_text("# 1 Title\n1. Buy milk", DEFAULTS, "en-us").text == "one Title\nBuy milk"


def test_protected_spans_are_left_alone() -> None:
    text = "**keep** and **strip**"
    result = normalize_text(text, DEFAULTS, LANGUAGE, [(0, 8)])
    assert result.text == "**keep** and strip"


def test_deeply_quoted_lines_do_not_make_the_bullet_rule_backtrack() -> None:
    import threading

    text = "> " * 200 + "x"
    done = threading.Event()

    def normalize() -> None:
        normalize_text(text, NormalizationOptions(), "en-us")
        done.set()

    worker = threading.Thread(target=normalize)
    worker.daemon = True
    worker.start()
    worker.join(timeout=10)
    assert done.is_set(), "the markup rules backtracked exponentially on nested quote markers"
