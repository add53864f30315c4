"""The S3-like object store model: bucket names, keys, whole-object writes, listing, versions, events."""
from __future__ import annotations

import pytest

from helpers.errors import InputError
from helpers.sim import objectstore
from helpers.sim.objectstore import NoSuchBucket, NoSuchKey, ObjectStore, ObjectStoreError, validate_bucket_name


@pytest.fixture
def bucket():
    return ObjectStore("ap-northeast-2").create_bucket("netcourse-test-2024")


# ---------------------------------------------------------------------------- names and keys

@pytest.mark.parametrize("name", ["abc", "my.bucket.name", "a" * 63, "netcourse-shop-2024", "1bucket2"])
def test_valid_bucket_names(name):
    assert validate_bucket_name(name) == name


@pytest.mark.parametrize("name, words", [
    ("ab", "3 to 63"), ("a" * 64, "3 to 63"), ("MyBucket", "lowercase"), ("my_bucket", "lowercase"),
    ("-bucket", "begin and end"), ("bucket.", "begin and end"), ("my..bucket", "two dots"),
    ("192.168.5.4", "IP address"), ("xn--bucket", "xn--"), ("sthree-data", "sthree-"),
    ("data-s3alias", "-s3alias"), ("data--ol-s3", "--ol-s3"), (42, "text"),
])
def test_invalid_bucket_names_get_one_sentence(name, words):
    with pytest.raises(ObjectStoreError) as caught:
        validate_bucket_name(name)
    message = str(caught.value)
    assert words in message
    assert message.endswith(".") and message.count(". ") == 0  # one sentence
    assert isinstance(caught.value, InputError)


def test_bucket_names_are_global_and_unique_per_account():
    store = ObjectStore()
    with pytest.raises(ObjectStoreError, match="global across all AWS accounts"):
        store.create_bucket("photos")
    store.create_bucket("photos-team7")
    with pytest.raises(ObjectStoreError, match="already own"):
        store.create_bucket("photos-team7")
    with pytest.raises(NoSuchBucket, match="create_bucket"):
        store.bucket("nope-123")
    assert store.bucket("photos-team7").name == "photos-team7"


def test_key_length_is_counted_in_utf8_bytes(bucket):
    bucket.put("k" * 1024, b"x")
    bucket.put("ä" * 512, b"x")  # 2 bytes each: exactly 1024
    for key in ("k" * 1025, "ä" * 513):
        with pytest.raises(ObjectStoreError, match="1024 bytes"):
            bucket.put(key, b"x")
    with pytest.raises(ObjectStoreError, match="empty"):
        bucket.put("", b"x")


# ---------------------------------------------------------------------------- whole objects

def test_put_and_get_round_trip_with_md5_etag(bucket):
    result = bucket.put("greeting.txt", "hello", content_type="text/plain", metadata={"lang": "en"})
    # MD5("hello") is a published constant; S3 uses the body's MD5 as ETag for a single PUT.
    assert result.etag == '"5d41402abc4b2a76b9719d911017c592"'
    obj = bucket.get("greeting.txt")
    assert (obj.body, obj.text, obj.size, obj.content_type) == (b"hello", "hello", 5, "text/plain")
    assert dict(obj.metadata) == {"lang": "en"}
    assert bucket.head("greeting.txt").etag == result.etag


def test_overwrite_replaces_the_whole_body(bucket):
    bucket.put("doc.txt", "abcdef")
    bucket.put("doc.txt", "xy")
    assert bucket.get("doc.txt").body == b"xy"  # not b"xycdef": nothing is edited in place
    assert bucket.versions("doc.txt")[0].version_id == "null"
    assert len(bucket.versions("doc.txt")) == 1  # without versioning the old body is gone


def test_no_append_and_no_rename(bucket):
    bucket.put("log.txt", "one\n")
    with pytest.raises(ObjectStoreError, match="cannot be appended"):
        bucket.append("log.txt", "two\n")
    with pytest.raises(ObjectStoreError, match=r"no rename.*copy.*delete"):
        bucket.rename("log.txt", "old.txt")
    assert bucket.get("log.txt").text == "one\n"
    assert not bucket.exists("old.txt")


