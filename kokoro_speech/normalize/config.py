"""What input the text pipeline accepts and how it reads it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kokoro_speech.infra.settings import check_above_zero, check_range, comma_list, setting
from kokoro_speech.normalize.options import NormalizationOptions


@dataclass(frozen=True)
class TextConfig:
    """What input is accepted and how it is read before phonemization."""

    max_input_chars: int = setting(4096, env="KOKORO_SPEECH_MAX_INPUT_CHARS")
    """Longest accepted input, in characters (OpenAI's limit by default)."""
    normalize: bool = setting(True, env="KOKORO_SPEECH_NORMALIZE")
    """Rewrite what the phonemizer would misread, before phonemization; off speaks the input as written."""
    normalization: NormalizationOptions = field(default_factory=NormalizationOptions)
    """Each class of rewrite on its own (English rules; markup and emoji for every language)."""
    ssml: bool = setting(True, env="KOKORO_SPEECH_SSML")
    """Read an input that starts with ``<speak>`` as SSML; off reads it as text (its tags stripped as markup)."""
    ssml_max_depth: int = setting(32, env="KOKORO_SPEECH_SSML_MAX_DEPTH")
    """Deepest nesting of SSML elements accepted; deeper documents are refused with a 400."""
    ssml_max_elements: int = setting(2048, env="KOKORO_SPEECH_SSML_MAX_ELEMENTS")
    """Most SSML elements in one input; more are refused with a 400."""
    max_pause_seconds: float = setting(10.0, env="KOKORO_SPEECH_MAX_PAUSE_SECONDS")
    """Longest pause one marker or ``<break>`` may ask for; a longer one is refused with a 400."""
    max_total_pause_seconds: float = setting(60.0, env="KOKORO_SPEECH_MAX_TOTAL_PAUSE_SECONDS")
    """Most silence the pauses of one input may ask for together; more is refused with a 400 (else a few
    thousand characters of ``a [pause:10s]`` would ask for an hour of audio)."""
    lexicons: str = setting("", env="KOKORO_SPEECH_LEXICONS")
    """Pronunciation lexicons (W3C PLS 1.0, UTF-8) applied to every request, as file paths, comma-separated; a
    later file's words take precedence over an earlier one's, and a request's own lexicons over them all."""

    def __post_init__(self) -> None:
        check_range(self, positive=("max_input_chars", "ssml_max_depth", "ssml_max_elements"))
        check_above_zero(self, "max_pause_seconds", "max_total_pause_seconds")

    def lexicon_paths(self) -> list[Path]:
        return [Path(path).expanduser() for path in comma_list(self.lexicons)]

    def normalization_for(self, normalize: bool | None = None, **switches: object) -> NormalizationOptions:
        """The server's normalization with a request's switches (None: keep the server's setting).

        ``normalize=False`` turns every rule off, but for the switches named with it.
        """
        return self.normalization.overridden(self.normalize if normalize is None else normalize, **switches)
