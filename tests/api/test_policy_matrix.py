"""Every route of the app in every situation, against what the policy module decides.

A route without its row below fails here, so no later route can forget its policy. The rows are
written out by hand on purpose: they are the reviewable statement of who may do what.
"""

import re

import pytest

from chalicelib import policy
from chalicelib.policy import ANONYMOUS, Principal, PublisherLink
from tests.helpers import JSON, body

N1, N2 = "0501-N1", "0501-N2"  # the neighbourhood a path names, and another one


def _staff(role, lau2="0501"):
    return Principal(user_id=f"U-{role}", staff=frozenset({(lau2, role)}))


SITUATIONS = {
    "anonymous": ANONYMOUS,
    "signed_in": Principal(user_id="U-new"),
    "pending": Principal(user_id="U-pending", lau2="0501", neighbourhood_id=N1, residence_status="pending"),
    "verified": Principal(user_id="U-verified", lau2="0501", neighbourhood_id=N1, residence_status="verified"),
    "other_verified": Principal(user_id="U-other", lau2="0501", neighbourhood_id=N2, residence_status="verified"),
    "ambassador": Principal(user_id="U-amb", lau2="0501", neighbourhood_id=N1, residence_status="verified",
                            ambassador_of=frozenset({N1})),
    # Appointed by the commune: moderates N1's reports while living in N2 (reads N2 only).
    "moderator": Principal(user_id="U-mod", lau2="0501", neighbourhood_id=N2, residence_status="verified",
                           moderator_of=frozenset({"0501"})),
    "staff_admin": _staff("admin"),
    "staff_editor": _staff("editor"),
    "staff_verifier": _staff("verifier"),
    "other_commune_admin": _staff("admin", lau2="0999"),
    "operator": Principal(user_id="U-op", operator=True),
    # The bearer of a publisher link (a clerk, a partner): no account; the publishing routes only,
    # 404 on every neighbourhood content route, 403 elsewhere (tests/announcements/).
    "publisher_link": Principal(publisher_link=PublisherLink(lau2="0501", publisher_id="P1", link_id="L1")),
}
ALL = set(SITUATIONS)
SIGNED_IN = ALL - {"anonymous", "publisher_link"}
COMMUNE_RESIDENTS = {"verified", "other_verified", "ambassador", "moderator"}  # verified, any neighbourhood of 0501

