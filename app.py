"""Noper's routing table: each route reads the request, calls one function in chalicelib/, returns."""

from chalice import Chalice

from chalicelib.accounts import signin
from chalicelib.accounts.models import (
    Accepted, CodeRequest, Profile, ProfileUpdate, ResidenceClaim, SessionList, SessionRequest,
)
from chalicelib.accounts.principals import cleared_cookies, session_cookies
from chalicelib.accounts.roles import appointed_by_staff
from chalicelib.accounts.service import claim_residence, my_profile, profile_of, update_profile
from chalicelib.accounts.sessions import my_sessions, sign_out, sign_out_everywhere
from chalicelib.accounts.your_data import AccountExport, ErasureQuery, erase_my_account, export_my_data
from chalicelib.addresses.imports import import_status, import_uploaded_file, latest_imports, start_import
from chalicelib.addresses.models import (
    AddressImportList, AddressImportPath, AddressImportReport, AddressImportRequest, AddressImportStarted,
    AddressSearchQuery, AddressSuggestions,
)
from chalicelib.addresses.search import suggest_addresses
from chalicelib.communes.models import CommuneList, CommunePath, CommunePublic, CommuneSettings
from chalicelib.communes.service import get_commune, list_communes, set_up_commune
from chalicelib.health import Health, check_health
from chalicelib.neighbourhoods import service as neighbourhoods
from chalicelib.neighbourhoods.models import (
    BoundaryCollection, Draft, DraftNeighbourhoodPath, DrawnNeighbourhoods, MergeRequest, NeighbourhoodList,
    ProposalRequest, Publication, PublishRequest, RenameRequest, SplitRequest,
)
from chalicelib.neighbours import service as neighbours
from chalicelib.neighbours import vouching
from chalicelib.neighbours.models import (
    MemberList, NeighbourhoodInside, NeighbourhoodPath, PendingList, VouchRequest, VouchResult,
)
from chalicelib.observability import observe_request
from chalicelib.ratelimit import limited
from chalicelib.uploads import s3_object_created
from chalicelib.i18n import choose
from chalicelib.verification import service as verification
from chalicelib.verification.models import (
    AmbassadorPublic, LetterBatchRequest, LetterCodeRedemption, PendingResidentList, ResidentPath,
    VerificationDecision, VerificationQuery, VerificationRecordPublic,
)
from chalicelib.web.api import Api, Reply, client_ip
from chalicelib.web.site import require_accept, site_url
from chalicelib.web.openapi import build_openapi

app = Chalice(app_name="noper")
app.register_middleware(observe_request, "http")
api = Api(app)
PDF = "application/pdf"
app.api.binary_types.append(PDF)  # letters: API Gateway returns them as bytes


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


ADDRESS_SEARCHES_PER_MINUTE = 60


@api.get("/api/v1/communes/{lau2}/addresses", action="addresses.search",
         summary="Addresses of the commune's register matching what was typed (street and number)",
         path_model=CommunePath, query=AddressSearchQuery, response=AddressSuggestions, errors=(400, 404, 429))
def search_addresses(path, query):
    return limited("addresses.search", client_ip(app.current_request), ADDRESS_SEARCHES_PER_MINUTE,
                   lambda: suggest_addresses(path.lau2, query.q))


@api.post("/api/v1/communes/{lau2}/address-imports", action="addresses.import",
          summary="Start importing the address register: returns where to upload the file",
          path_model=CommunePath, body=AddressImportRequest, response=AddressImportStarted, status=201,
          errors=(400, 401, 403, 404, 413, 415))
def start_address_import(path, body):
    return start_import(path.lau2, body)


@api.get("/api/v1/communes/{lau2}/address-imports", action="addresses.import",
         summary="The commune's latest address imports", path_model=CommunePath, response=AddressImportList,
         errors=(401, 403, 404))
def address_imports(path):
    return latest_imports(path.lau2)


@api.get("/api/v1/communes/{lau2}/address-imports/{import_id}", action="addresses.import",
         summary="Progress and report of one address import", path_model=AddressImportPath,
         response=AddressImportReport, errors=(400, 401, 403, 404))
