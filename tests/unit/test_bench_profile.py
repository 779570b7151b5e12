"""`bench --profile` adds up the runtimes' own profiles: per operator and run, the warm-up left out, the slowest
first and the rest in one row."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any, NamedTuple

import pytest

from kokoro_speech.bench.profile import (
    Key,
    OperatorTime,
    Profile,
    onnxruntime_times,
    openvino_times,
    operator_rows,
    table,
)


def _node(op: str, ts: int, dur: int, suffix: str = "_kernel_time") -> dict[str, Any]:
    return {"cat": "Node", "name": f"/decoder/{op}_{ts}{suffix}", "ts": ts, "dur": dur, "args": {"op_name": op}}


def _run(ts: int, dur: int) -> dict[str, Any]:
    return {"cat": "Session", "name": "model_run", "ts": ts, "dur": dur, "args": {}}


TRACE = [
    {"cat": "Session", "name": "session_initialization", "ts": 0, "dur": 900, "args": {}},
    # The warm-up: its nodes are left out.
    _run(1000, 5000),
    _node("ConvInteger", 1100, 4000),
    # Two profiled runs.
    _run(10_000, 3000),
    _node("ConvInteger", 10_100, 2000),
    _node("ConvInteger", 10_200, 500),
    _node("Sin", 10_300, 400),
    _node("Sin", 10_700, 7, suffix="_fence_before"),
    _run(20_000, 3000),
    _node("ConvInteger", 20_100, 2500),
    _node("Sin", 20_300, 600),
]


def test_onnxruntime_trace_sums_nodes_by_operator_after_the_warm_up() -> None:
    assert onnxruntime_times(TRACE, skip_runs=1) == {("ConvInteger", None): 5.0, ("Sin", None): 1.0}
    assert onnxruntime_times(TRACE, skip_runs=0)[("ConvInteger", None)] == 9.0


class Entry(NamedTuple):
    node_type: str
    exec_type: str
    real_time: timedelta


def test_openvino_entries_sum_by_operator_and_kernel() -> None:
    ms = timedelta(milliseconds=1)
    entries = [
        Entry("Convolution", "jit_avx512_bf16", 3 * ms),
        Entry("Convolution", "jit_avx512_bf16", 1 * ms),
        Entry("Sin", "ref_any_f32", 2 * ms),
        Entry("Convolution", "ref_any_f32", ms / 2),
        # Folded into another node or not run: listed with no time.
        Entry("Parameter", "unknown_f32", timedelta(0)),
    ]
    assert openvino_times(entries) == {
        ("Convolution", "jit_avx512_bf16"): 4.0,
        ("Sin", "ref_any_f32"): 2.0,
        ("Convolution", "ref_any_f32"): 0.5,
    }


def test_rows_are_per_run_slowest_first_with_the_rest_in_one_row() -> None:
    totals: dict[Key, float] = {("Add", None): 2.0, ("ConvInteger", None): 12.0, ("Mul", None): 4.0, ("Sin", None): 2.0}
    rows = operator_rows(totals, runs=2, top=2)
    assert [(r.operator, r.ms) for r in rows] == [("ConvInteger", 6.0), ("Mul", 2.0), ("other (2 more)", 2.0)]
    assert [r.share for r in rows] == pytest.approx([0.6, 0.2, 0.2])
    assert operator_rows({}, runs=2) == []


def test_table_names_the_runner_and_shows_kernels_only_where_known() -> None:
    profile = Profile("openvino openvino:CPU, float32 graph, bf16, 2 threads", 120, 8.2, 2, 0.5, [])
    with_kernels = [OperatorTime("Convolution", "jit_avx512_bf16", 300.0, 0.75), OperatorTime("Sin", None, 100, 0.25)]
    text = table(replace(profile, rows=with_kernels))
    assert text.splitlines()[0] == profile.runner
    assert text.splitlines()[1].startswith("120 tokens, 8.20 s of audio: 0.500 s wall per run (mean of 2")
    assert "jit_avx512_bf16" in text and "kernel" in text and "75.0%" in text
    plain = table(replace(profile, rows=[OperatorTime("Sin", None, 100.0, 1.0)]))
    assert "kernel" not in plain
