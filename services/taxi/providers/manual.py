"""Dispatch by telephone: an operator phones the taxi company and types in what it says.

:meth:`ManualProvider.create` only hands out an order id; the ride then waits at "looking for a
car" on the staff page (``/admin/taxi-rides/``) until an operator phones a taxi company and
enters the car (or the lack of one) there. Those entries reach the ride as events of this
provider through ``services.taxi.api.apply_event``, like any company's webhook would.
"""

from services.taxi.providers.base import DispatchProvider

NAME = "manual"


def order_id_for(idempotency_key):
    """The order id for a dispatch attempt: the same key gives the same id, so no double order."""
    return f"{NAME}-{idempotency_key}"


class ManualProvider(DispatchProvider):
    """A person is the dispatch company: nothing happens until an operator acts."""

    name = NAME

    def create(self, ride, idempotency_key):
        """Take the order: the staff page now lists the ride for an operator to phone in."""
        return order_id_for(idempotency_key)

    def cancel(self, ride, reason):
        """Nothing to call: the staff page lists the cancelled ride so the operator phones the
        company (if it had been phoned in) and marks the company told."""

    def status(self, ride):
        """Nobody to ask: what the operator typed has already been applied."""
        return None

    def verify_webhook(self, request):
        """Operators use the staff page, never a webhook: no webhook is ever genuine."""
        return False

    def parse_webhook(self, request):
        return []