def test_move_is_copy_plus_delete_and_copy_uploads_nothing(bucket):
    bucket.put("drafts/menu.txt", "coffee")
    sent = bucket.store.bytes_sent
    bucket.copy("drafts/menu.txt", "menu.txt")
    bucket.delete("drafts/menu.txt")
    assert bucket.store.bytes_sent == sent
    assert bucket.get("menu.txt").text == "coffee"
    assert not bucket.exists("drafts/menu.txt")
    assert bucket.store.requests["COPY"] == 1 and bucket.store.requests["DELETE"] == 1


def test_copy_between_buckets():
    store = ObjectStore()
    a, b = store.create_bucket("bucket-a-13"), store.create_bucket("bucket-b-13")
    a.put("x.bin", b"\x00\x01")
    b.copy("x.bin", "copied.bin", source_bucket=a)
    assert b.get("copied.bin").body == b"\x00\x01"


def test_ranged_get_reads_part_of_an_object(bucket):
    bucket.put("words.txt", "hello world")
    part = bucket.get("words.txt", byte_range=(6, 10))
    assert part.body == b"world"
    assert bucket.store.bytes_received == 5
    for bad in ((5, 2), (-1, 3), (11, 12)):
        with pytest.raises(ObjectStoreError, match="byte range"):
            bucket.get("words.txt", byte_range=bad)


def test_single_put_limit(monkeypatch, bucket):
    monkeypatch.setattr(objectstore, "MAX_SINGLE_PUT", 10)
    with pytest.raises(ObjectStoreError, match="multipart"):
        bucket.put("big.bin", b"x" * 11)
    bucket.put("ok.bin", b"x" * 10)


def test_bodies_must_be_bytes_or_text(bucket):
    with pytest.raises(ObjectStoreError, match="bytes or text"):
        bucket.put("n.txt", 42)


# ---------------------------------------------------------------------------- missing keys

def test_missing_keys_say_what_is_wrong(bucket):
    bucket.put("Orders/1.json", "{}")
    bucket.put("img/a.png", b"a")
    with pytest.raises(NoSuchKey, match="case-sensitive"):
        bucket.get("orders/1.json")
    with pytest.raises(NoSuchKey, match=r"only a prefix.*prefix='img/'"):
        bucket.get("img")
    with pytest.raises(NoSuchKey, match=r"list\(\)"):
        bucket.get("nothing.txt")


# ---------------------------------------------------------------------------- listing

def test_list_is_in_utf8_byte_order(bucket):
    for key in ("b", "a/2", "a/10", "A", "ä"):
        bucket.put(key, "x")
    # Byte order: 'A' (0x41) < 'a/10' < 'a/2' ('1' < '2') < 'b' < 'ä' (0xC3 0xA4).
    assert bucket.list().keys == ["A", "a/10", "a/2", "b", "ä"]


def test_delimiter_rolls_keys_up_into_prefixes(bucket):
    for key in ("a/b/c.txt", "a/d.txt", "e.txt", "a/b/f.txt"):
        bucket.put(key, "x")
    top = bucket.list(delimiter="/")
    assert top.common_prefixes == ("a/",) and top.keys == ["e.txt"]
    inner = bucket.list(prefix="a/", delimiter="/")
    assert inner.common_prefixes == ("a/b/",) and inner.keys == ["a/d.txt"]
    assert bucket.list(prefix="a/b/").keys == ["a/b/c.txt", "a/b/f.txt"]
    assert "PRE a/" in repr(top)


def test_folders_are_only_prefixes(bucket):
    bucket.put("a/b/c.txt", "x")
    assert len(bucket.list().objects) == 1  # one key, one object: no a/ or a/b/ objects
    bucket.delete("a/b/c.txt")
    assert bucket.list(delimiter="/").common_prefixes == ()  # the "folder" vanished with its last key
    assert "nothing under this prefix" in repr(bucket.list())


# ---------------------------------------------------------------------------- versioning

