"""Lesson 13: the storage models (block/file/object, EBS, EFS), its pictures, and its live labs.

The live EBS tests need real root and loop devices (they skip elsewhere); the EFS lab needs any
live backend (root or rootless). Every live test checks that nothing of it is left on the host:
no loop device, no image folder, no mount, no namespace.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from helpers.errors import InputError
from helpers.experiments import l13
from helpers.sim import storage
from helpers.sim.ebs import EbsError, Region, lifecycle_table
from helpers.sim.efs import EfsError, FileSystem
from helpers.sim.storage import BlockDevice, edit_cost

RECORDINGS = Path(__file__).resolve().parent.parent / "helpers" / "lab" / "recordings"


# ---------------------------------------------------------------------------- block, file, object

def test_comparison_covers_three_kinds_and_eight_properties():
    table = storage.comparison()
    assert len(table.rows) == 9 and [len(r) for r in table.rows] == [4] * 9
    assert "EBS" in repr(table) and "EFS" in repr(table) and "S3" in repr(table)
    assert "<table>" in table._repr_html_()
    with pytest.raises(InputError, match="'block', 'file' or 'object'"):
        storage.kind("tape")


def test_block_device_writes_whole_blocks_and_keeps_other_bytes():
    disk = BlockDevice(8 * 4096)
    disk.write_block(1, b"A" * 4096)
    assert disk.write(4096 + 10, b"xyz") == [1]  # read-modify-write of block 1 only
    block = disk.read_block(1)
    assert block[:10] == b"A" * 10 and block[10:13] == b"xyz" and block[13:] == b"A" * (4096 - 13)
    assert disk.write(2 * 4096 - 2, b"1234") == [1, 2]  # straddles the boundary
    assert disk.read(2 * 4096 - 2, 4) == b"1234"
    assert disk.read(5 * 4096, 3) == b"\x00\x00\x00"  # never written: zeros
    assert disk.bytes_written == 4 * 4096 and disk.writes == [1, 1, 1, 2]


def test_block_device_refuses_what_a_disk_cannot_do():
    disk = BlockDevice(4 * 4096)
    with pytest.raises(InputError, match="whole blocks"):
        disk.write_block(0, b"short")
    with pytest.raises(InputError, match="blocks 0 to 3"):
        disk.read_block(4)
    with pytest.raises(InputError, match="outside"):
        disk.write(4 * 4096 - 1, b"ab")
    with pytest.raises(InputError, match="whole number"):
        BlockDevice(5000)


@pytest.mark.parametrize("kind, size, change, offset, expected", [
    ("block", 10_000_000, 1, None, 4096),          # one block holds the byte
    ("block", 10_000_000, 2, 4095, 8192),          # two bytes across a block boundary
    ("block", 10_000_000, 4097, 0, 8192),
    ("file", 10_000_000, 1, None, 1),              # NFS WRITE of the byte itself
    ("file", 10_000_000, 500, 7, 500),
    ("object", 10_000_000, 1, None, 10_000_000),   # the whole object again
    ("object", 3, 1, 0, 3),
])
def test_edit_cost(kind, size, change, offset, expected):
    assert edit_cost(kind, size, change, offset) == expected


def test_edit_cost_refuses_impossible_edits():
    for args in (("block", 0), ("file", 10, 11), ("object", 10, 2, 9)):
        with pytest.raises(InputError):
            edit_cost(*args)
    table = storage.edit_cost_rows([10_000, 5 * 10 ** 9])
    assert table.rows[1] == ["10 kB", "4.096 kB", "1 B", "10 kB"]
    assert table.rows[2] == ["5 GB", "4.096 kB", "1 B", "5 GB"]


# ---------------------------------------------------------------------------- EBS model

@pytest.fixture
def region():
    return Region("ap-northeast-2")


def test_volume_attaches_in_its_own_az_to_one_instance(region):
    web1 = region.launch("web1", "a")
    web2 = region.launch("web2", "ap-northeast-2a")
    web3 = region.launch("web3", "c")
    vol = region.create_volume(10, "a")
    region.attach(vol, web1)
    assert vol.state == "in-use" and vol.attached_to is web1 and vol.device == "/dev/sdf"
    with pytest.raises(EbsError, match="one instance at a time"):
        region.attach(vol, web2)
    with pytest.raises(EbsError, match="already attached to web1"):
        region.attach(vol, web1)
    region.detach(vol)
    with pytest.raises(EbsError, match=r"own AZ.*snapshot"):
        region.attach(vol, web3)
    region.attach(vol, "web2", "/dev/sdg")
    assert vol.attached_to is web2
    with pytest.raises(EbsError, match="not an Availability Zone"):
        region.create_volume(10, "ap-northeast-1a")
    with pytest.raises(EbsError, match="already has a volume at /dev/xvda"):
        region.attach(region.create_volume(5, "a"), web1, "/dev/xvda")


def test_volume_size_only_grows(region):
    vol = region.create_volume(100, "a", name="data")
    region.modify_volume(vol, 200)
    assert vol.size_gib == 200
    for size, words in ((150, "never shrink"), (200, "already"), (20000, "at most"), ("big", "whole number")):
        with pytest.raises(EbsError, match=words):
            region.modify_volume(vol, size)
    for size in (0, 16385, 2.5, True):
        with pytest.raises(EbsError, match="1 to 16384"):
            region.create_volume(size, "a")


def test_snapshot_moves_data_to_another_az(region):
    web1 = region.launch("web1", "a")
    web3 = region.launch("web3", "c")
    vol = region.create_volume(20, "a")
    region.attach(vol, web1)
    region.write(web1, vol, "orders.txt", "1001")
    snap = region.snapshot(vol)
    region.write(web1, vol, "orders.txt", "changed after the snapshot")
    with pytest.raises(EbsError, match="at least 20 GiB"):
        region.create_volume(10, "c", snapshot=snap)
    copy = region.create_volume(20, "c", snapshot=snap)
    region.attach(copy, web3)
    assert region.read(web3, copy, "orders.txt") == "1001"  # point in time


def test_root_volume_and_data_rules(region):
    web = region.launch("web", "a")
    with pytest.raises(EbsError, match="stop the instance"):
        region.detach(web.root)
    with pytest.raises(EbsError, match="no instance store"):
        region.write(web, "instance-store", "x", "y")
    vol = region.create_volume(5, "a")
    with pytest.raises(EbsError, match="not attached to web"):
        region.write(web, vol, "x", "y")
    with pytest.raises(EbsError, match="not attached to anything"):
        region.detach(vol)
    region.attach(vol, web)
    with pytest.raises(EbsError, match="detach it before deleting"):
        region.delete_volume(vol)
    region.stop(web)
    with pytest.raises(EbsError, match="start it"):
        region.read(web, "root", "x")
    region.detach(web.root)  # allowed once stopped
    with pytest.raises(EbsError, match="only a stopped instance"):
        region.start(region.launch("other", "b"))


def test_lifecycle_matches_the_ec2_documentation():
    # EC2 docs: instance store data survives a reboot only; EBS volumes survive stop/start; at
    # termination the root volume (DeleteOnTermination=true by default) is deleted and volumes
    # attached after launch are detached and kept.
    rows = {row[0]: row[1:] for row in lifecycle_table().rows[1:]}
    assert rows == {
        "instance store": ["kept", "lost", "lost"],
        "EBS root volume": ["kept", "kept", "lost (volume deleted)"],
        "EBS data volume": ["kept", "kept", "kept (volume detached)"],
    }


def test_terminated_volumes_and_describe(region):
    web = region.launch("web", "a")
    vol = region.create_volume(5, "a", name="data")
    region.attach(vol, web)
    region.terminate(web)
    with pytest.raises(EbsError, match="already terminated"):
        region.terminate(web)
    with pytest.raises(EbsError, match="was deleted"):
        region.attach(web.root, region.launch("web", "a"))
    text = repr(region.describe())
    assert "vol-0002  data" in text and "available" in text


# ---------------------------------------------------------------------------- EFS model

def test_efs_mount_targets_and_security_groups():
    fs = FileSystem("fs-0013")
    fs.add_mount_target("ap-northeast-2a", "10.0.1.0/24", "10.0.1.50", allow_from=["10.0.1.0/24"])
    with pytest.raises(EfsError, match="at most one per AZ"):
        fs.add_mount_target("ap-northeast-2a", "10.0.2.0/24", "10.0.2.50")
    with pytest.raises(EfsError, match="not in the subnet"):
        fs.add_mount_target("ap-northeast-2c", "10.0.3.0/24", "10.0.4.50")
    with pytest.raises(EfsError, match="host bits"):
        fs.add_mount_target("ap-northeast-2c", "10.0.3.1/24", "10.0.3.50")
    fs.add_mount_target("ap-northeast-2c", "10.0.3.0/24", "10.0.3.50")  # no inbound rule yet
    fs.mount("web1", "ap-northeast-2a", "10.0.1.11")
    with pytest.raises(EfsError, match=r"hang.*TCP 2049 from 10\.0\.3\.13"):
        fs.mount("web3", "ap-northeast-2c", "10.0.3.13")
    fs.allow("ap-northeast-2c", "10.0.0.0/16")
    fs.mount("web3", "ap-northeast-2c", "10.0.3.13")
    with pytest.raises(EfsError, match="no mount target in ap-northeast-2b"):
        fs.mount("batch", "ap-northeast-2b", "10.0.2.20")
    assert fs.dns_name == "fs-0013.efs.ap-northeast-2.amazonaws.com"
    assert "2049" not in fs.mount_command() and fs.mount_command().endswith(f"{fs.dns_name}:/ /mnt/efs")


def test_efs_clients_share_files_and_can_append():
    fs = FileSystem()
    fs.add_mount_target("ap-northeast-2a", "10.0.1.0/24", "10.0.1.50", allow_from=["10.0.0.0/16"])
    for name, ip in (("web1", "10.0.1.11"), ("web2", "10.0.1.12")):
        fs.mount(name, "ap-northeast-2a", ip)
    fs.write("web1", "/uploads/cat.jpg", "meow")
    fs.append("web2", "log.txt", "one\n")
    fs.append("web1", "log.txt", "two\n")
    assert fs.read("web2", "uploads/cat.jpg") == "meow"
    assert fs.read("web2", "log.txt") == "one\ntwo\n"
    assert fs.listdir("web2") == ["log.txt", "uploads/"]
    assert fs.listdir("web1", "uploads") == ["cat.jpg"]
    fs.unmount("web2")
    with pytest.raises(EfsError, match="has not mounted"):
        fs.read("web2", "log.txt")
    with pytest.raises(EfsError, match="no file"):
        fs.read("web1", "missing.txt")


# ---------------------------------------------------------------------------- pictures

def test_pictures_build_and_show_the_facts():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers.draw import storage as pictures

    assert pictures.block_map() == (32, [5])
    series = pictures.edit_cost_series([1000, 10 ** 6])
    assert series == {"block": [(1000, 4096), (10 ** 6, 4096)], "file": [(1000, 1), (10 ** 6, 1)],
                      "object": [(1000, 1000), (10 ** 6, 10 ** 6)]}
    for make, needed in ((pictures.kinds_figure, "orders.txt lives in block 5"),
                         (pictures.edit_cost_figure, "Changing 1 byte in the middle"),
                         (pictures.placement_figure, "TCP 2049")):
        figure = make()
        texts = [t.get_text() for ax in figure.axes for t in ax.texts] + [ax.get_title() for ax in figure.axes]
        assert any(needed in t for t in texts), (make.__name__, needed)
        plt.close(figure)


# ---------------------------------------------------------------------------- live-lab helpers

def test_terminal_text_applies_backspaces_like_a_terminal():
    progress = "Allocating group tables:  0/13\b\b\b\b\b     \b\b\b\b\bdone                            "
    assert l13.terminal_text(progress) == "Allocating group tables: done"
    assert l13.terminal_text("abc\b\bXY\nnext\r\nok\rOK") == "aXY\nnext\nOK"


def test_rename_keeps_lsblk_columns():
    world = l13._World.__new__(l13._World)
    world._renames = {"loop10": "loop13"}
    text = ("NAME   MAJ:MIN RM SIZE RO TYPE MOUNTPOINTS\n"
            "loop10   7:10   0   1G  0 loop /mnt/data\n")
    assert world.rename(text) == ("NAME   MAJ:MIN RM SIZE RO TYPE MOUNTPOINTS\n"
                                  "loop13   7:13   0   1G  0 loop /mnt/data\n")
    assert world.rename("loop100 and loop1 and 7:1") == "loop100 and loop1 and 7:1"
    world._renames = {}
    assert world.rename("loop10") == "loop10"


def test_volumes_replay_where_they_cannot_run(monkeypatch):
    monkeypatch.setenv("NETCOURSE_LAB_MODE", "offline")
    supported, why = l13.volumes_supported()
    assert not supported and "root" in why
    before = os.environ["NETCOURSE_LAB_MODE"]
    with l13._replay_only():
        assert os.environ["NETCOURSE_LAB_MODE"] == "offline"
    assert os.environ["NETCOURSE_LAB_MODE"] == before


def test_offline_volume_lab_replays_the_recording(monkeypatch):
    """The lesson's volume steps replay from the recording, exactly as recorded, with no privileges."""
    recorded = json.loads((RECORDINGS / "13-ebs.json").read_text())["entries"]
    expected = {tuple(json.loads(e["key"])[1:]): e["result"]["data"]["output"] for e in recorded[:3]}
    monkeypatch.setenv("NETCOURSE_LAB_MODE", "offline")
    with l13.volume_lab() as ebs:
        assert "replay the recorded run" in repr(ebs)
        vol = ebs.create_volume(1, "ap-northeast-2a", name="data")
        assert vol.image is None and vol.device == "/dev/loop13"
        vol.attach(ebs["web1"])
        for (node, command), output in expected.items():
            assert ebs[node].run(command).output == output
        with pytest.raises(EbsError, match="in use by web1"):
            vol.attach(ebs["web2"])
    assert not ebs.running


