# %% [markdown]
# # 13 · Storage
#
# A server is only as useful as the data it can keep. AWS offers three very different places to
# keep it: a disk for one instance (EBS (엘라스틱 블록 스토어)), a shared folder for many instances (EFS (엘라스틱 파일 시스템)), and a web
# service that stores whole objects by name (S3 (심플 스토리지 서비스)). They differ in *where they sit on the network*
# (next to one instance in one Availability Zone (가용 영역), in every AZ of a VPC, or outside the VPC behind
# HTTPS), in *who can reach them*, and in *what survives* when an instance stops. Pick the wrong
# one and a database crawls, a web fleet sees different files on every server, or a CDN cannot
# reach your images. In this lesson you format and mount (마운트) a real block device, move it to another
# instance, share a folder between two instances over the lab network, and try S3's rules on a
# model of it.
#
# **Learning objectives.** After this lesson you can:
# 1. tell block, file and object storage (객체 스토리지) apart: what each stores, where it runs, what it is good for;
# 2. state the rules of EBS (one instance, one AZ, a size that only grows, snapshots (스냅샷)) and say what
#    instance store (인스턴스 스토어) loses;
# 3. prepare a new volume (볼륨) the way you would on EC2: `lsblk`, `mkfs -t ext4`, `mount`, `df -h`,
#    `umount`, and move it to another instance;
# 4. share files between instances with EFS, and say why it needs TCP port 2049 open;
# 5. use S3's object rules: keys and prefixes (접두사), overwrite instead of edit, no rename.
#
# **Builds on:** lesson 09 (VPC, subnets, Availability Zones, security groups), lesson 06 (ports)
# and lesson 07 (HTTP).
#
# ## Setup

# %%
import matplotlib.pyplot as plt

import helpers

helpers.setup()

from helpers.draw import storage as pictures
from helpers.exercises import l13 as lesson

# %% [markdown] tags=["concept:storage.block-file-object"]
# ## 1. Block, file and object storage
#
# Every storage service answers one question: *what does it hand you?*
#
# * **Block storage** (블록 스토리지) hands you a raw disk: numbered blocks of a fixed size (4 KiB
#   here) and nothing else. It has no idea what a file is. The instance's own operating system
#   puts a **file system** (파일 시스템) on it, and from then on the kernel turns "write
#   `orders.txt`" into "write block 33280". Because the blocks are the instance's alone, it can
#   change any block at any moment: ideal for databases and boot disks. On AWS: **EBS**.
# * **File storage** (파일 스토리지) hands you folders and files. The file system runs on a file
#   server; instances *mount* (마운트) it over the network with NFS (네트워크 파일 시스템) and use ordinary paths
#   (`/mnt/efs/uploads/cat.jpg`). Many instances can mount it at once and see the same files. On
#   AWS: **EFS**.
# * **Object storage** (객체 스토리지) hands you a web API: `PUT` a whole object under a key,
#   `GET` it back by that key. Keys look like paths but are flat names; there is no edit and no
#   rename. Nothing is mounted and no server of yours runs it, so any program or AWS service with
#   permission can use it from anywhere. On AWS: **S3**.

# %% tags=["concept:storage.block-file-object"]
from helpers.sim import storage

storage.comparison()

# %% [markdown] tags=["concept:storage.block-file-object"]
# The same three ideas as pictures. On the block device only the file system knows that
# `orders.txt` sits in block 5; the file share is a tree of paths; the bucket (버킷) is a flat list of
# keys, each pointing at a whole object.

# %% tags=["concept:storage.block-file-object"]
pictures.kinds_figure()
plt.show()

# %% [markdown] tags=["concept:storage.block-file-object"]
# ### A block device knows only blocks
# `BlockDevice` models one: it can read and write *whole* blocks, and nothing else. Writing a few
# bytes means reading the block they fall into, changing them, and writing the whole block back
# (what the kernel does for a file system). Bytes that straddle a block boundary touch two blocks.

# %% tags=["concept:storage.block-file-object"]
from helpers.sim.storage import BlockDevice

