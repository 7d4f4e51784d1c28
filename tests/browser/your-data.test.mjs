// Browser test of "my data" (GDPR): node --test tests/browser/your-data.test.mjs
// A signed-in resident opens their profile, asks by keyboard for their data ("Prepare my data"), hears through the
// live region that it is being prepared, checks again once the job ran (in-process on the local stage), and
// downloads it straight from S3 (moto on the local stack) through the signed link: the file is their document.
// NOPER_BASE_URL is the origin of the stack, NOPER_OUTBOX_DIR its outbox.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { chromiumForTests, signedIn, uniqueStamp, watchPageErrors } from './stack-session.mjs';

const BASE_URL = process.env.NOPER_BASE_URL?.replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('NOPER_BASE_URL is not set: start the local stack and set it to its origin, e.g. http://127.0.0.1:8000');
}
const TIMEOUT = 30_000;
const en = JSON.parse(readFileSync(new URL('../../frontend/src/i18n/locales/en.json', import.meta.url), 'utf8'));
const stamp = uniqueStamp();
const chromium = chromiumForTests();

describe('your data', () => {
  test('prepared on request, announced in the live region, then downloaded from storage through the signed link', async () => {
    const email = `your-data-${stamp}@example.lu`;
    const { context } = await signedIn(chromium.browser, BASE_URL, email, { timeout: TIMEOUT });
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(`${BASE_URL}/me#your-data`); // where the email's link lands: the section in view, read then
    const section = page.locator('#your-data');
    const state = section.getByRole('status');

    const prepare = section.getByRole('button', { name: en['profile.export.prepare'] });
    await prepare.focus();
    await page.keyboard.press('Enter');
    await state.filter({ hasText: en['profile.export.preparing'] }).waitFor();

    await section.getByRole('button', { name: en['profile.export.check'] }).focus();
    await page.keyboard.press('Enter');
    const download = section.getByRole('button', { name: /^Download my data \(until .+\)$/ });
    await download.waitFor();
    assert.match(await state.textContent(), /ready/);

    await download.focus();
    const [file] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    assert.equal(file.suggestedFilename(), 'noper-my-data.json');
    const data = JSON.parse(readFileSync(await file.path(), 'utf8'));
    assert.equal(data.profile.email, email);
    assert.equal(data.sessions.length, 1);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