def address_import(path):
    return import_status(path.lau2, path.import_id)


# S3 -> EventBridge "Object Created" (locally: ops/local_events.py calls this same handler).
@app.on_cw_event({"source": ["aws.s3"], "detail-type": ["Object Created"],
                  "detail": {"object": {"key": [{"prefix": "incoming/addresses/"}]}}}, name="address_upload")
def address_upload(event):
    import_uploaded_file(*s3_object_created(event.detail))


GEOJSON = "application/geo+json"


@api.get("/api/v1/communes/{lau2}/neighbourhoods", action="neighbourhoods.read",
         summary="The commune's published neighbourhoods, by name", path_model=CommunePath, response=NeighbourhoodList)
def published_neighbourhoods(path):
    return neighbourhoods.list_published(path.lau2)


@api.get("/api/v1/communes/{lau2}/neighbourhoods.geojson", action="neighbourhoods.read",
         summary="Boundaries of the published neighbourhoods (GeoJSON)", path_model=CommunePath,
         response=BoundaryCollection, media_type=GEOJSON)
def published_neighbourhood_boundaries(path):
    return neighbourhoods.published_boundaries(path.lau2)


@api.get("/api/v1/communes/{lau2}/neighbourhood-draft", action="neighbourhoods.draw",
         summary="The neighbourhood draft with its validation (gaps, overlaps, non-contiguous)",
         path_model=CommunePath, response=Draft, errors=(401, 403, 404))
def neighbourhood_draft(path):
    return neighbourhoods.get_draft(path.lau2)


@api.get("/api/v1/communes/{lau2}/neighbourhood-draft.geojson", action="neighbourhoods.draw",
         summary="Boundaries of the draft's neighbourhoods (GeoJSON)", path_model=CommunePath,
         response=BoundaryCollection, media_type=GEOJSON, errors=(401, 403, 404))
def neighbourhood_draft_boundaries(path):
    return neighbourhoods.draft_boundaries(path.lau2)


@api.post("/api/v1/communes/{lau2}/neighbourhood-draft/proposal", action="neighbourhoods.draw",
          summary="Replace the draft by a proposal of about `households` addresses per neighbourhood",
          path_model=CommunePath, body=ProposalRequest, response=Draft, status=201, errors=(401, 403, 409, 413, 415))
def propose_neighbourhoods(path, body):
    return neighbourhoods.propose(path.lau2, body.households)


@api.put("/api/v1/communes/{lau2}/neighbourhood-draft", action="neighbourhoods.draw",
         summary="Replace the draft by drawn neighbourhoods (a GeoJSON FeatureCollection, `name` per feature)",
         path_model=CommunePath, body=DrawnNeighbourhoods, response=Draft, errors=(401, 403, 409, 413, 415))
def draw_neighbourhoods(path, body):
    return neighbourhoods.import_drawn(path.lau2, body)


@api.patch("/api/v1/communes/{lau2}/neighbourhood-draft/{nbh_id}", action="neighbourhoods.draw",
           summary="Rename a neighbourhood of the draft", path_model=DraftNeighbourhoodPath, body=RenameRequest,
           response=Draft, errors=(401, 403, 404, 409, 413, 415))
def rename_draft_neighbourhood(path, body):
    return neighbourhoods.rename(path.lau2, path.nbh_id, body.name, body.version)


@api.post("/api/v1/communes/{lau2}/neighbourhood-draft/merge", action="neighbourhoods.draw",
          summary="Merge two adjacent neighbourhoods of the draft", path_model=CommunePath, body=MergeRequest,
          response=Draft, errors=(401, 403, 404, 409, 413, 415))
def merge_draft_neighbourhoods(path, body):
    return neighbourhoods.merge(path.lau2, body.ids, body.name, body.version)


@api.post("/api/v1/communes/{lau2}/neighbourhood-draft/{nbh_id}/split", action="neighbourhoods.draw",
          summary="Split a neighbourhood of the draft into two contiguous halves", path_model=DraftNeighbourhoodPath,
          body=SplitRequest, response=Draft, errors=(401, 403, 404, 409, 413, 415))
