"""Logger and metrics, set up once (Powertools). Logs are structured JSON with the request id."""

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

# infra/template.py alarms on these: Powertools adds `service` as the one dimension of every metric.
NAMESPACE = "Noper"
SERVICE = "noper"
API_RESPONSE = "ApiResponse"
API_SERVER_ERROR = "ApiServerError"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)

__all__ = ["logger", "metrics", "MetricUnit"]


def observe_request(event, get_response):
    """Chalice http middleware: tag logs with the request id, count answers, flush metrics."""
    context = getattr(event, "context", None) or {}
    logger.append_keys(request_id=context.get("requestId"), path=getattr(event, "path", None))
    response = get_response(event)
    metrics.add_metric(name=API_RESPONSE, unit=MetricUnit.Count, value=1)
    if response.status_code >= 500:
        metrics.add_metric(name=API_SERVER_ERROR, unit=MetricUnit.Count, value=1)
    metrics.flush_metrics()
    metrics.clear_metrics()  # flushing clears them, except where metrics are switched off (local, test)
    logger.remove_keys(["request_id", "path"])
    return response
