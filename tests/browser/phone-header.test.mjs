// Browser test of the header on a phone (issue #15, point 6): node --test tests/browser/phone-header.test.mjs
// At 360 × 740 the header of a verified resident and of commune staff takes at most 20 % of the height
// (the top line and the bottom bar of places together), the main places are one tap away, the Menu
// button opens and closes the rest by keyboard (Escape gives the focus back), and the skip link is the
// first Tab stop and moves the focus to the main content. At 1280 px everything shows without a menu.
// NOPER_BASE_URL is the origin of the stack, NOPER_OUTBOX_DIR its outbox; commune 0501 seeded as
// tests/stack/conftest.py does. NOPER_SCREENSHOTS=1 also saves /tmp/noper-header-<who>-<width>.png.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { chromiumForTests, staffMember, uniqueStamp, verifiedResident, watchPageErrors } from './stack-session.mjs';

const BASE_URL = process.env.NOPER_BASE_URL?.replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('NOPER_BASE_URL is not set: start the local stack and set it to its origin, e.g. http://127.0.0.1:8000');
}
const SCREENSHOTS = process.env.NOPER_SCREENSHOTS === '1';
const COMMUNE = '0501';
const TIMEOUT = 30_000;
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };
const MAX_SHARE = 0.2;
const read = (path) => JSON.parse(readFileSync(new URL(`../../frontend/src/i18n/locales/${path}`, import.meta.url), 'utf8'));
const en = { ...read('en.json'), ...read('messages/en.json'), ...read('commune/en.json') };

const stamp = uniqueStamp();
const chromium = chromiumForTests();

/** The height of the viewport the header covers with the page scrolled to the top: its own box and any part fixed to an edge. */
function headerHeight(page) {
  return page.evaluate(() => {
    window.scrollTo(0, 0);
    const header = document.querySelector('header.site-header');
    let covered = header.getBoundingClientRect().bottom;
    for (const element of header.querySelectorAll('*')) {
      if (getComputedStyle(element).position === 'fixed' && element.getClientRects().length) covered += element.getBoundingClientRect().height;
    }
    return covered;
  });
}

const focused = (page) =>
  page.evaluate(() => ({
    id: document.activeElement?.id ?? '',
    testid: document.activeElement?.getAttribute('data-testid') ?? '',
    href: document.activeElement?.getAttribute('href') ?? '',
    inMenu: Boolean(document.activeElement?.closest('#site-menu')),
  }));

/** Presses Tab until `reached(focus)` holds, at most `presses` times; returns whether it did. */
async function tabUntil(page, reached, presses = 15) {
  for (let press = 0; press < presses; press += 1) {
    await page.keyboard.press('Tab');
    if (reached(await focused(page))) return true;
  }
  return false;
}

async function assertCompact(page, who) {
  const height = await headerHeight(page);
  await shoot(page, `${who}-360`);
  assert.ok(height <= PHONE.height * MAX_SHARE, `the header of ${who} takes ${height} px of ${PHONE.height} (more than ${MAX_SHARE * 100} %)`);
}

async function fitsSideways(page, who) {
  const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(width.scroll <= width.inner + 1, `the page of ${who} scrolls sideways at 360 px (${width.scroll} > ${width.inner})`);
}

async function shoot(page, name) {
  if (SCREENSHOTS) await page.screenshot({ path: `/tmp/noper-header-${name}.png` });
}

/** Checks the phone header of a signed-in person on `page` (already at 360 × 740); `menuHas` names links the menu must hold. */
async function checkPhoneHeader(page, who, { menuHas }) {
  const places = page.getByRole('navigation', { name: en['nav.label'] });
  const menuButton = page.getByRole('button', { name: en['nav.menu'] });
  const menu = page.locator('#site-menu');
  await page.getByTestId('account-name').waitFor({ state: 'attached' });

  // The header is compact: at most 20 % of the height, closed menu
  await assertCompact(page, who);
  assert.ok(await places.getByRole('link', { name: en['nav.profile'] }).isVisible());
  assert.equal(await menu.isVisible(), false);
  assert.equal(await page.locator('header').getByRole('button', { name: en['nav.signOut'] }).isVisible(), false);
  await fitsSideways(page, who);

  // Every visible target of the header is at least 44 px high
  const small = await page.evaluate(() =>
    [...document.querySelectorAll('header.site-header a, header.site-header button, header.site-header select')]
      .filter((element) => element.getClientRects().length && element.getBoundingClientRect().height < 44)
      .map((element) => `${element.textContent.trim()} (${element.getBoundingClientRect().height} px)`),
  );
  assert.deepEqual(small, [], `targets under 44 px in the header of ${who}`);

  // The skip link is the first Tab stop and moves the focus to the main content
  await page.keyboard.press('Tab');
  assert.deepEqual(await focused(page), { id: '', testid: '', href: '#main', inMenu: false });
  await page.keyboard.press('Enter');
  assert.equal((await focused(page)).id, 'main');
  await page.goto(page.url().split('#')[0]);
  // The app renders once the reader's language has arrived: wait for the header before pressing keys
  await page.getByTestId('account-name').waitFor({ state: 'attached' });
  await menuButton.waitFor({ state: 'visible' });

  // The Menu button is reached by Tab and opens the menu with Enter; Tab goes on into it
  assert.ok(await tabUntil(page, (focus) => focus.testid === 'menu-button'), `Tab does not reach the Menu button of ${who}`);
  assert.equal(await menuButton.getAttribute('aria-expanded'), 'false');
  assert.equal(await menuButton.getAttribute('aria-controls'), 'site-menu');
  await page.keyboard.press('Enter');
  assert.equal(await menuButton.getAttribute('aria-expanded'), 'true');
  await menu.waitFor({ state: 'visible' });
  for (const name of menuHas) assert.ok(await menu.getByRole('link', { name: en[name] }).isVisible(), `${name} is not in the menu of ${who}`);
  assert.ok(await menu.getByRole('button', { name: en['nav.signOut'] }).isVisible());
  assert.ok(await menu.getByLabel(en['language.label']).isVisible());
  await fitsSideways(page, `${who} with the menu open`);
  await shoot(page, `${who}-360-menu`);
  await page.keyboard.press('Tab');
  assert.ok((await focused(page)).inMenu, `Tab after the open Menu button of ${who} leaves the menu`);

  // Escape closes it and gives the focus back to the Menu button; Space opens it again, Escape again closes it
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'hidden' });
  assert.equal(await menuButton.getAttribute('aria-expanded'), 'false');
  assert.equal((await focused(page)).testid, 'menu-button');
  await page.keyboard.press('Space');
  await menu.waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'hidden' });

  // A link in the menu opens its page and closes the menu
  await menuButton.click();
  await menu.getByRole('link', { name: en[menuHas[0]] }).click();
  await menu.waitFor({ state: 'hidden' });
  assert.equal(await menuButton.getAttribute('aria-expanded'), 'false');
}

