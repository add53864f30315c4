"""The live storage experiments of lesson 13: EBS-like volumes and an EFS-like shared folder.

    ebs = volume_lab()                      # lab "13-ebs": instances web1, web2 (AZ 2a) and web3 (2c)
    ebs.start()
    vol = ebs.create_volume(1, "ap-northeast-2a", name="data")   # a 1 GiB loop device
    vol.attach(ebs["web1"])                 # it appears in web1 (and only there) as /dev/loop13
    ebs["web1"].run("mkfs -t ext4 -U 13131313-1313-4313-8313-131313131313 /dev/loop13")
    ebs["web1"].run("mount /dev/loop13 /mnt/data")
    ...
    ebs.stop()                              # instances, loop devices and image files all go

    efs = shared_files_lab()                # lab "13-efs": web1, web2 and a mount target on TCP 2049
    efs.start(); efs.mount(efs["web1"]); efs.mount(efs["web2"])
    efs.stop()

**Instances.** An instance here is a lab host (a network namespace) with its own *persistent*
mount namespace. `ip netns exec`, which every `node.run` uses, gives each command a fresh
private mount namespace, so a mount made by one command would be gone by the next; on a real
instance `mount` in one command is still there for the next. So each instance keeps one
long-lived process, started with ``unshare --mount --propagation private`` inside its network
namespace (``node.start``), and every command of the instance enters that process's mount
namespace with ``nsenter --mount``. Mounts inside it never reach the host (propagation is
private). Stopping the instance ends that process, and with it everything mounted in it, which is
what stopping an EC2 instance does to its mounts. At boot the instance gets:

* a private ``/mnt`` (a tiny tmpfs) with the empty mount points ``/mnt/data`` (and ``/mnt/efs``),
  so nothing of the host's ``/mnt`` shows and nothing is created on the host's disk;
* in the EBS lab, a private ``/dev`` holding only null, zero, random ... : attaching a volume
  creates its device node there (``mknod``), detaching removes it, so a volume really is usable
  in the one instance it is attached to; and ``/mnt/instance-store``, a small tmpfs standing in
  for instance-store disks: it is empty again after every stop and start;
* in the EFS lab, ``/srv/efs``: one host folder bound into every instance, playing the NFS
  server's export (a bind mount of it stands in for the NFS client, which this kernel lacks).

**Volumes.** A volume is a sparse image file in a private temporary folder, attached to a loop
device on the host (``losetup``). The lesson asks for ``/dev/loop13`` (then 14, 15 ...); when that
number is busy it takes a free one and shows it under the asked-for name, so outputs stay the same.

**Privileges and replay.** Loop devices, ext4 mounts and device nodes need real root. Where the
machine runs labs without root (or offline), the EBS lab replays the recorded run instead (the
lab engine's recording covers every command's output); the EFS lab needs only namespaces and bind
mounts, so it runs live rootless too.

**Cleanup.** ``stop()`` (also run at exit and by ``with``) stops the instances, detaches every
loop device it attached, removes loop devices it created, and deletes its folder, also after
errors. A run killed outright leaves loop devices behind; the next ``volume_lab().start()`` (or
``cleanup_volumes()``) detaches those whose owner process is gone.
"""
from __future__ import annotations

import atexit
import fcntl
import os
import re
import shlex
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from helpers.display import Terminal
from helpers.lab import Lab
from helpers.lab import results as R
from helpers.lab.backends import detect_mode, find_tool
from helpers.lab.state import process_start
from helpers.lab.topology import LabError
from helpers.sim import ebs as model
from helpers.sim.efs import NFS_PORT, parse_network

__all__ = ["volume_lab", "shared_files_lab", "VolumeLab", "SharedFilesLab", "Instance", "Volume",
           "volumes_supported", "cleanup_volumes", "terminal_text", "UUID"]

EBS_LAB = "13-ebs"
EFS_LAB = "13-efs"
FIRST_LOOP = 13  # the lesson's volumes show up as /dev/loop13, /dev/loop14 ...
LOOP_MAJOR = 7
LOOP_CTL_REMOVE = 0x4C81
FOLDER_PREFIX = "netcourse-13-volumes-"
UUID = "13131313-1313-4313-8313-131313131313"  # passed to mkfs -U so the lesson prints the same UUID
GIB = 1024 ** 3
STANDARD_DEVICES = (("null", "c", 1, 3), ("zero", "c", 1, 5), ("full", "c", 1, 7), ("random", "c", 1, 8),
                    ("urandom", "c", 1, 9), ("tty", "c", 5, 0))


