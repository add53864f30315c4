"""Exercises of lesson 01 (why the cloud): short quizzes with a hint for every wrong option."""
from helpers.checks import Exercise, MultipleChoice, number
from helpers.draw.cloud import capacity_plan, fibre_rtt_ms

# ---------------------------------------------------------------------------- cloud.definition
definition = MultipleChoice(
    "Which of these is cloud computing?",
    ["Keeping photos on a USB disk",
     "Using servers, databases and networks that you manage over the internet",
     "Buying servers for the company's own server room",
     "A faster Wi-Fi router at home"],
    answer="Using servers, databases and networks that you manage over the internet",
    hints={"Keeping photos on a USB disk": "A USB disk is local storage you carry around; nothing is reached "
                                           "over the internet.",
           "Buying servers for the company's own server room": "That is on-premises: you own the machines and "
                                                               "run the room yourself.",
           "A faster Wi-Fi router at home": "A router connects you to the internet; the cloud is the computing "
                                            "you reach through it."},
    explain="Cloud computing is compute, storage, databases and networking run by a provider and managed by "
            "you over the internet.",
)

cloud_word = MultipleChoice(
    "In 'cloud service', what does 'cloud' stand for?",
    ["A data centre in the sky", "Anything you can reach remotely over the internet", "Wireless networking",
     "A kind of database"],
    answer="Anything you can reach remotely over the internet",
    hints={"A data centre in the sky": "The machines are in ordinary buildings; the word is a metaphor.",
           "Wireless networking": "Wi-Fi is how a device joins a network; the cloud is what you reach over it.",
           "A kind of database": "Databases are one service among many the cloud offers."},
    explain="The cloud is a metaphor for the internet: anything reached remotely through it, like mail or "
            "drive services.",
)

# ---------------------------------------------------------------------------- cloud.why
core_value = MultipleChoice(
    "A team moves its service to a public cloud. Which question is still theirs alone to answer?",
    ["Who replaces a failed disk in the rack?",
     "Which data do our users need, in what shape (JSON or XML) and how fresh?",
     "Who installs the operating system on new hardware?",
     "Do we have DDoS protection gear in the data centre?"],
    answer="Which data do our users need, in what shape (JSON or XML) and how fresh?",
    hints={"Who replaces a failed disk in the rack?": "Racks, disks and the people who run them are the "
                                                      "provider's concern now.",
           "Who installs the operating system on new hardware?": "New servers start from an image in minutes; "
                                                                 "the hardware is the provider's.",
           "Do we have DDoS protection gear in the data centre?": "The provider runs DDoS protection at its edge "
                                                                  "(AWS Shield)."},
    explain="Separating concerns leaves the team with its core value: what data, for whom, and what users "
            "want from it.",
)

# ---------------------------------------------------------------------------- cloud.onprem-vs-cloud
PLAN = capacity_plan()
IDLE_PERCENT = round(PLAN.owned_idle_share * 100)

idle_share = Exercise(
    "In the capacity plot, what percentage of the on-premises servers' hours were idle? (a whole number)",
    answer=IDLE_PERCENT,
    normalize=number,
    accept=lambda n: abs(n - IDLE_PERCENT) <= 2 or abs(n * 100 - IDLE_PERCENT) <= 2,
    hints=[(round(PLAN.rented_idle_share * 100), "That is the cloud's idle share; the question asks about the "
                                                 "servers that were bought."),
           (lambda n: n > 100, "A share of hours is a percentage between 0 and 100."),
           (lambda n: n < 0, "A share of hours is a percentage between 0 and 100.")],
    hint="Read the first line of the plan's summary: it says how many of the bought servers' hours were idle.",
    explain="Servers bought for the peak sit idle most of the week, and still fall short on the day of the spike.",
)

spike = MultipleChoice(
    "Your shop gets ten times its usual traffic on one day a year. Which is the better fit?",
    ["Buy servers for that day and keep them all year", "Rent extra servers in the cloud for that day",
     "Buy servers for the usual load and hope", "Turn customers away on that day"],
    answer="Rent extra servers in the cloud for that day",
    hints={"Buy servers for that day and keep them all year": "They would sit idle 364 days a year: you pay for "
                                                              "capacity you do not use.",
           "Buy servers for the usual load and hope": "On the busy day users get errors: the plot's red line.",
           "Turn customers away on that day": "That is the outage the cloud lets you avoid."},
    explain="On-premises you buy for the peak; in the cloud you rent for the demand, hour by hour.",
)