EXPECTED = {
    ("GET", "/api/v1/health"): ALL,
    ("GET", "/api/v1/openapi.json"): ALL,
    ("GET", "/api/v1/communes"): ALL,
    ("GET", "/api/v1/communes/{lau2}"): ALL,
    ("PUT", "/api/v1/communes/{lau2}"): {"staff_admin", "operator"},
    ("GET", "/api/v1/communes/{lau2}/addresses"): ALL,
    ("POST", "/api/v1/communes/{lau2}/address-imports"): {"staff_admin"},
    ("GET", "/api/v1/communes/{lau2}/address-imports"): {"staff_admin"},
    ("GET", "/api/v1/communes/{lau2}/address-imports/{import_id}"): {"staff_admin"},
    ("POST", "/api/v1/communes/{lau2}/address-imports/{import_id}/confirmation"): {"staff_admin"},
    ("GET", "/api/v1/communes/{lau2}/neighbourhoods"): ALL,
    ("GET", "/api/v1/communes/{lau2}/neighbourhoods.geojson"): ALL,
    ("GET", "/api/v1/communes/{lau2}/neighbourhood-draft"): {"staff_admin"},
    ("GET", "/api/v1/communes/{lau2}/neighbourhood-draft.geojson"): {"staff_admin"},
    ("PUT", "/api/v1/communes/{lau2}/neighbourhood-draft"): {"staff_admin"},
    ("POST", "/api/v1/communes/{lau2}/neighbourhood-draft/proposal"): {"staff_admin"},
    ("PATCH", "/api/v1/communes/{lau2}/neighbourhood-draft/{nbh_id}"): {"staff_admin"},
    ("POST", "/api/v1/communes/{lau2}/neighbourhood-draft/merge"): {"staff_admin"},
    ("POST", "/api/v1/communes/{lau2}/neighbourhood-draft/{nbh_id}/split"): {"staff_admin"},
    ("POST", "/api/v1/communes/{lau2}/neighbourhood-draft/publish"): {"staff_admin"},
    ("POST", "/api/v1/auth/code"): ALL,
    ("POST", "/api/v1/auth/session"): ALL,
    ("DELETE", "/api/v1/auth/session"): SIGNED_IN,
    ("GET", "/api/v1/me"): SIGNED_IN,
    ("PUT", "/api/v1/me/residence"): SIGNED_IN,
    ("GET", "/api/v1/me/sessions"): SIGNED_IN,
    ("DELETE", "/api/v1/me/sessions"): SIGNED_IN,
    ("POST", "/api/v1/me/residence/code"): SIGNED_IN,
    ("POST", "/api/v1/communes/{lau2}/letters"): {"staff_admin", "staff_verifier"},
    ("GET", "/api/v1/communes/{lau2}/posters"): {"staff_admin", "staff_editor", "staff_verifier"},
    ("GET", "/api/v1/communes/{lau2}/verifications"): {"staff_admin", "staff_verifier"},
    ("POST", "/api/v1/communes/{lau2}/verifications/{user_id}"): {"staff_admin", "staff_verifier"},
    ("PUT", "/api/v1/communes/{lau2}/ambassadors/{user_id}"): {"staff_admin"},
    ("DELETE", "/api/v1/communes/{lau2}/ambassadors/{user_id}"): {"staff_admin"},
    ("PUT", "/api/v1/communes/{lau2}/moderators/{user_id}"): {"staff_admin"},
    ("DELETE", "/api/v1/communes/{lau2}/moderators/{user_id}"): {"staff_admin"},
    ("GET", "/api/v1/communes/{lau2}/roles"): {"staff_admin"},
    ("GET", "/api/v1/communes/{lau2}/neighbourhoods/{nbh_id}/residents"): {"staff_admin"},
    ("POST", "/api/v1/communes/{lau2}/staff"): {"staff_admin"},
    ("DELETE", "/api/v1/communes/{lau2}/staff/{user_id}/{role}"): {"staff_admin"},
    # The commune's audit log of staff decisions: its admins only (tests/api/test_commune_audit.py).
    ("GET", "/api/v1/communes/{lau2}/audit"): {"staff_admin"},
    ("PATCH", "/api/v1/me"): SIGNED_IN,
    # Your data, prepared in the background: one's own only (tests/api/test_your_data.py).
    ("POST", "/api/v1/me/exports"): SIGNED_IN,
    ("GET", "/api/v1/me/exports/latest"): SIGNED_IN,
    ("DELETE", "/api/v1/me"): SIGNED_IN,
    # Email choices: one's own. The one-click unsubscribe: anyone holding the email's signed token
    # (tests/notifications/test_unsubscribe.py checks the token; no session is read).
    ("GET", "/api/v1/me/notifications"): SIGNED_IN,
    ("PUT", "/api/v1/me/notifications"): SIGNED_IN,
    ("GET", "/api/v1/unsubscribe"): ALL,
    ("POST", "/api/v1/unsubscribe"): ALL,
    # Inside a neighbourhood: residents only (pending ones see its name and size); staff are not readers.
    ("GET", "/api/v1/neighbourhoods/{neighbourhood_id}"): {"pending", "verified", "ambassador"},
    ("GET", "/api/v1/neighbourhoods/{neighbourhood_id}/members"): {"verified", "ambassador"},
    ("GET", "/api/v1/neighbourhoods/{neighbourhood_id}/pending"): {"verified", "ambassador"},
    ("POST", "/api/v1/neighbourhoods/{neighbourhood_id}/vouches"): {"verified", "ambassador"},
    # Posts: verified residents of the neighbourhood. Routes on one post check `signed_in`; the posts
    # service then asks the policy with the post's own neighbourhood(s) (tests/api/test_posts.py).
    ("GET", "/api/v1/neighbourhoods/{neighbourhood_id}/posts"): {"verified", "ambassador"},
    ("POST", "/api/v1/neighbourhoods/{neighbourhood_id}/posts"): {"verified", "ambassador"},
    ("PUT", "/api/v1/neighbourhoods/{neighbourhood_id}/posts/seen"): {"verified", "ambassador"},
    ("GET", "/api/v1/neighbourhoods/{neighbourhood_id}/professionals"): {"verified", "ambassador"},
    ("GET", "/api/v1/posts/{post_id}"): SIGNED_IN,
    ("PATCH", "/api/v1/posts/{post_id}"): SIGNED_IN,
    ("DELETE", "/api/v1/posts/{post_id}"): SIGNED_IN,
    ("POST", "/api/v1/posts/{post_id}/state"): SIGNED_IN,
    ("PUT", "/api/v1/posts/{post_id}/pin"): SIGNED_IN,
    ("DELETE", "/api/v1/posts/{post_id}/pin"): SIGNED_IN,
    # Comments and thanks: the comments service asks the policy with the post's neighbourhood(s) (tests/api/test_comments.py).
    ("POST", "/api/v1/posts/{post_id}/comments"): SIGNED_IN,
    ("GET", "/api/v1/posts/{post_id}/comments"): SIGNED_IN,
    ("DELETE", "/api/v1/comments/{comment_id}"): SIGNED_IN,
    ("PUT", "/api/v1/posts/{post_id}/thanks"): SIGNED_IN,
    ("DELETE", "/api/v1/posts/{post_id}/thanks"): SIGNED_IN,
    # The lending library: verified residents. Routes on one item or loan check `signed_in`; the lending
    # service then asks the policy with the item's or loan's neighbourhood (tests/lending/).
    ("POST", "/api/v1/neighbourhoods/{neighbourhood_id}/items"): {"verified", "ambassador"},
    ("GET", "/api/v1/neighbourhoods/{neighbourhood_id}/items"): {"verified", "ambassador"},
    ("GET", "/api/v1/items/{item_id}"): SIGNED_IN,
    ("PATCH", "/api/v1/items/{item_id}"): SIGNED_IN,
    ("DELETE", "/api/v1/items/{item_id}"): SIGNED_IN,
    ("POST", "/api/v1/items/{item_id}/loans"): SIGNED_IN,
    ("GET", "/api/v1/items/{item_id}/calendar"): SIGNED_IN,
    # An item is content of the kernel: its comments and reports, as a post's (tests/lending/test_item_content.py).
    # Events: verified residents create and read the calendar; routes on one event check `signed_in`, the events
    # service then asks the policy with the event's neighbourhoods (tests/events/).
    ("POST", "/api/v1/items/{item_id}/comments"): SIGNED_IN,
    ("GET", "/api/v1/items/{item_id}/comments"): SIGNED_IN,
    ("POST", "/api/v1/items/{item_id}/reports"): SIGNED_IN,
    ("POST", "/api/v1/neighbourhoods/{neighbourhood_id}/events"): {"verified", "ambassador"},
    ("GET", "/api/v1/neighbourhoods/{neighbourhood_id}/events"): {"verified", "ambassador"},
    ("GET", "/api/v1/events/{event_id}"): SIGNED_IN,
    ("PATCH", "/api/v1/events/{event_id}"): SIGNED_IN,
    ("POST", "/api/v1/events/{event_id}/cancel"): SIGNED_IN,
    ("POST", "/api/v1/events/{event_id}/occurrences/{occurrence_id}/cancel"): SIGNED_IN,
    ("POST", "/api/v1/events/{event_id}/occurrences/{occurrence_id}/move"): SIGNED_IN,
    ("PUT", "/api/v1/events/{event_id}/occurrences/{occurrence_id}/answer"): SIGNED_IN,
    ("GET", "/api/v1/events/{event_id}/occurrences/{occurrence_id}/answers"): SIGNED_IN,
    ("POST", "/api/v1/events/{event_id}/comments"): SIGNED_IN,
    ("GET", "/api/v1/events/{event_id}/calendar.ics"): SIGNED_IN,
    ("POST", "/api/v1/me/calendar-feeds"): SIGNED_IN,
    ("GET", "/api/v1/me/calendar-feeds"): SIGNED_IN,
    ("GET", "/api/v1/me/events"): SIGNED_IN,
    ("DELETE", "/api/v1/me/calendar-feeds/{feed_id}"): SIGNED_IN,
    ("GET", "/api/v1/me/volunteering"): SIGNED_IN,
    ("PUT", "/api/v1/me/volunteering"): {"verified", "other_verified", "ambassador", "moderator"},
    ("DELETE", "/api/v1/me/volunteering"): SIGNED_IN,
    ("GET", "/api/v1/neighbourhoods/{neighbourhood_id}/helpers"): {"verified", "ambassador"},
    ("GET", "/api/v1/me/buddy-pairs"): SIGNED_IN,
    ("POST", "/api/v1/me/buddy-pairs"): {"verified", "other_verified", "ambassador", "moderator"},
    ("POST", "/api/v1/buddy-pairs/{pair_id}/accept"): SIGNED_IN,
    ("POST", "/api/v1/buddy-pairs/{pair_id}/decline"): SIGNED_IN,
    ("POST", "/api/v1/buddy-pairs/{pair_id}/end"): SIGNED_IN,
    ("GET", "/api/v1/calendar-feeds/{token}/calendar.ics"): ALL,
    ("GET", "/api/v1/events/{event_id}/comments"): SIGNED_IN,
    ("POST", "/api/v1/events/{event_id}/reports"): SIGNED_IN,
    ("POST", "/api/v1/events/{event_id}/whole-commune"): SIGNED_IN,
    ("POST", "/api/v1/events/{event_id}/occurrences/{occurrence_id}/reminder"): SIGNED_IN,
    # Calls for volunteers: verified residents publish and read the list; routes on one call check `signed_in`, the
    # volunteering service then asks the policy with the call's neighbourhoods (tests/volunteering/).
    ("POST", "/api/v1/neighbourhoods/{neighbourhood_id}/volunteering"): {"verified", "ambassador"},
    ("GET", "/api/v1/neighbourhoods/{neighbourhood_id}/volunteering"): {"verified", "ambassador"},
    ("GET", "/api/v1/volunteering/{call_id}"): SIGNED_IN,
    ("POST", "/api/v1/volunteering/{call_id}/cancel"): SIGNED_IN,
    ("POST", "/api/v1/volunteering/{call_id}/shifts/{shift_id}/sign-up"): SIGNED_IN,
    ("DELETE", "/api/v1/volunteering/{call_id}/shifts/{shift_id}/sign-up"): SIGNED_IN,
    ("GET", "/api/v1/volunteering/{call_id}/sign-ups"): SIGNED_IN,
    ("POST", "/api/v1/volunteering/{call_id}/shifts/{shift_id}/cancel"): SIGNED_IN,
    ("POST", "/api/v1/volunteering/{call_id}/shifts/{shift_id}/move"): SIGNED_IN,
    ("POST", "/api/v1/volunteering/{call_id}/shifts/{shift_id}/attendance"): SIGNED_IN,
    ("POST", "/api/v1/volunteering/{call_id}/shifts/{shift_id}/find-cover"): SIGNED_IN,
    ("POST", "/api/v1/volunteering/{call_id}/comments"): SIGNED_IN,
    ("GET", "/api/v1/volunteering/{call_id}/comments"): SIGNED_IN,
    ("POST", "/api/v1/volunteering/{call_id}/reports"): SIGNED_IN,
    ("GET", "/api/v1/me/shifts"): SIGNED_IN,
    ("GET", "/api/v1/me/calls"): SIGNED_IN,
    ("GET", "/api/v1/me/volunteering/record"): SIGNED_IN,
    ("GET", "/api/v1/me/volunteering/certificate.pdf"): SIGNED_IN,
    ("GET", "/api/v1/loans/{loan_id}"): SIGNED_IN,
    ("POST", "/api/v1/loans/{loan_id}/decision"): SIGNED_IN,
    ("POST", "/api/v1/loans/{loan_id}/state"): SIGNED_IN,
    ("GET", "/api/v1/me/loans"): SIGNED_IN,
    # Private messages: the messages service lets verified residents of one neighbourhood write to each
    # other and shows a conversation to its two participants only (tests/api/test_messages.py).
    ("POST", "/api/v1/conversations"): SIGNED_IN,
    ("GET", "/api/v1/conversations"): SIGNED_IN,
    ("GET", "/api/v1/conversations/{conversation_id}/messages"): SIGNED_IN,
    ("POST", "/api/v1/conversations/{conversation_id}/messages"): SIGNED_IN,
    ("GET", "/api/v1/me/unread"): SIGNED_IN,
    ("GET", "/api/v1/me/badges"): SIGNED_IN,
    ("POST", "/api/v1/conversations/{conversation_id}/read"): SIGNED_IN,
    ("PUT", "/api/v1/me/blocks/{user_id}"): SIGNED_IN,
    ("DELETE", "/api/v1/me/blocks/{user_id}"): SIGNED_IN,
    ("POST", "/api/v1/messages/{message_id}/reports"): SIGNED_IN,
    ("POST", "/api/v1/neighbourhoods/{neighbourhood_id}/wanted"): {"verified", "ambassador"},
    ("GET", "/api/v1/neighbourhoods/{neighbourhood_id}/wanted"): {"verified", "ambassador"},
    ("POST", "/api/v1/neighbourhoods/{neighbourhood_id}/wanted/{wanted_id}/close"): {"verified", "ambassador"},
    # Moderation: routes on one post or comment check `signed_in`; the moderation service asks the policy with
    # the post's neighbourhood(s), then `moderates` (tests/moderation/). Reports, appeals and the log: moderators only.
    ("POST", "/api/v1/posts/{post_id}/reports"): SIGNED_IN,
    ("POST", "/api/v1/comments/{comment_id}/reports"): SIGNED_IN,
    ("POST", "/api/v1/posts/{post_id}/moderation"): SIGNED_IN,
    ("POST", "/api/v1/posts/{post_id}/appeal"): SIGNED_IN,
    ("POST", "/api/v1/posts/{post_id}/appeal/decision"): SIGNED_IN,
    ("GET", "/api/v1/neighbourhoods/{neighbourhood_id}/reports"): {"ambassador", "moderator"},
    ("POST", "/api/v1/neighbourhoods/{neighbourhood_id}/reports/{target_type}/{target_id}"): {"ambassador", "moderator"},
    ("GET", "/api/v1/neighbourhoods/{neighbourhood_id}/moderation-log"): {"ambassador", "moderator"},
    ("GET", "/api/v1/neighbourhoods/{neighbourhood_id}/appeals"): {"ambassador", "moderator"},
    ("POST", "/api/v1/tone-check"): SIGNED_IN,
    # Photos: verified residents upload (into their own neighbourhood); one photo checks `signed_in` and the
    # photos service asks the policy with the photo's neighbourhood (tests/photos/).
    ("POST", "/api/v1/uploads"): {"verified", "other_verified", "ambassador", "moderator"},
    ("GET", "/api/v1/me/invitation"): {"verified", "other_verified", "ambassador", "moderator"},
    ("GET", "/api/v1/me/invitation/flyer"): {"verified", "other_verified", "ambassador", "moderator"},
    ("GET", "/api/v1/photos/{photo_id}"): SIGNED_IN,
    # The digest: the paper digest holds neighbourhood content (its ambassadors only; staff get 404); a run by
    # hand is for the commune's admins and operators, and the digest service refuses it off the local stage
    # (tests/digest/).
    ("GET", "/api/v1/neighbourhoods/{neighbourhood_id}/paper-digest"): {"ambassador"},
    ("POST", "/api/v1/communes/{lau2}/digest-runs"): {"staff_admin", "operator"},
    # The commune's channel: admins manage publishers and links; admins and editors review; the link's
    # bearer publishes; residents read their channel; public announcements and one announcement are open
    # routes, the announcements service shows one only to those it is meant for (tests/announcements/).
    ("GET", "/api/v1/communes/{lau2}/publishers"): {"staff_admin"},
    ("POST", "/api/v1/communes/{lau2}/publishers"): {"staff_admin"},
    ("PUT", "/api/v1/communes/{lau2}/publishers/{publisher_id}/status"): {"staff_admin"},
    ("POST", "/api/v1/communes/{lau2}/publishers/{publisher_id}/logo"): {"staff_admin"},
    ("GET", "/api/v1/communes/{lau2}/publishing-settings"): {"staff_admin"},
    ("PUT", "/api/v1/communes/{lau2}/publishing-settings"): {"staff_admin"},
    ("GET", "/api/v1/communes/{lau2}/publisher-links"): {"staff_admin"},
    ("POST", "/api/v1/communes/{lau2}/publisher-links"): {"staff_admin"},
    ("DELETE", "/api/v1/communes/{lau2}/publisher-links/{link_id}"): {"staff_admin"},
    ("GET", "/api/v1/communes/{lau2}/announcement-reviews"): {"staff_admin", "staff_editor"},
    ("POST", "/api/v1/communes/{lau2}/announcement-reviews/{announcement_id}"): {"staff_admin", "staff_editor"},
    ("GET", "/api/v1/communes/{lau2}/event-reviews"): {"staff_admin", "staff_editor"},
    ("POST", "/api/v1/communes/{lau2}/event-reviews/{event_id}"): {"staff_admin", "staff_editor"},
    ("GET", "/api/v1/communes/{lau2}/call-reviews"): {"staff_admin", "staff_editor"},
    ("POST", "/api/v1/communes/{lau2}/call-reviews/{call_id}"): {"staff_admin", "staff_editor"},
    ("POST", "/api/v1/communes/{lau2}/events/{event_id}/cancel"): {"staff_admin", "staff_editor"},
    ("GET", "/api/v1/publish"): {"publisher_link"},
    ("POST", "/api/v1/publish/attachments"): {"publisher_link"},
    ("GET", "/api/v1/publish/attachments/{attachment_id}"): {"publisher_link"},
    ("POST", "/api/v1/publish/announcements"): {"publisher_link"},
    ("POST", "/api/v1/publish/photos"): {"publisher_link"},
    ("GET", "/api/v1/publish/photos/{photo_id}"): {"publisher_link"},
    ("GET", "/api/v1/publish/events"): {"publisher_link"},
    ("POST", "/api/v1/publish/events"): {"publisher_link"},
    ("PATCH", "/api/v1/publish/events/{event_id}"): {"publisher_link"},
    ("POST", "/api/v1/publish/events/{event_id}/cancel"): {"publisher_link"},
    ("POST", "/api/v1/publish/volunteering"): {"publisher_link"},
    ("GET", "/api/v1/publish/volunteering"): {"publisher_link"},
    ("GET", "/api/v1/publish/volunteering/{call_id}/sign-ups"): {"publisher_link"},
    ("POST", "/api/v1/publish/volunteering/{call_id}/cancel"): {"publisher_link"},
    ("POST", "/api/v1/publish/volunteering/{call_id}/shifts/{shift_id}/cancel"): {"publisher_link"},
    ("POST", "/api/v1/publish/volunteering/{call_id}/shifts/{shift_id}/move"): {"publisher_link"},
    ("POST", "/api/v1/publish/volunteering/{call_id}/shifts/{shift_id}/attendance"): {"publisher_link"},
    ("POST", "/api/v1/publish/volunteering/{call_id}/shifts/{shift_id}/find-cover"): {"publisher_link"},
    ("GET", "/api/v1/communes/{lau2}/events"): ALL,
    ("GET", "/api/v1/communes/{lau2}/events.ics"): ALL,
    ("GET", "/api/v1/me/announcements"): SIGNED_IN,
    ("GET", "/api/v1/communes/{lau2}/announcements"): ALL,
    ("GET", "/api/v1/communes/{lau2}/announcements.atom"): ALL,
    ("GET", "/api/v1/announcements/{announcement_id}"): ALL,
    # Consultations: admins and editors prepare them and read results and comments; residents take part
    # through their own neighbourhood's path only: staff and other neighbourhoods get 404 there (tests/consultations/).
    ("GET", "/api/v1/communes/{lau2}/consultations"): {"staff_admin", "staff_editor"},
    ("POST", "/api/v1/communes/{lau2}/consultations"): {"staff_admin", "staff_editor"},
    ("GET", "/api/v1/communes/{lau2}/consultations/{consultation_id}"): {"staff_admin", "staff_editor"},
    ("PUT", "/api/v1/communes/{lau2}/consultations/{consultation_id}"): {"staff_admin", "staff_editor"},
    ("POST", "/api/v1/communes/{lau2}/consultations/{consultation_id}/publish"): {"staff_admin", "staff_editor"},
    ("POST", "/api/v1/communes/{lau2}/consultations/{consultation_id}/documents"): {"staff_admin", "staff_editor"},
    ("GET", "/api/v1/communes/{lau2}/consultations/{consultation_id}/documents/{document_id}"):
        {"staff_admin", "staff_editor"},
    ("GET", "/api/v1/communes/{lau2}/consultations/{consultation_id}/results"): {"staff_admin", "staff_editor"},
    ("GET", "/api/v1/communes/{lau2}/consultations/{consultation_id}/results.csv"): {"staff_admin", "staff_editor"},
    ("GET", "/api/v1/communes/{lau2}/consultations/{consultation_id}/comments"): {"staff_admin", "staff_editor"},
    ("GET", "/api/v1/neighbourhoods/{neighbourhood_id}/consultations"): {"verified", "ambassador"},
    ("GET", "/api/v1/neighbourhoods/{neighbourhood_id}/consultations/{consultation_id}"): {"verified", "ambassador"},
    ("PUT", "/api/v1/neighbourhoods/{neighbourhood_id}/consultations/{consultation_id}/answers"):
        {"verified", "ambassador"},
    ("GET", "/api/v1/neighbourhoods/{neighbourhood_id}/consultations/{consultation_id}/comments"):
        {"verified", "ambassador"},
    ("POST", "/api/v1/neighbourhoods/{neighbourhood_id}/consultations/{consultation_id}/comments"):
        {"verified", "ambassador"},
    ("GET", "/api/v1/neighbourhoods/{neighbourhood_id}/consultations/{consultation_id}/results"):
        {"verified", "ambassador"},
    ("GET", "/api/v1/neighbourhoods/{neighbourhood_id}/consultations/{consultation_id}/documents/{document_id}"):
        {"verified", "ambassador"},
    # The commune's indicators: its admins and editors (404 to residents, partners and other staff); a neighbourhood's
    # figures: its ambassadors; the public headline figures: anyone, when published (tests/indicators/).
    ("GET", "/api/v1/communes/{lau2}/indicators"): {"staff_admin", "staff_editor"},
    ("GET", "/api/v1/communes/{lau2}/indicators.csv"): {"staff_admin", "staff_editor"},
    ("GET", "/api/v1/communes/{lau2}/report"): {"staff_admin", "staff_editor"},
    ("GET", "/api/v1/neighbourhoods/{neighbourhood_id}/indicators"): {"ambassador"},
    ("GET", "/api/v1/communes/{lau2}/indicators/public"): ALL,
    # The participatory budget: admins set up, review, enter paper ballots and publish; verified residents of the
    # commune (any neighbourhood) propose, support and vote; reading is an open route, the budget service shows an
    # edition to its commune's staff and residents, and to anyone once its results are published (tests/budget/).
    ("GET", "/api/v1/communes/{lau2}/budgets"): ALL,
    ("POST", "/api/v1/communes/{lau2}/budgets"): {"staff_admin"},
    ("GET", "/api/v1/communes/{lau2}/budgets/{edition_id}"): ALL,
    ("PUT", "/api/v1/communes/{lau2}/budgets/{edition_id}"): {"staff_admin"},
    ("POST", "/api/v1/communes/{lau2}/budgets/{edition_id}/phase"): {"staff_admin"},
    ("GET", "/api/v1/communes/{lau2}/budgets/{edition_id}/proposals"): ALL,
    ("POST", "/api/v1/communes/{lau2}/budgets/{edition_id}/proposals"): COMMUNE_RESIDENTS,
    ("GET", "/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}"): ALL,
    ("PUT", "/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/support"): COMMUNE_RESIDENTS,
    ("POST", "/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/comments"): COMMUNE_RESIDENTS,
    ("POST", "/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/document"): COMMUNE_RESIDENTS,
    ("GET", "/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/document"): ALL,
    ("GET", "/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/comments"): ALL,
    # Reporting a proposal: anyone signed in passes the route; the content kernel answers 404 to who may not read it.
    ("POST", "/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/reports"): SIGNED_IN,
    ("POST", "/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/review"): {"staff_admin"},
    ("POST", "/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/merge"): {"staff_admin"},
    ("PUT", "/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/implementation"): {"staff_admin"},
    ("POST", "/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/photos"): {"staff_admin"},
    ("GET", "/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/photos/{photo_id}"): ALL,
    ("GET", "/api/v1/communes/{lau2}/budgets/{edition_id}/ballot"): COMMUNE_RESIDENTS,
    ("PUT", "/api/v1/communes/{lau2}/budgets/{edition_id}/ballot"): COMMUNE_RESIDENTS,
    ("GET", "/api/v1/communes/{lau2}/budgets/{edition_id}/totals"): {"staff_admin"},
    ("POST", "/api/v1/communes/{lau2}/budgets/{edition_id}/paper-cards"): {"staff_admin"},
    ("POST", "/api/v1/communes/{lau2}/budgets/{edition_id}/paper-ballots"): {"staff_admin"},
    ("GET", "/api/v1/communes/{lau2}/budgets/{edition_id}/results"): ALL,
    ("GET", "/api/v1/communes/{lau2}/budgets/{edition_id}/results.csv"): ALL,
    ("GET", "/api/v1/communes/{lau2}/budgets/{edition_id}/results.pb"): ALL,
    ("POST", "/api/v1/communes/{lau2}/budgets/{edition_id}/results/publish"): {"staff_admin"},
}

