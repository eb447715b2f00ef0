"""The web channel of hospital booking: the booking flow, and the pages after it."""
