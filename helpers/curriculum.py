"""The curriculum as data: every lesson and every concept it must teach, with IDs.

Cells that teach a concept carry the cell tag ``concept:<ID>``; tests/test_concept_coverage.py
counts them. The IDs and wording come from the course curriculum (CURRICULUM.md in the design
notes); ``extra`` marks concepts that go beyond the workshop notes the course grew from.
"""
from __future__ import annotations

from dataclasses import dataclass

from helpers.errors import InputError


@dataclass(frozen=True)
class Concept:
    id: str
    summary: str
    extra: bool = False


@dataclass(frozen=True)
class Lesson:
    number: str
    title: str
    notebook: str  # path from the repository root
    concepts: tuple[Concept, ...]


LESSONS: tuple[Lesson, ...] = (
    Lesson("00", "Start here", "notebooks/00-start-here.ipynb", ()),
    Lesson("01", 'Why the cloud', "notebooks/01-why-the-cloud.ipynb", (
        Concept('cloud.definition', 'cloud; cloud computing (compute, DB, network managed over the internet)'),
        Concept('cloud.why', 'what self-hosting makes you answer (backup, code sharing, redundancy, hardware and OS, rack staff, spare capacity, deployment, security, DDoS, network gear) and how the cloud takes it off you; separation of concerns: focus on core value (what data, for whom, what users want: query conditions, JSON/XML, freshness, integrity)'),
        Concept('cloud.onprem-vs-cloud', 'on-premises vs public cloud'),
        Concept('cloud.shared-responsibility', 'provider patches servers; you own network security and accounts/IAM'),
        Concept('cloud.network-why', 'why networking matters: value reaches users over the network; network faults are outages'),
        Concept('cloud.global-infra', 'region, availability zone (separate data centres, < 100 km apart, 100/400 GbE), intra-AZ and inter-AZ links, transit centre, edge PoP (edge locations, regional edge caches); the Seoul region ap-northeast-2'),
        Concept('cloud.services-map', 'the networking service map: VPC, Transit Gateway, Route 53, Global Accelerator, Direct Connect, Site-to-Site VPN, CloudFront, Shield'),
    )),
    Lesson("02", 'Networks and the OSI model', "notebooks/02-networks-and-osi.ipynb", (
        Concept('net.nodes-links', 'a network is nodes and links; a node is anything with an IP; one subnet is one network'),
        Concept('osi.layers', 'the seven layers and what each does'),
        Concept('osi.pdu', 'PDU per layer: bit, frame, packet, segment, data'),
        Concept('osi.addresses', 'MAC (L2), IPv4 4 bytes (L3), port 2 bytes (L4); well-known 0-1023, others 1024-65535'),
        Concept('osi.devices', 'cable/hub/repeater (L1), bridge/L2 switch, router/L3 switch, L4 switch'),
        Concept('osi.protocols', 'protocols by layer (Ethernet, PPP, HDLC; IPv4/6, ARP, ICMP, IGMP, RIP, EIGRP, OSPF; TCP, UDP; NetBIOS, sockets, RPC; SSL/TLS, MIME; HTTP, ...)'),
        Concept('osi.well-known-ports', 'HTTP 80, HTTPS 443, SMTP 25, POP3 110, FTP 20/21, TFTP 69, Telnet 23, SSH 22, DHCP 67/68, DNS 53, SNMP 161/162'),
        Concept('osi.encapsulation', "a real frame dissected layer by layer: each layer's header wraps the one above", extra=True),
        Concept('osi.physical-encoding', 'bits become signals (encoding) and back (decoding)'),
        Concept('osi.tcp-vs-udp', 'connection-oriented and reliable vs connectionless'),
    )),
    Lesson("03", 'IP addresses and subnetting', "notebooks/03-ip-addressing-and-subnetting.ipynb", (
        Concept('ip.public-private', 'public (ISP-assigned, unique) vs private (RFC 1918) addresses; private ones are not routed on the internet'),
        Concept('ip.binary', 'dotted decimal and binary'),
        Concept('ip.mask-and', 'the mask as a bitwise AND: which bits name the network'),
        Concept('ip.cidr', 'CIDR notation'),
        Concept('ip.classful', 'classes A/B/C and their default masks'),
        Concept('ip.network-broadcast', 'network (first) and broadcast (last) address; usable hosts'),
        Concept('ip.same-subnet', 'are two addresses in one subnet (192.168.100.1 and .2 with /24)'),
        Concept('ip.split', 'splitting: mask 128 gives 2, 192 gives 4, 224 gives 8, 240 gives 16; want 10 pieces, take 16 and leave 6 unused'),
        Concept('ip.vlsm', 'variable-length plans sized by host counts', extra=True),
        Concept('ip.summarize', 'summarising routes into a supernet', extra=True),
        Concept('ip.aws-reserved', 'AWS keeps 5 addresses of every subnet; VPC and subnet sizes /16 to /28'),
        Concept('ip.calculator', 'an interactive CIDR calculator'),
    )),
    Lesson("04", 'Switching and routing', "notebooks/04-switching-and-routing.ipynb", (
        Concept('l2.collision-domain', 'carrier sense, collisions, CSMA/CD, the collision domain'),
        Concept('l2.broadcast-domain', 'broadcast and the broadcast domain'),
        Concept('l2.hub-vs-switch', 'hub (L1, one collision domain, no multi-access) vs switch (L2, one collision domain per port)'),
        Concept('l2.mac-learning', 'MAC table: forward when the destination is known, flood when it is not (modelled, and seen on a real Linux bridge)'),
        Concept('l3.router', 'a router relays between networks: forward or drop'),
        Concept('l3.routing-table', "route tables, longest-prefix match, the default route 0.0.0.0/0, connected routes; reading real 'ip route' output (default via, proto dhcp, scope link, metric)"),
        Concept('l3.internet-nat', 'reaching the internet needs a public IP; private destinations are not sent to the internet; NAT translates private to public'),
        Concept('l3.vpc-switch-router', 'inside a VPC: same subnet through the virtual switch, other subnets through the virtual router, everything else (0.0.0.0/0) through the internet gateway'),
        Concept('net.segmentation', 'network separation and defence in depth: an internal network for the database with personal data, an external one for the web servers'),
    )),
    Lesson("05", 'ARP and ICMP experiments', "notebooks/05-arp-and-icmp.ipynb", (
        Concept('arp.protocol', 'ARP: IP to MAC, broadcast request, the owner replies'),
        Concept('arp.table', "the neighbour table ('arp', 'ip neigh') and what its columns mean"),
        Concept('icmp.protocol', 'ICMP reports errors because IP does not guarantee delivery; ICMP has no ports'),
        Concept('icmp.ping', 'reading ping: bytes, icmp_seq, ttl, time, packet loss, rtt min/avg/max/mdev'),
        Concept('icmp.traceroute', "traceroute: TTL expiry hop by hop, '*' for silent hops"),
        Concept('icmp.rtt', "RTT; a request's time is connect + request + response; finding the slow segment"),
    )),
    Lesson("06", 'Ports, sockets, TCP and UDP', "notebooks/06-ports-and-sockets.ipynb", (
        Concept('tcp.port-check', 'checking that a service listens (telnet IP port, or a TCP connect)'),
        Concept('tcp.socket', 'one listening port serves many clients: connections are told apart by the 4-tuple'),
        Concept('tcp.handshake', 'SYN, SYN-ACK, ACK and the close, captured', extra=True),
        Concept('udp.basics', 'a UDP exchange: no handshake, no delivery guarantee', extra=True),
        Concept('os.fd-limits', 'fs.file-max, ulimit open files and max user processes: what caps the connections a server holds'),
        Concept('tcp.port-forwarding', 'port forwarding with a NAT rule: port 80 redirected to 8080; listing and deleting the rule'),
        Concept('sec.ssh-exposure', 'SSH open to the whole internet is dangerous; a new port number alone is not protection'),
    )),
    Lesson("07", 'HTTP and DNS', "notebooks/07-http-and-dns.ipynb", (
        Concept('http.status-check', "'curl -I': status codes (200, 301 with Location, 404, 5xx) and headers (Cache-Control, Expires, Server, Content-Type)"),
        Concept('dns.lookup-flow', 'local cache, /etc/hosts, /etc/resolv.conf, the resolver, recursion to upstream servers, caching the answer; flushing the cache'),
        Concept('dns.hierarchy', 'root servers (13 names), TLD, SLD, subdomains: www.google.com read right to left'),
        Concept('dns.resolver', 'stub vs recursive resolver; non-authoritative answers; A and AAAA records'),
        Concept('dns.capture', 'watching DNS on port 53'),
    )),
    Lesson("08", 'Containers and Docker networking', "notebooks/08-docker-networking.ipynb", (
        Concept('docker.why', 'run anywhere; VM vs container (shared kernel, smaller images); no configuration drift; isolation and scale'),
        Concept('docker.process', 'a container is a process: namespaces and chroot'),
        Concept('docker.image', 'an image is a set of files in read-only layers'),
        Concept('docker.volume', 'volumes keep state outside the container'),
        Concept('docker.veth', 'veth pairs: what goes in one end comes out the other'),
        Concept('docker.netns', 'network namespaces isolate interfaces, routes and firewall'),
        Concept('docker.bridge', 'container eth0 - host veth - docker0 bridge; containers talk by private IP'),
        Concept('docker.port-publish', "'docker run -p 8080:80': why a container cannot be reached directly, and the NAT rule that publishes it"),
        Concept('docker.nat-out', 'outbound masquerade from containers', extra=True),
        Concept('docker.inspect', "mapping a real Docker host's containers to their veths, bridge and NAT rules when a Docker engine is present", extra=True),
    )),
    Lesson("09", 'AWS VPC', "notebooks/09-aws-vpc.ipynb", (
        Concept('vpc.basics', 'a VPC belongs to one region, spans its AZs, has a private CIDR; several VPCs per region, isolated'),
        Concept('vpc.subnet-az', 'a subnet lives in one AZ; subnets in different AZs survive a data-centre loss and still talk privately'),
        Concept('vpc.public-private', 'what makes a subnet public (a route to an internet gateway) or private'),
        Concept('vpc.route-table', 'the virtual router and its route tables: local route, main vs custom table, associations'),
        Concept('vpc.igw', 'internet gateway: two-way; 0.0.0.0/0 to the IGW; the instance needs a public IP or Elastic IP'),
        Concept('vpc.nat-gw', 'NAT gateway: lives in a public subnet, has an Elastic IP, one-way (outbound only); the private route table points 0.0.0.0/0 at it'),
        Concept('vpc.bastion', 'bastion host in the public subnet: admin to bastion to private instance; where the key lives'),
        Concept('vpc.sg', 'security groups: per instance (ENI), inbound and outbound, allow rules only, default outbound all / inbound none, several groups combine, stateful'),
        Concept('vpc.nacl', 'network ACLs: per subnet, allow and deny, lowest rule number first, stateless (return traffic on ephemeral ports), one per subnet, many subnets per ACL, rule limit'),
        Concept('vpc.sg-vs-nacl', 'how the two combine and which to reach for'),
        Concept('vpc.peering', 'peering: same or other region and account; no overlapping CIDRs; not transitive'),
        Concept('vpc.transit-gw', 'transit gateway as a central hub for many VPCs and on-premises'),
        Concept('vpc.vgw-hybrid', 'virtual private gateway, Site-to-Site VPN (IPsec), Direct Connect'),
        Concept('vpc.reachability', 'asking "can A reach B on port P?" and getting the component that blocks it', extra=True),
        Concept('ec2.ami-template', 'AMI as a backup image; launch templates'),
        Concept('ec2.scale-up-out', 'scale up vs scale out'),
    )),
    Lesson("10", 'Load balancing and Auto Scaling', "notebooks/10-load-balancing.ipynb", (
        Concept('lb.concept', 'spreading load over servers that do the same job'),
        Concept('lb.l4-vs-l7', 'L4 (IP and port, fast, never reads the payload) vs L7 (headers, cookies, paths)'),
        Concept('lb.round-robin', 'round robin and the alternatives'),
        Concept('elb.components', 'load balancer, listener, target group, rules'),
        Concept('elb.flow', 'receive, choose a target group, pick a target, monitor health, return the response'),
        Concept('elb.health-checks', 'health checks take failed targets out and put recovered ones back'),
        Concept('elb.cross-zone', 'cross-zone load balancing: on by default for ALB, off for NLB; inter-AZ cost'),
        Concept('elb.types', 'CLB, ALB (path, host, query routing), NLB (throughput, client IP kept, static IP), GWLB'),
        Concept('elb.sticky', 'sticky sessions'),
        Concept('elb.ssl-offload', 'TLS ends at the load balancer'),
        Concept('asg.autoscaling', 'thresholds, scale out and in, back to the base size'),
    )),
    Lesson("11", 'DNS with Route 53', "notebooks/11-route53.ipynb", (
        Concept('r53.basics', 'why "53"; registering a domain; hosted zones; records'),
        Concept('r53.simple', 'simple routing: one of several values at random'),
        Concept('r53.weighted', 'weighted routing, weights 0-255'),
        Concept('r53.latency', 'latency-based routing'),
        Concept('r53.failover', 'failover: active/passive with health checks'),
    )),
    Lesson("12", 'CDN with CloudFront', "notebooks/12-cdn.ipynb", (
        Concept('cdn.why', 'a far origin means load on it and latency for users'),
        Concept('cdn.cache-hit-miss', 'hit served from the edge; miss fetched from the origin and stored'),
        Concept('cdn.ttl', 'expiry time (TTL) and what it trades'),
        Concept('cdn.static-dynamic', 'static content caches; dynamic content is always a miss'),
        Concept('cdn.cloudfront-parts', 'origin (server, EC2, ELB, S3), distribution, regional edge cache, edge location'),
        Concept('cdn.cloudfront-features', 'HTTPS, several origins, access control'),
    )),
    Lesson("13", 'Storage', "notebooks/13-storage.ipynb", (
        Concept('storage.block-file-object', 'block vs file vs object storage: what each stores, where it runs, what it is good for'),
        Concept('storage.ebs', 'EBS: block device for one instance in one AZ; fixed size; snapshots; instance store vs EBS'),
        Concept('storage.mount-flow', 'lsblk, mkfs -t ext4, mount, df -h, umount; moving a volume to another instance'),
        Concept('storage.efs', 'EFS: shared files over NFS'),
        Concept('storage.s3', 'S3: objects by key, no in-place edits, serverless, sharing between services'),
    )),
    Lesson("14", 'Capstone', "notebooks/14-capstone.ipynb", (
        Concept('capstone.infra', '"a plausible infrastructure": a VPC over two AZs with public, private and admin subnets, bastion, NAT gateway, load balancer in front of web servers, database in the private subnet, security groups and NACLs; built, analysed and tested live'),
    )),
)

