"""What a long-form job reads: text, Markdown and EPUB as a book of chapters (pure logic)."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest
from ebooklib import epub  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

from kokoro_speech.jobs import sources
from kokoro_speech.jobs.sources import Book, Chapter, SourceError, read_text, read_upload


def titles(book: Book) -> list[str]:
    return [chapter.title for chapter in book.chapters]


# --- Plain text -----------------------------------------------------------------------------------------------


def test_text_is_one_chapter_with_the_default_title() -> None:
    book = read_text("  # Not a heading here.\r\n\r\nSecond paragraph.\n", "text", default_title="Story")
    assert book == Book(None, (Chapter("Story", "# Not a heading here.\n\nSecond paragraph."),))
    assert book.chars == len(book.chapters[0].text)


@pytest.mark.parametrize("text", ["", "   \n\t ", "***\n\n---"])
@pytest.mark.parametrize("input_format", ["text", "markdown"])
def test_input_with_nothing_to_read_is_refused(text: str, input_format: sources.InputFormat) -> None:
    with pytest.raises(SourceError) as raised:
        read_text(text, input_format)
    assert raised.value.param == "input"
    assert not raised.value.unsupported


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(SourceError) as raised:
        read_text("Hello.", "html")  # type: ignore[arg-type]
    assert raised.value.param == "input_format"


def test_text_over_the_limit_is_refused() -> None:
    assert read_text("x" * 100, "text", max_chars=100).chars == 100
    with pytest.raises(SourceError, match="101") as raised:
        read_text("x" * 101, "text", max_chars=100)
    assert raised.value.param == "input"


def test_a_book_has_chapters() -> None:
    with pytest.raises(ValueError):
        Book("Empty", ())


# --- Markdown -------------------------------------------------------------------------------------------------


def test_markdown_is_cut_at_its_top_headings_and_each_chapter_says_its_title() -> None:
    book = read_text("# One\n\nFirst text.\n\n## Inside\n\nMore.\n\n# Two\nSecond text.\n", "markdown")
    assert book.chapters == (
        Chapter("One", "One.\n\nFirst text.\n\n## Inside\n\nMore."),
        Chapter("Two", "Two.\n\nSecond text."),
    )
    assert book.title is None


def test_a_document_of_second_level_headings_is_cut_at_them() -> None:
    book = read_text("## Alpha\n\na text\n\n### Deeper\n\nd text\n\n## Beta\n\nb text", "markdown")
    assert titles(book) == ["Alpha", "Beta"]
    assert "### Deeper" in book.chapters[0].text


@pytest.mark.parametrize(
    "code",
    [
        "```\n# not a chapter\n```",
        "~~~python\n# not a chapter\n~~~",
        "````\n```\n# not a chapter\n```\n````",
        "   ```\n# not a chapter\n   ```",
    ],
)
def test_headings_in_fenced_code_do_not_cut(code: str) -> None:
    book = read_text(f"# Real\n\nText.\n\n{code}\n\n# Also real\n\nMore.", "markdown")
    assert titles(book) == ["Real", "Also real"]
    assert "# not a chapter" in book.chapters[0].text


def test_an_unclosed_fence_runs_to_the_end() -> None:
    book = read_text("# Real\n\nText.\n\n```\n# not a chapter\n\n# nor this", "markdown")
    assert titles(book) == ["Real"]


def test_setext_headings_count_as_first_and_second_level() -> None:
    text = "Part One\n========\n\nOne.\n\nA section\n---------\n\nTwo.\n\nPart Two\n===\n\nThree."
    book = read_text(text, "markdown")
    assert titles(book) == ["Part One", "Part Two"]
    assert "A section" in book.chapters[0].text
    second = read_text("First\n-----\n\nOne.\n\nSecond\n-----\n\nTwo.", "markdown")
    assert titles(second) == ["First", "Second"]


@pytest.mark.parametrize(
    "rule",
    ["Before.\n\n---\n\nAfter.", "- an item\n---\n\nAfter.", "> quoted\n---\n\nAfter.", "    code\n---\n\nAfter."],
)
def test_a_rule_is_not_a_setext_heading(rule: str) -> None:
    book = read_text(f"# Only\n\n{rule}", "markdown")
    assert titles(book) == ["Only"]


def test_text_before_the_first_heading_is_a_chapter_of_its_own() -> None:
    book = read_text("An opening line.\n\n# One\n\nText.", "markdown", default_title="Preface")
    assert book.chapters[0] == Chapter("Preface", "An opening line.")
    assert titles(book) == ["Preface", "One"]
    no_words = read_text("<!-- a comment -->\n\n![](cover.png)\n\n# One\n\nText.", "markdown")
    assert titles(no_words) == ["One"]


def test_markdown_without_headings_is_one_chapter() -> None:
    book = read_text("Just *some* words.\n\nAnd more.", "markdown", default_title="Notes")
    assert book.chapters == (Chapter("Notes", "Just *some* words.\n\nAnd more."),)


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("# The *Dark* Forest", "The Dark Forest"),
        ("# **Bold** and __strong__ and _soft_", "Bold and strong and soft"),
        ("# A [linked](https://example.com/a_b) title", "A linked title"),
        ("# A [reference][ref] title", "A reference title"),
        ("# Closed heading ##", "Closed heading"),
        ("# C# and F#", "C# and F#"),
        ("#   Spaced    out   ", "Spaced out"),
        ("# `code` and ~~struck~~", "code and struck"),
        ("# snake_case_name", "snake_case_name"),
        (r"# Not \*emphasis\*", "Not *emphasis*"),
        ("# Fish &amp; Chips <span>here</span>", "Fish & Chips here"),
        ("# ![logo](logo.png) Project", "logo Project"),
    ],
)
def test_titles_lose_their_markup(heading: str, title: str) -> None:
    book = read_text(f"{heading}\n\nBody text.", "markdown")
    assert titles(book) == [title]
    # Said as a sentence of its own: a pause after it, a caption of its own.
    assert book.chapters[0].text == f"{title}.\n\nBody text."


def test_sections_with_nothing_to_say_are_dropped() -> None:
    book = read_text("# Part One\n\n# Chapter 1\n\nText.\n\n# Empty\n\n---\n\n# Chapter 2\n\nMore.", "markdown")
    assert titles(book) == ["Chapter 1", "Chapter 2"]


def test_headings_alone_are_one_chapter_of_the_whole_text() -> None:
    book = read_text("# Title Only\n\n# Another\n", "markdown", default_title="Untitled")
    assert book.chapters == (Chapter("Title Only", "# Title Only\n\n# Another"),)


def test_an_empty_heading_gets_a_numbered_title() -> None:
    book = read_text("# One\n\nText.\n\n#\n\nMore.", "markdown")
    assert book.chapters[1] == Chapter("Chapter 2", "More.")


def test_front_matter_gives_the_book_its_title_and_is_not_read() -> None:
    book = read_text("---\ntitle: 'My Essay'\ndate: 2024-01-01\n---\n# One\n\nText.", "markdown")
    assert book.title == "My Essay"
    assert titles(book) == ["One"]
    assert "date" not in book.chapters[0].text
    with pytest.raises(SourceError):
        read_text("---\ntitle: Nothing\n---\n", "markdown")


def test_a_leading_rule_and_heading_are_not_front_matter() -> None:
    book = read_text("---\nA Heading\n---\n\nText.", "markdown")
    assert book.title is None
    assert titles(book) == ["A Heading"]


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
BLOCKS = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(["#", "##", "###", "=", "-"]), st.lists(WORDS, min_size=1, max_size=4)),
        st.tuples(st.just("paragraph"), st.lists(WORDS, min_size=0, max_size=12)),
        st.tuples(st.sampled_from(["```", "~~~"]), st.lists(WORDS, min_size=1, max_size=4)),
    ),
    min_size=1,
    max_size=16,
)


@settings(max_examples=150, deadline=None)
@given(BLOCKS)
def test_every_paragraph_is_in_exactly_one_chapter_in_order(blocks: list[tuple[str, list[str]]]) -> None:
    rendered: list[str] = []
    paragraphs: list[list[str]] = []
    headings = {"Start"}
    for kind, words in blocks:
        line = " ".join(words)
        if kind in ("=", "-"):
            rendered.append(f"{line}\n{kind * 3}")
            headings.add(line)
        elif kind.startswith("#"):
            rendered.append(f"{kind} {line}")
            headings.add(line)
        elif kind == "paragraph":
            # A token with a digit marks the paragraph: no heading or generated word can be it.
            paragraphs.append([f"p{len(paragraphs)}", *words])
            rendered.append(" ".join(paragraphs[-1]))
        else:
            rendered.append(f"{kind}\n# {line}\n{kind}")
    book = read_text("\n\n".join(rendered), "markdown", default_title="Start")

    assert all(chapter.title in headings for chapter in book.chapters)
    chapter_words = [chapter.text.split() for chapter in book.chapters]
    seen = [word for words in chapter_words for word in words if word.startswith("p") and word[1:].isdigit()]
    assert seen == [paragraph[0] for paragraph in paragraphs]
    for paragraph in paragraphs:
        (words,) = [words for words in chapter_words if paragraph[0] in words]
        start = words.index(paragraph[0])
        assert words[start : start + len(paragraph)] == paragraph


# --- Uploads --------------------------------------------------------------------------------------------------


def test_a_text_file_is_titled_by_its_name() -> None:
    book = read_upload("my_article.txt", b"First line.\n\n# Not split.\n")
    assert book.chapters == (Chapter("my_article", "First line.\n\n# Not split."),)


def test_a_markdown_file_is_cut_at_its_headings() -> None:
    book = read_upload("Book.MARKDOWN", b"# One\n\nText.\n\n# Two\n\nMore.")
    assert titles(book) == ["One", "Two"]
    assert titles(read_upload("notes.Md", b"Intro.\n\n# One\n\nText.")) == ["notes", "One"]


def test_the_format_given_overrides_the_extension() -> None:
    assert titles(read_upload("a.txt", b"# One\n\nText.\n\n# Two\n\nMore.", input_format="markdown")) == ["One", "Two"]
    assert titles(read_upload("a.md", b"# One\n\nText.\n\n# Two\n\nMore.", input_format="text")) == ["a"]


def test_a_path_in_the_name_and_a_bom_are_left_out() -> None:
    book = read_upload("C:\\Users\\me\\notes.txt", "\ufeffCafé au lait.".encode())
    assert book.chapters == (Chapter("notes", "Café au lait."),)
    assert titles(read_upload(".txt", b"Text.")) == ["Chapter 1"]


@pytest.mark.parametrize("name", ["setup.exe", "paper.pdf", "README", "archive.tar.gz", "book.epub.zip"])
def test_other_file_types_are_unsupported(name: str) -> None:
    with pytest.raises(SourceError) as raised:
        read_upload(name, b"Hello.")
    assert raised.value.unsupported
    assert raised.value.param == "file"
    assert all(accepted in raised.value.message for accepted in (".txt", ".md", ".markdown", ".epub"))


def test_a_file_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(SourceError, match="UTF-8") as raised:
        read_upload("latin.txt", "Crème brûlée.".encode("latin-1"))
    assert raised.value.param == "file"
    assert not raised.value.unsupported


@pytest.mark.parametrize("name", ["image.txt", "image.md"])
def test_a_binary_file_is_refused(name: str) -> None:
    with pytest.raises(SourceError, match="binary") as raised:
        read_upload(name, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert raised.value.param == "file"


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(SourceError) as raised:
        read_upload("empty.md", b"\n\n")
    assert raised.value.param == "file"


def test_a_file_over_the_limit_is_refused() -> None:
    with pytest.raises(SourceError, match="1,001") as raised:
        read_upload("long.txt", b"x" * 1001, max_chars=1000)
    assert raised.value.param == "file"
    assert "1,000" in raised.value.message


# --- EPUB -----------------------------------------------------------------------------------------------------


def write_epub(
    tmp_path: Path,
    documents: list[tuple[str, str]],
    toc: list[tuple[str, str]] | None = None,
    *,
    nav: bool = True,
    spine: list[str] | None = None,
) -> bytes:
    """An EPUB of (file name, XHTML body) documents; ``toc`` is (href, label) entries; ``spine`` orders files."""
    book = epub.EpubBook()
    book.set_identifier("test-book")
    book.set_title("The  Test\nBook")
    book.set_language("en")
    items = {}
    for name, body in documents:
        items[name] = book.add_item(epub.EpubHtml(title=name, file_name=name, lang="en", content=body))
    book.toc = [epub.Link(href, label, f"toc{n}") for n, (href, label) in enumerate(toc or [])]
    book.add_item(epub.EpubNcx())
    if nav:
        book.add_item(epub.EpubNav())
    book.spine = [items[name] for name in (spine or [name for name, _ in documents])]
    path = tmp_path / "book.epub"
    epub.write_epub(str(path), book)
    return path.read_bytes()


CHAPTERS = [
    ("text/one.xhtml", "<h1>The Beginning</h1><p>It was a dark night.</p><p>The wind   howled.</p>"),
    ("text/two.xhtml", "<h2>The <em>Middle</em></h2><p>Things happened.</p>"),
    ("text/three.xhtml", "<h1>The End</h1><p>All was well.</p>"),
]
TOC = [("text/one.xhtml", "One"), ("text/two.xhtml", "Two"), ("text/three.xhtml", "Three")]


@pytest.mark.parametrize("nav", [True, False], ids=["nav", "ncx"])
def test_an_epub_is_cut_by_its_table_of_contents(tmp_path: Path, nav: bool) -> None:
    book = read_upload("Book.EPUB", write_epub(tmp_path, CHAPTERS, TOC, nav=nav))
    assert book.title == "The Test Book"
    assert titles(book) == ["The Beginning", "The Middle", "The End"]
    assert book.chapters[0].text == "The Beginning\n\nIt was a dark night.\n\nThe wind howled."


def test_an_epub_is_read_in_spine_order(tmp_path: Path) -> None:
    spine = ["text/three.xhtml", "text/one.xhtml", "text/two.xhtml"]
    book = read_upload("b.epub", write_epub(tmp_path, CHAPTERS, TOC, spine=spine))
    assert titles(book) == ["The End", "The Beginning", "The Middle"]


def test_a_chapter_runs_to_the_next_entry_of_the_table_of_contents(tmp_path: Path) -> None:
    documents = [*CHAPTERS[:1], ("text/one-b.xhtml", "<p>Still the beginning.</p>"), *CHAPTERS[1:]]
    book = read_upload("b.epub", write_epub(tmp_path, documents, TOC))
    assert titles(book) == ["The Beginning", "The Middle", "The End"]
    assert book.chapters[0].text.endswith("The wind howled.\n\nStill the beginning.")


@pytest.mark.parametrize("nav", [True, False], ids=["nav", "ncx"])
def test_a_document_without_a_heading_is_titled_by_its_entry(tmp_path: Path, nav: bool) -> None:
    documents = [("a.xhtml", "<p>Untitled text.</p>"), ("b.xhtml", "<h3>Small heading</h3><p>More.</p>")]
    book = read_upload("b.epub", write_epub(tmp_path, documents, [("a.xhtml", "Prologue"), ("b.xhtml", "B")], nav=nav))
    assert titles(book) == ["Prologue", "Small heading"]


def test_anchors_cut_one_document_into_chapters(tmp_path: Path) -> None:
    body = (
        '<h1 id="c1">First</h1><p>One.</p>'
        '<h1><a id="c2"/>Second</h1><p>Two.</p>'
        '<div id="c3"><p>Three, without a heading.</p></div>'
    )
    toc = [("all.xhtml#c1", "1"), ("all.xhtml#c2", "2"), ("all.xhtml#c3", "Third"), ("all.xhtml#nowhere", "Lost")]
    book = read_upload("b.epub", write_epub(tmp_path, [("all.xhtml", body)], toc))
    assert book.chapters == (
        Chapter("First", "First\n\nOne."),
        Chapter("Second", "Second\n\nTwo."),
        Chapter("Third", "Three, without a heading."),
    )


def test_pages_without_text_are_skipped_and_pages_before_the_contents_kept(tmp_path: Path) -> None:
    documents = [
        ("cover.xhtml", '<div><img src="cover.jpg" alt=""/></div>'),
        ("title.xhtml", "<p>The Test Book</p><p>by Someone</p>"),
        ("blank.xhtml", "<p> </p>"),
        *CHAPTERS,
    ]
    book = read_upload("b.epub", write_epub(tmp_path, documents, TOC))
    assert titles(book) == ["Front matter", "The Beginning", "The Middle", "The End"]
    assert book.chapters[0].text == "The Test Book\n\nby Someone"


def test_the_cover_and_the_contents_page_are_not_read(tmp_path: Path) -> None:
    book = epub.EpubBook()
    book.set_title("Covered")
    book.set_cover("cover.jpg", b"\xff\xd8\xff not really a picture")
    chapter = book.add_item(epub.EpubHtml(file_name="c.xhtml", content="<p>Words here.</p>"))
    book.toc = [epub.Link("c.xhtml", "Only chapter", "c")]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["cover", "nav", chapter]
    epub.write_epub(str(tmp_path / "c.epub"), book)
    assert read_upload("c.epub", (tmp_path / "c.epub").read_bytes()) == Book(
        "Covered", (Chapter("Only chapter", "Words here."),)
    )


def test_without_a_table_of_contents_each_document_is_a_chapter(tmp_path: Path) -> None:
    documents = [("cover.xhtml", '<img src="c.jpg"/>'), ("a.xhtml", "<p>No heading.</p>"), *CHAPTERS[:1]]
    book = read_upload("b.epub", write_epub(tmp_path, documents, toc=None))
    assert titles(book) == ["Chapter 1", "The Beginning"]


def test_xhtml_becomes_paragraphs_of_plain_text(tmp_path: Path) -> None:
    body = (
        "<h1>Text</h1><style>p { color: red }</style><script>var x = 1;</script>"
        "<p>A   line<br/>broken, with an <em>inline</em> word.</p>"
        "<ul><li>first</li><li>second</li></ul><blockquote>Quoted.</blockquote>"
        "<table><tr><td>cell</td><td>next</td></tr><tr><td>row</td></tr></table>"
        "<p>hy\u00adphen&#160;space, <ruby>漢<rt>かん</rt></ruby>字</p><!-- hidden -->"
    )
    book = read_upload("b.epub", write_epub(tmp_path, [("a.xhtml", body)], [("a.xhtml", "A")]))
    assert book.chapters[0].text.split("\n\n") == [
        "Text",
        "A line",
        "broken, with an inline word.",
        "first",
        "second",
        "Quoted.",
        "cell next",
        "row",
        "hyphen space, 漢字",
    ]


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CONTAINER = b"""<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>"""


@pytest.mark.parametrize(
    "data",
    [
        random.Random(7).randbytes(2048),
        b"",
        zip_of({"mimetype": b"application/epub+zip"}),
        zip_of({"mimetype": b"application/epub+zip", "META-INF/container.xml": CONTAINER}),
        zip_of({"META-INF/container.xml": CONTAINER, "OEBPS/content.opf": b"\x00<not xml"}),
        zip_of({"META-INF/container.xml": b"<container", "OEBPS/content.opf": b""}),
    ],
    ids=["random", "empty", "no-container", "no-opf", "bad-opf", "bad-container"],
)
def test_a_broken_epub_is_refused(data: bytes) -> None:
    with pytest.raises(SourceError, match="EPUB could not be read") as raised:
        read_upload("broken.epub", data)
    assert raised.value.param == "file"
    assert not raised.value.unsupported


def test_a_cut_off_epub_is_refused(tmp_path: Path) -> None:
    data = write_epub(tmp_path, CHAPTERS, TOC)
    with pytest.raises(SourceError, match="EPUB could not be read"):
        read_upload("b.epub", data[: len(data) // 2])


def test_an_epub_that_unpacks_too_far_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = write_epub(tmp_path, CHAPTERS, TOC)
    monkeypatch.setattr(sources, "MAX_EPUB_UNPACKED", 1000)
    with pytest.raises(SourceError, match="unpacks to more than 1,000 bytes"):
        read_upload("b.epub", data)


def test_an_epub_without_text_is_refused(tmp_path: Path) -> None:
    data = write_epub(tmp_path, [("cover.xhtml", '<img src="c.jpg"/>')], [("cover.xhtml", "Cover")])
    with pytest.raises(SourceError, match="no text") as raised:
        read_upload("b.epub", data)
    assert raised.value.param == "file"


def test_an_epub_over_the_limit_is_refused(tmp_path: Path) -> None:
    data = write_epub(tmp_path, CHAPTERS, TOC)
    chars = read_upload("b.epub", data).chars
    assert read_upload("b.epub", data, max_chars=chars).chars == chars
    with pytest.raises(SourceError, match="characters") as raised:
        read_upload("b.epub", data, max_chars=chars - 1)
    assert raised.value.param == "file"
