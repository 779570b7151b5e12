"""Home Assistant's Wyoming protocol: the server's voices as a Wyoming TTS program, on a TCP port of its own."""
