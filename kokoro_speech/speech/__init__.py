"""One request's life: a checked job, the service that answers it, the production that makes its bytes."""
