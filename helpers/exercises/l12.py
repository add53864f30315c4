"""Exercises of lesson 12 (CDN with CloudFront)."""
from helpers.checks import Exercise, MultipleChoice, number, set_of, text
from helpers.display import Box


def ask(question) -> Box:
    """The question as a note, with numbered options for multiple choice."""
    body = question.prompt
    if isinstance(question, MultipleChoice):
        body += "\n" + "\n".join(f"  {n}. {option}" for n, option in enumerate(question.options))
    return Box(body, "info")


def _path(value) -> str:
    return text(value).strip()


def _phrase(value) -> str:
    """A name typed in words: case and spacing do not matter ('s3 bucket' is 'S3 bucket')."""
    return " ".join(text(value).lower().split())


# ---------------------------------------------------------------------------- cdn.why
origin_load = Exercise(
    "A shop's pages make 200 requests per second. Behind a CDN, 85% of them are answered without "
    "the origin (by an edge location or a regional edge cache). How many requests per second still "
    "reach the origin?",
    answer=30,
    normalize=number,
    hints=[(170, "170 requests per second are the ones the CDN answers; the origin gets the rest."),
           (200, "200 is the origin's load without a CDN; the CDN answers 85% of it."),
           (0.15, "0.15 is the share that reaches the origin; multiply it by the 200 requests per second."),
           (15, "15 is the percentage; the question asks for requests per second (15% of 200).")],
    hint="The origin gets the misses: (1 - hit ratio) x requests per second.",
    explain="(1 - 0.85) x 200 = 30 requests per second: the origin needs a seventh of the capacity, and 85% "
            "of the users never wait for the long trip to it.",
)

# ---------------------------------------------------------------------------- cdn.cache-hit-miss
first_request = MultipleChoice(
    "An edge location has never served /img/logo.png. What happens to the first request for it?",
    ["a miss: the edge fetches it from the origin (or the regional edge cache), stores it and answers",
     "a hit: CloudFront copies every object to every edge in advance",
     "an error: the user must ask the origin directly the first time",
     "a miss: the edge answers with a redirect to the origin"],
    answer="a miss: the edge fetches it from the origin (or the regional edge cache), stores it and answers",
    hints={"a hit: CloudFront copies every object to every edge in advance":
           "A CDN caches on demand (pull): nothing is at an edge until someone there asks for it.",
           "an error: the user must ask the origin directly the first time":
           "The user only ever talks to the edge; the edge does the fetching.",
           "a miss: the edge answers with a redirect to the origin":
           "The edge fetches the object itself and keeps a copy, so the next user gets a hit."},
    explain="A miss costs the trip to the origin once; the stored copy turns the following requests into hits.",
)

which_hits = Exercise(
    "The origin sends /logo.png with Cache-Control: max-age=10. One edge location gets requests for it at "
    "t = 0, 4, 9 and 12 seconds (its cache is empty before t = 0). Which requests are hits? "
    "(a list of times, like [4])",
    answer=[4, 9],
    normalize=set_of(number),
    hints=[([0, 4, 9], "At t = 0 the cache is empty: the first request is always a miss."),
           ([4, 9, 12], "The copy stored at t = 0 expires at t = 10, so at t = 12 the edge must ask the origin again."),
           ([4], "At t = 9 the copy is 9 s old, still younger than its 10 s max-age."),
           ([0, 4, 9, 12], "The first request finds nothing, and the last comes after the copy expired.")],
    hint="Stored at t = 0 for 10 s: a request is a hit while the copy is less than 10 s old.",
    explain="t = 0 misses and stores the copy until t = 10; t = 4 and 9 are hits; t = 12 finds it expired.",
)

# ---------------------------------------------------------------------------- cdn.ttl
ttl_from_headers = Exercise(
    "Under the CachingOptimized policy (minimum 1 s, default 1 day, maximum 1 year), the origin sends "
    "Cache-Control: public, max-age=300, s-maxage=3600. For how many seconds does CloudFront keep the object?",
    answer=3600,
    normalize=number,
    hints=[(300, "max-age is for every cache, but s-maxage is meant for shared caches like CloudFront and wins there."),
           (86400, "The default TTL applies only when the origin sends no caching header at all."),
           (31536000, "The maximum TTL only caps longer values; 3600 s is well below it.")],
    hint="Look at the order of the rules: s-maxage, then max-age, then Expires, then the default TTL.",
    explain="s-maxage=3600 is within the policy's minimum and maximum, so CloudFront keeps it an hour; "
            "browsers keep their own copy for max-age=300 s.",
)

