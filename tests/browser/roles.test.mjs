// Browser test of the admin page's roles: node --test tests/browser/roles.test.mjs
// A commune admin (made with `./noper staff add ... --role admin`) opens /admin/0501/roles, picks Anna's
// neighbourhood, finds her by name and makes her ambassador; she is listed as one, and on her
// neighbourhood's page she finds the paper digest and downloads its PDF. The admin grants a staff role by
// email and sees it listed, and saves the commune's settings (languages) at /admin/0501/settings.
// NOPER_BASE_URL is the origin of the stack; NOPER_OUTBOX_DIR its outbox (sign-in codes). Commune
// 0501 must be seeded as tests/stack/conftest.py does. NOPER_SCREENSHOTS=1 saves /tmp/noper-roles-*.png.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { chromiumForTests, staffMember, uniqueStamp, verifiedResident, watchPageErrors } from './stack-session.mjs';

const BASE_URL = process.env.NOPER_BASE_URL?.replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('NOPER_BASE_URL is not set: start the local stack and set it to its origin, e.g. http://127.0.0.1:8000');
}
const COMMUNE = '0501';
const SCREENSHOTS = Boolean(process.env.NOPER_SCREENSHOTS);
const text = JSON.parse(readFileSync(new URL('../../frontend/src/i18n/locales/roles/en.json', import.meta.url), 'utf8'));
const say = (key, params = {}) => text[key].replace(/\{(\w+)\}/g, (_, name) => params[name]);
const stamp = uniqueStamp();
const chromium = chromiumForTests();

async function shoot(page, name) {
  if (SCREENSHOTS) await page.screenshot({ path: `/tmp/noper-roles-${name}.png`, fullPage: true });
}

describe('an admin manages the roles from the admin page', () => {
  test('appoints an ambassador found by name, who then downloads the paper digest; grants a staff role by email', async () => {
    const admin = await staffMember(chromium.browser, BASE_URL, { commune: COMMUNE, email: `roles-admin-${stamp}@example.lu`, role: 'admin' });
    const name = `Anna R${stamp.slice(-4)}`;
    const anna = await verifiedResident(chromium.browser, BASE_URL, {
      commune: COMMUNE, email: `roles-anna-${stamp}@example.lu`, query: 'Hauptstrooss 60', approve: admin.approve, displayName: name,
    });

    // The admin page: pick Anna's neighbourhood, type part of her name, make her ambassador
    const page = await admin.context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(`${BASE_URL}/admin/${COMMUNE}/roles`);
    await page.getByRole('heading', { name: say('roles.title') }).waitFor();
    await page.getByTestId('roles-neighbourhood').selectOption(anna.neighbourhood.id);
    await page.getByTestId('roles-search').fill(name.slice(0, 6).toLowerCase());
    await page.getByRole('button', { name: say('roles.appointAmbassador', { name }) }).click();
    await page.getByText(say('roles.done.ambassador.granted', { name })).waitFor();
    await page.getByTestId('ambassador-row').filter({ hasText: name }).waitFor();
    await shoot(page, 'appointed');

    // A staff role by email, listed with its role
    const clerk = `roles-clerk-${stamp}@example.lu`;
    await page.getByTestId('staff-email').fill(clerk);
    await page.getByTestId('staff-role').selectOption('editor');
    await page.getByRole('button', { name: say('roles.grant') }).click();
    await page.getByTestId('staff-row').filter({ hasText: clerk }).getByRole('button', {
      name: say('roles.withdraw', { role: say('roles.staff.editor'), name: clerk }),
    }).waitFor();

    // The commune's settings, in their own section: saved from the page (the same languages: other tests read them)
    await page.goto(`${BASE_URL}/admin/${COMMUNE}/settings`);
    await page.getByTestId('commune-language-pt').uncheck();
    await page.getByTestId('commune-language-pt').check();
    await page.getByRole('button', { name: say('communeSettings.save') }).click();
    await page.getByText(say('communeSettings.saved')).waitFor();
    assert.deepEqual(errors, []);

    // Anna, now ambassador, finds the paper digest on her neighbourhood's page and downloads it
    const annaPage = await anna.context.newPage();
    await annaPage.goto(`${BASE_URL}/neighbourhoods/${encodeURIComponent(anna.neighbourhood.id)}`);
    await annaPage.getByRole('heading', { name: say('paperDigest.title') }).waitFor();
    const [download] = await Promise.all([annaPage.waitForEvent('download'), annaPage.getByTestId('paper-digest-download').click()]);
    assert.match(download.suggestedFilename(), /^noper-digest-.+-en\.pdf$/);
    const bytes = readFileSync(await download.path());
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    await shoot(annaPage, 'paper-digest');
    await admin.context.close();
    await anna.context.close();
  });
});
