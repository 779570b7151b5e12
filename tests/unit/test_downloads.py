"""The folder of saved responses behind Kokoro-FastAPI's download links: names, and what is pruned."""

from __future__ import annotations

import os
import time
from pathlib import Path

from kokoro_speech.api.downloads import Downloads
from kokoro_speech.audio.formats import EncoderSettings


def test_a_link_names_only_a_finished_file_of_the_folder(tmp_path: Path) -> None:
    downloads = Downloads(tmp_path, 60, 10, EncoderSettings())
    name = downloads.new_name("mp3")
    assert name.endswith(".mp3") and downloads.find(name) is None
    (tmp_path / name).write_bytes(b"x")
    (tmp_path / (name + ".part")).write_bytes(b"x")
    assert downloads.find(name) == tmp_path / name
    for other in (name + ".part", "../" + name, "speech_1234.mp3", "results.sqlite3"):
        assert downloads.find(other) is None


def test_past_its_time_or_the_count_a_file_goes_with_its_timing_and_a_file_being_written_stays(tmp_path: Path) -> None:
    downloads = Downloads(tmp_path, 60, 2, EncoderSettings())
    names = [downloads.new_name("wav") for _ in range(4)]
    for age, name in zip((0, 1, 2, 120), names, strict=True):
        for path in (tmp_path / name, tmp_path / (name + ".json")):
            path.write_bytes(b"x")
            os.utime(path, (time.time() - age, time.time() - age))
    writing, stale = tmp_path / (downloads.new_name("wav") + ".part"), tmp_path / (downloads.new_name("wav") + ".part")
    writing.write_bytes(b"x")
    stale.write_bytes(b"x")
    os.utime(stale, (time.time() - 120, time.time() - 120))
    downloads._prune()
    kept = sorted(path.name for path in tmp_path.iterdir())
    assert kept == sorted([names[0], names[0] + ".json", names[1], names[1] + ".json", writing.name])
