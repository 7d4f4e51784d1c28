// Browser test of neighbourhood life across a border: node --test tests/browser/lost-cat.test.mjs
// Resident A posts a lost cat with a photo; resident B, verified in the NEXT neighbourhood (within
// about 1 km), sees it in B's own feed marked as coming from a nearby neighbourhood and comments;
// A marks the cat reunited and sees B's comment. B sees the photo and A's name too.
// NOPER_BASE_URL is the origin of the stack (site at /, API at /api/v1/*); NOPER_OUTBOX_DIR its
// outbox (sign-in codes). The stack must run the local stand-in for EventBridge
// (ops/local_events.py) so the photo gets processed, and commune 0501 must be seeded as
// tests/stack/conftest.py does (the register sample, neighbourhoods of about 8 addresses), so that
// Hupperdange's Hauptstrooss and Heigaart are neighbouring neighbourhoods.
// Both residents are made through the real flows: sign-in code from the outbox, address claimed,
// then approved by a commune verifier (`./noper staff add ... --role verifier`, then the staff API).
// NOPER_SCREENSHOTS=1 also saves /tmp/noper-lost-cat-*.png (360 px wide).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { chromiumForTests, drawnJpeg, ROOT, staffMember, uniqueStamp, verifiedResident, watchPageErrors } from './stack-session.mjs';

const BASE_URL = process.env.NOPER_BASE_URL?.replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('NOPER_BASE_URL is not set: start the local stack and set it to its origin, e.g. http://127.0.0.1:8000');
}
const COMMUNE = '0501';
const SCREENSHOTS = Boolean(process.env.NOPER_SCREENSHOTS);
const TIMEOUT = 30_000;
const life = JSON.parse(readFileSync(new URL('../../frontend/src/i18n/locales/life/en.json', import.meta.url), 'utf8'));

// Where the residents live and the cat was last seen: rows of the seeded register sample (BD-Adresses, CC0).
const SAMPLE = readFileSync(join(ROOT, 'tests/data/lu-addresses-sample.csv'), 'utf8').replace(/^\uFEFF/, '').split('\n');
function sampleAddress(street, number) {
  const row = SAMPLE.map((line) => line.split(';')).find((cells) => cells[0] === street && cells[1] === number && cells[12]?.trim() === COMMUNE);
  if (!row) throw new Error(`${street} ${number} is not in tests/data/lu-addresses-sample.csv`);
  return { query: `${street} ${number}`, lat: Number(row[6]), lon: Number(row[7]) };
}
const A_HOME = sampleAddress('Hauptstrooss', '60');
const B_HOME = sampleAddress('Heigaart', '14');
const LAST_SEEN = sampleAddress('Hauptstrooss', '58'); // next door to A, a few hundred metres from B's street

const stamp = uniqueStamp();
const chromium = chromiumForTests();

/** A resident at `home`, verified by the commune's verifier, with this test's longer waits; returns the context and their neighbourhood id. */
async function resident(name, home, approve) {
  const email = `${name.toLowerCase()}-${stamp}@example.lu`;
  const { context, profile, neighbourhood } = await verifiedResident(chromium.browser, BASE_URL, {
    commune: COMMUNE, email, displayName: `${name} ${stamp.slice(-4)}`, query: home.query, approve, timeout: TIMEOUT,
  });
  return { context, neighbourhood: neighbourhood.id, name: profile.display_name };
}

async function shoot(page, name) {
  if (SCREENSHOTS) await page.screenshot({ path: `/tmp/noper-lost-cat-${name}.png`, fullPage: true });
}

