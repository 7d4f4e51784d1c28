// Browser test of "my data" (GDPR): node --test tests/browser/your-data.test.mjs
// A signed-in resident opens their profile, asks by keyboard for their data ("Prepare my data"), hears through the
// live region that it is being prepared, checks again once the job ran (in-process on the local stage), and
// downloads it straight from S3 (moto on the local stack) through the signed link: the file is their document.
// Then, on a 360 px phone, a verified resident offers skills and asks for a welcome buddy in the profile (the
// volunteering sections: their data too), accepts by keyboard, and finds a neighbour in "Who can help".
// NOPER_BASE_URL is the origin of the stack, NOPER_OUTBOX_DIR its outbox.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { chromiumForTests, signedIn, staffMember, uniqueStamp, verifiedResident, watchPageErrors } from './stack-session.mjs';

const BASE_URL = process.env.NOPER_BASE_URL?.replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('NOPER_BASE_URL is not set: start the local stack and set it to its origin, e.g. http://127.0.0.1:8000');
}
const TIMEOUT = 30_000;
const en = JSON.parse(readFileSync(new URL('../../frontend/src/i18n/locales/en.json', import.meta.url), 'utf8'));
const volunteering = JSON.parse(readFileSync(new URL('../../frontend/src/i18n/locales/volunteering/en.json', import.meta.url), 'utf8'));
const COMMUNE = '0501';
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

  test('skills offered and a welcome buddy: chosen, asked for and accepted by keyboard on a phone, then "Who can help"', async () => {
    // Given Ben, a verified neighbour who offers gardening and volunteers as a welcome buddy speaking Portuguese
    const staff = await staffMember(chromium.browser, BASE_URL, { commune: COMMUNE, email: `buddy-verifier-${stamp}@example.lu`, role: 'verifier', timeout: TIMEOUT });
    const ben = await verifiedResident(chromium.browser, BASE_URL, {
      commune: COMMUNE, email: `buddy-ben-${stamp}@example.lu`, displayName: `Ben ${stamp.slice(-4)}`, query: 'Haaptstrooss 9', approve: staff.approve, timeout: TIMEOUT,
    });
    await ben.call('PUT', '/me/volunteering', { skills: ['gardening'], frequency: 'weekly', languages: ['pt'], buddy: true });
    const anna = await verifiedResident(chromium.browser, BASE_URL, {
      commune: COMMUNE, email: `buddy-anna-${stamp}@example.lu`, displayName: `Anna ${stamp.slice(-4)}`, query: 'Haaptstrooss 8', approve: staff.approve, timeout: TIMEOUT,
    });
    await staff.context.close();
    const nbh = anna.neighbourhood.id;
    assert.equal(ben.neighbourhood.id, nbh, 'Anna and Ben must be neighbours');

    // When Anna, on a phone, offers cooking and says she speaks Portuguese
    const page = await anna.context.newPage();
    await page.setViewportSize({ width: 360, height: 740 });
    const errors = watchPageErrors(page);
    await page.goto(`${BASE_URL}/me#buddy`);
    const skills = page.getByTestId('skills-offered');
    await skills.getByRole('checkbox', { name: volunteering['volunteering.skill.cooking'] }).check();
    await skills.getByRole('checkbox', { name: 'Portuguese', exact: true }).check();
    await skills.getByRole('button', { name: volunteering['volunteering.offer.save'] }).focus();
    await page.keyboard.press('Enter');
    await skills.getByText(volunteering['volunteering.offer.saved']).waitFor();

    // And asks for a welcome buddy, then accepts the one offered, by keyboard
    const buddy = page.getByTestId('welcome-buddy');
    await buddy.getByRole('button', { name: volunteering['volunteering.buddy.ask'] }).focus();
    await page.keyboard.press('Enter');
    const card = buddy.getByTestId('buddy-card');
    await card.getByText(/offers to be your welcome buddy/).waitFor();
    await card.getByRole('button', { name: volunteering['volunteering.buddy.accept'] }).focus();
    await page.keyboard.press('Enter');
    await card.getByText(/You accepted: waiting for/).waitFor();

    // Then once Ben accepts too, they are welcome buddies, and either can end it
    const pairs = await ben.call('GET', '/me/buddy-pairs');
    await ben.call('POST', `/buddy-pairs/${pairs.pairs[0].id}/accept`);
    await page.reload();
    await page.getByTestId('buddy-card').getByText(/are welcome buddies/).waitFor();
    assert.equal(await page.getByTestId('buddy-card').getByRole('button', { name: volunteering['volunteering.buddy.end'] }).count(), 1);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no sideways scrolling at 360 px');

    // And "Who can help" with gardening lists Ben, with a way to write to him
    await page.goto(`${BASE_URL}/neighbourhoods/${nbh}/helpers?skill=gardening`);
    const helper = page.getByTestId('helper').filter({ hasText: `Ben ${stamp.slice(-4)}` });
    await helper.waitFor();
    assert.match(await helper.getByRole('link').getAttribute('href'), /^\/messages\?to=/);
    assert.deepEqual(errors, []);
    await anna.context.close();
    await ben.context.close();
  });
});
