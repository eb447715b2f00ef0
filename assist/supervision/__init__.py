"""The supervisor's home: figures about the help desk and the services on the admin dashboard.

Only people with the SUPERVISE permission (supervisors) and administrators see them
(:func:`assist.supervision.scope.may_supervise`). Each figure is counted by the database
(grouped or aggregate queries, never a loop over rows), for a period and an area chosen in a
plain GET form, drawn as an SVG chart on the server (pygal, no JavaScript) beside a table with
the same numbers, and downloadable as CSV at ``/admin/supervision/<figure>.csv``. Counts below
:data:`assist.supervision.scope.SMALL` for a street or a centre are shown as "<5".
"""
