"""Ratings: how satisfied a resident was with anything done for them (好差评)."""
