"""Widgets for IPv4 addressing: a CIDR calculator, a visual subnet splitter and a VLSM planner.

    from helpers.ui.addressing import cidr_calculator, subnet_splitter, vlsm_planner
    cidr_calculator("10.0.1.77/26")          # type an address/prefix or drag the prefix slider
    subnet_splitter("10.0.0.0/24")           # split and join subnets as a tree; AWS mode
    vlsm_planner("10.0.0.0/24", {"web": 50}) # name + hosts rows in; plan table and bar out

Each factory returns a widget and never displays it. Everything a widget shows comes from the
pure functions in this module (``calculator_view``, ``with_prefix``, ``tree_bar_html``,
``planner_needs``, ``plan_view`` ...) and from helpers.addressing, which the unit tests call
directly. A bad value shows the ``AddressError`` sentence in the widget, never a traceback.

Stable CSS classes (a browser test relies on them; keep them when changing the layout):

=============================  ===============================================================
``cidr-calculator``            the calculator's outer box
``cidr-calculator-input``      the Text widget for "address/prefix"; the ``<input>`` is inside it
``cidr-calculator-prefix``     the prefix slider (0-32)
``cidr-calculator-aws``        the "AWS subnet" checkbox
``cidr-calculator-result``     the HTML result: a ``<table class="cidr-table">`` whose rows carry
                               ``data-field`` ("network", "broadcast", "usable_hosts" ...), or a
                               ``<div class="cidr-error">`` with the error sentence
``cidr-calculator-bits``       the 32-bit view: address AND netmask = network
``subnet-splitter``            the splitter's outer box; inside it ``subnet-splitter-input``,
                               ``subnet-splitter-aws``, ``subnet-splitter-parts``,
                               ``subnet-splitter-even``, ``subnet-splitter-reset``,
                               ``subnet-splitter-message``, ``subnet-splitter-bar``,
                               ``subnet-splitter-table`` and per row ``subnet-splitter-split`` /
                               ``subnet-splitter-join`` buttons
``vlsm-planner``               the planner's outer box; inside it ``vlsm-planner-input``,
                               ``vlsm-planner-aws``, ``vlsm-planner-row`` (one per name + hosts
                               row), ``vlsm-planner-add`` and ``vlsm-planner-result`` (the plan
                               table and the ``vlsm-bar`` address-space chart, or the error)
=============================  ===============================================================
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Iterable

import ipywidgets as widgets

from helpers.addressing import (AddressError, Description, Plan, SplitTree, bit_rows, describe,
                                parse_interface, plan_vlsm)
from helpers.draw.addressing import FREE_COLOUR, HOST_COLOUR, NETWORK_COLOUR, PALETTE

__all__ = ["cidr_calculator", "subnet_splitter", "vlsm_planner", "calculator_view", "CalculatorView",
           "with_prefix", "table_html", "bits_html", "error_html", "tree_bar_html", "tree_row_html",
           "planner_needs", "plan_view", "PlanView", "plan_bar_html"]


# ---------------------------------------------------------------------------- pure view functions

def error_html(message: str) -> str:
    """An error sentence as a red note (what every widget shows instead of a traceback)."""
    return (f'<div class="cidr-error" style="border-left:4px solid #dc2626;background:#fef2f2;'
            f'color:#7f1d1d;padding:6px 10px">⚠ {html.escape(message)}</div>')


def table_html(description: Description) -> str:
    """The calculator's result table; each row carries data-field="<key of describe()>"."""
    return description._repr_html_()


def bits_html(text: Any) -> str:
    """Address AND netmask = network, as 32 coloured bits per row (blue network, orange host)."""
    data = bit_rows(text)
    prefix = data["prefixlen"]
    signs = {"address": "", "netmask": "AND", "network": "="}
    lines = []
    for label, dotted, bits in data["rows"]:
        cells = []
        for index, bit in enumerate(bits):
            colour = NETWORK_COLOUR if index < prefix else HOST_COLOUR
            kind = "net-bit" if index < prefix else "host-bit"
            gap = "margin-left:6px;" if index and index % 8 == 0 else ""
            cells.append(f'<span class="{kind}" style="{gap}background:{colour};padding:1px 2px">{bit}</span>')
        lines.append(f'<tr data-row="{label}"><td style="text-align:right">{signs[label]}</td>'
                     f'<td style="text-align:left">{label}</td>'
                     f'<td style="text-align:right;font-family:monospace">{dotted}</td>'
                     f'<td style="font-family:monospace;letter-spacing:1px">{"".join(cells)}</td></tr>')
    host_bits = 32 - prefix
    caption = (f"{prefix} network bits (blue) and {host_bits} host bits (orange): the netmask keeps "
               f"the network bits and zeroes the host bits")
    return (f'<table class="cidr-bits">{"".join(lines)}</table>'
            f'<div style="font-size:90%;color:#475569">{caption}</div>')


