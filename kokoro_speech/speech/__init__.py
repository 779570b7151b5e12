"""One request's life: the service that answers a job (from the cache, from the same speech being made, or by
making it), the production of its bytes, the responses, claims across workers, captions, the work left after a
response, and the worker that loads the engine."""
