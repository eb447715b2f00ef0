"""Whether this request is a practice run (see :mod:`portal.practice.middleware`).

A tiny module on purpose: a service's provider code asks :func:`practising` before it would
reach an outside system synchronously (a hospital's own booking system), and must not pull in
the middleware (which imports the services' apis) to do so.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_practising = ContextVar("practising", default=False)


def practising():
    """True while a practice request runs: nothing may reach an outside system."""
    return _practising.get()


@contextmanager
def practice_run():
    """Mark the code run inside as practice (the middleware wraps each practice request)."""
    token = _practising.set(True)
    try:
        yield
    finally:
        _practising.reset(token)
