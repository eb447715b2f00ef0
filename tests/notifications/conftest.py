import pytest

from portal.notifications.backends import backend_for, memory


@pytest.fixture
def memory_backend(settings):
    """Send through the in-memory backend; ``memory.outbox`` holds what was sent."""
    settings.SMS_BACKEND = settings.VOICE_BACKEND = (
        "portal.notifications.backends.memory.MemoryBackend"
    )
    backend_for.cache_clear()
    memory.reset()
    yield memory
    memory.reset()
    backend_for.cache_clear()


@pytest.fixture
def daytime(time_machine):
    """10:00 in Shanghai, outside quiet hours."""
    time_machine.move_to("2026-11-25 10:00:00+08:00", tick=True)