disk = BlockDevice(32 * 4096)  # 32 blocks of 4096 bytes
print("blocks touched:", disk.write(5 * 4096 + 100, b"order 1001"))
print("blocks touched:", disk.write(7 * 4096 - 3, b"spans two"))
print(disk.read(5 * 4096 + 100, 10))
disk

# %% [markdown] tags=["concept:storage.block-file-object"]
# ### What one small change costs
# Suppose you change **one byte** in the middle of a large file or object. How much data must go
# to the storage service?
#
# * block (EBS): the instance's file system writes the whole 4 KiB block that holds the byte;
# * file (EFS): the NFS client sends a WRITE of just that byte at its offset; the file server
#   deals with its own disks;
# * object (S3): there is no write-at-offset, so the whole object is uploaded again.

# %% tags=["concept:storage.block-file-object"]
from helpers.sim.storage import GB, KB, MB

storage.edit_cost_rows([10 * KB, 1 * MB, 100 * MB, 5 * GB])

# %% tags=["concept:storage.block-file-object"]
pictures.edit_cost_figure()
plt.show()

# %% [markdown] tags=["concept:storage.block-file-object"]
# That is why S3 suits things written once and read many times (images, videos, backups, logs,
# static web files), while databases live on block storage.
#
# ### Try it
# * Write 5000 bytes at offset 4000 with `disk.write(4000, b"x" * 5000)`: which blocks does it touch, and why three?
# * Call `storage.edit_cost("object", 3 * GB, change=10)` and `storage.edit_cost("block", 3 * GB, change=10)`.
#
# ### Check
# Four questions; answer each with the option's text or its number.

# %% tags=["concept:storage.block-file-object"]
display(lesson.ask(lesson.database_disk))
lesson.database_disk.check(None)  # ← replace None with your option

# %% tags=["concept:storage.block-file-object"]
display(lesson.ask(lesson.shared_uploads))
lesson.shared_uploads.check(None)  # ← replace None with your option

# %% tags=["concept:storage.block-file-object"]
display(lesson.ask(lesson.static_and_shared))
lesson.static_and_shared.check(None)  # ← replace None with your option

# %% tags=["concept:storage.block-file-object"]
display(lesson.ask(lesson.edit_one_byte))
answer = None  # ← a number of bytes
lesson.edit_one_byte.check(answer)

# %% [markdown] tags=["concept:storage.ebs"]
# ## 2. EBS: a disk for one instance in one AZ
#
# **EBS** (Elastic Block Store) gives an instance **volumes** (볼륨): block devices that live in
# AWS's storage network rather than inside the instance's host, which is why they outlive it.
# The rules follow from that:
#
# * **One AZ.** A volume is created in one **Availability Zone** (가용 영역) and attaches only to
#   instances in that AZ; the traffic between instance and volume stays inside the zone.
# * **One instance.** A volume is attached to one instance at a time; another instance must wait
#   until it is detached. (io1/io2 *Multi-Attach* lets cluster software share one within an AZ;
#   ordinary file systems like ext4 would corrupt if two machines wrote to the same blocks.)
# * **Fixed size.** You choose the size at creation and pay for all of it. *Elastic Volumes*
#   (탄력적 볼륨) can make it bigger later (then you grow the file system too), never smaller.
# * **Snapshots** (스냅샷). A snapshot is a point-in-time copy kept by the region, not by an AZ.
#   A volume made from it can be in *any* AZ of the region: that is how data moves between AZs,
#   and how you back volumes up.
#
# **Instance store** (인스턴스 스토어) is different: disks physically inside the instance's host.
# They are fast and free with some instance types, but when the instance stops or terminates the
# host is given back and the disks are wiped. Use them for caches and scratch space only.
#
# The model below applies these rules and answers a refusal with the reason.

# %% tags=["concept:storage.ebs"]
from helpers.sim.ebs import EbsError, Region, lifecycle_table