def split_draft_neighbourhood(path, body):
    return neighbourhoods.split(path.lau2, path.nbh_id, body.version)


@api.post("/api/v1/communes/{lau2}/neighbourhood-draft/publish", action="neighbourhoods.draw",
          summary="Publish the reviewed draft version: residents' neighbourhoods follow its boundaries",
          path_model=CommunePath, body=PublishRequest, response=Publication, errors=(401, 403, 404, 409, 413, 415))
def publish_neighbourhoods(path, body):
    return neighbourhoods.publish(path.lau2, body.version)


@api.post("/api/v1/auth/code", action="auth.sign_in", summary="Email a sign-in code (answers 202 for any address)",
          body=CodeRequest, response=Accepted, status=202, errors=(413, 415, 429))
def send_sign_in_code(body, request):
    language = body.language or choose(request.headers.get("accept-language"))
    signin.request_code(body.email, client_ip(request), language)
    return Accepted()


@api.post("/api/v1/auth/session", action="auth.sign_in", summary="Sign in with the emailed code: sets the session cookies",
          body=SessionRequest, response=Profile, errors=(413, 415, 429))
def sign_in(body, request):
    language = choose(request.headers.get("accept-language"))
    opened = signin.open_session(body.email, body.code, client_ip(request), request.headers.get("user-agent") or "",
                                 language)
    cookies = session_cookies(opened.token, opened.csrf, signin.SESSION_DAYS * 86400)
    return Reply(profile_of(opened.user), headers={"Set-Cookie": cookies})


@api.delete("/api/v1/auth/session", action="auth.sign_out", summary="Sign out of this device", status=204,
            errors=(401, 403))
def sign_out_here(principal):
    sign_out(principal)
    return Reply(None, headers={"Set-Cookie": cleared_cookies()})


@api.get("/api/v1/me", action="me.read", summary="My profile, roles and residence", response=Profile, errors=(401,))
def me(principal):
    return my_profile(principal)


@api.put("/api/v1/me/residence", action="me.residence", summary="Claim my address: pending until verified",
         body=ResidenceClaim, response=Profile, errors=(401, 403, 404, 409, 413, 415))
def claim_my_residence(principal, body):
    return claim_residence(principal, body.address_id)


@api.get("/api/v1/me/sessions", action="me.sessions", summary="Where I am signed in", response=SessionList,
         errors=(401,))
def sessions(principal):
    return my_sessions(principal)


@api.delete("/api/v1/me/sessions", action="me.sessions", summary="Sign out everywhere", status=204, errors=(401, 403))
def sign_out_of_every_device(principal):
    sign_out_everywhere(principal)
    return Reply(None, headers={"Set-Cookie": cleared_cookies()})


@api.patch("/api/v1/me", action="me.update", summary="Change my name, languages and what neighbours see",
           body=ProfileUpdate, response=Profile, errors=(400, 401, 403, 404, 413, 415))
def update_me(principal, body):
    return update_profile(principal, body)


@api.get("/api/v1/me/export", action="me.export", summary="Everything Noper holds about me, as JSON",
         response=AccountExport, errors=(401,))
def export_me(principal):
    return Reply(export_my_data(principal),
                 headers={"Content-Disposition": 'attachment; filename="noper-my-data.json"'})


@api.delete("/api/v1/me", action="me.erase",
            summary="Erase my account: personal data at once; what I wrote removed or anonymised as I choose",
            query=ErasureQuery, status=204, errors=(400, 401, 403, 404))
def erase_me(principal, query):
    erase_my_account(principal, query.content)
    return Reply(None, headers={"Set-Cookie": cleared_cookies()})


@api.get("/api/v1/neighbourhoods/{neighbourhood_id}", action="neighbourhood.view",
         summary="My neighbourhood's name and member count (also while my address is pending)",
         path_model=NeighbourhoodPath, response=NeighbourhoodInside, errors=(400, 401, 404))
