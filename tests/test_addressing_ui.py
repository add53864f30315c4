"""The addressing widgets, their pure view functions, the pictures, and lesson 03's exercises.

Widgets are driven the way a learner would (typing into the Text, dragging the slider, pressing
buttons) and checked through what they show. Exercise answers are recomputed with the standard
library's ipaddress, so a wrong answer key fails here.
"""
from __future__ import annotations

import html
import ipaddress
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest
from matplotlib.patches import Rectangle

from helpers.addressing import AddressError, SplitTree, plan_vlsm
from helpers.draw import addressing as draw
from helpers.exercises import l03
from helpers.ui import addressing as ui

NET = ipaddress.IPv4Network


def field(result_html: str, name: str) -> str:
    """The value cell of one row of the calculator's result table."""
    match = re.search(rf"<tr data-field='{name}'><th[^>]*>[^<]*</th><td[^>]*>([^<]*)</td>", result_html)
    assert match, f"no row {name!r} in {result_html[:200]}"
    return match.group(1)


# ---------------------------------------------------------------------------- pure view functions

def test_calculator_view_for_good_input():
    view = ui.calculator_view("172.31.200.9/20")
    oracle = NET("172.31.200.9/20", strict=False)
    assert view.ok and view.prefix == 20
    assert field(view.result_html, "network") == str(oracle)
    assert field(view.result_html, "broadcast") == str(oracle.broadcast_address)
    assert field(view.result_html, "last_host") == str(oracle.broadcast_address - 1)
    assert field(view.result_html, "usable_hosts") == f"{oracle.num_addresses - 2:,}"
    assert view.bits_html.count("net-bit") == 3 * 20 and view.bits_html.count("host-bit") == 3 * 12


@pytest.mark.parametrize("text", ["", "   ", "hello", "10.0.1.300/24", "10.0.1.0/33", "10.0.1.77", "::1/64", None])
def test_calculator_view_shows_a_sentence_not_a_traceback(text):
    view = ui.calculator_view(text)
    assert not view.ok and view.description is None and view.bits_html == ""
    assert 'class="cidr-error"' in view.result_html and "Traceback" not in view.result_html
    assert view.error.endswith(".") and view.error.replace("'", "&#x27;") in view.result_html


def test_calculator_view_keeps_the_prefix_when_aws_refuses_it():
    view = ui.calculator_view("10.0.0.0/29", cloud="aws")
    assert not view.ok and view.prefix == 29 and "smaller than AWS allows" in view.error


@pytest.mark.parametrize("text, prefix, expected", [
    ("10.0.1.77/26", 24, "10.0.1.77/24"),
    ("10.0.1.77", 8, "10.0.1.77/8"),
    (" 10.0.1.77 / 255.255.255.0", 30, "10.0.1.77/30"),
    ("", 24, "/24"),
])
def test_with_prefix(text, prefix, expected):
    assert ui.with_prefix(text, prefix) == expected


def test_planner_needs():
    assert ui.planner_needs([("web", "50"), ("", ""), (" db ", " 1,000 ")]) == [("web", 50), ("db", 1000)]
    for rows, message in [
        ([("web", "")], "Row 1 ('web') has no host count; type how many hosts it needs, like 50."),
        ([("", ""), ("", "5")], "Row 2 has no name; type what the subnet is for, like 'web'."),
        ([("web", "fifty")], "Row 1 ('web') has 'fifty' hosts, which is not a whole number; type a count like 50."),
        ([("web", "-5")], "Row 1 ('web') has '-5' hosts, which is not a whole number; type a count like 50."),
        ([("", "")], "Every row is empty; add a name and a host count, like web and 50."),
    ]:
        with pytest.raises(AddressError) as raised:
            ui.planner_needs(rows)
        assert str(raised.value) == message


def test_plan_view_and_bar():
    view = ui.plan_view("10.0.0.0/24", [("sales", "50"), ("engineering", "100")])
    assert view.ok and [s.name for s in view.plan.subnets] == ["engineering", "sales"]
    widths = [float(w) for w in re.findall(r'class="vlsm-block[^"]*" title="[^"]*" style="width:([\d.]+)%',
                                            ui.plan_bar_html(view.plan))]
    assert sum(widths) == pytest.approx(100) and widths[0] == pytest.approx(50)
    assert view.html.count("vlsm-subnet") == 2 and "vlsm-free" in view.html
    failed = ui.plan_view("10.0.0.0/25", [("a", "100"), ("b", "60")])
    assert not failed.ok and "short" in failed.error and "cidr-error" in failed.html


