"""Noper's routing table: each route reads the request, calls one function in chalicelib/, returns."""

import gc

# Cold start: no cyclic garbage collection while the modules load and the routes are declared (it would walk the
# thousands of new objects again and again: about a quarter of the import's CPU); on again at the end of this file.
gc.disable()

from datetime import datetime  # noqa: E402

from chalice import Chalice, Cron

from chalicelib.accounts import signin
from chalicelib.accounts.models import (
    Accepted, CodeRequest, ModeratorPublic, Profile, ProfileUpdate, ResidenceClaim, SessionList, SessionRequest,
)
from chalicelib.accounts.models import (
    CommuneRolesPublic, NeighbourhoodResidentsPath, StaffGrant, StaffMemberPublic, StaffRolePath, VerifiedResidentList,
)
from chalicelib.accounts.principals import cleared_cookies, session_cookies
from chalicelib.communes import audit
from chalicelib.communes.audit import AuditLogPublic, AuditQuery
from chalicelib.communes.models import CommuneList, CommunePath, CommunePublic, CommuneSettings
from chalicelib.observability import observe_request
from chalicelib.publishers import links as publisher_links, service as publishers
from chalicelib.publishers.models import (
    LinkIssued, LinkList, LinkPath, LinkPublic, LinkRequest, LogoUploadRequest, LogoUploadStarted, PublisherList,
    PublisherPath, PublisherPublic, PublisherRequest, PublisherStatusChange, PublishingSettings,
)
from chalicelib.ratelimit import limited
from chalicelib.uploads import s3_object_created
from chalicelib.alerts import QUEUE as ALERT_QUEUE
from chalicelib.digest import QUEUE as DIGEST_QUEUE
from chalicelib.i18n import choose
from chalicelib.later import later, routes_declared
from chalicelib.web.api import RETRY_AFTER, Api, Reply, client_ip
from chalicelib.web.site import require_accept, site_url
from chalicelib.web.openapi import build_openapi

exports = later("chalicelib.accounts.exports")
roles = later("chalicelib.accounts.roles")
accounts_service = later("chalicelib.accounts.service")
accounts_sessions = later("chalicelib.accounts.sessions")
accounts_your_data = later("chalicelib.accounts.your_data")
addresses_imports = later("chalicelib.addresses.imports")
addresses_models = later("chalicelib.addresses.models")
addresses_search = later("chalicelib.addresses.search")
announcement_attachments = later("chalicelib.announcements.attachments")
announcements_feed = later("chalicelib.announcements.feed")
announcements_models = later("chalicelib.announcements.models")
announcements = later("chalicelib.announcements.service")
budget_ballots = later("chalicelib.budget.ballots")
budget_discussion = later("chalicelib.budget.discussion")
budget_documents = later("chalicelib.budget.documents")
budget_editions = later("chalicelib.budget.editions")
budget_exchange = later("chalicelib.budget.exchange")
budget_models = later("chalicelib.budget.models")
budget_paper = later("chalicelib.budget.paper")
budget_photos = later("chalicelib.budget.photos")
budget_proposals = later("chalicelib.budget.proposals")
budget_results = later("chalicelib.budget.results")
budget_review = later("chalicelib.budget.review")
budget_your_data = later("chalicelib.budget.your_data")  # not used by a route: its "your data" part (registries)
comments_models = later("chalicelib.comments.models")
comments = later("chalicelib.comments.service")
communes_service = later("chalicelib.communes.service")
consultation_documents = later("chalicelib.consultations.documents")
consultations_models = later("chalicelib.consultations.models")
consultations = later("chalicelib.consultations.service")
digest_fanout = later("chalicelib.digest.fanout")
digest_models = later("chalicelib.digest.models")
digest_paper = later("chalicelib.digest.paper")
digest_seen = later("chalicelib.digest.seen")
digest_service = later("chalicelib.digest.service")
event_answers = later("chalicelib.events.answers")
event_approval = later("chalicelib.events.approval")
event_feeds = later("chalicelib.events.feeds")
events_models = later("chalicelib.events.models")
event_publishing = later("chalicelib.events.publishing")
event_reminders = later("chalicelib.events.reminders")
events = later("chalicelib.events.service")
platform_health = later("chalicelib.health")
indicators_models = later("chalicelib.indicators.models")
indicators_report = later("chalicelib.indicators.report")
indicators = later("chalicelib.indicators.service")
indicators_snapshots = later("chalicelib.indicators.snapshots")
lending = later("chalicelib.lending.items")
loans = later("chalicelib.lending.loans")
lending_models = later("chalicelib.lending.models")
wanted = later("chalicelib.lending.wanted")
messages_models = later("chalicelib.messages.models")
messages = later("chalicelib.messages.service")
moderation_models = later("chalicelib.moderation.models")
moderation = later("chalicelib.moderation.service")
moderation_tone = later("chalicelib.moderation.tone")
neighbourhoods_models = later("chalicelib.neighbourhoods.models")
neighbourhoods = later("chalicelib.neighbourhoods.service")
neighbours_models = later("chalicelib.neighbours.models")
neighbours = later("chalicelib.neighbours.service")
vouching = later("chalicelib.neighbours.vouching")
alert_queue = later("chalicelib.notifications.alert_queue")
reminders_of_events = later("chalicelib.notifications.event_reminders")
reminders = later("chalicelib.notifications.reminders")
notification_settings = later("chalicelib.notifications.settings")
unread = later("chalicelib.notifications.unread")
unsubscribe = later("chalicelib.notifications.unsubscribe")
photos_models = later("chalicelib.photos.models")
photos = later("chalicelib.photos.service")
appeals = later("chalicelib.posts.appeals")
posts_feed = later("chalicelib.posts.feed")
posts_hiding = later("chalicelib.posts.hiding")
posts_models = later("chalicelib.posts.models")
posts_professionals = later("chalicelib.posts.professionals")
posts = later("chalicelib.posts.service")
verification_models = later("chalicelib.verification.models")
posters = later("chalicelib.verification.posters")
verification = later("chalicelib.verification.service")
volunteering_approval = later("chalicelib.volunteering.approval")
buddies = later("chalicelib.volunteering.buddies")
certificate = later("chalicelib.volunteering.certificate")
volunteer_cover = later("chalicelib.volunteering.cover")
volunteering_models = later("chalicelib.volunteering.models")
volunteering_offers = later("chalicelib.volunteering.offers")
volunteer_publishing = later("chalicelib.volunteering.publishing")
volunteering = later("chalicelib.volunteering.service")
volunteer_signups = later("chalicelib.volunteering.signups")

app = Chalice(app_name="noper")
app.register_middleware(observe_request, "http")
api = Api(app)
PDF = "application/pdf"
app.api.binary_types.append(PDF)  # letters: API Gateway returns them as bytes


@api.get("/api/v1/health", action="platform.health", summary="Is the API up and its table reachable?",
         response=platform_health.Health, other_responses=((503, platform_health.Health),))
def health():
    report = platform_health.check_health()
    if report.status == "ok":
        return Reply(report)
    return Reply(report, status=503, headers={"Retry-After": str(RETRY_AFTER)})


@api.get("/api/v1/openapi.json", action="platform.openapi", summary="This API, as an OpenAPI 3.1 document")
def openapi():
    return build_openapi(api.docs)


@api.get("/api/v1/communes", action="communes.read", summary="Communes on Noper, by name", response=CommuneList)
def communes():
    return communes_service.list_communes()


@api.get("/api/v1/communes/{lau2}", action="communes.read", summary="One commune", path_model=CommunePath,
         response=CommunePublic, errors=(404,))
def commune(path):
    return communes_service.get_commune(path.lau2)


@api.put("/api/v1/communes/{lau2}", action="communes.manage", summary="Set up a commune or change its settings",
         path_model=CommunePath, body=CommuneSettings, response=CommunePublic, errors=(401, 403, 413, 415))
def set_up(principal, path, body):
    commune, created = communes_service.set_up_commune(path.lau2, body, by=principal.user_id)
    return Reply(commune, status=201 if created else 200)


ADDRESS_SEARCHES_PER_MINUTE = 60


@api.get("/api/v1/communes/{lau2}/addresses", action="addresses.search",
         summary="Addresses of the commune's register matching what was typed (street and number)",
         path_model=CommunePath, query=addresses_models.AddressSearchQuery,
         response=addresses_models.AddressSuggestions, errors=(400, 404, 429),
         session=False)  # open to anyone and asks nobody's identity: the session is not read
def search_addresses(path, query):
    return limited("addresses.search", client_ip(app.current_request), ADDRESS_SEARCHES_PER_MINUTE,
                   lambda: addresses_search.suggest_addresses(path.lau2, query.q))


@api.post("/api/v1/communes/{lau2}/address-imports", action="addresses.import",
          summary="Start importing the address register: returns where to upload the file",
          path_model=CommunePath, body=addresses_models.AddressImportRequest,
          response=addresses_models.AddressImportStarted, status=201,
          errors=(400, 401, 403, 404, 413, 415))
def start_address_import(principal, path, body):
    return addresses_imports.start_import(path.lau2, body, by=principal.user_id)


@api.get("/api/v1/communes/{lau2}/address-imports", action="addresses.import",
         summary="The commune's latest address imports", path_model=CommunePath,
         response=addresses_models.AddressImportList,
         errors=(401, 403, 404))
def address_imports(path):
    return addresses_imports.latest_imports(path.lau2)


@api.get("/api/v1/communes/{lau2}/address-imports/{import_id}", action="addresses.import",
         summary="Progress and report of one address import", path_model=addresses_models.AddressImportPath,
         response=addresses_models.AddressImportReport, errors=(400, 401, 403, 404))
def address_import(path):
    return addresses_imports.import_status(path.lau2, path.import_id)


@api.post("/api/v1/communes/{lau2}/address-imports/{import_id}/confirmation", action="addresses.import",
          summary="Confirm an import that would retire more than 10 % of the addresses: its stored file is imported "
                  "again, retiring allowed", path_model=addresses_models.AddressImportPath,
                  response=addresses_models.AddressImportReport, status=202,
          errors=(400, 401, 403, 404, 409))
def confirm_address_import(principal, path):
    return addresses_imports.confirm_import(path.lau2, path.import_id, by=principal.user_id)


# S3 -> EventBridge "Object Created" (locally: ops/local_events.py calls this same handler).
@app.on_cw_event({"source": ["aws.s3"], "detail-type": ["Object Created"],
                  "detail": {"object": {"key": [{"prefix": "incoming/addresses/"}]}}}, name="address_upload")
def address_upload(event):
    addresses_imports.import_uploaded_file(*s3_object_created(event.detail))


GEOJSON = "application/geo+json"


@api.get("/api/v1/communes/{lau2}/neighbourhoods", action="neighbourhoods.read",
         summary="The commune's published neighbourhoods, by name", path_model=CommunePath,
         response=neighbourhoods_models.NeighbourhoodList)
def published_neighbourhoods(path):
    return neighbourhoods.list_published(path.lau2)


@api.get("/api/v1/communes/{lau2}/neighbourhoods.geojson", action="neighbourhoods.read",
         summary="Boundaries of the published neighbourhoods (GeoJSON)", path_model=CommunePath,
         response=neighbourhoods_models.BoundaryCollection, media_type=GEOJSON)
def published_neighbourhood_boundaries(path):
    return neighbourhoods.published_boundaries(path.lau2)


@api.get("/api/v1/communes/{lau2}/neighbourhood-draft", action="neighbourhoods.draw",
         summary="The neighbourhood draft with its validation (gaps, overlaps, non-contiguous)",
         path_model=CommunePath, response=neighbourhoods_models.Draft, errors=(401, 403, 404))
def neighbourhood_draft(path):
    return neighbourhoods.get_draft(path.lau2)


@api.get("/api/v1/communes/{lau2}/neighbourhood-draft.geojson", action="neighbourhoods.draw",
         summary="Boundaries of the draft's neighbourhoods (GeoJSON)", path_model=CommunePath,
         response=neighbourhoods_models.BoundaryCollection, media_type=GEOJSON, errors=(401, 403, 404))
def neighbourhood_draft_boundaries(path):
    return neighbourhoods.draft_boundaries(path.lau2)


@api.post("/api/v1/communes/{lau2}/neighbourhood-draft/proposal", action="neighbourhoods.draw",
          summary="Replace the draft by a proposal of about `households` addresses per neighbourhood",
          path_model=CommunePath, body=neighbourhoods_models.ProposalRequest, response=neighbourhoods_models.Draft,
          status=201, errors=(401, 403, 409, 413, 415))
def propose_neighbourhoods(path, body):
    return neighbourhoods.propose(path.lau2, body.households)


@api.put("/api/v1/communes/{lau2}/neighbourhood-draft", action="neighbourhoods.draw",
         summary="Replace the draft by drawn neighbourhoods (a GeoJSON FeatureCollection, `name` per feature)",
         path_model=CommunePath, body=neighbourhoods_models.DrawnNeighbourhoods, response=neighbourhoods_models.Draft,
         errors=(401, 403, 409, 413, 415))
def draw_neighbourhoods(path, body):
    return neighbourhoods.import_drawn(path.lau2, body)


@api.patch("/api/v1/communes/{lau2}/neighbourhood-draft/{nbh_id}", action="neighbourhoods.draw",
           summary="Rename a neighbourhood of the draft", path_model=neighbourhoods_models.DraftNeighbourhoodPath,
           body=neighbourhoods_models.RenameRequest,
           response=neighbourhoods_models.Draft, errors=(401, 403, 404, 409, 413, 415))
def rename_draft_neighbourhood(path, body):
    return neighbourhoods.rename(path.lau2, path.nbh_id, body.name, body.version)


@api.post("/api/v1/communes/{lau2}/neighbourhood-draft/merge", action="neighbourhoods.draw",
          summary="Merge two adjacent neighbourhoods of the draft", path_model=CommunePath,
          body=neighbourhoods_models.MergeRequest,
          response=neighbourhoods_models.Draft, errors=(401, 403, 404, 409, 413, 415))
def merge_draft_neighbourhoods(path, body):
    return neighbourhoods.merge(path.lau2, body.ids, body.name, body.version)


@api.post("/api/v1/communes/{lau2}/neighbourhood-draft/{nbh_id}/split", action="neighbourhoods.draw",
          summary="Split a neighbourhood of the draft into two contiguous halves",
          path_model=neighbourhoods_models.DraftNeighbourhoodPath,
          body=neighbourhoods_models.SplitRequest, response=neighbourhoods_models.Draft,
          errors=(401, 403, 404, 409, 413, 415))
def split_draft_neighbourhood(path, body):
    return neighbourhoods.split(path.lau2, path.nbh_id, body.version)