# ---------------------------------------------------------------------------- cloud.shared-responsibility
guest_os = MultipleChoice(
    "On an EC2 instance, who patches the guest operating system?",
    ["AWS", "You", "Nobody: it patches itself"],
    answer="You",
    hints={"AWS": "AWS patches what it runs (hardware, hypervisor, managed services); the OS inside your "
                  "instance is yours.",
           "Nobody: it patches itself": "Updates only happen if someone runs them, or sets them to run."},
    explain="The provider secures the cloud; you secure what you put in it, including the instance's OS.",
)

security_group = MultipleChoice(
    "A security group allows SSH (port 22) from 0.0.0.0/0 and a server gets broken into. Whose "
    "responsibility was that rule?",
    ["AWS's", "Yours", "The internet provider's"],
    answer="Yours",
    hints={"AWS's": "AWS runs the firewall service, but the rules in it are your configuration.",
           "The internet provider's": "The ISP carries packets; who may reach your servers is your setting."},
    explain="Network security (VPC, security groups, NACLs) and accounts (IAM) are the customer's side.",
)

hypervisor = MultipleChoice(
    "Who keeps the hypervisor and the physical hosts under EC2 patched?",
    ["AWS", "You", "Both, taking turns"],
    answer="AWS",
    hints={"You": "You never see the hypervisor or the hardware; you cannot patch them.",
           "Both, taking turns": "Each side has its own list; the hardware and hypervisor are the provider's."},
    explain="Security OF the cloud (facilities, hardware, hypervisor) is the provider's job.",
)

# ---------------------------------------------------------------------------- cloud.network-why
outage = MultipleChoice(
    "The web server process is healthy, but the server's network link went down. What do users get?",
    ["The page, a bit slower", "An outage: their requests time out", "An error page from the server",
     "A cached copy"],
    answer="An outage: their requests time out",
    hints={"The page, a bit slower": "Nothing reaches the server at all while the link is down.",
           "An error page from the server": "The server never hears the request, so it cannot answer anything.",
           "A cached copy": "There was no cache in this lab; the request just went unanswered."},
    explain="Value reaches users only over the network: a network fault is an outage even when every server is fine.",
)

# ---------------------------------------------------------------------------- cloud.global-infra
AZ_RTT = fibre_rtt_ms(100)

az_rtt = Exercise(
    "Two AZs are 100 km apart. At least how many milliseconds does a round trip between them take over "
    "fibre (200 km per ms)?",
    answer=AZ_RTT,
    normalize=number,
    accept=lambda n: abs(n - AZ_RTT) <= 0.05,
    hints=[(AZ_RTT / 2, "That is one way; a round trip goes there and back."),
           (lambda n: abs(n - 100 / 300) < 0.05 or abs(n - 200 / 300) < 0.05,
            "That is light in a vacuum (300 km/ms); in glass it is slower, about 200 km/ms."),
           (lambda n: n >= 10, "Far too long: 100 km is short for light; think in fractions of a millisecond to "
                               "a few milliseconds.")],
    hint="Time = distance / speed, twice (there and back): 2 × 100 km / 200 km per ms.",
    explain="About 1 ms: close enough to copy data synchronously between AZs, far enough apart that one "
            "flood or power cut does not hit both.",
)

why_apart = MultipleChoice(
    "Why are the AZs of a region separate sites, yet less than 100 km apart?",
    ["So one power cut or flood cannot take two of them down, while they stay close enough for fast links",
     "Because AWS ran out of space in one building",
     "So that each AZ serves a different country",
     "To make traffic between AZs free"],
    answer="So one power cut or flood cannot take two of them down, while they stay close enough for fast links",
    hints={"Because AWS ran out of space in one building": "Splitting is deliberate: a region is built for "
                                                           "availability.",
           "So that each AZ serves a different country": "A region is one geographic area (Seoul); its AZs "
                                                          "serve it together.",
           "To make traffic between AZs free": "Traffic between AZs is usually billed; the reason is "
                                                "resilience with low latency."},
    explain="Separate sites survive local disasters; short distances keep inter-AZ latency around a millisecond.",
)

