// Browser test of what a screen costs: node --test tests/browser/calls-per-screen.test.mjs
// A verified resident walks ten screens of the web app as a resident does (feed, a post, messages, a
// conversation, the library, an item, professionals, the neighbours, the profile, back to the feed),
// following links inside the app (one page load, then in-app navigation), while the test counts the
// requests to /api/ each screen makes. It prints the figure per screen and fails above 2 on average
// (issue #16: the header's badges once per navigation, the members and the profile kept between screens).
// NOPER_BASE_URL is the origin of the stack, NOPER_OUTBOX_DIR its outbox; commune 0501 seeded as
// tests/stack/conftest.py does. A neighbour (made through the API) wrote a post, lends an item,
// recommended a plumber and wrote to the resident, so each screen has something to show. They live in
// Marnach, kilometres from the Hupperdange addresses the other browser tests use (which run alongside and
// post lost pets with photos that reach nearby feeds: thumbnails would add calls to this walk).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { chromiumForTests, staffMember, uniqueStamp, verifiedResident, watchPageErrors } from './stack-session.mjs';

const BASE_URL = process.env.NOPER_BASE_URL?.replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('NOPER_BASE_URL is not set: start the local stack and set it to its origin, e.g. http://127.0.0.1:8000');
}
const COMMUNE = '0501';
const TIMEOUT = 30_000;
const MAX_CALLS_PER_SCREEN = 2;
const QUIET_MS = 700; // no /api/ request in flight for this long: the screen has what it asked for

const stamp = uniqueStamp();
const chromium = chromiumForTests();

/** Counts the page's /api/ requests, by screen; `settled()` waits until none has been in flight for QUIET_MS. */
function apiCounter(page) {
  let inFlight = 0;
  let lastChange = Date.now();
  const seen = [];
  const isApi = (request) => new URL(request.url()).pathname.startsWith('/api/');
  page.on('request', (request) => {
    if (!isApi(request)) return;
    inFlight += 1;
    lastChange = Date.now();
    seen.push(`${request.method()} ${new URL(request.url()).pathname}`);
  });
  const done = (request) => {
    if (!isApi(request)) return;
    inFlight -= 1;
    lastChange = Date.now();
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return {
    seen,
    async settled() {
      const deadline = Date.now() + TIMEOUT;
      while (Date.now() < deadline) {
        if (inFlight === 0 && Date.now() - lastChange >= QUIET_MS) return;
        await delay(100); // waiting on the page's own requests: nothing to await but time
      }
      throw new Error(`requests still in flight after ${TIMEOUT} ms: ${seen.slice(-5).join(', ')}`);
    },
  };
}

/** Opens an in-app path as a click on a link does (the app's router takes it; no page load). */
async function follow(page, path) {
  await page.evaluate((href) => {
    const link = document.createElement('a');
    link.href = href;
    document.body.append(link);
    link.click();
    link.remove();
  }, path);
}

describe('calls per screen', () => {
  test('a ten-screen walk of a verified resident asks the API at most twice per screen on average', async () => {
    // Given two verified neighbours; Ben wrote a post, lends a drill, recommends a plumber and wrote to Anna
    const staff = await staffMember(chromium.browser, BASE_URL, { commune: COMMUNE, email: `walk-verifier-${stamp}@example.lu`, role: 'verifier', timeout: TIMEOUT });
    const anna = await verifiedResident(chromium.browser, BASE_URL, {
      commune: COMMUNE, email: `walk-anna-${stamp}@example.lu`, displayName: `Anna ${stamp.slice(-4)}`, query: 'Haaptstrooss 8', approve: staff.approve, timeout: TIMEOUT,
    });
    const ben = await verifiedResident(chromium.browser, BASE_URL, {
      commune: COMMUNE, email: `walk-ben-${stamp}@example.lu`, displayName: `Ben ${stamp.slice(-4)}`, query: 'Haaptstrooss 9', approve: staff.approve, timeout: TIMEOUT,
    });
    await staff.context.close();
    const nbh = anna.neighbourhood.id;
    assert.equal(ben.neighbourhood.id, nbh, 'Anna and Ben must be neighbours');
    const post = await ben.call('POST', `/neighbourhoods/${nbh}/posts`, { kind: 'help_request', title: 'Ladder', text: 'Who can lend a hand with a ladder on Saturday?' });
    await ben.call('POST', `/neighbourhoods/${nbh}/posts`, { kind: 'recommendation', trade: 'plumber', name: 'Jos Weber', phone: '+352 621 123 456', text: 'Quick and fair' });
    const item = await ben.call('POST', `/neighbourhoods/${nbh}/items`, { name: 'Drill', description: 'Cordless, two batteries', category: 'tools' });
    const talk = await ben.call('POST', '/conversations', { with_user_id: anna.profile.id, text: 'Hello neighbour, the drill is yours on Saturday.' });
    await ben.context.close();

    const page = await anna.context.newPage();
    const errors = watchPageErrors(page);
    const api = apiCounter(page);
    // Each screen with what it shows once its data came (so its requests were made before the count is taken).
    const screens = [
      ['feed', `/neighbourhoods/${nbh}/posts`, `[data-testid="feed-post"][data-post-id="${post.id}"]`],
      ['a post', `/posts/${post.id}`, '[data-testid="post-title"]'],
      ['messages', '/messages', `a[href="/messages/${talk.id}"]`],
      ['a conversation', `/messages/${talk.id}`, 'text=the drill is yours'],
      ['the library', `/neighbourhoods/${nbh}/library`, `a[href="/items/${item.id}"]`],
      ['an item', `/items/${item.id}`, '[data-testid="item-name"]'],
      ['professionals', `/neighbourhoods/${nbh}/professionals`, 'text=Jos Weber'],
      ['the neighbours', `/neighbourhoods/${nbh}`, '[data-testid="member-count"]'],
      ['the profile', '/me', '[data-testid="session-list"]'],
      ['back to the feed', `/neighbourhoods/${nbh}/posts`, `[data-testid="feed-post"][data-post-id="${post.id}"]`],
    ];
    const figures = [];
    try {
      // When Anna opens the app on her feed, then follows links from screen to screen
      for (const [index, [name, path, shown]] of screens.entries()) {
        const before = api.seen.length;
        if (index === 0) await page.goto(`${BASE_URL}${path}`);
        else await follow(page, path);
        await page.waitForURL(`${BASE_URL}${path}`);
        await page.locator(shown).first().waitFor();
        await api.settled();
        figures.push({ screen: name, calls: api.seen.length - before, requests: api.seen.slice(before) });
      }
    } finally {
      await anna.context.close();
    }

    // Then the figure is printed, and at most two calls a screen on average
    const total = figures.reduce((sum, figure) => sum + figure.calls, 0);
    const average = total / figures.length;
    for (const figure of figures) console.log(`  ${figure.screen.padEnd(18)} ${figure.calls}  ${figure.requests.join(', ')}`);
    console.log(`  API calls per screen: ${average.toFixed(2)} (${total} in ${figures.length} screens; at most ${MAX_CALLS_PER_SCREEN})`);
    assert.deepEqual(errors, []);
    assert.ok(average <= MAX_CALLS_PER_SCREEN, `${average.toFixed(2)} API calls per screen on average (at most ${MAX_CALLS_PER_SCREEN})`);
  });
});
