"""The Celery queue names, written once: every ``apply_async(queue=...)``, the app's queue list,
the default queue in settings and the workers' ``-Q`` (``make worker``, the benchmarks) use these.

Three queues, so a batch never delays what a person is waiting for.
"""

# What a person is waiting for right now: sign-in codes, "your car is here", sending a taxi
# order to the dispatch provider (or cancelling it there), and every urgent message.
URGENT = "urgent"

# Ordinary work: messages that are not urgent and not a batch, scheduled jobs, health pings.
DEFAULT = "default"

# Batches that may wait a little: the reminders the day before an appointment.
BULK = "bulk"

# Every queue, in order of urgency: what a worker started for "every queue" listens to.
ALL = (URGENT, DEFAULT, BULK)
