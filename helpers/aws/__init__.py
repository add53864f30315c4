"""A model of AWS networking (VPC and friends): validation, reachability analysis, drawing.

    from helpers.aws import Cloud, analyze, validate, two_az_vpc

    cloud = Cloud()                                    # an account; Seoul (ap-northeast-2) by default
    vpc = two_az_vpc(cloud, "shop", "10.0.0.0/16")     # public + private subnets in two AZs
    analyze(cloud, "the internet", "web-a", "tcp", 443)
    validate(cloud)

Modules: ``model`` (the dataclasses and the AWS-API-like builder methods, which raise
``AwsError`` with AWS's error codes), ``rules`` (security group and network ACL evaluation),
``analyzer`` (reachability with hop-by-hop explanations and Reachability Analyzer's codes),
``validate`` (whole-model checks and warnings), ``build`` (typical and random models),
``scenarios`` (five broken VPCs), ``compute`` (scale up vs scale out), ``report`` (tables).
Pictures are in ``helpers.draw.vpc``, the rule evaluator widget in ``helpers.ui.vpc``.
Made real: ``materialize`` (a model becomes a live lab of namespaces, real NAT and nftables rules;
``netprobe`` sends many flows through it at once), ``agreement`` (random models asked of both the
analyzer and the kernel), ``boto_loader`` (a real account read into the model, read-only; needs
the optional boto3). These are imported on demand, not here.
"""
from helpers.aws.analyzer import EXPLANATION_CODES, Analysis, Hop, analyze
from helpers.aws.build import random_cloud, random_queries, two_az_vpc
from helpers.aws.errors import AwsError
from helpers.aws.model import REGIONS, Cloud, reserved_addresses
from helpers.aws.validate import check, validate

__all__ = ["Cloud", "REGIONS", "AwsError", "analyze", "Analysis", "Hop", "EXPLANATION_CODES", "validate", "check",
           "two_az_vpc", "random_cloud", "random_queries", "reserved_addresses"]
