"""Consent records: a resident's permission for someone to act for them, with scope and expiry."""