# ---------------------------------------------------------------------------- small helpers

def terminal_text(raw: str) -> str:
    """Text as a terminal shows it: backspaces move the cursor back (mkfs draws progress that way)."""
    lines = []
    for line in raw.replace("\r\n", "\n").split("\n"):
        screen: list[str] = []
        cursor = 0
        for char in line:
            if char == "\b":
                cursor = max(0, cursor - 1)
            elif char == "\r":
                cursor = 0
            else:
                if cursor < len(screen):
                    screen[cursor] = char
                else:
                    screen.append(char)
                cursor += 1
        lines.append("".join(screen).rstrip())
    return "\n".join(lines)


def _host(argv: list[str], *, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
    """A command on the host itself (losetup, truncate, cp): only ever about this lab's own files."""
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                          env=dict(os.environ, LC_ALL="C"))
    if check and done.returncode != 0:
        raise LabError(f"`{shlex.join(argv)}` failed: {(done.stderr or done.stdout).strip() or 'no message'}.")
    return done


def volumes_supported() -> tuple[bool, str]:
    """Can this machine make loop-device volumes live? (True, "") or (False, why not)."""
    mode = detect_mode()
    if mode.kind != "root":
        return False, "loop devices and ext4 mounts need real root"
    for tool in ("losetup", "mkfs.ext4", "nsenter", "unshare", "mknod", "truncate"):
        if not find_tool(tool):
            return False, f"the {tool!r} command is missing"
    if not os.access("/dev/loop-control", os.R_OK | os.W_OK):
        return False, "this machine has no usable /dev/loop-control"
    try:
        if "ext4" not in Path("/proc/filesystems").read_text().split():
            return False, "this kernel has no ext4"
    except OSError:
        return False, "/proc/filesystems is not readable"
    return True, ""


@contextmanager
def _replay_only():
    """Build a Lab that replays its recording even though labs run live here.

    Lab() reads the mode from NETCOURSE_LAB_MODE when it is created; setting it to "offline" for
    that moment makes this one lab replay (engine feature request: Lab(..., replay=True)).
    """
    before = os.environ.get("NETCOURSE_LAB_MODE")
    os.environ["NETCOURSE_LAB_MODE"] = "offline"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("NETCOURSE_LAB_MODE", None)
        else:
            os.environ["NETCOURSE_LAB_MODE"] = before


class InstanceResult(R.CommandResult):
    """A command's output on an instance; shows a non-zero exit status the way a shell user sees it."""

    def terminal(self) -> Terminal:
        text = self.output.rstrip("\n")
        if self.returncode:
            text = (text + "\n" if text else "") + f"[exit status {self.returncode}]"
        return Terminal(self.command, text, prompt=f"{self.node}$")


# ---------------------------------------------------------------------------- instances

