"""Exercises of lesson 08 (containers and Docker networking)."""
from helpers.checks import Exercise, MultipleChoice, ip_address, number, text

# -- docker.why
shared_kernel = MultipleChoice(
    "Three containers and three virtual machines run on one server. How many operating-system "
    "kernels are running?",
    ["1 for the containers, 4 with the VMs (host + 3 guests)", "3 for the containers, 3 for the VMs",
     "1 in both cases", "0 for the containers: they need no kernel"],
    answer="1 for the containers, 4 with the VMs (host + 3 guests)",
    hints={"3 for the containers, 3 for the VMs": "A container brings libraries and programs, but no kernel: "
                                                  "all of them use the host's.",
           "1 in both cases": "Each VM boots its own guest kernel, on top of the host's.",
           "0 for the containers: they need no kernel": "Containers are processes; processes need a kernel, "
                                                        "and they all share the host's one."},
    explain="Containers share the host's kernel; each VM boots its own on top of the host's.",
)

drift = MultipleChoice(
    "Why do containers avoid configuration drift?",
    ["A change is made once, in the image, and every container is replaced from it",
     "Containers cannot be changed while they run",
     "Docker checks every server's configuration every night",
     "Containers have no configuration"],
    answer="A change is made once, in the image, and every container is replaced from it",
    hints={"Containers cannot be changed while they run": "They can (docker exec ...), but such changes are lost "
                                                          "when the container is replaced; the image is what counts.",
           "Docker checks every server's configuration every night": "Docker does no such check; the sameness comes "
                                                                      "from building every container from one image.",
           "Containers have no configuration": "They do: it is baked into the image (and passed in as "
                                               "environment variables or volumes)."},
    explain="Nobody edits servers one by one: the image is the single source, so all copies stay identical.",
)

# -- docker.process
pid_one = Exercise(
    "Inside the tiny container, `ps` lists `sleep` first. What process ID (PID) does it have there?",
    answer=1,
    normalize=number,
    hints=[(0, "PID 0 is not a process you can see; the first process in a PID namespace gets number 1."),
           (lambda n: n > 1, "That is a number the host might use; inside its own PID namespace the "
                             "container's first process counts from the start.")],
    explain="A new PID namespace numbers its processes from 1, so the container's main program is PID 1 "
            "inside, while the host knows it by an ordinary, large PID.",
)

namespace_shared = MultipleChoice(
    "The tiny container was started with unshare --pid --mount --uts --ipc --cgroup inside its own network "
    "namespace. Which namespace does it still share with dhost?",
    ["user", "net", "uts", "pid"],
    answer="user",
    hints={"net": "The container runs inside node tiny, whose network namespace is its own.",
           "uts": "--uts gave it its own host name (it could set 9b2f4c1d8e7a without renaming dhost).",
           "pid": "--pid gave it its own process numbers: that is why it is PID 1 inside."},
    explain="Without --user (Docker's default too, unless user-namespace remapping is on), root in the "
            "container is root on the host: one reason to keep containers unprivileged.",
)

# -- docker.image
changed_file = MultipleChoice(
    "The container changed /app/index.html, which came from the image's app layer. Where is the new "
    "version stored?",
    ["in the container's upper (writable) layer", "in layers/2-app, replacing the old file",
     "in the merged folder only", "nowhere: image files are read-only, so the write failed"],
    answer="in the container's upper (writable) layer",
    hints={"in layers/2-app, replacing the old file": "The layers stay untouched: `cat layers/2-app/app/index.html` "
                                                      "still says version 1.",
           "in the merged folder only": "merged is a view, not a place: what it shows lives in the layers "
                                        "underneath (and disappears with umount).",
           "nowhere: image files are read-only, so the write failed": "The write worked (the container read "
                                                                      "version 2 back): overlayfs copied the file up."},
    explain="Overlayfs copies the file up into the writable layer and changes it there; deleting a file "
            "leaves a 'whiteout' there. The image layers are shared by every container and never change.",
)

# -- docker.volume
survives = MultipleChoice(
    "A container wrote /data/visits (a volume) and /app/cache. After `docker rm` and a new container "
    "from the same image, what is left?",
    ["/data/visits only", "/app/cache only", "both", "neither"],
    answer="/data/visits only",
    hints={"/app/cache only": "It is the other way round: /app/cache lived in the writable layer, which docker rm "
                             "deletes.",
           "both": "/app/cache was in the container's writable layer, and docker rm deleted that layer.",
           "neither": "The volume is a folder of the host mounted into the container: removing the "
                      "container does not touch it."},
    explain="State that must outlive a container (databases, uploads) goes into volumes, outside the "
            "container's layers.",
)

# -- docker.netns
fresh_interfaces = Exercise(
    "How many network interfaces does a brand-new network namespace have (count every one that "
    "`ip link` lists)?",
    answer=1,
    normalize=number,
    hints=[(0, "Look again at `ip -br link` in web: one line is there already."),
           (2, "There is no eth0 yet: someone (Docker, or you) has to create it.")],
    explain="Only the loopback interface lo: a new namespace is a network stack with nothing plugged in.",
)

