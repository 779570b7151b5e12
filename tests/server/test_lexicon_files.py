"""A team's pronunciation lexicon file, read by every worker of a real server, and a request's own on top."""

from __future__ import annotations

import httpx

from tests.support import Server

OWN = """<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="x-kokoro">
  <lexeme><grapheme>Nginx</grapheme><phoneme>ɛnʤˈɪnks</phoneme></lexeme>
</lexicon>"""


def phonemes(server: Server, text: str, **fields: object) -> str:
    answer = httpx.post(f"{server.url}/v1/audio/phonemize", json={"input": text, **fields}, timeout=60)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["phonemes"])


def test_the_servers_lexicon_says_its_words_and_a_requests_own_wins(two_workers: Server) -> None:
    plain = phonemes(two_workers, "Kubernetes runs Nginx.", lang="en-gb")  # outside the file's en-US
    said = phonemes(two_workers, "Kubernetes runs Nginx.")
    assert said != plain and said.split()[-1].startswith("ˈɛndʒɪnˈɛks")
    assert said.split()[:4] == phonemes(two_workers, "koo burr net ease").split()
    # Whole words only, as written: "nginx" and "Kubernetes's" are other words.
    assert phonemes(two_workers, "nginx") != said.split()[-1].rstrip(".")
    assert phonemes(two_workers, "Runs Nginx.", lexicon=OWN).split()[-1].startswith("ɛnʤˈɪnks")
    broken = httpx.post(f"{two_workers.url}/v1/audio/phonemize", json={"input": "Hi.", "lexicon": "<lexicon>"})
    assert broken.status_code == 400 and broken.json()["error"]["param"] == "lexicon"