def test_instances_refuse_bad_commands(monkeypatch):
    monkeypatch.setenv("NETCOURSE_LAB_MODE", "offline")
    ebs = l13.volume_lab()
    with pytest.raises(l13.LabError, match="not running"):
        ebs["web1"].run("ls")
    with ebs:
        with pytest.raises(l13.LabError, match="needs a command"):
            ebs["web1"].run("  ")
        with pytest.raises(l13.LabError, match="no instance 'web9'"):
            ebs["web9"]
        ebs["web3"].stop()
        with pytest.raises(l13.LabError, match="web3 is stopped"):
            ebs["web3"].run("ls")


# ---------------------------------------------------------------------------- live: volumes

def _loop_devices() -> str:
    return subprocess.run(["losetup", "--list", "--noheadings", "--output", "NAME,BACK-FILE"],
                          capture_output=True, text=True).stdout


def _leftovers() -> list[str]:
    problems = [line for line in _loop_devices().splitlines() if l13.FOLDER_PREFIX in line]
    problems += [str(p) for p in Path(tempfile.gettempdir()).glob(f"{l13.FOLDER_PREFIX}*")
                 if (p / "owner").exists() and (p / "owner").read_text().split()[0] == str(os.getpid())]
    mounts = Path("/proc/self/mountinfo").read_text()
    problems += [word for word in ("instance-mnt", "instance-dev", "instance-store", "/mnt/data") if word in mounts]
    return problems


