"""The process: the `kokoro-speech` command, Granian and its workers, the application factory, logging."""
