"""A small S3-like object store: buckets of objects, each addressed by a key.

    s3 = ObjectStore()                                  # one AWS account in one region
    site = s3.create_bucket("netcourse-site-2024")
    site.put("img/logo.png", b"...", content_type="image/png")
    site.get("img/logo.png").body                       # the whole object, by its exact key
    site.list(prefix="img/")                            # keys are flat; "folders" are key prefixes
    site.list(delimiter="/")                            # ... grouped at "/" so they look like folders
    site.put("notes.txt", "v2")                         # a new body replaces the old one entirely
    site.copy("notes.txt", "archive/notes.txt"); site.delete("notes.txt")   # S3 has no rename

What the model keeps from S3 (and what lesson 13 teaches with it):

* a bucket name is global: no two accounts can own the same one, and it must fit the naming rules;
* an object is a key, a body and a little metadata (size, ETag, content type); there is no
  directory tree, no append and no write-at-offset: the only way to change an object is to put a
  whole new body under the same key (a ranged GET can read part of one, nothing writes part);
* there is no rename: a "move" is a copy to the new key plus a delete of the old one, one pair
  per object (so "renaming a folder" of 10,000 objects is 20,000 requests);
* with versioning on, an overwrite or delete keeps the old versions (a delete adds a marker);
* it is reached over HTTPS by any program with permission, not mounted by an instance, so other
  services can react to new objects (``notify``), the way S3 event notifications start a Lambda.

Everything is deterministic: version IDs and ETags derive from the content and a counter, not from
clocks or random numbers, so notebooks print the same thing every run.
"""
from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import quote

from netaddr import AddrFormatError, IPAddress

from helpers.errors import InputError

__all__ = ["ObjectStore", "Bucket", "StoredObject", "PutResult", "Listing", "Event", "Version",
           "ObjectStoreError", "NoSuchKey", "NoSuchBucket", "validate_bucket_name", "validate_key"]

MAX_KEY_BYTES = 1024
MAX_SINGLE_PUT = 5 * 1024 ** 3  # one PUT carries at most 5 GiB (bigger objects need multipart upload)
# Names other AWS accounts already own in this model: bucket names are one global namespace.
TAKEN_ELSEWHERE = frozenset({"test", "images", "photos", "backup", "logs", "data", "www", "static"})


class ObjectStoreError(InputError):
    """A request S3 would refuse; the message says why and what to do instead."""


class NoSuchBucket(ObjectStoreError):
    pass


class NoSuchKey(ObjectStoreError):
    pass


def validate_bucket_name(name) -> str:
    """The name if S3 would accept it for a new general purpose bucket; one sentence if not."""
    if not isinstance(name, str):
        raise ObjectStoreError(f"a bucket name is text, like 'netcourse-site-2024'; got {name!r}.")
    if not 3 <= len(name) <= 63:
        raise ObjectStoreError(f"bucket name {name!r} has {len(name)} characters; it needs 3 to 63.")
    if not re.fullmatch(r"[a-z0-9.-]+", name):
        raise ObjectStoreError(f"bucket name {name!r} may only use lowercase letters, digits, '.' and '-' "
                               f"(no capitals, underscores or spaces).")
    if not (name[0].isalnum() and name[-1].isalnum()):
        raise ObjectStoreError(f"bucket name {name!r} must begin and end with a letter or a digit.")
    if ".." in name:
        raise ObjectStoreError(f"bucket name {name!r} has two dots in a row; use one.")
    try:
        IPAddress(name, flags=0)
        looks_like_ip = name.count(".") == 3
    except (AddrFormatError, ValueError):
        looks_like_ip = False
    if looks_like_ip:
        raise ObjectStoreError(f"bucket name {name!r} looks like an IP address, which S3 does not allow.")
    for prefix in ("xn--", "sthree-", "amzn-s3-demo-"):
        if name.startswith(prefix):
            raise ObjectStoreError(f"bucket names may not start with {prefix!r}; AWS reserves it.")
    for suffix in ("-s3alias", "--ol-s3", ".mrap", "--x-s3"):
        if name.endswith(suffix):
            raise ObjectStoreError(f"bucket names may not end with {suffix!r}; AWS reserves it.")
    return name


