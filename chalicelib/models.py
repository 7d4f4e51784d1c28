"""The base of the API's request, response and domain models: pydantic builds a model's validator and schema
on its first use rather than when its module is imported, so that a cold start builds only the models of the
route it serves (about 230 models; docs/architecture.md, What each function loads)."""

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(defer_build=True)
