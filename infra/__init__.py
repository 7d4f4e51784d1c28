"""CloudFormation for what Chalice does not generate: table, buckets, CloudFront (docs/deployment.md)."""
