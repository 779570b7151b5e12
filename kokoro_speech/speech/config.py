"""Settings of the speech layer: what a response carries besides its audio (its captions), and when text that
is still being written is spoken."""

from __future__ import annotations

from dataclasses import dataclass

from kokoro_speech.infra.settings import check_above_zero, check_range, setting
from kokoro_speech.speech.text_buffer import CutLengths


@dataclass(frozen=True)
class CaptionConfig:
    """Captions made from the word timings (``captions: "vtt"`` or ``"srt"``): cues of at most two lines."""

    line_chars: int = setting(42, env="KOKORO_SPEECH_CAPTION_LINE_CHARS")
    """Longest line of a cue, in characters (a single longer word stands alone); 42 is the broadcasters' usual."""
    max_cue_seconds: float = setting(7.0, env="KOKORO_SPEECH_CAPTION_MAX_CUE_SECONDS")
    """Longest a cue stays on screen; a slower passage is cut into more cues."""

    def __post_init__(self) -> None:
        check_range(self, positive=("line_chars",))
        check_above_zero(self, "max_cue_seconds")


@dataclass(frozen=True)
class LiveConfig:
    """Text that arrives while it is being written (the WebSocket's stream-input, Wyoming's streaming): when a
    piece is spoken (see :mod:`kokoro_speech.speech.text_buffer`)."""

    clause_chars: int = setting(100, env="KOKORO_SPEECH_LIVE_CLAUSE_CHARS")
    """An unfinished sentence this long is spoken up to its last clause mark (a comma, a semicolon, a colon, a
    dash); a client's ``chunk_length_schedule`` sets it per piece instead."""
    word_chars: int = setting(200, env="KOKORO_SPEECH_LIVE_WORD_CHARS")
    """One this long with no clause mark is spoken up to its last word."""
    max_pending_chars: int = setting(4096, env="KOKORO_SPEECH_LIVE_MAX_PENDING_CHARS")
    """Most text of one stream that may wait to be spoken: past it, the stream reads no more of its client's
    text until some is spoken (nothing is dropped; a writer faster than speech is slowed down)."""
    settle_seconds: float = setting(0.1, env="KOKORO_SPEECH_LIVE_SETTLE_SECONDS")
    """A full stop that ends the text so far is a sentence's end once nothing has followed it for this long (what
    follows decides sooner: ``example.`` then ``com`` is one word). A language model writes a token every few tens
    of milliseconds, so a longer silence is the end of a sentence, not of a token."""
    text_retry_seconds: float = setting(0.05, env="KOKORO_SPEECH_LIVE_TEXT_RETRY_SECONDS")
    """How long a stream's next sentence waits before it asks again for a text thread whose queue was full (a
    stream admitted already is never refused)."""

    def __post_init__(self) -> None:
        check_range(self, positive=("clause_chars", "word_chars", "max_pending_chars"))
        check_above_zero(self, "settle_seconds", "text_retry_seconds")

    def lengths(self) -> CutLengths:
        return CutLengths(clause_at=self.clause_chars, word_at=max(self.word_chars, self.clause_chars))