seoul = MultipleChoice(
    "What is ap-northeast-2?",
    ["An availability zone in Tokyo", "The Seoul region", "An edge location", "A VPC"],
    answer="The Seoul region",
    hints={"An availability zone in Tokyo": "Tokyo is ap-northeast-1; AZ names end in a letter, like "
                                            "ap-northeast-2a.",
           "An edge location": "Edge locations are named after airports and cities, not region codes.",
           "A VPC": "VPC IDs look like vpc-0abc...; a VPC lives inside a region."},
    explain="ap-northeast-2 is the Seoul region; its AZs are ap-northeast-2a, 2b, 2c and 2d.",
)

edge_pop = MultipleChoice(
    "What does an edge PoP add to a region?",
    ["More availability zones", "Sites near users (edge locations, regional edge caches) that cache and "
     "answer for the region", "A second VPC", "Cheaper EC2 instances"],
    answer="Sites near users (edge locations, regional edge caches) that cache and answer for the region",
    hints={"More availability zones": "AZs are inside the region; edge PoPs are spread around the world.",
           "A second VPC": "VPCs are networks inside a region, not sites at the edge.",
           "Cheaper EC2 instances": "You do not run EC2 at the edge; it serves CloudFront, Route 53, Shield and "
                                    "Global Accelerator."},
    explain="Edge PoPs bring content and DNS close to users over the AWS global network.",
)

transit = MultipleChoice(
    "How does a region reach the rest of the internet?",
    ["Each data centre has its own internet line", "Through transit centres linked to every AZ",
     "Through the edge locations only", "It cannot"],
    answer="Through transit centres linked to every AZ",
    hints={"Each data centre has its own internet line": "The AZs connect to shared transit centres instead.",
           "Through the edge locations only": "Edge PoPs serve users near them; the region's own way out is its "
                                              "transit centres.",
           "It cannot": "Then nobody could use a public website on AWS."},
    explain="AZs connect to the region's transit centres, which connect to the internet.",
)

# ---------------------------------------------------------------------------- cloud.services-map
def _service_question(prompt: str, right: str, wrong: dict[str, str], explain: str) -> MultipleChoice:
    return MultipleChoice(prompt, [right, *wrong], answer=right, hints=wrong, explain=explain)


office_vpn = _service_question(
    "Connect the office network to a VPC through an encrypted tunnel over the internet:",
    "AWS Site-to-Site VPN",
    {"AWS Direct Connect": "Direct Connect is a private line, not a tunnel over the internet.",
     "Amazon CloudFront": "CloudFront caches content for users; it does not join networks.",
     "Amazon Route 53": "Route 53 answers DNS questions; it carries no traffic between networks."},
    "Site-to-Site VPN builds IPsec tunnels between your gateway and AWS.")

many_vpcs = _service_question(
    "Join twenty VPCs and the on-premises network through one central hub:",
    "AWS Transit Gateway",
    {"Amazon VPC": "A VPC is one of the networks to join, not the hub between them.",
     "AWS Global Accelerator": "Global Accelerator brings users into AWS; it does not join VPCs together.",
     "AWS Shield": "Shield protects against DDoS attacks."},
    "Transit Gateway is a regional router that many VPCs and VPNs attach to.")

images_near_users = _service_question(
    "Serve images from caches close to users around the world:",
    "Amazon CloudFront",
    {"AWS Direct Connect": "Direct Connect links your data centre to AWS; users do not use it.",
     "AWS Transit Gateway": "Transit Gateway joins networks inside AWS.",
     "Amazon VPC": "A VPC is a private network in one region, not a cache near users."},
    "CloudFront is the CDN: edge locations cache content near users.")

ddos = _service_question(
    "Absorb a DDoS attack before it reaches your servers:",
    "AWS Shield",
    {"Amazon Route 53": "Route 53 is DNS; it is protected by Shield too, but it is not the protection.",
     "AWS Site-to-Site VPN": "A VPN encrypts traffic between two networks.",
     "Amazon VPC": "A VPC isolates your network but does not absorb floods of traffic."},
    "Shield runs at the edge and filters attack traffic.")
