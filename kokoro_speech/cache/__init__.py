"""The result cache (``results``) and its stores: one SQLite file shared by the workers (``sqlite``), and Redis in
front of it for several servers (``failover``).

Registering another Litestar store under the configured name replaces the SQLite file.
"""
