// Browser test of calls for volunteers: node --test tests/browser/volunteering.test.mjs
// An association (a partner publisher) publishes, through its publisher link (1280 px: the partner's view), a call
// for volunteers with two shifts: a set-up starting in about a minute (the stack's clock cannot be moved: the
// shift is short and real) and a stall the next day; another staff member than the one who issued its link
// approves it. Anna and Ben, verified residents (360 px, keyboard), find it in their neighbourhood's calls and sign
// up for the set-up; once it has ended the association confirms that Anna came and Ben did not; Anna sees the
// confirmed shift and her record in "My shifts" and downloads her certificate (a PDF).
// NOPER_BASE_URL is the origin of the stack; NOPER_OUTBOX_DIR its outbox (sign-in codes); commune 0501 seeded as
// tests/stack/conftest.py does. NOPER_SCREENSHOTS=1 saves /tmp/noper-volunteering-*.png.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { chromiumForTests, fitsWidth, newContext, press, staffMember, uniqueStamp, verifiedResident, watchPageErrors } from './stack-session.mjs';

const BASE_URL = process.env.NOPER_BASE_URL?.replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('NOPER_BASE_URL is not set: start the local stack and set it to its origin, e.g. http://127.0.0.1:8000');
}
const COMMUNE = '0501';
const SCREENSHOTS = Boolean(process.env.NOPER_SCREENSHOTS);
const TIMEOUT = 30_000;
const text = JSON.parse(readFileSync(new URL('../../frontend/src/i18n/locales/volunteering/en.json', import.meta.url), 'utf8'));
const core = JSON.parse(readFileSync(new URL('../../frontend/src/i18n/locales/en.json', import.meta.url), 'utf8'));
const stamp = uniqueStamp();
const chromium = chromiumForTests();

/** The wall-clock time in Luxembourg of `instant` (ms), as a datetime-local input holds it, to the second. */
function luxembourgTime(instant) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Luxembourg', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    }).formatToParts(new Date(instant)).map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

async function shoot(page, name) {
  if (SCREENSHOTS) await page.screenshot({ path: `/tmp/noper-volunteering-${name}.png`, fullPage: true });
}