# -- docker.veth
app_veth = Exercise(
    "`cat /sys/class/net/eth0/iflink` in app prints 5. Which interface of dhost is app's veth? "
    "(Answer with its name; `ip -br link` in dhost lists them with their index.)",
    answer="veth8a4b9d1",
    normalize=text,
    hints=[("veth1c2f0e3", "That is web's: its index in dhost is 3 (web's eth0 says iflink 3)."),
           ("eth0", "eth0 is the name inside the container; the host end has a veth... name."),
           ("docker0", "docker0 is the bridge both veths are plugged into, not one end of a pair.")],
    explain="The interface whose index is 5 in dhost, veth8a4b9d1: a veth's iflink is its partner's index.",
)

# -- docker.bridge
ping_mac = Exercise(
    "app (172.17.0.3) pings web (172.17.0.2). What destination MAC address does app put on the echo "
    "request? (web's eth0 is 02:42:ac:11:00:02, docker0 is 02:42:8c:3a:10:01.)",
    answer="02:42:ac:11:00:02",
    normalize=text,
    hints=[("02:42:8c:3a:10:01", "That is docker0's: app would use it for addresses outside its own network. "
                                 "web is on the same /16, so app sends straight to web."),
           ("ff:ff:ff:ff:ff:ff", "Broadcast is for the ARP request that finds web's MAC; the echo request then "
                                 "goes to web alone.")],
    explain="web is on app's own network, so app sends the frame straight to web's MAC; the bridge "
            "switches it from port to port, with no router involved.",
)

# -- docker.nat-out
masquerade_source = Exercise(
    "With masquerade on, app fetches inet's page. Which source address does inet see?",
    answer="203.0.113.2",
    normalize=ip_address,
    hints=[("172.17.0.3", "That is app's own address, before dhost rewrites it; inet could not answer it."),
           ("172.17.0.1", "docker0's address never leaves dhost; the packet leaves through eth0."),
           ("203.0.113.100", "That is inet itself.")],
    explain="MASQUERADE replaces the source with the address of the interface the packet leaves by: "
            "dhost's eth0, 203.0.113.2. Replies come back to it and are translated back to app.",
)

# -- docker.port-publish
dnat_target = Exercise(
    "A container at 172.17.0.5 is started with `docker run -p 8443:443`. Where does Docker's DNAT rule "
    "send a packet for the host's port 8443? Answer as ADDRESS:PORT.",
    answer="172.17.0.5:443",
    normalize=text,
    hints=[("172.17.0.5:8443", "The second number of -p is the container's port: the rule changes 8443 to 443."),
           ("172.17.0.1:443", "172.17.0.1 is docker0, the gateway; the rule sends packets to the container."),
           ("0.0.0.0:8443", "0.0.0.0 means 'any address of the host' on the matching side; the rule's "
                            "target is the container's address and port.")],
    explain="-p HOSTPORT:CONTAINERPORT: the rule matches the host's port and rewrites the destination to "
            "the container's address and port (`to:172.17.0.5:443` in `iptables -t nat -L DOCKER -n`).",
)

unreachable_why = MultipleChoice(
    "Before publishing, why can inet not open http://172.17.0.2/ directly?",
    ["172.17.0.0/16 is a private range that only dhost knows a route to",
     "web's server listens on 127.0.0.1 only",
     "containers block all incoming traffic",
     "port 80 needs root"],
    answer="172.17.0.0/16 is a private range that only dhost knows a route to",
    hints={"web's server listens on 127.0.0.1 only": "It listens on every address: app reached it at 172.17.0.2.",
           "containers block all incoming traffic": "app reached web without any rule; nothing blocks it inside dhost.",
           "port 80 needs root": "The server is already listening on port 80; the packets just never get there."},
    explain="Private addresses are not routed on the internet; only dhost has docker0 on that network. "
            "Publishing gives the outside world an address it can reach: dhost's, port 8080.",
)

# -- docker.inspect
desktop = MultipleChoice(
    "On Docker Desktop for Mac, where is docker0?",
    ["inside the Linux VM that Docker Desktop runs", "on the Mac, next to en0", "inside each container",
     "nowhere: Docker Desktop does not use bridges"],
    answer="inside the Linux VM that Docker Desktop runs",
    hints={"on the Mac, next to en0": "macOS has no Linux bridges or network namespaces: `ifconfig` on the Mac "
                                      "shows no docker0.",
           "inside each container": "Containers only see their own eth0; the bridge is on the host side.",
           "nowhere: Docker Desktop does not use bridges": "It does: the engine inside the VM works like on any "
                                                           "Linux host."},
    explain="Docker Desktop runs a Linux VM for the engine: the bridge, the veths and the NAT rules are in "
            "that VM, and published ports are forwarded from the Mac into it.",
)
