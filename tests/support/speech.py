"""Asking the in-process application for speech, phonemes and word timings, as the tests of markup and timings
do."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from tests.support.audio import decode, level_dbfs

VOICE = "af_heart"


def speak(client: TestClient, text: str, **fields: object) -> tuple[Any, int]:
    """The samples and rate of ``text`` spoken as wav, checked to be heard (not silence)."""
    body = {"model": "tts-1", "voice": VOICE, "input": text, "response_format": "wav", **fields}
    response = client.post("/v1/audio/speech", json=body)
    assert response.status_code == 200, response.text
    samples, rate = decode(response.content, "wav")
    assert level_dbfs(samples) > -35
    return samples, rate


def phonemes(client: TestClient, text: str, **fields: object) -> str:
    response = client.post("/v1/audio/phonemize", json={"input": text, "voice": VOICE, **fields})
    assert response.status_code == 200, response.text
    return str(response.json()["phonemes"])


def timed(client: TestClient, text: str, **fields: object) -> Any:
    """The timestamps route's whole answer for ``text`` (wav)."""
    body = {"model": "tts-1", "voice": VOICE, "input": text, "response_format": "wav", **fields}
    response = client.post("/v1/audio/speech/timestamps", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def timed_words(client: TestClient, text: str) -> list[dict[str, Any]]:
    return list(timed(client, text)["words"])
