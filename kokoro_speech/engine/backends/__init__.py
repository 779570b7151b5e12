"""Runtimes that run the Kokoro graph, behind one interface (see base.py), and how one is chosen (loading.py)."""