@api.post("/api/v1/communes/{lau2}/neighbourhood-draft/publish", action="neighbourhoods.draw",
          summary="Publish the reviewed draft version: residents' neighbourhoods follow its boundaries",
          path_model=CommunePath, body=neighbourhoods_models.PublishRequest,
          response=neighbourhoods_models.Publication, errors=(401, 403, 404, 409, 413, 415))
def publish_neighbourhoods(principal, path, body):
    publication = neighbourhoods.publish(path.lau2, body.version, by=principal.user_id)
    announcements.reach_neighbourhoods(path.lau2)  # whole-commune announcements and consultations
    consultations.retarget(path.lau2)  # reach new neighbourhoods (one Query each for their residents)
    return publication


@api.post("/api/v1/auth/code", action="auth.sign_in", summary="Email a sign-in code (answers 202 for any address)",
          body=CodeRequest, response=Accepted, status=202, errors=(413, 415, 429))
def send_sign_in_code(body, request):
    language = body.language or choose(request.headers.get("accept-language"))
    signin.request_code(body.email, client_ip(request), language)
    return Accepted()


@api.post("/api/v1/auth/session", action="auth.sign_in",
          summary="Sign in with the emailed code: sets the session cookies",
          body=SessionRequest, response=Profile, errors=(413, 415, 429))
def sign_in(body, request):
    language = choose(request.headers.get("accept-language"))
    opened = signin.open_session(body.email, body.code, client_ip(request), request.headers.get("user-agent") or "",
                                 language)
    cookies = session_cookies(opened.token, opened.csrf, signin.SESSION_DAYS * 86400)
    return Reply(accounts_service.profile_of(opened.user), headers={"Set-Cookie": cookies})


@api.delete("/api/v1/auth/session", action="auth.sign_out", summary="Sign out of this device", status=204,
            errors=(401, 403))
def sign_out_here(principal):
    accounts_sessions.sign_out(principal)
    return Reply(None, headers={"Set-Cookie": cleared_cookies()})


@api.get("/api/v1/me", action="me.read", summary="My profile, roles and residence", response=Profile, errors=(401,))
def me(principal):
    return accounts_service.my_profile(principal)


@api.put("/api/v1/me/residence", action="me.residence", summary="Claim my address: pending until verified",
         body=ResidenceClaim, response=Profile, errors=(401, 403, 404, 409, 413, 415))
def claim_my_residence(principal, body):
    return accounts_service.claim_residence(principal, body.address_id)


@api.get("/api/v1/me/sessions", action="me.sessions", summary="Where I am signed in", response=SessionList,
         errors=(401,))
def sessions(principal):
    return accounts_sessions.my_sessions(principal)


@api.delete("/api/v1/me/sessions", action="me.sessions", summary="Sign out everywhere", status=204, errors=(401, 403))
def sign_out_of_every_device(principal):
    accounts_sessions.sign_out_everywhere(principal)
    return Reply(None, headers={"Set-Cookie": cleared_cookies()})


@api.patch("/api/v1/me", action="me.update", summary="Change my name, languages and what neighbours see",
           body=ProfileUpdate, response=Profile, errors=(400, 401, 403, 404, 413, 415))
def update_me(principal, body):
    return accounts_service.update_profile(principal, body)


@api.get("/api/v1/me/notifications", action="me.notifications", summary="Which emails Noper sends me",
         response=notification_settings.NotificationSettings, errors=(401, 404))
def my_notifications(principal):
    return notification_settings.mine(principal.user_id)


@api.put("/api/v1/me/notifications", action="me.notifications",
         summary="Choose which emails Noper sends me (topics left out stay as they are)",
         body=notification_settings.NotificationSettingsUpdate, response=notification_settings.NotificationSettings,
         errors=(400, 401, 403, 404, 413, 415))
def choose_my_notifications(principal, body):
    return notification_settings.change_mine(principal.user_id, body)


@api.get("/api/v1/unsubscribe", action="notifications.unsubscribe",
         summary="The page behind an email's unsubscribe link: asks to confirm (a GET changes nothing)",
         query=unsubscribe.UnsubscribeQuery, media_type="text/html", session=False, errors=(400, 403))
def unsubscribe_page(query, request):
    page = unsubscribe.confirmation_page(query.token, choose(request.headers.get("accept-language")))
    return Reply(page, headers=unsubscribe.PAGE_HEADERS)


@api.post("/api/v1/unsubscribe", action="notifications.unsubscribe",
          summary="One-click unsubscribe (RFC 8058): the body `List-Unsubscribe=One-Click`, no session, the "
                  "signed token is the authority", query=unsubscribe.UnsubscribeQuery,
                  response=unsubscribe.Unsubscribed, session=False,
          form=True, errors=(400, 403, 404),
          # Mail providers post it from their servers (Gmail, Yahoo: no Origin) but a webmail may post it
          # from its own page: the token in the URL is the only authority, whoever sends it.
          cross_site=True)
def unsubscribe_one_click(query, request):
    done = unsubscribe.one_click(query.token, request.raw_body, request.headers.get("content-type"))
    if "text/html" in (request.headers.get("accept") or ""):  # the confirmation page's form, in a browser
        page = unsubscribe.confirmation_page(query.token, choose(request.headers.get("accept-language")), done=True)
        return Reply(page, headers=unsubscribe.PAGE_HEADERS)
    return unsubscribe.Unsubscribed(topic=done.topic)


@api.post("/api/v1/me/exports", action="me.export",
          summary="Ask for everything Noper holds about me, as JSON: prepared in the background, emailed when ready "
                  "(the one asked for within the last hour is answered again)",
          response=exports.DataExport, status=202, errors=(401,))
def request_my_export(principal):
    return exports.request_export(principal)


@api.get("/api/v1/me/exports/latest", action="me.export",
         summary="My latest export of my data: preparing, or ready with a download link valid 5 minutes, or expired "
                 "(404: none asked for lately)",
         response=exports.DataExport, errors=(401, 404))
def my_latest_export(principal):
    return exports.latest_export(principal)


@api.delete("/api/v1/me", action="me.erase",
            summary="Erase my account: personal data at once; what I wrote removed or anonymised as I choose",
            query=accounts_your_data.ErasureQuery, status=204, errors=(400, 401, 403, 404))
def erase_me(principal, query):
    accounts_your_data.erase_my_account(principal, query.content)
    return Reply(None, headers={"Set-Cookie": cleared_cookies()})


@api.get("/api/v1/neighbourhoods/{neighbourhood_id}", action="neighbourhood.view",
         summary="My neighbourhood's name and member count (also while my address is pending)",
         path_model=neighbours_models.NeighbourhoodPath, response=neighbours_models.NeighbourhoodInside,
         errors=(400, 401, 404))
def my_neighbourhood(path):
    return neighbours.neighbourhood_inside(path.neighbourhood_id)


@api.get("/api/v1/neighbourhoods/{neighbourhood_id}/members", action="neighbourhood.members",
         summary="My verified neighbours: name, street, languages", path_model=neighbours_models.NeighbourhoodPath,
         response=neighbours_models.MemberList, errors=(400, 401, 404))
def neighbourhood_members(path):
    return neighbours.members(path.neighbourhood_id)


@api.get("/api/v1/neighbourhoods/{neighbourhood_id}/pending", action="neighbourhood.vouch",
         summary="Newcomers waiting for verification, whom I may vouch for (name and street only)",
         path_model=neighbours_models.NeighbourhoodPath, response=neighbours_models.PendingList, errors=(400, 401, 404))
def pending_neighbours(principal, path):
    return vouching.pending_neighbours(principal, path.neighbourhood_id)


@api.post("/api/v1/neighbourhoods/{neighbourhood_id}/vouches", action="neighbourhood.vouch",
          summary="Vouch that a pending neighbour lives here: two households verify them",
          path_model=neighbours_models.NeighbourhoodPath, body=neighbours_models.VouchRequest,
          response=neighbours_models.VouchResult, status=201,
          errors=(400, 401, 403, 404, 409, 413, 415, 429))
def vouch_for_neighbour(principal, path, body):
    return vouching.vouch(principal, path.neighbourhood_id, body.user_id)


@api.post("/api/v1/me/residence/code", action="me.residence_code",
          summary="Verify my address with the code of the letter the commune sent to it",
          body=verification_models.LetterCodeRedemption,
          response=Profile, errors=(400, 401, 403, 404, 409, 413, 415, 429))
def redeem_letter_code(principal, body, request):
    return verification.redeem_letter_code(principal, body.code, client_ip(request))


@api.post("/api/v1/communes/{lau2}/letters", action="residents.letters",
          summary="Print letters with a verification code: to the addresses of pending residents, or to every "
                  "address of a neighbourhood (send `Accept: application/pdf`)",
          path_model=CommunePath, body=verification_models.LetterBatchRequest, status=201, media_type=PDF,
          errors=(400, 401, 403, 404, 409, 413, 415))
def print_letters(principal, path, body, request):
    require_accept(request, PDF)
    batch = verification.letter_batch(path.lau2, body, site=site_url(request), by=principal.user_id)
    return Reply(batch.pdf, headers={
        "Content-Disposition": f'attachment; filename="noper-letters-{path.lau2}-{batch.batch_id}.pdf"'})


@api.get("/api/v1/communes/{lau2}/posters", action="communes.posters",
         summary="The launch campaign's poster (A4) or flyer (A5, A6) with a QR code to the join page, in the commune's "
                 "languages, for the commune or one neighbourhood (send `Accept: application/pdf`)",
         path_model=CommunePath, query=posters.PosterQuery, media_type=PDF, errors=(400, 401, 403, 404))
