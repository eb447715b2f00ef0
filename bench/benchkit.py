"""What the benchmarks share: percentiles, process groups, a scratch PostgreSQL database.

Not a benchmark itself (``make bench`` skips it).
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg

PROJECT_DIR = Path(__file__).resolve().parent.parent
ADMIN_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
START_TIMEOUT = 60.0


def percentile(values, pct):
    """Nearest-rank percentile of ``values`` (None for an empty list)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceil(n * pct / 100)
    return ordered[int(rank) - 1]


def rounded(value, digits=1):
    return None if value is None else round(value, digits)


def log(text):
    print(text, file=sys.stderr, flush=True)


def log_tail(path, limit=3000):
    try:
        return Path(path).read_text(errors="replace")[-limit:]
    except OSError:
        return ""


def start_group(command, env, log_path):
    """Start ``command`` in its own process group (so the whole group can be stopped)."""
    with open(log_path, "wb") as log_file:
        return subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_group(process, grace=15.0):
    """SIGTERM the process group, SIGKILL it if it has not gone after ``grace`` seconds."""
    if process is None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 10.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        # The leader is gone; make sure no child of it is left behind.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        return


def wait_until(check, what, process=None, log_path=None, timeout=START_TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}:\n{log_tail(log_path)}")
        if check():
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} not ready within {timeout:.0f} s:\n{log_tail(log_path)}")
        time.sleep(0.2)


def create_database(name):
    """A fresh, empty PostgreSQL database (dropped first if a crashed run left it)."""
    with psycopg.connect(ADMIN_DATABASE_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")


def drop_database(name):
    with psycopg.connect(ADMIN_DATABASE_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def migrate(env):
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"migrate failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
