"""Settings of what a response carries besides its audio: its captions."""

from __future__ import annotations

from dataclasses import dataclass

from kokoro_speech.infra.settings import check_above_zero, check_range, setting


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
