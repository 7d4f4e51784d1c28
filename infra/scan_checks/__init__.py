"""checkov checks of Noper's own (infra/checkov.yaml external-checks-dir); checkov imports every module here."""