def _routes(app):
    return sorted((method, path) for path, methods in app.routes.items() for method in methods)


def _target(path):
    """What a request's path names, as the route wrapper passes it to the policy module."""
    values = {"lau2": "0501", "neighbourhood_id": N1, "nbh_id": N1, "import_id": "I1"}
    return {name: values.get(name, "X") for name in re.findall(r"{(\w+)}", path)}


def test_the_matrix_names_every_route_of_the_app(app):
    assert set(_routes(app)) == set(EXPECTED)


@pytest.mark.parametrize("situation", sorted(SITUATIONS))
def test_each_situation_gets_exactly_what_the_matrix_allows(api_docs, situation):
    principal = SITUATIONS[situation]
    for doc in api_docs:
        allowed = situation in EXPECTED[(doc.method, doc.path)]
        assert policy.allows(doc.action, principal, _target(doc.path)) == allowed, (situation, doc.method, doc.path)


# Routes on a neighbourhood where its commune's staff, who know its neighbourhoods, are told who decides (403)
# rather than that it does not exist (404): its moderation (its ambassadors and the commune's moderators).
TOLD_WHO_DECIDES = {"moderation.neighbourhood"}
POLICY_404 = {"neighbourhood_id": "not found"}  # the policy's "no such content here", told apart from missing data