@pytest.fixture
def volumes(live):
    supported, why = l13.volumes_supported()
    if not supported:
        pytest.skip(f"live volumes need real root: {why}")
    before = set(Path("/sys/block").iterdir())
    yield
    assert not _leftovers(), _leftovers()
    assert set(Path("/sys/block").iterdir()) <= before, "a loop device this test created is still there"


def test_live_mount_flow_moves_a_volume_between_instances(volumes):
    with l13.volume_lab() as ebs:
        web1, web2, web3 = ebs["web1"], ebs["web2"], ebs["web3"]
        vol = ebs.create_volume(1, "ap-northeast-2a", name="data")
        assert Path(vol.image).stat().st_size == 1024 ** 3
        assert web1.run(f"test -b {vol.device}").returncode == 1  # not attached yet: no device
        vol.attach(web1)
        assert web1.run(f"test -b {vol.device}").ok and not web2.run(f"test -b {vol.device}").ok
        lsblk = web1.run(f"lsblk -n -o NAME,SIZE {vol.device}").output.split()
        assert lsblk == ["loop13", "1G"]
        assert web1.run(f"mkfs -t ext4 -q -U {l13.UUID} {vol.device}").ok
        assert web1.run(f"blkid -o value -s UUID {vol.device}").output.strip() == l13.UUID
        assert web1.run(f"mount {vol.device} /mnt/data && echo 'order 1001' > /mnt/data/orders.txt").ok
        # The mount lives in web1's mount namespace only: not on the host, not in web2.
        assert "/mnt/data" not in Path("/proc/self/mountinfo").read_text()
        assert "is not a mountpoint" in web2.run("mountpoint /mnt/data").output
        df = web1.run("df -B1M --output=size,target /mnt/data").output.split()
        assert df[-1] == "/mnt/data" and 900 < int(df[-2]) < 1024  # ext4 keeps some of the 1 GiB itself
        with pytest.raises(EbsError, match="still mounted at /mnt/data on web1"):
            vol.detach()
        assert web1.run("umount /mnt/data").ok
        vol.detach()
        assert not web1.run(f"test -b {vol.device}").ok
        with pytest.raises(EbsError, match="own AZ"):
            vol.attach(web3)
        vol.attach(web2)
        assert web2.run(f"mount {vol.device} /mnt/data && cat /mnt/data/orders.txt").output == "order 1001\n"
        # Bytes of the file sit in a block that dd reads straight off the device.
        block = int(web2.run("debugfs -R 'blocks /orders.txt' /dev/loop13").output.split()[-1])
        raw = web2.run(f"dd if={vol.device} bs=4096 skip={block} count=1 status=none | head -c 10").output
        assert raw == "order 1001"


