"""Production's settings (DJANGO_ENV=production, set by loadtest_stack.py) on loopback.

One difference, for a stack without the production proxy in front: plain HTTP on
127.0.0.1. Production's proxy terminates TLS, and a browser (or Locust) does not send
Secure-only cookies over plain HTTP. Everything else about cookies stays as it is.
"""

from mutualaid.settings import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
