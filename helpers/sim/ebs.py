"""EBS volumes, snapshots and instance store, as rules you can try out.

    region = Region()                                        # ap-northeast-2 with AZs 2a, 2b, 2c
    web1 = region.launch("web1", "ap-northeast-2a", instance_store_gib=75)
    data = region.create_volume(100, "ap-northeast-2a", name="data")
    region.attach(data, web1, "/dev/sdf")                    # same AZ, not in use: fine
    region.attach(data, web2)                                # refused: one instance at a time
    snap = region.snapshot(data)                             # stored by the region, not by an AZ
    copy = region.create_volume(100, "ap-northeast-2c", snapshot=snap)   # how a volume "moves" AZ
    region.modify_volume(data, 200)                          # grow: fine; shrink: refused
    region.write(web1, "instance-store", "cache.tmp", "x"); region.stop(web1)   # instance store wiped

The rules (checked against the EC2 and EBS documentation):

* a volume lives in one Availability Zone and attaches only to instances in that AZ;
* it is attached to one instance at a time (io1/io2 Multi-Attach for cluster software is the
  exception this model leaves out);
* its size is chosen at creation; it can be made bigger later (then the file system must be
  grown too), never smaller;
* a snapshot is a point-in-time copy kept by the region; a new volume made from it can be in any
  AZ of the region, which is how data moves between AZs;
* instance store is disk on the instance's host: it survives a reboot, but a stop or a
  terminate loses it; EBS volumes keep their data through stop and start; at termination the root
  volume is deleted by default (DeleteOnTermination) and volumes attached later are kept.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from helpers.errors import InputError
from helpers.sim.storage import Table

__all__ = ["Region", "Instance", "Volume", "Snapshot", "EbsError", "lifecycle_table"]

GP3_MIN_GIB, GP3_MAX_GIB = 1, 16384


class EbsError(InputError):
    """A request EC2 would refuse; the message says why and what to do instead."""


@dataclass(eq=False)
class Volume:
    id: str
    name: str
    size_gib: int
    az: str
    volume_type: str = "gp3"
    state: str = "available"  # available, in-use, deleted
    attached_to: "Instance | None" = None
    device: str | None = None
    delete_on_termination: bool = False
    from_snapshot: str | None = None
    files: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.id} ({self.name})" if self.name else self.id

    def __repr__(self) -> str:
        where = f", attached to {self.attached_to.name} as {self.device}" if self.attached_to else ""
        return f"<EBS volume {self.label}: {self.size_gib} GiB {self.volume_type} in {self.az}, {self.state}{where}>"


@dataclass(eq=False)
class Snapshot:
    id: str
    volume_id: str
    size_gib: int
    region: str
    files: dict[str, str]

    def __repr__(self) -> str:
        return f"<EBS snapshot {self.id} of {self.volume_id}: {self.size_gib} GiB, kept by region {self.region}>"


@dataclass(eq=False)
class Instance:
    id: str
    name: str
    az: str
    root: Volume
    instance_store_gib: int = 0
    state: str = "running"  # running, stopped, terminated
    instance_store: dict[str, str] | None = None

    def __repr__(self) -> str:
        store = f", {self.instance_store_gib} GiB instance store" if self.instance_store_gib else ""
        return f"<instance {self.name} ({self.id}) in {self.az}, {self.state}{store}>"


class Region:
    """The EC2/EBS rules of one region; every refused action says why in one sentence."""

    def __init__(self, name: str = "ap-northeast-2", azs: tuple[str, ...] = ("a", "b", "c")):
        self.name = name
        self.azs = tuple(f"{name}{z}" for z in azs)
        self.instances: dict[str, Instance] = {}
        self.volumes: dict[str, Volume] = {}
        self.snapshots: dict[str, Snapshot] = {}
        self._ids = {"i": 0, "vol": 0, "snap": 0}

    def _id(self, kind: str) -> str:
        self._ids[kind] += 1
        return f"{kind}-{self._ids[kind]:04d}"

    def _az(self, az: str) -> str:
        if az in self.azs:
            return az
        if isinstance(az, str) and f"{self.name}{az}" in self.azs:
            return f"{self.name}{az}"
        raise EbsError(f"{az!r} is not an Availability Zone of {self.name}; use one of {', '.join(self.azs)}.")

    # -- instances ----------------------------------------------------------------------------
    def launch(self, name: str, az: str, *, instance_store_gib: int = 0, root_gib: int = 8) -> Instance:
        """Start an instance with an 8 GiB EBS root volume (and instance store if the type has it)."""
        az = self._az(az)
        if any(i.name == name and i.state != "terminated" for i in self.instances.values()):
            raise EbsError(f"there is already an instance called {name!r}; pick another name.")
        root = self.create_volume(root_gib, az, name=f"{name}-root")
        root.delete_on_termination = True
        instance = Instance(self._id("i"), name, az, root, instance_store_gib,
                            instance_store={} if instance_store_gib else None)
        self.instances[instance.id] = instance
        root.state, root.attached_to, root.device = "in-use", instance, "/dev/xvda"
        return instance

    def _instance(self, instance) -> Instance:
        if isinstance(instance, Instance):
            return instance
        for item in self.instances.values():
            if item.name == instance or item.id == instance:
                return item
        raise EbsError(f"there is no instance {instance!r}; launch it with region.launch(...).")

    def reboot(self, instance) -> Instance:
        instance = self._running(self._instance(instance), "reboot")
        return instance  # a reboot keeps every disk, instance store included

    def stop(self, instance) -> Instance:
        instance = self._running(self._instance(instance), "stop")
        instance.state = "stopped"
        if instance.instance_store is not None:
            instance.instance_store = {}  # the host's disks go back to AWS and are wiped
        return instance

    def start(self, instance) -> Instance:
        instance = self._instance(instance)
        if instance.state != "stopped":
            raise EbsError(f"{instance.name} is {instance.state}; only a stopped instance can be started.")
        instance.state = "running"  # possibly on another host: a fresh, empty instance store
        return instance

    def terminate(self, instance) -> Instance:
        instance = self._instance(instance)
        if instance.state == "terminated":
            raise EbsError(f"{instance.name} is already terminated.")
        instance.state = "terminated"
        if instance.instance_store is not None:
            instance.instance_store = {}
        for volume in list(self.volumes.values()):
            if volume.attached_to is instance:
                volume.state, volume.attached_to, volume.device = "available", None, None
                if volume.delete_on_termination:
                    volume.state = "deleted"
                    volume.files = {}
        return instance

    def _running(self, instance: Instance, action: str) -> Instance:
        if instance.state != "running":
            raise EbsError(f"{instance.name} is {instance.state}; you can only {action} a running instance.")
        return instance

    # -- volumes ------------------------------------------------------------------------------
    def create_volume(self, size_gib: int, az: str, *, snapshot: "Snapshot | None" = None,
                      name: str = "", volume_type: str = "gp3") -> Volume:
        az = self._az(az)
        if not isinstance(size_gib, int) or isinstance(size_gib, bool) or not GP3_MIN_GIB <= size_gib <= GP3_MAX_GIB:
            raise EbsError(f"a volume's size is a whole number of GiB from {GP3_MIN_GIB} to {GP3_MAX_GIB}; "
                           f"got {size_gib!r}.")
        files: dict[str, str] = {}
        if snapshot is not None:
            if size_gib < snapshot.size_gib:
                raise EbsError(f"{snapshot.id} holds a {snapshot.size_gib} GiB volume; a volume made from it "
                               f"needs at least {snapshot.size_gib} GiB.")
            files = dict(snapshot.files)
        volume = Volume(self._id("vol"), name, size_gib, az, volume_type,
                        from_snapshot=snapshot.id if snapshot else None, files=files)
        self.volumes[volume.id] = volume
        return volume

    def _volume(self, volume) -> Volume:
        if isinstance(volume, Volume):
            found = volume
        else:
            found = self.volumes.get(volume) or next((v for v in self.volumes.values() if v.name == volume), None)
            if found is None:
                raise EbsError(f"there is no volume {volume!r}; create it with region.create_volume(...).")
        if found.state == "deleted":
            raise EbsError(f"{found.label} was deleted; its data is gone unless a snapshot of it exists.")
        return found

    def attach(self, volume, instance, device: str = "/dev/sdf") -> Volume:
        volume, instance = self._volume(volume), self._instance(instance)
        if instance.state == "terminated":
            raise EbsError(f"{instance.name} is terminated; attach the volume to a live instance.")
        if volume.attached_to is instance:
            raise EbsError(f"{volume.label} is already attached to {instance.name} as {volume.device}.")
        if volume.state == "in-use":
            raise EbsError(f"{volume.label} is in use by {volume.attached_to.name}; an EBS volume is attached to "
                           f"one instance at a time, so detach it there first.")
        if volume.az != instance.az:
            raise EbsError(f"{volume.label} is in {volume.az} but {instance.name} is in {instance.az}; a volume "
                           f"attaches only in its own AZ: snapshot it and create a volume from the snapshot "
                           f"in {instance.az}.")
        if any(v.attached_to is instance and v.device == device for v in self.volumes.values()):
            raise EbsError(f"{instance.name} already has a volume at {device}; use another device name like /dev/sdg.")
        volume.state, volume.attached_to, volume.device = "in-use", instance, device
        return volume

    def detach(self, volume) -> Volume:
        volume = self._volume(volume)
        if volume.attached_to is None:
            raise EbsError(f"{volume.label} is not attached to anything.")
        if volume is volume.attached_to.root and volume.attached_to.state == "running":
            raise EbsError(f"{volume.label} is the root volume of running {volume.attached_to.name}; stop the "
                           f"instance before detaching it.")
        volume.state, volume.attached_to, volume.device = "available", None, None
        return volume

    def delete_volume(self, volume) -> None:
        volume = self._volume(volume)
        if volume.state == "in-use":
            raise EbsError(f"{volume.label} is attached to {volume.attached_to.name}; detach it before deleting it.")
        volume.state = "deleted"
        volume.files = {}

    def modify_volume(self, volume, size_gib: int) -> Volume:
        """Elastic Volumes: make a volume bigger (never smaller)."""
        volume = self._volume(volume)
        if not isinstance(size_gib, int) or isinstance(size_gib, bool):
            raise EbsError(f"the new size is a whole number of GiB; got {size_gib!r}.")
        if size_gib < volume.size_gib:
            raise EbsError(f"EBS volumes can grow but never shrink ({volume.label} is {volume.size_gib} GiB); "
                           f"to get a smaller one, create a new volume and copy the data across.")
        if size_gib == volume.size_gib:
            raise EbsError(f"{volume.label} is already {size_gib} GiB.")
        if size_gib > GP3_MAX_GIB:
            raise EbsError(f"a {volume.volume_type} volume holds at most {GP3_MAX_GIB} GiB.")
        volume.size_gib = size_gib  # the file system on it keeps its old size until it is grown
        return volume

    def snapshot(self, volume) -> Snapshot:
        volume = self._volume(volume)
        snap = Snapshot(self._id("snap"), volume.id, volume.size_gib, self.name, dict(volume.files))
        self.snapshots[snap.id] = snap
        return snap

    # -- data ---------------------------------------------------------------------------------
    def _store(self, instance: Instance, where) -> dict[str, str]:
        if instance.state != "running":
            raise EbsError(f"{instance.name} is {instance.state}; start it to read or write files.")
        if where == "root":
            return instance.root.files
        if where == "instance-store":
            if instance.instance_store is None:
                raise EbsError(f"{instance.name} has no instance store; launch it with instance_store_gib=... "
                               f"(only some instance types have one).")
            return instance.instance_store
        volume = self._volume(where)
        if volume.attached_to is not instance:
            raise EbsError(f"{volume.label} is not attached to {instance.name}; attach it first.")
        return volume.files

    def write(self, instance, where, name: str, text: str) -> None:
        """Save a file on the root volume ("root"), the instance store ("instance-store") or a volume."""
        self._store(self._instance(instance), where)[name] = text

    def read(self, instance, where, name: str) -> str | None:
        """The file's text, or None if it is not there."""
        return self._store(self._instance(instance), where).get(name)

    def describe(self) -> Table:
        """Volumes like the console's volume list: ID, size, AZ, state, where attached."""
        rows = [["volume", "name", "size", "AZ", "state", "attached to"]]
        for v in self.volumes.values():
            attached = f"{v.attached_to.name} {v.device}" if v.attached_to else "-"
            rows.append([v.id, v.name or "-", f"{v.size_gib} GiB", v.az, v.state, attached])
        return Table(rows, f"EBS volumes in {self.name}")


