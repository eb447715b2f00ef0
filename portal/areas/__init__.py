"""The area the portal serves, as data: districts, their streets and the centre for each."""
