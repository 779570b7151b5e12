"""Voice blends, languages and phoneme input against the real model."""

from __future__ import annotations

import numpy as np
import pytest
from litestar.testing import TestClient

from tests.support.audio import decode, level_dbfs
from tests.support.errors import assert_openai_error

AUDIBLE_DBFS = -35.0


def post(client: TestClient, **fields: object) -> tuple[int, dict[str, object] | bytes]:
    body = {"model": "tts-1", "voice": "af_heart", "response_format": "wav", **fields}
    response = client.post("/v1/audio/speech", json=body)
    if response.status_code == 200:
        return 200, response.content
    return response.status_code, response.json()


def pcm(client: TestClient, **fields: object) -> np.ndarray:
    status, content = post(client, **fields)
    assert status == 200, content
    assert isinstance(content, bytes)
    samples, _ = decode(content, "wav")
    assert level_dbfs(samples) > AUDIBLE_DBFS
    return samples


SENTENCE = "A blend of two voices speaks this sentence."


def test_a_blend_sounds_between_its_voices_and_equals_its_normalized_forms(client: TestClient) -> None:
    bella = pcm(client, input=SENTENCE, voice="af_bella")
    sky = pcm(client, input=SENTENCE, voice="af_sky")
    blend = pcm(client, input=SENTENCE, voice="af_bella(2)+af_sky(1)")
    same = pcm(client, input=SENTENCE, voice="af_bella(4) + af_sky(2)")
    assert np.array_equal(blend, same)
    assert not np.array_equal(blend, bella) and not np.array_equal(blend, sky)
    equal = pcm(client, input=SENTENCE, voice="af_bella+af_sky")
    assert np.array_equal(equal, pcm(client, input=SENTENCE, voice="af_bella(1)+af_sky(1)"))
    assert not np.array_equal(equal, blend)
    # OpenAI names blend too: shimmer is af_bella.
    assert np.array_equal(pcm(client, input=SENTENCE, voice="shimmer(2)+af_sky(1)"), blend)


@pytest.mark.parametrize(
    ("voice", "fragment"),
    [
        ("af_bella(2)+af_nobody(1)", "af_nobody"),
        ("af_bella(0)+af_sky(0)", "above zero"),
        ("af_bella(1e308)+af_sky(1e308)", "above zero"),
        ("af_bella(-1)+af_sky(1)", "positive"),
        ("af_bella((2)+af_sky", "blend like"),
        ("af_bella++af_sky", "blend like"),
        ("af_bella(two)", "blend like"),
    ],
)
def test_bad_blends_are_a_400_on_voice(client: TestClient, voice: str, fragment: str) -> None:
    status, body = post(client, input=SENTENCE, voice=voice)
    assert status == 400
    assert isinstance(body, dict)
    error = body["error"]
    assert isinstance(error, dict)
    assert error["param"] == "voice" and error["type"] == "invalid_request_error"
    assert fragment in str(error["message"])


def test_voices_list_gives_language_gender_and_openai_names(client: TestClient) -> None:
    voices = {v["id"]: v for v in client.get("/v1/audio/voices").json()["voices"]}
    assert voices["af_bella"]["language"] == "en-us" and voices["af_bella"]["gender"] == "female"
    assert "shimmer" in voices["af_bella"]["openai_names"]
    assert voices["bm_lewis"]["language"] == "en-gb" and voices["bm_lewis"]["gender"] == "male"
    assert voices["jf_alpha"]["language"] == "ja" and voices["zf_xiaobei"]["language"] == "zh"
    assert voices["ff_siwis"]["language"] == "fr-fr" and voices["ff_siwis"]["language_name"] == "French"
    assert voices["shimmer"]["alias_of"] == "af_bella"


LANGUAGE_SAMPLES = [
    ("ef_dora", "es", "Buenos días, ¿cómo estás hoy?"),
    ("ff_siwis", "fr-fr", "Bonjour, comment allez-vous aujourd'hui ?"),
    ("hf_alpha", "hi", "नमस्ते, आप कैसे हैं?"),
    ("if_sara", "it", "Buongiorno, come stai oggi?"),
    ("pf_dora", "pt-br", "Bom dia, como você está hoje?"),
    ("jf_alpha", "ja", "今日はいい天気ですね。散歩に行きましょう。"),
    ("zf_xiaobei", "zh", "今天天气很好，我们去公园散步吧。"),
    ("bf_emma", "en-gb", "Good morning, shall we have some tea?"),
]