@dataclass(frozen=True)
class CalculatorView:
    """What the calculator shows for one input: the description or the error, as HTML too."""

    text: str
    description: Description | None
    error: str | None
    prefix: int | None  # the prefix typed, even when the rest is refused (keeps the slider in step)
    result_html: str
    bits_html: str

    @property
    def ok(self) -> bool:
        return self.error is None


def calculator_view(text: Any, cloud: str | None = None) -> CalculatorView:
    """Everything the calculator recomputes when its input changes."""
    try:
        prefix = parse_interface(text).prefixlen
    except AddressError:
        prefix = None
    try:
        description = describe(text, cloud=cloud)
    except AddressError as problem:
        return CalculatorView(str(text), None, str(problem), prefix, error_html(str(problem)), "")
    return CalculatorView(str(text), description, None, prefix, table_html(description), bits_html(text))


def with_prefix(text: Any, prefix: int) -> str:
    """The text with its prefix replaced: with_prefix('10.0.1.77/26', 24) == '10.0.1.77/24'."""
    address = str(text or "").split("/", 1)[0].strip()
    return f"{address}/{int(prefix)}"


def tree_row_html(row: dict) -> str:
    """One splitter row as text: indentation for its depth, the subnet, mask, range and hosts."""
    indent = 2 * row["depth"]
    pad = max(1, 28 - indent - len(row["network"]))  # keeps the columns after it aligned
    return (f'<span style="font-family:monospace;white-space:pre">{" " * indent}<b>{row["network"]}</b>'
            f'{" " * pad}</span><span style="font-family:monospace;white-space:pre;color:#475569">'
            f'{row["netmask"]:<16} {row["range"]:<32} {row["usable_hosts"]:>10,} usable</span>')


def tree_bar_html(tree: SplitTree) -> str:
    """The current subnets as one bar across the parent's address space, widths to scale."""
    total = tree.parent.size
    blocks = []
    for index, leaf in enumerate(tree.leaves):
        share = 100 * leaf.size / total
        label = html.escape(str(leaf)) if share >= 12 else ""
        blocks.append(f'<div title="{leaf}" style="width:{share:.4f}%;background:{PALETTE[index % len(PALETTE)]};'
                      f'border-right:1px solid white;box-sizing:border-box;font-size:80%;overflow:hidden;'
                      f'white-space:nowrap;text-align:center;padding:2px 0">{label}</div>')
    return f'<div class="subnet-bar" style="display:flex;width:100%">{"".join(blocks)}</div>'


def planner_needs(rows: Iterable[tuple[Any, Any]]) -> list[tuple[str, int]]:
    """The (name, hosts) pairs typed in the planner's rows; blank rows are skipped.

    A host count must be a whole number; the error names the row (counting from 1).
    """
    needs = []
    for number, (name, hosts) in enumerate(rows, start=1):
        name = str(name or "").strip()
        hosts_text = str(hosts if hosts is not None else "").strip().replace(",", "")
        if not name and not hosts_text:
            continue
        if not name:
            raise AddressError(f"Row {number} has no name; type what the subnet is for, like 'web'.")
        if not hosts_text:
            raise AddressError(f"Row {number} ({name!r}) has no host count; type how many hosts it "
                               f"needs, like 50.")
        if not hosts_text.isdigit() or not hosts_text.isascii():
            raise AddressError(f"Row {number} ({name!r}) has {hosts_text!r} hosts, which is not a "
                               f"whole number; type a count like 50.")
        needs.append((name, int(hosts_text)))
    if not needs:
        raise AddressError("Every row is empty; add a name and a host count, like web and 50.")
    return needs


