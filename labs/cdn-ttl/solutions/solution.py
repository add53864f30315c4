"""Reference solution of the cdn-ttl mission (for instructors and tests).

Kept apart from the learner's notebook: ``mission.reveal(n, instructor=True)`` shows one step,
``mission.solve()`` applies them all, and ``mission.verify(...)`` replays every step and every known
mistake below on fresh worlds (tests/test_lab_cdn_ttl.py does, on one shared live lab).
"""
from helpers.experiments.l12 import HONOUR_ORIGIN
from helpers.missions import Mistake
from helpers.sim.cdn import CACHING_DISABLED, CACHING_OPTIMIZED, Behavior


def classify(world):
    world.kinds = {"/index.html": "static", "/static/logo.png": "static", "/static/app.3f9a1c.js": "static",
                   "/account/orders": "dynamic", "/api/cart": "dynamic"}


def headers(world):
    """Short for the page that changes, a year for the versioned script, nothing stored for personal data."""
    world.headers = {"/index.html": "public, max-age=300", "/static/logo.png": "public, max-age=86400",
                     "/static/app.3f9a1c.js": "public, max-age=31536000, immutable",
                     "/account/orders": "private, no-store", "/api/cart": "private, no-store"}


def ttl(world):
    """world.try_ttl(...) for a few values: 300 s gives about 60.6% edge hits and 0.87% stale answers."""
    world.page_ttl = 300


def behavior(world):
    world.behaviors = [Behavior("/api/*", "origin", CACHING_DISABLED), Behavior("*", "origin", HONOUR_ORIGIN)]


def deploys(world):
    """40 x 30 = 1,200 paths; 200 beyond the free 1,000 at USD 0.005 = USD 1.00. Versioned names cost nothing."""
    world.invalidation_cost = 1.0
    world.update_method = "versioned"


def live(world):
    world.apply()


SOLUTIONS = {"classify": classify, "headers": headers, "ttl": ttl, "behavior": behavior, "deploys": deploys,
             "live": live}


# ---------------------------------------------------------------------------- known mistakes

def _set_kind(path, value):
    def change(world):
        classify(world)
        world.kinds[path] = value
    return change


def _drop_kind(path):
    def change(world):
        classify(world)
        del world.kinds[path]
    return change


def _header(path, value):
    def change(world):
        headers(world)
        world.headers[path] = value
    return change


def _ttl(value):
    def change(world):
        world.page_ttl = value
    return change


def _behaviors(*items):
    def change(world):
        world.behaviors = list(items)
    return change


def _deploys(cost, method="versioned"):
    def change(world):
        world.invalidation_cost = cost
        world.update_method = method
    return change


def _apply_then(action):
    def change(world):
        world.apply()
        action(world)
    return change


def _live_header(path, value):
    def change(world):
        world.headers[path] = value
        world.apply()
    return change


def _live_behaviors(*items):
    def change(world):
        world.behaviors = list(items)
        world.apply()
    return change


MISTAKES = {
    "classify": [
        Mistake("the cart is static", _set_kind("/api/cart", "static"), "/api/cart is different for every signed-in user"),
        Mistake("orders are static", _set_kind("/account/orders", "static"), "/account/orders is different"),
        Mistake("the home page is dynamic", _set_kind("/index.html", "dynamic"), "it is static content"),
        Mistake("the script is dynamic", _set_kind("/static/app.3f9a1c.js", "dynamic"), "static content"),
        Mistake("a path forgotten", _drop_kind("/static/logo.png"), "/static/logo.png is missing"),
        Mistake("a made-up kind", _set_kind("/static/logo.png", "cacheable"), "is neither"),
    ],
    "headers": [
        Mistake("the cart cached", _header("/api/cart", "public, max-age=60"), "send 'private, no-store'"),
        Mistake("no-cache for personal data", _header("/account/orders", "no-cache"), "no-cache still lets a cache"),
        Mistake("the home page for a day", _header("/index.html", "public, max-age=86400"), "changes every 10 minutes"),
        Mistake("the versioned script for 10 minutes", _header("/static/app.3f9a1c.js", "max-age=600"),
                "cache it for a year"),
        Mistake("the logo not stored", _header("/static/logo.png", "no-store"), "forbids caching it"),
        Mistake("the logo without a header", _header("/static/logo.png", ""), "has no Cache-Control header"),
        Mistake("a malformed max-age", _header("/static/logo.png", "max-age=one-day"), "whole number of seconds"),
    ],
    "ttl": [
        Mistake("a minute", _ttl(60), "raise the TTL"),
        Mistake("an hour", _ttl(3600), "lower the TTL"),
        Mistake("ten minutes", _ttl(600), "over the 1% budget"),
        Mistake("text", _ttl("300"), "whole number of seconds"),
    ],
    "behavior": [
        Mistake("nothing added", _behaviors(Behavior("*", "origin", HONOUR_ORIGIN)), "No behavior matches /api/cart"),
        Mistake("'/api' without the star", _behaviors(Behavior("/api", "origin", CACHING_DISABLED),
                                                      Behavior("*", "origin", HONOUR_ORIGIN)),
                "matches only the path /api itself"),
        Mistake("a caching policy", _behaviors(Behavior("/api/*", "origin", CACHING_OPTIMIZED),
                                               Behavior("*", "origin", HONOUR_ORIGIN)), "still caches"),
        Mistake("'/api*' also catches /apidocs.html", _behaviors(Behavior("/api*", "origin", CACHING_DISABLED),
                                                                 Behavior("*", "origin", HONOUR_ORIGIN)),
                "also catches /apidocs.html"),
        Mistake("the default first", _behaviors(Behavior("*", "origin", HONOUR_ORIGIN),
                                                Behavior("/api/*", "origin", CACHING_DISABLED)), "must stay last"),
        Mistake("caching off everywhere", _behaviors(Behavior("/api/*", "origin", CACHING_DISABLED),
                                                     Behavior("*", "origin", CACHING_DISABLED)),
                "keep caching the rest"),
    ],
    "deploys": [
        Mistake("forgot the free paths", _deploys(6.0), "first 1,000 paths of each month are free"),
        Mistake("thought it all free", _deploys(0), "more than the free 1,000"),
        Mistake("miscounted", _deploys(0.5), "Count the paths"),
        Mistake("invalidate anyway", _deploys(1.0, "invalidate"), "versioned file names need none"),
        Mistake("no method", _deploys(1.0, None), "'invalidate' or 'versioned'"),
    ],
    "live": [
        Mistake("changed after apply", _apply_then(lambda w: w.headers.update({"/index.html": "public, max-age=60"})),
                "run world.apply()"),
        Mistake("logo not stored, live", _live_header("/static/logo.png", "no-store"), "the edge did not keep it"),
        Mistake("the API behavior dropped, live", _live_behaviors(Behavior("*", "origin", HONOUR_ORIGIN)),
                "not BYPASS"),
        Mistake("personal page cached, live", _live_header("/account/orders", "public, max-age=60"),
                "served personal data from its cache"),
    ],
}
