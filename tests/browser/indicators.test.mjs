// Browser test of the commune's indicators: node --test tests/browser/indicators.test.mjs
// A commune admin opens the indicators' section of the admin page (1280 px): the headline numbers, the weekly
// charts (uPlot) with a table each, adoption on the map and the table per neighbourhood; switches to a week; reads a
// chart's table; downloads the CSV (its content checked) and the yearly report (a PDF); axe-core finds no
// accessibility violation in the dashboard; at 360 px nothing is wider than the screen. A verified resident gets 404
// from the dashboard's API; made ambassador, she opens her neighbourhood's figures on its page. The admin turns on
// "publish the indicators" in the commune's settings: the public page shows them (and turns it off again).
// NOPER_BASE_URL is the origin of the stack; NOPER_OUTBOX_DIR its outbox (sign-in codes); commune 0501 seeded as
// tests/stack/conftest.py does. NOPER_SCREENSHOTS=1 saves /tmp/noper-indicators-*.png.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { chromiumForTests, ROOT, staffMember, uniqueStamp, verifiedResident, watchPageErrors } from './stack-session.mjs';

const BASE_URL = process.env.NOPER_BASE_URL?.replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('NOPER_BASE_URL is not set: start the local stack and set it to its origin, e.g. http://127.0.0.1:8000');
}
const COMMUNE = '0501';
const SCREENSHOTS = process.env.NOPER_SCREENSHOTS === '1';
const TIMEOUT = 30_000;
const read = (path) => JSON.parse(readFileSync(new URL(`../../frontend/src/i18n/locales/${path}`, import.meta.url), 'utf8'));
const en = { ...read('en.json'), ...read('indicators/en.json'), ...read('admin/en.json'), ...read('commune/en.json'), ...read('roles/en.json') };
const say = (key, params = {}) => en[key].replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
const AXE = readFileSync(`${ROOT}node_modules/axe-core/axe.min.js`, 'utf8');
const stamp = uniqueStamp();
const chromium = chromiumForTests();
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 900 };

async function shoot(page, name) {
  if (SCREENSHOTS) await page.screenshot({ path: `/tmp/noper-indicators-${name}.png`, fullPage: true });
}

const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/** axe-core's violations inside `selector` (its script evaluated in the page: the app's CSP allows no injected tag). */
async function violations(page, selector) {
  await page.evaluate(AXE);
  const found = await page.evaluate(async (within) => {
    const result = await window.axe.run(document.querySelector(within), { resultTypes: ['violations'] });
    return {
      checked: result.passes.length,
      violations: result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    };
  }, selector);
  assert.ok(found.checked > 10, `axe-core checked ${found.checked} rules only`);
  return found.violations;
}

/** The text of a download, and its name. */
async function download(page, trigger) {
  const [file] = await Promise.all([page.waitForEvent('download'), trigger.click()]);
  return { name: file.suggestedFilename(), bytes: readFileSync(await file.path()) };
}

