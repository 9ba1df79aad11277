"""The charts of `progress.lib.charts` in a template, for a page or a PDF:
`{% series_chart row.series title=… unit=… target=… as chart %}{{ chart.svg }}`."""

from django import template

from progress.lib import charts

register = template.Library()

for function in (charts.series_chart, charts.status_chart, charts.steps_chart, charts.bars_chart):
    register.simple_tag(function)
