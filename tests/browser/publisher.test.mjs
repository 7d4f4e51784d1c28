// Browser test of the commune's channel: node --test tests/browser/publisher.test.mjs
// A commune admin (made with `./noper staff add ... --role admin`, signed in through the API)
// registers a publisher and issues a publisher link for ONE neighbourhood through the admin API; a
// clerk without any account opens the link, uploads a PDF (checked by the object-created handler:
// the stack must run ops/local_events.py) and publishes. Anna, verified in that neighbourhood, sees
// the announcement with its attachment in "From the commune"; Ben, verified in another, does not;
// a link with a changed signature opens the refusal page instead of the form.
// NOPER_BASE_URL is the origin of the stack; NOPER_OUTBOX_DIR its outbox (sign-in codes). Commune
// 0501 must be seeded as tests/stack/conftest.py does (Hauptstrooss and Heigaart in two neighbourhoods).
// A partner's link that may publish events: the partner publishes an event at a register address (keyboard only,
// 360 px); it waits for the commune's approval, then shows on the commune's public page; the partner changes it
// and cancels it in its list.
// NOPER_SCREENSHOTS=1 also saves /tmp/noper-publisher-*.png (360 px wide).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { chromiumForTests, drawnJpeg, newContext as blankContext, staffMember, uniqueStamp, verifiedResident } from './stack-session.mjs';

const BASE_URL = process.env.NOPER_BASE_URL?.replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('NOPER_BASE_URL is not set: start the local stack and set it to its origin, e.g. http://127.0.0.1:8000');
}
const COMMUNE = '0501';
const SCREENSHOTS = Boolean(process.env.NOPER_SCREENSHOTS);
const commune = JSON.parse(readFileSync(new URL('../../frontend/src/i18n/locales/commune/en.json', import.meta.url), 'utf8'));
const life = JSON.parse(readFileSync(new URL('../../frontend/src/i18n/locales/life/en.json', import.meta.url), 'utf8'));
const events = JSON.parse(readFileSync(new URL('../../frontend/src/i18n/locales/events/en.json', import.meta.url), 'utf8'));
const stamp = uniqueStamp();
const chromium = chromiumForTests();

const newContext = () => blankContext(chromium.browser);

/** A resident at `query` (no display name), verified by the admin; returns the context and their neighbourhood id. */
async function resident(name, query, approve) {
  const email = `${name.toLowerCase()}-${stamp}@example.lu`;
  const { context, neighbourhood } = await verifiedResident(chromium.browser, BASE_URL, { commune: COMMUNE, email, query, approve });
  return { context, neighbourhood: neighbourhood.id };
}