describe("the commune's indicators", () => {
  test('staff read the dashboard, change the period, download the CSV and the report; an ambassador sees her neighbourhood; the commune publishes', { timeout: 300_000 }, async () => {
    // Given a commune admin and a verified resident who posted something
    const admin = await staffMember(chromium.browser, BASE_URL, { commune: COMMUNE, email: `ind-admin-${stamp}@example.lu`, role: 'admin', timeout: TIMEOUT });
    const anna = await verifiedResident(chromium.browser, BASE_URL, {
      commune: COMMUNE, email: `ind-anna-${stamp}@example.lu`, displayName: `Anna ${stamp.slice(-4)}`, query: 'Hauptstrooss 60', approve: admin.approve, timeout: TIMEOUT,
    });
    await anna.call('POST', `/neighbourhoods/${anna.neighbourhood.id}/posts`, { kind: 'discussion', title: `Hello ${stamp.slice(-4)}`, text: 'Who else walks by the river in the morning?' });

    const settings = await admin.call('GET', `/communes/${COMMUNE}`);
    const page = await admin.context.newPage();
    const errors = watchPageErrors(page);
    await page.setViewportSize(DESKTOP);
    try {
      // The resident is refused the dashboard's API (404, as anything not hers)
      const refused = await anna.context.request.get(`${BASE_URL}/api/v1/communes/${COMMUNE}/indicators`);
      assert.equal(refused.status(), 404);
      const refusedCsv = await anna.context.request.get(`${BASE_URL}/api/v1/communes/${COMMUNE}/indicators.csv`);
      assert.equal(refusedCsv.status(), 404);

      // When the admin opens the indicators from the admin page's navigation
      await page.goto(`${BASE_URL}/admin/${COMMUNE}`);
      await page.getByRole('navigation', { name: en['admin.nav.label'] }).getByRole('link', { name: en['indicators.nav'] }).click();
      await page.waitForURL(`${BASE_URL}/admin/${COMMUNE}/indicators`);
      await page.getByRole('heading', { level: 2, name: en['indicators.title'] }).waitFor();
      const headline = page.getByTestId('headline');
      await headline.waitFor();
      const verified = Number((await headline.locator('[data-figure="verified"] strong').textContent()).replace(/\D/g, ''));
      assert.ok(verified >= 1, `the commune counts its verified residents: ${verified}`);
      assert.ok(await headline.locator('[data-figure="help_answered_48h_share"]').isVisible(), 'a quality proxy among the headline numbers');
      const range = page.getByTestId('indicators-range');
      const monthRange = await range.textContent();

      // The charts are drawn (uPlot's canvas) and each has a text alternative
      for (const chart of ['people', 'exchanges', 'volunteering']) {
        await page.getByTestId(`chart-${chart}`).locator('canvas').first().waitFor();
        assert.match(await page.getByTestId(`chart-${chart}`).getAttribute('aria-label'), /\d{4}-W\d{2}/);
      }
      // The map shades the neighbourhoods and the table lists them, a hidden figure as "fewer than 5"
      await page.getByTestId('neighbourhood-map').and(page.locator('[data-ready="true"]')).waitFor();
      const table = page.getByTestId('indicators-table');
      await table.locator('tbody tr').first().waitFor();
      assert.ok((await table.locator('tbody tr').count()) >= 1);
      assert.match(await table.textContent(), new RegExp(say('indicators.hidden', { threshold: 5 })));
      await shoot(page, 'month-1280');

      // The period: a week instead of a month
      await page.getByRole('radio', { name: en['indicators.period.week'] }).check();
      await page.getByRole('button', { name: en['indicators.period.show'] }).click();
      await page.waitForFunction(([id, before]) => document.querySelector(`[data-testid="${id}"]`)?.textContent !== before, ['indicators-range', monthRange]);
      const weekRange = await range.textContent();
      assert.notEqual(weekRange, monthRange);

      // A chart's table, opened with the keyboard: the 12 weeks and their posts (at least Anna's, this week)
      const summary = page.getByTestId('chart-table-exchanges').locator('xpath=ancestor::details').locator('summary');
      await summary.focus();
      await page.keyboard.press('Enter');
      const chartTable = page.getByTestId('chart-table-exchanges');
      await chartTable.waitFor();
      const weeks = await chartTable.locator('tbody th').allTextContents();
      assert.ok(weeks.length >= 12, `12 weeks at least: ${weeks}`);
      for (const week of weeks) assert.match(week, /^\d{4}-W\d{2}$/);
      const headers = await chartTable.locator('thead th').allTextContents();
      assert.deepEqual(headers, [en['indicators.chart.week'], ...['posts', 'comments', 'messages', 'exchanges'].map((n) => en[`indicators.figure.${n}`])]);
      const lastWeek = await chartTable.locator('tbody tr').last().locator('td').first().textContent();
      assert.ok(Number(lastWeek) >= 1, `this week's posts count Anna's: ${lastWeek}`);

      // The CSV of the week shown: a BOM, the header, a row per neighbourhood and one for the commune
      const csv = await download(page, page.getByTestId('indicators-csv'));
      assert.match(csv.name, new RegExp(`^noper-indicators-${COMMUNE}-week-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
      const text = csv.bytes.toString('utf8');
      assert.ok(text.startsWith('\ufeff'), 'UTF-8 with a BOM, for spreadsheets');
      const lines = text.slice(1).trim().split(/\r?\n/);
      assert.ok(lines[0].startsWith('neighbourhood_id,neighbourhood,period_start,period_end,verified,households,adoption'), lines[0]);
      assert.ok(lines.some((line) => line.startsWith(`${anna.neighbourhood.id},`)), "Anna's neighbourhood has its row");
      assert.ok(lines.at(-1).startsWith(',commune,'), `the commune's row last: ${lines.at(-1)}`);
      assert.ok(lines.some((line) => line.includes('<5')), 'small figures are hidden as <5');

      // The yearly report of the year chosen: a PDF
      await page.getByLabel(en['indicators.report.year']).selectOption(String(new Date().getFullYear()));
      const report = await download(page, page.getByTestId('indicators-report'));
      assert.equal(report.bytes.subarray(0, 4).toString('latin1'), '%PDF');
      assert.match(report.name, /\.pdf$/);
      await page.getByText(en['indicators.done']).first().waitFor();

      // No accessibility violation in the dashboard (axe-core)
      assert.deepEqual(await violations(page, '[data-testid="indicators-dashboard"]'), []);

      // On a phone nothing is wider than the screen: the tables scroll in their own box
      await page.setViewportSize(PHONE);
      await page.getByTestId('chart-exchanges').locator('canvas').first().waitFor();
      await page.waitForTimeout(300); // the charts follow their box's new width (ResizeObserver)
      assert.ok((await overflow(page)) <= 0, `the page is ${await overflow(page)} px wider than the screen at 360 px`);
      await shoot(page, 'week-360');
      assert.deepEqual(await violations(page, '[data-testid="indicators-dashboard"]'), []);

      // An ambassador sees her neighbourhood's figures on its page, asked for when she opens them
      const profile = await anna.call('GET', '/me');
      await admin.call('PUT', `/communes/${COMMUNE}/ambassadors/${encodeURIComponent(profile.id)}`);
      const annaPage = await anna.context.newPage();
      errors.push(...watchPageErrors(annaPage));
      await annaPage.goto(`${BASE_URL}/neighbourhoods/${encodeURIComponent(anna.neighbourhood.id)}`);
      await annaPage.getByRole('heading', { name: en['indicators.ambassador.title'] }).waitFor();
      await annaPage.getByTestId('ambassador-indicators-show').click();
      const mine = annaPage.getByTestId('ambassador-headline');
      await mine.waitFor();
      assert.ok(await mine.locator('[data-figure="verified"]').isVisible());
      assert.ok((await overflow(annaPage)) <= 0, 'the ambassador\'s figures fit 360 px');
      await shoot(annaPage, 'ambassador-360');

      // The commune publishes its headline figures: the public page shows them
      await page.setViewportSize(DESKTOP);
      await page.goto(`${BASE_URL}/admin/${COMMUNE}/settings`);
      const publish = page.getByTestId('commune-publish-indicators');
      await page.waitForFunction(() => document.querySelector('[data-testid="commune-name"]')?.value);
      assert.equal(await publish.isChecked(), false, 'off by default');
      await publish.check();
      await page.getByRole('button', { name: en['communeSettings.save'] }).click();
      await page.getByText(en['communeSettings.saved']).waitFor();
      const publicPage = await anna.context.newPage();
      await publicPage.goto(`${BASE_URL}/communes/${COMMUNE}`);
      const shown = publicPage.getByTestId('public-indicators');
      await shown.getByRole('heading', { name: en['indicators.public.title'] }).waitFor();
      assert.match(await shown.textContent(), new RegExp(en['indicators.figure.verified']));
      await shoot(publicPage, 'public');
      assert.deepEqual(errors, []);
    } finally {
      // Other tests expect the commune not to publish (a public page without the extra call)
      const { name, languages, time_zone } = settings;
      await admin.call('PUT', `/communes/${COMMUNE}`, { name, languages, time_zone, publish_indicators: false }).catch(() => undefined);
      await admin.context.close();
      await anna.context.close();
    }
  });
});
