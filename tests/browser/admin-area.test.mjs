// Browser test of the commune's admin area: node --test tests/browser/admin-area.test.mjs
// A commune admin (made with `./noper staff add ... --role admin`) opens /admin/0501 at 1280 and 360 px: the
// overview counts the resident waiting for verification and links to each section; following a link opens the
// section at its own address with focus on its heading; reload and Back/Forward keep working; on a phone the
// section list folds behind one button. A verifier signs in on the sign-in page, lands on the overview and sees
// only the sections of their role.
// NOPER_BASE_URL is the origin of the stack; NOPER_OUTBOX_DIR its outbox (sign-in codes). Commune 0501 must
// be seeded as tests/stack/conftest.py does. NOPER_SCREENSHOTS=1 saves /tmp/noper-admin-*.png.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { chromiumForTests, codeFromOutbox, newContext, ROOT, signedIn, staffMember, TIMEOUT, uniqueStamp, watchPageErrors } from './stack-session.mjs';

const BASE_URL = process.env.NOPER_BASE_URL?.replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('NOPER_BASE_URL is not set: start the local stack and set it to its origin, e.g. http://127.0.0.1:8000');
}
const COMMUNE = '0501';
const SCREENSHOTS = process.env.NOPER_SCREENSHOTS === '1';
const read = (path) => JSON.parse(readFileSync(new URL(`../../frontend/src/i18n/locales/${path}`, import.meta.url), 'utf8'));
const en = { ...read('en.json'), ...read('admin/en.json'), ...read('roles/en.json') };
const stamp = uniqueStamp();
const chromium = chromiumForTests();
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };

async function shoot(page, name) {
  if (SCREENSHOTS) await page.screenshot({ path: `/tmp/noper-admin-${name}.png`, fullPage: true });
}

/** The text of the focused element's closest heading, or of the element itself. */
const focusedHeading = (page) => page.evaluate(() => (document.activeElement?.matches('h1, h2, h3') ? document.activeElement.textContent.trim() : null));

