"""The charts drawn on the server: the same SVG in a page and in a PDF, accessible (a title, a
description, the figures as rows for a table), safe (escaped, no style attribute, no script)
and sane whatever the data."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from demarches.models import Action
from guide.models import Item
from members.models import Role
from progress.lib import charts
from tests.browser import assert_accessible, log_in
from tests.demarches.factories import ActionFactory, AnswerFactory, CycleFactory
from tests.guide.factories import GuideFactory, ItemFactory
from tests.members.factories import RoleFactory, StructureFactory

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


def parse(chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))


def bars(chart) -> list[ET.Element]:
    return [rect for rect in parse(chart).iter(f"{SVG}rect") if rect.get("fill") == charts.GREEN]


def texts(chart) -> list[str]:
    return [element.text for element in parse(chart).iter(f"{SVG}text")]


def every_chart(title="Taux", label="Séance"):
    return [
        charts.series_chart(
            [(2024, Decimal("10")), (2025, None), (2026, Decimal("-5"))],
            title=title,
            unit="%",
            target=Decimal("20"),
        ),
        charts.status_chart([("todo", label, 2), ("done", "Fait", 1)], title=title),
        charts.steps_chart([(1, label, 3), (2, "Prioriser", 1)], title=title, total=4),
        charts.bars_chart([(label, Decimal("75")), ("Séance 2", None)], title=title, unit="%"),
    ]


def test_it_draws_each_year_as_a_bar_proportional_to_its_value():
    chart = charts.series_chart(
        [(2024, Decimal("10")), (2025, Decimal("20")), (2026, Decimal("40"))], title="Taux"
    )
    heights = [float(rect.get("height")) for rect in bars(chart)]
    assert heights[1] == pytest.approx(2 * heights[0])
    assert heights[2] == pytest.approx(4 * heights[0])
    assert [year for year in texts(chart) if len(year) == 4] == ["2024", "2025", "2026"]


def test_a_year_without_value_is_a_gap_with_a_dash():
    chart = charts.series_chart([(2024, None), (2025, Decimal("2300"))], title="Heures")
    assert len(bars(chart)) == 1
    assert "—" in texts(chart)
    assert chart.rows == [("2024", "—"), ("2025", "2\xa0300")]


def test_the_objective_is_a_dashed_line_named_with_its_value():
    chart = charts.series_chart(
        [(2025, Decimal("20")), (2026, Decimal("40"))], title="Taux", unit="%", target=50
    )
    dashed = [line for line in parse(chart).iter(f"{SVG}line") if line.get("stroke-dasharray")]
    # across the plot, and its sample in the legend
    assert len(dashed) == 2
    assert float(dashed[0].get("y1")) < float(bars(chart)[1].get("y"))  # 50 is above 40
    assert "Objectif : 50\xa0%" in texts(chart)
    assert chart.rows[-1] == ("Objectif", "50\xa0%")


def test_a_negative_value_goes_down_from_the_zero_line():
    chart = charts.series_chart([(2025, Decimal("10")), (2026, Decimal("-10"))], title="Solde")
    up, down = bars(chart)
    zero = float(next(parse(chart).iter(f"{SVG}line")).get("y1"))
    assert float(up.get("y")) + float(up.get("height")) == pytest.approx(zero)
    assert float(down.get("y")) == pytest.approx(zero)
    assert float(up.get("height")) == pytest.approx(float(down.get("height")))


@pytest.mark.parametrize(
    "chart",
    [
        lambda: charts.series_chart([], title="Vide"),
        lambda: charts.series_chart([(2025, 0), (2026, 0)], title="Zéro", target=0),
        lambda: charts.series_chart([(2025, None), (2026, None)], title="Rien"),
        lambda: charts.series_chart([(2025, -3), (2026, -1.5)], title="Négatif", unit="k€"),
        lambda: charts.series_chart([(2025, float("nan"))], title="Pas un nombre"),
        lambda: charts.status_chart([], title="Vide"),
        lambda: charts.status_chart([("todo", "À faire", 0), ("done", "Fait", 0)], title="Zéro"),
        lambda: charts.status_chart([("todo", "À faire", -2), ("done", "Fait", 3)], title="N"),
        lambda: charts.steps_chart([], title="Vide", total=0),
        lambda: charts.steps_chart([(1, "Nommer", 0)], title="Zéro", total=0),
        lambda: charts.bars_chart([], title="Vide"),
        lambda: charts.bars_chart([("A", 0), ("B", None)], title="Zéro", max_value=0),
        lambda: charts.bars_chart([("A", -20), ("B", 10)], title="Négatif", unit="%"),
    ],
)
def test_empty_zero_or_negative_data_draw_a_chart_without_crashing(chart):
    drawn = chart()
    root = parse(drawn)  # well-formed XML
    assert "nan" not in str(drawn.svg).lower() and "inf" not in str(drawn.svg).lower()
    assert all(float(rect.get("height")) >= 0 for rect in root.iter(f"{SVG}rect"))
    assert all(float(rect.get("width")) >= 0 for rect in root.iter(f"{SVG}rect"))


def test_numbers_are_written_the_french_way():
    assert charts.format_number(Decimal("1234.5")) == "1\xa0234,5"
    assert charts.format_number(Decimal("1234.50"), "%") == "1\xa0234,5\xa0%"
    assert charts.format_number(Decimal("100.00")) == "100"
    assert charts.format_number(2.345) == "2,35"
    assert charts.format_number(Decimal("-0.001")) == "0"
    assert charts.format_number(None) == "—"
    chart = charts.bars_chart([("Heures", Decimal("1234.5"))], title="Heures")
    assert chart.rows == [("Heures", "1\xa0234,5")]
    assert "1\xa0234,5" in texts(chart)


def test_the_status_bar_splits_by_count_and_the_legend_names_every_part():
    chart = charts.status_chart(
        [
            ("todo", "À faire", 1),
            ("doing", "En cours", 2),
            ("done", "Fait", 3),
            ("abandoned", "Abandonné", 0),
        ],
        title="Avancement",
    )
    filled = [
        rect
        for rect in parse(chart).iter(f"{SVG}rect")
        if rect.get("fill") not in ("none", charts.WHITE) and float(rect.get("height")) > 20
    ]
    widths = [float(rect.get("width")) + 1 for rect in filled]  # each part is inset by 1
    assert widths == pytest.approx([400 / 6, 2 * 400 / 6, 3 * 400 / 6], abs=0.01)
    assert len({rect.get("fill") for rect in filled}) == 3  # told apart, in grey too
    for entry in ("À faire : 1", "En cours : 2", "Fait : 3", "Abandonné : 0"):
        assert entry in texts(chart)
    # the abandoned actions are hatched, not a fourth shade of green
    assert any(line.get("stroke") == charts.AXIS for line in parse(chart).iter(f"{SVG}line"))


def test_each_step_is_a_bar_of_the_structures_that_reached_it_out_of_all():
    chart = charts.steps_chart(
        [(1, "Nommer un pilote", 8), (2, "Prioriser les thèmes", 2)], title="Étapes", total=8
    )
    first, second = (float(rect.get("width")) for rect in bars(chart))
    assert first == pytest.approx(4 * second)
    assert chart.rows == [
        ("1. Nommer un pilote", "8 sur 8"),
        ("2. Prioriser les thèmes", "2 sur 8"),
    ]


def test_bars_share_the_scale_of_max_value():
    chart = charts.bars_chart([("Séance 1", 50)], title="Présence", unit="%", max_value=100)
    (track,) = [
        rect for rect in parse(chart).iter(f"{SVG}rect") if rect.get("fill") == charts.TRACK
    ]
    (bar,) = bars(chart)
    assert float(bar.get("width")) == pytest.approx(float(track.get("width")) / 2)
    assert chart.rows == [("Séance 1", "50\xa0%")]


def test_a_long_label_is_wrapped_and_cut_but_whole_in_the_rows():
    label = "Garder le tableau comme outil de pilotage interne et publier une synthèse " * 2
    chart = charts.steps_chart([(12, label, 1)], title="Étapes", total=2)
    drawn = [text for text in texts(chart) if text.startswith("12.") or text.endswith("…")]
    assert len(drawn) == 2
    assert drawn[-1].endswith("…")
    assert chart.rows[0][0] == f"12. {label}"


def test_every_chart_has_a_title_and_a_description_for_screen_readers():
    for chart in every_chart():
        root = parse(chart)
        assert root.get("role") == "img"
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert title.text == "Taux"
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert chart.rows and desc.text.startswith(f"{chart.rows[0][0]} : {chart.rows[0][1]}")
        assert root.get("viewBox") and root.get("width") == "100%" and root.get("height") is None
        assert root.get("font-family") == "Source Sans Pro, sans-serif"


def test_text_is_escaped():
    nasty = '<script>alert("x")</script> & <b>co</b>'
    for chart in every_chart(title=nasty, label=nasty):
        markup = str(chart.svg)
        assert "<script" not in markup and "<b>" not in markup
        root = parse(chart)
        assert root.find(f"{SVG}title").text == nasty


def test_no_style_attribute_no_script_no_event_handler():
    for chart in every_chart():
        for element in parse(chart).iter():
            assert element.tag not in (f"{SVG}script", f"{SVG}style", f"{SVG}foreignObject")
            assert "style" not in element.attrib
            assert not any(name.startswith("on") for name in element.attrib)


def test_the_same_data_draw_the_same_markup():
    # a report's digest depends on it
    assert [chart.svg for chart in every_chart()] == [chart.svg for chart in every_chart()]


def test_a_template_draws_a_chart_through_its_tag():
    template = Template(
        "{% load charts %}{% series_chart series title=title unit='%' as chart %}{{ chart.svg }}"
    )
    rendered = template.render(Context({"series": [(2025, 1), (2026, 2)], "title": "A & B"}))
    assert rendered.startswith("<svg")
    assert "<title" in rendered and "A &amp; B" in rendered


# --- On the pages ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_progress_page_draws_each_indicator_year_after_year(client):
    structure, guide = StructureFactory(), GuideFactory()
    cycles, previous = [], None
    for year in (2024, 2025, 2026):
        previous = CycleFactory(structure=structure, guide=guide, year=year, previous=previous)
        cycles.append(previous)
    item = ItemFactory(indicator=True, unit=Item.Unit.PERCENT, domain__theme__guide=guide)
    answer = None
    for cycle, value, target in zip(cycles, (10, 20, 40), (15, 45, None), strict=True):
        answer = AnswerFactory(
            cycle=cycle, item=item, previous=answer, value=value, target_1y=target
        )
    client.force_login(RoleFactory(kind=Role.Kind.PILOT, structure=structure).person)

    content = client.get(reverse("demarches:progress", args=[cycles[2].pk])).content.decode()

    assert content.count('role="img"') == 1
    assert "2024 : 10\xa0%. 2025 : 20\xa0%. 2026 : 40\xa0%. Objectif : 45\xa0%." in content
    assert 'stroke-dasharray="6 4"' in content
    assert '<th scope="col" class="text-end">2024</th>' in content  # the table stays


@pytest.mark.django_db
def test_the_action_list_draws_the_whole_plan_by_status(client):
    structure = StructureFactory()
    cycle = CycleFactory(structure=structure)
    ActionFactory.create_batch(2, cycle=cycle, status=Action.Status.TODO)
    ActionFactory(cycle=cycle, status=Action.Status.DONE)
    client.force_login(RoleFactory(kind=Role.Kind.PILOT, structure=structure).person)
    url = reverse("demarches:actions", args=[cycle.pk])

    # whatever the filters say, the chart is the whole plan
    content = client.get(url, {"status": "done"}).content.decode()

    assert "Avancement des 3 actions du plan" in content
    for entry in ("À faire : 2", "En cours : 0", "Fait : 1", "Abandonné : 0"):
        assert f">{entry}</text>" in content


@pytest.mark.django_db
def test_an_empty_plan_has_no_chart(client):
    structure = StructureFactory()
    cycle = CycleFactory(structure=structure)
    client.force_login(RoleFactory(kind=Role.Kind.PILOT, structure=structure).person)
    content = client.get(reverse("demarches:actions", args=[cycle.pk])).content.decode()
    assert 'role="img"' not in content


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_pages_with_charts_pass_axe(live_server, page):
    structure, guide = StructureFactory(), GuideFactory()
    cycles, previous = [], None
    for year in (2024, 2025, 2026):
        previous = CycleFactory(structure=structure, guide=guide, year=year, previous=previous)
        cycles.append(previous)
    item = ItemFactory(indicator=True, unit=Item.Unit.HOURS, domain__theme__guide=guide)
    answer = None
    for cycle, value in zip(cycles, (1200, None, Decimal("2650.5")), strict=True):
        answer = AnswerFactory(cycle=cycle, item=item, previous=answer, value=value, target_1y=2500)
    for status in Action.Status.values:
        ActionFactory(cycle=cycles[2], status=status)
    pilot = RoleFactory(kind=Role.Kind.PILOT, structure=structure).person
    log_in(page, live_server, pilot.email)
    for name, chart in (("progress", item.text), ("actions", "Avancement des 4 actions du plan")):
        page.goto(f"{live_server.url}{reverse(f'demarches:{name}', args=[cycles[2].pk])}")
        assert page.get_by_role("img", name=chart).is_visible()
        assert_accessible(page)
