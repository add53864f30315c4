"""Block, file and object storage side by side: what each stores, where it runs, what it is good for.

    comparison()                          # the three kinds as a table (text and HTML)
    dev = BlockDevice(1 << 20)            # a 1 MiB block device of 4 KiB blocks
    dev.write(5000, b"hello")             # -> blocks touched: [1]; the device only knows block numbers
    edit_cost("object", 100 * MB)         # bytes that cross the network to change 1 byte of a 100 MB thing

The edit-cost model counts the data a client must send to the storage service to change a few
bytes in the middle of something it stored:

* block (EBS): the instance's own file system writes whole blocks, so every block the change
  touches travels to the volume (4 KiB each here; the file system's block size);
* file (EFS over NFS): the client sends a WRITE of just the changed bytes at their offset; the
  file server does the block work on its own disks;
* object (S3): there is no write-at-offset, so the whole object is uploaded again.

Headers, metadata updates and journaling are left out: they are small next to the data and the
same for every run, and leaving them out keeps the comparison about the storage model itself.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

from helpers.errors import InputError

__all__ = ["StorageKind", "KINDS", "comparison", "BlockDevice", "edit_cost", "edit_cost_rows", "KB", "MB", "GB"]

KB, MB, GB = 1000, 1000 ** 2, 1000 ** 3
BLOCK_SIZE = 4096


@dataclass(frozen=True)
class StorageKind:
    name: str
    korean: str
    stores: str
    addressed_by: str
    runs_where: str
    protocol: str
    unit_of_change: str
    shared: str
    good_for: str
    aws: str


KINDS = (
    StorageKind(
        "block", "블록 스토리지",
        stores="numbered fixed-size blocks, nothing else (no names, no files)",
        addressed_by="block number (offset on the device)",
        runs_where="the file system runs in the instance's own OS kernel, on top of the device",
        protocol="a disk device (/dev/xvdf, /dev/nvme1n1); EBS carries it over AWS's network",
        unit_of_change="one block, anywhere on the device",
        shared="one instance at a time (one AZ)",
        good_for="databases, boot disks, anything needing fast small random writes",
        aws="EBS (and instance store)"),
    StorageKind(
        "file", "파일 스토리지",
        stores="files in folders, with owners, permissions and times",
        addressed_by="path, like /shared/uploads/cat.jpg",
        runs_where="the file system runs on a file server; each client's kernel mounts it",
        protocol="NFS (TCP 2049), mounted with `mount -t nfs4`",
        unit_of_change="any byte range of a file (open, seek, write)",
        shared="many instances at once, across AZs",
        good_for="shared content for a fleet: uploads, home folders, CMS media",
        aws="EFS"),
    StorageKind(
        "object", "객체 스토리지",
        stores="whole objects: a key, the bytes and some metadata",
        addressed_by="bucket + key, like s3://site/img/cat.jpg (a flat name, no real folders)",
        runs_where="a web service; applications call its HTTPS API (no mount, no server of yours)",
        protocol="HTTPS requests: PUT, GET, DELETE, LIST",
        unit_of_change="the whole object (overwrite; there is no edit)",
        shared="any program or AWS service with permission, from anywhere",
        good_for="static files, backups, logs, data lakes, sharing data between services",
        aws="S3"),
)

ROWS = (("stores", "What it stores"), ("addressed_by", "Addressed by"), ("runs_where", "Where it runs"),
        ("protocol", "How you reach it"), ("unit_of_change", "Smallest change"), ("shared", "Shared by"),
        ("good_for", "Good for"), ("aws", "On AWS"))


def kind(name: str) -> StorageKind:
    for item in KINDS:
        if item.name == name:
            return item
    raise InputError(f"{name!r} is not a kind of storage here; use 'block', 'file' or 'object'.")


class Table:
    """A small text/HTML table (rows of strings, first row the header)."""

    def __init__(self, rows: list[list[str]], title: str = ""):
        self.rows = rows
        self.title = title

    def __repr__(self) -> str:
        widths = [max(len(r[i]) for r in self.rows) for i in range(len(self.rows[0]))]
        lines = [self.title] if self.title else []
        for index, row in enumerate(self.rows):
            lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
            if index == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th style='text-align:left'>{html.escape(c)}</th>" for c in self.rows[0])
        body = "".join("<tr>" + "".join(f"<td style='text-align:left'>{html.escape(c)}</td>" for c in row) + "</tr>"
                       for row in self.rows[1:])
        title = f"<h4>{html.escape(self.title)}</h4>" if self.title else ""
        return f"{title}<table><tr>{head}</tr>{body}</table>"


def comparison() -> Table:
    """Block vs file vs object, one row per property, as a table."""
    rows = [[""] + [f"{k.name} ({k.korean})" for k in KINDS]]
    for attribute, label in ROWS:
        rows.append([label] + [getattr(k, attribute) for k in KINDS])
    return Table(rows, "Block, file and object storage")


class BlockDevice:
    """A block device: numbered blocks of block_size bytes; reads and writes whole blocks only.

    write(offset, data) does what a file system (or the kernel's page cache) does for a partial
    block: read the block, change the bytes, write the whole block back.
    """

    def __init__(self, size: int, block_size: int = BLOCK_SIZE):
        if not isinstance(size, int) or not isinstance(block_size, int) or block_size <= 0 or size <= 0:
            raise InputError("a block device needs a positive size and block size in bytes, like BlockDevice(1 << 20).")
        if size % block_size:
            raise InputError(f"the size {size} is not a whole number of {block_size}-byte blocks.")
        self.size = size
        self.block_size = block_size
        self.blocks: dict[int, bytes] = {}  # only blocks ever written; the rest read as zeros
        self.bytes_written = 0
        self.writes: list[int] = []  # block numbers, in the order they were written

    @property
    def block_count(self) -> int:
        return self.size // self.block_size

    def _check(self, offset: int, length: int) -> None:
        if not isinstance(offset, int) or offset < 0 or offset + length > self.size:
            raise InputError(f"bytes {offset}..{offset + length - 1} are outside this {self.size}-byte device.")

    def read_block(self, number: int) -> bytes:
        if not isinstance(number, int) or not 0 <= number < self.block_count:
            raise InputError(f"block {number!r} does not exist; this device has blocks 0 to {self.block_count - 1}.")
        return self.blocks.get(number, bytes(self.block_size))

    def write_block(self, number: int, data: bytes) -> None:
        self.read_block(number)  # validates the number
        if len(data) != self.block_size:
            raise InputError(f"a block device writes whole blocks of {self.block_size} bytes; got {len(data)}.")
        self.blocks[number] = bytes(data)
        self.bytes_written += self.block_size
        self.writes.append(number)

    def blocks_for(self, offset: int, length: int) -> list[int]:
        self._check(offset, length)
        if length == 0:
            return []
        return list(range(offset // self.block_size, (offset + length - 1) // self.block_size + 1))

    def write(self, offset: int, data: bytes) -> list[int]:
        """Write bytes at an offset (read-modify-write of each block); returns the blocks touched."""
        if isinstance(data, str):
            data = data.encode()
        touched = self.blocks_for(offset, len(data))
        for number in touched:
            start = number * self.block_size
            block = bytearray(self.read_block(number))
            lo, hi = max(offset, start), min(offset + len(data), start + self.block_size)
            block[lo - start:hi - start] = data[lo - offset:hi - offset]
            self.write_block(number, bytes(block))
        return touched

    def read(self, offset: int, length: int) -> bytes:
        out = bytearray()
        for number in self.blocks_for(offset, length):
            out += self.read_block(number)
        first = offset - (offset // self.block_size) * self.block_size
        return bytes(out[first:first + length])

    def __repr__(self) -> str:
        return (f"<block device: {self.block_count} blocks of {self.block_size} bytes; "
                f"{len(self.blocks)} written, {self.bytes_written} bytes written so far>")


def edit_cost(kind_name: str, size: int, change: int = 1, offset: int | None = None,
              block_size: int = BLOCK_SIZE) -> int:
    """Bytes a client sends to the storage to change `change` bytes of a `size`-byte file or object.

    offset defaults to the middle. See the module docstring for what each kind counts.
    """
    kind(kind_name)
    if not isinstance(size, int) or size <= 0:
        raise InputError(f"the size must be a positive number of bytes; got {size!r}.")
    if not isinstance(change, int) or not 0 < change <= size:
        raise InputError(f"the change must be between 1 and {size} bytes; got {change!r}.")
    if offset is None:
        offset = (size - change) // 2
    if not isinstance(offset, int) or offset < 0 or offset + change > size:
        raise InputError(f"a change of {change} bytes at offset {offset!r} does not fit in {size} bytes.")
    if kind_name == "block":
        first, last = offset // block_size, (offset + change - 1) // block_size
        return (last - first + 1) * block_size
    if kind_name == "file":
        return change
    return size


def edit_cost_rows(sizes: list[int], change: int = 1) -> Table:
    """A table: for each size, the bytes each kind of storage receives for one small edit."""
    def human(n: int) -> str:
        for unit, factor in (("GB", GB), ("MB", MB), ("kB", KB)):
            if n >= factor:
                return f"{n / factor:g} {unit}"
        return f"{n} B"

    rows = [["size", "block (EBS)", "file (EFS)", "object (S3)"]]
    for size in sizes:
        rows.append([human(size)] + [human(edit_cost(k.name, size, change)) for k in KINDS])
    return Table(rows, f"Bytes sent to storage to change {change} byte{'s' if change != 1 else ''} in the middle")
