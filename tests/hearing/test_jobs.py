"""A chapter of a long-form job is heard as written: the book's pieces are joined without a word lost at their
seams (the job's making is checked in ``tests/server/test_jobs.py``)."""

from __future__ import annotations

from kokoro_speech.bench.recognizer import Recognizer, word_errors
from kokoro_speech.testing import ServerProcess
from tests.support.audio import decode
from tests.support.jobs import status, submit, wait_until

CHAPTER = (
    "The lighthouse keeper climbed the stairs at dusk. He lit the lamp and watched the beam sweep the water. "
    "A small boat was rowing home against the tide."
)
MAX_ERRORS = 1
"""Words the recognizer may miss (Whisper base mishears a word of clear speech now and then)."""


def test_a_chapter_made_of_several_pieces_is_heard_as_written(
    two_workers: ServerProcess, recognizer: Recognizer
) -> None:
    book = f"# Dusk\n\n{CHAPTER}\n\n# Night\n\nThe sea was calm."
    job = submit(two_workers.url, input=book, input_format="markdown", response_format="wav")
    wait_until(two_workers.url, job["id"], lambda s: s["status"] == "completed", "the job completed")
    content = two_workers.get(f"/v1/audio/jobs/{job['id']}/content", params={"chapter": 0})
    assert content.status_code == 200
    samples, rate = decode(content.content, "wav")
    heard = recognizer.hear(samples, rate).text
    print(f"heard: {heard!r}")
    assert word_errors(f"Dusk. {CHAPTER}", heard).errors <= MAX_ERRORS, heard
    assert status(two_workers.url, job["id"])["chapters"][0]["title"] == "Dusk"
