"""The weekly email digest: schedule, SQS fan-out per neighbourhood, content, paper version."""