/** At 1280 px the header shows its links and account without a menu button. */
async function checkDesktopHeader(page, who) {
  await page.setViewportSize(DESKTOP);
  await page.goto(`${BASE_URL}/`);
  await page.getByTestId('account-name').waitFor();
  assert.equal(await page.getByRole('button', { name: en['nav.menu'] }).isVisible(), false);
  assert.ok(await page.locator('header').getByRole('button', { name: en['nav.signOut'] }).isVisible());
  assert.ok(await page.locator('header').getByRole('link', { name: en['nav.communes'] }).isVisible());
  assert.equal(await page.getByRole('navigation', { name: en['nav.label'] }).getByRole('link', { name: en['nav.profile'] }).isVisible(), false);
  await shoot(page, `${who}-1280`);
}

describe('the header on a phone', () => {
  test('a verified resident and commune staff find every place from a header within 20 % of a 360 × 740 screen', async () => {
    // Given commune staff, and a verified resident whose neighbour wrote to them
    const staff = await staffMember(chromium.browser, BASE_URL, { commune: COMMUNE, email: `header-staff-${stamp}@example.lu`, role: 'admin', timeout: TIMEOUT });
    const resident = await verifiedResident(chromium.browser, BASE_URL, {
      commune: COMMUNE, email: `header-lea-${stamp}@example.lu`, displayName: `Léa ${stamp.slice(-4)}`, query: 'Haaptstrooss 8', approve: staff.approve, timeout: TIMEOUT,
    });
    const neighbour = await verifiedResident(chromium.browser, BASE_URL, {
      commune: COMMUNE, email: `header-tom-${stamp}@example.lu`, displayName: `Tom ${stamp.slice(-4)}`, query: 'Haaptstrooss 9', approve: staff.approve, timeout: TIMEOUT,
    });
    await neighbour.call('POST', '/conversations', { with_user_id: resident.profile.id, text: 'Hello Léa, welcome to the street.' });
    await neighbour.context.close();

    try {
      // When the resident opens the app on a phone
      const page = await resident.context.newPage();
      const errors = watchPageErrors(page);
      await page.setViewportSize(PHONE);
      await page.goto(`${BASE_URL}/me`);

      // Then the main places are in the bar, each one tap away, the unread message counted for screen readers too
      const places = page.getByRole('navigation', { name: en['nav.label'] });
      const messages = places.getByRole('link', { name: new RegExp(`^${en['messages.nav.link']}`) });
      await messages.waitFor();
      await page.waitForFunction(() => document.querySelector('[data-testid="messages-link"] .unread')?.textContent === '1');
      await assertCompact(page, 'resident');
      assert.match(await messages.evaluate((link) => link.textContent.replace(/\s+/g, ' ')), /1 unread/);
      for (const name of ['nav.short.neighbourhood', 'nav.short.announcements', 'nav.profile']) {
        assert.ok(await places.getByRole('link', { name: en[name] }).isVisible(), `${name} is not in the bar`);
      }
      assert.equal(await places.getByRole('link', { name: en['nav.profile'] }).getAttribute('aria-current'), 'page');
      await checkPhoneHeader(page, 'resident', { menuHas: ['nav.communes', 'nav.status'] });
      await checkDesktopHeader(page, 'resident');
      assert.deepEqual(errors, []);

      // And for commune staff, whose menu holds their admin page
      const staffPage = await staff.context.newPage();
      const staffErrors = watchPageErrors(staffPage);
      await staffPage.setViewportSize(PHONE);
      await staffPage.goto(`${BASE_URL}/communes`);
      await checkPhoneHeader(staffPage, 'staff', { menuHas: ['nav.admin', 'nav.communes', 'nav.status'] });
      await checkDesktopHeader(staffPage, 'staff');
      assert.deepEqual(staffErrors, []);
    } finally {
      await resident.context.close();
      await staff.context.close();
    }
  });
});
