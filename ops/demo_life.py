"""A week of neighbourhood life for the demo residents of Demo-Gemeng (anna@, ben@, carla@), so
that `make run` shows a living feed and the weekly digest has something to say.

Everything goes through the services the API calls (posts, comments, thanks, photos, lending,
messages), as the residents would, at moments spread over the past seven days (the app's clock is
moved for each step). Idempotent: a marker item (`DEMO#LIFE`, `<lau2>`) is written once the week is
in; a second run adds nothing.
"""

from __future__ import annotations

import contextlib
import io
import sys
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterator

from pynamodb.attributes import UTCDateTimeAttribute

from chalicelib.store.table import Entity
from ops import demo_commune

ANNA, BEN, CARLA = "anna@demo.noper.lu", "ben@demo.noper.lu", "carla@demo.noper.lu"


class DemoLifeItem(Entity):
    """pk=DEMO#LIFE, sk=<lau2>: the demo week of this commune is loaded (ops only, never deployed)."""

    loaded_at = UTCDateTimeAttribute()

    @staticmethod
    def key(lau2: str) -> tuple[str, str]:
        return "DEMO#LIFE", lau2


def demo_life_loaded(lau2: str = demo_commune.LAU2) -> bool:
    try:
        DemoLifeItem.get(*DemoLifeItem.key(lau2), consistent_read=True)
    except DemoLifeItem.DoesNotExist:
        return False
    return True


@contextlib.contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Every module of the app took `now` from chalicelib.adapters.clock by name: point them all at `moment`."""
    from chalicelib.adapters import clock

    original = clock.now
    patched = [module for name, module in list(sys.modules.items())
               if name.startswith("chalicelib") and getattr(module, "now", None) is original]
    def stopped() -> datetime:
        return moment

    for module in patched:  # one function for all, so that a clock moved again inside is moved everywhere
        module.now = stopped  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for module in patched:
            module.now = original  # type: ignore[attr-defined]


def _cat_photo() -> bytes:
    """A small generated picture (a grey cat's face, roughly), as a JPEG."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 360), (214, 232, 204))
    draw = ImageDraw.Draw(image)
    draw.polygon([(170, 120), (200, 50), (230, 120)], fill=(120, 120, 128))
    draw.polygon([(250, 120), (280, 50), (310, 120)], fill=(120, 120, 128))
    draw.ellipse((150, 90, 330, 270), fill=(130, 130, 138))
    for x in (205, 275):
        draw.ellipse((x - 14, 150, x + 14, 178), fill=(240, 220, 90))
        draw.ellipse((x - 4, 154, x + 4, 174), fill=(20, 20, 20))
    draw.polygon([(232, 200), (248, 200), (240, 212)], fill=(230, 150, 160))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def _photo(principal: Any) -> str | None:
    """Upload the cat through the real path (presigned key, the object-created processing); None if S3 is not there."""
    from chalicelib.adapters.aws import client
    from chalicelib.config import get_settings
    from chalicelib.photos.models import PhotoUploadRequest
    from chalicelib.photos.service import process_uploaded_photo, start_upload, upload_key

    data = _cat_photo()
    try:
        started = start_upload(principal, PhotoUploadRequest(purpose="post", content_type="image/jpeg", size=len(data)))
        key = upload_key(principal.neighbourhood_id, started.photo_id)
        bucket = get_settings().uploads_bucket
        client("s3").put_object(Bucket=bucket, Key=key, Body=data, ContentType="image/jpeg")
        return started.photo_id if process_uploaded_photo(bucket, key) == "ready" else None
    except Exception as error:  # noqa: BLE001 - the demo goes on without a photo
        print(f"demo life: no photo for the lost cat ({error})", file=sys.stderr)
        return None


def week_start(moment: datetime) -> datetime:
    """Day 0 of the demo week: midnight in Luxembourg six days before `moment`, so day 5 is yesterday.
    Each step (day, hour) then stays on its Luxembourg day and in the past whatever the hour the demo
    is loaded at: a loan is accepted on its first day, not the day after (loans keep Luxembourg's calendar)."""
    from chalicelib.adapters.clock import LUXEMBOURG

    return moment.astimezone(LUXEMBOURG).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=6)


