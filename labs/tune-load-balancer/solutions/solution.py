"""Reference solution of the tune-load-balancer mission (for instructors and tests).

Kept apart from the learner's notebook: ``mission.reveal(n, instructor=True)`` shows one step,
``mission.solve()`` applies them all, and ``mission.verify(TuneWorld.fresh)`` replays every step
and every known mistake below on fresh worlds (tests/test_lab_tune_load_balancer.py does, on one
shared lab).

Each step changes the model (``world.alb``) and then applies it: ``world.apply()`` writes the
haproxy.cfg the model stands for and restarts HAProxy, as changing an ALB's settings does.
"""
from helpers.missions import Mistake
from helpers.sim.loadbalancer import HealthCheck, Stickiness, path


def health(world):
    """The servers answer 200 on /health; /healthz is a 404 on every one of them."""
    web = world.alb.target_groups["web"]
    web.health_check = HealthCheck(path="/health", interval=30, timeout=5, healthy_threshold=10,
                                   unhealthy_threshold=10)
    world.apply()


def timing(world):
    """Out after 2 failures 10 s apart (at most 20 s), back after 3 passes (at most 30 s)."""
    web = world.alb.target_groups["web"]
    web.health_check = HealthCheck(path="/health", interval=10, timeout=5, healthy_threshold=3,
                                   unhealthy_threshold=2)
    world.apply()


def routing(world):
    """'/api' matches only the path /api; '/api/*' matches everything under it, and not /api-guide.html."""
    listener = world.alb.listeners[80]
    listener.rules.clear()
    listener.add_rule(10, [path("/api/*")], forward="api")
    world.apply()


def sticky(world):
    world.alb.target_groups["web"].stickiness = Stickiness(3600)
    world.apply()


SOLUTIONS = {"health": health, "timing": timing, "routing": routing, "sticky": sticky}


# ---------------------------------------------------------------------------- known mistakes

def _nothing(world):
    pass


def _web_check(apply=True, **fields):
    def change(world):
        settings = dict(path="/health", interval=30, timeout=5, healthy_threshold=10, unhealthy_threshold=10)
        settings.update(fields)
        world.alb.target_groups["web"].health_check = HealthCheck(**settings)
        if apply:
            world.apply()
    return change


def _web_check_field(name, value):
    """Set one field by hand, past HealthCheck's own validation (as `check.interval = 5` would)."""
    def change(world):
        timing(world)
        setattr(world.alb.target_groups["web"].health_check, name, value)
        world.apply()
    return change


def _api_check_changed(world):
    world.alb.target_groups["api"].health_check = HealthCheck(path="/health", interval=10, timeout=5,
                                                              healthy_threshold=2, unhealthy_threshold=2)
    world.apply()


def _rule(pattern, group="api", apply=True):
    def change(world):
        listener = world.alb.listeners[80]
        listener.rules.clear()
        listener.add_rule(10, [path(pattern)], forward=group)
        if apply:
            world.apply()
    return change


def _sticky(web=None, api=None, apply=True):
    def change(world):
        groups = world.alb.target_groups
        groups["web"].stickiness = Stickiness(web) if web else None
        groups["api"].stickiness = Stickiness(api) if api else None
        if apply:
            world.apply()
    return change


MISTAKES = {
    "health": [
        Mistake("nothing changed yet", _nothing, "HAProxy reports: web1 DOWN (L7STS 404)"),
        Mistake("404 accepted as healthy", _web_check(path="/healthz", success_codes=(200, 404)),
                "counts 404 as healthy"),
        Mistake("checks the home page", _web_check(path="/"), "the developers built /health"),
        Mistake("changed the api group instead", _api_check_changed, "answer with 404"),
        Mistake("model right, not applied", _web_check(apply=False), "run world.apply()"),
    ],
    "timing": [
        Mistake("nothing changed yet", _nothing, "up to 300 s"),
        Mistake("checks more often, same threshold", _web_check(interval=5, timeout=4), "up to 50 s"),
        Mistake("out fast, back slowly", _web_check(interval=10, unhealthy_threshold=2, healthy_threshold=10),
                "waits up to 100 s"),
        Mistake("out after one failure", _web_check_field("unhealthy_threshold", 1), "a single lost check"),
        Mistake("timeout as long as the interval", _web_check_field("timeout", 10), "must be shorter than the interval"),
        Mistake("model right, not applied", _web_check(apply=False, interval=10, unhealthy_threshold=2,
                                                       healthy_threshold=3), "run world.apply()"),
    ],
    "routing": [
        Mistake("nothing changed yet", _nothing, "matches only the path /api itself"),
        Mistake("pattern without the slash", _rule("/api*"), "merely starts with '/api'"),
        Mistake("forwarded to web", _rule("/api/*", group="web"), "no rule sends it to api"),
        Mistake("model right, not applied", _rule("/api/*", apply=False), "run world.apply()"),
    ],
    "sticky": [
        Mistake("nothing changed yet", _nothing, "the web target group is not sticky"),
        Mistake("api made sticky instead", _sticky(api=3600), "api is sticky now"),
        Mistake("both sticky", _sticky(web=3600, api=3600), "keep api non-sticky"),
        Mistake("a one-minute cookie", _sticky(web=60), "a 60 s cookie"),
        Mistake("model right, not applied", _sticky(web=3600, apply=False), "run world.apply()"),
    ],
}
