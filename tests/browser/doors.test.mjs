// Browser test of the doors (issue #15, point 5): node --test tests/browser/doors.test.mjs
// Every door leads somewhere: an anonymous visitor finds the way to join from the landing page and from
// the commune page's address lookup, and a neighbourhood link tells them why they must sign in; a pending
// resident opening a feed link is told their address is not verified yet, and how; a commune-appointed
// moderator finds the moderation queues from their profile, and staff opening one are told who moderates.
// NOPER_BASE_URL is the origin of the stack (site at /, API at /api/v1/*); NOPER_OUTBOX_DIR its outbox.
// Commune 0501 must be seeded as tests/stack/conftest.py does (the register sample, published neighbourhoods).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { chromiumForTests, newContext, ROOT, signedIn, staffMember, uniqueStamp, verifiedResident, watchPageErrors } from './stack-session.mjs';

const BASE_URL = process.env.NOPER_BASE_URL?.replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('NOPER_BASE_URL is not set: start the local stack and set it to its origin, e.g. http://127.0.0.1:8000');
}
const COMMUNE = '0501';
const QUERY = 'kaesfurter 20';
const TIMEOUT = 30_000;
const catalogue = (area) => JSON.parse(readFileSync(new URL(`../../frontend/src/i18n/locales/${area}en.json`, import.meta.url), 'utf8'));
const en = { ...catalogue(''), ...catalogue('doors/'), ...catalogue('moderation/') };

const stamp = uniqueStamp();
const chromium = chromiumForTests();

/** The neighbourhood of the address QUERY finds, from the open register. */
async function neighbourhoodOfQuery(context) {
  const response = await context.request.get(`${BASE_URL}/api/v1/communes/${COMMUNE}/addresses?q=${encodeURIComponent(QUERY)}`);
  const found = (await response.json()).addresses.find((address) => address.neighbourhood);
  assert.ok(found, `no address "${QUERY}" in a published neighbourhood`);
  return { addressId: found.id, neighbourhood: found.neighbourhood };
}

describe('every door leads somewhere', () => {
  test('an anonymous visitor goes from the landing page and the commune page to the join path, told why at sign-in', async () => {
    const context = await newContext(chromium.browser, { timeout: TIMEOUT });
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    try {
      const { neighbourhood } = await neighbourhoodOfQuery(context);
      // The landing page explains the three steps and leads to joining, not only to signing in.
      await page.goto(`${BASE_URL}/`);
      const join = page.locator('[data-testid="home-join"]');
      await join.getByText(en['door.home.step3']).waitFor();
      await join.getByRole('link', { name: en['door.home.join'] }).click();
      await page.waitForURL(/\/sign-in\?next=%2Fjoin$/);
      assert.equal(await page.locator('[data-testid="sign-in-why"]').innerText(), en['door.signIn.join']);

      // The commune page's address lookup offers to join the neighbourhood it found.
      await page.goto(`${BASE_URL}/communes/${COMMUNE}`);
      const combobox = page.getByRole('combobox', { name: en['addressSearch.label'] });
      await combobox.focus();
      await page.keyboard.type(QUERY, { delay: 20 });
      await page.getByRole('listbox').getByRole('option').first().waitFor();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      const joinLink = page.getByRole('link', { name: en['door.commune.join'] });
      await joinLink.waitFor();
      assert.equal(await joinLink.getAttribute('href'), `/join?neighbourhood=${neighbourhood.id}`);
      await joinLink.click();
      await page.waitForURL(`${BASE_URL}/sign-in?next=${encodeURIComponent(`/join?neighbourhood=${neighbourhood.id}`)}`);
      await page.locator('[data-testid="sign-in-why"]').waitFor();

      // A neighbourhood link says why it needs signing in, and offers to join that neighbourhood.
      await page.goto(`${BASE_URL}/neighbourhoods/${neighbourhood.id}/posts`);
      await page.waitForURL(/\/sign-in\?next=/);
      const why = page.locator('[data-testid="sign-in-why"]');
      await why.getByText(en['door.signIn.neighbourhood']).waitFor();
      const joinHere = why.getByRole('link', { name: en['door.signIn.neighbourhoodJoin'] });
      assert.equal(
        await joinHere.getAttribute('href'),
        `/sign-in?next=${encodeURIComponent(`/join?neighbourhood=${neighbourhood.id}`)}`,
      );
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a pending resident opening a feed or post link is told their address is not verified yet, and how', async () => {
    const { context, call } = await signedIn(chromium.browser, BASE_URL, `pending-${stamp}@example.lu`, { timeout: TIMEOUT });
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    try {
      const { addressId, neighbourhood } = await neighbourhoodOfQuery(context);
      await call('PATCH', '/me', { display_name: `Pending ${stamp.slice(-4)}` });
      assert.equal((await call('PUT', '/me/residence', { address_id: addressId })).residence.status, 'pending');
      for (const path of [`/neighbourhoods/${neighbourhood.id}/posts`, '/posts/01JDOESNOTEXIST0000000000']) {
        await page.goto(`${BASE_URL}${path}`);
        const door = page.locator('[data-testid="door-notVerified"]');
        await door.getByRole('heading', { name: en['door.notVerified.title'] }).waitFor();
        assert.equal(await page.getByText(en['problem.notFound']).count(), 0);
        assert.equal(await door.getByRole('listitem').count(), 3); // the three ways
      }
      await page.locator('[data-testid="door-join"]').click();
      await page.waitForURL(/\/join$/);
      await page.locator('[data-testid="pending-state"]').waitFor();
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a commune moderator finds the moderation queues from their profile; staff are told who moderates', async () => {
    const admin = await staffMember(chromium.browser, BASE_URL, { commune: COMMUNE, email: `admin-${stamp}@example.lu`, role: 'admin', timeout: TIMEOUT });
    const email = `moderator-${stamp}@example.lu`;
    const { context } = await verifiedResident(chromium.browser, BASE_URL, {
      commune: COMMUNE, email, query: 'Kaesfurterstrooss 20', approve: admin.approve, displayName: `Mod ${stamp.slice(-4)}`, timeout: TIMEOUT,
    });
    execFileSync('./noper', ['moderator', 'add', email, '--commune', COMMUNE], { cwd: ROOT, env: process.env, stdio: 'pipe' });
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    try {
      await page.goto(`${BASE_URL}/me`);
      const help = page.locator('[data-testid="where-i-help"]');
      await help.getByText(en['door.roles.moderatorOf']).waitFor();
      const desks = help.locator('[data-testid="moderation-desk"]');
      await desks.first().waitFor();
      assert.ok((await desks.count()) > 1, 'a commune moderator moderates every neighbourhood of the commune');
      await desks.first().click();
      await page.waitForURL(/\/neighbourhoods\/[^/]+\/moderation$/);
      await page.getByRole('heading', { name: en['moderation.reports.title'] }).waitFor();
      assert.equal(await page.locator('.problem').count(), 0);
      const queue = new URL(page.url()).pathname;

      // The commune's staff opening the same queue are told who moderates it, and where to appoint them.
      const staffPage = await admin.context.newPage();
      await staffPage.goto(`${BASE_URL}${queue}`);
      await staffPage.getByText(en['door.moderatedByResidents']).waitFor();
      assert.equal(await staffPage.getByRole('link', { name: en['door.moderation.admin'] }).getAttribute('href'), `/admin/${COMMUNE}`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      await admin.context.close();
    }
  });
});