describe('a call for volunteers', () => {
  test('published by an association with two shifts through its publisher link; two residents sign up; the association confirms one; the volunteer downloads the certificate', { timeout: 300_000 }, async () => {
    // Given a commune admin, an editor, Anna and Ben verified in the same neighbourhood, and an association's
    // publisher link that may publish events (its calls wait for the commune: partners' do)
    const admin = await staffMember(chromium.browser, BASE_URL, { commune: COMMUNE, email: `vol-admin-${stamp}@example.lu`, role: 'admin', timeout: TIMEOUT });
    const anna = await verifiedResident(chromium.browser, BASE_URL, {
      commune: COMMUNE, email: `vol-anna-${stamp}@example.lu`, displayName: `Anna ${stamp.slice(-4)}`, query: 'Haaptstrooss 8', approve: admin.approve, timeout: TIMEOUT,
    });
    const ben = await verifiedResident(chromium.browser, BASE_URL, {
      commune: COMMUNE, email: `vol-ben-${stamp}@example.lu`, displayName: `Ben ${stamp.slice(-4)}`, query: 'Haaptstrooss 9', approve: admin.approve, timeout: TIMEOUT,
    });
    const nbh = anna.neighbourhood.id;
    assert.equal(ben.neighbourhood.id, nbh, 'Anna and Ben must be neighbours');
    const association = `Parents' association ${stamp.slice(-4)}`;
    const publisher = await admin.call('POST', `/communes/${COMMUNE}/publishers`, {
      kind: 'partner', name: association, purpose: 'School fêtes', contact: 'parents@example.lu', non_commercial: true,
    });
    const link = await admin.call('POST', `/communes/${COMMUNE}/publisher-links`, {
      publisher_id: publisher.id, neighbourhoods: null, categories: ['event', 'information'], expires_in_days: 30, label: 'parents',
    });
    await admin.context.close();
    // Nobody decides the calls of a link they issued: another staff member approves the association's call
    const editor = await staffMember(chromium.browser, BASE_URL, { commune: COMMUNE, email: `vol-editor-${stamp}@example.lu`, role: 'editor', timeout: TIMEOUT });

    const service = await newContext(chromium.browser, { timeout: TIMEOUT });
    const pageS = await service.newPage();
    await pageS.setViewportSize({ width: 1280, height: 900 });
    const pageA = await anna.context.newPage();
    const pageB = await ben.context.newPage();
    const errors = [watchPageErrors(pageS), watchPageErrors(pageA), watchPageErrors(pageB)];
    const title = `Clean-up day ${stamp.slice(-5)}`;
    try {
      // When the service opens its link, chooses "A call for volunteers" and fills the form with two shifts
      await pageS.goto(`${BASE_URL}/publish#${link.url.split('#')[1]}`);
      await press(pageS.getByTestId('publish-calls'), 'Space');
      await pageS.getByTestId('call-form').waitFor();
      await pageS.locator('#call-title').pressSequentially(title);
      await pageS.locator('#call-what').pressSequentially('Set up the tables, then hold the stall.');
      const setUpStart = Date.now() + 80_000;
      const setUpEnd = setUpStart + 20_000;
      await pageS.locator('#call-shifts-0-role').pressSequentially('Set-up');
      await pageS.locator('#call-shifts-0-start').fill(luxembourgTime(setUpStart));
      await pageS.locator('#call-shifts-0-end').fill(luxembourgTime(setUpEnd));
      await pageS.locator('#call-shifts-0-needed').fill('2');
      await press(pageS.getByTestId('add-shift'));
      await pageS.locator('#call-shifts-1-role').pressSequentially('Stall');
      const tomorrow = luxembourgTime(Date.now() + 86_400_000).slice(0, 10);
      await pageS.locator('#call-shifts-1-start').fill(`${tomorrow}T10:00`);
      await pageS.locator('#call-shifts-1-end').fill(`${tomorrow}T12:00`);
      await press(pageS.getByLabel(text['volunteering.skill.event_setup']), 'Space');
      assert.equal(await pageS.getByTestId('shift-row').count(), 2);
      await shoot(pageS, 'publisher-form');
      await press(pageS.getByTestId('call-submit'));

      // Then it is sent to the commune, listed among the association's calls; the editor approves it
      await pageS.getByTestId('call-publish-news').filter({ hasText: title }).waitFor();
      await pageS.getByTestId('publisher-call').filter({ hasText: title }).waitFor();
      const waiting = await editor.call('GET', `/communes/${COMMUNE}/call-reviews`);
      const review = waiting.reviews.find((r) => r.title === title);
      assert.ok(review, 'the association\'s call waits in "Calls to approve"');
      assert.equal(review.publisher_name, association);
      await editor.approve(`/communes/${COMMUNE}/call-reviews/${review.call_id}`);

      // When Anna and Ben open their neighbourhood's calls from its navigation and sign up for the set-up
      for (const page of [pageA, pageB]) {
        await page.goto(`${BASE_URL}/neighbourhoods/${encodeURIComponent(nbh)}`);
        await press(page.getByTestId('neighbourhood-nav').getByRole('link', { name: core['nav.volunteering'] }));
        await page.waitForURL(/\/volunteering$/);
        await press(page.getByTestId('call').getByRole('link', { name: title }));
        await page.getByTestId('call-title').filter({ hasText: title }).waitFor();
        const setUp = page.getByTestId('shift').filter({ hasText: 'Set-up' });
        await press(setUp.getByTestId('sign-up'));
        await page.getByTestId('call-news').filter({ hasText: text['volunteering.call.signedUpNews'].replace('{role}', 'Set-up') }).waitFor();
        await setUp.getByTestId('withdraw').waitFor();
        assert.ok(await fitsWidth(page), 'the call page scrolls sideways at 360 px');
      }
      // Then the set-up is full for anyone else, and says so
      await pageB.reload();
      await pageB.getByTestId('shift').filter({ hasText: 'Set-up' }).getByTestId('places-left').filter({ hasText: text['volunteering.shift.full'] }).waitFor();
      await shoot(pageB, 'call-360');
      assert.ok(Date.now() < setUpStart, 'the sign-ups took longer than the time before the set-up: raise the margin');

      // When the set-up has ended, the association opens its sign-ups and confirms that Anna came and Ben did not
      await delay(Math.max(0, setUpEnd - Date.now()) + 2_000);
      await pageS.reload();
      await press(pageS.getByTestId('publish-calls'), 'Space');
      const listed = pageS.getByTestId('publisher-call').filter({ hasText: title });
      await press(listed.getByTestId('open-sign-ups'));
      const shift = listed.getByTestId('organiser-shift').filter({ hasText: 'Set-up' });
      await shift.getByTestId('volunteer').filter({ hasText: `Ben ${stamp.slice(-4)}` }).waitFor();
      await press(shift.getByTestId('confirm-attendance'));
      const benRow = shift.getByTestId('attendance-row').filter({ hasText: `Ben ${stamp.slice(-4)}` });
      await press(benRow.getByTestId('attendance-came'), 'Space');
      await shoot(pageS, 'confirm');
      await press(shift.getByTestId('attendance-send'));
      await listed.getByTestId('organiser-news').filter({ hasText: '1 volunteer confirmed' }).waitFor();
      await shift.getByTestId('volunteer').filter({ hasText: `Anna ${stamp.slice(-4)}` }).filter({ hasText: 'came' }).waitFor();
      await shift.getByTestId('volunteer').filter({ hasText: `Ben ${stamp.slice(-4)}` }).filter({ hasText: 'did not come' }).waitFor();

      // Then Anna sees the shift confirmed in "My shifts", her record counts it, and she downloads her certificate
      await pageA.goto(`${BASE_URL}/me/shifts`);
      await pageA.getByTestId('my-shift').filter({ hasText: title }).filter({ hasText: text['volunteering.mine.status.confirmed'] }).waitFor();
      await pageA.getByTestId('record-total').filter({ hasText: '1 volunteer action' }).waitFor();
      assert.ok(await fitsWidth(pageA), 'my shifts scroll sideways at 360 px');
      await shoot(pageA, 'my-shifts-360');
      const [download] = await Promise.all([pageA.waitForEvent('download'), press(pageA.getByTestId('certificate-link'))]);
      assert.match(download.suggestedFilename(), /\.pdf$/);
      const pdf = readFileSync(await download.path());
      assert.equal(pdf.subarray(0, 4).toString('latin1'), '%PDF', 'the certificate is a PDF');
      assert.ok(pdf.length > 1000, `the certificate is ${pdf.length} bytes only`);
      // And Ben's record stays empty (a no-show is the organiser's to know)
      await pageB.goto(`${BASE_URL}/me/shifts`);
      await pageB.getByTestId('my-record').filter({ hasText: text['volunteering.record.none'].slice(0, 20) }).waitFor();

      for (const list of errors) assert.deepEqual(list, []);
    } finally {
      await editor.context.close();
      await service.close();
      await anna.context.close();
      await ben.context.close();
    }
  });
});
