"""A model of AWS networking (VPC and friends): validation, reachability analysis, drawing."""
