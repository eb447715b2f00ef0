"""One resident's answers to one application page, kept in the session until sent.

A visit starts on the page's start link with a fresh key: every press of "send" in that visit
names the same send, so a double tap sends one application. Answers are kept as cleaned
values (``{key: value}``), shown again through the page's questions.
"""

import uuid

PREFIX = "application:"


def _session_key(page):
    return f"{PREFIX}{page.pk}"


def begin(request, page):
    """A new visit to ``page``: no answers yet, a new key for its one send, for oneself."""
    state = {"key": uuid.uuid4().hex, "answers": {}, "for": None}
    request.session[_session_key(page)] = state
    return state


def current(request, page):
    """This visit's answers to ``page``, starting one if there is none."""
    return request.session.get(_session_key(page)) or begin(request, page)


def answer(request, page, key, value):
    """Keep the answer to question ``key``; return the visit's state."""
    state = current(request, page)
    state["answers"][key] = value
    request.session[_session_key(page)] = state
    request.session.modified = True
    return state


def choose_for(request, page, resident_id):
    """Keep whom this visit applies for (None: oneself)."""
    state = current(request, page)
    state["for"] = resident_id
    request.session[_session_key(page)] = state
    request.session.modified = True
    return state


def clear(request, page):
    request.session.pop(_session_key(page), None)


def first_missing(questions, answers):
    """The first of ``questions`` (those that apply) with no answer yet, or None."""
    for question in questions:
        if question.key not in answers:
            return question
    return None
