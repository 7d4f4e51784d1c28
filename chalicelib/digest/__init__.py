"""The weekly email digest: schedule, SQS fan-out per neighbourhood, content, paper version."""

# Chalice needs the queue's name when it packages the app (app.py `digest_neighbourhood`: here, so that the API's
# import need not load the digest's code); infra/template.py creates it by this name.
QUEUE = "noper-digest"
