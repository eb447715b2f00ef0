"""What the benchmarks share: percentiles, process groups, the portal's environment, its
Celery worker and gunicorn, a scratch PostgreSQL database, HTTP sessions without proxies.

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
import redis
import requests

PROJECT_DIR = Path(__file__).resolve().parent.parent
BIN_DIR = Path(sys.executable).parent
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


def new_session():
    """A ``requests`` session for the portal on 127.0.0.1."""
    session = requests.Session()
    session.trust_env = False  # loopback only: no proxy from the environment
    return session


def raise_on_sigterm(signum, frame):
    """SIGTERM handler: exit through ``finally`` blocks, so started processes are stopped."""
    raise SystemExit(128 + signum)


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


def _stat_fields(pid):
    """The fields of /proc/PID/stat after the command name, or None for a process gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None


def cpu_seconds(pids):
    """User plus system CPU seconds these processes have used so far (Linux /proc)."""
    total = 0
    for pid in pids:
        fields = _stat_fields(pid)
        if fields:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def pids_in_group(leader):
    """The processes in ``leader``'s process group (a worker and the children it forked)."""
    found = []
    for entry in Path("/proc").iterdir():
        fields = _stat_fields(entry.name) if entry.name.isdigit() else None
        if fields and int(fields[2]) == leader:  # the process group id
            found.append(int(entry.name))
    return found


def pids_named(name):
    """The processes whose command name is ``name`` (e.g. the PostgreSQL server's)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
    return found


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


def environ_without(names, prefixes):
    """This process's environment less the variables the portal must not inherit."""
    return {
        name: value
        for name, value in os.environ.items()
        if name not in names and not name.startswith(prefixes)
    }


def portal_env(base, **settings):
    """``base`` plus what every benchmark's portal runs with, plus ``settings``."""
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_DEBUG": "0",  # no query log in any process
        "LOG_LEVEL": "WARNING",
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
        **settings,
    }


def start_celery_worker(env, log_path):
    """A Celery worker on every queue, 2 prefork processes, in its own process group."""
    from portal.queues import ALL

    return start_group(
        [
            str(BIN_DIR / "celery"),
            "-A",
            "portal",
            "worker",
            "-Q",
            ",".join(ALL),
            "-c",
            "2",
            "--pool",
            "prefork",
            "-l",
            "warning",
        ],
        env,
        log_path,
    )


def start_gunicorn(env, port, log_path, *, workers, timeout, extra_args=()):
    """gunicorn serving the portal on 127.0.0.1:``port``, in its own process group."""
    return start_group(
        [
            str(BIN_DIR / "gunicorn"),
            "portal.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--graceful-timeout",
            "5",
            "--timeout",
            str(timeout),
            *extra_args,
        ],
        env,
        log_path,
    )


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


def drop_scratch_database(name):
    """At the end of a run: close this process's Django connections, drop ``name``.

    A failure to drop is logged, not raised, so it does not hide the run's own outcome.
    """
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()
    try:
        drop_database(name)
    except psycopg.Error as error:
        log(f"could not drop {name}: {error}")


def database_for(name):
    """``DATABASE_URL`` when set; else the scratch database ``name``, made now (empty).

    Returns ``(url, scratch)``: pass ``scratch`` to :func:`let_go_of_database` at the end.
    """
    url = os.environ.get("DATABASE_URL")
    if url:
        return url, False
    log(f"creating database {name}")
    create_database(name)
    return f"postgres://postgres@127.0.0.1:5432/{name}", True


def let_go_of_database(name, scratch):
    """At the end of a run: drop the scratch database ``name``, or just close connections."""
    if scratch:
        drop_scratch_database(name)
    elif "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()


def flush_own_redis(url, own_url):
    """Empty the Redis database ``url`` if it is the benchmark's own (``own_url``); a failure
    is logged, not raised."""
    if url != own_url:
        return
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.RedisError as error:
        log(f"could not flush {url}: {error}")


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


def seed_demo(env):
    """``manage.py seed_demo``: the demo pages, people and hospitals."""
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"seed_demo failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")


def start_fake_dispatch(env, port, secret, api_key, webhook_url, find_after, log_path):
    """The fake taxi dispatch server (tests/support/fake_dispatch.py) on 127.0.0.1:``port``,
    finding a car ``find_after`` seconds after each order, in its own process group."""
    from tests.support.live_portal import answers_http

    process = start_group(
        [
            sys.executable,
            "-m",
            "tests.support.fake_dispatch",
            "--port",
            str(port),
            "--secret",
            secret,
            "--api-key",
            api_key,
            "--webhook-url",
            webhook_url,
            "--find-after",
            str(find_after),
        ],
        env,
        log_path,
    )
    wait_until(lambda: answers_http(port), "fake dispatch", process, log_path)
    return process
