"""What makes audio: the model files, the runtimes behind one interface, how this machine runs them (tuning and
the schedule), voices, languages, G2P, the reading of a text, the chunk planner, lanes, word timings and the
engine that puts them together. It knows nothing of HTTP."""