/** Overview → a section by its link → reload → Back → Forward, at the page's current width. */
async function walk(page, width) {
  const sectionsNav = page.getByRole('navigation', { name: en['admin.nav.label'] });
  await page.goto(`${BASE_URL}/admin/${COMMUNE}`);
  await page.getByRole('heading', { level: 2, name: en['admin.overview.title'] }).waitFor();

  // The overview counts what waits: at least our pending resident
  const residents = page.getByTestId('waiting-verifications');
  await residents.waitFor();
  const count = Number(/^(\d+)/.exec(await residents.textContent())?.[1]);
  assert.ok(count >= 1, `the overview counts the pending resident: "${await residents.textContent()}"`);
  const form = en[`admin.waiting.residents.${count === 1 ? 'one' : 'other'}`].replace('{count}', String(count));
  assert.equal((await residents.textContent()).trim(), form);
  await page.getByTestId('waiting-addresses').waitFor();
  await shoot(page, `overview-${width}`);

  if (width === PHONE.width) {
    // On a phone the list folds behind one button, and the page starts close to the top
    const toggle = sectionsNav.getByRole('button', { name: new RegExp(en['admin.nav.menu']) });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await sectionsNav.getByRole('link', { name: en['admin.nav.roles'] }).isVisible(), false);
    const top = await page.getByRole('heading', { level: 2, name: en['admin.overview.title'] }).boundingBox();
    assert.ok(top.y < PHONE.height * 0.5, `the overview starts ${top.y} px down a ${PHONE.height} px screen`);
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await sectionsNav.getByRole('link', { name: en['admin.nav.overview'] }).waitFor();
    assert.equal(await sectionsNav.getByRole('link', { name: en['admin.nav.overview'] }).getAttribute('aria-current'), 'page');
    await page.keyboard.press('Escape');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  } else {
    assert.equal(await sectionsNav.getByRole('link', { name: en['admin.nav.overview'] }).getAttribute('aria-current'), 'page');
    assert.ok(await sectionsNav.getByRole('link', { name: en['admin.nav.audit'] }).isVisible());
  }

  // Following the overview's link opens the section at its own address, focus on its heading
  await page.getByTestId('admin-overview').getByRole('link', { name: en['verify.title'] }).click();
  await page.waitForURL(`${BASE_URL}/admin/${COMMUNE}/verifications`);
  await page.getByRole('heading', { level: 2, name: en['verify.title'] }).waitFor();
  await page.waitForFunction((name) => document.activeElement?.textContent?.trim() === name, en['verify.title']);
  assert.equal(await focusedHeading(page), en['verify.title']);
  await shoot(page, `verifications-${width}`);

  // Reloading the section's address shows the same section
  await page.reload();
  await page.getByRole('heading', { level: 2, name: en['verify.title'] }).waitFor();
  if (width === PHONE.width) await sectionsNav.getByRole('button', { name: new RegExp(en['admin.nav.menu']) }).click();
  assert.equal(await sectionsNav.getByRole('link', { name: en['admin.nav.verifications'] }).getAttribute('aria-current'), 'page');

  // Another section from the navigation, then Back and Forward
  await sectionsNav.getByRole('link', { name: en['admin.nav.roles'] }).click();
  await page.waitForURL(`${BASE_URL}/admin/${COMMUNE}/roles`);
  await page.getByRole('heading', { level: 2, name: en['roles.title'] }).waitFor();
  await page.waitForFunction((name) => document.activeElement?.textContent?.trim() === name, en['roles.title']);
  if (width === PHONE.width) {
    assert.equal(await sectionsNav.getByRole('button', { name: new RegExp(en['admin.nav.menu']) }).getAttribute('aria-expanded'), 'false');
  }
  await page.goBack();
  await page.waitForURL(`${BASE_URL}/admin/${COMMUNE}/verifications`);
  await page.getByRole('heading', { level: 2, name: en['verify.title'] }).waitFor();
  await page.goBack();
  await page.waitForURL(`${BASE_URL}/admin/${COMMUNE}`);
  await page.getByRole('heading', { level: 2, name: en['admin.overview.title'] }).waitFor();
  await page.goForward();
  await page.waitForURL(`${BASE_URL}/admin/${COMMUNE}/verifications`);
  await page.getByRole('heading', { level: 2, name: en['verify.title'] }).waitFor();

  // Nothing wider than the screen
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen at ${width} px`);
}

describe('the admin area', () => {
  test('staff see what waits on the overview and move between sections by address, at 1280 and 360 px', async () => {
    // Given a commune admin and a resident waiting for verification
    const admin = await staffMember(chromium.browser, BASE_URL, { commune: COMMUNE, email: `area-admin-${stamp}@example.lu`, role: 'admin', timeout: TIMEOUT });
    const newcomer = await signedIn(chromium.browser, BASE_URL, `area-newcomer-${stamp}@example.lu`, { timeout: TIMEOUT });
    await newcomer.call('PATCH', '/me', { display_name: `Nora ${stamp.slice(-4)}` });
    const found = await newcomer.call('GET', `/communes/${COMMUNE}/addresses?q=${encodeURIComponent('Hauptstrooss 60')}`);
    await newcomer.call('PUT', '/me/residence', { address_id: found.addresses.find((a) => a.neighbourhood).id });
    await newcomer.context.close();
    const verifierEmail = `area-verifier-${stamp}@example.lu`;
    execFileSync('./noper', ['staff', 'add', verifierEmail, '--commune', COMMUNE, '--role', 'verifier'], { cwd: ROOT, env: process.env, stdio: 'pipe' });
    const verifier = { context: await newContext(chromium.browser, { timeout: TIMEOUT }) };

    try {
      // When the admin walks through the area on a desktop and on a phone
      const page = await admin.context.newPage();
      const errors = watchPageErrors(page);
      await page.setViewportSize(DESKTOP);
      await walk(page, DESKTOP.width);
      await page.setViewportSize(PHONE);
      await walk(page, PHONE.width);

      // A section that does not exist says so, with the way back to the overview
      await page.goto(`${BASE_URL}/admin/${COMMUNE}/nonsense`);
      await page.getByText(en['admin.section.missing']).waitFor();
      await page.getByRole('link', { name: en['admin.overview.title'] }).click();
      await page.waitForURL(`${BASE_URL}/admin/${COMMUNE}`);
      assert.deepEqual(errors, []);

      // Then a verifier who signs in on the sign-in page lands on the overview, and finds only the sections of their role
      const verifierPage = await verifier.context.newPage();
      await verifierPage.setViewportSize(DESKTOP);
      await verifierPage.goto(`${BASE_URL}/sign-in`);
      await verifierPage.getByLabel(en['signIn.email.label']).fill(verifierEmail);
      const asked = Date.now();
      await verifierPage.getByRole('button', { name: en['signIn.email.submit'] }).click();
      await verifierPage.getByLabel(en['signIn.code.label']).fill(await codeFromOutbox(verifierEmail, asked));
      await verifierPage.getByRole('button', { name: en['signIn.code.submit'], exact: true }).click();
      await verifierPage.waitForURL(`${BASE_URL}/admin/${COMMUNE}`);
      await verifierPage.getByRole('heading', { level: 2, name: en['admin.overview.title'] }).waitFor();
      const links = verifierPage.getByRole('navigation', { name: en['admin.nav.label'] }).getByRole('link');
      await links.first().waitFor();
      assert.deepEqual(await links.allTextContents(), ['admin.nav.overview', 'admin.nav.verifications', 'admin.nav.letters', 'admin.nav.launch'].map((key) => en[key]));
      await verifierPage.goto(`${BASE_URL}/admin/${COMMUNE}/roles`);
      await verifierPage.getByText(en['admin.section.missing']).waitFor();
    } finally {
      await admin.context.close();
      await verifier.context.close();
    }
  });
});