ACTIONS = ("reboot", "stop + start", "terminate")
STORES = ("instance store", "EBS root volume", "EBS data volume")


def lifecycle_table() -> Table:
    """Which data survives which instance action, found by running each action in the model."""
    rows = [["data on ..."] + list(ACTIONS)]
    outcome: dict[tuple[str, str], str] = {}
    for action in ACTIONS:
        region = Region()
        web = region.launch("web", "ap-northeast-2a", instance_store_gib=75)
        data = region.create_volume(20, "ap-northeast-2a", name="data")
        region.attach(data, web)
        places = {"instance store": "instance-store", "EBS root volume": "root", "EBS data volume": data}
        for label, where in places.items():
            region.write(web, where, "note.txt", label)
        if action == "reboot":
            region.reboot(web)
        elif action == "stop + start":
            region.stop(web)
            region.start(web)
        else:
            region.terminate(web)
        for label, where in places.items():
            outcome[(label, action)] = _survived(region, web, where, data, label)
    for label in STORES:
        rows.append([label] + [outcome[(label, action)] for action in ACTIONS])
    return Table(rows, "Does the data survive?")


def _survived(region: Region, web: Instance, where, data: Volume, label: str) -> str:
    if web.state == "running":
        return "kept" if region.read(web, where, "note.txt") == label else "lost"
    # Terminated: look at what is left in the region.
    if where == "instance-store":
        return "lost"
    volume = web.root if where == "root" else data
    if volume.state == "deleted":
        return "lost (volume deleted)"
    return "kept (volume detached)" if volume.files.get("note.txt") == label else "lost"