def plan_bar_html(plan: Plan) -> str:
    """The plan's address space as a bar: one block per subnet (in plan colours), free in grey."""
    colours = {s.name: PALETTE[i % len(PALETTE)] for i, s in enumerate(plan.subnets)}
    blocks = []
    for offset, size, label, kind in plan.segments():
        share = 100 * size / plan.parent.size
        colour = colours[label] if kind == "subnet" else FREE_COLOUR
        shown = html.escape(label if kind == "subnet" else "free") if share >= 8 else ""
        blocks.append(f'<div class="vlsm-block vlsm-{kind}" title="{html.escape(label)}" '
                      f'style="width:{share:.4f}%;background:{colour};border-right:1px solid white;'
                      f'box-sizing:border-box;font-size:80%;overflow:hidden;white-space:nowrap;'
                      f'text-align:center;padding:3px 0">{shown}</div>')
    return f'<div class="vlsm-bar" style="display:flex;width:100%;margin:6px 0">{"".join(blocks)}</div>'


@dataclass(frozen=True)
class PlanView:
    plan: Plan | None
    error: str | None
    html: str

    @property
    def ok(self) -> bool:
        return self.error is None


def plan_view(parent: Any, rows: Iterable[tuple[Any, Any]], cloud: str | None = None) -> PlanView:
    """What the planner shows for its parent network and rows: the plan and its bar, or the error."""
    try:
        plan = plan_vlsm(parent, planner_needs(rows), cloud=cloud)
    except AddressError as problem:
        return PlanView(None, str(problem), error_html(str(problem)))
    return PlanView(plan, None, plan._repr_html_() + plan_bar_html(plan))


# ---------------------------------------------------------------------------- widgets

def _close(items) -> None:
    for item in items:
        for child in getattr(item, "children", ()):
            child.close()
        item.close()


def _classed(widget, *names: str):
    for name in names:
        widget.add_class(name)
    return widget


class CidrCalculator(widgets.VBox):
    """The calculator widget; ``cidr_calculator()`` builds it."""

    def __init__(self, text: str = "10.0.1.77/26", cloud: str | None = None):
        self.input = _classed(widgets.Text(value=text, description="Address:", placeholder="10.0.1.77/26",
                                           continuous_update=True,
                                           layout=widgets.Layout(width="320px")), "cidr-calculator-input")
        self.prefix = _classed(widgets.IntSlider(value=24, min=0, max=32, description="Prefix /",
                                                 continuous_update=True), "cidr-calculator-prefix")
        self.aws = _classed(widgets.Checkbox(value=cloud == "aws", description="AWS subnet (5 reserved)",
                                             indent=False), "cidr-calculator-aws")
        self.result = _classed(widgets.HTML(), "cidr-calculator-result")
        self.bits = _classed(widgets.HTML(), "cidr-calculator-bits")
        self.view: CalculatorView | None = None
        self._syncing = False
        super().__init__([widgets.HBox([self.input, self.prefix, self.aws]), self.result, self.bits])
        self.add_class("cidr-calculator")
        self.input.observe(lambda _: self.refresh(), names="value")
        self.aws.observe(lambda _: self.refresh(), names="value")
        self.prefix.observe(self._on_prefix, names="value")
        self.refresh()

    def _on_prefix(self, change) -> None:
        if self._syncing:
            return
        self.input.value = with_prefix(self.input.value, change["new"])  # triggers refresh()

    def refresh(self) -> None:
        """Recompute everything from the input box and the AWS switch."""
        view = calculator_view(self.input.value, cloud="aws" if self.aws.value else None)
        self.view = view
        self.result.value = view.result_html
        self.bits.value = view.bits_html
        if view.prefix is not None and view.prefix != self.prefix.value:
            self._syncing = True  # moving the slider to match the text must not rewrite the text
            try:
                self.prefix.value = view.prefix
            finally:
                self._syncing = False

    def __repr__(self) -> str:
        view = self.view
        shown = f"network {view.description['network']}" if view and view.ok else "error"
        return f"CIDR calculator: {self.input.value} -> {shown}"


def cidr_calculator(text: str = "10.0.1.77/26", cloud: str | None = None) -> CidrCalculator:
    """A CIDR calculator: the describe() table and the 32-bit AND view, live as you type."""
    return CidrCalculator(text, cloud)


