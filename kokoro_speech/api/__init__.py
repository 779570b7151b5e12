"""The HTTP layer: the routes, their schemas and checks, OpenAI's error shape for every failure, SSE, the OpenAPI
document, the request log, access control (``access``) and the page (``page``)."""