def test_tree_bar_is_to_scale():
    tree = SplitTree("10.0.0.0/24").split("10.0.0.0/24").split("10.0.0.0/25")
    widths = [float(w) for w in re.findall(r'<div title="[^"]*" style="width:([\d.]+)%', ui.tree_bar_html(tree))]
    assert widths == pytest.approx([25, 25, 50])


# ---------------------------------------------------------------------------- widgets

def test_calculator_widget_follows_typing_slider_and_aws():
    calc = ui.cidr_calculator("10.0.1.77/26")
    assert "cidr-calculator" in calc._dom_classes
    assert "cidr-calculator-input" in calc.input._dom_classes
    assert "cidr-calculator-result" in calc.result._dom_classes
    assert "cidr-calculator-prefix" in calc.prefix._dom_classes
    assert calc.prefix.value == 26 and field(calc.result.value, "network") == "10.0.1.64/26"
    calc.input.value = "192.168.100.1/24"  # typing
    assert calc.prefix.value == 24 and field(calc.result.value, "broadcast") == "192.168.100.255"
    calc.prefix.value = 30  # dragging the slider rewrites the prefix in the text
    assert calc.input.value == "192.168.100.1/30" and field(calc.result.value, "usable_hosts") == "2"
    calc.input.value = "192.168.100.1/255.255.255.128"  # a mask moves the slider, text stays as typed
    assert calc.prefix.value == 25 and calc.input.value == "192.168.100.1/255.255.255.128"
    calc.input.value = "192.168.100.300/24"
    assert "is over 255" in calc.result.value and calc.bits.value == ""
    calc.input.value = "10.0.2.0/24"
    calc.aws.value = True
    assert field(calc.result.value, "usable_hosts") == "251" and "Amazon DNS" in calc.result.value
    assert repr(calc) == "CIDR calculator: 10.0.2.0/24 -> network 10.0.2.0/24"


def test_splitter_widget_split_join_even_and_aws():
    splitter = ui.subnet_splitter("10.0.0.0/24")
    assert "subnet-splitter" in splitter._dom_classes and len(splitter.tree.leaves) == 1
    html_cell, split_button, join_button = splitter.table.children
    assert join_button.disabled and not split_button.disabled
    split_button.click()
    assert [str(n) for n in splitter.tree.leaves] == ["10.0.0.0/25", "10.0.0.128/25"]
    assert len(splitter.table.children) == 6 and "10.0.0.128/25" in splitter.table.children[3].value
    splitter.table.children[5].click()  # join the second /25 back
    assert len(splitter.tree.leaves) == 1
    splitter.parts.value = 10
    splitter.even_button.click()
    assert len(splitter.tree.leaves) == 16 and "6 are spare" in splitter.message.value
    splitter.split("10.0.0.0/28")
    splitter.aws.value = True  # a /29 cannot exist in AWS: the switch goes back, with the reason
    assert splitter.aws.value is False and "smaller than AWS allows" in splitter.message.value
    assert len(splitter.tree.leaves) == 17
    splitter.reset_button.click()
    splitter.aws.value = True
    assert splitter.tree.cloud == "aws" and "251 usable" in splitter.table.children[0].value
    splitter.input.value = "10.0.0.5/24"
    assert splitter.tree is None and "host bits set" in splitter.message.value and not splitter.table.children
    assert repr(splitter) == "Subnet splitter: 10.0.0.5/24 (error)"


def test_planner_widget_rows_and_errors():
    planner = ui.vlsm_planner("10.0.0.0/24", {"sales": 50, "engineering": 100})
    assert "vlsm-planner" in planner._dom_classes
    assert [str(s.network) for s in planner.plan.subnets] == ["10.0.0.0/25", "10.0.0.128/26"]
    planner.add_row("guests", 20)
    assert planner.plan["guests"].network.prefixlen == 27
    name_box, hosts_box, remove = planner.rows_box.children[0].children
    hosts_box.value = "abc"
    assert planner.plan is None and "'abc' hosts" in html.unescape(planner.result.value)
    hosts_box.value = "120"  # 128 + 128 + 32 addresses no longer fit in the /24
    assert planner.plan is None and "32 short" in planner.result.value
    hosts_box.value = "10"
    assert planner.plan["sales"].network.prefixlen == 28
    remove.click()
    assert [row[0] for row in planner.rows()] == ["engineering", "guests"]
    planner.aws.value = True
    assert planner.plan.cloud == "aws" and planner.plan["engineering"].usable_hosts == 123
    planner.input.value = "10.0.0.0/29"
    assert planner.plan is None and "smaller than AWS allows" in planner.result.value
    planner.add_button.click()
    assert len(planner.rows_box.children) == 3


