"""Exercises of lesson 13 (storage)."""
from helpers.checks import Exercise, MultipleChoice, choice, number, sequence_of, set_of, yes_no
from helpers.display import Box


def ask(question) -> Box:
    """The question as a note, with numbered options for multiple choice."""
    text = question.prompt
    if isinstance(question, MultipleChoice):
        text += "\n" + "\n".join(f"  {n}. {option}" for n, option in enumerate(question.options))
    return Box(text, "info")


KINDS = ["block storage (EBS)", "file storage (EFS)", "object storage (S3)"]

# -- block vs file vs object -------------------------------------------------------------------
database_disk = MultipleChoice(
    "A PostgreSQL server on one instance writes small random pages of its data files all day. Where "
    "should those data files live?",
    KINDS,
    answer="block storage (EBS)",
    hints={"file storage (EFS)": "EFS would work, but every write travels to a shared file server; a database on "
                                 "one instance wants its own disk with the lowest latency.",
           "object storage (S3)": "S3 cannot change part of an object: every 8 KiB page write would upload a whole "
                                  "data file again."},
    explain="A database needs a disk of its own that takes small writes anywhere: a block device.",
)

shared_uploads = MultipleChoice(
    "Four web servers in two AZs must all read and write the same uploads/ folder through ordinary "
    "file paths. Which storage fits?",
    KINDS,
    answer="file storage (EFS)",
    hints={"block storage (EBS)": "An EBS volume is attached to one instance in one AZ; the other servers could "
                                  "not mount it.",
           "object storage (S3)": "S3 could hold the files, but the servers would have to call its HTTPS API "
                                  "instead of using file paths."},
    explain="A shared file system, mounted by every server over NFS, is exactly this.",
)

static_and_shared = MultipleChoice(
    "Product photos are uploaded once, served to millions of browsers through a CDN, and read by a "
    "thumbnail function that runs without any server of yours. Where do they belong?",
    KINDS,
    answer="object storage (S3)",
    hints={"block storage (EBS)": "A volume belongs to one instance; a CDN and a serverless function cannot reach it.",
           "file storage (EFS)": "EFS needs NFS clients inside your VPC; CloudFront and most services talk HTTPS "
                                 "to S3 instead."},
    explain="Write-once files shared with other services over HTTPS are what S3 is for.",
)

edit_one_byte = Exercise(
    "You change 1 byte in the middle of a 50 MB object in S3. How many bytes must you upload?",
    answer=50_000_000,
    normalize=number,
    hints=[(1, "Only a file system lets you write 1 byte in place; S3 has no write-at-offset."),
           (4096, "That is one block of a block device; S3 objects are not made of writable blocks."),
           (lambda n: 0 < n < 50_000_000, "There is no partial PUT: the new object is the whole body, "
                                          "50 MB written as 50000000.")],
    explain="S3 replaces whole objects: changing 1 byte means a PUT of all 50,000,000 bytes.",
)

# -- EBS -----------------------------------------------------------------------------------------
other_az = MultipleChoice(
    "vol-0004 is in ap-northeast-2a. You need its data on an instance in ap-northeast-2c. What works?",
    ["detach it and attach it to the instance in 2c",
     "snapshot it, then create a new volume from the snapshot in 2c",
     "enable Multi-Attach and attach it in both AZs",
     "change the volume's AZ with modify-volume"],
    answer="snapshot it, then create a new volume from the snapshot in 2c",
    hints={"detach it and attach it to the instance in 2c": "A volume attaches only to instances in its own AZ.",
           "enable Multi-Attach and attach it in both AZs": "Multi-Attach (io1/io2 only) still works within one AZ.",
           "change the volume's AZ with modify-volume": "modify-volume changes size, type and performance, never "
                                                         "the AZ."},
    explain="Snapshots belong to the region, so a volume made from one can be in any of its AZs.",
)

shrink = MultipleChoice(
    "A 500 GiB gp3 volume holds 40 GiB of data. Can modify-volume make it 100 GiB?",
    ["yes, as long as the data fits", "no: EBS volumes can grow but never shrink",
     "yes, after a snapshot"],
    answer="no: EBS volumes can grow but never shrink",
    hints={"yes, as long as the data fits": "Volumes can only get bigger; to shrink, create a smaller volume and "
                                           "copy the files across.",
           "yes, after a snapshot": "A volume restored from a snapshot must be at least the snapshot's size "
                                   "(500 GiB here)."},
    explain="Only growing is possible; a smaller disk means a new volume and a copy.",
)

survives_stop = Exercise(
    "An instance has an instance store, an EBS root volume and an EBS data volume. Which of them "
    "still hold their files after a stop and a start?",
    answer=["EBS root volume", "EBS data volume"],
    normalize=set_of(choice("instance store", "EBS root volume", "EBS data volume")),
    hints=[(["instance store", "EBS root volume", "EBS data volume"],
            "Not all three: instance store is disk on the host, and a stopped instance gives its host back."),
           (["EBS data volume"], "The root volume is EBS too; stop and start keep it (only terminate deletes it)."),
           (["EBS root volume"], "A data volume stays attached through stop and start, with its files."),
           (lambda s: "instance store" in s, "Instance store survives a reboot only; stop and terminate wipe it.")],
    explain="Both EBS volumes keep their data; the instance store comes back empty.",
)

