"""Lesson 07: HTTP status helpers, the private /etc, and the DNS lab read through its captures."""
from __future__ import annotations

import pytest

from helpers.errors import InputError
from helpers.experiments import l07


def test_status_classes():
    assert [l07.status_class(c) for c in (200, 301, 404, 500, 503)] == [
        "success", "redirection", "client error", "server error", "server error"]
    for bad in (99, 600, "200"):
        with pytest.raises(InputError):
            l07.status_class(bad)


def test_private_etc_script_and_its_guards():
    etc = l07.PrivateEtc(hosts="127.0.0.1 localhost\n203.0.113.99 www.example.com\n")
    assert etc.hosts == ["127.0.0.1 localhost", "203.0.113.99 www.example.com"]
    script = etc.script("getent hosts www.example.com")
    assert script.startswith("unshare --mount sh -ec '") and script.endswith("getent hosts www.example.com'")
    assert 'printf "%s\\n" "127.0.0.1 localhost" "203.0.113.99 www.example.com" > /mnt/hosts' in script
    assert "mount --bind /mnt/$f /etc/$f" in script
    with pytest.raises(InputError):
        l07.PrivateEtc(hosts=["127.0.0.1 'quoted'"])
    with pytest.raises(InputError):
        etc.script("echo 'x'")


def test_arrows_label_queries_and_responses():
    messages = [l07.DnsMessage(1, "c1 (client)", "res (resolver)", "query", "www.example.com. A", ["rd"], "?"),
                l07.DnsMessage(2, "example.com. server", "res (resolver)", "response", "www.example.com. A",
                               ["aa"], "answer: A 203.0.113.80 (TTL 300)")]
    assert l07.arrows(messages) == [("c1 (client)", "res (resolver)", "www.example.com. A?"),
                                    ("example.com. server", "res (resolver)", "A 203.0.113.80 (TTL 300) [aa]")]
    assert l07.upstream_queries(messages) == []


@pytest.mark.live
def test_http_lab_answers_each_route_with_its_status(live):
    lab = l07.http_lab()
    try:
        lab.start()
        c1 = lab["c1"]
        statuses = {path: c1.http(f"http://{l07.WEB}{path}", method="HEAD").status
                    for path in ("/", "/old-page", "/missing", "/report", "/busy")}
        assert statuses == {"/": 200, "/old-page": 301, "/missing": 404, "/report": 500, "/busy": 503}
        moved = c1.http(f"http://{l07.WEB}/old-page", method="HEAD")
        assert moved.header("Location") == "http://10.0.7.80/" and moved.header("Expires") == l07.FAR_FUTURE
        assert "max-age=2592000" in moved.header("Cache-Control")
    finally:
        lab.stop()
