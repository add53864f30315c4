"""EFS: one shared file system, reached over NFS through a mount target in each AZ.

    fs = FileSystem("fs-0013")
    fs.add_mount_target("ap-northeast-2a", "10.0.1.0/24", "10.0.1.50", allow_from=["10.0.0.0/16"])
    fs.add_mount_target("ap-northeast-2c", "10.0.3.0/24", "10.0.3.50", allow_from=["10.0.0.0/16"])
    fs.mount("web1", "ap-northeast-2a", "10.0.1.11")      # NFS to 10.0.1.50:2049
    fs.mount("web2", "ap-northeast-2c", "10.0.3.12")      # its own AZ's mount target, same files
    fs.write("web1", "uploads/cat.jpg", "...");  fs.read("web2", "uploads/cat.jpg")

The rules it checks:

* a mount target is the file system's network interface in one subnet: one per AZ, with an IP
  address from that subnet and a security group;
* a client mounts through the mount target of its own AZ (the file system's DNS name resolves to
  it); with none in that AZ the name does not resolve there;
* NFS is TCP port 2049: the mount target's security group must allow it from the client, or the
  mount hangs until it times out;
* every mounted client sees the same files at once: a write on one is read on the others.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from netaddr import AddrFormatError, IPAddress, IPNetwork, IPSet

from helpers.errors import InputError

__all__ = ["FileSystem", "MountTarget", "EfsError", "NFS_PORT", "parse_address", "parse_network"]

NFS_PORT = 2049


class EfsError(InputError):
    """A mount or file operation that would fail; the message says why and how to fix it."""


def parse_address(text, what: str) -> IPAddress:
    try:
        return IPAddress(str(text).strip(), flags=0)
    except (AddrFormatError, ValueError, TypeError):
        raise EfsError(f"{what} {text!r} is not an IPv4 address like '10.0.1.50'.") from None


def parse_network(text, what: str) -> IPNetwork:
    try:
        network = IPNetwork(str(text).strip(), flags=0)
    except (AddrFormatError, ValueError, TypeError):
        raise EfsError(f"{what} {text!r} is not a network like '10.0.1.0/24'.") from None
    if network.ip != network.network:
        raise EfsError(f"{what} {text} has host bits set; the network is {network.cidr}.")
    return network


@dataclass
class MountTarget:
    az: str
    subnet: IPNetwork
    ip: IPAddress
    allowed: IPSet  # sources the security group lets in on TCP 2049

    def __repr__(self) -> str:
        sources = ", ".join(str(c) for c in self.allowed.iter_cidrs()) or "nobody"
        return f"<mount target in {self.az}: {self.ip} (subnet {self.subnet}), TCP {NFS_PORT} allowed from {sources}>"


@dataclass
class Mount:
    client: str
    az: str
    ip: IPAddress
    target: MountTarget
    path: str

    def __repr__(self) -> str:
        return f"{self.client} ({self.ip}, {self.az}) -> NFS {self.target.ip}:{NFS_PORT} mounted at {self.path}"


@dataclass
class FileSystem:
    """A regional EFS file system: shared files plus mount targets and client mounts."""

    id: str = "fs-0013"
    region: str = "ap-northeast-2"
    targets: dict[str, MountTarget] = field(default_factory=dict)
    mounts: dict[str, Mount] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)

    @property
    def dns_name(self) -> str:
        return f"{self.id}.efs.{self.region}.amazonaws.com"

    def add_mount_target(self, az: str, subnet: str, ip: str, *, allow_from=()) -> MountTarget:
        if not isinstance(az, str) or not az.startswith(self.region):
            raise EfsError(f"{az!r} is not an Availability Zone of {self.region}, like '{self.region}a'.")
        if az in self.targets:
            raise EfsError(f"{self.id} already has a mount target in {az} ({self.targets[az].ip}); an EFS file "
                           f"system has at most one per AZ, shared by every instance there.")
        network, address = parse_network(subnet, "subnet"), parse_address(ip, "mount target address")
        if address not in network:
            raise EfsError(f"{address} is not in the subnet {network}; a mount target takes an address from "
                           f"its own subnet.")
        allowed = IPSet(parse_network(source, "allowed source").cidr for source in allow_from)
        target = MountTarget(az, network.cidr, address, allowed)
        self.targets[az] = target
        return target

    def allow(self, az: str, source: str) -> MountTarget:
        """Add an inbound rule (TCP 2049 from source) to the security group of a mount target."""
        target = self._target(az)
        target.allowed.add(parse_network(source, "allowed source").cidr)
        return target

    def _target(self, az: str) -> MountTarget:
        if az not in self.targets:
            have = ", ".join(self.targets) or "none yet"
            raise EfsError(f"{self.id} has no mount target in {az} (it has: {have}), so its DNS name does not "
                           f"resolve there; add one with fs.add_mount_target({az!r}, ...).")
        return self.targets[az]

    def mount_command(self, path: str = "/mnt/efs") -> str:
        """What you type on an instance (the NFS client options AWS recommends)."""
        return (f"sudo mount -t nfs4 -o nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,"
                f"noresvport {self.dns_name}:/ {path}")

    def mount(self, client: str, az: str, ip: str, path: str = "/mnt/efs") -> Mount:
        target = self._target(az)
        # The client may sit in any subnet of the AZ; what matters is the security group.
        address = parse_address(ip, f"{client}'s address")
        if address not in target.allowed:
            raise EfsError(f"mounting on {client} would hang and time out: the security group of the mount "
                           f"target {target.ip} does not allow TCP {NFS_PORT} from {address}; add an inbound "
                           f"rule for port {NFS_PORT} from the instances (or their security group).")
        mount = Mount(client, az, address, target, path)
        self.mounts[client] = mount
        return mount

    def unmount(self, client: str) -> None:
        self._mounted(client)
        del self.mounts[client]

    def _mounted(self, client: str) -> Mount:
        if client not in self.mounts:
            raise EfsError(f"{client} has not mounted {self.id}; mount it first with fs.mount({client!r}, az, ip).")
        return self.mounts[client]

    @staticmethod
    def _path(path: str) -> str:
        if not isinstance(path, str) or not path.strip("/"):
            raise EfsError(f"a file path is text like 'uploads/cat.jpg'; got {path!r}.")
        return path.strip("/")

    def write(self, client: str, path: str, text: str) -> None:
        self._mounted(client)
        self.files[self._path(path)] = text

    def append(self, client: str, path: str, text: str) -> None:
        """Files on a file system can grow in place (unlike S3 objects)."""
        self._mounted(client)
        key = self._path(path)
        self.files[key] = self.files.get(key, "") + text

    def read(self, client: str, path: str) -> str:
        self._mounted(client)
        key = self._path(path)
        if key not in self.files:
            raise EfsError(f"there is no file {path!r} on {self.id}; fs.listdir(client) shows what is there.")
        return self.files[key]

    def listdir(self, client: str, folder: str = "") -> list[str]:
        self._mounted(client)
        prefix = folder.strip("/") + "/" if folder.strip("/") else ""
        names = {key[len(prefix):].split("/")[0] + ("/" if "/" in key[len(prefix):] else "")
                 for key in self.files if key.startswith(prefix)}
        return sorted(names)
