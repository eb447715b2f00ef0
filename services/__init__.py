"""The services residents use. Each service has an ``api.py`` that every channel calls."""