def commune_poster(path, query, request):
    require_accept(request, PDF)
    pdf, name = posters.commune_poster(path.lau2, query, site_url(request))
    return Reply(pdf, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@api.get("/api/v1/me/invitation", action="residents.invite",
         summary="My invitation for a neighbour: the join page of my neighbourhood, to share (it verifies nobody)",
         response=posters.Invitation, errors=(401, 403, 404))
def my_invitation(principal, request):
    return posters.invitation(principal, site_url(request))


@api.get("/api/v1/me/invitation/flyer", action="residents.invite",
         summary="My invitation as a flyer to print, in my languages (send `Accept: application/pdf`)",
         query=posters.InvitationQuery, media_type=PDF, errors=(400, 401, 403, 404))
def my_invitation_flyer(principal, query, request):
    require_accept(request, PDF)
    pdf, name = posters.invitation_flyer(principal, query, site_url(request))
    return Reply(pdf, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@api.get("/api/v1/communes/{lau2}/verifications", action="residents.verify",
         summary="Residents of the commune waiting for verification, longest waiting first, a page at a time: name, "
                 "claimed address, email (never one's own case nor one's household's: another staff member decides)",
         path_model=CommunePath, query=verification_models.VerificationQuery,
         response=verification_models.PendingResidentList, errors=(400, 401, 403, 404))
def pending_verifications(principal, path, query):
    return verification.pending_residents(path.lau2, query, actor=principal)


@api.post("/api/v1/communes/{lau2}/verifications/{user_id}", action="residents.verify",
          summary="Approve or reject (with a reason) a pending resident's address, after checking the register "
                  "(never one's own nor one's household's: another staff member decides, 403)",
          path_model=verification_models.ResidentPath, body=verification_models.VerificationDecision,
          response=verification_models.VerificationRecordPublic,
          errors=(400, 401, 403, 404, 409, 413, 415))
def decide_verification(principal, path, body):
    return verification.decide(path.lau2, path.user_id, body.decision == "approve", body.reason, principal.user_id,
                               actor=principal)


@api.put("/api/v1/communes/{lau2}/ambassadors/{user_id}", action="residents.ambassadors",
         summary="Appoint a verified resident ambassador of their neighbourhood",
         path_model=verification_models.ResidentPath,
         response=verification_models.AmbassadorPublic, errors=(400, 401, 403, 404, 409))
def appoint_ambassador(principal, path):
    return roles.appointed_by_staff(path.lau2, path.user_id, appoint=True, actor=principal)


@api.delete("/api/v1/communes/{lau2}/ambassadors/{user_id}", action="residents.ambassadors",
            summary="End a resident's ambassadorship", path_model=verification_models.ResidentPath,
            response=verification_models.AmbassadorPublic,
            errors=(400, 401, 403, 404))
def dismiss_ambassador(principal, path):
    return roles.appointed_by_staff(path.lau2, path.user_id, appoint=False, actor=principal)


@api.put("/api/v1/communes/{lau2}/moderators/{user_id}", action="residents.ambassadors",
         summary="Appoint a verified resident moderator of every neighbourhood of the commune (its reports only)",
         path_model=verification_models.ResidentPath, response=ModeratorPublic, errors=(400, 401, 403, 404, 409))
def appoint_moderator(principal, path):
    return roles.moderator_by_staff(path.lau2, path.user_id, appoint=True, actor=principal)


@api.delete("/api/v1/communes/{lau2}/moderators/{user_id}", action="residents.ambassadors",
            summary="End a resident's appointment as the commune's moderator",
            path_model=verification_models.ResidentPath,
            response=ModeratorPublic, errors=(400, 401, 403, 404))
def dismiss_moderator(principal, path):
    return roles.moderator_by_staff(path.lau2, path.user_id, appoint=False, actor=principal)


@api.get("/api/v1/communes/{lau2}/roles", action="staff.manage",
         summary="Who holds which role in the commune now: staff, its moderators, its ambassadors (admins)",
         path_model=CommunePath, response=CommuneRolesPublic, errors=(400, 401, 403, 404))
def commune_roles(path):
    return roles.commune_roles(path.lau2)


@api.get("/api/v1/communes/{lau2}/neighbourhoods/{nbh_id}/residents", action="residents.ambassadors",
         summary="The verified residents of one of the commune's neighbourhoods, by name, to appoint one (admins)",
         path_model=NeighbourhoodResidentsPath, response=VerifiedResidentList, errors=(400, 401, 403, 404))
def neighbourhood_verified_residents(path):
    return roles.verified_residents(path.lau2, path.nbh_id)


@api.post("/api/v1/communes/{lau2}/staff", action="staff.manage",
          summary="Grant a staff role of the commune by email (never to oneself: another admin does)",
          path_model=CommunePath, body=StaffGrant, response=StaffMemberPublic,
          errors=(400, 401, 403, 404, 413, 415))
def grant_staff_role(principal, path, body):
    return roles.granted_by_admin(path.lau2, body.email, body.role, actor=principal)


@api.delete("/api/v1/communes/{lau2}/staff/{user_id}/{role}", action="staff.manage",
            summary="Withdraw a staff role of the commune (never one's own: another admin does)",
            path_model=StaffRolePath, response=StaffMemberPublic, errors=(400, 401, 403, 404))
def withdraw_staff_role(principal, path):
    return roles.withdrawn_by_admin(path.lau2, path.user_id, path.role, actor=principal)


@api.get("/api/v1/communes/{lau2}/audit", action="audit.read",
         summary="Every decision of the commune's staff, newest first, by pages with a cursor (admins)",
         path_model=CommunePath, query=AuditQuery, response=AuditLogPublic, errors=(400, 401, 403, 404))
def commune_audit_log(path, query):
    return audit.audit_log(path.lau2, query)


# --- the commune's indicators: aggregates for its staff, never content (chalicelib/indicators/) ----

@api.get("/api/v1/communes/{lau2}/indicators", action="indicators.read",
         summary="The commune's indicators over a week, month or year: per neighbourhood (figures under 5 hidden) and "
                 "for the commune, with the previous period's and the weekly series (admins, editors)",
         path_model=CommunePath, query=indicators_models.IndicatorsQuery, response=indicators_models.Dashboard,
         errors=(400, 401, 404))
def commune_indicators(path, query):
    return indicators.dashboard(path.lau2, query)


@api.get("/api/v1/communes/{lau2}/indicators.csv", action="indicators.read",
         summary="The indicators as CSV (UTF-8 with BOM), a row per neighbourhood and one for the commune, hidden "
                 "figures as <5", path_model=CommunePath, query=indicators_models.IndicatorsQuery,
         media_type="text/csv; charset=utf-8", errors=(400, 401, 404))
def commune_indicators_csv(path, query):
    name, text = indicators.dashboard_csv(path.lau2, query)
    return Reply(text, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@api.get("/api/v1/communes/{lau2}/report", action="indicators.read",
         summary="The yearly report for the council: the four indicators, their monthly trends, adoption per "
                 "neighbourhood, the definitions and what Noper cost, in the commune's languages, from the year's frozen "
                 "months (send `Accept: application/pdf`)",
         path_model=CommunePath, query=indicators_models.ReportQuery, media_type=PDF, errors=(400, 401, 404))
def commune_yearly_report(path, query, request):
    require_accept(request, PDF)
    name, pdf = indicators_report.yearly_report(path.lau2, query.year)
    return Reply(pdf, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@api.get("/api/v1/communes/{lau2}/indicators/public", action="indicators.public",
         summary="The commune's headline indicators of the last 12 weeks, when it publishes them (404 otherwise)",
         path_model=CommunePath, response=indicators_models.PublicIndicators, errors=(400, 404))
def commune_public_indicators(path):
    return indicators.public_indicators(path.lau2)


@api.get("/api/v1/neighbourhoods/{neighbourhood_id}/indicators", action="indicators.neighbourhood",
         summary="My neighbourhood's indicators (its ambassadors), figures under 5 hidden as in the commune's",
         path_model=neighbours_models.NeighbourhoodPath, query=indicators_models.IndicatorsQuery,
         response=indicators_models.Dashboard,
         errors=(400, 401, 404))
def neighbourhood_indicators(path, query):
    return indicators.neighbourhood_dashboard(path.neighbourhood_id, query)


# --- posts and the feed: verified residents of the post's neighbourhood(s) only ---------------

@api.get("/api/v1/neighbourhoods/{neighbourhood_id}/posts", action="posts.read",
         summary="The neighbourhood's feed, newest first (pinned posts first), by pages with a cursor",
         path_model=posts_models.FeedPath, query=posts_models.FeedQuery, response=posts_models.Feed,
         errors=(400, 401, 404))
def neighbourhood_feed(principal, request, path, query):
    return posts_feed.feed(path.neighbourhood_id, query, viewer_id=principal.user_id,
                           language=choose(request.headers.get("accept-language")))


@api.post("/api/v1/neighbourhoods/{neighbourhood_id}/posts", action="posts.write",
          summary="Write a post: discussion, help request or offer, lost or found pet, recommendation, giveaway",
          path_model=posts_models.FeedPath, body=posts_models.PostRequest, response=posts_models.PostPublic, status=201,
          errors=(400, 401, 404, 409, 413, 415), idempotent=True)
def write_post(principal, path, body):
    return posts.create_post(principal, path.neighbourhood_id, body)


@api.put("/api/v1/neighbourhoods/{neighbourhood_id}/posts/seen", action="posts.read",
         summary="How far I have read my feed (the newest post on its first page; the web app sends it at most once "
                 "a day): the weekly digest skips a week I read all of", path_model=posts_models.FeedPath,
                 body=digest_models.FeedSeen,
         status=204, errors=(400, 401, 404))
def feed_seen(principal, path, body):
    digest_seen.record(principal, path.neighbourhood_id, body.post_id)
    return Reply(None)


@api.get("/api/v1/neighbourhoods/{neighbourhood_id}/professionals", action="posts.read",
         summary="Professionals recommended in the neighbourhood, with the number of households recommending",
         path_model=posts_models.FeedPath, query=posts_models.ProfessionalsQuery,
         response=posts_models.ProfessionalList, errors=(400, 401, 404))
def recommended_professionals(path, query):
    return posts_professionals.professionals(path.neighbourhood_id, query.trade)


@api.get("/api/v1/posts/{post_id}", action="posts.one", summary="One post", path_model=posts_models.PostPath,
         response=posts_models.PostPublic, errors=(400, 401, 404))
def read_post(principal, request, path):
    return posts.get_post(principal, path.post_id, choose(request.headers.get("accept-language")))


@api.patch("/api/v1/posts/{post_id}", action="posts.one", summary="Edit my post (within 24 hours)",
           path_model=posts_models.PostPath, body=posts_models.PostRequest, response=posts_models.PostPublic,
           errors=(400, 401, 403, 404, 409, 413, 415))
def edit_post(principal, path, body):
    return posts.edit_post(principal, path.post_id, body)


@api.delete("/api/v1/posts/{post_id}", action="posts.one",
            summary="Delete a post: its author, or an ambassador of its neighbourhood",
            path_model=posts_models.PostPath,
            status=204, errors=(400, 401, 403, 404))
def delete_post(principal, path):
    posts.delete_post(principal, path.post_id)
    return Reply(None)


@api.post("/api/v1/posts/{post_id}/state", action="posts.one",
          summary="Move my post on: matched, done, reunited, reserved, given…", path_model=posts_models.PostPath,
          body=posts_models.StateChange, response=posts_models.PostPublic, errors=(400, 401, 403, 404, 409, 413, 415))
def change_post_state(principal, path, body):
    return posts.change_state(principal, path.post_id, body)


@api.put("/api/v1/posts/{post_id}/pin", action="posts.one", summary="Pin a post (ambassadors)",
         path_model=posts_models.PostPath, response=posts_models.PostPublic, errors=(400, 401, 403, 404))
def pin_post(principal, path):
    return posts.pin_post(principal, path.post_id, pinned=True)


@api.delete("/api/v1/posts/{post_id}/pin", action="posts.one", summary="Unpin a post (ambassadors)",
            path_model=posts_models.PostPath, response=posts_models.PostPublic, errors=(400, 401, 403, 404))
def unpin_post(principal, path):
    return posts.pin_post(principal, path.post_id, pinned=False)


# --- comments and thanks: whoever may read the post (the comments service asks, as posts do) ---

@api.post("/api/v1/posts/{post_id}/comments", action="posts.one",
          summary="Comment on a post, or reply to one of its comments (`reply_to`); `mentions` neighbours",
          path_model=posts_models.PostPath, body=comments_models.CommentRequest,
          response=comments_models.CommentPublic, status=201,
          errors=(400, 401, 404, 409, 413, 415), idempotent=True)
def write_comment(principal, path, body):
    return comments.add_comment(principal, "post", path.post_id, body)


@api.get("/api/v1/posts/{post_id}/comments", action="posts.one",
         summary="A post's comments, oldest first, each followed by its replies, by pages with a cursor",
         path_model=posts_models.PostPath, query=comments_models.CommentsQuery, response=comments_models.CommentPage,
         errors=(400, 401, 404))
def read_comments(principal, request, path, query):
    return comments.comments(principal, "post", path.post_id, query, choose(request.headers.get("accept-language")))


@api.delete("/api/v1/comments/{comment_id}", action="posts.one",
            summary="Delete a comment: its author, or an ambassador of the post's neighbourhood",
            path_model=comments_models.CommentPath, status=204, errors=(400, 401, 403, 404, 409))
def delete_comment(principal, path):
    comments.delete_comment(principal, path.comment_id)
    return Reply(None)


@api.put("/api/v1/posts/{post_id}/thanks", action="posts.one", summary="Thank a post (once per resident)",
         path_model=posts_models.PostPath, response=comments_models.Thanks, errors=(400, 401, 404))
def thank_post(principal, path):
    return comments.thank(principal, "post", path.post_id)


@api.delete("/api/v1/posts/{post_id}/thanks", action="posts.one", summary="Take my thanks back",
            path_model=posts_models.PostPath, response=comments_models.Thanks, errors=(400, 401, 404))
def unthank_post(principal, path):
    return comments.unthank(principal, "post", path.post_id)


# --- moderation, open to scrutiny: reports, hiding, appeals, the log (chalicelib/moderation/) ---

@api.post("/api/v1/posts/{post_id}/reports", action="moderation.one",
          summary="Report a post (once; not one's own): spam, harassment, hate, misinformation, commercial, other",
          path_model=posts_models.PostPath, body=moderation_models.ReportRequest,
          response=moderation_models.ReportAccepted, status=201,
          errors=(400, 401, 404, 409, 413, 415))
def report_post(principal, path, body):
    return moderation.report(principal, "post", path.post_id, body)


@api.post("/api/v1/comments/{comment_id}/reports", action="moderation.one",
          summary="Report a comment (once; not one's own)", path_model=comments_models.CommentPath,
          body=moderation_models.ReportRequest,
          response=moderation_models.ReportAccepted, status=201, errors=(400, 401, 404, 409, 413, 415))
def report_comment(principal, path, body):
    return moderation.report(principal, "comment", path.comment_id, body)


@api.get("/api/v1/neighbourhoods/{neighbourhood_id}/reports", action="moderation.neighbourhood",
         summary="The neighbourhood's reports queue (posts, comments, messages, items), grouped, with counts, reasons and "
                 "the reported content (its ambassadors and the commune's moderators)",
         path_model=posts_models.FeedPath, query=moderation_models.ReportsQuery, response=moderation_models.ReportList,
         errors=(400, 401, 404))
def neighbourhood_reports(path, query):
    return moderation.open_reports(path.neighbourhood_id, query.status)


@api.post("/api/v1/neighbourhoods/{neighbourhood_id}/reports/{target_type}/{target_id}",
          action="moderation.neighbourhood",
          summary="Decide on a reported post, comment, message or item: hide (with a reason code), restore or dismiss",
          path_model=moderation_models.TargetPath, body=moderation_models.ReportDecision,
          response=moderation_models.ReportedTarget,
          errors=(400, 401, 403, 404, 409, 413, 415))
def decide_report(principal, path, body):
    return moderation.decide_report(principal, path.neighbourhood_id, path.target_type, path.target_id, body)


@api.get("/api/v1/neighbourhoods/{neighbourhood_id}/moderation-log", action="moderation.neighbourhood",
         summary="Every moderation action in the neighbourhood, newest first, by pages with a cursor (ambassadors)",
         path_model=posts_models.FeedPath, query=moderation_models.LogQuery, response=moderation_models.AuditLog,
         errors=(400, 401, 404))
def moderation_log(path, query):
    return moderation.moderation_log(path.neighbourhood_id, query)


@api.get("/api/v1/neighbourhoods/{neighbourhood_id}/appeals", action="moderation.neighbourhood",
         summary="Appeals waiting for a second moderator, oldest first, by pages with a cursor (its ambassadors and "
                 "the commune's moderators)",
         path_model=posts_models.FeedPath, query=moderation_models.AppealsQuery, response=moderation_models.AppealList,
         errors=(400, 401, 404))
def neighbourhood_appeals(path, query):
    return appeals.pending_appeals(path.neighbourhood_id, query)


@api.post("/api/v1/posts/{post_id}/moderation", action="moderation.one",
          summary="Hide or restore a post, with a reason code and a note (its neighbourhood's moderators)",
          path_model=posts_models.PostPath,
          body=moderation_models.ModerationRequest, response=posts_models.PostPublic,
          errors=(400, 401, 403, 404, 409, 413, 415))
def moderate_post(principal, request, path, body):
    return posts_hiding.moderate_post(principal, path.post_id, body, choose(request.headers.get("accept-language")))


@api.post("/api/v1/posts/{post_id}/appeal", action="moderation.one",
          summary="Appeal the hiding of my post (once)", path_model=posts_models.PostPath,
          body=moderation_models.AppealRequest,
          response=posts_models.PostPublic, errors=(400, 401, 403, 404, 409, 413, 415))
def appeal_post(principal, path, body):
    return appeals.appeal(principal, path.post_id, body)


@api.post("/api/v1/posts/{post_id}/appeal/decision", action="moderation.one",
          summary="Decide an appeal: a second moderator, not the one who hid the post",
          path_model=posts_models.PostPath,
          body=moderation_models.AppealDecision, response=posts_models.PostPublic,
          errors=(400, 401, 403, 404, 409, 413, 415))
def decide_appeal(principal, path, body):
    return appeals.decide_appeal(principal, path.post_id, body)


@api.post("/api/v1/tone-check", action="moderation.tone",
          summary="\"Would you say it like this face to face?\": does a text look aggressive (a reminder, not a block)",
          body=moderation_models.ToneRequest, response=moderation_models.ToneCheck, errors=(400, 401, 413, 415))
def tone_check(body):
    return moderation_models.ToneCheck(looks_aggressive=moderation_tone.looks_aggressive(body.text))


# --- the lending library: verified residents of the item's neighbourhood only -----------------

@api.post("/api/v1/neighbourhoods/{neighbourhood_id}/items", action="lending.neighbourhood",
          summary="Lend something to the neighbourhood: a ladder, a drill, a trailer, a tent…",
          path_model=neighbours_models.NeighbourhoodPath, body=lending_models.ItemCreate,
          response=lending_models.ItemPublic, status=201,
          errors=(400, 401, 404, 409, 413, 415), idempotent=True)
def lend_item(principal, path, body):
    return lending.lend(principal, path.neighbourhood_id, body)


@api.get("/api/v1/neighbourhoods/{neighbourhood_id}/items", action="lending.neighbourhood",
         summary="What neighbours lend, by name; `q` matches name and description, ignoring case and accents",
         path_model=neighbours_models.NeighbourhoodPath, query=lending_models.ItemSearchQuery,
         response=lending_models.ItemList, errors=(400, 401, 404))
def lent_items(principal, path, query):
    return lending.items_of(principal, path.neighbourhood_id, query.q)


@api.get("/api/v1/items/{item_id}", action="lending.one", summary="One item lent in my neighbourhood",
         path_model=lending_models.ItemPath, response=lending_models.ItemPublic, errors=(400, 401, 404))
def lent_item(principal, path):
    return lending.get_item(principal, path.item_id)


@api.patch("/api/v1/items/{item_id}", action="lending.one", summary="Change my item (only the fields sent)",
           path_model=lending_models.ItemPath, body=lending_models.ItemUpdate, response=lending_models.ItemPublic,
           errors=(400, 401, 403, 404, 409, 413, 415))
def change_item(principal, path, body):
    return lending.update_item(principal, path.item_id, body)


@api.delete("/api/v1/items/{item_id}", action="lending.one",
            summary="Stop lending my item (refused while a loan of it is accepted or picked up)",
            path_model=lending_models.ItemPath, status=204, errors=(400, 401, 403, 404, 409))
def remove_item(principal, path):
    lending.delete_item(principal, path.item_id)
    return Reply(None)


@api.post("/api/v1/items/{item_id}/comments", action="lending.one",
          summary="Comment on an item, or reply to one of its comments (`reply_to`); `mentions` neighbours",
          path_model=lending_models.ItemPath, body=comments_models.CommentRequest,
          response=comments_models.CommentPublic, status=201,
          errors=(400, 401, 404, 409, 413, 415), idempotent=True)
def comment_item(principal, path, body):
    return comments.add_comment(principal, "item", path.item_id, body)


@api.get("/api/v1/items/{item_id}/comments", action="lending.one",
         summary="An item's comments, oldest first, each followed by its replies, by pages with a cursor",
         path_model=lending_models.ItemPath, query=comments_models.CommentsQuery, response=comments_models.CommentPage,
         errors=(400, 401, 404))
def item_comments(principal, request, path, query):
    return comments.comments(principal, "item", path.item_id, query, choose(request.headers.get("accept-language")))


@api.post("/api/v1/items/{item_id}/reports", action="moderation.one",
          summary="Report an item (once; not one's own): it goes to the neighbourhood's reports queue",
          path_model=lending_models.ItemPath, body=moderation_models.ReportRequest,
          response=moderation_models.ReportAccepted, status=201,
          errors=(400, 401, 404, 409, 413, 415))
def report_item(principal, path, body):
    return moderation.report(principal, "item", path.item_id, body)


@api.post("/api/v1/items/{item_id}/loans", action="lending.one",
          summary="Ask to borrow an item from `start` to `end` (at most 30 days)", path_model=lending_models.ItemPath,
          body=lending_models.LoanRequest, response=lending_models.LoanPublic, status=201,
          errors=(400, 401, 403, 404, 409, 413, 415),
          idempotent=True)
def request_loan(principal, path, body):
    return loans.request_loan(principal, path.item_id, body)


@api.get("/api/v1/items/{item_id}/calendar", action="lending.one",
         summary="The item's days already promised to accepted loans, and the days its owner does not lend",
         path_model=lending_models.ItemPath, query=lending_models.ItemCalendarQuery,
         response=lending_models.ItemCalendar, errors=(400, 401, 404))
def item_calendar(principal, path, query):
    return loans.calendar(principal, path.item_id, query.start, query.days)


@api.get("/api/v1/loans/{loan_id}", action="lending.one", summary="One of my loans (as owner or borrower)",
         path_model=lending_models.LoanPath, response=lending_models.LoanPublic, errors=(400, 401, 404))
def loan(principal, path):
    return loans.get_loan(principal, path.loan_id)


@api.post("/api/v1/loans/{loan_id}/decision", action="lending.one",
          summary="Accept or decline a loan request of my item", path_model=lending_models.LoanPath,
          body=lending_models.LoanDecision,
          response=lending_models.LoanPublic, errors=(400, 401, 403, 404, 409, 413, 415))
def decide_loan(principal, path, body):
    return loans.decide(principal, path.loan_id, body.decision)


@api.post("/api/v1/loans/{loan_id}/state", action="lending.one",
          summary="Picked up, returned (the owner) or cancelled (the borrower, while requested)",
          path_model=lending_models.LoanPath, body=lending_models.LoanStateChange, response=lending_models.LoanPublic,
          errors=(400, 401, 403, 404, 409, 413, 415))
def change_loan_state(principal, path, body):
    return loans.change_state(principal, path.loan_id, body.state)


@api.get("/api/v1/me/loans", action="lending.mine", summary="My loans, as borrower and as owner",
         response=lending_models.MyLoans, errors=(401,))
def my_loans(principal):
    return loans.my_loans(principal)


@api.post("/api/v1/neighbourhoods/{neighbourhood_id}/wanted", action="lending.neighbourhood",
          summary="Say what I would borrow if someone lent it", path_model=neighbours_models.NeighbourhoodPath,
          body=lending_models.WantedCreate,
          response=lending_models.WantedPublic, status=201, errors=(400, 401, 404, 413, 415))
def ask_for_item(principal, path, body):
    return wanted.ask(principal, path.neighbourhood_id, body)


@api.get("/api/v1/neighbourhoods/{neighbourhood_id}/wanted", action="lending.neighbourhood",
         summary="What neighbours would borrow, newest first", path_model=neighbours_models.NeighbourhoodPath,
         response=lending_models.WantedList,
         errors=(400, 401, 404))
def wanted_items(principal, path):
    return wanted.wanted_in(principal, path.neighbourhood_id)


@api.post("/api/v1/neighbourhoods/{neighbourhood_id}/wanted/{wanted_id}/close", action="lending.neighbourhood",
          summary="Close what I asked for", path_model=lending_models.WantedPath, response=lending_models.WantedPublic,
          errors=(400, 401, 403, 404, 409))
def close_wanted(principal, path):
    return wanted.close(principal, path.neighbourhood_id, path.wanted_id)


# --- neighbourhood events: verified residents of the event's neighbourhood and those it reaches ---

@api.post("/api/v1/neighbourhoods/{neighbourhood_id}/events", action="events.neighbourhood",
          summary="Organise an event in my neighbourhood (once, or repeating by an RRULE)",
          path_model=neighbours_models.NeighbourhoodPath, body=events_models.EventCreate,
          response=events_models.EventPublic, status=201,
          errors=(400, 401, 404, 409, 413, 415), idempotent=True)
def organise_event(principal, path, body):
    return events.create_event(principal, path.neighbourhood_id, body)


@api.get("/api/v1/neighbourhoods/{neighbourhood_id}/events", action="events.neighbourhood",
         summary="The neighbourhood's calendar: occurrences in a window (`from`, `to`), nearby events included, "
                 "by pages with a cursor", path_model=neighbours_models.NeighbourhoodPath,
                 query=events_models.CalendarQuery, response=events_models.CalendarPage,
         errors=(400, 401, 404))
def event_calendar(principal, path, query):
    return events.neighbourhood_calendar(principal, path.neighbourhood_id, query)


@api.get("/api/v1/events/{event_id}", action="events.one", summary="One event of my neighbourhood or reaching it",
         path_model=events_models.EventPath, response=events_models.EventPublic, errors=(400, 401, 404))
def event(principal, request, path):
    return event_approval.event_with_review(principal, path.event_id, choose(request.headers.get("accept-language")))


@api.patch("/api/v1/events/{event_id}", action="events.one",
           summary="Change an event I organise (only the fields sent; new times forget the occurrences' changes)",
           path_model=events_models.EventPath, body=events_models.EventUpdate, response=events_models.EventPublic,
           errors=(400, 401, 403, 404, 409, 413, 415))
def change_event(principal, path, body):
    changed = events.update_event(principal, path.event_id, body)
    if "capacity" in body.model_fields_set:  # more places (or no limit): to those waiting, first in line first
        event_answers.offer_places(path.event_id)
    return changed


@api.post("/api/v1/events/{event_id}/cancel", action="events.one",
          summary="Cancel an event I organise: it stays visible, marked cancelled", path_model=events_models.EventPath,
          response=events_models.EventPublic, errors=(400, 401, 403, 404, 409))
def cancel_event(principal, path):
    return events.cancel_event(principal, path.event_id)


@api.post("/api/v1/events/{event_id}/occurrences/{occurrence_id}/cancel", action="events.one",
          summary="Cancel one occurrence of an event I organise", path_model=events_models.OccurrencePath,
          response=events_models.EventPublic,
          errors=(400, 401, 403, 404, 409))
def cancel_occurrence(principal, path):
    return events.cancel_occurrence(principal, path.event_id, path.occurrence_id)


@api.post("/api/v1/events/{event_id}/occurrences/{occurrence_id}/move", action="events.one",
          summary="Move one occurrence of an event I organise to another time", path_model=events_models.OccurrencePath,
          body=events_models.OccurrenceMove, response=events_models.EventPublic,
          errors=(400, 401, 403, 404, 409, 413, 415))
def move_occurrence(principal, path, body):
    return events.move_occurrence(principal, path.event_id, path.occurrence_id, body)


@api.put("/api/v1/events/{event_id}/occurrences/{occurrence_id}/answer", action="events.one",
         summary="Answer going, maybe or not going (with extra people) to an occurrence; past its capacity, "
                 "going waits in line for a freed place", path_model=events_models.OccurrencePath,
                 body=events_models.AnswerRequest,
         response=events_models.Answers, errors=(400, 401, 404, 409, 413, 415))
def answer_event(principal, path, body):
    return event_answers.answer(principal, path.event_id, path.occurrence_id, body)


@api.get("/api/v1/events/{event_id}/occurrences/{occurrence_id}/answers", action="events.one",
         summary="An occurrence's answers: counts and my answer; who answered, for its organisers only",
         path_model=events_models.OccurrencePath, response=events_models.Answers, errors=(400, 401, 404))
def event_answers_of(principal, path):
    return event_answers.answers(principal, path.event_id, path.occurrence_id)


ICALENDAR = "text/calendar"


def _ics(calendar: bytes, filename: str) -> Reply:
    """`inline`, so that a phone subscribes to or opens the calendar rather than saving a file."""
    return Reply(calendar.decode(),
                 headers={"Content-Type": event_feeds.MEDIA_TYPE, "Cache-Control": "private, max-age=300",
                                             "Content-Disposition": f'inline; filename="{filename}"'})


@api.get("/api/v1/events/{event_id}/calendar.ics", action="events.one",
         summary="One event as iCalendar (RFC 5545), to add to my calendar", path_model=events_models.EventPath,
         media_type=ICALENDAR, errors=(400, 401, 404))
def event_ics(principal, path):
    return _ics(event_feeds.event_ics(principal, path.event_id), "event.ics")


@api.get("/api/v1/me/events", action="me.events",
         summary="What makes an occurrence one of my events: the events I organise and the occurrences I answered "
                 "(the calendar's \"my events\" filter)", response=events_models.MyEvents, errors=(401,))
def my_events(principal):
    return events.my_events(principal)


@api.post("/api/v1/me/calendar-feeds", action="me.calendar_feeds",
          summary="A personal calendar feed URL (a secret, shown once) of my neighbourhood's events, for my phone",
          response=events_models.CalendarFeedCreated, status=201, errors=(401, 409))
def create_calendar_feed(principal, request):
    return event_feeds.create_feed(principal, site_url(request))


@api.get("/api/v1/me/calendar-feeds", action="me.calendar_feeds", summary="My calendar feeds (not their secrets)",
         response=events_models.CalendarFeedList, errors=(401,))
def calendar_feeds(principal):
    return event_feeds.feeds_of(principal)


@api.delete("/api/v1/me/calendar-feeds/{feed_id}", action="me.calendar_feeds",
            summary="Revoke one of my calendar feeds: its URL answers 404 from now on",
            path_model=events_models.CalendarFeedPath,
            status=204, errors=(400, 401, 404))
def revoke_calendar_feed(principal, path):
    event_feeds.revoke_feed(principal, path.feed_id)
    return Reply(None)


# --- skills neighbours offer, welcome buddies (issue #12; chalicelib/volunteering/offers.py, buddies.py) ----

@api.get("/api/v1/me/volunteering", action="volunteering.mine",
         summary="What I offer my neighbours: skills, how often, my languages, welcome buddy",
         response=volunteering_offers.VolunteeringPublic, errors=(401,))
def my_volunteering(principal):
    return volunteering_offers.my_volunteering(principal)


@api.put("/api/v1/me/volunteering", action="volunteering.offer",
         summary="Offer skills (at most 10) and be a welcome buddy, in my neighbourhood (replaces my offer)",
         body=volunteering_offers.VolunteeringRequest, response=volunteering_offers.VolunteeringPublic,
         errors=(400, 401, 403))
def offer_volunteering(principal, body):
    return volunteering_offers.save(principal, body)


@api.delete("/api/v1/me/volunteering", action="volunteering.mine",
            summary="Take back everything I offer (off the directory and the welcome buddies)", status=204,
            errors=(401, 403))
def withdraw_volunteering(principal):
    volunteering_offers.remove(principal)
    return Reply(None)


@api.get("/api/v1/neighbourhoods/{neighbourhood_id}/helpers", action="volunteering.helpers",
         summary="Who can help with a skill in the neighbourhood (names as neighbours see them, no addresses)",
         path_model=volunteering_offers.HelpersPath, query=volunteering_offers.HelpersQuery,
         response=volunteering_offers.HelperList, errors=(400, 401, 404))
def neighbourhood_helpers(principal, path, query):
    return volunteering_offers.helpers(principal, path.neighbourhood_id, query.skill)


@api.get("/api/v1/me/buddy-pairs", action="volunteering.pairs",
         summary="My welcome buddy pairs, as newcomer or as buddy", response=buddies.PairList, errors=(401,))
def my_buddy_pairs(principal):
    return buddies.my_pairs(principal)


@api.post("/api/v1/me/buddy-pairs", action="volunteering.offer",
          summary="Ask for a welcome buddy from my neighbourhood who speaks one of my languages",
          response=buddies.PairPublic, status=201, errors=(401, 403, 409))
def ask_for_buddy(principal):
    return buddies.ask_for_buddy(principal)


@api.post("/api/v1/buddy-pairs/{pair_id}/accept", action="volunteering.pairs",
          summary="Accept a welcome buddy pair (it is made once both accepted)", path_model=buddies.PairPath,
          response=buddies.PairPublic, errors=(400, 401, 404, 409))
def accept_buddy_pair(principal, path):
    return buddies.change(principal, path.pair_id, "accept")


@api.post("/api/v1/buddy-pairs/{pair_id}/decline", action="volunteering.pairs",
          summary="Decline a welcome buddy pair offered", path_model=buddies.PairPath, response=buddies.PairPublic,
          errors=(400, 401, 404, 409))
def decline_buddy_pair(principal, path):
    return buddies.change(principal, path.pair_id, "decline")


@api.post("/api/v1/buddy-pairs/{pair_id}/end", action="volunteering.pairs",
          summary="End a welcome buddy pair (either of the two, at any time)", path_model=buddies.PairPath,
          response=buddies.PairPublic, errors=(400, 401, 404, 409))
def end_buddy_pair(principal, path):
    return buddies.change(principal, path.pair_id, "end")


@api.get("/api/v1/calendar-feeds/{token}/calendar.ics", action="events.feed",
         summary="A personal calendar feed (the secret in the URL is the authority): the events of its owner's "
                 "neighbourhood and the nearby ones reaching it", path_model=events_models.FeedTokenPath,
                 media_type=ICALENDAR,
         session=False, errors=(400, 404))
def personal_calendar_feed(path):
    return _ics(event_feeds.personal_feed(path.token), "noper.ics")


@api.post("/api/v1/events/{event_id}/comments", action="events.one",
          summary="Comment on an event, or reply to one of its comments (`reply_to`); `mentions` neighbours",
          path_model=events_models.EventPath, body=comments_models.CommentRequest,
          response=comments_models.CommentPublic, status=201,
          errors=(400, 401, 404, 409, 413, 415), idempotent=True)
def comment_event(principal, path, body):
    return comments.add_comment(principal, "event", path.event_id, body)


@api.get("/api/v1/events/{event_id}/comments", action="events.one",
         summary="An event's comments, oldest first, each followed by its replies, by pages with a cursor",
         path_model=events_models.EventPath, query=comments_models.CommentsQuery, response=comments_models.CommentPage,
         errors=(400, 401, 404))
def event_comments(principal, request, path, query):
    return comments.comments(principal, "event", path.event_id, query, choose(request.headers.get("accept-language")))


@api.post("/api/v1/events/{event_id}/reports", action="moderation.one",
          summary="Report an event (once; not one's own): it goes to the neighbourhood's reports queue",
          path_model=events_models.EventPath, body=moderation_models.ReportRequest,
          response=moderation_models.ReportAccepted, status=201,
          errors=(400, 401, 404, 409, 413, 415))
def report_event(principal, path, body):
    return moderation.report(principal, "event", path.event_id, body)


@api.post("/api/v1/events/{event_id}/whole-commune", action="events.one",
          summary="Ask the commune to let an event I organise reach the whole commune (it stays in my neighbourhood "
                  "until its staff approve)", path_model=events_models.EventPath, response=event_approval.EventReview,
                  status=201,
          errors=(400, 401, 403, 404, 409))
def ask_whole_commune(principal, path):
    return event_approval.ask_whole_commune(principal, path.event_id)


@api.post("/api/v1/events/{event_id}/occurrences/{occurrence_id}/reminder", action="events.one",
          summary="Remind those going to an occurrence of an event I organise, the day before (once; sent at its "
                  "start as it is then)", path_model=events_models.OccurrencePath,
                  body=event_reminders.ReminderRequest, response=event_reminders.ReminderPublic,
          status=201, errors=(400, 401, 403, 404, 409, 413, 415))
def remind_event(principal, path, body):
    return event_reminders.ask_reminder(principal, path.event_id, path.occurrence_id, body)


# --- calls for volunteers: verified residents of the neighbourhoods a call reaches; its organisers ---

@api.post("/api/v1/neighbourhoods/{neighbourhood_id}/volunteering", action="volunteering.neighbourhood",
          summary="Publish a call for volunteers in my neighbourhood, with 1 to 50 roles and shifts",
          path_model=neighbours_models.NeighbourhoodPath, body=volunteering_models.CallRequest,
          response=volunteering_models.CallPublic, status=201,
          errors=(400, 401, 404, 413, 415), idempotent=True)
def publish_call(principal, path, body):
    return volunteering.create_call(principal, path.neighbourhood_id, body)


@api.get("/api/v1/neighbourhoods/{neighbourhood_id}/volunteering", action="volunteering.neighbourhood",
         summary="Open calls for volunteers reaching my neighbourhood (its own, the commune's and partners'), ending "
                 "soonest first, by pages with a cursor", path_model=neighbours_models.NeighbourhoodPath,
                 query=volunteering_models.CallListQuery,
         response=volunteering_models.CallPage, errors=(400, 401, 404))
def calls_for_volunteers(principal, path, query):
    return volunteering.neighbourhood_calls(principal, path.neighbourhood_id, query)


@api.get("/api/v1/volunteering/{call_id}", action="volunteering.one",
         summary="One call for volunteers with its shifts, and for each what I may do (or why not)",
         path_model=volunteering_models.CallPath, response=volunteering_models.CallPublic, errors=(400, 401, 404))
def call_for_volunteers(principal, request, path):
    return volunteering.get_call(principal, path.call_id, choose(request.headers.get("accept-language")))


@api.post("/api/v1/volunteering/{call_id}/cancel", action="volunteering.one",
          summary="Cancel a call I organise (its volunteers still to come are told)",
          path_model=volunteering_models.CallPath,
          response=volunteering_models.CallPublic, errors=(400, 401, 403, 404, 409))
def cancel_call(principal, path):
    return volunteering.cancel_call(principal, path.call_id)


@api.post("/api/v1/volunteering/{call_id}/shifts/{shift_id}/sign-up", action="volunteering.one",
          summary="Sign up for a shift (409 with a code saying why not: shift_full, shift_clash, shift_started, "
                  "shift_ended, shift_cancelled, already_signed_up)", path_model=volunteering_models.ShiftPath,
                  response=volunteering_models.MyShift,
          status=201, errors=(400, 401, 404, 409), idempotent=True)
def sign_up_for_shift(principal, path):
    return volunteer_signups.sign_up(principal, path.call_id, path.shift_id)


@api.delete("/api/v1/volunteering/{call_id}/shifts/{shift_id}/sign-up", action="volunteering.one",
            summary="Withdraw from a shift, until it starts", path_model=volunteering_models.ShiftPath, status=204,
            errors=(400, 401, 403, 404, 409))
def withdraw_from_shift(principal, path):
    volunteer_signups.withdraw(principal, path.call_id, path.shift_id)
    return Reply(None)


@api.get("/api/v1/volunteering/{call_id}/sign-ups", action="volunteering.one",
         summary="Who signed up for each shift of a call I organise, with their names and attendance",
         path_model=volunteering_models.CallPath, response=volunteering_models.CallSignUps, errors=(400, 401, 403, 404))
def call_sign_ups(principal, path):
    return volunteering.signups(principal, path.call_id)


@api.post("/api/v1/volunteering/{call_id}/shifts/{shift_id}/cancel", action="volunteering.one",
          summary="Cancel a shift of a call I organise (its volunteers are told)",
          path_model=volunteering_models.ShiftPath,
          response=volunteering_models.CallPublic, errors=(400, 401, 403, 404, 409))
def cancel_shift(principal, path):
    return volunteering.cancel_shift(principal, path.call_id, path.shift_id)


@api.post("/api/v1/volunteering/{call_id}/shifts/{shift_id}/move", action="volunteering.one",
          summary="Move a shift of a call I organise to another time (its volunteers are told)",
          path_model=volunteering_models.ShiftPath,
          body=volunteering_models.ShiftMove, response=volunteering_models.CallPublic,
          errors=(400, 401, 403, 404, 409, 413, 415))
def move_shift(principal, path, body):
    return volunteering.move_shift(principal, path.call_id, path.shift_id, body)


@api.post("/api/v1/volunteering/{call_id}/shifts/{shift_id}/attendance", action="volunteering.one",
          summary="Confirm who came to an ended shift of a call I organise, and their hours (each one counted once)",
          path_model=volunteering_models.ShiftPath, body=volunteering_models.AttendanceRequest,
          response=volunteering_models.CallSignUps, errors=(400, 401, 403, 404, 409, 413, 415))
def confirm_attendance(principal, path, body):
    return volunteer_signups.confirm_attendance(principal, path.call_id, path.shift_id, body)


@api.post("/api/v1/volunteering/{call_id}/shifts/{shift_id}/find-cover", action="volunteering.one",
          summary="Ask Noper to find cover for a coming shift of a call I organise that is short of people: it writes "
                  "to a few neighbours of the call's reach who offer a wanted skill and are free then (a count only; "
                  "once per shift per 24 hours, else 409 cover_asked_recently)",
                  path_model=volunteering_models.ShiftPath,
          response=volunteer_cover.CoverAsked, errors=(400, 401, 403, 404, 409, 429))
def find_cover(principal, path):
    return volunteer_cover.find_cover(principal, path.call_id, path.shift_id, wants_volunteering_emails)


@api.post("/api/v1/volunteering/{call_id}/comments", action="volunteering.one",
          summary="Comment on a call for volunteers, or reply to one of its comments (`reply_to`)",
          path_model=volunteering_models.CallPath, body=comments_models.CommentRequest,
          response=comments_models.CommentPublic, status=201,
          errors=(400, 401, 404, 409, 413, 415), idempotent=True)
def comment_call(principal, path, body):
    return comments.add_comment(principal, "call", path.call_id, body)


@api.get("/api/v1/volunteering/{call_id}/comments", action="volunteering.one",
         summary="A call's comments, oldest first, each followed by its replies, by pages with a cursor",
         path_model=volunteering_models.CallPath, query=comments_models.CommentsQuery,
         response=comments_models.CommentPage, errors=(400, 401, 404))
def call_comments(principal, request, path, query):
    return comments.comments(principal, "call", path.call_id, query, choose(request.headers.get("accept-language")))


@api.post("/api/v1/volunteering/{call_id}/reports", action="moderation.one",
          summary="Report a call for volunteers (once; not one's own): it goes to the neighbourhood's reports queue",
          path_model=volunteering_models.CallPath, body=moderation_models.ReportRequest,
          response=moderation_models.ReportAccepted, status=201,
          errors=(400, 401, 404, 409, 413, 415))
def report_call(principal, path, body):
    return moderation.report(principal, "call", path.call_id, body)


@api.get("/api/v1/me/shifts", action="me.volunteering", summary="The shifts I signed up for, soonest first",
         response=volunteering_models.MyShifts, errors=(401,))
def my_shifts(principal):
    return volunteer_signups.my_shifts(principal)


@api.get("/api/v1/me/calls", action="me.volunteering",
         summary="The calls for volunteers I published in my neighbourhood, newest first, those over included (their "
                 "page is where I confirm who came)", response=volunteering_models.OrganisedCalls, errors=(401,))
def my_calls(principal):
    return volunteering.organised_calls(principal)


@api.get("/api/v1/me/volunteering/record", action="me.volunteering",
         summary="My record of volunteering: each participation an organiser confirmed (activity, date, role, hours) "
                 "and the totals", response=volunteering_models.VolunteeringRecord, errors=(401,))
def my_volunteering_record(principal):
    return volunteer_signups.record(principal)


@api.get("/api/v1/communes/{lau2}/event-reviews", action="events.review",
         summary="Events waiting for (or decided by) the commune, newest first: residents' events asked for the whole "
                 "commune and partners' events", path_model=CommunePath, query=event_approval.ReviewQuery,
         response=event_approval.EventReviewList, errors=(400, 401, 403))
def event_reviews(path, query):
    return event_approval.review_list(path.lau2, query)


@api.post("/api/v1/communes/{lau2}/event-reviews/{event_id}", action="events.review",
          summary="Approve or refuse an event for the commune, or withdraw an approval, with a reason told to its organisers",
          path_model=event_approval.CommuneEventPath, body=event_approval.EventDecision,
          response=event_approval.EventReview, errors=(400, 401, 403, 404, 409))
def decide_event(principal, path, body):
    return event_approval.decide(principal, path.lau2, path.event_id, body)


@api.get("/api/v1/me/volunteering/certificate.pdf", action="me.volunteering",
         summary="My certificate of volunteering as a PDF in my language (hours per activity, dates, organisers, "
                 "totals; send `Accept: application/pdf`)", query=volunteering_models.CertificateQuery, media_type=PDF,
                 errors=(400, 401))
def my_volunteering_certificate(principal, query, request):
    require_accept(request, PDF)
    name, pdf = certificate.certificate(principal, query.language or choose(request.headers.get("accept-language")))
    return Reply(pdf, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@api.get("/api/v1/communes/{lau2}/call-reviews", action="volunteering.review",
         summary="Partners' calls for volunteers waiting for (or decided by) the commune, newest first",
         path_model=CommunePath, query=event_approval.ReviewQuery, response=volunteering_approval.CallReviewList,
         errors=(400, 401, 403))
def call_reviews(path, query):
    return volunteering_approval.review_list(path.lau2, query)


@api.post("/api/v1/communes/{lau2}/call-reviews/{call_id}", action="volunteering.review",
          summary="Approve or refuse a partner's call for volunteers, or withdraw an approval, with a reason",
          path_model=volunteering_approval.CommuneCallPath, body=volunteering_approval.CallDecision,
          response=volunteering_approval.CallReview, errors=(400, 401, 403, 404, 409))
def decide_call(principal, path, body):
    return volunteering_approval.decide(principal, path.lau2, path.call_id, body)


@api.post("/api/v1/communes/{lau2}/events/{event_id}/cancel", action="events.review",
          summary="Cancel a publisher's event of the commune: it stays visible as cancelled, those who answered are told",
          path_model=event_approval.CommuneEventPath, response=events_models.EventPublic, errors=(401, 403, 404, 409))
def cancel_commune_event(principal, path):
    return event_publishing.cancel_commune_event(principal, path.lau2, path.event_id)


# --- private messages: the two participants only (the messages service checks, as posts do) ----

@api.post("/api/v1/conversations", action="messages",
          summary="Message a verified neighbour (about a post, an item or nothing): one conversation per pair",
          body=messages_models.ConversationStart, response=messages_models.ConversationPublic, status=201,
          errors=(400, 401, 403, 404, 413, 415, 429), idempotent=True)
def start_conversation(principal, body):
    return messages.start(principal, body)


@api.get("/api/v1/conversations", action="messages",
         summary="My conversations, most recent first, with unread counts", response=messages_models.ConversationList,
         errors=(401,))
def my_conversations(principal):
    return messages.my_conversations(principal)


@api.get("/api/v1/conversations/{conversation_id}/messages", action="messages",
         summary="A conversation's messages, newest first, by pages with a cursor (reading changes nothing)",
         path_model=messages_models.ConversationPath, query=messages_models.MessagesQuery,
         response=messages_models.MessagePage, errors=(400, 401, 404))
def conversation_messages(principal, path, query):
    return messages.messages(principal, path.conversation_id, query)


@api.post("/api/v1/conversations/{conversation_id}/messages", action="messages",
          summary="Send a message in one of my conversations", path_model=messages_models.ConversationPath,
          body=messages_models.MessageRequest,
          response=messages_models.MessagePublic, status=201, errors=(400, 401, 403, 404, 413, 415, 429),
          idempotent=True)
def send_message(principal, path, body):
    return messages.send(principal, path.conversation_id, body)


@api.post("/api/v1/conversations/{conversation_id}/read", action="messages",
          summary="I read this conversation: its unread count goes to 0", path_model=messages_models.ConversationPath,
          response=messages_models.ConversationRead, errors=(400, 401, 403, 404))
def read_conversation(principal, path):
    return messages.mark_read(principal, path.conversation_id)


@api.get("/api/v1/me/unread", action="messages", summary="How many messages I have not read yet",
         response=messages_models.Unread, errors=(401,))
def my_unread(principal):
    return messages.unread_total(principal)


@api.get("/api/v1/me/badges", action="messages",
         summary="The header's badges: unread messages and loan requests waiting for my answer (one read)",
         response=messages_models.Badges, errors=(401,))
def my_badges(principal):
    return messages.badges(principal)


@api.put("/api/v1/me/blocks/{user_id}", action="messages",
         summary="Block a person: they can no longer message me, nor I them", path_model=messages_models.BlockPath,
         response=messages_models.BlockPublic, errors=(400, 401))
def block_person(principal, path):
    return messages.block(principal, path.user_id)


@api.delete("/api/v1/me/blocks/{user_id}", action="messages", summary="Unblock a person",
            path_model=messages_models.BlockPath,
            status=204, errors=(400, 401))
def unblock_person(principal, path):
    messages.unblock(principal, path.user_id)
    return Reply(None)


@api.post("/api/v1/messages/{message_id}/reports", action="messages",
          summary="Report a message of one of my conversations to the neighbourhood's moderators",
          path_model=messages_models.MessagePath, body=messages_models.MessageReportRequest,
          response=messages_models.ReportPublic, status=201,
          errors=(400, 401, 404, 413, 415))
def report_message(principal, path, body):
    return messages.report_message(principal, path.message_id, body)


# --- photos of posts and items: verified residents upload; residents of the photo's neighbourhood see it ---

@api.post("/api/v1/uploads", action="photos.upload",
          summary="Start uploading a photo (JPEG, PNG or WebP, at most 10 MiB): returns where to upload it",
          body=photos_models.PhotoUploadRequest, response=photos_models.PhotoUploadStarted, status=201,
          errors=(400, 401, 403, 413, 415))
def start_photo_upload(principal, body):
    return photos.start_upload(principal, body)


@api.get("/api/v1/photos/{photo_id}", action="photos.one",
         summary="A photo's status and, once ready, links (valid 5 minutes) to its display size and thumbnail",
         path_model=photos_models.PhotoPath, response=photos_models.PhotoPublic, errors=(400, 401, 404))
def photo(principal, path):
    return photos.get_photo(principal, path.photo_id)


# S3 -> EventBridge "Object Created" (locally: ops/local_events.py calls this same handler).
@app.on_cw_event({"source": ["aws.s3"], "detail-type": ["Object Created"],
                  "detail": {"object": {"key": [{"prefix": "incoming/photos/"}]}}}, name="photo_upload")
def photo_upload(event):
    photos.process_uploaded_photo(*s3_object_created(event.detail))


# --- the commune's channel: publishers, publisher links, announcements (chalicelib/publishers/, announcements/) ---

@api.get("/api/v1/communes/{lau2}/publishers", action="publishers.manage",
         summary="The commune's publishers: its own services and partner organisations", path_model=CommunePath,
         response=PublisherList, errors=(401, 403))
def commune_publishers(path):
    return publishers.list_publishers(path.lau2)


@api.post("/api/v1/communes/{lau2}/publishers", action="publishers.manage",
          summary="Register a publisher: a service of the commune, or a non-commercial partner organisation",
          path_model=CommunePath, body=PublisherRequest, response=PublisherPublic, status=201,
          errors=(400, 401, 403, 413, 415))
def register_publisher(principal, path, body):
    return publishers.register(principal, path.lau2, body)


@api.put("/api/v1/communes/{lau2}/publishers/{publisher_id}/status", action="publishers.manage",
         summary="Suspend a publisher (its links stop working) or make it active again", path_model=PublisherPath,
         body=PublisherStatusChange, response=PublisherPublic, errors=(400, 401, 403, 404, 413, 415))
def change_publisher_status(principal, path, body):
    return publishers.set_status(path.lau2, path.publisher_id, body.status, by=principal.user_id)


@api.post("/api/v1/communes/{lau2}/publishers/{publisher_id}/logo", action="publishers.manage",
          summary="Start uploading a publisher's logo (JPEG, PNG or WebP, at most 2 MiB)", path_model=PublisherPath,
          body=LogoUploadRequest, response=LogoUploadStarted, status=201, errors=(400, 401, 403, 404, 413, 415))
def start_logo_upload(path, body):
    return publishers.start_logo_upload(path.lau2, path.publisher_id, body)


@api.get("/api/v1/communes/{lau2}/publishing-settings", action="publishers.manage",
         summary="Whether partner announcements wait for staff approval", path_model=CommunePath,
         response=PublishingSettings, errors=(401, 403))
def publishing_settings(path):
    return publishers.publishing_settings(path.lau2)


@api.put("/api/v1/communes/{lau2}/publishing-settings", action="publishers.manage",
         summary="Set whether partner announcements wait for staff approval", path_model=CommunePath,
         body=PublishingSettings, response=PublishingSettings, errors=(400, 401, 403, 413, 415))
def set_publishing_settings(principal, path, body):
    return publishers.set_publishing_settings(path.lau2, body, by=principal.user_id)


@api.get("/api/v1/communes/{lau2}/publisher-links", action="publishers.manage",
         summary="Every publisher link issued, newest first, with its scope and status", path_model=CommunePath,
         response=LinkList, errors=(401, 403))
def publisher_link_list(path):
    return publisher_links.list_links(path.lau2)


@api.post("/api/v1/communes/{lau2}/publisher-links", action="publishers.manage",
          summary="Issue a signed publisher link (scope and expiry inside the signature); the link is shown once",
          path_model=CommunePath, body=LinkRequest, response=LinkIssued, status=201,
          errors=(400, 401, 403, 404, 413, 415))
def issue_publisher_link(principal, path, body, request):
    return publisher_links.issue(path.lau2, body, principal.user_id or "", site_url(request))


@api.delete("/api/v1/communes/{lau2}/publisher-links/{link_id}", action="publishers.manage",
            summary="Revoke a publisher link: it stops working at once", path_model=LinkPath, response=LinkPublic,
            errors=(400, 401, 403, 404))
def revoke_publisher_link(principal, path):
    return publisher_links.revoke(path.lau2, path.link_id, by=principal.user_id)


@api.get("/api/v1/communes/{lau2}/announcement-reviews", action="announcements.review",
         summary="The commune's announcements by status, newest first (`pending`: the approval queue)",
         path_model=CommunePath, query=announcements_models.ReviewQuery, response=announcements_models.ReviewList,
         errors=(400, 401, 403))
def announcement_reviews(path, query):
    return announcements.review_list(path.lau2, query.status, query.language)


@api.post("/api/v1/communes/{lau2}/announcement-reviews/{announcement_id}", action="announcements.review",
          summary="Approve or reject a pending announcement, or withdraw one",
          path_model=announcements_models.CommuneAnnouncementPath,
          body=announcements_models.Decision, response=announcements_models.AnnouncementPublic,
          errors=(400, 401, 403, 404, 409, 413, 415))
def decide_announcement(principal, path, body):
    return announcements.decide(principal, path.lau2, path.announcement_id, body)


# The bearer of a publisher link (header X-Publisher-Link): the form's routes, and nothing else.
@api.get("/api/v1/publish", action="announcements.publish",
         summary="What the publisher link allows: commune, publisher, neighbourhoods, categories, expiry",
         response=announcements_models.PublishContext, errors=(401, 403, 404))
def publish_form(principal):
    return announcements.publish_context(principal)


@api.post("/api/v1/publish/attachments", action="announcements.publish",
          summary="Start uploading an attachment (PDF, JPEG, PNG or WebP, at most 10 MiB): returns where to upload it",
          body=announcements_models.AttachmentRequest, response=announcements_models.AttachmentStarted, status=201,
          errors=(400, 401, 403, 413, 415, 429))
def start_attachment_upload(principal, body):
    return announcement_attachments.start_upload(principal, body)


@api.get("/api/v1/publish/attachments/{attachment_id}", action="announcements.publish",
         summary="An attachment's state: waiting, ready, or failed with the reason",
         path_model=announcements_models.AttachmentPath,
         response=announcements_models.AttachmentState, errors=(400, 401, 403, 404))
def attachment_state(principal, path):
    return announcement_attachments.attachment_state(principal, path.attachment_id)


@api.post("/api/v1/publish/announcements", action="announcements.publish",
          summary="Publish an announcement within the link's scope (a partner's may wait for approval)",
          body=announcements_models.AnnouncementRequest, response=announcements_models.AnnouncementPublic, status=201,
          errors=(400, 401, 403, 404, 409, 413, 415, 429))
def publish_announcement(principal, body):
    return announcements.publish(principal, body)


@api.post("/api/v1/publish/events", action="events.publish",
          summary="Publish an event (a resident's event's fields) to the whole commune, chosen neighbourhoods or a "
                  "circle within the link's scope; public ones on the commune's page too (a partner's may wait for "
                  "approval)", body=event_publishing.PublisherEventRequest, response=event_publishing.PublishedEvent,
                  status=201,
          errors=(400, 401, 403, 404, 413, 415, 429))
def publish_event(principal, body):
    return event_publishing.publish_event(principal, body)


@api.post("/api/v1/publish/photos", action="events.publish",
          summary="Start uploading a photo for the link's publisher's events (purpose `event`; JPEG, PNG or WebP, at "
                  "most 10 MiB): returns where to upload it", body=photos_models.PhotoUploadRequest,
                  response=photos_models.PhotoUploadStarted,
          status=201, errors=(400, 401, 403, 413, 415, 429))
def start_publisher_photo_upload(principal, body):
    return event_publishing.start_photo_upload(principal, body)


@api.get("/api/v1/publish/photos/{photo_id}", action="events.publish",
         summary="A photo of the link's publisher: its status and, once ready, links (valid 5 minutes)",
         path_model=photos_models.PhotoPath, response=photos_models.PhotoPublic, errors=(400, 401, 403, 404))
def publisher_photo(principal, path):
    return event_publishing.photo_state(principal, path.photo_id)


@api.get("/api/v1/publish/events", action="events.publish",
         summary="The link's publisher's events, newest first, to change or cancel them",
         response=event_publishing.PublishedEvents,
         errors=(401, 403))
def published_events(principal):
    return event_publishing.published_events(principal)


@api.patch("/api/v1/publish/events/{event_id}", action="events.publish",
           summary="Change one of the link's publisher's events (the fields sent; whom it reaches stays)",
           path_model=events_models.EventPath, body=event_publishing.PublisherEventUpdate,
           response=event_publishing.PublishedEvent,
           errors=(400, 401, 403, 404, 409, 413, 415, 429))
def change_published_event(principal, path, body):
    return event_publishing.change_published_event(principal, path.event_id, body)


@api.post("/api/v1/publish/events/{event_id}/cancel", action="events.publish",
          summary="Cancel one of the link's publisher's events: it stays visible as cancelled, those who answered "
                  "are told", path_model=events_models.EventPath, response=event_publishing.PublishedEvent,
                  errors=(401, 403, 404, 409))
def cancel_published_event(principal, path):
    return event_publishing.cancel_published_event(principal, path.event_id)


@api.post("/api/v1/publish/volunteering", action="volunteering.publish",
          summary="Publish a call for volunteers with its shifts to the whole commune, chosen neighbourhoods or a circle "
                  "within the link's scope (a partner's may wait for approval)",
                  body=volunteering_models.PublisherCallRequest,
          response=volunteering_models.CallPublic, status=201, errors=(400, 401, 403, 404, 413, 415, 429),
          idempotent=True)
def publish_call_through_link(principal, body):
    return volunteer_publishing.publish_call(principal, body)


@api.get("/api/v1/publish/volunteering", action="volunteering.publish",
         summary="The link's publisher's calls for volunteers, newest first",
         response=volunteer_publishing.PublishedCalls,
         errors=(401, 403))
def published_calls(principal):
    return volunteer_publishing.published_calls(principal)


@api.get("/api/v1/publish/volunteering/{call_id}/sign-ups", action="volunteering.publish",
         summary="Who signed up for each shift of one of the link's publisher's calls",
         path_model=volunteering_models.CallPath,
         response=volunteering_models.CallSignUps, errors=(400, 401, 403, 404))
def published_call_sign_ups(principal, path):
    return volunteering.signups(principal, path.call_id)


@api.post("/api/v1/publish/volunteering/{call_id}/cancel", action="volunteering.publish",
          summary="Cancel one of the link's publisher's calls", path_model=volunteering_models.CallPath,
          response=volunteering_models.CallPublic,
          errors=(400, 401, 403, 404, 409))
def cancel_published_call(principal, path):
    return volunteering.cancel_call(principal, path.call_id)


@api.post("/api/v1/publish/volunteering/{call_id}/shifts/{shift_id}/cancel", action="volunteering.publish",
          summary="Cancel a shift of one of the link's publisher's calls", path_model=volunteering_models.ShiftPath,
          response=volunteering_models.CallPublic,
          errors=(400, 401, 403, 404, 409))
def cancel_published_shift(principal, path):
    return volunteering.cancel_shift(principal, path.call_id, path.shift_id)


@api.post("/api/v1/publish/volunteering/{call_id}/shifts/{shift_id}/move", action="volunteering.publish",
          summary="Move a shift of one of the link's publisher's calls", path_model=volunteering_models.ShiftPath,
          body=volunteering_models.ShiftMove,
          response=volunteering_models.CallPublic, errors=(400, 401, 403, 404, 409, 413, 415))
def move_published_shift(principal, path, body):
    return volunteering.move_shift(principal, path.call_id, path.shift_id, body)


@api.post("/api/v1/publish/volunteering/{call_id}/shifts/{shift_id}/find-cover", action="volunteering.publish",
          summary="Ask Noper to find cover for a coming shift of one of the link's publisher's calls (a count only; "
                  "once per shift per 24 hours)", path_model=volunteering_models.ShiftPath,
          response=volunteer_cover.CoverAsked, errors=(400, 401, 403, 404, 409, 429))
def find_published_cover(principal, path):
    return volunteer_cover.find_cover(principal, path.call_id, path.shift_id, wants_volunteering_emails)


def wants_volunteering_emails(user):
    """Cover is asked of neighbours who want emails about volunteering (their notification choices)."""
    return notification_settings.wants_for(user, "volunteering")


@api.post("/api/v1/publish/volunteering/{call_id}/shifts/{shift_id}/attendance", action="volunteering.publish",
          summary="Confirm who came to an ended shift of one of the link's publisher's calls, and their hours",
          path_model=volunteering_models.ShiftPath, body=volunteering_models.AttendanceRequest,
          response=volunteering_models.CallSignUps, errors=(400, 401, 403, 404, 409, 413, 415))
def confirm_published_attendance(principal, path, body):
    return volunteer_signups.confirm_attendance(principal, path.call_id, path.shift_id, body)


@api.get("/api/v1/me/announcements", action="announcements.mine",
         summary="From the commune: announcements for my neighbourhood or my commune, newest first, current only",
         query=announcements_models.ChannelQuery, response=announcements_models.AnnouncementPage, errors=(400, 401))
def my_announcements(principal, query):
    return announcements.my_channel(principal, query)


@api.get("/api/v1/communes/{lau2}/announcements", action="announcements.read",
         summary="The commune's public announcements, newest first, current only", path_model=CommunePath,
         query=announcements_models.ChannelQuery, response=announcements_models.AnnouncementPage, errors=(400,))
def public_announcements(path, query):
    return announcements.public_channel(path.lau2, query)


@api.get("/api/v1/communes/{lau2}/events", action="events.public",
         summary="The commune's public events: occurrences in a window (`from`, `to`), one Query a page",
         path_model=CommunePath, query=events_models.CalendarQuery, response=events_models.CalendarPage,
         errors=(400, 404))
def public_events(path, query):
    return event_publishing.public_calendar(path.lau2, query)


@api.get("/api/v1/communes/{lau2}/events.ics", action="events.public",
         summary="The commune's public events as iCalendar (RFC 5545), to subscribe to", path_model=CommunePath,
         media_type=ICALENDAR, errors=(400, 404))
def public_events_ics(path):
    reply = _ics(event_publishing.public_ics(path.lau2), "events.ics")
    reply.headers["Cache-Control"] = "public, max-age=300"
    return reply


ATOM = "application/atom+xml"


@api.get("/api/v1/communes/{lau2}/announcements.atom", action="announcements.read",
         summary="The commune's public announcements as an Atom feed", path_model=CommunePath,
         query=announcements_models.ChannelQuery,
         media_type=ATOM, errors=(400, 404))
def announcements_atom(path, query, request):
    return Reply(announcements_feed.atom_feed(path.lau2, site_url(request), query.language),
                 headers={"Cache-Control": "max-age=300"})


@api.get("/api/v1/announcements/{announcement_id}", action="announcements.read",
         summary="One announcement with links (valid 5 minutes) to its attachments, for those it is meant for",
         path_model=announcements_models.AnnouncementPath, query=announcements_models.OneQuery,
         response=announcements_models.AnnouncementPublic, errors=(400, 404))
def announcement(principal, path, query):
    return announcements.one(principal, path.announcement_id, query.language)


# S3 -> EventBridge "Object Created" (locally: ops/local_events.py calls this same handler).
@app.on_cw_event({"source": ["aws.s3"], "detail-type": ["Object Created"],
                  "detail": {"object": {"key": [{"prefix": "incoming/publishing/"}]}}}, name="publishing_upload")
def publishing_upload(event):
    bucket, key = s3_object_created(event.detail)
    if key.startswith(publishers.LOGO_UPLOAD_PREFIX):
        publishers.process_logo(bucket, key)
    else:
        announcement_attachments.process_uploaded_attachment(bucket, key)


# --- consultations on planning projects: staff prepare and read results; residents of the targeted
# neighbourhoods answer and comment (chalicelib/consultations/) ---

@api.get("/api/v1/communes/{lau2}/consultations", action="consultations.manage",
         summary="The commune's consultations, newest first (staff)", path_model=CommunePath,
         response=consultations_models.ConsultationList, errors=(400, 401, 403))
def staff_consultations(path):
    return consultations.staff_list(path.lau2)


@api.post("/api/v1/communes/{lau2}/consultations", action="consultations.manage",
          summary="Draft a consultation: texts in the commune's languages, targets, dates, questions",
          path_model=CommunePath, body=consultations_models.ConsultationDraft,
          response=consultations_models.ConsultationPublic, status=201,
          errors=(400, 401, 403, 404, 413, 415))
def create_consultation(principal, path, body):
    return consultations.create(principal, path.lau2, body)


@api.get("/api/v1/communes/{lau2}/consultations/{consultation_id}", action="consultations.manage",
         summary="One consultation, draft or published (staff)", path_model=consultations_models.ConsultationPath,
         response=consultations_models.ConsultationPublic, errors=(400, 401, 403, 404))
def staff_consultation(path):
    return consultations.staff_get(path.lau2, path.consultation_id)


@api.put("/api/v1/communes/{lau2}/consultations/{consultation_id}", action="consultations.manage",
         summary="Replace a consultation (a draft, or published but not open yet)",
         path_model=consultations_models.ConsultationPath,
         body=consultations_models.ConsultationEdit, response=consultations_models.ConsultationPublic,
         errors=(400, 401, 403, 404, 409, 413, 415))
def edit_consultation(path, body):
    draft = consultations_models.ConsultationDraft.model_validate(body.model_dump(exclude={"version"}))
    return consultations.edit(path.lau2, path.consultation_id, draft, body.version)


@api.post("/api/v1/communes/{lau2}/consultations/{consultation_id}/publish", action="consultations.manage",
          summary="Publish a draft consultation to its neighbourhoods",
          path_model=consultations_models.ConsultationPath,
          body=consultations_models.ConsultationPublishRequest, response=consultations_models.ConsultationPublic,
          errors=(400, 401, 403, 404, 409, 413, 415))
def publish_consultation(principal, path, body):
    return consultations.publish(path.lau2, path.consultation_id, body.version, by=principal.user_id)


@api.post("/api/v1/communes/{lau2}/consultations/{consultation_id}/documents", action="consultations.manage",
          summary="Start uploading a PDF of the project (at most 20 MiB): returns where to upload it",
          path_model=consultations_models.ConsultationPath, body=consultations_models.ConsultationDocumentRequest,
          response=consultations_models.ConsultationDocumentUploadStarted, status=201,
          errors=(400, 401, 403, 404, 409, 413, 415))
def start_consultation_document(path, body):
    return consultations.start_document_upload(path.lau2, path.consultation_id, body)


@api.get("/api/v1/communes/{lau2}/consultations/{consultation_id}/documents/{document_id}",
         action="consultations.manage", summary="A link (valid 5 minutes) to one document (staff)",
         path_model=consultations_models.ConsultationDocumentPath,
         response=consultations_models.ConsultationDocumentLink, errors=(400, 401, 403, 404))
def staff_consultation_document(path):
    return consultations.staff_document_link(path.lau2, path.consultation_id, path.document_id)


@api.get("/api/v1/communes/{lau2}/consultations/{consultation_id}/results", action="consultations.manage",
         summary="Results per question and neighbourhood, counts under 5 suppressed, free texts without authors",
         path_model=consultations_models.ConsultationPath, response=consultations_models.ConsultationResults,
         errors=(400, 401, 403, 404))
def staff_consultation_results(path):
    return consultations.staff_results(path.lau2, path.consultation_id)


@api.get("/api/v1/communes/{lau2}/consultations/{consultation_id}/results.csv", action="consultations.manage",
         summary="The results as CSV (UTF-8 with BOM), with the same suppression",
         path_model=consultations_models.ConsultationPath,
         query=consultations_models.LanguageQuery, media_type="text/csv; charset=utf-8", errors=(400, 401, 403, 404))
def staff_consultation_csv(path, query):
    name, text = consultations.results_csv(path.lau2, path.consultation_id, query.lang)
    return Reply(text, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@api.get("/api/v1/communes/{lau2}/consultations/{consultation_id}/comments", action="consultations.manage",
         summary="Residents' comments to the commune, newest first (staff)",
         path_model=consultations_models.ConsultationPath,
         response=consultations_models.ConsultationCommentList, errors=(400, 401, 403, 404))
def staff_consultation_comments(path):
    return consultations.staff_comments(path.lau2, path.consultation_id)


@api.get("/api/v1/neighbourhoods/{neighbourhood_id}/consultations", action="consultations.take_part",
         summary="Consultations asking my neighbourhood: open, upcoming, recently closed",
         path_model=neighbours_models.NeighbourhoodPath,
         query=consultations_models.LanguageQuery, response=consultations_models.ConsultationSummaryList,
         errors=(400, 401, 404))
def resident_consultations(principal, path, query):
    return consultations.resident_list(principal, path.neighbourhood_id, query.lang)


@api.get("/api/v1/neighbourhoods/{neighbourhood_id}/consultations/{consultation_id}",
         action="consultations.take_part", summary="One consultation, with my answers",
         path_model=consultations_models.ResidentConsultationPath, response=consultations_models.ResidentConsultation,
         errors=(400, 401, 404))
def resident_consultation(principal, path):
    return consultations.resident_get(principal, path.neighbourhood_id, path.consultation_id)


@api.put("/api/v1/neighbourhoods/{neighbourhood_id}/consultations/{consultation_id}/answers",
         action="consultations.take_part", summary="Answer (201), or change my answers until it closes (200)",
         path_model=consultations_models.ResidentConsultationPath, body=consultations_models.ConsultationAnswers,
         response=consultations_models.ResidentConsultation,
         errors=(400, 401, 404, 409, 413, 415))
def answer_consultation(principal, path, body):
    view, first = consultations.answer(principal, path.neighbourhood_id, path.consultation_id, body)
    return Reply(view, status=201 if first else 200)


@api.get("/api/v1/neighbourhoods/{neighbourhood_id}/consultations/{consultation_id}/comments",
         action="consultations.take_part", summary="Comments to the commune on this consultation, newest first",
         path_model=consultations_models.ResidentConsultationPath,
         response=consultations_models.ConsultationCommentList, errors=(400, 401, 404))
def resident_consultation_comments(principal, path):
    return consultations.resident_comments(principal, path.neighbourhood_id, path.consultation_id)


@api.post("/api/v1/neighbourhoods/{neighbourhood_id}/consultations/{consultation_id}/comments",
          action="consultations.take_part", summary="Comment publicly to the commune (while it is open)",
          path_model=consultations_models.ResidentConsultationPath,
          body=consultations_models.ConsultationCommentRequest, response=consultations_models.ConsultationComment,
          status=201, errors=(400, 401, 404, 409, 413, 415))
def comment_consultation(principal, path, body):
    return consultations.comment(principal, path.neighbourhood_id, path.consultation_id, body)


@api.get("/api/v1/neighbourhoods/{neighbourhood_id}/consultations/{consultation_id}/results",
         action="consultations.take_part", summary="Results once it has closed (counts under 5 suppressed)",
         path_model=consultations_models.ResidentConsultationPath, response=consultations_models.ConsultationResults,
         errors=(400, 401, 404, 409))
def resident_consultation_results(principal, path):
    return consultations.resident_results(principal, path.neighbourhood_id, path.consultation_id)


@api.get("/api/v1/neighbourhoods/{neighbourhood_id}/consultations/{consultation_id}/documents/{document_id}",
         action="consultations.take_part", summary="A link (valid 5 minutes) to one document of the project",
         path_model=consultations_models.ResidentDocumentPath, response=consultations_models.ConsultationDocumentLink,
         errors=(400, 401, 404))
def resident_consultation_document(principal, path):
    return consultations.resident_document_link(principal, path.neighbourhood_id, path.consultation_id,
                                                path.document_id)


# S3 -> EventBridge "Object Created" (locally: ops/local_events.py calls this same handler).
@app.on_cw_event({"source": ["aws.s3"], "detail-type": ["Object Created"],
                  "detail": {"object": {"key": [{"prefix": "incoming/consultations/"}]}}},
                  name="consultation_document_upload")
def consultation_document_upload(event):
    consultation_documents.process_uploaded_document(*s3_object_created(event.detail))


# --- the participatory budget (chalicelib/budget/): admins set up editions, review proposals, enter paper ballots and
# publish results; verified residents of the commune propose, support and vote; results are public once published ---

BUDGETS = "/api/v1/communes/{lau2}/budgets"
BUDGET = BUDGETS + "/{edition_id}"


@api.get(BUDGETS, action="budget.read", summary="The commune's participatory budgets, newest first (for anyone: only "
         "those with published results)", path_model=CommunePath, response=budget_models.EditionList, errors=(400,))
def budget_editions_list(principal, path):
    return budget_editions.list_editions(principal, path.lau2)


@api.post(BUDGETS, action="budget.manage", summary="Create a participatory budget: texts in the commune's languages, "
          "amount, envelopes, ballot type, threshold, rule, phase dates", path_model=CommunePath,
          body=budget_models.EditionRequest,
          response=budget_models.EditionPublic, status=201, errors=(400, 401, 403, 404, 413, 415))
def budget_edition_create(principal, path, body):
    return budget_editions.create(principal, path.lau2, body)


@api.get(BUDGET, action="budget.read", summary="One participatory budget (its commune's staff and verified residents; "
         "anyone once its results are published)", path_model=budget_models.EditionPath,
         response=budget_models.EditionPublic, errors=(400, 404))
def budget_edition_get(principal, path):
    return budget_editions.get_edition(principal, path.lau2, path.edition_id)


@api.put(BUDGET, action="budget.manage", summary="Replace a participatory budget's settings (until its vote opens)",
         path_model=budget_models.EditionPath, body=budget_models.EditionEdit, response=budget_models.EditionPublic,
         errors=(400, 401, 403, 404, 409, 413, 415))
def budget_edition_edit(principal, path, body):
    request = budget_models.EditionRequest.model_validate(body.model_dump(exclude={"version"}))
    return budget_editions.edit(principal, path.lau2, path.edition_id, request, body.version)


@api.post(BUDGET + "/phase", action="budget.manage", summary="Move to the next phase now (else it moves at its date)",
          path_model=budget_models.EditionPath, body=budget_models.PhaseChange, response=budget_models.EditionPublic,
          errors=(400, 401, 403, 404, 409, 413, 415))
def budget_phase(principal, path, body):
    return budget_editions.move_phase(principal, path.lau2, path.edition_id, body.phase, body.version)


@api.get(BUDGET + "/proposals", action="budget.read", summary="The proposals, oldest first",
         path_model=budget_models.EditionPath,
         response=budget_models.ProposalList, errors=(400, 404))
def budget_proposal_list(principal, request, path):
    return budget_proposals.list_proposals(principal, path.lau2, path.edition_id,
                                           choose(request.headers.get("accept-language")))


@api.post(BUDGET + "/proposals", action="budget.take_part", summary="Propose a project (proposal phase; residents of "
          "the budget's scope)", path_model=budget_models.EditionPath, body=budget_models.BudgetProposalRequest,
          response=budget_models.ProposalPublic, status=201,
          errors=(400, 401, 403, 404, 409, 413, 415))
def budget_propose(principal, path, body):
    return budget_proposals.propose(principal, path.lau2, path.edition_id, body)


@api.get(BUDGET + "/proposals/{proposal_id}", action="budget.read", summary="One proposal, and whether I support it",
         path_model=budget_models.ProposalPath, response=budget_models.ProposalPublic, errors=(400, 404))
def budget_proposal_get(principal, request, path):
    return budget_proposals.get_proposal(principal, path.lau2, path.edition_id, path.proposal_id,
                                         choose(request.headers.get("accept-language")))


@api.put(BUDGET + "/proposals/{proposal_id}/support", action="budget.take_part",
         summary="Support a proposal (201), once: again answers 200 and changes nothing",
         path_model=budget_models.ProposalPath,
         response=budget_models.Support, errors=(400, 401, 403, 404, 409))
def budget_support(principal, path):
    view, first = budget_proposals.support(principal, path.lau2, path.edition_id, path.proposal_id)
    return Reply(view, status=201 if first else 200)


@api.post(BUDGET + "/proposals/{proposal_id}/comments", action="budget.take_part",
          summary="Comment on a proposal, or reply to one of its comments (`reply_to`)",
          path_model=budget_models.ProposalPath,
          body=comments_models.CommentRequest, response=comments_models.CommentPublic, status=201,
          errors=(400, 401, 404, 409, 413, 415),
          idempotent=True)
def comment_budget_proposal(principal, path, body):
    piece = budget_discussion.in_commune(path.lau2, path.edition_id, path.proposal_id)
    return comments.add_comment(principal, budget_discussion.KIND, piece, body)


@api.get(BUDGET + "/proposals/{proposal_id}/comments", action="budget.read",
         summary="A proposal's comments, oldest first, each followed by its replies, by pages with a cursor (the "
                 "commune's verified residents and staff)", path_model=budget_models.ProposalPath,
                 query=comments_models.CommentsQuery,
         response=comments_models.CommentPage, errors=(400, 404))
def budget_proposal_comments(principal, request, path, query):
    # One Query: the thread's head names the edition's commune and decides who reads it (chalicelib/budget/discussion.py)
    return comments.comments(principal, budget_discussion.KIND,
                             budget_discussion.content_id(path.edition_id, path.proposal_id), query,
                             choose(request.headers.get("accept-language")))


@api.post(BUDGET + "/proposals/{proposal_id}/reports", action="moderation.one",
          summary="Report a proposal (once; not one's own): it goes to its proposer's neighbourhood's reports queue",
          path_model=budget_models.ProposalPath, body=moderation_models.ReportRequest,
          response=moderation_models.ReportAccepted, status=201,
          errors=(400, 401, 404, 409, 413, 415))
def report_budget_proposal(principal, path, body):
    piece = budget_discussion.in_commune(path.lau2, path.edition_id, path.proposal_id)
    return moderation.report(principal, budget_discussion.KIND, piece, body)


@api.post(BUDGET + "/proposals/{proposal_id}/document", action="budget.take_part",
          summary="Start uploading its PDF (its proposer, until the commune decides; at most 20 MiB): returns where "
                  "to upload it", path_model=budget_models.ProposalPath, body=budget_models.ProposalDocumentRequest,
                  response=budget_models.ProposalDocumentStarted,
          status=201, errors=(400, 401, 403, 404, 409, 413, 415))
def budget_document_start(principal, path, body):
    return budget_documents.start_upload(principal, path.lau2, path.edition_id, path.proposal_id, body)


@api.get(BUDGET + "/proposals/{proposal_id}/document", action="budget.read",
         summary="A link (valid 5 minutes) to the proposal's PDF, for whoever reads the proposal",
         path_model=budget_models.ProposalPath, response=budget_models.ProposalDocumentLink, errors=(400, 404))
def budget_document_link(principal, path):
    return budget_documents.document_link(principal, path.lau2, path.edition_id, path.proposal_id)


@api.post(BUDGET + "/proposals/{proposal_id}/review", action="budget.manage",
          summary="Decide: feasible (with the final cost) or not, with a reason residents read (never one's own)",
          path_model=budget_models.ProposalPath, body=budget_models.ReviewDecision,
          response=budget_models.ProposalPublic,
          errors=(400, 401, 403, 404, 409, 413, 415))
def budget_review_decide(principal, path, body):
    return budget_review.decide(principal, path.lau2, path.edition_id, path.proposal_id, body)


@api.post(BUDGET + "/proposals/{proposal_id}/merge", action="budget.manage",
          summary="Merge a duplicate into another proposal: its supports move there, each supporter once",
          path_model=budget_models.ProposalPath, body=budget_models.ProposalMerge,
          response=budget_models.ProposalPublic,
          errors=(400, 401, 403, 404, 409, 413, 415))
def budget_merge(principal, path, body):
    return budget_review.merge(principal, path.lau2, path.edition_id, path.proposal_id, body)


@api.put(BUDGET + "/proposals/{proposal_id}/implementation", action="budget.manage",
         summary="Post a funded project's progress (planned, in progress, done); its supporters read it in their digest",
         path_model=budget_models.ProposalPath, body=budget_models.ImplementationRequest,
         response=budget_models.ProposalPublic,
         errors=(400, 401, 403, 404, 409, 413, 415))
def budget_implementation(principal, path, body):
    return budget_results.track(principal, path.lau2, path.edition_id, path.proposal_id, body)


@api.post(BUDGET + "/proposals/{proposal_id}/photos", action="budget.manage",
          summary="Start uploading a photo of a funded project's progress (purpose `proposal`; JPEG, PNG or WebP, at "
                  "most 10 MiB): returns where to upload it; then name it with the progress",
          path_model=budget_models.ProposalPath, body=photos_models.PhotoUploadRequest,
          response=photos_models.PhotoUploadStarted, status=201, errors=(400, 401, 403, 404, 409, 413, 415))
def budget_progress_photo_start(principal, path, body):
    return budget_photos.start_progress_photo(principal, path.lau2, path.edition_id, path.proposal_id, body)


@api.get(BUDGET + "/proposals/{proposal_id}/photos/{photo_id}", action="budget.read",
         summary="A photo of the proposal (its proposer's or its progress'): its state and, once ready, links valid 5 "
                 "minutes (whoever reads the proposal)", path_model=budget_models.ProposalPhotoPath,
         response=photos_models.PhotoPublic, errors=(400, 404))
def budget_proposal_photo(principal, path):
    return budget_photos.proposal_photo(principal, path.lau2, path.edition_id, path.proposal_id, path.photo_id)


@api.get(BUDGET + "/ballot", action="budget.take_part", summary="My ballot (only I see my choices) and whether I voted",
         path_model=budget_models.EditionPath, response=budget_models.MyBallot, errors=(400, 401, 403, 404))
def budget_my_ballot(principal, path):
    return budget_ballots.my_ballot(principal, path.lau2, path.edition_id)


@api.put(BUDGET + "/ballot", action="budget.take_part", summary="Vote (201), or change my ballot until the vote closes "
         "(200); checked against the ballot's type", path_model=budget_models.EditionPath,
         body=budget_models.BallotRequest, response=budget_models.MyBallot,
         errors=(400, 401, 403, 404, 409, 413, 415))
def budget_vote(principal, path, body):
    view, first = budget_ballots.vote(principal, path.lau2, path.edition_id, body)
    return Reply(view, status=201 if first else 200)


@api.get(BUDGET + "/totals", action="budget.manage", summary="Live totals while voting: ballots and votes per project, "
         "never who voted what", path_model=budget_models.EditionPath, response=budget_models.Totals,
         errors=(400, 401, 403, 404))
def budget_totals(path):
    return budget_ballots.totals(path.lau2, path.edition_id)


@api.post(BUDGET + "/paper-cards", action="budget.manage", summary="Print voting cards, one per person, each with a "
          "one-time ballot code (send `Accept: application/pdf`)", path_model=budget_models.EditionPath,
          body=budget_models.PaperCardsRequest,
          status=201, media_type=PDF, errors=(400, 401, 403, 404, 409, 413, 415))
def budget_paper_cards(principal, path, body, request):
    require_accept(request, PDF)
    pdf, _ = budget_paper.print_cards(principal, path.lau2, path.edition_id, body)
    return Reply(pdf,
                 headers={"Content-Disposition": f'attachment; filename="noper-voting-cards-{path.edition_id}.pdf"'})


@api.post(BUDGET + "/paper-ballots", action="budget.manage", summary="Enter a paper ballot with its card's code (a "
          "code votes once; its holder votes one way only)", path_model=budget_models.EditionPath,
          body=budget_models.PaperBallotRequest,
          response=budget_models.PaperBallotEntered, status=201, errors=(400, 401, 403, 404, 409, 413, 415))
def budget_paper_ballot(principal, path, body):
    return budget_paper.enter(principal, path.lau2, path.edition_id, body)


@api.get(BUDGET + "/results", action="budget.read", summary="The results per envelope: funded projects, votes, costs, "
         "explanations, greedy beside them (anyone once published; staff before)", path_model=budget_models.EditionPath,
         response=budget_models.ResultsPublic, errors=(400, 404, 409))
def budget_results_get(principal, path):
    return budget_results.results(principal, path.lau2, path.edition_id)


@api.get(BUDGET + "/results.csv", action="budget.read", summary="The results as CSV (UTF-8 with BOM)",
         path_model=budget_models.EditionPath, media_type="text/csv; charset=utf-8", errors=(400, 404, 409))
def budget_results_csv(principal, path):
    name, text = budget_results.results_csv(principal, path.lau2, path.edition_id)
    return Reply(text, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@api.get(BUDGET + "/results.pb", action="budget.read", summary="The election in pabulib's .pb format, voters "
         "anonymised (one envelope: the first; as the results are readable)", path_model=budget_models.EditionPath,
         media_type="text/plain; charset=utf-8", errors=(400, 404, 409))
def budget_results_pb(principal, path):
    name, text = budget_exchange.results_pb(principal, path.lau2, path.edition_id)
    return Reply(text, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@api.post(BUDGET + "/results/publish", action="budget.manage", summary="Publish the computed results (then public)",
          path_model=budget_models.EditionPath, body=budget_models.PublishResultsRequest,
          response=budget_models.ResultsPublic,
          errors=(400, 401, 403, 404, 409, 413, 415))
def budget_results_publish(principal, path, body):
    return budget_results.publish(principal, path.lau2, path.edition_id, body.version)


# S3 -> EventBridge "Object Created" (locally: ops/local_events.py calls this same handler).
@app.on_cw_event({"source": ["aws.s3"], "detail-type": ["Object Created"],
                  "detail": {"object": {"key": [{"prefix": "incoming/budget/"}]}}}, name="budget_document_upload")
def budget_document_upload(event):
    budget_documents.process_uploaded_document(*s3_object_created(event.detail))


@app.schedule(Cron(15, "*", "*", "*", "?", "*"), name="budget_phases",
              description="Move participatory budgets to their next phase at its date (closing the vote computes results)")
def budget_phases(event):
    budget_editions.advance_due(datetime.fromisoformat(event.time))


# --- the weekly digest: Monday 07:00 in Luxembourg, one SQS message per neighbourhood (chalicelib/digest/) ---

@api.get("/api/v1/neighbourhoods/{neighbourhood_id}/paper-digest", action="digest.paper",
         summary="The neighbourhood's week as a print-ready PDF in large type, in one language, for an ambassador "
                 "to print for neighbours without internet (send `Accept: application/pdf`)",
         path_model=neighbours_models.NeighbourhoodPath, query=digest_models.PaperDigestQuery, media_type=PDF,
         errors=(400, 401, 404))
def paper_digest(path, query, request):
    require_accept(request, PDF)
    week, pdf = digest_paper.paper_digest(path.neighbourhood_id, query.week, query.language)
    return Reply(pdf, headers={"Content-Disposition":
                               f'attachment; filename="noper-{path.neighbourhood_id}-{week}-{query.language}.pdf"'})


@api.post("/api/v1/communes/{lau2}/digest-runs", action="digest.run",
          summary="Run (or count, with dry_run) the weekly digest of the commune's neighbourhoods now: local stage only",
          path_model=CommunePath, body=digest_models.DigestRunRequest, response=digest_models.DigestRunReport,
          errors=(400, 401, 403, 404, 413, 415))
def run_digest(path, body):
    return digest_service.run_on_local_stage(path.lau2, body.week, body.neighbourhood_id, body.dry_run)


# Schedules are in UTC: 06:00 UTC is 07:00 in winter, 05:00 UTC in summer; the run that is not 07:00 does nothing.
@app.schedule(Cron(0, "5,6", "?", "*", "MON", "*"), name="digest_schedule",
              description="Weekly digest: enqueue one job per published neighbourhood")
def digest_schedule(event):
    digest_fanout.scheduled(datetime.fromisoformat(event.time))


# maximum_concurrency stays within the reserved concurrency (.chalice/config.json): SQS never hands messages
# to a throttled function, which would count as failed receives and park them in the dead-letter queue.
@app.on_sqs_message(queue=DIGEST_QUEUE, batch_size=1, maximum_concurrency=3, name="digest_neighbourhood")
def digest_neighbourhood(event):
    for record in event:
        digest_fanout.handle_message(record.body, time_left=lambda: event.context.get_remaining_time_in_millis() / 1000)


# Urgent alerts (emergency announcements, lost pets): the request enqueues the item's id; this splits it
# into one message per neighbourhood and sends each once per resident (chalicelib/notifications/alert_queue.py).
@app.on_sqs_message(queue=ALERT_QUEUE, batch_size=1, maximum_concurrency=5, name="urgent_alerts")
def urgent_alerts(event):
    for record in event:
        alert_queue.handle_message(record.body)


# Loan reminders: once a day at 07:00 UTC — 08:00 in Luxembourg in winter, 09:00 in summer, a morning
# either way (dates are Luxembourg dates; markers make a second run harmless).
@app.schedule(Cron(0, 7, "*", "*", "?", "*"), name="loan_reminders",
              description="Email borrowers the day before a loan's return date, and once when it is overdue")
def loan_reminders(event):
    reminders.remind_loans(datetime.fromisoformat(event.time))


@app.schedule(Cron(5, "*", "*", "*", "?", "*"), name="unread_message_reminders",
              description="Email residents whose private messages have waited unread for a day")
def unread_message_reminders(event):
    unread.remind_unread(datetime.fromisoformat(event.time))


@app.schedule(Cron(10, "*", "*", "*", "?", "*"), name="event_reminders",
              description="Email those going to an event the day before, when its organisers asked (at its start as "
                          "it is then); volunteers the day before their shift; organisers once a shift is over, to "
                          "confirm who came")
def event_reminders_schedule(event):
    reminders_of_events.hourly(datetime.fromisoformat(event.time))


# Indicators: each month's snapshot frozen on the first days of the next (idempotent: a frozen month never changes,
# so the runs on the 2nd and 3rd only catch what the 1st missed).
@app.schedule(Cron(30, 2, "1-3", "*", "?", "*"), name="indicator_snapshots",
              description="Freeze last month's indicators of every commune for the yearly reports")
def indicator_snapshots(event):
    indicators_snapshots.freeze_last_month(datetime.fromisoformat(event.time))


# The routes are declared: a `later` module's name in a route's body is now the function or value itself.
routes_declared()
# What the import built lives as long as the function: out of later collections, which then walk only new objects.
gc.freeze()
gc.enable()
