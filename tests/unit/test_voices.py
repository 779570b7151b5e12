"""Voice specs and blends (pure logic on made-up styles)."""

from __future__ import annotations

import numpy as np
import pytest

from kokoro_speech.engine.voices import (
    MAX_BLEND_VOICES,
    MAX_VOICE_SPEC_CHARS,
    UnknownVoiceError,
    VoiceCatalog,
    blend_terms,
)


@pytest.fixture
def catalog() -> VoiceCatalog:
    styles = {name: np.full((510, 1, 256), value, dtype=np.float32) for name, value in (("af_a", 1.0), ("bm_b", 4.0))}
    return VoiceCatalog(styles)


def test_weights_are_normalized_and_the_first_voice_sets_the_language(catalog: VoiceCatalog) -> None:
    assert catalog.parse("af_a(2)+bm_b(1)") == {"af_a": 0.6667, "bm_b": 0.3333}
    assert catalog.parse("af_a+bm_b") == {"af_a": 0.5, "bm_b": 0.5}
    blend = catalog.resolve("bm_b(1) + af_a(3)")
    assert blend.spec == "bm_b(0.25)+af_a(0.75)" and blend.language.code == "en-gb"
    assert np.allclose(blend.style_for(10), 0.25 * 4.0 + 0.75 * 1.0)


def test_a_weight_too_small_to_matter_is_dropped_and_the_rest_renormalized(catalog: VoiceCatalog) -> None:
    assert catalog.parse("bm_b(0.00001)+af_a(1)") == {"af_a": 1.0}
    assert catalog.resolve("bm_b(0.00001)+af_a(1)").language.code == "en-us"


def test_the_same_voice_twice_adds_up(catalog: VoiceCatalog) -> None:
    assert catalog.parse("af_a(1)+bm_b(1)+af_a(2)") == {"af_a": 0.75, "bm_b": 0.25}


@pytest.mark.parametrize("spec", ["af_a(1e308)+bm_b(1e308)", "af_a(0)", "af_a(-1)+bm_b(2)", "af_a(nan)", "+", "af_a)("])
def test_bad_specs_are_refused(catalog: VoiceCatalog, spec: str) -> None:
    with pytest.raises(UnknownVoiceError):
        catalog.resolve(spec)


def test_blends_written_differently_resolve_to_one_spec(catalog: VoiceCatalog) -> None:
    assert catalog.resolve("af_a(1)+bm_b(1)").spec == catalog.resolve("af_a+bm_b").spec == "af_a(0.5)+bm_b(0.5)"
    assert catalog.resolve("af_a(2)+bm_b(1)").spec != catalog.resolve("af_a+bm_b").spec


@pytest.mark.parametrize(
    "spec",
    [
        # Once quadratic backtracking: 4.9 s at 16,000 digits, over a minute at the 60,000 a body can hold.
        "af_a(" + "1" * 60_000 + "x)",
        "af_a(" + "1" * (MAX_VOICE_SPEC_CHARS - len("af_a(x)")) + "x)",
        "+".join(["af_a"] * (MAX_BLEND_VOICES + 1)),
        "af_a(1)x",
        "af_a(1))",
        "af_a((1)",
        "af_a(1.)",
        "af_a b",
    ],
)
def test_overlong_and_malformed_blends_are_refused_with_the_reason(catalog: VoiceCatalog, spec: str) -> None:
    with pytest.raises(UnknownVoiceError, match=r"at most|not a voice name"):
        catalog.parse(spec)


def test_the_largest_blend_allowed_is_read(catalog: VoiceCatalog) -> None:
    spec = " + ".join([" af_a ( 1.5e0 ) ", "bm_b(.5)"] * (MAX_BLEND_VOICES // 2))
    assert catalog.parse(spec) == {"af_a": 0.75, "bm_b": 0.25}
    assert blend_terms("af_a+bm_b(2)") == [(1, "af_a", None), (1, "bm_b", "2")]
    assert blend_terms("af_a(1e-3)-bm_b(+2)") == [(1, "af_a", "1e-3"), (-1, "bm_b", "+2")]


def test_a_subtracted_voice_counts_toward_the_total_as_in_kokoro_fastapi(catalog: VoiceCatalog) -> None:
    assert catalog.parse("af_a(3)-bm_b(1)") == {"af_a": 0.75, "bm_b": -0.25}
    blend = catalog.resolve(" af_a(3) - bm_b(1) ")
    assert blend.spec == "af_a(0.75)-bm_b(0.25)" and catalog.resolve(blend.spec).weights == blend.weights
    assert np.allclose(blend.style_for(10), 0.75 * 1.0 - 0.25 * 4.0)
    for voice in ("-af_a", "af_a-af_a", "af_a--bm_b", "af_a+"):
        with pytest.raises(UnknownVoiceError):
            catalog.parse(voice)


def test_a_blend_is_mixed_one_row_at_a_time_not_when_it_is_resolved() -> None:
    # Resolving runs on the event loop: it shares the voices' packs, and each chunk mixes the one row it uses.
    first = np.arange(510 * 256, dtype=np.float32).reshape(510, 1, 256)
    catalog = VoiceCatalog({"af_a": first, "bm_b": np.ones((510, 1, 256), dtype=np.float32)})
    blend = catalog.resolve("af_a(3)+bm_b(1)")
    assert blend.packs[0] is first
    whole = first * np.float32(0.75) + np.float32(1.0) * np.float32(0.25)
    for tokens in (1, 77, 510, 600):
        assert np.array_equal(blend.style_for(tokens), whole[min(tokens, 510) - 1])
