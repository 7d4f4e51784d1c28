// Browser test of neighbourhood events: node --test tests/browser/events.test.mjs
// A resident organises a monthly repair café with a capacity; a neighbour finds it in the agenda and
// answers going; the organiser sees the neighbour's name and cancels that date; the neighbour sees the
// date cancelled (on the event page, its answer closed with the reason, and in the agenda). The organiser also
// asks the commune to show it to every neighbourhood and has those going reminded the day before; an editor
// approves it in the admin area's "Events to approve" (a refusal without a reason is not sent). At 360 px,
// with the keyboard: links and buttons are reached by focus and pressed with Enter or Space, text typed;
// the date-time inputs are filled (their segments differ between browsers' keyboards).
// NOPER_BASE_URL is the origin of the stack; NOPER_OUTBOX_DIR its outbox (sign-in codes); commune 0501
// seeded as tests/stack/conftest.py does. NOPER_SCREENSHOTS=1 saves /tmp/noper-events-*.png.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { chromiumForTests, fitsWidth, press, staffMember, uniqueStamp, verifiedResident, watchPageErrors } from './stack-session.mjs';

const BASE_URL = process.env.NOPER_BASE_URL?.replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('NOPER_BASE_URL is not set: start the local stack and set it to its origin, e.g. http://127.0.0.1:8000');
}
const COMMUNE = '0501';
const SCREENSHOTS = Boolean(process.env.NOPER_SCREENSHOTS);
const TIMEOUT = 30_000;
// The events area's English strings, by their key without the area's `events.` prefix.
const text = Object.fromEntries(
  Object.entries(JSON.parse(readFileSync(new URL('../../frontend/src/i18n/locales/events/en.json', import.meta.url), 'utf8')))
    .map(([key, value]) => [key.replace(/^events\./, ''), value]),
);
const core = JSON.parse(readFileSync(new URL('../../frontend/src/i18n/locales/en.json', import.meta.url), 'utf8'));

const stamp = uniqueStamp();
const chromium = chromiumForTests();

/** The first Saturday of the month after next (always ahead, whatever today is), as YYYY-MM-DD. */
function firstSaturdayAhead() {
  const now = new Date();
  const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 1));
  while (month.getUTCDay() !== 6) month.setUTCDate(month.getUTCDate() + 1);
  return month.toISOString().slice(0, 10);
}

/** Types `value` into the field, from the keyboard. */
async function type(locator, value) {
  await locator.focus();
  await locator.page().keyboard.type(value);
}

async function shoot(page, name) {
  if (SCREENSHOTS) await page.screenshot({ path: `/tmp/noper-events-${name}.png`, fullPage: true });
}


