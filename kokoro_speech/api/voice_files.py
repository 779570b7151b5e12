"""A voice pack as the PyTorch file Kokoro loads (``torch.load(path, weights_only=True)``), written without
PyTorch: Kokoro-FastAPI's ``/v1/audio/voices/combine`` answers with one, and its users keep them as voices.

The format is PyTorch's zip serialization: an uncompressed zip whose ``data.pkl`` is a pickle (protocol 2)
that rebuilds one float32 tensor from the storage ``data/0``, with ``version`` and ``byteorder`` beside it. The
pickle is assembled here opcode by opcode, since Python's pickler would import ``torch`` to name its functions.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile

import numpy as np
from numpy.typing import NDArray

from kokoro_speech.engine.config import MODEL_MAX_TOKENS
from kokoro_speech.engine.voices import VoiceCatalog

_ARCHIVE = "voice"
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.+-]+")
MAX_FILE_NAME_CHARS = 100
"""Longest name given to the file (a blend of sixteen voices would make a longer one)."""


def combined_voice(catalog: VoiceCatalog, spec: str) -> tuple[str, bytes]:
    """The mixed pack of a voice or blend spec (raising UnknownVoiceError), named for its file, as ``.pt`` bytes."""
    voice = catalog.resolve(spec)
    pack = np.stack([voice.style_for(tokens) for tokens in range(1, MODEL_MAX_TOKENS + 1)])
    name = _UNSAFE_NAME.sub("_", voice.spec)[:MAX_FILE_NAME_CHARS] or "voice"
    return name, torch_file(pack.astype("<f4"))


def torch_file(tensor: NDArray[np.float32]) -> bytes:
    """``tensor`` (float32, C order) as the bytes ``torch.save`` would write for it."""
    data = np.ascontiguousarray(tensor, dtype="<f4")
    strides = tuple(stride // data.itemsize for stride in data.strides)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(f"{_ARCHIVE}/data.pkl", _rebuild_pickle(data.shape, strides, data.size))
        archive.writestr(f"{_ARCHIVE}/byteorder", "little")
        archive.writestr(f"{_ARCHIVE}/data/0", data.tobytes())
        archive.writestr(f"{_ARCHIVE}/version", "3\n")
    return out.getvalue()


def _rebuild_pickle(shape: tuple[int, ...], strides: tuple[int, ...], numel: int) -> bytes:
    """``torch._utils._rebuild_tensor_v2(<storage 0>, 0, shape, strides, False, OrderedDict())``."""
    ops = bytearray(b"\x80\x02")  # PROTO 2
    ops += _global("torch._utils", "_rebuild_tensor_v2")
    ops += b"("  # MARK: the arguments
    ops += b"("  # MARK: the storage's persistent id
    ops += _text("storage") + _global("torch", "FloatStorage") + _text("0") + _text("cpu") + _int(numel)
    ops += b"tQ"  # TUPLE, BINPERSID
    ops += _int(0)
    ops += _tuple(shape) + _tuple(strides)
    ops += b"\x89"  # NEWFALSE: requires_grad
    ops += _global("collections", "OrderedDict") + b")R"  # EMPTY_TUPLE, REDUCE: no backward hooks
    ops += b"tR."  # TUPLE, REDUCE, STOP
    return bytes(ops)


def _global(module: str, name: str) -> bytes:
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def _text(value: str) -> bytes:
    encoded = value.encode()
    return b"X" + struct.pack("<I", len(encoded)) + encoded


def _int(value: int) -> bytes:
    return b"J" + struct.pack("<i", value)


def _tuple(values: tuple[int, ...]) -> bytes:
    return b"(" + b"".join(_int(v) for v in values) + b"t"
