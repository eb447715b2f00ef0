from dataclasses import dataclass


@dataclass(frozen=True)
class SendResult:
    provider: str
    provider_id: str
    status: str = "sent"


class ProviderError(Exception):
    """A provider refused or failed. ``permanent`` says whether trying again could help."""

    def __init__(self, message, *, code="", permanent):
        super().__init__(message)
        self.code = str(code or "")
        self.permanent = permanent


class Backend:
    """Sends one outbox row. Implementations must time out, never hang."""

    name = "base"

    def send_sms(self, message):
        raise NotImplementedError

    def send_call(self, message):
        raise NotImplementedError

    def send(self, message):
        if message.medium == "voice":
            return self.send_call(message)
        return self.send_sms(message)