def test_versioning_keeps_old_versions_and_delete_adds_a_marker():
    bucket = ObjectStore().create_bucket("versions-13", versioning=True)
    first = bucket.put("menu.txt", "coffee 4000")
    second = bucket.put("menu.txt", "coffee 4500")
    assert first.version_id != second.version_id and "null" not in (first.version_id, second.version_id)
    marker = bucket.delete("menu.txt")
    history = bucket.versions("menu.txt")
    assert [v.version_id for v in history] == [marker, second.version_id, first.version_id]
    assert history[0].delete_marker and history[0].latest and not history[1].latest
    with pytest.raises(NoSuchKey):
        bucket.get("menu.txt")
    assert bucket.get("menu.txt", version_id=first.version_id).text == "coffee 4000"
    with pytest.raises(NoSuchKey, match="delete marker"):
        bucket.get("menu.txt", version_id=marker)
    with pytest.raises(NoSuchKey, match="no version"):
        bucket.get("menu.txt", version_id="nope")
    assert bucket.list().keys == []


def test_version_ids_repeat_from_run_to_run():
    ids = []
    for _ in range(2):
        bucket = ObjectStore().create_bucket("versions-13", versioning=True)
        ids.append([bucket.put("k", str(n)).version_id for n in range(3)])
    assert ids[0] == ids[1]


def test_suspended_versioning_replaces_only_the_null_version():
    bucket = ObjectStore().create_bucket("suspend-13")
    with pytest.raises(ObjectStoreError, match="never enabled"):
        bucket.suspend_versioning()
    bucket.enable_versioning()
    kept = bucket.put("k", "versioned")
    bucket.suspend_versioning()
    bucket.put("k", "null one")
    bucket.put("k", "null two")
    history = bucket.versions("k")
    assert [v.version_id for v in history] == ["null", kept.version_id]
    assert bucket.get("k").text == "null two"
    bucket.delete("k")
    history = bucket.versions("k")
    assert history[0].delete_marker and history[0].version_id == "null" and len(history) == 2


# ---------------------------------------------------------------------------- other services

def test_notifications_call_matching_handlers_once(bucket):
    seen = []
    bucket.notify(lambda event: seen.append((event.key, event.size, event.name)), prefix="uploads/", suffix=".jpg")
    bucket.put("uploads/a.jpg", b"1234")
    bucket.put("uploads/b.png", b"12")
    bucket.put("other/c.jpg", b"1")
    bucket.copy("uploads/a.jpg", "uploads/d.jpg")
    assert seen == [("uploads/a.jpg", 4, "ObjectCreated:Put"), ("uploads/d.jpg", 4, "ObjectCreated:Copy")]


def test_a_handler_writing_to_its_own_trigger_is_stopped(bucket):
    def loops(event):
        bucket.put("uploads/again-" + event.key.rsplit("/", 1)[-1], b"x")

    bucket.notify(loops, prefix="uploads/")
    with pytest.raises(ObjectStoreError, match="call itself forever"):
        bucket.put("uploads/a.jpg", b"x")
    with pytest.raises(ObjectStoreError, match="function"):
        bucket.notify("not callable")


def test_url_and_request_lines(bucket):
    assert bucket.url("my photos/café.jpg") == \
        "https://netcourse-test-2024.s3.ap-northeast-2.amazonaws.com/my%20photos/caf%C3%A9.jpg"
    request = bucket.request("put", "a.txt", "héllo").splitlines()
    assert request == ["PUT /a.txt HTTP/1.1", "Host: netcourse-test-2024.s3.ap-northeast-2.amazonaws.com",
                       "Content-Length: 6"]
    with pytest.raises(ObjectStoreError, match="GET, PUT"):
        bucket.request("PATCH", "a.txt")


def test_traffic_counts_requests_and_bytes(bucket):
    bucket.put("a", b"x" * 100)
    bucket.put("a", b"y" * 100)  # an overwrite uploads the whole body again
    bucket.get("a")
    bucket.list()
    store = bucket.store
    assert (store.bytes_sent, store.bytes_received) == (200, 100)
    assert store.requests == {"PUT": 2, "GET": 1, "LIST": 1}
    assert store.traffic() == "requests: 1 GET, 1 LIST, 2 PUT; uploaded 200 B, downloaded 100 B"
    store.reset_traffic()
    assert store.traffic() == "requests: none; uploaded 0 B, downloaded 0 B"
