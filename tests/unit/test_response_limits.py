"""What one response may grow to: it stops at the longest audio a response may have, and so does its work."""

from __future__ import annotations

from collections.abc import AsyncIterator

from kokoro_speech.speech.response import AudioPiece, SpeechOutcome, SpeechResponse

PIECE_SAMPLES = 24_000


class EndlessResponse(SpeechResponse):
    """Pure logic: pieces of one second each, for as long as they are taken."""

    def __init__(self) -> None:
        super().__init__(SpeechOutcome("af_heart", "wav", 1), "audio/wav")
        self.made = 0
        self.closed = False

    async def pieces(self) -> AsyncIterator[AudioPiece]:
        while not self.closed:
            self.made += 1
            yield AudioPiece(b"\0" * 2 * PIECE_SAMPLES, [], PIECE_SAMPLES)

    def close(self) -> None:
        self.closed = True


async def test_a_response_ends_at_the_longest_audio_and_stops_its_work() -> None:
    response = EndlessResponse()
    response.max_samples = 10 * PIECE_SAMPLES
    sent = [piece async for piece in response.pieces_in_time()]
    assert len(sent) == 10
    assert response.closed, "the synthesis under it is stopped"
    assert response.outcome.cut_short
    assert response.outcome.log_fields()["cut_short"] is True


async def test_a_response_within_the_longest_audio_is_whole() -> None:
    response = EndlessResponse()
    response.max_samples = None
    pieces = aiter(response.pieces_in_time())
    for _ in range(50):
        await anext(pieces)
    assert not response.outcome.cut_short
    assert not response.closed
