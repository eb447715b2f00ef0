"""Bar charts drawn on the server as SVG (pygal), embedded in the page: no JavaScript.

The chart is a picture of the table beside it, so it is hidden from screen readers
(``aria-hidden``); the table carries the numbers. Values hidden as "<5" are left out of the
chart (no bar) rather than drawn as a guess.
"""

import re

import pygal
from django.utils.safestring import mark_safe
from pygal.style import Style

_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1a1a1a",
    foreground_strong="#1a1a1a",
    foreground_subtle="#595959",
    colors=("#005a9c",),
    font_family="sans-serif",
    label_font_size=14,
    major_label_font_size=14,
    value_font_size=14,
    title_font_size=16,
)


def bar_chart(figure):
    """The SVG (markup, safe) of a horizontal bar chart of ``figure``'s rows."""
    config = pygal.Config(
        js=[],
        disable_xml_declaration=True,
        show_legend=False,
        style=STYLE,
        width=640,
        height=80 + 40 * len(figure.rows),
        print_values=True,
        explicit_size=False,
        tooltip_border_radius=0,
    )
    chart = pygal.HorizontalBar(config)
    chart.x_labels = [label for label, _value in figure.rows]
    chart.add(
        figure.title,
        [value if isinstance(value, int) else None for _label, value in figure.rows],
    )
    svg = chart.render(is_unicode=True)
    # pygal writes its config as an inline script even without scripts to load: drop it.
    svg = _SCRIPT.sub("", svg)
    svg = svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
    return mark_safe(svg)  # noqa: S308 - drawn by pygal from our own numbers and labels