longer_ttl = MultipleChoice(
    "You raise the TTL of a site's pages from 1 minute to 1 day. What do you trade?",
    ["more hits and less origin load, but users may see an old page for up to a day after a change",
     "more hits, and changes still reach users within a minute",
     "fewer hits, because each copy is bigger",
     "nothing: the TTL only matters to browsers"],
    answer="more hits and less origin load, but users may see an old page for up to a day after a change",
    hints={"more hits, and changes still reach users within a minute":
           "A cached copy is served until it expires; the edge does not know the origin changed.",
           "fewer hits, because each copy is bigger": "The TTL does not change an object's size; it changes how "
                                                      "long a copy may be served.",
           "nothing: the TTL only matters to browsers": "CloudFront's edges use the TTL too: it is how long they "
                                                        "answer from their copy."},
    explain="A longer TTL turns more requests into hits and takes load off the origin, at the price of "
            "staleness; invalidations or versioned file names get around it.",
)

# ---------------------------------------------------------------------------- cdn.static-dynamic
cacheable_paths = Exercise(
    "Which of these should edge locations cache? /css/site.css, /api/cart, /img/logo.png, "
    "/account/orders, /js/app.3f9a1c.js (a list of paths)",
    answer=["/css/site.css", "/img/logo.png", "/js/app.3f9a1c.js"],
    normalize=set_of(_path),
    hints=[(lambda s: "/api/cart" in s, "/api/cart is made per user at each request: cached, one user's cart "
                                        "would be shown to the next."),
           (lambda s: "/account/orders" in s, "/account/orders is personal, dynamic content; it must always come "
                                              "from the origin."),
           (lambda s: "/js/app.3f9a1c.js" not in s, "Scripts are static files like stylesheets and images; the "
                                                    "hash in the name even lets them be cached for a year.")],
    hint="Static files (the same for everyone, changing only on deploys) cache; per-user answers do not.",
    explain="Stylesheets, images and scripts are static; the cart and the orders page are dynamic and always "
            "go to the origin (a miss, or a bypass).",
)

# ---------------------------------------------------------------------------- cdn.cloudfront-parts
between = MultipleChoice(
    "Which part of CloudFront sits between the edge locations and the origin, so that a miss at one edge "
    "may still not reach the origin?",
    ["the regional edge cache", "the distribution", "the origin access control", "the Route 53 hosted zone"],
    answer="the regional edge cache",
    hints={"the distribution": "The distribution is the configuration (domain, origins, behaviors), not a cache "
                               "on the way.",
           "the origin access control": "Origin access control lets only CloudFront read an S3 bucket; it "
                                        "stores nothing.",
           "the Route 53 hosted zone": "DNS points users at CloudFront; it is not on the path of the content."},
    explain="Regional edge caches are bigger caches shared by many edge locations; an edge's miss is often "
            "their hit.",
)

origin_kinds = Exercise(
    "Which of these can be a CloudFront origin? 'S3 bucket', 'EC2 instance', 'load balancer', "
    "'server in your own data centre', 'edge location' (a list)",
    answer=["S3 bucket", "EC2 instance", "load balancer", "server in your own data centre"],
    normalize=set_of(_phrase),
    hints=[(lambda s: "edge location" in s, "Edge locations are CloudFront's own caches, in front of the origin, "
                                            "not behind it."),
           (lambda s: "server in your own data centre" not in s, "Any HTTP server the internet can reach can be a "
                                                                 "custom origin, on premises too.")],
    hint="An origin is wherever the original content lives: storage, a server, or what balances servers.",
    explain="S3 buckets, EC2 instances, load balancers and any reachable HTTP server (a custom origin).",
)

# ---------------------------------------------------------------------------- cdn.cloudfront-features
private_bucket = MultipleChoice(
    "The site's images live in an S3 bucket behind CloudFront. Users must not be able to bypass CloudFront "
    "and read the bucket directly. What do you set up?",
    ["origin access control (OAC): the bucket policy allows only the distribution",
     "make the bucket public and hide its name", "signed URLs for every image", "a geographic restriction"],
    answer="origin access control (OAC): the bucket policy allows only the distribution",
    hints={"make the bucket public and hide its name": "A public bucket answers anyone who finds or guesses the "
                                                       "name; hiding is not access control.",
           "signed URLs for every image": "Signed URLs restrict who may ask CloudFront; they do not stop requests "
                                          "that go straight to the bucket.",
           "a geographic restriction": "Geo restriction filters viewers of CloudFront by country; the bucket "
                                       "stays open."},
    explain="With OAC, CloudFront signs its requests to S3 and the bucket policy allows that distribution only.",
)

invalidation_bill = Exercise(
    "In one month you submit 1,500 invalidation paths (no wildcards). What do they cost, in USD? "
    "(The first 1,000 paths a month are free; then USD 0.005 per path.)",
    answer=2.5,
    normalize=number,
    hints=[(7.5, "The first 1,000 paths of the month are free: only 500 are charged."),
           (0, "Only the first 1,000 paths are free; the other 500 cost USD 0.005 each."),
           (5, "500 paths x USD 0.005 is 2.5, not 5.")],
    hint="(paths - 1000) x 0.005, if there are more than 1,000.",
    explain="500 paths beyond the free 1,000 x USD 0.005 = USD 2.50. One '/images/*' wildcard would count as a "
            "single path.",
)