def test_live_grow_snapshot_and_instance_store(volumes):
    with l13.volume_lab() as ebs:
        web2, web3 = ebs["web2"], ebs["web3"]
        vol = ebs.create_volume(1, "ap-northeast-2a")
        vol.attach(web2)
        assert web2.run(f"mkfs -t ext4 -q {vol.device} && mount {vol.device} /mnt/data && echo hi > /mnt/data/a").ok
        vol.grow(2)
        assert web2.run(f"lsblk -n -b -o SIZE {vol.device}").output.strip() == str(2 * 1024 ** 3)
        grown = web2.run(f"umount /mnt/data && e2fsck -f -p {vol.device} >/dev/null && resize2fs {vol.device} "
                         f"&& mount {vol.device} /mnt/data && df -B1M --output=size /mnt/data | tail -1")
        assert grown.ok and int(grown.output.split()[-1]) > 1900
        snap = ebs.snapshot(vol)  # taken while mounted: frozen, copied, thawed
        assert web2.run("echo after > /mnt/data/b").ok  # thawed again
        copy = ebs.create_volume(2, "ap-northeast-2c", snapshot=snap)
        assert copy.device == "/dev/loop14"
        copy.attach(web3)
        assert web3.run(f"mount {copy.device} /mnt/data && ls /mnt/data").output.split() == ["a", "lost+found"]
        assert web3.run("echo scratch > /mnt/instance-store/s && echo keep > /mnt/data/k").ok
        web3.stop()
        web3.start()
        after = web3.run("ls -A /mnt/instance-store; mountpoint -q /mnt/data || echo unmounted")
        assert after.output == "unmounted\n"
        assert web3.run(f"mount {copy.device} /mnt/data && cat /mnt/data/k").output == "keep\n"


