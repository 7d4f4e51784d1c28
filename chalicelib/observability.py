"""Logger and metrics, set up once (Powertools). Logs are structured JSON with the request id."""

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

# infra/template.py alarms on the app's one metric (AlertsNotEnqueued): Powertools adds `service` as the
# one dimension of every metric. Requests and server errors are API Gateway's own metrics (Count, 5xx),
# free, so the app does not count them again (each custom metric is billed).
NAMESPACE = "Noper"
SERVICE = "noper"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)

__all__ = ["logger", "metrics", "MetricUnit"]


def observe_request(event, get_response):
    """Chalice http middleware: tag logs with the request id; flush the metrics the request added, if any."""
    context = getattr(event, "context", None) or {}
    logger.append_keys(request_id=context.get("requestId"), path=getattr(event, "path", None))
    response = get_response(event)
    if metrics.metric_set:
        metrics.flush_metrics()
        metrics.clear_metrics()  # flushing clears them, except where metrics are switched off (local, test)
    logger.remove_keys(["request_id", "path"])
    return response