# ---------------------------------------------------------------------------- pictures

def test_bits_figure_draws_96_coloured_bits():
    figure = draw.bits_figure("10.0.1.77/26")
    cells = [p for p in figure.axes[0].patches if isinstance(p, Rectangle)]
    colours = [matplotlib.colors.to_hex(p.get_facecolor()) for p in cells]
    assert len(cells) == 96
    assert colours.count(draw.NETWORK_COLOUR) == 3 * 26 and colours.count(draw.HOST_COLOUR) == 3 * 6
    plt.close(figure)


def test_plan_chart_and_tree_figure():
    plan = plan_vlsm("10.0.0.0/24", {"sales": 50, "engineering": 100, "guests": 20, "link": 2})
    figure = draw.plan_chart(plan)
    widths = [p.get_width() for p in figure.axes[0].patches]
    assert sum(widths) == 256 and len(widths) == len(plan.segments())
    plt.close(figure)
    tree = SplitTree.even("192.168.1.0/24", new_prefix=28)
    figure = draw.split_tree_figure(tree)
    assert len(figure.axes[0].patches) == 31  # 1 + 2 + 4 + 8 + 16 blocks
    labels = [t.get_text() for t in figure.axes[0].texts]
    assert "/28  255.255.255.240  16 pieces" in labels and "/25  255.255.255.128  2 pieces" in labels
    plt.close(figure)


# ---------------------------------------------------------------------------- lesson 03 answers

def test_lesson_answers_agree_with_ipaddress():
    private = {a for a in l03.PRIVATE_CANDIDATES
               if any(ipaddress.ip_address(a) in NET(b) for b in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))}
    assert set(l03.private_addresses.answer) == private
    assert l03.binary_192.answer == format(192, "08b")
    assert l03.network_and.answer == str(NET("172.16.45.200/255.255.240.0", strict=False).network_address)
    assert l03.prefix_of_mask.answer == NET("0.0.0.0/255.255.255.224").prefixlen
    assert l03.broadcast.answer == str(NET("10.0.1.77/26", strict=False).broadcast_address)
    assert l03.usable_26.answer == sum(1 for _ in NET("10.0.1.0/26").hosts())
    assert l03.same_subnet_25.answer == (NET("10.0.1.77/25", strict=False) == NET("10.0.1.130/25", strict=False))
    assert l03.split_mask.answer == str(next(NET("192.168.1.0/24").subnets(prefixlen_diff=4)).netmask)
    assert l03.split_spare.answer == 16 - 10
    assert l03.vlsm_prefix.answer == 26 and NET("10.0.0.0/26").num_addresses - 2 >= 50 > NET("10.0.0.0/27").num_addresses - 2
    four = [NET(f"172.16.{i}.0/24") for i in range(4, 8)]
    assert [l03.summary_route.answer] == [str(n) for n in ipaddress.collapse_addresses(four)]
    assert l03.aws_usable.answer == NET("10.0.0.0/28").num_addresses - 5
    assert l03.aws_dns.answer == str(NET("10.0.2.0/24").network_address + 2)
    assert l03.calculator_last_host.answer == str(NET("172.31.200.9/20", strict=False).broadcast_address - 1)


def test_lesson_hints_fire_for_the_mistakes_they_describe():
    assert "172.32.1.1 is public" in l03.private_addresses.check(["10.20.30.40", "172.32.1.1"]).message
    assert "Almost" in l03.private_addresses.check(["10.20.30.40", "192.168.0.10"]).message
    assert "172.20.1.1 is inside" in l03.private_addresses.check(["10.20.30.40"]).message
    assert "exactly 8 bits" in l03.binary_192.check("110000001").message
    assert l03.prefix_of_mask.check("/27").ok and l03.binary_192.check("1100 0000").ok


def test_splitter_keeps_its_tree_when_a_change_is_refused():
    splitter = ui.subnet_splitter("10.0.0.0/30")
    splitter.split_evenly(8)
    assert "cannot be split into 8 parts" in splitter.message.value
    assert [str(n) for n in splitter.tree.leaves] == ["10.0.0.0/30"] and len(splitter.table.children) == 3
    splitter.split_evenly(4)
    assert len(splitter.tree.leaves) == 4 and "spare" not in splitter.message.value
    assert all(cell.disabled for cell in splitter.table.children[1::3])  # /32s cannot be split