@pytest.mark.parametrize("situation", sorted(SITUATIONS))
def test_each_situation_gets_those_answers_over_http(client, act_as, api_docs, situation):
    # Through the route wrapper: refusals are 401/403/404 as the policy says; allowed requests get
    # past the policy (bodies are malformed on purpose, so nothing is written: they answer 400).
    act_as(SITUATIONS[situation])
    for doc in api_docs:
        target = _target(doc.path)
        url = doc.path.format(**target)
        response = client.request(doc.method, url, headers=JSON, body=b"{not json" if doc.body else b"")
        refusal = response.status_code in (401, 403) or (
            response.status_code == 404 and response.json_body["error"]["fields"] == POLICY_404)
        if situation in EXPECTED[(doc.method, doc.path)]:
            assert not refusal, (situation, doc.method, doc.path, response.body[:200])
        else:
            expected = 401 if situation == "anonymous" else (404 if "resident" in doc_rule(doc) else 403)
            if situation.startswith("staff_") and doc.action in TOLD_WHO_DECIDES:
                expected = 403
            assert response.status_code == expected, (situation, doc.method, doc.path, response.status_code)


def doc_rule(doc) -> str:
    return policy.RULES[doc.action].__name__


def test_refusals_say_401_to_strangers_404_about_neighbourhood_content_and_403_otherwise():
    from chalicelib.errors import Forbidden, NotFound, NotSignedIn

    with pytest.raises(NotSignedIn):
        policy.authorize("addresses.import", ANONYMOUS, {"lau2": "0501"})
    with pytest.raises(Forbidden):
        policy.authorize("addresses.import", SITUATIONS["other_commune_admin"], {"lau2": "0501"})
    with pytest.raises(NotFound):
        policy.resident()(SITUATIONS["other_verified"], {"neighbourhood_id": N1})
    with pytest.raises(NotFound):
        policy.resident()(SITUATIONS["staff_admin"], {"neighbourhood_id": N1})
    with pytest.raises(NotFound):
        policy.resident()(SITUATIONS["pending"], {"neighbourhood_id": N1})
    policy.resident(verified=False)(SITUATIONS["pending"], {"neighbourhood_id": N1})