def my_neighbourhood(path):
    return neighbours.neighbourhood_inside(path.neighbourhood_id)


@api.get("/api/v1/neighbourhoods/{neighbourhood_id}/members", action="neighbourhood.members",
         summary="My verified neighbours: name, street, languages", path_model=NeighbourhoodPath,
         response=MemberList, errors=(400, 401, 404))
def neighbourhood_members(path):
    return neighbours.members(path.neighbourhood_id)


@api.get("/api/v1/neighbourhoods/{neighbourhood_id}/pending", action="neighbourhood.vouch",
         summary="Newcomers waiting for verification, whom I may vouch for (name and street only)",
         path_model=NeighbourhoodPath, response=PendingList, errors=(400, 401, 404))
def pending_neighbours(principal, path):
    return vouching.pending_neighbours(principal, path.neighbourhood_id)


@api.post("/api/v1/neighbourhoods/{neighbourhood_id}/vouches", action="neighbourhood.vouch",
          summary="Vouch that a pending neighbour lives here: two households verify them",
          path_model=NeighbourhoodPath, body=VouchRequest, response=VouchResult, status=201,
          errors=(400, 401, 403, 404, 409, 413, 415, 429))
def vouch_for_neighbour(principal, path, body):
    return vouching.vouch(principal, path.neighbourhood_id, body.user_id)


@api.post("/api/v1/me/residence/code", action="me.residence_code",
          summary="Verify my address with the code of the letter the commune sent to it", body=LetterCodeRedemption,
          response=Profile, errors=(400, 401, 403, 404, 409, 413, 415, 429))
def redeem_letter_code(principal, body, request):
    return verification.redeem_letter_code(principal, body.code, client_ip(request))


@api.post("/api/v1/communes/{lau2}/letters", action="residents.letters",
          summary="Print letters with a verification code: to the addresses of pending residents, or to every "
                  "address of a neighbourhood (send `Accept: application/pdf`)",
          path_model=CommunePath, body=LetterBatchRequest, status=201, media_type=PDF,
          errors=(400, 401, 403, 404, 409, 413, 415))
def print_letters(principal, path, body, request):
    require_accept(request, PDF)
    batch = verification.letter_batch(path.lau2, body, site=site_url(request), by=principal.user_id)
    return Reply(batch.pdf, headers={
        "Content-Disposition": f'attachment; filename="noper-letters-{path.lau2}-{batch.batch_id}.pdf"'})


@api.get("/api/v1/communes/{lau2}/verifications", action="residents.verify",
         summary="Residents of the commune waiting for verification: name, claimed address, email",
         path_model=CommunePath, query=VerificationQuery, response=PendingResidentList, errors=(400, 401, 403, 404))
def pending_verifications(path, query):
    return verification.pending_residents(path.lau2)


@api.post("/api/v1/communes/{lau2}/verifications/{user_id}", action="residents.verify",
          summary="Approve or reject (with a reason) a pending resident's address, after checking the register",
          path_model=ResidentPath, body=VerificationDecision, response=VerificationRecordPublic,
          errors=(400, 401, 403, 404, 409, 413, 415))
def decide_verification(principal, path, body):
    return verification.decide(path.lau2, path.user_id, body.decision == "approve", body.reason, principal.user_id)


@api.put("/api/v1/communes/{lau2}/ambassadors/{user_id}", action="residents.ambassadors",
         summary="Appoint a verified resident ambassador of their neighbourhood", path_model=ResidentPath,
         response=AmbassadorPublic, errors=(400, 401, 403, 404, 409))
def appoint_ambassador(path):
    return appointed_by_staff(path.lau2, path.user_id, appoint=True)


@api.delete("/api/v1/communes/{lau2}/ambassadors/{user_id}", action="residents.ambassadors",
            summary="End a resident's ambassadorship", path_model=ResidentPath, response=AmbassadorPublic,
            errors=(400, 401, 403, 404))
def dismiss_ambassador(path):
    return appointed_by_staff(path.lau2, path.user_id, appoint=False)
