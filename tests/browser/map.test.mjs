// Browser test of a commune page with published neighbourhoods: node --test tests/browser/map.test.mjs
// NOPER_BASE_URL is the origin that serves the site at / and the API at /api/v1/*.
// NOPER_MAP_COMMUNE (default 0501) must have published neighbourhoods and NOPER_MAP_QUERY (default
// "kaesfurter 20") must find an address in it, e.g. after
//   ./noper import-addresses tests/data/lu-addresses-sample.csv
//   ./noper neighbourhoods propose --commune 0501 && ./noper neighbourhoods publish --commune 0501
// Map tiles are blocked: the outlines must draw without them.
// NOPER_SCREENSHOTS=1 also saves /tmp/noper-map-desktop.png, /tmp/noper-map-search.png and /tmp/noper-map-360.png.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { launchChromium } from './stack-session.mjs';

const BASE_URL = process.env.NOPER_BASE_URL?.replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('NOPER_BASE_URL is not set: start the local stack and set it to its origin, e.g. http://127.0.0.1:8000');
}
const COMMUNE = process.env.NOPER_MAP_COMMUNE || '0501';
const QUERY = process.env.NOPER_MAP_QUERY || 'kaesfurter 20';
const SCREENSHOTS = Boolean(process.env.NOPER_SCREENSHOTS);

const en = JSON.parse(readFileSync(new URL('../../frontend/src/i18n/locales/en.json', import.meta.url), 'utf8'));
const TIMEOUT = 15_000;
let browser;
let features;
let expectedAddress;

async function apiJson(path) {
  const response = await fetch(`${BASE_URL}/api/v1${path}`);
  const body = await response.json().catch(() => null);
  return { status: response.status, body };
}