@pytest.mark.parametrize(("voice", "lang", "text"), LANGUAGE_SAMPLES)
def test_every_language_speaks_with_its_own_g2p(client: TestClient, voice: str, lang: str, text: str) -> None:
    samples = pcm(client, input=text, voice=voice)
    assert len(samples) / 24000 > 1.0
    phonemes = client.post("/v1/audio/phonemize", json={"input": text, "lang": lang}).json()
    assert phonemes["lang"] == lang
    # Dictionary G2P for Japanese and Chinese: real phonemes, not espeak-ng's letter names.
    assert phonemes["phonemes"] and phonemes["tokens"]


def test_japanese_and_chinese_phonemes_come_from_their_dictionaries(client: TestClient) -> None:
    ja = client.post("/v1/audio/phonemize", json={"input": "東京", "lang": "ja"}).json()["phonemes"]
    zh = client.post("/v1/audio/phonemize", json={"input": "北京", "lang": "zh"}).json()["phonemes"]
    assert ja.replace(" ", "") == "toːkʲoː"
    assert zh.replace(" ", "").startswith("pei")


def test_lang_overrides_the_voices_language(client: TestClient) -> None:
    american = pcm(client, input="Tomato and schedule.", voice="af_heart")
    british = pcm(client, input="Tomato and schedule.", voice="af_heart", lang="en-gb")
    assert not np.array_equal(american, british)
    status, body = post(client, input="Hello.", lang="klingon")
    assert status == 400 and isinstance(body, dict)
    error = body["error"]
    assert isinstance(error, dict) and error["param"] == "lang"
    assert "en-us" in str(error["message"]) and "ja" in str(error["message"])


def test_phonemize_round_trips_through_phoneme_input(client: TestClient) -> None:
    response = client.post("/v1/audio/phonemize", json={"input": "Hello there, Kokoro.", "voice": "af_heart"})
    assert response.status_code == 200
    body = response.json()
    assert body["lang"] == "en-us" and "həl" in body["phonemes"]
    assert all(isinstance(t, int) for t in body["tokens"]) and len(body["tokens"]) == len(body["phonemes"])
    from_text = pcm(client, input="Hello there, Kokoro.")
    from_phonemes = pcm(client, input=body["phonemes"], input_type="phonemes")
    assert np.array_equal(from_text, from_phonemes)


def test_inline_pronunciation_speaks_the_given_phonemes(client: TestClient) -> None:
    given = client.post("/v1/audio/phonemize", json={"input": "Say [Kokoro](/kˈOkəɹO/) now."}).json()["phonemes"]
    assert "kˈOkəɹO" in given
    plain = client.post("/v1/audio/phonemize", json={"input": "Say Kokoro now."}).json()["phonemes"]
    assert "kˈOkəɹO" not in plain
    samples = pcm(client, input="Say [Kokoro](/kˈOkəɹO/) now.")
    assert np.array_equal(samples, pcm(client, input=given, input_type="phonemes"))


def test_phonemize_errors_are_openai_shaped(client: TestClient) -> None:
    for body, param, code in (
        ({"input": "", "lang": "en-us"}, "input", "empty_input"),
        ({"input": "Hi", "lang": "xx"}, "lang", "unsupported_language"),
        ({"input": "Hi", "voice": "nobody"}, "voice", "invalid_value"),
        ({"input": "x" * 4097}, "input", "string_above_max_length"),
        ({"input": "Hi", "normalization": {"nope": True}}, "normalization", "invalid_value"),
    ):
        assert_openai_error(client.post("/v1/audio/phonemize", json=body), 400, param, code)
    error = assert_openai_error(client.post("/v1/audio/phonemize", json={"lang": "en-us"}), 400, "input")
    assert "input" in error["message"]


def test_normalization_can_be_turned_off_per_request(client: TestClient) -> None:
    def phonemes(**extra: object) -> str:
        body = {"input": "It costs $5.", "lang": "en-us", **extra}
        response = client.post("/v1/audio/phonemize", json=body)
        assert response.status_code == 200, response.text
        return str(response.json()["phonemes"])

    assert "dˈɑːlɚz" in phonemes()
    assert phonemes(normalization={"money": False}) != phonemes()
    assert phonemes(normalization={"normalize": False}) == phonemes(normalization={"money": False, "numbers": False})
    response = client.post("/v1/audio/phonemize", json={"input": "x", "normalization": {"nope": True}})
    assert response.status_code == 400


def test_chinese_numbers_with_group_separators_are_one_number(client: TestClient) -> None:
    def phonemes(text: str) -> str:
        return str(client.post("/v1/audio/phonemize", json={"input": text, "lang": "zh"}).json()["phonemes"])

    assert phonemes("价格是1,000,000元。") == phonemes("价格是1000000元。")