region = Region("ap-northeast-2")
app1 = region.launch("app1", "ap-northeast-2a", instance_store_gib=75)
app2 = region.launch("app2", "ap-northeast-2a")
app3 = region.launch("app3", "ap-northeast-2c")
data = region.create_volume(100, "ap-northeast-2a", name="data")
region.attach(data, app1, "/dev/sdf")
region.describe()

# %% [markdown] tags=["concept:storage.ebs"]
# Each instance came with an 8 GiB root volume (vol-0001 to vol-0003). Now three requests that
# EC2 refuses:

# %% tags=["concept:storage.ebs"]
for request in ("second instance", "other AZ", "shrink"):
    try:
        if request == "second instance":
            region.attach(data, app2)
        elif request == "other AZ":
            region.detach(data)
            region.attach(data, app3)
        else:
            region.modify_volume(data, 50)
    except EbsError as refused:
        print(f"{request}: refused: {refused}")

# %% [markdown] tags=["concept:storage.ebs"]
# The way to app3 in ap-northeast-2c is a snapshot and a new volume made from it there:

# %% tags=["concept:storage.ebs"]
snap = region.snapshot(data)
print(snap)
copy = region.create_volume(100, "ap-northeast-2c", name="data-copy", snapshot=snap)
region.attach(copy, app3)
region.describe()

# %% [markdown] tags=["concept:storage.ebs"]
# What survives what? The model runs each action on an instance with all three kinds of disk and
# looks for a file written to each:

# %% tags=["concept:storage.ebs"]
lifecycle_table()

# %% [markdown] tags=["concept:storage.ebs"]
# The root volume is deleted at termination because EC2 sets *DeleteOnTermination* on it by
# default; volumes attached later are detached and kept. Further down you will see the stop and
# start row happen for real.
#
# ### Try it
# * Grow `data` to 200 GiB with `region.modify_volume(data, 200)`, then try 150.
# * `region.terminate(app3)`, then `region.describe()`: which of app3's volumes are left?
#
# ### Check

# %% tags=["concept:storage.ebs"]
display(lesson.ask(lesson.other_az))
lesson.other_az.check(None)  # ← replace None with your option

# %% tags=["concept:storage.ebs"]
display(lesson.ask(lesson.shrink))
lesson.shrink.check(None)  # ← replace None with your option

# %% tags=["concept:storage.ebs"]
display(lesson.ask(lesson.survives_stop))
answer = None  # ← a list, e.g. ["instance store"]
lesson.survives_stop.check(answer)

# %% [markdown] tags=["concept:storage.mount-flow"]
# ## 3. The mount flow, for real
#
# Attaching a volume in the console only plugs in a blank disk. Inside the instance you then do
# what the workshop did on EC2:
#
# ```
# lsblk                          # which block devices are there? the new one has no mount point (마운트 지점)
# sudo mkfs -t ext4 /dev/xvdf    # make a file system on it (only once, on a blank volume!)
# sudo mount /dev/xvdf /mnt      # make its files appear under a folder, the mount point
# df -h                          # mounted file systems, with size and free space
# sudo umount /mnt               # before detaching it
# ```
#
# Here you do exactly that on this machine. The "volume" is a **loop device** (루프 디바이스): a
# Linux block device backed by a file, which behaves like any disk. The "instances" `web1`,
# `web2` (ap-northeast-2a) and `web3` (ap-northeast-2c) are lab nodes, each with its own **mount
# namespace** (마운트 네임스페이스): what one instance mounts, the others (and this machine)
# do not see. A volume's device node exists only in the instance it is attached to.
#
# Loop devices and ext4 mounts need real root. If your lab mode is not "live, as root", the
# commands below replay the run the authors recorded, and the outputs are the same.

# %% tags=["concept:storage.mount-flow"]
from helpers.experiments import l13
from helpers.sim.ebs import EbsError

ebs = l13.volume_lab()
ebs.start()
web1, web2, web3 = ebs["web1"], ebs["web2"], ebs["web3"]
ebs

# %% [markdown] tags=["concept:storage.mount-flow"]
# Create a 1 GiB volume in ap-northeast-2a (the smallest size gp3 comes in) and attach it to
# `web1`. On EC2 the device would be called `/dev/xvdf` or `/dev/nvme1n1`; here it is
# `/dev/loop13`.

