"""The series chart of `progress.lib.charts` in a template, one per row of a table:
`{% series_chart row.series title=… unit=… target=… as chart %}{{ chart.svg }}` (the other
charts are built by the views and report builders)."""

from django import template

from progress.lib import charts

register = template.Library()

register.simple_tag(charts.series_chart)
