"""A backend that lets its model go while idle and loads it again for the next run."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from numpy.typing import NDArray

from kokoro_speech.engine.backends.base import BackendInfo, InferenceAborted, ModelOutput, RunControl
from kokoro_speech.engine.backends.reloading import ReloadingBackend

INFO = BackendInfo("onnxruntime", "CPUExecutionProvider", "int8", "int8")


class Control:
    def stop(self) -> None:
        pass


class Runtime:
    """Stands in for a loaded graph: counts its runs, can hold one open, knows whether it was closed."""

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.info = INFO
        self.closed = False
        self.runs = 0
        self.gate = gate
        self.started = threading.Event()

    @property
    def has_durations(self) -> bool:
        return True

    def control(self) -> RunControl:
        return Control()

    def run(
        self, tokens: list[int], style: NDArray[np.float32], speed: float, control: RunControl | None = None
    ) -> ModelOutput:
        assert not self.closed, "a closed graph ran"
        self.started.set()
        if self.gate is not None:
            self.gate.wait(10)
        self.runs += 1
        return ModelOutput(np.zeros(len(tokens), dtype=np.float32), None)

    def close(self) -> None:
        self.closed = True


STYLE = np.zeros(256, dtype=np.float32)


def test_an_unloaded_model_is_loaded_again_by_the_next_run_and_counted() -> None:
    first = Runtime()
    made: list[Runtime] = []
    loads: list[float] = []
    unloads: list[bool] = []

    def reopen() -> Runtime:
        made.append(Runtime())
        return made[-1]

    backend = ReloadingBackend(first, reopen, on_load=loads.append, on_unload=lambda: unloads.append(True))
    backend.run([1, 2], STYLE, 1.0)
    assert backend.unload() and first.closed and not backend.loaded and unloads == [True]
    assert backend.unload() and unloads == [True]  # already gone: nothing more to do
    backend.run([1, 2, 3], STYLE, 1.0)
    assert backend.loaded and len(made) == 1 and made[0].runs == 1 and len(loads) == 1
    assert backend.info == INFO and backend.has_durations


def test_a_run_in_flight_keeps_the_model() -> None:
    gate = threading.Event()
    runtime = Runtime(gate)
    backend = ReloadingBackend(runtime, lambda: Runtime())
    worker = threading.Thread(target=backend.run, args=([1], STYLE, 1.0))
    worker.start()
    assert runtime.started.wait(10)
    assert not backend.unload() and not runtime.closed
    gate.set()
    worker.join(10)
    assert backend.unload() and runtime.closed


def test_a_runs_control_reaches_whichever_graph_runs_it_and_a_closed_backend_runs_nothing() -> None:
    stops: list[bool] = []

    class Stopping(Runtime):
        def control(self) -> RunControl:
            class Recorded:
                def stop(self) -> None:
                    stops.append(True)

            return Recorded()

    backend = ReloadingBackend(Runtime(), Stopping)
    control = backend.control()
    assert backend.unload()  # between the control and its run
    control.stop()
    backend.run([1], STYLE, 1.0, control)
    assert stops == [True]  # the stop asked for early reached the graph loaded for the run
    backend.close()
    with pytest.raises(InferenceAborted):
        backend.run([1], STYLE, 1.0)