# %% tags=["concept:storage.mount-flow"]
vol = ebs.create_volume(1, "ap-northeast-2a", name="data")
vol.attach(web1)

# %% [markdown] tags=["concept:storage.mount-flow"]
# **Step 1: find the device.** `lsblk` lists block devices; the new one has a size and no mount
# point. (Plain `lsblk` would also list this machine's own disks, so the lesson names the device.) `blkid` prints nothing for it (and exits with status 2): there is no file system on it yet.

# %% tags=["concept:storage.mount-flow"]
web1.run("lsblk /dev/loop13")

# %% tags=["concept:storage.mount-flow"]
web1.run("blkid /dev/loop13")

# %% [markdown] tags=["concept:storage.mount-flow"]
# **Step 2: make a file system.** `mkfs -t ext4` writes an empty ext4 file system: block groups,
# inode tables, a journal, and backup copies of the *superblock* (the file system's header). Every
# file system gets a random UUID; `-U` fixes it here so this lesson prints the same one every
# time. (`/etc/fstab` usually names volumes by that UUID, because device names can change.)

# %% tags=["concept:storage.mount-flow"]
web1.run("mkfs -t ext4 -U 13131313-1313-4313-8313-131313131313 /dev/loop13")

# %% [markdown] tags=["concept:storage.mount-flow"]
# **Step 3: mount it** on the empty folder `/mnt/data`, its **mount point** (마운트 지점), then ask
# `df -h` about it (plain `df -h` would list every file system of this machine too). A successful
# mount prints nothing.

# %% tags=["concept:storage.mount-flow"]
web1.run("mount /dev/loop13 /mnt/data")

# %% tags=["concept:storage.mount-flow"]
web1.run("df -h /mnt/data")

# %% [markdown] tags=["concept:storage.mount-flow"]
# The file system is a little smaller than the 1 GiB device (inode tables and the journal take
# room), and *Avail* is smaller than *Size* minus *Used* because ext4 keeps 5% for root. The
# workshop's 100 GiB volume showed the same: `99G` size, `94G` available.
#
# **Step 4: use it.** Write a file, and look at `lsblk` again: the mount point shows now.

# %% tags=["concept:storage.mount-flow"]
web1.run("echo 'order 1001: 2 coffees' > /mnt/data/orders.txt && ls /mnt/data")

# %% tags=["concept:storage.mount-flow"]
web1.run("lsblk /dev/loop13")

# %% [markdown] tags=["concept:storage.mount-flow"]
# `lost+found` is where `fsck` puts pieces it recovers after a crash; every ext4 file system has
# it. Meanwhile `web2` cannot use the volume at all: it is not attached there.

# %% tags=["concept:storage.mount-flow"]
web2.run("mount /dev/loop13 /mnt/data")

# %% [markdown] tags=["concept:storage.mount-flow"]
# **Step 5: move it to another instance.** Detaching a volume that is still mounted is refused:
# writes still in the instance's cache could be lost. So unmount first, then detach, attach to
# `web2`, and mount it there. No `mkfs` this time: the file system travels with the volume.

# %% tags=["concept:storage.mount-flow"]
try:
    vol.detach()
except EbsError as refused:
    print("refused:", refused)

# %% tags=["concept:storage.mount-flow"]
web1.run("umount /mnt/data")

# %% tags=["concept:storage.mount-flow"]
print(vol.detach())
print(vol.attach(web2))

# %% tags=["concept:storage.mount-flow"]
web2.run("mount /dev/loop13 /mnt/data && cat /mnt/data/orders.txt")

# %% [markdown] tags=["concept:storage.mount-flow"]
# The order written on `web1` is read back on `web2`: the same blocks, now in another instance.
#
# ### Try it
# * `web2.run("ls -l /mnt/data; df -h /mnt/data")`, or write a second file and read it.
# * Try `web1.run("ls /mnt/data")`: web1 unmounted the volume, so `/mnt/data` is an empty folder there.
# * Try `web3.run("lsblk /dev/loop13")`: web3 has no such device.
#
# (In offline mode only the recorded commands replay; new ones need a live lab.)
#
# ### Check

