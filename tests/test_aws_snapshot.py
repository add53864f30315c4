"""A saved account snapshot loads into the model with no boto3 and no credentials (the course's
own environment, without the optional 'aws' extra, runs this)."""
from __future__ import annotations

import pytest

from helpers.aws import analyze
from helpers.aws.boto_loader import SAMPLE_SNAPSHOT, load_snapshot
from helpers.errors import InputError


def test_the_sample_snapshot_loads_without_credentials_and_answers_as_aws_would():
    cloud = load_snapshot(SAMPLE_SNAPSHOT).cloud
    names = {i.name for i in cloud.instances.values()}
    # shop and partner, plus the default VPC every Region has (172.31.0.0/16)
    assert names == {"web", "app"} and {v.cidr for v in cloud.vpcs.values()} == {"10.0.0.0/16", "10.1.0.0/16",
                                                                                  "172.31.0.0/16"}
    assert analyze(cloud, "the internet", "web", "tcp", 80).reachable           # web-sg: 80 from anywhere
    assert not analyze(cloud, "the internet", "app", "tcp", 8080).reachable     # app has no public IP
    assert analyze(cloud, "web", "app", "tcp", 8080).reachable                  # app-sg admits web-sg
    assert analyze(cloud, "app", "the internet", "tcp", 443).reachable          # out through the NAT gateway
    with pytest.raises(InputError, match="could not be read"):
        load_snapshot(SAMPLE_SNAPSHOT.with_name("missing.json"))
