"""The versions of what turns text into phonemes: a new release of any of them may read the same text
otherwise (another espeak-ng dictionary, a new misaki lexicon), so they belong in the result cache's key."""

from __future__ import annotations

from importlib import metadata

from phonemizer.backend.espeak.wrapper import EspeakWrapper

TEXT_LIBRARIES = (
    "kokoro-onnx",  # the tokenizer and the model's phoneme vocabulary
    "phonemizer",
    "espeakng-loader",  # the espeak-ng library and data it ships
    "num2words",
    "misaki",
    "pyopenjtalk-plus",
    "fugashi",
    "unidic-lite",
    "jaconv",
    "mojimoji",
    "jieba",
    "pypinyin",
    "cn2an",
)
"""The distributions of the text path, by their names on PyPI."""


def text_library_versions() -> dict[str, str | None]:
    """Each library's installed version (None where it is missing), and the version of the espeak-ng library
    that is loaded: kokoro-onnx falls back to the system's where the one it ships cannot be loaded."""
    versions: dict[str, str | None] = {name: _installed(name) for name in TEXT_LIBRARIES}
    versions["espeak-ng"] = _espeak_version()
    return versions


def _installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _espeak_version() -> str | None:
    # Only the cache key asks: a library that cannot be loaded here fails the engine's load with its reason.
    try:
        return ".".join(str(part) for part in EspeakWrapper().version)
    except (RuntimeError, OSError):
        return None
