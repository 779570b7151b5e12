"""Shared infrastructure: settings from the environment, Prometheus metrics, the Redis servers share."""