CONCEPTS: dict[str, Concept] = {c.id: c for lesson in LESSONS for c in lesson.concepts}
LESSON_OF: dict[str, Lesson] = {c.id: lesson for lesson in LESSONS for c in lesson.concepts}


def lesson(number: str) -> Lesson:
    """The lesson with this two-digit number, e.g. lesson("03")."""
    for item in LESSONS:
        if item.number == number:
            return item
    raise InputError(f"there is no lesson {number!r}; lessons are numbered '00' to '{LESSONS[-1].number}' (as text).")


class LessonMap:
    """The lessons in order, with how many concepts each teaches."""

    def __repr__(self) -> str:
        lines = []
        for item in LESSONS:
            count = len(item.concepts)
            concepts = f"{count} concepts" if count else "how the course works"
            lines.append(f"{item.number}  {item.title:<32} {concepts:<21} {item.notebook}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        rows = "".join(
            f"<tr><td>{item.number}</td><td style='text-align:left'>{html.escape(item.title)}</td>"
            f"<td>{len(item.concepts) or ''}</td><td style='text-align:left'><code>{item.notebook}</code></td></tr>"
            for item in LESSONS)
        return ("<table><tr><th>No.</th><th style='text-align:left'>Lesson</th><th>Concepts</th>"
                f"<th style='text-align:left'>Notebook</th></tr>{rows}</table>")


def lesson_map() -> LessonMap:
    return LessonMap()