def test_live_volume_cleanup_after_an_error(volumes):
    ebs = l13.volume_lab()
    with pytest.raises(RuntimeError):
        with ebs:
            vol = ebs.create_volume(1, "ap-northeast-2a")
            vol.attach(ebs["web1"])
            ebs["web1"].run(f"mkfs -t ext4 -q {vol.device} && mount {vol.device} /mnt/data")
            raise RuntimeError("a cell failed half-way")
    assert not ebs.running and ebs.folder is None


def test_busy_loop13_is_shown_under_its_lesson_name(volumes):
    folder = Path(tempfile.mkdtemp(prefix="netcourse-test13-"))
    dummy = folder / "dummy.img"
    subprocess.run(["truncate", "-s", "1M", str(dummy)], check=True)
    existed = Path("/sys/block/loop13").exists()
    taken = subprocess.run(["losetup", "/dev/loop13", str(dummy)], capture_output=True, text=True)
    if taken.returncode != 0:
        dummy.unlink()
        folder.rmdir()
        pytest.skip("loop13 is in use by something else")
    try:
        with l13.volume_lab() as ebs:
            vol = ebs.create_volume(1, "ap-northeast-2a")
            assert vol.real_device != "/dev/loop13" and vol.device == "/dev/loop13"
            vol.attach(ebs["web1"])
            assert ebs["web1"].run("lsblk /dev/loop13").output == (
                "NAME   MAJ:MIN RM SIZE RO TYPE MOUNTPOINTS\nloop13   7:13   0   1G  0 loop\n")
    finally:
        l13._release_loop("/dev/loop13", dummy, created=not existed)
        dummy.unlink()
        folder.rmdir()


