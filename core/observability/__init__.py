"""Errors (Sentry), metrics (Prometheus), health endpoints and structured logs. See README."""