# %% tags=["concept:storage.mount-flow"]
display(lesson.ask(lesson.first_time_order))
answer = None  # ← a list in order, like ["df", "lsblk", "mkfs", "mount"]
lesson.first_time_order.check(answer)

# %% tags=["concept:storage.mount-flow"]
display(lesson.ask(lesson.mkfs_again))
answer = None  # ← True or False
lesson.mkfs_again.check(answer)

# %% tags=["concept:storage.mount-flow"]
display(lesson.ask(lesson.df_smaller))
lesson.df_smaller.check(None)  # ← replace None with your option

# %% [markdown] tags=["concept:storage.block-file-object"]
# ### The file is just blocks on the device
# Back to block storage: the device itself knows nothing about `orders.txt`. The file system's
# debugger, `debugfs`, asks ext4 which block holds the file; `dd` then reads that block straight
# from the device, bypassing the file system, and finds the file's bytes.

# %% tags=["concept:storage.block-file-object"]
blocks = web2.run("debugfs -R 'blocks /orders.txt' /dev/loop13")
blocks

# %% tags=["concept:storage.block-file-object"]
block = int(blocks.output.split()[-1])
web2.run(f"dd if=/dev/loop13 bs=4096 skip={block} count=1 status=none | head -c 22")

# %% [markdown] tags=["concept:storage.ebs"]
# ### Growing a volume
# Elastic Volumes make a volume bigger while it stays attached. The *device* grows at once; the
# file system on it keeps its old size until you grow it too (`resize2fs` for ext4,
# `xfs_growfs` for XFS).

# %% tags=["concept:storage.ebs"]
print(vol.grow(2))
web2.run("lsblk /dev/loop13; df -h /mnt/data")

# %% [markdown] tags=["concept:storage.ebs"]
# On EC2 you would run `resize2fs` on the mounted volume (an *online* resize). That needs a
# privilege some sandboxes withhold, including the one this lesson was recorded in, so here the
# file system is grown *offline*: unmount, check it with `e2fsck -f`, grow it, mount it again.

# %% tags=["concept:storage.ebs"]
web2.run("umount /mnt/data && e2fsck -f -p /dev/loop13 && resize2fs /dev/loop13 && mount /dev/loop13 /mnt/data"
         " && df -h /mnt/data")

# %% [markdown] tags=["concept:storage.ebs"]
# ### A snapshot carries the data to another AZ
# `web3` is in ap-northeast-2c, so `vol` can never attach to it. A snapshot can be restored there.
# (The lab freezes the file system while it copies, as AWS advises for consistent snapshots of a
# mounted volume.)

# %% tags=["concept:storage.ebs"]
snap = ebs.snapshot(vol)
vol_c = ebs.create_volume(2, "ap-northeast-2c", name="data-c", snapshot=snap)
print(snap)
print(vol_c.attach(web3))
web3.run("mount /dev/loop14 /mnt/data && cat /mnt/data/orders.txt")

# %% [markdown] tags=["concept:storage.ebs"]
# ### Instance store vs EBS, live
# Each lab instance also has `/mnt/instance-store`, standing in for instance-store disks (here a
# small RAM disk that lives and dies with the instance). Write a file to both, stop and start
# `web3`, and look again.

# %% tags=["concept:storage.ebs"]
web3.run("echo 'scratch' > /mnt/instance-store/cache.txt && echo 'keep me' > /mnt/data/keep.txt"
         " && ls /mnt/instance-store /mnt/data")

# %% tags=["concept:storage.ebs"]
print(web3.stop())
print(web3.start())
web3.run("ls /mnt/instance-store; mountpoint /mnt/data")

# %% [markdown] tags=["concept:storage.ebs"]
# The instance store came back empty, and nothing is mounted after the "boot": the volume is
# still attached, so mounting it again finds every file. (A real instance would list the volume in
# `/etc/fstab`, by UUID, so it is mounted at every boot.)