class Instance:
    """A lab host with its own persistent mount namespace (see the module docstring)."""

    def __init__(self, world: "_World", node, az: str, *, private_dev: bool, instance_store: bool,
                 efs_export: Path | None = None):
        self.world = world
        self.node = node
        self.name = node.name
        self.az = az
        self.private_dev = private_dev
        self.instance_store = instance_store
        self.efs_export = efs_export
        self.model: model.Instance | None = None
        self._service = None
        self.pid: int | None = None

    def __repr__(self) -> str:
        return f"<instance {self.name} in {self.az}>"

    # -- boot and halt (live only) --------------------------------------------------------------
    def _boot_script(self, folder: Path) -> str:
        lines = ["set -e"]
        if self.private_dev:
            dev = folder / f"dev-{self.name}"
            dev.mkdir(exist_ok=True)
            q = shlex.quote(str(dev))
            lines.append(f"mount -t tmpfs -o size=64k,mode=755 instance-dev {q}")
            for name, kind, major, minor in STANDARD_DEVICES:
                lines.append(f"mknod -m 666 {q}/{name} {kind} {major} {minor}")
            for link, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                                 ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
                lines.append(f"ln -s {target} {q}/{link}")
            lines.append(f"mount --move {q} /dev")
        lines.append("mount -t tmpfs -o size=1m,mode=755 instance-mnt /mnt")
        lines.append("mkdir /mnt/data")
        if self.instance_store:
            lines.append("mkdir /mnt/instance-store")
            lines.append("mount -t tmpfs -o size=16m,mode=755 instance-store /mnt/instance-store")
        if self.efs_export is not None:
            lines.append("mkdir /mnt/efs")
            lines.append("mount -t tmpfs -o size=64k,mode=755 instance-srv /srv")
            lines.append("mkdir /srv/efs")
            lines.append(f"mount --bind {shlex.quote(str(self.efs_export))} /srv/efs")
        pidfile = folder / f"{self.name}.pid"
        lines.append(f"echo $$ > {shlex.quote(str(pidfile))}")
        lines.append("echo ready")
        lines.append("exec sleep infinity")
        return "\n".join(lines)

    def _boot(self) -> None:
        if not self.world.live:
            return
        folder = self.world.folder
        pidfile = folder / f"{self.name}.pid"
        pidfile.unlink(missing_ok=True)
        self._service = self.node.start(
            ["unshare", "--mount", "--propagation", "private", "sh", "-c", self._boot_script(folder)],
            name="instance", wait_ready_line=True,
            display="unshare --mount --propagation private sleep infinity  # the instance's own mount namespace")
        self.pid = int(pidfile.read_text().strip())

    def _halt(self) -> None:
        if self._service is not None:
            self._service.stop()
            self._service = None
        self.pid = None

    # -- commands ------------------------------------------------------------------------------
    def _enter(self, command: str) -> list[str]:
        # Merge stderr into stdout so the output reads in the order a terminal shows it.
        return ["nsenter", f"--target={self.pid}", "--mount", "--", "sh", "-c", f"exec 2>&1\n{command}"]

    def run(self, command: str, *, timeout: float = 60) -> InstanceResult:
        """Run a shell command on this instance, inside its own mount namespace (recorded for replay)."""
        if not isinstance(command, str) or not command.strip():
            raise LabError(f"run() needs a command as text, like {self.name}.run('df -h /mnt/data').")
        self.world._require_up(self)
        if self.world.live and self.pid is None:
            raise LabError(f"{self.name} has no running mount namespace (it did not boot); stop the lab and "
                           f"start it again.")

        def live():
            try:
                done = self.node._exec(self._enter(command), timeout=timeout)
            except LabError:
                raise LabError(f"`{command}` on {self.name} did not finish within {timeout:g} s.") from None
            text = self.world.rename(terminal_text(done.stdout))
            return R.CommandResult(self.name, command, text, "", done.returncode)

        # node._observe is the engine's record/replay point (what node.run uses); the command runs in
        # this instance's mount namespace instead of a fresh one, so node.run itself cannot be used.
        result = self.node._observe("run", command, live)
        return InstanceResult(**result.to_dict())

    def _internal(self, command: str) -> str:
        """Plumbing the lesson does not show (device nodes, freezes); live only, never recorded."""
        if not self.world.live or self.pid is None:
            return ""
        done = self.node._exec(self._enter(command), timeout=60)
        if done.returncode != 0:
            raise LabError(f"setting up {self.name} failed at `{command}`: {done.stdout.strip() or 'no message'}.")
        return done.stdout

    # -- EC2 actions (volume lab) ---------------------------------------------------------------
    def stop(self) -> str:
        """stop-instances: its mounts and instance store end; attached EBS volumes stay attached."""
        return self._volume_lab().stop_instance(self)

    def start(self) -> str:
        """start-instances: a fresh boot; attached volumes come back as devices, unmounted."""
        return self._volume_lab().start_instance(self)

    def _volume_lab(self) -> "VolumeLab":
        if not isinstance(self.world, VolumeLab):
            raise LabError(f"{self.name} belongs to lab '{self.world.lab.name}'; only the volume lab's "
                           f"instances are stopped and started.")
        return self.world