describe('a lost cat reaches the next neighbourhood', () => {
  test('A posts it with a photo, B nearby sees it marked and comments, A marks it reunited', async () => {
    // Given a commune verifier and two residents verified in neighbouring neighbourhoods
    const verifierEmail = `lostcat-verifier-${stamp}@example.lu`;
    const staff = await staffMember(chromium.browser, BASE_URL, { commune: COMMUNE, email: verifierEmail, role: 'verifier', timeout: TIMEOUT });
    const a = await resident('Anna', A_HOME, staff.approve);
    const b = await resident('Ben', B_HOME, staff.approve);
    await staff.context.close();
    assert.notEqual(a.neighbourhood, b.neighbourhood, 'A and B must live in two neighbourhoods');

    const pageA = await a.context.newPage();
    const pageB = await b.context.newPage();
    const errorsA = watchPageErrors(pageA);
    const errorsB = watchPageErrors(pageB);
    try {
      // When A opens the neighbourhood, then its news, and chooses "Report a lost pet"
      await pageA.goto(`${BASE_URL}/neighbourhoods/${encodeURIComponent(a.neighbourhood)}`);
      await pageA.getByTestId('neighbourhood-nav').getByRole('link', { name: life['life.nav.feed'] }).click();
      await pageA.getByRole('link', { name: life['life.compose.link.lost_pet'] }).click();
      await pageA.locator('[data-testid="compose-form"][data-kind="lost_pet"]').waitFor();

      // And fills the form: animal, description, the point (the centre button, then typed coordinates), a photo
      await pageA.getByLabel(life['life.compose.species'], { exact: true }).fill('cat');
      await pageA.getByLabel(life['life.compose.description']).fill('Grey tabby called Mimi, shy, red collar.');
      await pageA.locator('[data-testid="point-map"][data-ready="true"]').waitFor();
      await pageA.getByRole('button', { name: life['life.compose.useCentre'] }).click();
      assert.match(await pageA.getByLabel(life['life.compose.lat'], { exact: true }).inputValue(), /^49\.|^50\./);
      await pageA.getByLabel(life['life.compose.lat'], { exact: true }).fill(String(LAST_SEEN.lat));
      await pageA.getByLabel(life['life.compose.lon'], { exact: true }).fill(String(LAST_SEEN.lon));
      // When it was last seen: now unless changed; A says it was two hours and a quarter ago
      const seenBox = pageA.getByLabel(life['life.compose.seenAt'], { exact: true });
      assert.match(await seenBox.inputValue(), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
      const seen = await pageA.evaluate(() => {
        const at = new Date(Date.now() - 135 * 60_000);
        const pad = (n) => String(n).padStart(2, '0');
        return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
      });
      await seenBox.fill(seen);
      await pageA.getByTestId('photo-input').setInputFiles(await drawnJpeg(pageA, 'mimi.jpg'));
      // The server checks and re-encodes the photo asynchronously (ops/local_events.py here): wait for "ready".
      await pageA.locator('[data-testid="photo-status"][data-phase="ready"]').waitFor({ timeout: 30_000 });
      await shoot(pageA, 'compose-360');

      // And publishes (the tone check finds nothing to ask about)
      await pageA.getByTestId('publish').click();
      await pageA.waitForURL(/\/posts\/[0-9A-Z]{26}$/);
      const postId = pageA.url().split('/').pop();
      await pageA.getByTestId('post-title').filter({ hasText: 'cat' }).waitFor();
      const photo = pageA.getByTestId('post-photo');
      await photo.waitFor();
      assert.ok(await photo.evaluate((img) => img.complete && img.naturalWidth > 0), 'the processed photo does not display');
      assert.equal(await pageA.getByTestId('post-state').innerText(), life['life.state.lost']);
      // The post says when and where it was last seen: the time given and the street of the point's cell
      const lastSeen = await pageA.getByTestId('last-seen').innerText();
      assert.ok(lastSeen.startsWith('Last seen ') && lastSeen.includes(`:${seen.slice(14, 16)}`) && / near .+/.test(lastSeen), lastSeen);

      // Then B sees it in B's own feed, marked as coming from a nearby neighbourhood
      await pageB.goto(`${BASE_URL}/neighbourhoods/${encodeURIComponent(b.neighbourhood)}/posts`);
      const card = pageB.locator(`[data-testid="feed-post"][data-post-id="${postId}"]`);
      await card.waitFor();
      assert.equal(await card.getByTestId('nearby-marker').innerText(), life['life.nearby']);
      // With the photo's thumbnail (a pet's photo reaches where its post reaches) and A's name as A shows it
      const thumb = card.locator('img.thumb');
      await thumb.waitFor();
      await pageB.waitForFunction((img) => img.complete && img.naturalWidth > 0, await thumb.elementHandle());
      assert.ok((await card.innerText()).includes(a.name), `the card does not name ${a.name}`);
      await shoot(pageB, 'feed-360');

      // When B opens it and comments, with the keyboard
      await card.getByRole('link').first().focus();
      await pageB.keyboard.press('Enter');
      await pageB.waitForURL(new RegExp(`/posts/${postId}$`));
      await pageB.getByTestId('post-photo').waitFor();
      const comment = `I saw a grey cat on Heigaart this morning (${stamp})`;
      await pageB.getByLabel(life['life.comments.write']).fill(comment);
      await pageB.getByTestId('send-comment').click();
      await pageB.getByTestId('comment-text').filter({ hasText: comment }).waitFor();
      assert.equal(await pageB.getByTestId('post-notice').innerText(), life['life.notice.commented']);
      assert.equal(await pageB.locator('[data-testid^="to-"]').count(), 0, 'B may not change the state of A’s post');

      // Then A, back on the post, sees B's comment and marks the cat reunited
      await pageA.reload();
      await pageA.getByTestId('comment-text').filter({ hasText: comment }).waitFor();
      await pageA.getByRole('button', { name: life['life.move.reunited'] }).click();
      await pageA.getByTestId('post-state').filter({ hasText: life['life.state.reunited'] }).waitFor();
      assert.equal(await pageA.locator('[data-testid^="to-"]').count(), 0, 'reunited is the last state');
      await shoot(pageA, 'reunited-360');

      // And B's feed shows the new state
      await pageB.goto(`${BASE_URL}/neighbourhoods/${encodeURIComponent(b.neighbourhood)}/posts`);
      await pageB.locator(`[data-testid="feed-post"][data-post-id="${postId}"] [data-state="reunited"]`).waitFor();

      // Nothing overflows a 360 px screen
      for (const page of [pageA, pageB]) {
        assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), `${page.url()} scrolls sideways at 360 px`);
      }
      assert.deepEqual(errorsA, []);
      assert.deepEqual(errorsB, []);
    } catch (error) {
      // What each resident saw when it failed, for the report.
      await pageA.screenshot({ path: '/tmp/noper-lost-cat-failed-a.png', fullPage: true }).catch(() => undefined);
      await pageB.screenshot({ path: '/tmp/noper-lost-cat-failed-b.png', fullPage: true }).catch(() => undefined);
      throw new Error(`${error.message}\npage errors: ${[...errorsA, ...errorsB].map(String).join('; ') || 'none'} (screenshots /tmp/noper-lost-cat-failed-*.png)`, { cause: error });
    } finally {
      await a.context.close();
      await b.context.close();
    }
  });
});