# %% tags=["concept:storage.ebs"]
web3.run("mount /dev/loop14 /mnt/data && ls /mnt/data")

# %% tags=["concept:storage.ebs"]
ebs

# %% [markdown]
# Stopping the lab stops the instances, detaches and removes its loop devices and deletes the
# image files.

# %% tags=["concept:storage.ebs"]
ebs.stop()

# %% [markdown] tags=["concept:storage.efs"]
# ## 4. EFS: one file system, many instances
#
# **EFS** (Elastic File System) is file storage: one file system per region that any number of
# instances mount at once, over **NFS** (Network File System, 네트워크 파일 시스템) version 4, which
# uses **TCP port 2049**. Inside a VPC, EFS is reached through a **mount target** (탑재 대상) in each AZ: a
# network interface with an IP address from one subnet and a security group. An instance mounts
# through the mount target of its own AZ (the file system's DNS name resolves to it there):
#
# ```
# sudo mount -t nfs4 -o nfsvers=4.1 fs-0013.efs.ap-northeast-2.amazonaws.com:/ /mnt/efs
# ```
#
# So EFS is also a networking question: the mount target's security group must allow TCP 2049
# from the instances. If it does not, the mount does not fail fast; it *hangs* until it times
# out, because a security group silently drops what it does not allow.

# %% tags=["concept:storage.efs"]
from helpers.sim.efs import EfsError, FileSystem

fs = FileSystem("fs-0013")
print(fs.add_mount_target("ap-northeast-2a", "10.0.1.0/24", "10.0.1.50", allow_from=["10.0.0.0/16"]))
print(fs.add_mount_target("ap-northeast-2c", "10.0.3.0/24", "10.0.3.50", allow_from=["10.0.0.0/16"]))
print(fs.mount("web1", "ap-northeast-2a", "10.0.1.11"))
print(fs.mount("web3", "ap-northeast-2c", "10.0.3.13"))
fs.write("web1", "uploads/cat.jpg", "(a cat picture)")
print("web3 reads:", fs.read("web3", "uploads/cat.jpg"))
try:
    fs.mount("batch", "ap-northeast-2b", "10.0.2.20")
except EfsError as refused:
    print("refused:", refused)

# %% [markdown] tags=["concept:storage.efs"]
# Where each service sits, on one picture: an EBS volume next to one instance in one AZ, an EFS
# mount target in every AZ, and S3 outside the VPC altogether.

# %% tags=["concept:storage.efs"]
pictures.placement_figure()
plt.show()

# %% [markdown] tags=["concept:storage.efs"]
# ### Two instances, one shared folder, live
# The next lab has two instances and a mount target `efs` (10.0.1.50) on one subnet. The mount
# target listens on TCP 2049, and its "security group" (an nftables rule on it) lets in only
# `web1` for now. This machine's kernel has no NFS, so the lab checks the network part for real
# (a TCP connection to port 2049, as the NFS client's first step) and then stands in for the NFS
# client with a *bind mount* of one shared folder, `/srv/efs`, into the instance. Files written by
# one instance really appear in the other.

# %% tags=["concept:storage.efs"]
shared = l13.shared_files_lab()
shared.start()
web1, web2 = shared["web1"], shared["web2"]
shared

# %% tags=["concept:storage.efs"]
shared.mount(web1)

# %% tags=["concept:storage.efs"]
web1.run("echo 'menu v1 from web1' > /mnt/efs/menu.txt && ls /mnt/efs")

# %% [markdown] tags=["concept:storage.efs"]
# Now `web2`. Its SYN to port 2049 is dropped by the security group, so the mount waits and
# times out (after one second here; after minutes on a real instance):

# %% tags=["concept:storage.efs"]
shared.mount(web2)

# %% [markdown] tags=["concept:storage.efs"]
# The fix is an inbound rule for TCP 2049 from the whole subnet (on AWS, better: from the web
# servers' security group).

# %% tags=["concept:storage.efs"]
print(shared.allow("10.0.1.0/24"))
shared.mount(web2)

