"""`kokoro-speech bench`: the server against raw kokoro-onnx, measured in the same run."""
