"""Digital-skills sessions at centres and what a resident has learned: every channel calls here."""