class _World:
    """What both labs share: a Lab, its instances, a private folder, live or replayed."""

    def __init__(self, lab: Lab):
        self.lab = lab
        self.instances: dict[str, Instance] = {}
        self.folder: Path | None = None
        self._renames: dict[str, str] = {}

    @property
    def live(self) -> bool:
        return self.lab.mode.live

    @property
    def running(self) -> bool:
        return self.lab.running

    def __getitem__(self, name: str) -> Instance:
        try:
            return self.instances[name]
        except KeyError:
            raise LabError(f"lab '{self.lab.name}' has no instance {name!r}; it has "
                           f"{', '.join(self.instances)}.") from None

    def instance(self, value) -> Instance:
        """An instance of this lab, given as itself or by name."""
        if isinstance(value, Instance) and value.world is self:
            return value
        if isinstance(value, str):
            return self[value]
        raise LabError(f"{value!r} is not an instance of lab '{self.lab.name}'; use one of "
                       f"{', '.join(self.instances)}.")

    def _require_running(self) -> None:
        if not self.running:
            raise LabError(f"lab '{self.lab.name}' is not running; start it with .start() first.")

    def _require_up(self, instance: Instance) -> None:
        self._require_running()

    def rename(self, text: str) -> str:
        """Show loop devices under the names the lesson asked for (see the module docstring)."""
        if not self._renames:
            return text

        def name(match: re.Match) -> str:
            old, spaces = match.group(1), match.group(2)
            new = self._renames.get(old, old)
            if spaces:  # keep table columns lined up
                spaces = " " * max(1, len(old) + len(spaces) - len(new))
            return new + spaces

        def majmin(match: re.Match) -> str:
            field_, minor = match.group(0), match.group(2)
            new = self._renames.get(f"loop{minor}")
            if new is None:
                return field_
            value = f"{LOOP_MAJOR}:{new.removeprefix('loop')}"
            return value.rjust(len(field_))  # right-aligned like lsblk's MAJ:MIN column

        text = re.sub(r"\b(loop\d+)\b( *)", name, text)
        return re.sub(r"( *)\b7:(\d+)\b", majmin, text)

    def start(self):
        raise NotImplementedError

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        raise NotImplementedError


# ---------------------------------------------------------------------------- EBS: volumes

class Volume:
    """An EBS-like volume: the model's rules plus, live, a loop device over a sparse image file."""

    def __init__(self, world: "VolumeLab", spec: model.Volume, display_minor: int):
        self.world = world
        self.spec = spec
        self.device = f"/dev/loop{display_minor}"  # the name the lesson shows
        self.minor = display_minor  # the real loop device's minor number (live)
        self.image: Path | None = None
        self.created_loop = False  # True when this lab created the loop device (and so removes it)

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def size_gib(self) -> int:
        return self.spec.size_gib

    @property
    def az(self) -> str:
        return self.spec.az

    @property
    def attached_to(self) -> Instance | None:
        if self.spec.attached_to is None:
            return None
        return self.world[self.spec.attached_to.name]

    def __repr__(self) -> str:
        where = f", attached to {self.attached_to.name}" if self.attached_to else ""
        return (f"<EBS volume {self.spec.label}: {self.size_gib} GiB {self.spec.volume_type} in {self.az}, "
                f"{self.spec.state}{where}; here the loop device {self.device}>")

    def attach(self, instance: Instance) -> str:
        """attach-volume: the AZ and one-instance rules, then the device node appears in that instance."""
        instance = self.world.instance(instance)
        self.world._require_running()
        self.world.region.attach(self.spec, instance.model)
        try:
            instance._internal(self._mknod())
        except BaseException:
            self.world.region.detach(self.spec)
            raise
        return _Note(f"{self.id} attached to {instance.name}: it appears there as {self.device} "
                     f"(on EC2 you would pick /dev/sdf and see /dev/xvdf or /dev/nvme1n1)")

    def _mknod(self) -> str:
        return f"mknod -m 660 {self.device} b {LOOP_MAJOR} {self.minor}"

    def detach(self) -> str:
        """detach-volume: refused while the file system is still mounted on the instance."""
        instance = self.attached_to
        if instance is None:
            raise model.EbsError(f"{self.id} is not attached to anything.")
        self.world._require_running()
        if instance.model.state == "running":
            # A recorded look at the instance's mounts, so replay makes the same decision.
            mounted = instance.run(f"findmnt -rn -o TARGET -S {self.device}").output.strip()
            if mounted:
                raise model.EbsError(f"{self.device} is still mounted at {mounted.splitlines()[0]} on "
                                     f"{instance.name}; run `umount {mounted.splitlines()[0]}` there first, or "
                                     f"writes still in its cache could be lost.")
        self.world.region.detach(self.spec)
        instance._internal(f"rm -f {self.device}")
        return _Note(f"{self.id} detached from {instance.name}; it is available for another instance in {self.az}")

    def grow(self, size_gib: int) -> str:
        """modify-volume to a bigger size: the device grows; the file system on it does not (yet)."""
        old = self.size_gib
        self.world.region.modify_volume(self.spec, size_gib)
        if self.world.live:
            _host(["truncate", "-s", str(size_gib * GIB), str(self.image)])
            _host(["losetup", "--set-capacity", self.real_device])
        return _Note(f"{self.id} grew from {old} GiB to {size_gib} GiB; the file system on it still has its "
                     f"old size until you grow it too (resize2fs for ext4)")

    @property
    def real_device(self) -> str:
        return f"/dev/loop{self.minor}"


