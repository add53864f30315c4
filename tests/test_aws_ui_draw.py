"""The rule evaluator's logic and the VPC drawing's layout (pictures and widgets are not compared
by nbval, so what they show is checked here)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest

from helpers.aws import Cloud, two_az_vpc
from helpers.aws.scenarios import SCENARIOS
from helpers.draw.vpc import draw_vpc, path_points, vpc_layout
from helpers.errors import InputError
from helpers.ui.vpc import evaluate_traffic, rule_evaluator, side_by_side


@pytest.fixture
def blog():
    cloud = SCENARIOS["nacl-no-ephemeral"].build()
    vpc = cloud.vpc("blog")
    return vpc.security_group("web-sg"), vpc.network_acl("web-acl")


def test_request_allowed_but_reply_denied_by_the_stateless_acl(blog):
    sg, acl = blog
    ev = evaluate_traffic(sg, acl, "tcp", "203.0.113.10", 50000, "10.20.1.4", 443, inbound=True)
    assert ev.sg_allowed and ev.acl_allowed and not ev.reply_acl_allowed and not ev.works
    assert ev.deciding == {"request SG": "web-sg: tcp 443 from 0.0.0.0/0",
                           "request ACL": "rule 100: allow tcp 443 from 0.0.0.0/0",
                           "reply SG": "tracked: reply of an allowed connection",
                           "reply ACL": "rule *: deny all traffic"}
    assert ev.reply.dport == (50000, 50000) and ev.reply.sport == (443, 443)
    assert "times out" in ev.verdict()


def test_the_acl_rule_that_decides_is_marked_and_later_ones_not_reached(blog):
    sg, acl = blog
    acl.allow_outbound(110, "tcp", "1024-65535")
    acl.deny_outbound(120, "tcp", "50000")
    ev = evaluate_traffic(sg, acl, "tcp", "203.0.113.10", 50000, "10.20.1.4", 443)
    statuses = [(r.rule.split(":")[0], r.status) for r in ev.reply_acl_rows]
    assert statuses == [("rule 100", "no match"), ("rule 110", "ALLOWS"), ("rule 120", "not reached"),
                        ("rule *", "not reached")]
    assert ev.works


def test_security_group_denies_by_default(blog):
    sg, acl = blog
    ev = evaluate_traffic(sg, acl, "tcp", "203.0.113.10", 50000, "10.20.1.4", 22)
    assert not ev.sg_allowed and ev.sg_rows[-1].status == "DENIES"
    assert ev.reply_sg_rows[0].status == "no match"


def test_outbound_request_uses_outbound_rules_then_inbound_for_the_reply(blog):
    sg, acl = blog
    ev = evaluate_traffic(sg, acl, "tcp", "10.20.1.4", 40000, "198.51.100.80", 443, inbound=False)
    assert ev.sg_allowed                                     # the default 'all traffic out' rule
    assert ev.acl_allowed                                    # outbound rule 100 allows tcp 443
    assert not ev.reply_acl_allowed                          # inbound reply to port 40000: no rule


def test_side_by_side_table(blog):
    table = side_by_side(*blog, [("HTTPS in", "tcp", "203.0.113.10", 50000, "10.20.1.4", 443, True),
                                 ("ssh in", "tcp", "203.0.113.10", 50000, "10.20.1.4", 22, True)])
    assert table.rows == (("HTTPS in", "allow", "allow", "tracked", "deny", "no"),
                          ("ssh in", "deny", "deny", "-", "-", "no"))
    assert "request: SG" in repr(table)


def test_bad_evaluator_input_is_a_sentence(blog):
    with pytest.raises(InputError):
        evaluate_traffic(*blog, "tcp", "not-an-ip", 1, "10.0.0.1", 80)
    with pytest.raises(InputError):
        evaluate_traffic(*blog, "tcp", "1.2.3.4", 70000, "10.0.0.1", 80)


def test_widget_updates_from_its_inputs(blog):
    widget = rule_evaluator(*blog, dport=443)
    assert "drops the reply" in widget.output.value
    widget.inputs["dport"].value = 22
    assert "security group drops the request" in widget.output.value
    widget.inputs["src"].value = "nonsense"
    assert "⚠" in widget.output.value


# ---------------------------------------------------------------------------- drawing

def test_layout_places_subnets_in_their_az_inside_the_vpc_and_region():
    cloud = Cloud()
    vpc = two_az_vpc(cloud, "shop", "10.0.0.0/16")
    layout = vpc_layout(cloud)
    region, box = layout.shape("ap-northeast-2"), layout.shape(vpc.id)
    assert region.contains(box)
    for subnet in vpc.subnets:
        shape = layout.shape(subnet.id)
        assert shape.kind == ("public" if subnet.is_public else "private")
        assert layout.shape(f"{vpc.id}:{subnet.az}").contains(shape) and box.contains(shape)
    for instance in cloud.instances.values():
        assert layout.shape(instance.eni.subnet).contains(layout.shape(instance.id))
    igw = layout.shape(vpc.internet_gateway.id)
    assert igw.y + igw.h > box.y + box.h                      # on the VPC's top edge
    assert layout.shape("internet").y > igw.y


def test_layout_draws_one_arrow_per_subnet_and_target():
    cloud = Cloud()
    vpc = two_az_vpc(cloud, "shop", "10.0.0.0/16")
    arrows = {(a.src, a.dst, a.label) for a in vpc_layout(cloud).arrows if a.style == "route"}
    igw = vpc.internet_gateway.id
    subnets = {s.name: s.id for s in vpc.subnets}
    assert (subnets["public-a"], igw, "0.0.0.0/0") in arrows
    assert (subnets["public-c"], igw, "0.0.0.0/0") in arrows
    nat_a = next(n.id for n in cloud.nat_gateways.values() if n.subnet == subnets["public-a"])
    assert (subnets["private-a"], nat_a, "0.0.0.0/0") in arrows
    assert len(arrows) == 4


def test_blackhole_routes_are_drawn_as_such():
    cloud = SCENARIOS["nat-in-private-subnet"].fixed()        # the old NAT gateway was deleted ...
    vpc = cloud.vpc("shop")
    vpc.route_table("data-rt").add_route("0.0.0.0/0", next(iter(cloud.nat_gateways.values())))
    cloud.delete(next(iter(cloud.nat_gateways.values())))     # ... and now this one too
    layout = vpc_layout(cloud)
    assert {a.style for a in layout.arrows if a.src == vpc.subnet("data-a").id} == {"blackhole"}


def test_peerings_are_placed_between_their_vpcs():
    cloud = SCENARIOS["transitive-peering"].build()
    layout = vpc_layout(cloud)
    ab = layout.shape(cloud.peering("app-shared").id)
    app, shared = layout.shape(cloud.vpc("app").id), layout.shape(cloud.vpc("shared").id)
    assert app.centre[0] <= ab.centre[0] <= shared.centre[0] and ab.y < app.y


def test_path_points_follow_the_analysis():
    cloud = Cloud()
    two_az_vpc(cloud, "shop", "10.0.0.0/16")
    result = cloud.analyze("app-a", "the internet", "tcp", 443)
    points = path_points(vpc_layout(cloud), result)
    nat = next(n.id for n in cloud.nat_gateways.values() if n.subnet_obj.name == "public-a")
    app = cloud.instance("app-a")
    assert points["forward"][0] == app.id and points["forward"][-1] == "internet"
    assert nat in points["forward"] and cloud.vpc("shop").internet_gateway.id in points["forward"]
    assert points["return"][0] == "internet" and points["return"][-1] == app.id


def test_drawing_returns_a_figure():
    cloud = SCENARIOS["missing-igw-route"].build()
    figure = draw_vpc(cloud, cloud.analyze(*SCENARIOS["missing-igw-route"].question))
    assert "blocked: NO_ROUTE_TO_DESTINATION" in figure.axes[0].get_title()
    with pytest.raises(InputError):
        draw_vpc(Cloud())
