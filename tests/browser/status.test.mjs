// Browser tests of the built site against a running stack: node --test tests/browser/
// NOPER_BASE_URL is the origin that serves the site at / and the API at /api/v1/*.
// NOPER_SCREENSHOTS=1 also saves /tmp/noper-status-<lang>.png.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { chromiumForTests } from './stack-session.mjs';

const BASE_URL = process.env.NOPER_BASE_URL?.replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('NOPER_BASE_URL is not set: start the local stack and set it to its origin, e.g. http://127.0.0.1:8000');
}

const LOCALES = ['lb', 'fr', 'de', 'en', 'pt'];
const catalogue = (locale) =>
  JSON.parse(readFileSync(new URL(`../../frontend/src/i18n/locales/${locale}.json`, import.meta.url), 'utf8'));
const messages = Object.fromEntries(LOCALES.map((locale) => [locale, catalogue(locale)]));

const TIMEOUT = 15_000;
const chromium = chromiumForTests();

/** A fresh browser profile (empty localStorage) whose preferred language is English. */
async function openPage(path, options = {}) {
  const context = await chromium.browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 }, ...options });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  await page.goto(BASE_URL + path);
  return { page, context, errors };
}

const htmlLang = (page) => page.evaluate(() => document.documentElement.lang);
const headingText = (page) => page.locator('h1').innerText();

describe('language switcher', () => {
  test('changes the visible text and <html lang>, and the choice survives a reload', async () => {
    // Given a visitor whose browser prefers English
    const { page, context, errors } = await openPage('/');
    try {
      assert.equal(await headingText(page), messages.en['home.title']);
      assert.equal(await htmlLang(page), 'en');

      // When they choose Deutsch in the labelled switcher
      await page.getByLabel(messages.en['language.label']).selectOption('de');

      // Then the page speaks German
      await page.waitForFunction(() => document.documentElement.lang === 'de');
      assert.equal(await headingText(page), messages.de['home.title']);
      assert.equal(await page.getByRole('link', { name: messages.de['nav.status'] }).count(), 1);
      assert.match(await page.title(), /Noper/);
      assert.ok((await page.title()).includes(messages.de['nav.home']));

      // And still does after a reload
      await page.reload();
      assert.equal(await htmlLang(page), 'de');
      assert.equal(await headingText(page), messages.de['home.title']);
      assert.equal(await page.getByLabel(messages.de['language.label']).inputValue(), 'de');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});

describe('status page', () => {
  for (const locale of LOCALES) {
    test(`shows the API as healthy in ${locale}`, async () => {
      // Given a visitor who chose this language earlier
      const { page, context, errors } = await openPage('/status');
      try {
        await page.getByLabel(messages.en['language.label']).selectOption(locale);
        await page.waitForFunction((lang) => document.documentElement.lang === lang, locale);
        await page.reload();

        // When the health check has answered
        const status = page.locator('[data-testid="api-status"][data-state="ok"]');
        await status.waitFor({ state: 'visible' });

        // Then the status word is this language's word for healthy
        assert.equal((await status.innerText()).trim(), messages[locale]['status.state.ok']);
        assert.equal(await htmlLang(page), locale);
        assert.equal(await headingText(page), messages[locale]['status.title']);
        assert.equal(await page.getByRole('status').count(), 1);
        if (process.env.NOPER_SCREENSHOTS) {
          await page.screenshot({ path: `/tmp/noper-status-${locale}.png`, fullPage: true });
        }
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }
});

describe('keyboard', () => {
  test('Tab reaches the skip link first and the language switcher works by keyboard', async () => {
    const { page, context } = await openPage('/status');
    try {
      const focused = () =>
        page.evaluate(() => {
          const el = document.activeElement;
          return { tag: el?.tagName.toLowerCase(), id: el?.id, href: el?.getAttribute('href'), text: el?.textContent?.trim() };
        });

      // The first Tab lands on the visible skip link (once the app has rendered: the catalogue comes first)
      await page.getByRole('link', { name: messages.en['skip.toMain'] }).waitFor({ state: 'attached' });
      await page.keyboard.press('Tab');
      assert.deepEqual(await focused(), { tag: 'a', id: '', href: '#main', text: messages.en['skip.toMain'] });
      assert.ok(await page.getByRole('link', { name: messages.en['skip.toMain'] }).isVisible());

      // Following it moves focus to the main content
      await page.keyboard.press('Enter');
      assert.equal((await focused()).id, 'main');

      // The language switcher is reachable with Tab from the start of the page
      await page.reload();
      await page.locator('#language-select').waitFor();
      let reached = false;
      for (let presses = 0; presses < 10 && !reached; presses += 1) {
        await page.keyboard.press('Tab');
        reached = (await focused()).id === 'language-select';
      }
      assert.ok(reached, 'the language switcher is not reachable with Tab');

      // And operable: the arrow key picks the next language (English → Português)
      await page.keyboard.press('ArrowDown');
      await page.waitForFunction(() => document.documentElement.lang === 'pt');
      assert.equal(await headingText(page), messages.pt['status.title']);
      assert.equal((await focused()).id, 'language-select');
    } finally {
      await context.close();
    }
  });
});
