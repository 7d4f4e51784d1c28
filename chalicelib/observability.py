"""Logger and metrics, set up once (Powertools). Logs are structured JSON with the request id."""

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

logger = Logger(service="noper")
metrics = Metrics(namespace="Noper", service="noper")

__all__ = ["logger", "metrics", "MetricUnit"]


def observe_request(event, get_response):
    """Chalice http middleware: tag logs with the request id, count answers, flush metrics."""
    context = getattr(event, "context", None) or {}
    logger.append_keys(request_id=context.get("requestId"), path=getattr(event, "path", None))
    response = get_response(event)
    metrics.add_metric(name="ApiResponse", unit=MetricUnit.Count, value=1)
    if response.status_code >= 500:
        metrics.add_metric(name="ApiServerError", unit=MetricUnit.Count, value=1)
    metrics.flush_metrics()
    logger.remove_keys(["request_id", "path"])
    return response