class SubnetSplitter(widgets.VBox):
    """The visual splitter widget; ``subnet_splitter()`` builds it."""

    def __init__(self, cidr: str = "10.0.0.0/24", cloud: str | None = None):
        self.input = _classed(widgets.Text(value=cidr, description="Network:", continuous_update=False,
                                           layout=widgets.Layout(width="280px")), "subnet-splitter-input")
        self.aws = _classed(widgets.Checkbox(value=cloud == "aws", description="AWS mode (5 reserved, /16-/28)",
                                             indent=False), "subnet-splitter-aws")
        self.parts = _classed(widgets.BoundedIntText(value=4, min=1, max=SplitTree.MAX_LEAVES,
                                                     description="Parts:", layout=widgets.Layout(width="160px")),
                              "subnet-splitter-parts")
        self.even_button = _classed(widgets.Button(description="Split evenly"), "subnet-splitter-even")
        self.reset_button = _classed(widgets.Button(description="Reset"), "subnet-splitter-reset")
        self.message = _classed(widgets.HTML(), "subnet-splitter-message")
        self.bar = _classed(widgets.HTML(), "subnet-splitter-bar")
        self.table = _classed(widgets.GridBox(layout=widgets.Layout(grid_template_columns="auto 70px 70px",
                                                                    grid_gap="2px 6px")),
                              "subnet-splitter-table")
        self.tree: SplitTree | None = None
        self._syncing = False
        super().__init__([widgets.HBox([self.input, self.aws]),
                          widgets.HBox([self.parts, self.even_button, self.reset_button]),
                          self.message, self.bar, self.table])
        self.add_class("subnet-splitter")
        self.input.observe(lambda _: self.reset(), names="value")
        self.aws.observe(self._on_aws, names="value")
        self.even_button.on_click(lambda _: self.split_evenly(self.parts.value))
        self.reset_button.on_click(lambda _: self.reset())
        self.reset()

    @property
    def cloud(self) -> str | None:
        return "aws" if self.aws.value else None

    def _show(self, tree: SplitTree | None, error: str | None = None) -> None:
        if tree is not None:
            self.tree = tree
        if error:
            self.message.value = error_html(error)
        elif self.tree is not None:
            sizes = sorted({leaf.prefixlen for leaf in self.tree.leaves})
            counts = ", ".join(f"{sum(1 for l in self.tree.leaves if l.prefixlen == p)} × /{p}" for p in sizes)
            self.message.value = (f"{html.escape(str(self.tree.parent))}: {len(self.tree.leaves)} "
                                  f"subnet{'s' if len(self.tree.leaves) != 1 else ''} ({counts})"
                                  + (" · usable counts leave out AWS's 5 reserved addresses" if self.tree.cloud else ""))
        old_cells = self.table.children
        if self.tree is None:
            self.bar.value, self.table.children = "", ()
            _close(old_cells)
            return
        self.bar.value = tree_bar_html(self.tree)
        cells = []
        for row in self.tree.rows():
            split_button = _classed(widgets.Button(description="Split", disabled=not row["can_split"],
                                                   tooltip=f"cut {row['network']} in two"),
                                    "subnet-splitter-split")
            join_button = _classed(widgets.Button(description="Join", disabled=not row["can_join"],
                                                  tooltip=f"merge {row['network']} with its other half"),
                                   "subnet-splitter-join")
            split_button.on_click(lambda _, net=row["network"]: self.split(net))
            join_button.on_click(lambda _, net=row["network"]: self.join(net))
            for button in (split_button, join_button):
                button.layout = widgets.Layout(width="66px")
            cells += [widgets.HTML(tree_row_html(row)), split_button, join_button]
        self.table.children = tuple(cells)
        _close(old_cells)  # the old rows' widgets would otherwise live on in the kernel

    def reset(self) -> None:
        """Start again from the whole network in the input box."""
        try:
            self._show(SplitTree(self.input.value, cloud=self.cloud))
        except AddressError as problem:
            self.tree = None
            self._show(None, str(problem))

    def split(self, network: str) -> None:
        self._apply(lambda tree: tree.split(network))

    def join(self, network: str) -> None:
        self._apply(lambda tree: tree.join(network))

    def split_evenly(self, parts: int) -> None:
        """Replace the tree with an even split into ``parts`` (rounded up to a power of two)."""
        if self.tree is None:
            return self.reset()
        done = self._apply(lambda tree: SplitTree.even(tree.parent, parts=parts, cloud=self.cloud))
        if done and len(self.tree.leaves) != parts:
            spare = len(self.tree.leaves) - parts
            self.message.value += (f" · you asked for {parts}; subnets come in powers of two, so "
                                   f"{spare} {'is' if spare == 1 else 'are'} spare")

    def _apply(self, change) -> bool:
        """Show ``change(tree)``, or keep the tree and show why the change was refused."""
        if self.tree is None:
            return False
        try:
            new_tree = change(self.tree)
        except AddressError as problem:
            self._show(None, str(problem))
            return False
        self._show(new_tree)
        return True

    def _on_aws(self, change) -> None:
        if self._syncing:
            return
        if self.tree is None:
            return self.reset()
        try:
            self._show(SplitTree(self.tree.parent, self.tree.leaves, cloud=self.cloud))
        except AddressError as problem:
            self._syncing = True  # AWS cannot hold this tree: switch back and say why
            try:
                self.aws.value = change["old"]
            finally:
                self._syncing = False
            self._show(None, str(problem))

    def __repr__(self) -> str:
        if self.tree is None:
            return f"Subnet splitter: {self.input.value} (error)"
        count = len(self.tree.leaves)
        return f"Subnet splitter: {self.tree.parent} in {count} subnet{'s' if count != 1 else ''}"


