"""Noper's routing table: each route reads the request, calls one function in chalicelib/, returns."""

from chalice import Chalice

from chalicelib.communes.models import CommuneList, CommunePath, CommunePublic, CommuneSettings
from chalicelib.communes.service import get_commune, list_communes, set_up_commune
from chalicelib.health import Health, check_health
from chalicelib.observability import observe_request
from chalicelib.web.api import Api, Reply
from chalicelib.web.openapi import build_openapi

app = Chalice(app_name="noper")
app.register_middleware(observe_request, "http")
api = Api(app)


@api.get("/api/v1/health", action="platform.health", summary="Is the API up and its table reachable?",
         response=Health, other_responses=((503, Health),))
def health():
    report = check_health()
    return Reply(report, status=200 if report.status == "ok" else 503)


@api.get("/api/v1/openapi.json", action="platform.openapi", summary="This API, as an OpenAPI 3.1 document")
def openapi():
    return build_openapi(api.docs)


@api.get("/api/v1/communes", action="communes.read", summary="Communes on Noper, by name", response=CommuneList)
def communes():
    return list_communes()


@api.get("/api/v1/communes/{lau2}", action="communes.read", summary="One commune", path_model=CommunePath,
         response=CommunePublic, errors=(404,))
def commune(path):
    return get_commune(path.lau2)


@api.put("/api/v1/communes/{lau2}", action="communes.manage", summary="Set up a commune or change its settings",
         path_model=CommunePath, body=CommuneSettings, response=CommunePublic, errors=(401, 403, 413, 415))
def set_up(path, body):
    commune, created = set_up_commune(path.lau2, body)
    return Reply(commune, status=201 if created else 200)