def test_every_route_asks_the_policy_before_reading_its_input(client, app, act_as):
    # Through HTTP: a stranger is turned away (401) by every route not open to all, before any input is read.
    act_as(ANONYMOUS)
    for method, path in _routes(app):
        if "anonymous" in EXPECTED[(method, path)]:
            continue
        url = re.sub(r"{\w+}", "0501", path)
        response = client.request(method, url, headers=JSON, body=b"{not json")
        assert response.status_code == 401, (method, path, response.status_code)


def test_no_stage_grants_anything_without_a_session(monkeypatch):
    from chalicelib.config import Settings

    class NoCookies:
        headers = {}
        method = "GET"

    for stage in ("local", "test", "prod"):
        monkeypatch.setattr("chalicelib.config.get_settings", lambda stage=stage: Settings(stage=stage))
        assert policy.principal_for(NoCookies()) == ANONYMOUS


# --- the actor is the subject: separation of duties --------------------------------------------------
#
# Every route that decides on someone's case, the case its service asks `policy.not_own_case` about
# (policy.OWN_CASE), whose case it is, and the test that shows the refusal over HTTP with real data.
OWN_CASE_ROUTES = {
    ("POST", "/api/v1/communes/{lau2}/verifications/{user_id}"):
        ("residents.verify", "the pending resident, and anyone of the actor's household",
         "tests/api/test_verifications.py"),
    ("POST", "/api/v1/me/residence/code"):
        ("me.residence_code", "the staff member who printed the letter (they saw its code)",
         "tests/api/test_verifications.py"),
    ("PUT", "/api/v1/communes/{lau2}/ambassadors/{user_id}"):
        ("residents.ambassadors", "the resident appointed", "tests/api/test_verifications.py"),
    ("DELETE", "/api/v1/communes/{lau2}/ambassadors/{user_id}"):
        ("residents.ambassadors", "the resident dismissed", "tests/api/test_verifications.py"),
    ("PUT", "/api/v1/communes/{lau2}/moderators/{user_id}"):
        ("residents.ambassadors", "the resident appointed", "tests/api/test_verifications.py"),
    ("DELETE", "/api/v1/communes/{lau2}/moderators/{user_id}"):
        ("residents.ambassadors", "the resident dismissed", "tests/api/test_verifications.py"),
    ("POST", "/api/v1/communes/{lau2}/staff"):
        ("staff.manage", "the account the email names (an admin never grants themselves a role)",
         "tests/api/test_staff_roles.py"),
    ("DELETE", "/api/v1/communes/{lau2}/staff/{user_id}/{role}"):
        ("staff.manage", "the staff member whose role is withdrawn", "tests/api/test_staff_roles.py"),
    ("POST", "/api/v1/neighbourhoods/{neighbourhood_id}/vouches"):
        ("neighbourhood.vouch", "the pending neighbour, and anyone of the voucher's household",
         "tests/api/test_neighbours.py"),
    ("POST", "/api/v1/neighbourhoods/{neighbourhood_id}/reports/{target_type}/{target_id}"):
        ("moderation.decide", "the author of the post, comment or message, and its reporters",
         "tests/moderation/test_own_case.py"),
    ("POST", "/api/v1/posts/{post_id}/moderation"):
        ("moderation.decide", "the post's author and its open reports' reporters", "tests/moderation/test_own_case.py"),
    ("POST", "/api/v1/posts/{post_id}/appeal/decision"):
        ("moderation.appeal", "the post's author, and the moderator who hid it", "tests/moderation/test_own_case.py"),
    ("POST", "/api/v1/communes/{lau2}/announcement-reviews/{announcement_id}"):
        ("announcements.review", "the staff who issued the publisher link that sent it or registered its publisher "
         "(approve and reject; withdrawing is always allowed)", "tests/announcements/test_channel.py"),
    ("POST", "/api/v1/communes/{lau2}/event-reviews/{event_id}"):
        ("events.review", "the event's organisers; for a partner's event, the staff who issued its publisher link or "
         "registered its publisher", "tests/events/test_approval.py"),
    ("POST", "/api/v1/communes/{lau2}/call-reviews/{call_id}"):
        ("volunteering.review", "the staff who issued the partner's publisher link or registered its publisher",
         "tests/volunteering/test_approval.py"),
    ("POST", "/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/review"):
        ("budget.review", "the proposal's author", "tests/budget/test_editions.py"),
    ("POST", "/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/merge"):
        ("budget.review", "the authors of both proposals", "tests/budget/test_editions.py"),
    ("POST", "/api/v1/items/{item_id}/loans"):
        ("lending.request", "the item's owner (who lends, never borrows it)", "tests/lending/test_lending.py"),
    ("POST", "/api/v1/loans/{loan_id}/decision"):
        ("lending.decide", "the borrower (the owner decides)", "tests/lending/test_lending.py"),
}
# Where a route decides on a resident, the actor's household is their own case too.
HOUSEHOLD_CASES = {"residents.verify", "neighbourhood.vouch"}
# Who may act on a route that names no neighbourhood or commune in its policy (the service checks further).
DECIDERS = {"moderation.decide": "ambassador", "moderation.appeal": "ambassador", "lending.request": "verified",
            "lending.decide": "verified"}


