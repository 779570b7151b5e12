"""HTTP layer: request schemas, route handlers and OpenAI's error shape."""
