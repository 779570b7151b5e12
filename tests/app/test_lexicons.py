"""Pronunciation lexicons against the real model: the server's, a request's and the SSML's, where each is read.

Phonemes answer most questions here, so only one test makes audio (for its word timings). A server's lexicon
files are read as the engine reads them at its start, then set on the running engine: no server is started
for them. The parser's own cases are in ``tests/unit/test_lexicon.py`` and ``tests/unit/test_ssml.py``.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from litestar.stores.memory import MemoryStore
from litestar.testing import TestClient

from kokoro_speech import SpeechConfig
from kokoro_speech.cache.budget import MemoryBudget
from kokoro_speech.cache.results import ResultCache
from kokoro_speech.engine.engine import SpeechEngine
from kokoro_speech.engine.job import InputType, SpeechJob
from kokoro_speech.engine.reading import LANGUAGE_NAMES
from kokoro_speech.normalize.lexicon import PLS_NAMESPACE, LexiconError, load_lexicons
from kokoro_speech.normalize.marked import MarkupError
from kokoro_speech.plugin.runtime import SpeechRuntime
from kokoro_speech.speech.background import BackgroundWork
from kokoro_speech.speech.service import SpeechService
from tests.support.errors import assert_openai_error
from tests.support.speech import VOICE, phonemes

NGINX_SAID = "ˈɛnʤɪnˈɛks"
NGINX = f"<lexeme><grapheme>Nginx</grapheme><phoneme>{NGINX_SAID}</phoneme></lexeme>"
MIB = 1024 * 1024


def pls(*lexemes: str) -> str:
    return f'<lexicon xmlns="{PLS_NAMESPACE}" alphabet="x-kokoro" xml:lang="en-US">\n{"".join(lexemes)}\n</lexicon>'


def alias(grapheme: str, said: str) -> str:
    return f"<lexeme><grapheme>{grapheme}</grapheme><alias>{said}</alias></lexeme>"


@pytest.fixture
def engine(client: TestClient, app_config: SpeechConfig) -> SpeechEngine:
    runtime: SpeechRuntime = client.app.state[app_config.state_key]
    assert runtime.service is not None
    return runtime.service.engine


def said(engine: SpeechEngine, text: str, input_type: InputType = "text", lexicon: str | None = None) -> str:
    """The phonemes the engine reads ``text`` as, asked as a job (as the API asks)."""
    job = SpeechJob(text, VOICE, input_type=input_type, lexicon=lexicon)
    return " ".join(engine.read(job, engine.speaker(job).language).phoneme_sentences())


def test_an_ssml_lexicon_through_the_phonemize_route_and_a_uri_it_will_not_fetch(client: TestClient) -> None:
    inline = phonemes(client, f'<speak><lexicon alphabet="x-kokoro" xml:lang="en-US">{NGINX}</lexicon>Nginx.</speak>')
    assert inline.startswith(NGINX_SAID)
    refused = client.post(
        "/v1/audio/phonemize", json={"input": '<speak>\n<lexicon uri="https://example.com/x.pls"/>Hi</speak>'}
    )
    error = assert_openai_error(refused, 400, param="input")
    assert "does not fetch lexicons" in error["message"] and "line 2" in error["message"]


def test_a_requests_lexicon_says_its_word_which_is_timed_as_written(engine: SpeechEngine) -> None:
    plan, audio = engine.speak(SpeechJob("Deploy Nginx now.", VOICE, lexicon=pls(NGINX)))
    assert NGINX_SAID in plan.chunks[0].phonemes
    assert [plan.words[word.owner] for chunk in audio for word in chunk.words] == ["Deploy", "Nginx", "now."]


def test_server_files_then_the_request_then_the_ssml_take_precedence(
    engine: SpeechEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = tmp_path / "server.pls"
    server.write_text(pls(alias("SQL", "sequel"), alias("Nginx", "engine x"), alias("GIF", "jif")), encoding="utf-8")
    paths = dataclasses.replace(engine.config.text, lexicons=str(server)).lexicon_paths()
    monkeypatch.setattr(engine, "lexicons", load_lexicons(paths, engine.phonemizer.vocabulary, LANGUAGE_NAMES))
    assert said(engine, "SQL, Nginx, GIF") == said(engine, "sequel, engine x, jif")
    request = pls(alias("Nginx", "N G I N X"), alias("GIF", "gif"))
    assert said(engine, "SQL, Nginx, GIF", lexicon=request) == said(engine, "sequel, N G I N X, gif")
    ssml = f'<speak><lexicon xml:lang="en">{alias("GIF", "graphics")}</lexicon>SQL, Nginx, GIF</speak>'
    assert said(engine, ssml, input_type="ssml", lexicon=request) == said(engine, "sequel, N G I N X, graphics")
    # Phoneme input is spoken as given.
    assert said(engine, "ɡˈɪf", input_type="phonemes", lexicon=pls(alias("ɡˈɪf", "jif"))) == "ɡˈɪf"


def test_a_bad_request_lexicon_is_refused_before_any_audio(engine: SpeechEngine) -> None:
    job = SpeechJob("Nginx", VOICE, lexicon=f'<lexicon xmlns="{PLS_NAMESPACE}">\n<lexeme><alias>x</alias></lexeme>')
    with pytest.raises(MarkupError, match=r'Lexicon "request": <lexeme> needs a <grapheme>.* at line 2, column 1'):
        engine.plan(job, engine.speaker(job))


def test_a_server_lexicon_that_cannot_be_read_fails_the_start_naming_its_file_and_line(
    engine: SpeechEngine, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.pls"
    broken.write_text(f'<lexicon xmlns="{PLS_NAMESPACE}">\n\n<lexeme><grapheme>a</grapheme>', encoding="utf-8")
    config = dataclasses.replace(engine.config, text=dataclasses.replace(engine.config.text, lexicons=str(broken)))
    with pytest.raises(LexiconError, match=rf'"{re.escape(str(broken))}" is not well-formed XML: .* at line 3'):
        SpeechEngine(config, engine.files)


def test_the_result_cache_key_names_lexicons_only_where_there_are_some(
    engine: SpeechEngine, app_config: SpeechConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = ResultCache(MemoryStore(), 3600, MIB, "model", MemoryBudget(MIB))
    service = SpeechService(engine, cache, BackgroundWork(), app_config.cache, app_config.audio)

    def key(lexicon: str | None = None) -> str:
        job = SpeechJob("Nginx", VOICE, lexicon=lexicon)
        return service._key(job, engine.speaker(job))

    plain = key()
    assert key(lexicon="") == plain
    assert len({plain, key(lexicon=pls(NGINX)), key(lexicon=pls(alias("Nginx", "engine x")))}) == 3
    first, again = tmp_path / "first.pls", tmp_path / "again.pls"
    first.write_text(pls(NGINX), encoding="utf-8")
    again.write_text(pls(NGINX).replace("\n", "\n  "), encoding="utf-8")  # written otherwise, saying the same
    vocabulary = engine.phonemizer.vocabulary
    monkeypatch.setattr(engine, "lexicons", load_lexicons([first], vocabulary, LANGUAGE_NAMES))
    served = key()
    monkeypatch.setattr(engine, "lexicons", load_lexicons([again], vocabulary, LANGUAGE_NAMES))
    assert served == key() != plain