def load_demo_life(lau2: str = demo_commune.LAU2) -> list[str]:
    """Idempotent: nothing happens when the week is already in."""
    if demo_life_loaded(lau2):
        return [f"a week of neighbourhood life in {lau2}: already there"]
    import h3

    from chalicelib.accounts.principals import principal_of
    from chalicelib.accounts.roles import account_of
    from chalicelib.adapters.clock import now
    from chalicelib.comments import service as comments
    from chalicelib.comments.models import CommentRequest
    from chalicelib.lending import items as lending, loans
    from chalicelib.lending.models import ItemCreate, LoanRequest
    from chalicelib.messages import service as messages
    from chalicelib.messages.models import About, ConversationStart, MessageRequest, MessagesQuery
    from chalicelib.neighbourhoods.models import NeighbourhoodItem
    from chalicelib.posts import service as posts
    from chalicelib.posts.models import PostRequest, StateChange

    anna, ben, carla = (principal_of(account_of(email)) for email in (ANNA, BEN, CARLA))
    nbh = anna.neighbourhood_id
    if not nbh or any(p.residence_status != "verified" or p.neighbourhood_id != nbh for p in (anna, ben, carla)):
        return [f"a week of neighbourhood life in {lau2}: skipped (the demo residents are not verified neighbours)"]
    cells = NeighbourhoodItem.get(*NeighbourhoodItem.key(lau2, nbh)).cells
    lat, lon = h3.cell_to_latlng(sorted(cells)[len(cells) // 2])
    start = week_start(now())
    done: list[str] = []

    def at(days: float, hours: float, step: Callable[[], Any]) -> Any:
        with clock_at((start + timedelta(days=days, hours=hours)).astimezone(timezone.utc)):
            return step()

    def post(who: Any, payload: dict[str, Any]) -> Any:
        return posts.create_post(who, nbh, PostRequest.model_validate(payload))

    def comment(who: Any, post_id: str, text: str, reply_to: str | None = None) -> Any:
        return comments.add_comment(who, "post", post_id, CommentRequest(text=text, reply_to=reply_to))

    # Day 1: a discussion, comments and thanks.
    party = at(0, 2, lambda: post(anna, {
        "kind": "discussion", "title": "Street party in June?",
        "text": "Shall we close the street for an afternoon in June? Tables, music, everyone brings a dish."}))
    first = at(0, 4, lambda: comment(ben, party.id, "Count me in! I can bring my barbecue."))
    at(0, 5, lambda: comment(carla, party.id, "Great idea. Saturday the 14th?", reply_to=first.id))
    at(0, 6, lambda: comments.thank(carla, "post", party.id))
    done.append("a discussion with comments and thanks")

    # Day 2: a help request, matched and done.
    shopping = at(1, 1, lambda: post(carla, {
        "kind": "help_request", "title": "Shopping for my neighbour",
        "text": "Mrs Hoffmann at number 12 cannot walk far this week. Could someone bring her groceries on Thursday?"}))
    at(1, 3, lambda: comment(ben, shopping.id, "I go to the supermarket on Thursdays, I'll take her list."))
    at(1, 4, lambda: posts.change_state(carla, shopping.id, StateChange(state="matched", with_user_id=ben.user_id)))
    at(3, 10, lambda: posts.change_state(carla, shopping.id, StateChange(state="done")))
    at(3, 11, lambda: comments.thank(anna, "post", shopping.id))
    done.append("a help request, matched and done")

    # Day 3: a lost cat, with a photo, and a sighting.
    photo_id = at(2, 0, lambda: _photo(ben))
    cat = at(2, 1, lambda: post(ben, {
        "kind": "lost_pet", "species": "cat", "last_seen": {"lat": round(lat, 5), "lon": round(lon, 5)},
        "description": "Grey tabby called Mimi, shy, green collar. Not home since last night.",
        **({"photo_id": photo_id} if photo_id else {})}))
    at(2, 3, lambda: comment(anna, cat.id, "I think I saw a grey cat near the bakery this morning."))
    done.append("a lost cat" + (" with a photo" if photo_id else ""))

    # Day 4: a recommendation.
    at(3, 2, lambda: post(anna, {
        "kind": "recommendation", "trade": "plumber", "name": "Jos Weber", "phone": "+352 621 000 123",
        "text": "Came the same day for a leaking pipe, fair price, clean work."}))
    done.append("a recommendation")

    # Day 5: a giveaway.
    bike = at(4, 3, lambda: post(carla, {
        "kind": "giveaway", "title": "Children's bike (4-6 years)", "text": "Free to a good home, pick it up any evening."}))
    at(4, 5, lambda: comment(anna, bike.id, "My nephew would love it, can I come tonight?"))
    at(4, 6, lambda: posts.change_state(carla, bike.id, StateChange(state="reserved")))
    done.append("a giveaway")

    # Day 6 (yesterday): a drill lent to Anna, due back tomorrow; a conversation about it.
    drill = at(5, 1, lambda: lending.lend(ben, nbh, ItemCreate(
        name="Cordless drill", description="Bosch 18 V, two batteries, a box of bits.",
        conditions="Please charge the batteries before giving it back.", category="tools")))
    loan_start = (start + timedelta(days=5)).date()  # day 5 in Luxembourg, the loans' calendar
    tomorrow = loans.today() + timedelta(days=1)
    loan = at(5, 2, lambda: loans.request_loan(anna, drill.id, LoanRequest(start=loan_start, end=tomorrow)))
    at(5, 4, lambda: loans.decide(ben, loan.id, "accept"))
    at(5, 9, lambda: loans.change_state(ben, loan.id, "picked_up"))
    talk = at(5, 3, lambda: messages.start(anna, ConversationStart(
        with_user_id=ben.user_id, about=About(item_id=drill.id),
        text="Hi Ben, could I pick the drill up this evening? I'm hanging shelves.")))
    at(5, 4.5, lambda: (messages.messages(ben, talk.id, MessagesQuery()), messages.mark_read(ben, talk.id)))  # Ben reads it
    at(5, 5, lambda: messages.send(ben, talk.id, MessageRequest(text="Sure, any time after 6. It's charged.")))
    at(5, 20, lambda: (messages.messages(anna, talk.id, MessagesQuery()),  # Anna reads Ben's answer
                       messages.mark_read(anna, talk.id)))
    at(5, 21, lambda: messages.send(anna, talk.id, MessageRequest(
        text="Works great, thanks! I'll bring it back the day after tomorrow.")))
    done.append("a drill lent yesterday, due back tomorrow, and a conversation")

    DemoLifeItem(*DemoLifeItem.key(lau2), loaded_at=now()).save()
    return [f"a week of neighbourhood life in {lau2} ({nbh}): " + ", ".join(done)]
