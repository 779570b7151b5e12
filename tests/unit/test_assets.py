"""Finding and fetching model files (file-system logic; downloads use a local stand-in)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from kokoro_speech.config import ModelConfig
from kokoro_speech.engine.assets import VOICES, Asset, AssetsMissingError, fetch, resolve


def make_files(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "kokoro-v1.0.int8.onnx").write_bytes(b"model")
    (directory / "voices-v1.0.bin").write_bytes(b"voices")


def test_home_is_searched_before_the_cache(tmp_path: Path) -> None:
    make_files(tmp_path / "home")
    make_files(tmp_path / "cache")
    files = resolve(ModelConfig(home=tmp_path / "home", cache_dir=tmp_path / "cache"), download=False)
    assert files.model == tmp_path / "home" / "kokoro-v1.0.int8.onnx"
    assert files.voices == tmp_path / "home" / "voices-v1.0.bin"


def test_the_cache_is_used_when_home_lacks_a_file(tmp_path: Path) -> None:
    (tmp_path / "home").mkdir()
    make_files(tmp_path / "cache")
    files = resolve(ModelConfig(home=tmp_path / "home", cache_dir=tmp_path / "cache"), download=False)
    assert files.model.parent == tmp_path / "cache"


def test_explicit_paths_win(tmp_path: Path) -> None:
    make_files(tmp_path / "cache")
    model = tmp_path / "elsewhere.onnx"
    model.write_bytes(b"m")
    files = resolve(ModelConfig(model_path=model, cache_dir=tmp_path / "cache"), download=False)
    assert files.model == model


def test_missing_files_are_named_with_where_and_how(tmp_path: Path) -> None:
    config = ModelConfig(home=tmp_path / "home", cache_dir=tmp_path / "cache")
    with pytest.raises(AssetsMissingError) as error:
        resolve(config, download=False)
    message = str(error.value)
    for expected in (
        "kokoro-v1.0.int8.onnx",
        "voices-v1.0.bin",
        str(tmp_path / "home"),
        str(tmp_path / "cache"),
        "kokoro-speech download",
    ):
        assert expected in message


def opener_for(payload: bytes):  # type: ignore[no-untyped-def]
    def open_url(url: str) -> io.BytesIO:
        assert url.startswith("https://github.com/thewh1teagle/kokoro-onnx/releases/download/")
        return io.BytesIO(payload)

    return open_url


def test_fetch_checks_the_digest_and_renames_into_place(tmp_path: Path) -> None:
    payload = b"voices data"
    asset = Asset(VOICES.filename, hashlib.sha256(payload).hexdigest())
    progress = io.StringIO()
    path = fetch(asset, tmp_path, progress=progress, opener=opener_for(payload))
    assert path.read_bytes() == payload
    assert list(tmp_path.iterdir()) == [path]
    assert "voices-v1.0.bin" in progress.getvalue()


def test_fetch_with_a_wrong_digest_leaves_nothing_behind(tmp_path: Path) -> None:
    asset = Asset(VOICES.filename, "0" * 64)
    with pytest.raises(OSError, match="sha256"):
        fetch(asset, tmp_path, progress=io.StringIO(), opener=opener_for(b"tampered"))
    assert list(tmp_path.iterdir()) == []