before(async () => {
  const shapes = await apiJson(`/communes/${COMMUNE}/neighbourhoods.geojson`);
  features = shapes.body?.features ?? [];
  if (shapes.status !== 200 || features.length === 0) {
    throw new Error(
      `Commune ${COMMUNE} has no published neighbourhoods at ${BASE_URL} (HTTP ${shapes.status}, ${features.length} features). ` +
        `Seed it first: ./noper import-addresses tests/data/lu-addresses-sample.csv; ./noper neighbourhoods propose --commune ${COMMUNE}; ` +
        `./noper neighbourhoods publish --commune ${COMMUNE} (or set NOPER_MAP_COMMUNE).`,
    );
  }
  const search = await apiJson(`/communes/${COMMUNE}/addresses?q=${encodeURIComponent(QUERY)}`);
  expectedAddress = search.body?.addresses?.[0];
  if (!expectedAddress?.neighbourhood) {
    throw new Error(
      `The address search for "${QUERY}" in commune ${COMMUNE} found no address in a published neighbourhood ` +
        `(HTTP ${search.status}, ${search.body?.addresses?.length ?? 0} addresses); set NOPER_MAP_QUERY to one that does.`,
    );
  }
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** An English-speaking visitor with no map tiles reachable. */
async function openCommune(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ locale: 'en-US', viewport });
  context.setDefaultTimeout(TIMEOUT);
  const blockedTiles = [];
  await context.route('https://tile.openstreetmap.org/**', (route) => {
    blockedTiles.push(route.request().url());
    return route.abort('internetdisconnected');
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  await page.goto(`${BASE_URL}/communes/${COMMUNE}`);
  await page.locator('[data-testid="neighbourhood-map"][data-ready="true"]').waitFor();
  return { page, context, errors, blockedTiles };
}

/** The neighbourhood labels on the map, and the boxes of those a reader sees. */
async function visibleLabels(page) {
  return page.evaluate(() => {
    const labels = [...document.querySelectorAll('[data-testid="neighbourhood-map"] .neighbourhood-label')];
    const shown = labels
      .filter((label) => getComputedStyle(label).visibility !== 'hidden' && getComputedStyle(label).display !== 'none')
      .map((label) => {
        const box = label.getBoundingClientRect();
        return { id: label.getAttribute('data-neighbourhood'), left: box.left, top: box.top, right: box.right, bottom: box.bottom };
      })
      .filter((box) => box.right > box.left && box.bottom > box.top);
    return { shown, total: labels.length };
  });
}

const outlines = (page) => page.locator('[data-testid="neighbourhood-map"] path.leaflet-interactive');

describe(`commune ${COMMUNE} page`, () => {
  test('draws one outline per published neighbourhood without tiles, and lists the same names', async () => {
    const { page, context, errors, blockedTiles } = await openCommune();
    try {
      await page.waitForFunction(
        (count) => document.querySelectorAll('[data-testid="neighbourhood-map"] path.leaflet-interactive').length === count,
        features.length,
      );
      assert.equal(await outlines(page).count(), features.length);
      assert.ok(blockedTiles.length > 0, 'the map did not even ask for tiles');

      const map = page.getByRole('region', { name: en['map.label'].replace('{commune}', await page.locator('h1').innerText()) });
      assert.equal(await map.count(), 1, 'the map is not a region labelled with the commune');
      assert.equal(await map.getAttribute('tabindex'), '0');

      const listed = await page.locator('[data-testid="neighbourhood-list"] [data-testid="neighbourhood-name"]').allInnerTexts();
      assert.deepEqual([...listed].map((n) => n.trim()).sort(), features.map((f) => f.properties.name).sort());
      assert.deepEqual(errors, []);

      if (SCREENSHOTS) await page.screenshot({ path: '/tmp/noper-map-desktop.png', fullPage: true });
    } finally {
      await context.close();
    }
  });

  test('the address search works with the keyboard and shows the neighbourhood', async () => {
    const { page, context, errors } = await openCommune();
    try {
      const combobox = page.getByRole('combobox', { name: en['addressSearch.label'] });
      await combobox.focus();
      await page.keyboard.type(QUERY, { delay: 20 });
      const options = page.getByRole('listbox').getByRole('option');
      await options.first().waitFor();
      assert.equal(await combobox.getAttribute('aria-expanded'), 'true');

      await page.keyboard.press('ArrowDown');
      const activeId = await combobox.getAttribute('aria-activedescendant');
      assert.ok(activeId, 'ArrowDown did not make an option active');
      assert.equal(await page.locator(`#${activeId}`).getAttribute('aria-selected'), 'true');
      assert.equal((await page.locator(`#${activeId}`).innerText()).trim(), expectedAddress.label);

      await page.keyboard.press('Enter');
      assert.equal(await combobox.getAttribute('aria-expanded'), 'false');
      assert.equal(await combobox.inputValue(), expectedAddress.label);
      const answer = page.getByTestId('address-neighbourhood');
      await answer.waitFor();
      assert.equal((await answer.innerText()).trim(), expectedAddress.neighbourhood.name);

      // The chosen neighbourhood is highlighted in the list (and on the map, thicker outline).
      const pressed = page.locator('[data-testid="neighbourhood-list"] button[aria-pressed="true"]');
      assert.equal((await pressed.innerText()).trim(), expectedAddress.neighbourhood.name);
      assert.equal(await page.locator('[data-testid="neighbourhood-map"] path[stroke-width="4"]').count(), 1);
      if (SCREENSHOTS) await page.screenshot({ path: '/tmp/noper-map-search.png', fullPage: true });

      // Escape on the closed list clears the input.
      await page.keyboard.press('Escape');
      assert.equal(await combobox.inputValue(), '');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('the map takes keyboard focus and lets it go', async () => {
    const { page, context } = await openCommune();
    try {
      const map = page.getByTestId('neighbourhood-map');
      await map.focus();
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'neighbourhood-map');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('Tab');
      const inside = await page.evaluate(() => document.querySelector('[data-testid="neighbourhood-map"]')?.contains(document.activeElement));
      // Tab may visit the zoom buttons inside the map, but a few more presses must leave it.
      let left = !inside;
      for (let presses = 0; presses < 5 && !left; presses += 1) {
        await page.keyboard.press('Tab');
        left = !(await page.evaluate(() => document.querySelector('[data-testid="neighbourhood-map"]')?.contains(document.activeElement)));
      }
      assert.ok(left, 'Tab does not leave the map (keyboard trap)');
    } finally {
      await context.close();
    }
  });

  for (const viewport of [{ width: 1280, height: 900 }, { width: 360, height: 780 }]) {
    test(`no two visible neighbourhood labels overlap at ${viewport.width} px, before and after zooming`, async () => {
      const { page, context, errors } = await openCommune(viewport);
      try {
        await page.waitForFunction(
          (count) => document.querySelectorAll('[data-testid="neighbourhood-map"] path.leaflet-interactive').length === count,
          features.length,
        );
        const permanent = features.length <= 20; // more neighbourhoods than that label on hover (leaflet-map.ts)
        const check = async (when) => {
          const { shown, total } = await visibleLabels(page);
          if (permanent) {
            assert.equal(total, features.length, `${when}: one label per neighbourhood`);
            assert.ok(shown.length >= 1, `${when}: every label is hidden`);
          }
          for (let i = 0; i < shown.length; i += 1) {
            for (let j = i + 1; j < shown.length; j += 1) {
              const [a, b] = [shown[i], shown[j]];
              const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
              assert.ok(apart, `${when}: the labels of ${a.id} and ${b.id} overlap (${JSON.stringify([a, b])})`);
            }
          }
          return shown.length;
        };
        const before = await check('at the default zoom');
        // Zooming in makes room: labels hidden at the default zoom come back, none overlapping.
        await page.getByRole('button', { name: en['map.zoomIn'] }).click();
        await page.waitForFunction(() => !document.querySelector('.leaflet-zoom-anim'));
        await page.waitForTimeout(400); // Leaflet ends its zoom animation on a timer
        const zoomed = await check('one step closer');
        if (permanent && features.length > 1) assert.ok(zoomed >= 1 && before >= 1);
        // Every neighbourhood stays reachable by keyboard through the list of names.
        const names = page.locator('[data-testid="neighbourhood-list"] button[data-testid="neighbourhood-name"]');
        assert.equal(await names.count(), features.length);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }

  test('fits a 360 px wide phone without sideways scrolling', async () => {
    const { page, context, errors } = await openCommune({ width: 360, height: 780 });
    try {
      await page.waitForFunction(
        (count) => document.querySelectorAll('[data-testid="neighbourhood-map"] path.leaflet-interactive').length === count,
        features.length,
      );
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
      if (SCREENSHOTS) await page.screenshot({ path: '/tmp/noper-map-360.png', fullPage: true });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