class Snapshot:
    def __init__(self, spec: model.Snapshot, image: Path | None):
        self.spec = spec
        self.image = image

    @property
    def id(self) -> str:
        return self.spec.id

    def __repr__(self) -> str:
        return repr(self.spec)


class _Note(str):
    """A one-line outcome that prints without quotes."""

    def __repr__(self) -> str:
        return str(self)


class VolumeLab(_World):
    """Lab "13-ebs": instances in two AZs, and EBS-like volumes made of loop devices."""

    def __init__(self, instances=(("web1", "a"), ("web2", "a"), ("web3", "c")), region: str = "ap-northeast-2"):
        supported, self.why_replayed = volumes_supported()
        if supported or not detect_mode().live:
            lab = Lab(EBS_LAB)
        else:
            with _replay_only():
                lab = Lab(EBS_LAB)
        super().__init__(lab)
        self.region = model.Region(region)
        self.volumes: list[Volume] = []
        self.snapshots: list[Snapshot] = []
        for name, zone in instances:
            node = lab.host(name)
            instance = Instance(self, node, self.region._az(zone), private_dev=True, instance_store=True)
            instance.model = self.region.launch(name, instance.az, instance_store_gib=16)
            self.instances[name] = instance

    def __repr__(self) -> str:
        state = "running" if self.running else "not started"
        lines = [f"Lab '{self.lab.name}' ({state}): {len(self.instances)} instances in {self.region.name}, "
                 f"each with its own mount namespace"]
        for instance in self.instances.values():
            lines.append(f"  {instance.name:<6} {instance.az}  {instance.model.state}")
        if self.volumes:
            lines.append("Volumes:")
            for volume in self.volumes:
                where = f"attached to {volume.attached_to.name}" if volume.attached_to else volume.spec.state
                lines.append(f"  {volume.id} {volume.spec.name or '-':<10} {volume.size_gib} GiB  {volume.az}  "
                             f"{volume.device}  {where}")
        # Starts with "Lab mode:" like the setup line, because it differs from machine to machine.
        if self.live:
            lines.append("Lab mode: volumes are live loop devices on this machine.")
        else:
            why = self.why_replayed or self.lab.mode.reason
            lines.append(f"Lab mode: volumes replay the recorded run here ({why}).")
        return "\n".join(lines)

    def _require_up(self, instance: Instance) -> None:
        super()._require_up(instance)
        if instance.model.state != "running":
            raise LabError(f"{instance.name} is {instance.model.state}; start it with {instance.name}.start() first.")

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> "VolumeLab":
        if self.running:
            return self
        for other in list(_ACTIVE):
            if other is not self and other.lab.name == self.lab.name:
                other.stop()  # the learner re-ran the cell that builds this lab
        if self.live:
            cleanup_volumes()
            self.folder = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-"))
            (self.folder / "owner").write_text(f"{os.getpid()} {process_start(os.getpid())}\n")
        _ACTIVE.append(self)
        try:
            self.lab.start()
            for instance in self.instances.values():
                instance._boot()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop the instances and the lab; detach and remove every loop device; delete the images."""
        try:
            for instance in self.instances.values():
                instance._halt()
            self.lab.stop()
        finally:
            for volume in self.volumes:
                if volume.image is not None:
                    _release_loop(volume.real_device, volume.image, created=volume.created_loop)
                    volume.image = None
            if self.folder is not None:
                # Anything still attached to an image of ours (say, after an interrupt half-way
                # through create_volume) is detached before the folder goes.
                for device, image in _loops_backed_by(self.folder):
                    _release_loop(device, image, created=False)
                shutil.rmtree(self.folder, ignore_errors=True)
                self.folder = None
            if self in _ACTIVE:
                _ACTIVE.remove(self)

    # -- volumes ------------------------------------------------------------------------------
    def create_volume(self, size_gib: int = 1, az: str = "ap-northeast-2a", *, name: str = "",
                      snapshot: Snapshot | None = None) -> Volume:
        """create-volume: a new empty volume (or one holding a snapshot's data) in one AZ."""
        if snapshot is not None and not isinstance(snapshot, Snapshot):
            raise LabError(f"snapshot= takes what ebs.snapshot(volume) returned; got {snapshot!r}.")
        self._require_running()
        spec = self.region.create_volume(size_gib, az, name=name, snapshot=snapshot.spec if snapshot else None)
        volume = Volume(self, spec, FIRST_LOOP + len(self.volumes))
        if self.live:
            image = self.folder / f"{spec.id}.img"
            try:
                if snapshot is not None:
                    _host(["cp", "--sparse=always", str(snapshot.image), str(image)])
                _host(["truncate", "-s", str(size_gib * GIB), str(image)])
                volume.minor, volume.created_loop = _attach_loop(image, volume.minor)
            except BaseException:
                image.unlink(missing_ok=True)
                self.region.delete_volume(spec)
                raise
            volume.image = image
            if volume.real_device != volume.device:
                self._renames[Path(volume.real_device).name] = Path(volume.device).name
        self.volumes.append(volume)
        return volume

    def snapshot(self, volume: Volume) -> Snapshot:
        """create-snapshot: a point-in-time copy, kept by the region (frozen first if mounted)."""
        if not isinstance(volume, Volume) or volume.world is not self:
            raise LabError(f"snapshot() needs a volume of this lab, as returned by create_volume(); got {volume!r}.")
        self._require_running()
        spec = self.region.snapshot(volume.spec)
        image = None
        if self.live:
            image = self.folder / f"{spec.id}.img"
            holder = volume.attached_to
            frozen = None
            if holder is not None and holder.pid is not None:
                # Freeze the file system while copying, as AWS advises for consistent snapshots.
                mounted = holder._internal(f"findmnt -rn -o TARGET -S {volume.device} || true")
                frozen = (mounted.strip().splitlines() or [None])[0]
            try:
                if frozen:
                    holder._internal(f"sync && fsfreeze --freeze {frozen}")
                _host(["cp", "--sparse=always", str(volume.image), str(image)])
            finally:
                if frozen:
                    holder._internal(f"fsfreeze --unfreeze {frozen}")
        snap = Snapshot(spec, image)
        self.snapshots.append(snap)
        return snap

    def stop_instance(self, instance: Instance) -> str:
        """stop-instances: its mounts and its instance store end with it; EBS volumes stay attached."""
        instance = self.instance(instance)
        self._require_running()
        self.region.stop(instance.model)
        instance._halt()
        return _Note(f"{instance.name} stopped: its mounts are gone and its instance store was wiped; "
                     f"attached EBS volumes stay attached")

    def start_instance(self, instance: Instance) -> str:
        """start-instances: a fresh boot (empty instance store); attached volumes reappear, unmounted."""
        instance = self.instance(instance)
        self._require_running()
        self.region.start(instance.model)
        instance._boot()
        for volume in self.volumes:
            if volume.attached_to is instance:
                instance._internal(volume._mknod())
        return _Note(f"{instance.name} started: attached volumes are back as devices, but nothing is mounted "
                     f"until you mount it (or list it in /etc/fstab)")


def _attach_loop(image: Path, preferred: int) -> tuple[int, bool]:
    """Attach the image to /dev/loop<preferred> if free, else to another free two-digit loop device.

    A two-digit stand-in keeps `lsblk` columns as wide as the name shown in its place. Returns
    (minor, created): created is True when the loop device did not exist before.
    """
    for minor in [preferred] + [n for n in range(10, 100) if n != preferred]:
        if Path(f"/sys/block/loop{minor}/loop").exists():  # the loop/ folder exists only while bound
            continue
        existed = Path(f"/sys/block/loop{minor}").exists()
        done = _host(["losetup", f"/dev/loop{minor}", str(image)], check=False)
        if done.returncode == 0:
            return minor, not existed
    done = _host(["losetup", "--find", "--show", str(image)])
    return int(re.search(r"loop(\d+)", done.stdout)[1]), False


def _release_loop(device: str, image: Path | None, *, created: bool) -> None:
    """Detach a loop device of ours (lazily if still busy) and remove it if we created it."""
    backing = Path(f"/sys/block/{Path(device).name}/loop/backing_file")
    try:
        current = backing.read_text().strip()
    except OSError:
        current = ""
    if image is not None and current.removesuffix(" (deleted)") != str(image):
        return  # not ours (any more): never touch another program's loop device
    _host(["losetup", "--detach", device], check=False)
    if created:
        try:
            fd = os.open("/dev/loop-control", os.O_RDWR)
            try:
                fcntl.ioctl(fd, LOOP_CTL_REMOVE, int(device.removeprefix("/dev/loop")))
            finally:
                os.close(fd)
        except OSError:
            pass  # still busy (being released lazily) or gone already: the kernel keeps an unused one


def _loops_backed_by(folder: Path) -> list[tuple[str, Path]]:
    """(device, image) for every loop device whose backing file is inside folder."""
    found = []
    for backing in sorted(Path("/sys/block").glob("loop*/loop/backing_file")):
        try:
            path = Path(backing.read_text().strip().removesuffix(" (deleted)"))
        except OSError:
            continue
        if path.parent == folder:
            found.append((f"/dev/{backing.parent.parent.name}", path))
    return found


def cleanup_volumes() -> list[str]:
    """Detach loop devices left by lesson-13 runs that died; returns the devices released."""
    released = []
    for backing in sorted(Path("/sys/block").glob("loop*/loop/backing_file")):
        try:
            path = backing.read_text().strip().removesuffix(" (deleted)")
        except OSError:
            continue
        folder = Path(path).parent
        if not folder.name.startswith(FOLDER_PREFIX):
            continue
        try:
            pid_text, start = (folder / "owner").read_text().split()
            alive = process_start(int(pid_text)) == start
        except (OSError, ValueError):
            alive = False
        if alive:
            continue
        device = f"/dev/{backing.parent.parent.name}"
        _host(["losetup", "--detach", device], check=False)
        released.append(device)
        shutil.rmtree(folder, ignore_errors=True)
    for folder in Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"):
        try:
            pid_text, start = (folder / "owner").read_text().split()
            alive = process_start(int(pid_text)) == start
        except (OSError, ValueError):
            alive = False
        if not alive:
            shutil.rmtree(folder, ignore_errors=True)
    return released


# ---------------------------------------------------------------------------- EFS: shared files

class MountOutcome:
    """What `mount -t nfs4 ...` does on an instance here: the TCP 2049 check, then the stand-in mount."""

    def __init__(self, instance: Instance, target: str, probe, result: InstanceResult | None):
        self.instance = instance
        self.target = target
        self.probe = probe
        self.result = result

    @property
    def ok(self) -> bool:
        return self.result is not None and self.result.ok

    def terminal(self) -> Terminal:
        command = f"mount -t nfs4 {self.target}:/ /mnt/efs"
        if not self.probe.open:
            text = (f"(lab: TCP {self.target}:{NFS_PORT} got no answer, so a real NFS client would "
                    f"give up with:)\nmount.nfs4: Connection timed out")
        else:
            text = (f"(lab: TCP {self.target}:{NFS_PORT} answered; the stand-in for the NFS client:"
                    f" {self.result.command})")
            if self.result.output.strip() or not self.result.ok:
                text += "\n" + self.result.terminal().output
        return Terminal(command, text, prompt=f"{self.instance.name}$")

    def __repr__(self) -> str:
        return repr(self.terminal())

    def _repr_html_(self) -> str:
        return self.terminal()._repr_html_()


class SharedFilesLab(_World):
    """Lab "13-efs": two instances and an EFS mount target (TCP 2049) on one subnet, one shared folder."""

    SUBNET = "10.0.1.0/24"
    TARGET_IP = "10.0.1.50"

    def __init__(self, allowed: str = "10.0.1.11/32"):
        lab = Lab(EFS_LAB)
        super().__init__(lab)
        s1 = lab.switch("s1")
        self.target = lab.host("efs")
        lab.link(self.target, s1, ip1=f"{self.TARGET_IP}/24")
        self.allowed = [allowed]
        for index, name in enumerate(("web1", "web2"), start=1):
            node = lab.host(name)
            lab.link(node, s1, ip1=f"10.0.1.{10 + index}/24")
            self.instances[name] = Instance(self, node, "ap-northeast-2a", private_dev=False, instance_store=False)
        # The mount target's security group: TCP 2049 only from the allowed sources; the rest is dropped
        # (a security group never answers with a reset, so a blocked mount hangs until it times out).
        self.target.nft(self._ruleset(allowed))
        self.target.serve_echo(NFS_PORT)  # stands in for the NFS server's listening port

    @staticmethod
    def _ruleset(allowed: str) -> str:
        return ("table inet sg {\n"
                f"  set nfs_clients {{ type ipv4_addr; flags interval; auto-merge; elements = {{ {allowed} }} }}\n"
                "  chain input {\n"
                "    type filter hook input priority 0; policy accept;\n"
                f"    tcp dport {NFS_PORT} ip saddr != @nfs_clients drop\n"
                "  }\n"
                "}")

    def __repr__(self) -> str:
        state = "running" if self.running else "not started"
        lines = [f"Lab '{self.lab.name}' ({state}): an EFS mount target and 2 instances in {self.SUBNET}",
                 f"  efs    {self.TARGET_IP}  mount target, TCP {NFS_PORT} allowed from {', '.join(self.allowed)}"]
        for instance in self.instances.values():
            lines.append(f"  {instance.name:<6} {instance.node.ip}  instance, mount point /mnt/efs")
        return "\n".join(lines)

    def start(self) -> "SharedFilesLab":
        if self.running:
            return self
        for other in list(_ACTIVE):
            if other is not self and other.lab.name == self.lab.name:
                other.stop()
        _ACTIVE.append(self)
        try:
            self.lab.start()
            if self.live:
                self.folder = self.lab.workdir  # removed with the lab
                export = self.folder / "efs-export"
                export.mkdir(mode=0o755)
                # Instance commands run as root (or the sandbox's mapped root), so they can write here.
                export.chmod(0o777)
                for instance in self.instances.values():
                    instance.efs_export = export
                    instance._boot()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        try:
            for instance in self.instances.values():
                instance._halt()
            self.lab.stop()
        finally:
            self.folder = None
            if self in _ACTIVE:
                _ACTIVE.remove(self)

    def mount(self, instance: Instance, *, timeout: float = 1) -> MountOutcome:
        """Mount the shared file system on an instance: TCP 2049 to the mount target first, as NFS does."""
        instance = self.instance(instance)
        self._require_up(instance)
        probe = instance.node.tcp_connect(self.TARGET_IP, NFS_PORT, timeout=timeout)
        result = None
        if probe.open:
            result = instance.run("mount --bind /srv/efs /mnt/efs")
        return MountOutcome(instance, self.TARGET_IP, probe, result)

    def allow(self, source: str) -> str:
        """Add an inbound rule to the mount target's security group: TCP 2049 from source."""
        network = str(parse_network(source, "allowed source").cidr)
        self.target.nft(f"add element inet sg nfs_clients {{ {network} }}")
        self.allowed.append(network)
        return _Note(f"security group of the mount target: TCP {NFS_PORT} now allowed from "
                     f"{', '.join(self.allowed)}")


_ACTIVE: list[_World] = []


def _stop_all() -> None:
    for world in list(_ACTIVE):
        try:
            world.stop()
        except Exception:
            pass


atexit.register(_stop_all)


def volume_lab(**kwargs) -> VolumeLab:
    """The EBS lab: web1 and web2 in ap-northeast-2a, web3 in ap-northeast-2c."""
    return VolumeLab(**kwargs)


def shared_files_lab(**kwargs) -> SharedFilesLab:
    """The EFS lab: a mount target on TCP 2049 (security group allowing only web1 at first), web1, web2."""
    return SharedFilesLab(**kwargs)