describe('a monthly repair café', () => {
  test('organised with a capacity, answered by a neighbour, one date cancelled and seen cancelled', async () => {
    // Given two verified neighbours
    const staff = await staffMember(chromium.browser, BASE_URL, { commune: COMMUNE, email: `events-verifier-${stamp}@example.lu`, role: 'verifier', timeout: TIMEOUT });
    const anna = await verifiedResident(chromium.browser, BASE_URL, {
      commune: COMMUNE, email: `events-anna-${stamp}@example.lu`, displayName: `Anna ${stamp.slice(-4)}`, query: 'Haaptstrooss 8', approve: staff.approve, timeout: TIMEOUT,
    });
    const ben = await verifiedResident(chromium.browser, BASE_URL, {
      commune: COMMUNE, email: `events-ben-${stamp}@example.lu`, displayName: `Ben ${stamp.slice(-4)}`, query: 'Haaptstrooss 9', approve: staff.approve, timeout: TIMEOUT,
    });
    await staff.context.close();
    const nbh = anna.neighbourhood.id;
    assert.equal(ben.neighbourhood.id, nbh, 'Anna and Ben must be neighbours');

    const pageA = await anna.context.newPage();
    const pageB = await ben.context.newPage();
    const errorsA = watchPageErrors(pageA);
    const errorsB = watchPageErrors(pageB);
    const title = `Repair café ${stamp}`;
    const day = firstSaturdayAhead();
    try {
      // When Anna opens her neighbourhood's events from its navigation, and "Organise an event"
      await pageA.goto(`${BASE_URL}/neighbourhoods/${encodeURIComponent(nbh)}`);
      await press(pageA.getByTestId('neighbourhood-nav').getByRole('link', { name: core['nav.events'] }));
      await pageA.waitForURL(/\/events$/);
      await press(pageA.getByTestId('organise-event'));
      await pageA.getByTestId('event-form').waitFor();

      // And fills the form: a repair café on the first Saturday of a month, 14:00–17:00, every month on that
      // weekday, six dates, 8 places
      await type(pageA.getByLabel(text['form.title'], { exact: true }), title);
      await type(pageA.getByLabel(text['form.category'], { exact: true }), 'Repair');
      assert.equal(await pageA.getByLabel(text['form.category'], { exact: true }).inputValue(), 'repair_cafe');
      await type(pageA.getByLabel(text['form.description'], { exact: true }), 'Bring what is broken.');
      await pageA.getByLabel(text['form.start'], { exact: true }).fill(`${day}T14:00`);
      await pageA.getByLabel(text['form.end'], { exact: true }).fill(`${day}T17:00`);
      await type(pageA.getByTestId('repeat'), 'Every m');
      assert.equal(await pageA.getByTestId('repeat').inputValue(), 'MONTHLY');
      await press(pageA.getByTestId('monthly-weekday'), 'Space');
      await pageA.getByTestId('repeat-count').fill('');
      await type(pageA.getByTestId('repeat-count'), '6');
      await type(pageA.getByLabel(text['form.place'], { exact: true }), 'Community hall');
      await type(pageA.getByTestId('capacity'), '8');
      assert.ok(await fitsWidth(pageA), 'the form scrolls sideways at 360 px');
      await shoot(pageA, 'form-360');
      await press(pageA.getByTestId('event-submit'));

      // Then the event page shows it, repeating, with 8 places left
      await pageA.waitForURL(/\/events\/[0-9A-Z]{26}/);
      const eventId = new URL(pageA.url()).pathname.split('/').pop();
      await pageA.getByTestId('event-title').filter({ hasText: title }).waitFor();
      await pageA.getByTestId('places-left').filter({ hasText: '8 places left.' }).waitFor();
      assert.ok((await pageA.getByTestId('event-when').innerText()).includes('14:00'));

      // And Anna asks the commune to show it to every neighbourhood, and has those going reminded the day before
      await press(pageA.getByTestId('ask-whole-commune'));
      await pageA.getByTestId('commune-state').filter({ hasText: text['commune.state.pending'] }).waitFor();
      await type(pageA.getByLabel(text['reminder.note']), 'Bring your tools.');
      await press(pageA.getByTestId('send-reminder'));
      await pageA.getByTestId('reminder-state').filter({ hasText: text['reminder.due'] }).waitFor();
      // And after a reload the page still says both (the API keeps telling its organisers)
      await pageA.reload();
      await pageA.getByTestId('commune-state').filter({ hasText: text['commune.state.pending'] }).waitFor();
      await pageA.getByTestId('reminder-state').filter({ hasText: text['reminder.due'] }).waitFor();
      assert.ok(await fitsWidth(pageA), 'the organiser\'s part scrolls sideways at 360 px');
      await shoot(pageA, 'organiser-360');

      // When Ben opens the agenda (the menu's Events), finds it on its day and opens it
      await pageB.goto(`${BASE_URL}/`);
      await press(pageB.getByTestId('menu-button'));
      await press(pageB.locator('#site-menu').getByRole('link', { name: core['nav.events'] }));
      await pageB.waitForURL(/\/events$/);
      const row = pageB.getByTestId('occurrence').filter({ hasText: title }).first();
      await row.waitFor();
      assert.ok((await row.innerText()).includes('14:00–17:00'));
      assert.ok(await fitsWidth(pageB), 'the agenda scrolls sideways at 360 px');
      await shoot(pageB, 'agenda-360');
      await press(row.getByRole('link'));
      await pageB.waitForURL(new RegExp(`/events/${eventId}\\?occurrence=`));
      const occurrence = new URL(pageB.url()).searchParams.get('occurrence');

      // And answers going (the default answer), with one more person
      await pageB.getByTestId('answer-counts').waitFor();
      await type(pageB.getByLabel(text['answer.extra']), '1');
      await press(pageB.getByTestId('answer-send'));
      await pageB.getByTestId('my-answer').filter({ hasText: text['answer.mine.going'] }).waitFor();
      await pageB.getByTestId('places-left').filter({ hasText: '6 places left.' }).waitFor();
      assert.equal(await pageB.getByTestId('answer-people').count(), 0, 'only organisers see who answered');
      await shoot(pageB, 'answered-360');

      // Then Anna sees Ben among the answers, and cancels that date with the keyboard
      await pageA.goto(`${BASE_URL}/events/${eventId}?occurrence=${occurrence}`);
      await pageA.getByTestId('answer-people').filter({ hasText: ben.profile.display_name }).waitFor();
      await press(pageA.getByTestId('cancel-occurrence'));
      await pageA.getByTestId('event-news').filter({ hasText: text['news.occurrenceCancelled'] }).waitFor();

      // And Ben sees it cancelled: on the event page, the answer closed with its reason
      await pageB.reload();
      await pageB.getByTestId('occurrence-cancelled-notice').waitFor();
      assert.equal(await pageB.getByTestId('answer-off').innerText(), text['answer.offCancelled']);
      assert.ok(await pageB.getByTestId('answer-send').isDisabled());
      await shoot(pageB, 'cancelled-360');
      // And in the agenda, while the next month's date stays on
      await pageB.goto(`${BASE_URL}/neighbourhoods/${encodeURIComponent(nbh)}/events`);
      const rows = pageB.getByTestId('occurrence').filter({ hasText: title });
      await rows.first().getByTestId('occurrence-cancelled').waitFor();
      // "My events" (chosen with the keyboard) keeps the date Ben answered, not the next month's
      const allRows = await rows.count();
      await press(pageB.getByTestId('only-mine'), 'Space');
      await pageB.waitForFunction(
        ([wanted, name]) => [...document.querySelectorAll('[data-testid="occurrence"]')].filter((row) => row.textContent.includes(name)).length === wanted,
        [1, title],
      );
      assert.ok(allRows > 1, 'the series shows more than one date');
      await press(pageB.getByTestId('only-mine'), 'Space');

      // And the month view moves by day with the arrow keys and by month with Page Down
      await press(pageB.getByTestId('view-month'));
      const focusedDay = () => pageB.evaluate(() => document.activeElement?.getAttribute('data-day'));
      const today = await pageB.locator('table.month button[tabindex="0"]').getAttribute('data-day');
      await pageB.locator('table.month button[tabindex="0"]').focus();
      await pageB.keyboard.press('ArrowRight');
      assert.notEqual(await focusedDay(), today);
      await pageB.keyboard.press('ArrowLeft');
      assert.equal(await focusedDay(), today);
      await pageB.keyboard.press('PageDown');
      await pageB.keyboard.press('PageDown');
      assert.equal((await focusedDay())?.slice(0, 7), day.slice(0, 7));
      // The repair café's day lists it, cancelled
      for (let moves = 0; (await focusedDay()) !== day && moves < 40; moves++) await pageB.keyboard.press((await focusedDay()) < day ? 'ArrowRight' : 'ArrowLeft');
      assert.equal(await focusedDay(), day);
      await pageB.getByTestId('month-day').getByTestId('occurrence').filter({ hasText: title }).getByTestId('occurrence-cancelled').waitFor();
      assert.ok(await fitsWidth(pageB), 'the month view scrolls sideways at 360 px');
      await shoot(pageB, 'month-360');

      // When an editor of the commune opens "Events to approve": a refusal needs a reason; they approve it
      const editor = await staffMember(chromium.browser, BASE_URL, { commune: COMMUNE, email: `events-editor-${stamp}@example.lu`, role: 'editor', timeout: TIMEOUT });
      const pageE = await editor.context.newPage();
      try {
        await pageE.goto(`${BASE_URL}/admin/${COMMUNE}/events`);
        const review = pageE.getByTestId('event-review').filter({ hasText: title });
        await press(review.getByTestId('event-review-refuse'));
        await review.getByRole('alert').filter({ hasText: text['review.reasonMissing'] }).waitFor();
        await shoot(pageE, 'review');
        await press(review.getByTestId('event-review-approve'));
        await pageE.getByTestId('event-review-decided').waitFor();
        assert.equal(await review.count(), 0, 'the approved event leaves the queue');
      } finally {
        await editor.context.close();
      }
      // Then Anna's event page says the commune shows it to every neighbourhood
      await pageA.goto(`${BASE_URL}/events/${eventId}`);
      await pageA.getByTestId('commune-state').filter({ hasText: text['commune.state.approved'] }).waitFor();

      assert.deepEqual(errorsA, []);
      assert.deepEqual(errorsB, []);
    } catch (error) {
      await pageA.screenshot({ path: '/tmp/noper-events-failed-a.png', fullPage: true }).catch(() => undefined);
      await pageB.screenshot({ path: '/tmp/noper-events-failed-b.png', fullPage: true }).catch(() => undefined);
      throw new Error(`${error.message}\npage errors: ${[...errorsA, ...errorsB].map(String).join('; ') || 'none'} (screenshots /tmp/noper-events-failed-*.png)`, { cause: error });
    } finally {
      await anna.context.close();
      await ben.context.close();
    }
  });
});
