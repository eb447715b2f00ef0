import sys

from portal.notifications.backends.base import Backend, SendResult


class ConsoleBackend(Backend):
    """The embedded default: prints the message; the outbox row keeps it."""

    name = "console"

    def _print(self, kind, message):
        sys.stdout.write(f"[{kind} to {message.recipient}] {message.body}\n")
        sys.stdout.flush()
        return SendResult(self.name, f"console-{message.pk}", "delivered")

    def send_sms(self, message):
        return self._print("SMS", message)

    def send_call(self, message):
        return self._print("call", message)
