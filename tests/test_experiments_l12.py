"""Lesson 12's live lab: nginx as an edge cache, checked against the CDN model and real requests."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from helpers.errors import InputError
from helpers.experiments import l12
from helpers.sim.cdn import CACHING_DISABLED, CACHING_OPTIMIZED, Behavior
from tests.conftest import live_mode_or_skip, tool_or_skip

NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")


def test_config_has_one_location_per_behavior():
    text = l12.nginx_config([Behavior("/api/*", "o", CACHING_DISABLED), Behavior("/img/*", "o"),
                             Behavior("*", "o", CACHING_OPTIMIZED)])
    api = text.split("location /api/ {")[1].split("}")[0]
    assert "proxy_cache_bypass 1;" in api and "proxy_no_cache 1;" in api
    img = text.split("location /img/ {")[1].split("}")[0]
    assert "proxy_cache edge;" in img and "bypass" not in img
    assert "location / {" in text and "add_header X-Cache-Status $upstream_cache_status always;" in text
    assert "/tmp" not in text and "proxy_cache_path cache " in text  # relative to the lab's folder


@pytest.mark.parametrize("behaviors, words", [
    ([Behavior("/api/*", "o")], "default one"),
    ([Behavior("/api/*.json", "o"), Behavior("*", "o")], "a folder and '*'"),
    ([Behavior("/a/*", "o"), Behavior("/a/*", "o"), Behavior("*", "o")], "two behaviors"),
])
def test_config_refuses_what_nginx_cannot_stand_in_for(behaviors, words):
    with pytest.raises(InputError, match=words):
        l12.nginx_config(behaviors)


@pytest.mark.skipif(not NGINX, reason="nginx is not installed")
def test_nginx_accepts_the_generated_config(tmp_path):
    (tmp_path / "nginx.conf").write_text(l12.nginx_config().replace("user root;", ""))
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / "tmp" / sub).mkdir(parents=True)
    done = subprocess.run([NGINX, "-t", "-p", f"{tmp_path}/", "-c", "nginx.conf", "-e", "stderr"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr


def test_model_of_the_lab_predicts_the_demo_by_hand():
    """Worked out from the headers: max-age=3 caches 3 s; no-store and /api/* never."""
    model = l12.lab_model()
    behaviors = {p: model.behavior_for(p) for p in l12.CONTENT}
    t, expected = 0.0, []
    for pause, path in l12.SEQUENCE:
        t += pause
        fetch = model.request(path, edge="edge", at=t)
        expected.append(l12.expected_status(fetch, behaviors[path]))
    assert expected == ["MISS", "HIT", "HIT", "MISS", "MISS", "BYPASS", "BYPASS", "EXPIRED", "HIT"]
    # an origin fetch: 1 ms to the edge, then 2 round trips of 100 ms (connect, then ask)
    assert l12.lab_model().request("/static/logo.png", edge="edge").latency_ms == 201


def test_inputs_are_checked_before_anything_runs():
    lab = l12.CdnLab(name="test-l12-spec")
    with pytest.raises(InputError, match="plain characters"):
        lab.get("static; rm -rf /")
    with pytest.raises(InputError, match="between 0 and 30"):
        lab.wait(99)
    with pytest.raises(InputError, match="a pair"):
        lab.play([("/x",)])


# ---------------------------------------------------------------------------- live

@pytest.fixture(scope="module")
def lab():
    live_mode_or_skip()
    tool_or_skip(NGINX, "nginx")
    lab = l12.CdnLab(name="test-l12")
    try:
        lab.start()
        yield lab
    finally:
        lab.stop()


@pytest.mark.live
def test_miss_hit_expired_bypass_as_the_model_predicts(lab):
    lab.run_nginx()
    before = lab.origin_requests()
    played = lab.play()
    assert played.statuses() == ["MISS", "HIT", "HIT", "MISS", "MISS", "BYPASS", "BYPASS", "EXPIRED", "HIT"]
    assert played.agree()
    # the origin saw exactly the requests that were not hits: 6 of 9
    assert lab.origin_requests() - before == 6
    timing = played.latency()
    # a hit never crosses the 100 ms round trip to the origin; a fetch crosses it at least twice
    assert timing["edge hit"] < 50
    assert timing["origin fetch"] >= 2 * 2 * l12.ORIGIN_DELAY_MS * 0.9
    assert played.rows[0][1].cache_control == f"public, max-age={l12.MAX_AGE}"


@pytest.mark.live
def test_a_restarted_edge_starts_empty_and_an_uncached_behavior_bypasses(lab):
    lab.run_nginx([Behavior("/static/*", "origin", CACHING_DISABLED), Behavior("*", "origin", l12.HONOUR_ORIGIN)])
    assert [lab.get("/static/logo.png").cache_status for _ in range(2)] == ["BYPASS", "BYPASS"]
    assert lab.get("/api/cart").cache_status == "MISS"  # no-store from the origin: looked up, never stored
    assert lab.get("/api/cart").cache_status == "MISS"
    lab.run_nginx()
    assert [lab.get("/static/logo.png").cache_status for _ in range(2)] == ["MISS", "HIT"]


@pytest.mark.live
def test_new_origin_headers_change_what_is_cached(lab):
    content = dict(l12.CONTENT)
    content["/account.html"] = ("public, max-age=60", "<h1>same for everyone</h1>\n", "text/html", False)
    lab.set_content(content)
    try:
        lab.run_nginx()
        assert [lab.get("/account.html").cache_status for _ in range(2)] == ["MISS", "HIT"]
        assert lab.get("/nothing-here").status == 404
    finally:
        lab.set_content(l12.CONTENT)


def test_a_played_sequence_compares_the_same_every_time():
    """The model's prediction is made once: showing the table twice must not warm its cache twice."""
    def fetched(path, status):
        result = l12.R.CommandResult("client", f"curl {path}", "")
        return l12.Fetched(result, path, 200, status, "", 1.0)

    played = l12.Played([(0, fetched("/static/logo.png", "MISS")), (0, fetched("/static/logo.png", "HIT")),
                         (0, fetched("/api/cart", "MISS"))], l12.lab_model())
    first, second = played.compare(), played.compare()
    assert first.rows == second.rows
    assert [row[-1] for row in first.rows] == ["✓", "✓", "✗"]  # the model says BYPASS for /api/*
    assert not played.agree()


def test_misshapen_behaviors_and_content_are_named_in_one_sentence():
    with pytest.raises(InputError, match="'/api/\\*' is not a Behavior"):
        l12.nginx_config(["/api/*"])
    with pytest.raises(InputError, match=r"should be \(cache_control, body, type, dynamic\)"):
        l12.origin_routes({"/x": ("public, max-age=60", "x")})
