"""Finding, and if need be downloading, the model and voices files.

Resolution order for each file: an explicit path from the config, the ``home`` directory
(``KOKORO_SPEECH_HOME``, may be read-only), the user cache directory, and finally a download
from the official kokoro-onnx release into the user cache (progress bar, sha256 check,
atomic rename).
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from kokoro_speech.engine.config import ModelConfig, OfficialVariant

RELEASE_URL = "https://github.com/thewh1teagle/kokoro-onnx/releases/download/model-files-v1.0/"
DOWNLOAD_BLOCK_BYTES = 1 << 20
DOWNLOAD_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class Asset:
    """One official release file."""

    filename: str
    sha256: str | None
    """Known digest; None where no digest is published (the file is then not checked)."""

    @property
    def url(self) -> str:
        return RELEASE_URL + self.filename


MODELS: dict[OfficialVariant, Asset] = {
    "int8": Asset("kokoro-v1.0.int8.onnx", "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb"),
    # Published with the same release; the int8, fp32 and voices digests beside it in the same record
    # match the files these were checked against.
    "fp16": Asset("kokoro-v1.0.fp16.onnx", "c1610a859f3bdea01107e73e50100685af38fff88f5cd8e5c56df109ec880204"),
    "fp32": Asset("kokoro-v1.0.onnx", "7d5df8ecf7d4b1878015a32686053fd0eebe2bc377234608764cc0ef3636a6c5"),
}
VOICES = Asset("voices-v1.0.bin", "bca610b8308e8d99f32e6fe4197e7ec01679264efed0cac9140fe9c29f1fbf7d")


class AssetsMissingError(RuntimeError):
    """Model files could not be found nor fetched; the message says what and where."""


@dataclass(frozen=True)
class ModelFiles:
    model: Path
    voices: Path
    variant: OfficialVariant | None = None
    """Which official export ``model`` is (None for an explicit path of unknown origin)."""
    others: dict[OfficialVariant, Path] | None = None
    """Every official export present, ``model``'s included: what "auto" chooses among."""


# The file a made or chosen graph starts from, best first: fp32 is the float graph itself, int8 makes one.
SOURCE_ORDER: tuple[OfficialVariant, ...] = ("fp32", "int8", "fp16")


def present(config: ModelConfig) -> dict[OfficialVariant, Path]:
    """The official exports found in the model directories, without downloading."""
    found = {variant: _find(None, MODELS[variant], config) for variant in SOURCE_ORDER}
    return {variant: path for variant, path in found.items() if path is not None}


def wanted_variant(config: ModelConfig) -> OfficialVariant:
    """The official file a configuration needs: its own variant, or for "auto" and "float32" the best
    source present, else the one to download."""
    if config.variant in ("int8", "fp16", "fp32"):
        return config.variant
    found = present(config)
    return next((variant for variant in SOURCE_ORDER if variant in found), config.download_variant)


def _candidates(explicit: Path | None, asset: Asset, config: ModelConfig) -> list[Path]:
    if explicit is not None:
        return [explicit]
    dirs = [d for d in (config.home, config.cache_dir) if d is not None]
    return [d / asset.filename for d in dirs]


def _find(explicit: Path | None, asset: Asset, config: ModelConfig) -> Path | None:
    return next((p for p in _candidates(explicit, asset, config) if p.is_file()), None)


def resolve(config: ModelConfig, *, download: bool | None = None, progress: IO[str] | None = None) -> ModelFiles:
    """Locate both files, downloading what is missing when allowed.

    Raises :class:`AssetsMissingError` naming each missing file, where it was looked for
    and the command that fetches it.
    """
    download = config.allow_download if download is None else download
    variant = wanted_variant(config)
    wanted = [(config.model_path, MODELS[variant]), (config.voices_path, VOICES)]
    found: list[Path] = []
    problems: list[str] = []
    for explicit, asset in wanted:
        path = _find(explicit, asset, config)
        if path is None and download and explicit is None:
            try:
                path = fetch(asset, config.cache_dir, progress=progress)
            except OSError as error:
                problems.append(_missing_message(asset, explicit, config, f"download failed: {error}"))
                continue
        if path is None:
            problems.append(_missing_message(asset, explicit, config, None))
            continue
        found.append(path)
    if problems:
        raise AssetsMissingError("\n".join(problems))
    if config.model_path is not None:
        return ModelFiles(model=found[0], voices=found[1])
    return ModelFiles(model=found[0], voices=found[1], variant=variant, others=present(config) | {variant: found[0]})


def _missing_message(asset: Asset, explicit: Path | None, config: ModelConfig, reason: str | None) -> str:
    looked = ", ".join(str(p) for p in _candidates(explicit, asset, config))
    variant = next((v for v, a in MODELS.items() if a == asset), None)
    command = "kokoro-speech download" + (f" --variant {variant}" if variant else "")
    lines = [f"missing model file {asset.filename}: looked in {looked}"]
    if reason:
        lines.append(f"  {reason}")
    lines.append(f"  fetch it with `{command}` (or set KOKORO_SPEECH_HOME to a folder that has it)")
    return "\n".join(lines)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(DOWNLOAD_BLOCK_BYTES):
            digest.update(block)
    return digest.hexdigest()


def fetch(
    asset: Asset, directory: Path, *, progress: IO[str] | None = None, opener: Callable[[str], IO[bytes]] | None = None
) -> Path:
    """Download ``asset`` into ``directory``: temp file, sha256 check, atomic rename."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / asset.filename
    out = progress if progress is not None else sys.stderr
    open_url = opener or (lambda url: urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_SECONDS))
    fd, tmp_name = tempfile.mkstemp(prefix=f".{asset.filename}.", suffix=".part", dir=directory)
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as sink, open_url(asset.url) as response:
            total = int(getattr(response, "headers", {}).get("Content-Length") or 0)
            done = 0
            while block := response.read(DOWNLOAD_BLOCK_BYTES):
                sink.write(block)
                digest.update(block)
                done += len(block)
                _draw_progress(out, asset.filename, done, total)
            out.write("\n")
        actual = digest.hexdigest()
        if asset.sha256 is not None and actual != asset.sha256:
            raise OSError(f"sha256 of {asset.filename} is {actual}, expected {asset.sha256}")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _draw_progress(out: IO[str], name: str, done: int, total: int) -> None:
    mib = done / (1 << 20)
    if total:
        width = 30
        filled = int(width * done / total)
        out.write(f"\r{name} [{'#' * filled}{'.' * (width - filled)}] {mib:.1f}/{total / (1 << 20):.1f} MiB")
    else:
        out.write(f"\r{name} {mib:.1f} MiB")
    out.flush()
