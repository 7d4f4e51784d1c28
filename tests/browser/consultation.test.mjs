// Browser test of a consultation on a planning project: node --test tests/browser/consultation.test.mjs
// A commune admin (made with `./noper staff add ... --role admin`) signs in through the sign-in screen
// with the emailed code, drafts a consultation in the admin area's consultations section (texts in
// each of the commune's languages, Anna's neighbourhood only, open now, closing soon; a single
// choice, a 1-5 rating and a free-text question) and publishes it. Anna, verified in that
// neighbourhood, finds it on her neighbourhood page, answers with the keyboard, then changes an
// answer. Four neighbours answer through the API, so that some counts reach 5. Ben, verified in
// another neighbourhood, gets the not-found page for it. The admin reads the results (every count
// under 5 shown as suppressed) and downloads the CSV. Nothing scrolls sideways at 360 px.
// NOPER_BASE_URL is the origin of the stack; NOPER_OUTBOX_DIR its outbox (sign-in codes). Commune
// 0501 must be seeded as tests/stack/conftest.py does (Hauptstrooss and Heigaart in two neighbourhoods).
// NOPER_SCREENSHOTS=1 also saves /tmp/noper-consultation-*.png (360 px wide).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { chromiumForTests, codeFromOutbox, fillMessage, newContext, staffMember, uniqueStamp, verifiedResident, watchPageErrors } from './stack-session.mjs';

const BASE_URL = process.env.NOPER_BASE_URL?.replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('NOPER_BASE_URL is not set: start the local stack and set it to its origin, e.g. http://127.0.0.1:8000');
}
const COMMUNE = '0501';
const SCREENSHOTS = Boolean(process.env.NOPER_SCREENSHOTS);
const catalogue = (path) => JSON.parse(readFileSync(new URL(`../../frontend/src/i18n/locales/${path}`, import.meta.url), 'utf8'));
const en = catalogue('en.json');
const t = catalogue('commune/en.json');
const server = JSON.parse(readFileSync(new URL('../../chalicelib/i18n/consultations/en.json', import.meta.url), 'utf8'));
const LANGUAGE_NAMES = { lb: 'Lëtzebuergesch', fr: 'Français', de: 'Deutsch', en: 'English', pt: 'Português' };
const stamp = uniqueStamp();
const chromium = chromiumForTests();

/** A resident at `query`, verified by the admin; returns the context, `call` and their neighbourhood. */
const resident = (name, query, approve) =>
  verifiedResident(chromium.browser, BASE_URL, {
    commune: COMMUNE, email: `consult-${name.toLowerCase()}-${stamp}@example.lu`, displayName: `${name} ${stamp.slice(-4)}`, query, approve,
  });

async function shoot(page, name) {
  if (SCREENSHOTS) await page.screenshot({ path: `/tmp/noper-consultation-${name}.png`, fullPage: true });
}

async function fitsAt360(page, where) {
  const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(width.scroll <= width.inner + 1, `${where} scrolls sideways at 360 px (${width.scroll} > ${width.inner})`);
}

/** Presses Tab until the focused element matches `selector` (a real keyboard path), at most `limit` times. */
async function tabTo(page, selector, limit = 40) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** `<input type="datetime-local">` value for now + `seconds`, in the browser's own time zone (to the second). */
const localInput = (page, seconds) =>
  page.evaluate((offset) => {
    const d = new Date(Date.now() + offset * 1000);
    const pad = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }, seconds);
// The consultation closes this long after the admin starts the form: time for everyone to answer,
// after which Anna reads the results (residents see them once it has closed).
const OPEN_FOR_SECONDS = 75;

