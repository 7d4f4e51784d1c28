"""checkov check CKV_NOPER_1 (loaded by infra/checkov.yaml's external-checks-dir): every SQS queue is encrypted
at rest. checkov's own CKV_AWS_27 accepts a KMS key only; SSE-SQS (`SqsManagedSseEnabled`, SQS-owned keys,
no KMS cost, no key policy for the producers) is what Noper uses and is encryption at rest as well."""

from checkov.cloudformation.checks.resource.base_resource_check import BaseResourceCheck
from checkov.common.models.enums import CheckCategories, CheckResult


class SqsQueueEncryptedAtRest(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(name="Ensure every SQS queue is encrypted at rest (SSE-SQS or KMS)", id="CKV_NOPER_1",
                         categories=[CheckCategories.ENCRYPTION], supported_resources=["AWS::SQS::Queue"])

    def scan_resource_conf(self, conf):  # type: ignore[no-untyped-def]
        properties = conf.get("Properties") or {}
        if properties.get("SqsManagedSseEnabled") is True or properties.get("KmsMasterKeyId"):
            return CheckResult.PASSED
        return CheckResult.FAILED


check = SqsQueueEncryptedAtRest()
