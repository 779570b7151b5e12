"""Audio out: float32 PCM chunks in, container bytes out (``encoders``), formats (``formats``), tempo."""