# %% tags=["concept:storage.efs"]
web2.run("cat /mnt/efs/menu.txt && echo 'menu v2 from web2' >> /mnt/efs/menu.txt")

# %% tags=["concept:storage.efs"]
web1.run("cat /mnt/efs/menu.txt")

# %% [markdown] tags=["concept:storage.efs"]
# Both instances read and change the same file, and `web2` *appended* a line in place: a file
# system can do that, S3 cannot. With EBS this needed unmount, detach and attach; here both see
# each change at once.

# %% tags=["concept:storage.efs"]
shared.stop()

# %% [markdown] tags=["concept:storage.efs"]
# ### Try it
# * In the model, `fs.allow("ap-northeast-2b", ...)` fails: why? Add a mount target in 2b, then mount `batch`.
# * Rebuild the live lab with `l13.shared_files_lab(allowed="10.0.1.0/24")`: now both mounts work at once.
#
# ### Check

# %% tags=["concept:storage.efs"]
display(lesson.ask(lesson.nfs_port))
answer = None  # ← a port number
lesson.nfs_port.check(answer)

# %% tags=["concept:storage.efs"]
display(lesson.ask(lesson.efs_vs_ebs))
lesson.efs_vs_ebs.check(None)  # ← replace None with your option

# %% [markdown] tags=["concept:storage.s3"]
# ## 5. S3: objects by key
#
# **S3** (Simple Storage Service) stores **objects** (객체) in **buckets** (버킷). It is a web
# service of the region, outside your VPC: programs reach it over HTTPS, there is nothing to mount
# and no server of yours to run (it is **serverless** (서버리스)). Its rules:
#
# * A bucket's name is unique across *all* AWS accounts and follows strict rules (3 to 63 lowercase
#   letters, digits, dots and hyphens).
# * An object is stored under a **key** (객체 키) like `orders/2024/1001.json`. The slashes are just
#   characters: there are no folders, only keys that share a **prefix** (접두사). Listing with a
#   delimiter groups keys so they *look* like folders.
# * There is no edit and no append: to change an object you put a whole new body under the same
#   key (a ranged GET can read part of one; nothing writes part of one).
# * There is no rename: a "move" is a copy to the new key and a delete of the old one.
#
# The model in `helpers.sim.objectstore` follows these rules.

# %% tags=["concept:storage.s3"]
from helpers.sim.objectstore import ObjectStore, ObjectStoreError

s3 = ObjectStore("ap-northeast-2")
for name in ("photos", "Netcourse_Shop", "netcourse-shop-2024"):
    try:
        shop = s3.create_bucket(name)
        print("created", shop)
    except ObjectStoreError as refused:
        print("refused:", refused)

# %% tags=["concept:storage.s3"]
shop.put("index.html", "<h1>Coffee</h1>", content_type="text/html")
shop.put("img/logo.png", b"\x89PNG (logo bytes)", content_type="image/png")
shop.put("orders/2024/1001.json", '{"coffees": 2}', content_type="application/json")
shop.put("orders/2024/1002.json", '{"coffees": 1}', content_type="application/json")
shop.list()

# %% [markdown] tags=["concept:storage.s3"]
# Four keys, flat. A delimiter of `/` rolls the keys up into "folders" (`PRE` lines, as
# `aws s3 ls` prints them), and a prefix narrows the listing:

# %% tags=["concept:storage.s3"]
print(shop.list(delimiter="/"))
print(shop.list(prefix="orders/2024/"))

# %% [markdown] tags=["concept:storage.s3"]
# **Overwrite instead of edit.** The only way to change an order is to get it, change it, and put
# the whole body back; the ETag (the MD5 of the body; 엔터티 태그, ETag) changes with it.

# %% tags=["concept:storage.s3"]
try:
    shop.append("orders/2024/1001.json", ', "cakes": 1')
except ObjectStoreError as refused:
    print("refused:", refused)