/** A one-page PDF, written out with its cross-reference table (PDFium renders its first page). */
function onePagePdf(text) {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    null,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const stream = `BT /F1 24 Tf 72 760 Td (${text}) Tj ET`;
  objects[3] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  let pdf = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((body, index) => {
    offsets.push(pdf.length);
    pdf += `${index + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

async function shoot(page, name) {
  if (SCREENSHOTS) await page.screenshot({ path: `/tmp/noper-publisher-${name}.png`, fullPage: true });
}

describe('a clerk publishes through a publisher link', () => {
  test('uploads a PDF and publishes to one neighbourhood: its resident sees it with the attachment, another does not', async () => {
    // Given a commune admin, Anna and Ben verified in two neighbourhoods
    const adminEmail = `publisher-admin-${stamp}@example.lu`;
    const admin = await staffMember(chromium.browser, BASE_URL, { commune: COMMUNE, email: adminEmail, role: 'admin' });
    const anna = await resident('Anna', 'Hauptstrooss 60', admin.approve);
    const ben = await resident('Ben', 'Heigaart 14', admin.approve);
    assert.notEqual(anna.neighbourhood, ben.neighbourhood, 'Anna and Ben must live in two neighbourhoods');

    // And a publisher link for Anna's neighbourhood only, issued through the admin API
    const publisher = await admin.call('POST', `/communes/${COMMUNE}/publishers`, {
      kind: 'commune', name: `Service technique ${stamp.slice(-4)}`, purpose: 'Roadworks', contact: 'tech@example.lu', non_commercial: true,
    });
    const link = await admin.call('POST', `/communes/${COMMUNE}/publisher-links`, {
      publisher_id: publisher.id, neighbourhoods: [anna.neighbourhood], categories: ['works', 'information'], expires_in_days: 30, label: 'clerk',
    });
    await admin.context.close();
    const token = link.url.split('#')[1];
    assert.ok(token, `the link has its token in the fragment: ${link.url}`);

    // When a clerk without an account opens the link
    const clerk = await newContext();
    const page = await clerk.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error));
    await page.goto(`${BASE_URL}/publish#${token}`);
    await page.getByRole('heading', { level: 1, name: commune['publish.title'] }).waitFor();
    assert.equal(new URL(page.url()).hash, '', 'the token leaves the address bar');

    // And writes the announcement, keeps the one neighbourhood the link allows, attaches a PDF
    const title = `Grand-Rue closed ${stamp.slice(-5)}`;
    await page.getByLabel(commune['publish.titleLabel']).fill(title);
    await page.getByLabel(commune['publish.bodyLabel']).fill('The road is closed **all week** for new pipes.');
    await page.getByLabel(commune['publish.category']).selectOption('works');
    assert.equal(await page.locator('input[type="checkbox"][value="' + anna.neighbourhood + '"]').isChecked(), true);
    await page.getByTestId('attachment-input').setInputFiles({ name: 'plan.pdf', mimeType: 'application/pdf', buffer: onePagePdf('Plan of the works') });
    await page.locator('[data-testid="attachment"][data-state="ready"]').waitFor({ timeout: 30_000 });
    await shoot(page, 'form');
    await page.getByTestId('publish-submit').click();

    // Then it is published at once (a service of the commune)
    await page.getByTestId('published').getByRole('heading', { name: commune['publish.done.published'] }).waitFor();
    assert.deepEqual(errors, []);
    await clerk.close();

    // And Anna sees it in "From the commune", with the PDF and its preview
    const annaPage = await anna.context.newPage();
    await annaPage.goto(`${BASE_URL}/announcements`);
    const card = annaPage.getByTestId('announcement').filter({ hasText: title });
    await card.waitFor();
    const attachment = card.getByTestId('attachment-link');
    assert.match(await attachment.innerText(), /plan\.pdf/);
    const preview = attachment.locator('img');
    await preview.waitFor();
    await annaPage.waitForFunction((img) => img.complete && img.naturalWidth > 0, await preview.elementHandle());
    const file = await anna.context.request.get(await attachment.getAttribute('href'));
    assert.ok((await file.body()).subarray(0, 5).toString() === '%PDF-', 'the attachment link serves the PDF');
    await shoot(annaPage, 'anna');

    // And Ben, in another neighbourhood, does not
    const benPage = await ben.context.newPage();
    await benPage.goto(`${BASE_URL}/announcements`);
    await benPage.getByRole('heading', { level: 1, name: commune['announcements.title'] }).waitFor();
    await benPage.getByText(commune['announcements.empty']).or(benPage.getByTestId('announcement').first()).first().waitFor();
    assert.equal(await benPage.getByTestId('announcement').filter({ hasText: title }).count(), 0);
    await anna.context.close();
    await ben.context.close();

    // And a link with a changed signature opens a page saying so, not the form
    const stranger = await newContext();
    const refused = await stranger.newPage();
    await refused.goto(`${BASE_URL}/publish#${token.slice(0, -3)}AAA`);
    await refused.locator('[data-testid="link-refused"][data-reason="tampered"]').waitFor();
    await refused.getByRole('heading', { level: 1, name: commune['publish.refused.title'] }).waitFor();
    assert.equal(await refused.getByTestId('publish-submit').count(), 0);
    await stranger.close();
  });

  test('a partner publishes an event at a register address: once the commune approves it, it is on the commune page; the partner changes and cancels it', async () => {
    // Given a partner whose link may publish events for the whole commune (partners' wait for approval)
    const admin = await staffMember(chromium.browser, BASE_URL, { commune: COMMUNE, email: `event-admin-${stamp}@example.lu`, role: 'admin' });
    const partner = await admin.call('POST', `/communes/${COMMUNE}/publishers`, {
      kind: 'partner', name: `Jugendhaus ${stamp.slice(-4)}`, purpose: 'Youth club', contact: 'jugend@example.lu', non_commercial: true,
    });
    const link = await admin.call('POST', `/communes/${COMMUNE}/publisher-links`, {
      publisher_id: partner.id, neighbourhoods: null, categories: ['event', 'information'], expires_in_days: 30, label: 'youth club',
    });
    const context = await newContext();
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error));
    const key = async (locator, name = 'Space') => {
      await locator.focus();
      await page.keyboard.press(name);
    };
    await page.goto(`${BASE_URL}/publish#${link.url.split('#')[1]}`);

    // When the partner chooses "An event" and fills the form with the keyboard, the place a register address
    await key(page.getByTestId('publish-events'));
    await page.getByTestId('event-form').waitFor();
    const title = `Youth night ${stamp.slice(-5)}`;
    const day = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel(events['events.form.title'], { exact: true }).pressSequentially(title);
    await page.getByLabel(events['events.form.category'], { exact: true }).selectOption('party');
    await page.getByLabel(events['events.form.start'], { exact: true }).fill(`${day}T19:00`);
    await page.getByLabel(events['events.form.end'], { exact: true }).fill(`${day}T23:00`);
    const address = page.getByRole('combobox', { name: events['events.form.addressSearch'] });
    await address.pressSequentially('Hauptstrooss 60');
    await page.getByRole('listbox').getByRole('option').first().waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByTestId('event-address').filter({ hasText: 'Hauptstrooss' }).waitFor();
    await page.getByTestId('photo-input').setInputFiles(await drawnJpeg(page, 'poster.jpg'));
    await page.locator('[data-testid="photo-status"][data-phase="ready"]').waitFor({ timeout: 30_000 });
    await key(page.getByTestId('event-public'));
    assert.equal(await page.getByRole('radio', { name: commune['publish.target.commune'].split('{')[0].trim(), exact: false }).first().isChecked(), true);
    await shoot(page, 'event-form');
    await key(page.getByTestId('event-submit'), 'Enter');

    // Then it waits for the commune, listed as such
    await page.getByTestId('event-publish-news').filter({ hasText: title }).waitFor();
    const listed = page.getByTestId('publisher-event').filter({ hasText: title });
    await listed.filter({ hasText: events['events.publish.pending'] }).waitFor();
    const pending = (await admin.call('GET', `/communes/${COMMUNE}/event-reviews`)).reviews.find((review) => review.title === title);
    assert.ok(pending, 'the event is in the commune\'s review queue');
    const published = (await page.evaluate(async () => {
      const answer = await fetch('/api/v1/publish/events', { headers: { 'X-Publisher-Link': sessionStorage.getItem('noper.publisherLink') } });
      return answer.json();
    })).events.find((event) => event.title === title);
    assert.ok(published.photo_id && published.address, 'the event carries its photo and its register address');

    // When another staff member approves it (not the one who registered the partner and issued its link), the
    // partner sees it published, changes its title and saves
    const dora = await resident('Dora', 'Hauptstrooss 60', admin.approve);
    await admin.context.close();
    const editor = await staffMember(chromium.browser, BASE_URL, { commune: COMMUNE, email: `event-editor-${stamp}@example.lu`, role: 'editor' });
    await editor.call('POST', `/communes/${COMMUNE}/event-reviews/${pending.event_id}`, { decision: 'approve', reason: '' });
    await editor.context.close();
    await page.reload();
    await key(page.getByTestId('publish-events'));
    const renamed = `${title} (indoors)`;
    await key(listed.getByRole('button', { name: events['events.publish.edit'].replace('{title}', title) }));
    const titleInput = page.getByLabel(events['events.form.title'], { exact: true });
    assert.equal(await titleInput.inputValue(), title);
    await titleInput.fill(renamed);
    await key(page.getByTestId('event-submit'), 'Enter');
    await page.getByTestId('event-publish-news').filter({ hasText: events['events.publish.saved'] }).waitFor();

    // And a resident sees it on its page with its photo, its register address and its place on the map
    const doraPage = await dora.context.newPage();
    await doraPage.goto(`${BASE_URL}/events/${published.id}`);
    await doraPage.getByTestId('event-title').filter({ hasText: renamed }).waitFor();
    const photo = doraPage.getByTestId('event-photo');
    await photo.waitFor();
    assert.equal(await photo.getAttribute('alt'), life['life.photo.alt'].replace('{what}', renamed));
    await doraPage.getByTestId('event-address').filter({ hasText: 'Hauptstrooss' }).waitFor();
    await doraPage.getByTestId('event-map').scrollIntoViewIfNeeded();
    await doraPage.locator('[data-testid="event-map"] [data-ready="true"]').waitFor();
    await dora.context.close();

    // And anyone sees it on the commune's page, with its place
    const visitor = await newContext();
    const publicPage = await visitor.newPage();
    await publicPage.goto(`${BASE_URL}/communes/${COMMUNE}`);
    await publicPage.getByTestId('public-events').scrollIntoViewIfNeeded();
    await publicPage.getByTestId('public-event').filter({ hasText: renamed }).waitFor();
    await visitor.close();

    // And the partner cancels it from the list: it stays, marked cancelled
    const changed = page.getByTestId('publisher-event').filter({ hasText: renamed });
    await key(changed.getByTestId('cancel-publisher-event'));
    await key(changed.getByTestId('confirm-cancel-publisher-event'));
    await changed.filter({ hasText: events['events.status.cancelled'] }).waitFor();
    await shoot(page, 'event-list');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `nothing wider than the phone (${width} px)`);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