/** Parses RFC 4180 CSV (quoted fields, CRLF). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') field += text[++i];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') (row.push(field), (field = ''));
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

describe('a consultation on a planning project', () => {
  test('an admin publishes it to one neighbourhood; its residents answer, another neighbourhood cannot see it; results are suppressed under 5 and exported', async () => {
    // Given a commune admin, Anna and four neighbours verified in one neighbourhood, Ben in another
    const adminEmail = `consult-admin-${stamp}@example.lu`;
    const approver = await staffMember(chromium.browser, BASE_URL, { commune: COMMUNE, email: adminEmail, role: 'admin' });
    const { approve } = approver;
    const anna = await resident('Anna', 'Hauptstrooss 60', approve);
    const ben = await resident('Ben', 'Heigaart 14', approve);
    assert.notEqual(anna.neighbourhood.id, ben.neighbourhood.id, 'Anna and Ben must live in two neighbourhoods');
    const neighbours = [];
    for (const name of ['Carla', 'David', 'Emma', 'Felix']) neighbours.push(await resident(name, 'Hauptstrooss 60', approve));
    const { languages } = await approver.call('GET', `/communes/${COMMUNE}`);
    await approver.context.close();

    const admin = await newContext(chromium.browser);
    const adminPage = await admin.newPage();
    const annaPage = await anna.context.newPage();
    const benPage = await ben.context.newPage();
    const errors = { admin: watchPageErrors(adminPage), anna: watchPageErrors(annaPage), ben: watchPageErrors(benPage) };
    const pages = { admin: adminPage, anna: annaPage, ben: benPage };
    try {
      // When the admin opens the admin page and signs in with the emailed code
      await adminPage.goto(`${BASE_URL}/admin/${COMMUNE}`);
      await adminPage.waitForURL(/\/sign-in\?next=/);
      await adminPage.getByLabel(en['signIn.email.label']).fill(adminEmail);
      const asked = Date.now();
      await adminPage.getByRole('button', { name: en['signIn.email.submit'] }).click();
      await adminPage.getByLabel(en['signIn.code.label']).fill(await codeFromOutbox(adminEmail, asked));
      await adminPage.getByRole('button', { name: en['signIn.code.submit'], exact: true }).click();
      await adminPage.waitForURL(new RegExp(`/admin/${COMMUNE}$`));

      // And drafts a consultation in the admin area's consultations section (its link on the overview)
      await adminPage.getByTestId('admin-overview').getByRole('link', { name: t['consultation.admin.title'] }).click();
      await adminPage.waitForURL(new RegExp(`/admin/${COMMUNE}/consultations$`));
      const panel = adminPage.locator('section[aria-labelledby="consultations-title"]');
      await panel.getByRole('heading', { level: 2, name: t['consultation.admin.title'] }).waitFor();
      await panel.getByRole('button', { name: t['consultation.admin.new'] }).click();
      await panel.getByRole('heading', { level: 3, name: t['consultation.admin.new'] }).waitFor();
      const title = `New square on Hauptstrooss ${stamp.slice(-5)}`;
      for (const language of languages) {
        const name = LANGUAGE_NAMES[language];
        await panel.getByLabel(fillMessage(t['consultation.admin.field.title'], { language: name })).fill(title);
        await panel.getByLabel(fillMessage(t['consultation.admin.field.description'], { language: name })).fill(`The commune plans a square with trees (${language}).`);
      }
      await panel.getByLabel(t['consultation.admin.field.opensAt']).fill(await localInput(adminPage, -60));
      await panel.getByLabel(t['consultation.admin.field.closesAt']).fill(await localInput(adminPage, OPEN_FOR_SECONDS));
      await panel.getByRole('checkbox', { name: anna.neighbourhood.name, exact: true }).check();

      const question = (n) => panel.getByRole('group', { name: fillMessage(t['consultation.admin.question'], { number: n }), exact: true });
      const prompts = { 1: 'Should the square have a playground?', 2: 'How much do you like the plan?', 3: 'What else should we know?' };
      await panel.getByRole('button', { name: t['consultation.admin.addQuestion'] }).click();
      await panel.getByRole('button', { name: t['consultation.admin.addQuestion'] }).click();
      await question(2).getByLabel(t['consultation.admin.kind']).selectOption('rating');
      await question(3).getByLabel(t['consultation.admin.kind']).selectOption('text');
      for (const n of [1, 2, 3]) {
        for (const language of languages) {
          await question(n).getByLabel(fillMessage(t['consultation.admin.prompt'], { language: LANGUAGE_NAMES[language] })).fill(prompts[n]);
        }
      }
      for (const [index, label] of [[1, 'Yes'], [2, 'No']]) {
        const option = question(1).getByRole('group', { name: fillMessage(t['consultation.admin.option'], { number: index }), exact: true });
        for (const language of languages) await option.getByLabel(LANGUAGE_NAMES[language], { exact: true }).fill(label);
      }
      assert.equal(await question(2).getByRole('group').count(), 0, 'a rating question has no options');
      await fitsAt360(adminPage, 'the consultation form');
      await shoot(adminPage, 'admin-form');
      await panel.getByRole('button', { name: t['consultation.admin.saveDraft'] }).click();
      await panel.getByRole('status').filter({ hasText: t['consultation.admin.saved'] }).waitFor();
      await panel.getByRole('heading', { level: 3, name: title }).waitFor();

      // And publishes it
      await panel.getByRole('button', { name: t['consultation.admin.publish'], exact: true }).click();
      await panel.getByRole('status').filter({ hasText: t['consultation.admin.published'] }).waitFor();
      const listed = await (await adminPage.request.get(`${BASE_URL}/api/v1/communes/${COMMUNE}/consultations`)).json();
      const consultation = listed.consultations.find((c) => Object.values(c.title).includes(title));
      assert.ok(consultation, `the consultation is not in the commune's list: ${JSON.stringify(listed)}`);
      assert.equal(consultation.status, 'published');
      assert.equal(consultation.state, 'open');
      assert.deepEqual(consultation.neighbourhood_ids, [anna.neighbourhood.id]);
      assert.deepEqual(consultation.questions.map((q) => q.kind), ['single', 'rating', 'text']);
      const [single, rating, free] = consultation.questions.map((q) => q.id);
      const [yes, no] = consultation.questions[0].options.map((o) => o.id);

      // Then Anna finds it on her neighbourhood page
      await annaPage.goto(`${BASE_URL}/neighbourhoods/${encodeURIComponent(anna.neighbourhood.id)}`);
      const link = annaPage.getByTestId('consultations').getByRole('link', { name: title });
      await link.focus();
      await annaPage.keyboard.press('Enter');
      await annaPage.waitForURL(new RegExp(`/consultations/${consultation.id}$`));
      await annaPage.getByRole('heading', { level: 1, name: title }).waitFor();

      // And answers with the keyboard: Yes, a rating of 4, a few words, then Enter on the button
      await tabTo(annaPage, `input[type="radio"][name="q-${single}"]`);
      await annaPage.keyboard.press('Space');
      assert.equal(await annaPage.getByRole('radio', { name: 'Yes' }).isChecked(), true);
      await tabTo(annaPage, `input[type="radio"][name="q-${rating}"]`);
      await annaPage.keyboard.press('Space'); // 1 out of 5
      for (let i = 0; i < 3; i++) await annaPage.keyboard.press('ArrowRight');
      assert.equal(await annaPage.getByRole('radio', { name: fillMessage(t['consultation.rating.value'], { value: 4 }) }).isChecked(), true);
      const remark = `More benches, please ${stamp.slice(-4)}`;
      await tabTo(annaPage, 'textarea:not(#comment-text)');
      await annaPage.keyboard.type(remark);
      await tabTo(annaPage, 'button[type="submit"]');
      assert.equal(await annaPage.evaluate(() => document.activeElement?.textContent?.trim()), t['consultation.submit.first']);
      await annaPage.keyboard.press('Enter');
      const news = annaPage.getByRole('status').filter({ hasText: t['consultation.saved.first'] });
      await news.waitFor();
      assert.ok(await news.evaluate((element) => element === document.activeElement), 'the confirmation takes the focus');
      await fitsAt360(annaPage, 'the consultation page');
      await shoot(annaPage, 'anna-answered');

      // And, back later, changes her mind on the first question (arrow keys move the choice)
      await annaPage.reload();
      await annaPage.getByRole('heading', { level: 1, name: title }).waitFor();
      await annaPage.getByText(fillMessage(t['consultation.answeredAt'], { date: '' }).trim().replace(/\.$/, '')).waitFor();
      assert.equal(await annaPage.getByRole('radio', { name: 'Yes' }).isChecked(), true, 'her answer is shown again');
      assert.equal(await annaPage.locator('textarea:not(#comment-text)').inputValue(), remark);
      await tabTo(annaPage, `input[type="radio"][name="q-${single}"]`);
      await annaPage.keyboard.press('ArrowDown');
      assert.equal(await annaPage.getByRole('radio', { name: 'No' }).isChecked(), true);
      await tabTo(annaPage, 'button[type="submit"]');
      assert.equal(await annaPage.evaluate(() => document.activeElement?.textContent?.trim()), t['consultation.submit.change']);
      await annaPage.keyboard.press('Enter');
      await annaPage.getByRole('status').filter({ hasText: t['consultation.saved.changed'] }).waitFor();
      const mine = await anna.call('GET', `/neighbourhoods/${encodeURIComponent(anna.neighbourhood.id)}/consultations/${consultation.id}`);
      assert.deepEqual(mine.my_answers, { [single]: no, [rating]: 4, [free]: remark });
      await fitsAt360(annaPage, 'the consultation page');

      // And four neighbours answer Yes, 4 and a few words (so some counts reach 5, and the free texts
      // are shown: under 5 they would be withheld)
      for (const [index, neighbour] of neighbours.entries()) {
        await neighbour.call('PUT', `/neighbourhoods/${encodeURIComponent(neighbour.neighbourhood.id)}/consultations/${consultation.id}/answers`, {
          answers: { [single]: yes, [rating]: 4, [free]: `A bench near the school ${index}` },
        });
      }

      // Ben, in another neighbourhood, neither sees it listed nor can open it
      await benPage.goto(`${BASE_URL}/neighbourhoods/${encodeURIComponent(ben.neighbourhood.id)}`);
      const benList = benPage.getByTestId('consultations');
      await benList.getByText(t['consultation.list.none']).or(benList.getByRole('link').first()).first().waitFor();
      assert.equal(await benList.getByRole('link', { name: title }).count(), 0);
      await benPage.goto(`${BASE_URL}/consultations/${consultation.id}`);
      await benPage.getByRole('alert').filter({ hasText: en['problem.notFound'] }).waitFor();
      await benPage.getByRole('heading', { level: 1, name: t['consultation.title'], exact: true }).waitFor();
      assert.equal(await benPage.getByText(title).count(), 0, 'nothing of the consultation shows');
      assert.equal(await benPage.getByRole('radio').count(), 0);
      await fitsAt360(benPage, 'the not-found consultation page');

      // Then the admin sees the results: 5 residents answered, every count under 5 suppressed
      await adminPage.reload();
      const entry = panel.getByTestId('admin-consultations').getByRole('listitem').filter({ hasText: title });
      const resultsButton = entry.getByRole('button', { name: t['consultation.admin.results'] });
      const snapshot = await resultsButton.ariaSnapshot();
      assert.ok(snapshot.includes(title), `the results button names its consultation: ${snapshot}`);
      await resultsButton.click();
      await panel.getByRole('heading', { level: 3, name: title }).waitFor();
      const respondents = panel.getByRole('table', { name: t['consultation.results.respondents'] });
      await respondents.waitFor();
      const suppressed = fillMessage(t['consultation.results.suppressed'], { threshold: 5 });
      const totals = respondents.getByRole('row', { name: t['consultation.results.all'] });
      assert.equal((await totals.getByRole('cell').innerText()).trim(), '5');
      const cells = await panel.locator('td').allInnerTexts();
      assert.ok(cells.length > 10, `too few result cells: ${cells}`);
      for (const cell of cells) {
        const text = cell.trim();
        assert.ok(text === suppressed || Number(text) >= 5, `a result cell shows "${text}"`);
      }
      assert.ok(cells.some((cell) => cell.trim() === suppressed), 'no count is suppressed');
      assert.ok(cells.some((cell) => cell.trim() === '5'), 'no count of 5 is shown');
      await panel.getByText(remark).waitFor(); // free-text answers, without their authors
      // A table wider than 360 px scrolls inside its region, which the keyboard reaches and scrolls
      const wide = panel.locator('.scroll').filter({ has: adminPage.locator('table') });
      const overflowing = await wide.evaluateAll((regions) => regions.map((r) => r.scrollWidth > r.clientWidth + 1));
      assert.ok(overflowing.includes(true), 'expected a results table wider than 360 px');
      let reached = false;
      for (let i = 0; i < 60 && !reached; i++) {
        await adminPage.keyboard.press('Tab');
        reached = await adminPage.evaluate(() => {
          const focused = document.activeElement;
          return Boolean(focused?.matches('.scroll[role="region"]') && focused.scrollWidth > focused.clientWidth + 1);
        });
      }
      assert.ok(reached, 'Tab never reaches a wide results table');
      for (let i = 0; i < 3; i++) await adminPage.keyboard.press('ArrowRight');
      await adminPage.waitForFunction(() => document.activeElement.scrollLeft > 0, null, { timeout: 5000 }); // it scrolls smoothly
      await fitsAt360(adminPage, 'the admin results');
      await shoot(adminPage, 'admin-results');

      // And downloads the CSV
      const [download] = await Promise.all([
        adminPage.waitForEvent('download'),
        panel.getByRole('link', { name: t['consultation.admin.csv'] }).click(),
      ]);
      assert.match(download.suggestedFilename(), new RegExp(`^consultation-${consultation.id}\\.csv$`));
      const csv = readFileSync(await download.path(), 'utf8');
      assert.ok(csv.startsWith('\ufeff'), 'the CSV starts with a BOM (Excel reads it as UTF-8)');
      const rows = parseCsv(csv.slice(1));
      const say = (key) => server[`consultation.csv.${key}`];
      assert.deepEqual(rows[0], ['question', 'kind', 'option', 'neighbourhood', 'count', 'text'].map(say));
      const row = (prompt, option, where) => rows.find((r) => r[0] === prompt && r[2] === option && r[3] === where);
      assert.equal(row('', say('respondents'), say('all'))?.[4], '5');
      assert.equal(row('', say('respondents'), anna.neighbourhood.name)?.[4], '5');
      assert.equal(row(prompts[1], 'No', say('all'))?.[4], say('suppressed'));
      assert.equal(row(prompts[1], 'Yes', say('all'))?.[4], say('suppressed'));
      assert.equal(row(prompts[1], say('answered'), say('all'))?.[4], '5');
      assert.equal(row(prompts[2], '4', say('all'))?.[4], '5');
      assert.equal(row(prompts[2], '1', say('all'))?.[4], say('suppressed'));
      assert.ok(rows.some((r) => r[0] === prompts[3] && r[5] === remark), 'the free-text answer is in the CSV');
      for (const r of rows.slice(1)) {
        assert.ok(r[4] === '' || r[4] === say('suppressed') || Number(r[4]) >= 5, `a CSV row shows a count under 5: ${r}`);
      }
      assert.ok(!csv.includes('Anna'), 'the CSV names no one');

      // Once it has closed, Anna sees the results (suppressed likewise, without the free texts), no form
      const closes = Date.parse(consultation.closes_at);
      assert.ok(Date.now() < closes, 'the consultation closed before everyone answered: raise OPEN_FOR_SECONDS');
      await annaPage.waitForTimeout(closes - Date.now() + 1000); // waiting for a moment of the clock, nothing else
      await annaPage.reload();
      await annaPage.getByText(t['consultation.closedNote']).waitFor();
      assert.equal(await annaPage.getByRole('radio').count(), 0, 'the questionnaire is gone');
      const annaTotals = annaPage.getByRole('table', { name: t['consultation.results.respondents'] }).getByRole('row', { name: t['consultation.results.all'] });
      await annaTotals.waitFor();
      assert.equal((await annaTotals.getByRole('cell').innerText()).trim(), '5');
      const annaCells = (await annaPage.locator('td').allInnerTexts()).map((cell) => cell.trim());
      assert.ok(annaCells.includes(suppressed) && annaCells.every((text) => text === suppressed || Number(text) >= 5), `Anna's results: ${annaCells}`);
      assert.equal(await annaPage.getByText(remark).count(), 0, 'free-text answers are for the commune only');
      await fitsAt360(annaPage, 'the closed consultation page');
      await shoot(annaPage, 'anna-results');

      for (const [who, list] of Object.entries(errors)) assert.deepEqual(list, [], `page errors for ${who}`);
    } catch (error) {
      for (const [who, page] of Object.entries(pages)) {
        await page.screenshot({ path: `/tmp/noper-consultation-failed-${who}.png`, fullPage: true }).catch(() => undefined);
      }
      const all = Object.values(errors).flat().map(String).join('; ') || 'none';
      throw new Error(`${error.message}\npage errors: ${all} (screenshots /tmp/noper-consultation-failed-*.png)`, { cause: error });
    } finally {
      await admin.close();
      await anna.context.close();
      await ben.context.close();
      for (const neighbour of neighbours) await neighbour.context.close();
    }
  });
});