def subnet_splitter(cidr: str = "10.0.0.0/24", cloud: str | None = None) -> SubnetSplitter:
    """A visual subnet splitter: Split and Join buttons per subnet, an even split, AWS mode."""
    return SubnetSplitter(cidr, cloud)


class VlsmPlanner(widgets.VBox):
    """The VLSM planner widget; ``vlsm_planner()`` builds it."""

    def __init__(self, cidr: str = "10.0.0.0/24", needs: Any = None, cloud: str | None = None):
        self.input = _classed(widgets.Text(value=cidr, description="Parent:", continuous_update=False,
                                           layout=widgets.Layout(width="280px")), "vlsm-planner-input")
        self.aws = _classed(widgets.Checkbox(value=cloud == "aws", description="AWS (5 reserved, /16-/28)",
                                             indent=False), "vlsm-planner-aws")
        self.add_button = _classed(widgets.Button(description="Add a row", icon="plus"), "vlsm-planner-add")
        self.rows_box = widgets.VBox()
        self.result = _classed(widgets.HTML(), "vlsm-planner-result")
        self.view: PlanView | None = None
        super().__init__([widgets.HBox([self.input, self.aws]), widgets.HTML("<b>Subnets (name, hosts needed)</b>"),
                          self.rows_box, self.add_button, self.result])
        self.add_class("vlsm-planner")
        items = list(needs.items()) if isinstance(needs, dict) else list(needs or [("", "")])
        for name, hosts in items:
            self.add_row(name, hosts, refresh=False)
        self.input.observe(lambda _: self.refresh(), names="value")
        self.aws.observe(lambda _: self.refresh(), names="value")
        self.add_button.on_click(lambda _: self.add_row())
        self.refresh()

    @property
    def plan(self) -> Plan | None:
        return self.view.plan if self.view else None

    def add_row(self, name: Any = "", hosts: Any = "", refresh: bool = True) -> None:
        name_box = widgets.Text(value=str(name), placeholder="name", continuous_update=False,
                                layout=widgets.Layout(width="180px"))
        hosts_box = widgets.Text(value=str(hosts), placeholder="hosts", continuous_update=False,
                                 layout=widgets.Layout(width="100px"))
        remove = widgets.Button(description="Remove", layout=widgets.Layout(width="80px"))
        row = _classed(widgets.HBox([name_box, hosts_box, remove]), "vlsm-planner-row")
        name_box.observe(lambda _: self.refresh(), names="value")
        hosts_box.observe(lambda _: self.refresh(), names="value")
        remove.on_click(lambda _: self.remove_row(row))
        self.rows_box.children = self.rows_box.children + (row,)
        if refresh:
            self.refresh()

    def remove_row(self, row) -> None:
        self.rows_box.children = tuple(r for r in self.rows_box.children if r is not row)
        _close([row])
        self.refresh()

    def rows(self) -> list[tuple[str, str]]:
        """The (name, hosts) text of every row, as typed."""
        return [(row.children[0].value, row.children[1].value) for row in self.rows_box.children]

    def refresh(self) -> None:
        self.view = plan_view(self.input.value, self.rows(), cloud="aws" if self.aws.value else None)
        self.result.value = self.view.html

    def __repr__(self) -> str:
        if self.plan is None:
            return f"VLSM planner: {self.input.value} (error)"
        return f"VLSM planner: {self.plan.summary()}"


def vlsm_planner(cidr: str = "10.0.0.0/24", needs: Any = None, cloud: str | None = None) -> VlsmPlanner:
    """A VLSM planner: name + hosts rows in, the plan table and an address-space bar out."""
    return VlsmPlanner(cidr, needs, cloud)
