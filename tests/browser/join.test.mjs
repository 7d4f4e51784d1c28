// Browser test of a resident joining: node --test tests/browser/join.test.mjs
// NOPER_BASE_URL is the origin that serves the site at / and the API at /api/v1/*.
// NOPER_OUTBOX_DIR is the stack's outbox folder (the local stack writes each email there as .eml;
// default .local/outbox of this checkout): the test reads the sign-in code from the newest email.
// NOPER_JOIN_COMMUNE (default 0501) must have published neighbourhoods and NOPER_JOIN_QUERY
// (default "kaesfurter 20") must find an address in one of them (see map.test.mjs for seeding).
// NOPER_LETTER_CODE_CMD, when set, is a shell command run with the resident's email as its one
// argument that prints the code of the letter the commune prints for the resident's household
// (tests/browser/letter_code.py reads it through the staff API); the test types it into the
// pending step and then expects to see itself in its neighbourhood's member list.
// NOPER_SCREENSHOTS=1 also saves /tmp/noper-join-*.png at 360 px and 1280 px.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { chromiumForTests, codeFromOutbox, newContext } from './stack-session.mjs';

const BASE_URL = process.env.NOPER_BASE_URL?.replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('NOPER_BASE_URL is not set: start the local stack and set it to its origin, e.g. http://127.0.0.1:8000');
}
const COMMUNE = process.env.NOPER_JOIN_COMMUNE || '0501';
const QUERY = process.env.NOPER_JOIN_QUERY || 'kaesfurter 20';
const LETTER_CODE_CMD = process.env.NOPER_LETTER_CODE_CMD;
const SCREENSHOTS = Boolean(process.env.NOPER_SCREENSHOTS);

const en = JSON.parse(readFileSync(new URL('../../frontend/src/i18n/locales/en.json', import.meta.url), 'utf8'));
const TIMEOUT = 15_000;
const chromium = chromiumForTests();

async function shoot(page, name) {
  if (!SCREENSHOTS) return;
  await page.screenshot({ path: `/tmp/noper-join-${name}.png`, fullPage: true });
}

describe('a resident joins their neighbourhood', () => {
  test('signs in with the emailed code, claims an address through the wizard and ends in the pending state', async () => {
    const email = `join-${Date.now()}-a${Math.random().toString(36).slice(2, 8)}@example.lu`;
    const context = await newContext(chromium.browser, { timeout: TIMEOUT });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error));
    try {
      // Given a visitor on a resident-only page: they are sent to sign in and brought back afterwards.
      await page.goto(`${BASE_URL}/join`);
      await page.waitForURL(/\/sign-in\?next=%2Fjoin$/);
      const emailBox = page.getByLabel(en['signIn.email.label']);
      await emailBox.fill(email);
      await shoot(page, 'sign-in-360');
      const asked = Date.now();
      await page.getByRole('button', { name: en['signIn.email.submit'] }).click();

      // When they type the code from the email.
      const codeBox = page.getByLabel(en['signIn.code.label']);
      await codeBox.waitFor();
      assert.equal(await codeBox.getAttribute('autocomplete'), 'one-time-code');
      assert.equal(await codeBox.getAttribute('inputmode'), 'numeric');
      assert.ok(await page.evaluate(() => document.activeElement?.id === 'sign-in-code'), 'the code field did not take the focus');
      await codeBox.fill(await codeFromOutbox(email, asked));
      await shoot(page, 'code-360');
      await page.getByRole('button', { name: en['signIn.code.submit'], exact: true }).click();

      // Then they are signed in and on the join wizard, step 1: the name neighbours will see, suggested
      // as a first name and initial (never the email itself), editable.
      await page.waitForURL(/\/join$/);
      await page.getByRole('navigation', { name: en['nav.label'] }).getByRole('link', { name: en['nav.profile'] }).waitFor();
      const step = page.locator('[data-testid="join-step"]');
      await page.locator('[data-testid="join-step"][data-step="name"]').waitFor();
      const nameBox = page.getByLabel(en['profile.name.label']);
      assert.equal(await nameBox.inputValue(), 'Join A.');
      const chosenName = `Jo ${email.slice(5, 18)}`;
      await nameBox.fill(chosenName);
      await shoot(page, 'name-360');
      await page.getByRole('button', { name: en['join.name.confirm'] }).click();
      await page.locator('[data-testid="join-step"][data-step="commune"]').waitFor();
      await shoot(page, 'commune-360');
      await step.locator(`button[data-lau2="${COMMUNE}"]`).click();

      // Step 3 (after the commune): find the address with the combobox; the map and answer show the neighbourhood.
      await page.locator('[data-testid="join-step"][data-step="address"]').waitFor();
      const combobox = page.getByRole('combobox', { name: en['addressSearch.label'] });
      await combobox.fill(QUERY);
      await page.getByRole('listbox').getByRole('option').first().waitFor();
      await combobox.press('ArrowDown');
      await combobox.press('Enter');
      const neighbourhood = (await page.locator('[data-testid="address-neighbourhood"]').innerText()).trim();
      assert.ok(neighbourhood, 'the chosen address shows no neighbourhood');
      await page.locator('[data-testid="neighbourhood-map"][data-ready="true"]').waitFor();
      await shoot(page, 'address-360');
      await page.getByRole('button', { name: en['join.address.confirmIn'].replace('{neighbourhood}', neighbourhood) }).click();

      // Step 4: the pending state explains the three ways in and offers the letter code form.
      const pending = page.locator('[data-testid="pending-state"]');
      await pending.waitFor();
      for (const key of ['join.way.letter.title', 'join.way.vouch.title', 'join.way.staff.title']) {
        assert.ok((await pending.innerText()).includes(en[key]), `the pending state does not explain "${en[key]}"`);
      }
      await page.getByLabel(en['join.letter.label']).waitFor();
      assert.ok(await page.evaluate(() => document.activeElement?.id === 'join-step-title'), 'the new step heading did not take the focus');
      await shoot(page, 'pending-360');
      await page.setViewportSize({ width: 1280, height: 900 });
      await shoot(page, 'pending-desktop');

      const me = await page.request.get(`${BASE_URL}/api/v1/me`);
      assert.equal(me.status(), 200);
      const profile = await me.json();
      assert.equal(profile.residence.status, 'pending');
      assert.equal(profile.display_name, chosenName);
      assert.equal(profile.name_chosen, true);
      assert.equal(profile.residence.neighbourhood?.name, neighbourhood);

      if (LETTER_CODE_CMD) {
        // Given the letter the commune printed for the household, the resident enters its code.
        const letterCode = execFileSync('/bin/sh', ['-c', `${LETTER_CODE_CMD} "$1"`, 'letter', email], {
          encoding: 'utf8',
          timeout: 120_000,
        }).trim();
        await page.locator('#letter-code').fill(letterCode.toLowerCase().replaceAll('-', ' '));
        await page.locator('#letter-code').press('Enter');
        await page.waitForFunction(
          async () => (await (await fetch('/api/v1/me')).json()).residence.status === 'verified',
          undefined,
          { timeout: TIMEOUT },
        );
        await page.goto(`${BASE_URL}/neighbourhoods/${encodeURIComponent(profile.residence.neighbourhood.id)}`);
        const members = page.locator('[data-testid="member-list"]');
        await members.waitFor();
        await page.locator('[data-testid="member"]', { hasText: profile.display_name }).first().waitFor();
        await shoot(page, 'neighbourhood-desktop');
      }
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