def test_cleanup_volumes_releases_what_a_dead_run_left(volumes):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    folder = Path(tempfile.mkdtemp(prefix=f"{l13.FOLDER_PREFIX}{dead.pid}-"))
    (folder / "owner").write_text(f"{dead.pid} 1\n")
    image = folder / "vol-0001.img"
    subprocess.run(["truncate", "-s", "1M", str(image)], check=True)
    device = subprocess.run(["losetup", "--find", "--show", str(image)], capture_output=True, text=True,
                            check=True).stdout.strip()
    try:
        assert device in l13.cleanup_volumes()
        assert str(image) not in _loop_devices() and not folder.exists()
    finally:
        subprocess.run(["losetup", "--detach", device], capture_output=True)


# ---------------------------------------------------------------------------- live: shared files

def test_live_shared_folder_and_the_nfs_port(live):
    shared = l13.shared_files_lab()
    with shared:
        web1, web2 = shared["web1"], shared["web2"]
        first = shared.mount(web1)
        assert first.ok and first.probe.open
        assert web1.run("echo v1 > /mnt/efs/menu.txt").ok
        blocked = shared.mount(web2)  # the security group lets in web1 only
        assert not blocked.ok and not blocked.probe.open and blocked.result is None
        assert "Connection timed out" in repr(blocked)
        assert "is not a mountpoint" in web2.run("mountpoint /mnt/efs").output
        shared.allow("10.0.1.0/24")
        assert shared.mount(web2).ok
        assert web2.run("cat /mnt/efs/menu.txt && echo v2 >> /mnt/efs/menu.txt").output == "v1\n"
        assert web1.run("cat /mnt/efs/menu.txt").output == "v1\nv2\n"
        export = shared.folder / "efs-export" / "menu.txt"
        assert export.read_text() == "v1\nv2\n"  # one real folder behind both instances
        with pytest.raises(InputError, match="not a network"):
            shared.allow("everyone")
    assert not shared.running and not export.exists()
    assert "/mnt/efs" not in Path("/proc/self/mountinfo").read_text()


def test_volume_lab_refuses_wrong_arguments(monkeypatch):
    monkeypatch.setenv("NETCOURSE_LAB_MODE", "offline")
    with l13.volume_lab() as ebs:
        vol = ebs.create_volume(1, "ap-northeast-2a")
        with pytest.raises(l13.LabError, match="not an instance"):
            vol.attach(42)
        with pytest.raises(l13.LabError, match="snapshot\\(\\) needs a volume"):
            ebs.snapshot("vol-0004")
        with pytest.raises(l13.LabError, match="snapshot= takes"):
            ebs.create_volume(1, "ap-northeast-2c", snapshot="snap-0001")
        with pytest.raises(EbsError, match="not an Availability Zone"):
            ebs.create_volume(1, "us-east-1a")
        vol.attach("web1")
        assert vol.attached_to is ebs["web1"]


def test_stop_detaches_loops_that_a_half_done_create_left(volumes):
    ebs = l13.volume_lab()
    with ebs:
        image = ebs.folder / "orphan.img"
        subprocess.run(["truncate", "-s", "1M", str(image)], check=True)
        subprocess.run(["losetup", "--find", str(image)], check=True)  # attached, but no Volume knows it
        assert str(image) in _loop_devices()
    assert str(image) not in _loop_devices()