def validate_key(key) -> str:
    """An object key: any UTF-8 text of 1 to 1024 bytes."""
    if not isinstance(key, str):
        raise ObjectStoreError(f"an object key is text, like 'img/logo.png'; got {key!r}.")
    size = len(key.encode("utf-8"))
    if size == 0:
        raise ObjectStoreError("an object key cannot be empty; name the object, like 'img/logo.png'.")
    if size > MAX_KEY_BYTES:
        raise ObjectStoreError(f"that key is {size} bytes long; S3 keys are at most {MAX_KEY_BYTES} bytes.")
    return key


def _body_bytes(body) -> bytes:
    if isinstance(body, bytes):
        return body
    if isinstance(body, bytearray):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    raise ObjectStoreError(f"an object's body is bytes or text; got {type(body).__name__}.")


def etag_of(body: bytes) -> str:
    """The ETag S3 gives an object uploaded in one PUT: the MD5 of its body, in quotes."""
    return '"' + hashlib.md5(body).hexdigest() + '"'


def _human(size: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return f"{size:g} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)  # pragma: no cover


@dataclass(frozen=True)
class StoredObject:
    """One version of an object: key, body and metadata (or a delete marker)."""

    bucket: str
    key: str
    body: bytes
    etag: str
    version_id: str  # "null" when the bucket never had versioning on, as in S3
    sequence: int  # stands in for LastModified: a counter, so output is the same every run
    content_type: str = "application/octet-stream"
    metadata: tuple = ()  # (name, value) pairs: user metadata, x-amz-meta-*
    delete_marker: bool = False

    @property
    def size(self) -> int:
        return len(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def __repr__(self) -> str:
        if self.delete_marker:
            return f"<delete marker for s3://{self.bucket}/{self.key} version {self.version_id}>"
        return (f"<s3://{self.bucket}/{self.key}: {self.size} bytes, {self.content_type}, "
                f"ETag {self.etag}, version {self.version_id}>")


@dataclass(frozen=True)
class PutResult:
    key: str
    etag: str
    version_id: str
    size: int

    def __repr__(self) -> str:
        return f"PUT {self.key}: {self.size} bytes, ETag {self.etag}, version {self.version_id}"


@dataclass(frozen=True)
class ObjectSummary:
    key: str
    size: int
    etag: str
    sequence: int


@dataclass(frozen=True)
class Listing:
    """What ListObjectsV2 returns: keys in UTF-8 byte order, and prefixes rolled up at the delimiter."""

    bucket: str
    prefix: str
    delimiter: str | None
    objects: tuple[ObjectSummary, ...]
    common_prefixes: tuple[str, ...]

    @property
    def keys(self) -> list[str]:
        return [o.key for o in self.objects]

    def __len__(self) -> int:
        return len(self.objects) + len(self.common_prefixes)

    def __repr__(self) -> str:
        # Like `aws s3 ls s3://bucket/prefix`: folders first as PRE lines, then objects.
        head = f"s3://{self.bucket}/{self.prefix}" + (f"  (delimiter {self.delimiter!r})" if self.delimiter else "")
        lines = [head]
        lines += [f"                           PRE {p[len(self.prefix):]}" for p in self.common_prefixes]
        width = max([len(str(o.size)) for o in self.objects] + [6])
        shown = (lambda k: k[len(self.prefix):]) if self.delimiter else (lambda k: k)
        lines += [f"  {o.size:>{width}}  {shown(o.key)}" for o in self.objects]
        if len(lines) == 1:
            lines.append("  (nothing under this prefix)")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(repr(self))}</pre>"


@dataclass(frozen=True)
class Version:
    key: str
    version_id: str
    latest: bool
    delete_marker: bool
    size: int
    etag: str

    def __repr__(self) -> str:
        what = "delete marker" if self.delete_marker else f"{self.size} bytes, ETag {self.etag}"
        return f"{self.key} version {self.version_id}: {what}" + ("  (latest)" if self.latest else "")


@dataclass(frozen=True)
class Event:
    """What a notification hands a subscriber: like an s3:ObjectCreated:* event record."""

    bucket: str
    key: str
    size: int
    etag: str
    name: str = "ObjectCreated:Put"


@dataclass
class _Subscription:
    prefix: str
    suffix: str
    handler: Callable[[Event], object]
    name: str


class Bucket:
    """A bucket: a flat map from keys to objects (with their versions when versioning is on)."""

    def __init__(self, store: "ObjectStore", name: str, region: str):
        self.store = store
        self.name = name
        self.region = region
        self.versioning = "Disabled"  # S3 states: never enabled, Enabled, Suspended
        self._versions: dict[str, list[StoredObject]] = {}  # oldest first
        self._subscriptions: list[_Subscription] = []
        self._delivering: list[str] = []  # handlers running now, to catch loops

    # -- versioning ---------------------------------------------------------------------------
    def enable_versioning(self) -> "Bucket":
        self.versioning = "Enabled"
        return self

    def suspend_versioning(self) -> "Bucket":
        if self.versioning == "Disabled":
            raise ObjectStoreError(f"versioning was never enabled on {self.name}; there is nothing to suspend.")
        self.versioning = "Suspended"  # S3 never goes back to "never enabled"
        return self

    def _new_version_id(self, key: str) -> str:
        if self.versioning != "Enabled":
            return "null"
        self.store._counter += 1
        digest = hashlib.sha256(f"{self.name}/{key}/{self.store._counter}".encode()).hexdigest()
        return digest[:16]

    # -- writing ------------------------------------------------------------------------------
    def put(self, key: str, body, *, content_type: str = "application/octet-stream",
            metadata: dict[str, str] | None = None) -> PutResult:
        """PutObject: store a whole body under the key, replacing what was there (or adding a version)."""
        key = validate_key(key)
        data = _body_bytes(body)
        if len(data) > MAX_SINGLE_PUT:
            raise ObjectStoreError("one PUT carries at most 5 GiB; bigger objects go up in parts "
                                   "(multipart upload).")
        self.store._count("PUT", sent=len(data))
        obj = self._store(key, data, content_type, tuple(sorted((metadata or {}).items())))
        self._notify(obj)
        return PutResult(key, obj.etag, obj.version_id, obj.size)

    def _store(self, key: str, data: bytes, content_type: str, metadata: tuple) -> StoredObject:
        self.store._clock += 1
        obj = StoredObject(self.name, key, data, etag_of(data), self._new_version_id(key), self.store._clock,
                           content_type, metadata)
        history = self._versions.setdefault(key, [])
        if self.versioning != "Enabled":
            # Without versioning the "null" version is replaced: the old body is gone for good.
            history[:] = [v for v in history if v.version_id != "null"]
        history.append(obj)
        return obj

    def copy(self, source_key: str, dest_key: str, *, source_bucket: "Bucket | None" = None) -> PutResult:
        """CopyObject: S3 copies inside the service; nothing is downloaded or uploaded by the client."""
        source = (source_bucket or self).get(source_key, _count=False)
        self.store._count("COPY")
        obj = self._store(validate_key(dest_key), source.body, source.content_type, source.metadata)
        self._notify(obj, name="ObjectCreated:Copy")
        return PutResult(obj.key, obj.etag, obj.version_id, obj.size)

    def delete(self, key: str) -> str | None:
        """DeleteObject. With versioning on, the data stays and a delete marker hides it (returns its ID)."""
        key = validate_key(key)
        self.store._count("DELETE")
        if self.versioning == "Disabled":
            self._versions.pop(key, None)  # S3 answers 204 even when there was nothing to delete
            return None
        history = self._versions.setdefault(key, [])
        if self.versioning == "Suspended":
            # A suspended bucket replaces the "null" version with a "null" delete marker.
            history[:] = [v for v in history if v.version_id != "null"]
        self.store._clock += 1
        marker = StoredObject(self.name, key, b"", "", self._new_version_id(key), self.store._clock,
                              delete_marker=True)
        history.append(marker)
        return marker.version_id

    def rename(self, old_key: str, new_key: str):
        """S3 has no rename; this says how to do it instead."""
        raise ObjectStoreError(f"S3 has no rename: copy the object, then delete the old key: "
                               f"bucket.copy({old_key!r}, {new_key!r}) and then bucket.delete({old_key!r}).")

    def append(self, key: str, more):
        """S3 cannot add to an object; this says what to do instead."""
        raise ObjectStoreError(f"S3 objects cannot be appended to or edited in place: get {key!r}, change "
                               f"the body, and put the whole new body back under the same key.")

    # -- reading ------------------------------------------------------------------------------
    def _current(self, key: str) -> StoredObject | None:
        history = self._versions.get(key)
        if not history or history[-1].delete_marker:
            return None
        return history[-1]

    def get(self, key: str, *, version_id: str | None = None, byte_range: tuple[int, int] | None = None,
            _count: bool = True) -> StoredObject:
        """GetObject: the whole object (or bytes start..end inclusive, like a Range: header)."""
        key = validate_key(key)
        if version_id is None:
            obj = self._current(key)
            if obj is None:
                raise NoSuchKey(self._missing(key))
        else:
            obj = next((v for v in self._versions.get(key, []) if v.version_id == version_id), None)
            if obj is None:
                raise NoSuchKey(f"{key!r} has no version {version_id!r}; bucket.versions({key!r}) lists them.")
            if obj.delete_marker:
                raise NoSuchKey(f"version {version_id!r} of {key!r} is a delete marker, which has no body.")
        if byte_range is not None:
            start, end = byte_range
            if not (isinstance(start, int) and isinstance(end, int)) or start < 0 or end < start or start >= obj.size:
                raise ObjectStoreError(f"byte range {byte_range!r} does not fit an object of {obj.size} bytes; "
                                       f"give (first, last) with 0 <= first <= last.")
            part = obj.body[start:end + 1]
            if _count:
                self.store._count("GET", received=len(part))
            return StoredObject(obj.bucket, obj.key, part, obj.etag, obj.version_id, obj.sequence,
                                obj.content_type, obj.metadata)
        if _count:
            self.store._count("GET", received=obj.size)
        return obj

    def _missing(self, key: str) -> str:
        close = [k for k in sorted(self._versions) if self._current(k) and k.lower() == key.lower()]
        if close:
            return f"there is no object {key!r} in {self.name}, but there is {close[0]!r}: keys are case-sensitive."
        if any(k.startswith(key.rstrip("/") + "/") for k in self._versions if self._current(k)):
            return (f"{key!r} is not an object in {self.name}, only a prefix of some keys; list it with "
                    f"bucket.list(prefix={key.rstrip('/') + '/'!r}).")
        return f"there is no object {key!r} in {self.name}; bucket.list() shows the keys it has."

    def head(self, key: str) -> StoredObject:
        """HeadObject: the metadata (the body is not sent)."""
        obj = self.get(key, _count=False)
        self.store._count("HEAD")
        return obj

    def exists(self, key: str) -> bool:
        return self._current(validate_key(key)) is not None

    def list(self, prefix: str = "", delimiter: str | None = None) -> Listing:
        """ListObjectsV2: keys starting with prefix; with a delimiter, deeper keys roll up into prefixes."""
        if not isinstance(prefix, str):
            raise ObjectStoreError(f"a prefix is text, like 'img/'; got {prefix!r}.")
        self.store._count("LIST")
        objects, prefixes = [], []
        for key in sorted((k for k in self._versions if self._current(k)), key=lambda k: k.encode("utf-8")):
            if not key.startswith(prefix):
                continue
            rest = key[len(prefix):]
            if delimiter and delimiter in rest:
                rolled = prefix + rest[:rest.index(delimiter) + len(delimiter)]
                if rolled not in prefixes:
                    prefixes.append(rolled)
                continue
            obj = self._current(key)
            objects.append(ObjectSummary(key, obj.size, obj.etag, obj.sequence))
        return Listing(self.name, prefix, delimiter, tuple(objects), tuple(prefixes))

    def versions(self, key: str) -> list[Version]:
        """ListObjectVersions for one key, newest first."""
        history = self._versions.get(validate_key(key), [])
        count = len(history)
        return [Version(v.key, v.version_id, i == count - 1, v.delete_marker, v.size, v.etag)
                for i, v in reversed(list(enumerate(history)))]

    # -- the network view ---------------------------------------------------------------------
    def url(self, key: str) -> str:
        """The object's virtual-hosted-style HTTPS address."""
        return f"https://{self.name}.s3.{self.region}.amazonaws.com/{quote(validate_key(key), safe='/-_.~')}"

    def request(self, method: str, key: str, body=None) -> str:
        """The start of the HTTP request an SDK sends for this call (signature headers left out)."""
        method = method.upper()
        if method not in ("GET", "PUT", "HEAD", "DELETE"):
            raise ObjectStoreError(f"{method!r} is not an object request; use GET, PUT, HEAD or DELETE.")
        lines = [f"{method} /{quote(validate_key(key), safe='/-_.~')} HTTP/1.1",
                 f"Host: {self.name}.s3.{self.region}.amazonaws.com"]
        if method == "PUT":
            lines.append(f"Content-Length: {len(_body_bytes(body if body is not None else b''))}")
        return "\n".join(lines)

    # -- other services -----------------------------------------------------------------------
    def notify(self, handler: Callable[[Event], object], *, prefix: str = "", suffix: str = "",
               name: str | None = None) -> "Bucket":
        """Call handler(event) after every object created under prefix (and ending with suffix)."""
        if not callable(handler):
            raise ObjectStoreError("notify() needs a function that takes one event, like def on_upload(event): ...")
        self._subscriptions.append(_Subscription(prefix, suffix, handler, name or getattr(handler, "__name__", "handler")))
        return self

    def _notify(self, obj: StoredObject, name: str = "ObjectCreated:Put") -> None:
        for sub in self._subscriptions:
            if not (obj.key.startswith(sub.prefix) and obj.key.endswith(sub.suffix)):
                continue
            if sub.name in self._delivering:
                raise ObjectStoreError(
                    f"{sub.name} wrote {obj.key!r}, which matches its own trigger (prefix {sub.prefix!r}), so it "
                    f"would call itself forever; have it write under a different prefix.")
            self._delivering.append(sub.name)
            try:
                sub.handler(Event(self.name, obj.key, obj.size, obj.etag, name))
            finally:
                self._delivering.pop()

    def __repr__(self) -> str:
        count = sum(1 for k in self._versions if self._current(k))
        return f"<bucket {self.name} in {self.region}: {count} object{'s' if count != 1 else ''}, versioning {self.versioning}>"


class ObjectStore:
    """One account's view of S3 in a region: its buckets, and counters of requests and bytes."""

    def __init__(self, region: str = "ap-northeast-2"):
        self.region = region
        self.buckets: dict[str, Bucket] = {}
        self.requests: dict[str, int] = {}
        self.bytes_sent = 0  # client -> S3 (uploads)
        self.bytes_received = 0  # S3 -> client (downloads)
        self._clock = 0
        self._counter = 0

    def _count(self, kind: str, *, sent: int = 0, received: int = 0) -> None:
        self.requests[kind] = self.requests.get(kind, 0) + 1
        self.bytes_sent += sent
        self.bytes_received += received

    def create_bucket(self, name: str, *, versioning: bool = False) -> Bucket:
        validate_bucket_name(name)
        if name in self.buckets:
            raise ObjectStoreError(f"you already own a bucket called {name!r}; use store.bucket({name!r}).")
        if name in TAKEN_ELSEWHERE:
            raise ObjectStoreError(f"bucket names are global across all AWS accounts and {name!r} is taken; add "
                                   f"something unique, like {name + '-myteam-2024'!r}.")
        bucket = Bucket(self, name, self.region)
        if versioning:
            bucket.enable_versioning()
        self.buckets[name] = bucket
        return bucket

    def bucket(self, name: str) -> Bucket:
        try:
            return self.buckets[name]
        except (KeyError, TypeError):
            owned = ", ".join(sorted(self.buckets)) or "none yet"
            raise NoSuchBucket(f"you own no bucket called {name!r} (yours: {owned}); create it with "
                               f"store.create_bucket({name!r}).") from None

    def traffic(self) -> str:
        """Requests made and bytes moved so far, one line."""
        parts = ", ".join(f"{n} {k}" for k, n in sorted(self.requests.items()))
        return (f"requests: {parts or 'none'}; uploaded {_human(self.bytes_sent)}, "
                f"downloaded {_human(self.bytes_received)}")

    def reset_traffic(self) -> None:
        self.requests = {}
        self.bytes_sent = self.bytes_received = 0