order = shop.get("orders/2024/1001.json")
print("before:", order.text, order.etag)
print(shop.put("orders/2024/1001.json", order.text.replace("2", "3"), content_type="application/json"))
print("first 12 bytes only:", shop.get("orders/2024/1001.json", byte_range=(0, 11)).text)

# %% [markdown] tags=["concept:storage.s3"]
# **No rename.** Copy to the new key (S3 copies inside the service, nothing is downloaded), then
# delete the old key. For a "folder" of 10,000 objects that is 20,000 requests.

# %% tags=["concept:storage.s3"]
try:
    shop.rename("index.html", "home.html")
except ObjectStoreError as refused:
    print("refused:", refused)
shop.copy("index.html", "home.html")
shop.delete("index.html")
shop.list(delimiter="/")

# %% [markdown] tags=["concept:storage.s3"]
# **Versioning** (버전 관리) keeps every overwritten or deleted version; a delete only adds a
# *delete marker* (삭제 마커) on top, so an accident can be undone.

# %% tags=["concept:storage.s3"]
shop.enable_versioning()
shop.put("menu.txt", "coffee 4000")
shop.put("menu.txt", "coffee 4500")
shop.delete("menu.txt")
for version in shop.versions("menu.txt"):
    print(version)
oldest = shop.versions("menu.txt")[-1].version_id
print("oldest version says:", shop.get("menu.txt", version_id=oldest).text)

# %% [markdown] tags=["concept:storage.s3"]
# **Sharing between services.** Because S3 is an API rather than a disk, other services use the
# same bucket directly. An *event notification* can call a function whenever an object appears,
# the way S3 starts a Lambda function: here one makes a thumbnail for every upload under
# `uploads/`. Every call is an HTTPS request; `request()` shows its first lines.

# %% tags=["concept:storage.s3"]
def make_thumbnail(event):
    original = shop.get(event.key)
    shop.put("thumbs/" + event.key.removeprefix("uploads/"), original.body[:8], content_type="image/jpeg")


shop.notify(make_thumbnail, prefix="uploads/")
shop.put("uploads/latte.jpg", b"JPEG" * 1000, content_type="image/jpeg")
print(shop.list(prefix="thumbs/"))
print(shop.url("thumbs/latte.jpg"))
print(shop.request("GET", "thumbs/latte.jpg"))
print(s3.traffic())

# %% [markdown] tags=["concept:storage.s3"]
# ### Try it
# * Put `uploads/mocha.jpg` and list `thumbs/` again.
# * Make the thumbnail function write under `uploads/` instead: what does S3 (and the model) warn about?
# * `shop.get("Orders/2024/1002.json")`: keys are case-sensitive.
#
# ### Check

# %% tags=["concept:storage.s3"]
display(lesson.ask(lesson.rename_object))
lesson.rename_object.check(None)  # ← replace None with your option

# %% tags=["concept:storage.s3"]
display(lesson.ask(lesson.objects_after_put))
answer = None  # ← a number
lesson.objects_after_put.check(answer)

# %% [markdown]
# ## Summary
# * **Block storage** (EBS) is a raw disk for one instance: the instance's own file system runs on
#   it; best for databases and boot disks. **File storage** (EFS) is a shared file system mounted
#   over NFS (TCP 2049) by many instances. **Object storage** (S3) is an HTTPS API of whole objects
#   by key, usable by anyone with permission, with no server to run.
# * An EBS volume lives in one AZ, serves one instance at a time, only grows, and moves between AZs
#   as a snapshot. Instance store is wiped by stop and terminate; EBS volumes are not.
# * A new volume needs `lsblk` (find it), `mkfs -t ext4` (once!), `mount`, `df -h`; before moving it,
#   `umount`; on the next instance just `mount`.
# * EFS needs a mount target in each AZ and a security group that allows TCP 2049.
# * S3 keys are flat names with prefixes; objects are overwritten whole, never edited; a rename
#   is a copy and a delete.
#
# ## Terms

# %%
from helpers import glossary

glossary.terms("13")

# %% [markdown]
# **Next:** [14 · Capstone](14-capstone.ipynb): a whole plausible infrastructure, built and tested end to end.