def test_every_decision_route_names_its_own_case_and_every_case_has_a_route(app):
    assert set(OWN_CASE_ROUTES) <= set(_routes(app))
    decisions = {decision for decision, _, _ in OWN_CASE_ROUTES.values()}
    assert decisions == {name for name in policy.OWN_CASE if not name.endswith(".household")}
    assert {name.removesuffix(".household") for name in policy.OWN_CASE if name.endswith(".household")} == HOUSEHOLD_CASES


def _deciders(route, decision):
    """The situations that may use the route at all (the matrix above), signed in with an account."""
    allowed = {name for name in EXPECTED[route] if SITUATIONS[name].user_id is not None}
    return sorted({DECIDERS[decision]} if decision in DECIDERS else allowed)


@pytest.mark.parametrize("route", sorted(OWN_CASE_ROUTES), ids=" ".join)
def test_the_actor_is_never_the_subject(route):
    from chalicelib.errors import Forbidden

    decision, _whose, _test = OWN_CASE_ROUTES[route]
    deciders = _deciders(route, decision)
    assert deciders, route
    for name in deciders:
        actor = SITUATIONS[name]
        with pytest.raises(Forbidden) as refused:
            policy.not_own_case(decision, actor, ["U-someone", actor.user_id])
        assert list(refused.value.fields.values()) == ["your own case"], (route, name)
        assert refused.value.status == 403 and refused.value.message  # says who else decides
        policy.not_own_case(decision, actor, ["U-someone", None])  # someone else's case: allowed
        if decision in HOUSEHOLD_CASES:
            at_home = Principal(**{**actor.__dict__, "address_id": "7984-20"})
            with pytest.raises(Forbidden) as household:
                policy.not_own_case(decision, at_home, ["U-someone"], household="7984-20")
            assert list(household.value.fields.values()) == ["your own household"], (route, name)
            policy.not_own_case(decision, at_home, ["U-someone"], household="7973-46")
            policy.not_own_case(decision, actor, ["U-someone"], household="7984-20")  # no address: no household