# -- the mount flow ------------------------------------------------------------------------------
STEPS = ("lsblk", "mkfs", "mount", "df")
first_time_order = Exercise(
    "A brand-new, empty volume was just attached. Put these steps in the order you run them: "
    "'lsblk', 'mkfs', 'mount', 'df'.",
    answer=["lsblk", "mkfs", "mount", "df"],
    normalize=sequence_of(choice(*STEPS)),
    hints=[(["lsblk", "mount", "mkfs", "df"], "mount needs a file system on the device, and mkfs is what makes one: "
                                              "mkfs comes before mount."),
           (["mkfs", "lsblk", "mount", "df"], "Look before you format: lsblk first shows which device is the new volume "
                                              "(mkfs on the wrong one erases it)."),
           (["lsblk", "mkfs", "df", "mount"], "df shows mounted file systems; before mount the volume is not among them."),
           (lambda s: len(s) != 4 or set(s) != set(STEPS), "Use each of the four steps exactly once.")],
    explain="Find the device, make a file system on it, mount it, then check it with df -h.",
)

mkfs_again = Exercise(
    "You moved a volume with files on it to web2 (detached, attached there). Before mounting it on "
    "web2, should you run mkfs on it? Answer True or False.",
    answer=False,
    normalize=yes_no,
    hints=[(True, "mkfs writes a brand-new, empty file system: it would erase orders.txt. Only a blank volume needs it.")],
    explain="The file system travels with the volume: web2 just mounts it.",
)

df_smaller = MultipleChoice(
    "The volume is 1 GiB, but df -h showed Size 974M and Avail 907M right after mkfs. Where did the rest go?",
    ["ext4's own structures (inode tables, journal) and 5% reserved for root",
     "AWS keeps part of every volume", "the loop device wastes it"],
    answer="ext4's own structures (inode tables, journal) and 5% reserved for root",
    hints={"AWS keeps part of every volume": "The volume here is a loop device on this machine; no AWS involved, "
                                            "and lsblk showed all 1G.",
           "the loop device wastes it": "lsblk shows the device's full 1G: the space is used by what mkfs wrote."},
    explain="A file system spends space on itself (metadata and a journal) and ext4 reserves 5% for root.",
)

# -- EFS -----------------------------------------------------------------------------------------
nfs_port = Exercise(
    "web2's EFS mount hangs until it times out. Which TCP port must the mount target's security "
    "group allow from web2?",
    answer=2049,
    normalize=number,
    hints=[(22, "22 is SSH; the mount speaks NFS."),
           (111, "111 is the portmapper of NFS version 3; EFS uses NFS 4, which needs only one port."),
           (443, "443 is HTTPS, which is how you reach S3, not EFS."),
           (80, "80 is HTTP; EFS is mounted with NFS.")],
    explain="NFS uses TCP 2049; a security group that drops it makes the mount hang, not fail fast.",
)

efs_vs_ebs = MultipleChoice(
    "web1 (AZ 2a) and web3 (AZ 2c) must see the same files at the same time. Which works?",
    ["one EBS volume attached to both", "one EFS file system with a mount target in each AZ",
     "two EBS volumes, one per instance"],
    answer="one EFS file system with a mount target in each AZ",
    hints={"one EBS volume attached to both": "An EBS volume is attached to one instance, in one AZ.",
           "two EBS volumes, one per instance": "Two volumes are two separate disks: a file written on one is "
                                               "not on the other."},
    explain="EFS is one file system for the whole region, reached through a mount target in each AZ.",
)

# -- S3 ------------------------------------------------------------------------------------------
rename_object = MultipleChoice(
    "How do you 'rename' s3://netcourse-shop-2024/drafts/menu.txt to menu.txt?",
    ["call rename", "copy it to the new key, then delete the old key",
     "move the drafts/ folder", "edit the key in place"],
    answer="copy it to the new key, then delete the old key",
    hints={"call rename": "S3 has no rename operation.",
           "move the drafts/ folder": "drafts/ is not a folder, only the start of some keys; there is nothing to move.",
           "edit the key in place": "A key is the object's name in a flat index; it cannot be changed, only "
                                    "copied to a new one."},
    explain="CopyObject to the new key, then DeleteObject of the old one (for each object).",
)

objects_after_put = Exercise(
    "In an empty bucket you put one object with the key 'a/b/c.txt'. How many objects does the "
    "bucket hold now?",
    answer=1,
    normalize=number,
    hints=[(3, "'a/' and 'a/b/' are not objects: they are only prefixes of the one key."),
           (2, "Only one PUT happened; prefixes are not stored as objects."),
           (0, "The PUT stored exactly one object under that key.")],
    explain="One key, one object; listing with delimiter '/' merely groups keys into 'folders'.",
)
