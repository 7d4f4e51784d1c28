// Browser test of the participatory budget: node --test tests/browser/budget.test.mjs
// Anna and Ben are verified residents of commune 0501 (360 px); a commune admin (1280 px) runs two editions made
// through the API: one in its proposals phase, where Anna proposes a project in the web app, supports Ben's and
// comments on it, and the admin decides it feasible through the review queue; and
// one taken to its vote (Ben's four projects, reviewed feasible), where Anna votes with the keyboard only (the
// running total says when she is over the budget), then changes her vote; the admin enters Ben's paper ballot by the
// code on his voting card, closes the vote (the results' job runs in-process on the local stack) and publishes the
// results, which Anna and an anonymous visitor read with each project's explanation and greedy's outcome beside;
// the admin posts a funded project's progress with a photo, which the visitor sees with the read-only discussion;
// Ben reports Anna's proposal from its page; last, the admin sets a new edition up in the web app.
// axe-core checks the ballot page when the repository has it (node_modules/axe-core); no page scrolls sideways.
// NOPER_BASE_URL is the origin of the stack; NOPER_OUTBOX_DIR its outbox (sign-in codes); commune 0501 seeded as
// tests/stack/conftest.py does. NOPER_SCREENSHOTS=1 saves /tmp/noper-budget-*.png.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { chromiumForTests, drawnJpeg, fillMessage, fitsWidth, newContext, press, ROOT, staffMember, uniqueStamp, verifiedResident, watchPageErrors } from './stack-session.mjs';

const BASE_URL = process.env.NOPER_BASE_URL?.replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('NOPER_BASE_URL is not set: start the local stack and set it to its origin, e.g. http://127.0.0.1:8000');
}
const COMMUNE = '0501';
const SCREENSHOTS = Boolean(process.env.NOPER_SCREENSHOTS);
const TIMEOUT = 30_000;
const text = JSON.parse(readFileSync(new URL('../../frontend/src/i18n/locales/budget/en.json', import.meta.url), 'utf8'));
const life = JSON.parse(readFileSync(new URL('../../frontend/src/i18n/locales/life/en.json', import.meta.url), 'utf8'));
const AXE = join(ROOT, 'node_modules/axe-core/axe.min.js');
const stamp = uniqueStamp();
const chromium = chromiumForTests();
const LANGUAGES = ['lb', 'fr', 'de', 'en', 'pt'];

async function shoot(page, name) {
  if (SCREENSHOTS) await page.screenshot({ path: `/tmp/noper-budget-${name}.png`, fullPage: true });
}


/** An edition's settings: every language, €80,000 for the whole commune, approval ballot, one support to review. */
function editionRequest(name) {
  // Proposals open now (the stack's clock cannot be moved); the later phases' dates are far off: staff move it on.
  const at = (days) => new Date(Date.now() + days * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    name: Object.fromEntries(LANGUAGES.map((l) => [l, name])),
    text: Object.fromEntries(LANGUAGES.map((l) => [l, `Projects for the commune, ${name}.`])),
    amount_cents: 8_000_000, envelopes: [], ballot: { type: 'approval' }, support_threshold: 1, rule: 'equalshares/add1',
    dates: { proposals: at(-1 / 24), review: at(60), voting: at(90), results: at(120), implementation: at(150) },
  };
}

/** The one-time codes on a PDF of voting cards (groups of 4, 4 and 2 letters or digits), read with pypdf. */
function cardCodes(pdf) {
  const path = join(tmpdir(), `noper-budget-cards-${stamp}.pdf`);
  writeFileSync(path, pdf);
  const pages = execFileSync(join(ROOT, '.venv/bin/python'), ['-c',
    'import sys\nfrom pypdf import PdfReader\nprint("\\n".join(p.extract_text() for p in PdfReader(sys.argv[1]).pages))', path], { encoding: 'utf8' });
  return [...pages.matchAll(/\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}\b/g)].map((m) => m[0]);
}

describe('the participatory budget', () => {
  test('residents propose, support and vote with the keyboard; staff enter a paper ballot and publish the results, read with their explanations', { timeout: 300_000 }, async () => {
    const admin = await staffMember(chromium.browser, BASE_URL, { commune: COMMUNE, email: `pb-admin-${stamp}@example.lu`, role: 'admin', timeout: TIMEOUT });
    const anna = await verifiedResident(chromium.browser, BASE_URL, {
      commune: COMMUNE, email: `pb-anna-${stamp}@example.lu`, displayName: `Anna ${stamp.slice(-4)}`, query: 'Haaptstrooss 8', approve: admin.approve, timeout: TIMEOUT,
    });
    const ben = await verifiedResident(chromium.browser, BASE_URL, {
      commune: COMMUNE, email: `pb-ben-${stamp}@example.lu`, displayName: `Ben ${stamp.slice(-4)}`, query: 'Haaptstrooss 9', approve: admin.approve, timeout: TIMEOUT,
    });
    const base = `/communes/${COMMUNE}/budgets`;
    // Given an edition in its proposals phase, with a proposal of Ben's
    const open = await admin.call('POST', base, editionRequest(`Open budget ${stamp.slice(-5)}`));
    assert.equal(open.phase, 'proposals');
    const bens = await ben.call('POST', `${base}/${open.id}/proposals`, {
      title: `Shade trees ${stamp.slice(-4)}`, description: 'Trees along the school yard.', category: 'environment', estimated_cents: 1_500_000,
    });
    // and an edition taken to its vote: Ben's four projects, supported by Anna, found feasible by the commune. (Two
    // voters, each with an equal share of €40,000 that covers their final choices: equal shares' Add1 completion,
    // which raises each share one unit at a time, has nothing to add and ends at once.)
    const voting = await admin.call('POST', base, editionRequest(`Vote budget ${stamp.slice(-5)}`));
    const projects = [];
    for (const [title, cents] of [['Benches by the river', 2_000_000], ['A new playground', 4_000_000], ['Bike racks', 1_500_000], ['A skate park', 6_000_000]]) {
      const made = await ben.call('POST', `${base}/${voting.id}/proposals`, { title: `${title} ${stamp.slice(-4)}`, description: title, category: 'public_space', estimated_cents: cents });
      await anna.call('PUT', `${base}/${voting.id}/proposals/${made.id}/support`);
      projects.push(made);
    }
    let edition = await admin.call('POST', `${base}/${voting.id}/phase`, { phase: 'review', version: voting.version });
    for (const project of projects) {
      await admin.call('POST', `${base}/${voting.id}/proposals/${project.id}/review`, { decision: 'feasible', final_cents: project.estimated_cents, reason: 'Checked by the technical service.' });
    }
    edition = await admin.call('GET', `${base}/${voting.id}`);
    edition = await admin.call('POST', `${base}/${voting.id}/phase`, { phase: 'voting', version: edition.version });
    assert.equal(edition.phase, 'voting');
    const [benches, playground, racks, skatePark] = projects;

    const pageA = await anna.context.newPage();
    const pageS = await admin.context.newPage();
    await pageS.setViewportSize({ width: 1280, height: 900 });
    const visitor = await newContext(chromium.browser, { timeout: TIMEOUT });
    const pageV = await visitor.newPage();
    const errors = [watchPageErrors(pageA), watchPageErrors(pageS), watchPageErrors(pageV)];
    try {
      // When Anna opens the participatory budget (her navigation links to it) and the open edition
      await pageA.goto(`${BASE_URL}/neighbourhoods/${encodeURIComponent(anna.neighbourhood.id)}`);
      await press(pageA.getByTestId('budget-nav-link'));
      await pageA.waitForURL(new RegExp(`${base}$`));
      assert.ok(await pageA.locator(`#site-menu a[href="${base}"]`).count() > 0, 'the site menu links to it too');
      await press(pageA.getByTestId('budget-link').filter({ hasText: open.name.en }));
      await pageA.getByTestId('edition-name').filter({ hasText: open.name.en }).waitFor();
      await pageA.getByTestId('edition-phase').filter({ hasText: text['budget.phase.proposals'] }).waitFor();

      // and proposes a project: title, description, category, estimated cost in euros
      await press(pageA.getByTestId('propose'));
      const title = `Water fountain ${stamp.slice(-4)}`;
      await pageA.getByTestId('proposal-title').pressSequentially(title);
      await pageA.getByTestId('proposal-description').pressSequentially('A drinking fountain on the square.');
      await pageA.getByTestId('proposal-category').selectOption('public_space');
      await pageA.getByTestId('proposal-cost').pressSequentially('12 500');
      assert.ok(await fitsWidth(pageA), 'the proposal form scrolls sideways at 360 px');
      await shoot(pageA, 'propose-360');
      await press(pageA.getByTestId('proposal-send'));
      // Then her proposal's page shows it, collecting supports, at €12,500
      await pageA.getByTestId('proposal-name').filter({ hasText: title }).waitFor();
      await pageA.getByTestId('proposal-status').filter({ hasText: text['budget.status.submitted'] }).waitFor();
      await pageA.getByText('€12,500').first().waitFor();

      // When she supports Ben's proposal, once
      await pageA.goto(`${BASE_URL}${base}/${open.id}/proposals/${bens.id}`);
      await press(pageA.getByTestId('proposal-support'));
      // Then it reaches the threshold (1) and goes to the commune's review; the button gives way
      await pageA.getByTestId('proposal-supported').waitFor();
      await pageA.getByTestId('proposal-status').filter({ hasText: text['budget.status.in_review'] }).waitFor();
      await pageA.getByTestId('proposal-supports').filter({ hasText: '1 support' }).waitFor();
      // and comments on it (the shared comments section)
      const comment = `Trees would cool the yard in June (${stamp.slice(-4)})`;
      await pageA.getByLabel(life['life.comments.write']).pressSequentially(comment);
      await press(pageA.getByTestId('send-comment'));
      await pageA.getByTestId('comment-text').filter({ hasText: comment }).waitFor();
      assert.ok(await fitsWidth(pageA), 'the proposal page scrolls sideways at 360 px');

      // When the admin finds it in the review queue and decides it is feasible at its final cost, with a reason
      await pageS.goto(`${BASE_URL}/admin/${COMMUNE}/budget`);
      await pageS.getByTestId('budget-admin-edition').selectOption(open.id);
      const waiting = pageS.getByTestId('budget-review').filter({ hasText: bens.title });
      await press(waiting.getByTestId('review-feasible'), 'Space');
      await press(waiting.getByTestId('review-decide'));
      // (a reason is always given: without one the queue says so)
      await pageS.getByText(text['budget.admin.decisionError.reason']).waitFor();
      await waiting.getByTestId('review-cost').pressSequentially('16 000');
      await waiting.getByTestId('review-reason').pressSequentially('The technical service checked the trees.');
      await press(waiting.getByTestId('review-decide'));
      await pageS.getByTestId('budget-admin-done').filter({ hasText: text['budget.admin.done.reviewed'] }).waitFor();
      // Then Anna reads the commune's decision and reason on the proposal's page
      await pageA.reload();
      await pageA.getByTestId('proposal-status').filter({ hasText: text['budget.status.feasible'] }).waitFor();
      await pageA.getByTestId('proposal-reason').filter({ hasText: 'The technical service checked the trees.' }).waitFor();

      // When Anna opens the edition being voted on: a ballot of native checkboxes, with the budget left said aloud
      await pageA.goto(`${BASE_URL}${base}/${voting.id}`);
      const ballot = pageA.getByTestId('ballot');
      await ballot.waitFor();
      const tally = pageA.getByTestId('ballot-tally');
      assert.equal(await tally.getAttribute('role'), 'status');
      await tally.filter({ hasText: fillMessage(text['budget.ballot.budgetLeft'], { spent: '€0', left: '€80,000' }) }).waitFor();
      assert.ok(await fitsWidth(pageA), 'the ballot scrolls sideways at 360 px');
      if (existsSync(AXE)) {
        await pageA.evaluate(readFileSync(AXE, 'utf8')); // evaluated, not a <script>: the app's CSP stays as it is
        const found = await pageA.evaluate(async () => (await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] })).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
        assert.deepEqual(found, [], 'axe finds no WCAG 2.1 A/AA violation on the ballot');
      }
      await shoot(pageA, 'ballot-360');
      const box = (project) => pageA.locator(`#choice-${project.id}`);
      // she ticks all four with the keyboard: €135,000, over the budget
      for (const project of projects) await press(box(project), 'Space');
      await tally.filter({ hasText: fillMessage(text['budget.ballot.overBudget'], { spent: '€135,000', budget: '€80,000' }) }).waitFor();
      await press(pageA.getByTestId('ballot-send'));
      await pageA.getByTestId('ballot-blocking').filter({ hasText: text['budget.ballot.blocking.overBudget'] }).waitFor();
      assert.match(await box(benches).getAttribute('aria-describedby'), /ballot-blocking/, 'the problem is tied to the fields');
      // unticks the skate park and the bike racks, and votes
      await press(box(skatePark), 'Space');
      await press(box(racks), 'Space');
      await tally.filter({ hasText: fillMessage(text['budget.ballot.budgetLeft'], { spent: '€60,000', left: '€20,000' }) }).waitFor();
      await pageA.keyboard.press('Tab');
      await press(pageA.getByTestId('ballot-send'));
      // Then her vote is counted, and says so
      await pageA.getByTestId('ballot-confirmation').filter({ hasText: text['budget.ballot.sent'] }).waitFor();

      // When she comes back, her ballot is as she left it; she changes it: the racks instead of the playground
      await pageA.reload();
      await pageA.getByTestId('ballot-confirmation').filter({ hasText: text['budget.ballot.voted'] }).waitFor();
      assert.equal(await box(benches).isChecked(), true);
      assert.equal(await box(playground).isChecked(), true);
      assert.equal(await box(racks).isChecked(), false);
      assert.equal(await box(skatePark).isChecked(), false);
      await press(box(playground), 'Space');
      await press(box(racks), 'Space');
      await tally.filter({ hasText: fillMessage(text['budget.ballot.budgetLeft'], { spent: '€35,000', left: '€45,000' }) }).waitFor();
      await press(pageA.getByTestId('ballot-send'));
      await pageA.getByTestId('ballot-confirmation').filter({ hasText: text['budget.ballot.changed'] }).waitFor();
      const mine = await anna.call('GET', `${base}/${voting.id}/ballot`);
      assert.deepEqual(mine.choices, { [benches.id]: 1, [racks.id]: 1 });

      // When the admin prints Ben's voting card and enters his paper ballot (the playground) by its code
      const cards = await admin.context.request.post(`${BASE_URL}/api/v1${base}/${voting.id}/paper-cards`, {
        data: { user_ids: [ben.profile.id], address_ids: [], language: 'en' },
        headers: { Accept: 'application/pdf', 'X-CSRF-Token': (await admin.context.cookies()).find((c) => c.name === 'noper_csrf')?.value ?? '' },
      });
      assert.ok(cards.ok(), `voting cards: HTTP ${cards.status()} ${await cards.text().catch(() => '')}`);
      const [code] = cardCodes(await cards.body());
      assert.ok(code, 'the voting card carries a code');
      await pageS.goto(`${BASE_URL}/admin/${COMMUNE}/budget`);
      await pageS.getByTestId('budget-admin-edition').selectOption(voting.id);
      await pageS.getByTestId('budget-admin-phase').filter({ hasText: text['budget.phase.voting'] }).waitFor();
      await pageS.getByTestId('paper-code').pressSequentially(code);
      await press(pageS.getByTestId('paper-ballot').getByLabel(playground.title, { exact: false }), 'Space');
      await press(pageS.getByTestId('paper-send'));
      await pageS.getByTestId('budget-admin-done').filter({ hasText: text['budget.admin.done.paper'] }).waitFor();

      // and closes the vote (results' phase: the results' job runs), then publishes the results
      await press(pageS.getByTestId('budget-admin-move'));
      await press(pageS.getByTestId('budget-admin-move-confirm'));
      await pageS.getByTestId('budget-admin-phase').filter({ hasText: text['budget.phase.results'] }).waitFor();
      // Before they are published, Anna is told the votes are being counted
      await pageA.reload();
      await pageA.getByTestId('results-waiting').waitFor();
      const publish = pageS.getByTestId('budget-admin-publish');
      await publish.waitFor();
      await press(publish);
      await pageS.getByTestId('budget-admin-done').filter({ hasText: text['budget.admin.done.published'] }).waitFor();
      await pageS.getByTestId('results').waitFor();
      await pageS.setViewportSize({ width: 360, height: 780 });
      assert.ok(await fitsWidth(pageS), 'the admin\'s budget section scrolls sideways at 360 px');
      await shoot(pageS, 'admin-360');

      // Then Anna reads the results: €75,000 spent after 2 ballots, each project's votes, cost, explanation and
      // greedy's outcome beside
      await pageA.reload();
      const results = pageA.getByTestId('results');
      await results.waitFor();
      await pageA.getByTestId('results-summary').filter({ hasText: fillMessage(text['budget.results.summary'], { spent: '€75,000', budget: '€80,000', ballots: 2 }) }).waitFor();
      const rows = pageA.getByTestId('result-project');
      assert.equal(await rows.count(), 4);
      for (let i = 0; i < 4; i += 1) {
        const explanation = (await rows.nth(i).getByTestId('result-explanation').textContent()).trim();
        assert.ok(explanation.length > 10, `project ${i} has an explanation: "${explanation}"`);
        assert.match((await rows.nth(i).getByTestId('result-greedy').textContent()).trim(), /most votes first/);
      }
      await rows.filter({ hasText: benches.title }).getByTestId('result-explanation').filter({ hasText: fillMessage(text['budget.explain.fundedPaid'], { count: 1, payment: '€20,000' }) }).waitFor();
      await rows.filter({ hasText: skatePark.title }).getByTestId('result-explanation').filter({ hasText: text['budget.explain.noVotes'] }).waitFor();
      await pageA.getByTestId('results-greedy-summary').waitFor();
      await pageA.getByTestId('results-difference').waitFor();
      assert.equal(await pageA.getByTestId('results-chart').getAttribute('role'), 'img');
      await pageA.getByTestId('results-table').locator('caption').filter({ hasText: text['budget.results.tableCaption'] }).waitFor();
      assert.equal(await pageA.getByTestId('results-table').locator('tbody tr').count(), 4);
      assert.match(await pageA.getByTestId('results-csv').getAttribute('href'), /results\.csv$/);
      assert.match(await pageA.getByTestId('results-pb').getAttribute('href'), /results\.pb$/);
      assert.ok(await fitsWidth(pageA), 'the results scroll sideways at 360 px');
      await shoot(pageA, 'results-360');

      // And a visitor who is not signed in reads them too, from the commune's public page
      await pageV.goto(`${BASE_URL}/communes/${COMMUNE}`);
      await press(pageV.getByTestId('commune-budgets'));
      await press(pageV.getByTestId('budget-link').filter({ hasText: voting.name.en }));
      await pageV.getByTestId('results-summary').filter({ hasText: '€75,000' }).waitFor();
      assert.ok(await fitsWidth(pageV), 'the public results scroll sideways at 360 px');
      const csv = await visitor.request.get(`${BASE_URL}/api/v1${base}/${voting.id}/results.csv`);
      assert.ok(csv.ok(), `the CSV: HTTP ${csv.status()}`);

      // When the admin posts a funded project's progress with a photo of the works (the commune's, uploaded first)
      await pageS.setViewportSize({ width: 1280, height: 900 });
      const progress = pageS.getByTestId('budget-progress').filter({ hasText: benches.title });
      await progress.getByLabel(text['budget.admin.progressState']).selectOption('in_progress');
      await progress.getByLabel(text['budget.admin.progressNote']).pressSequentially('The benches are being installed.');
      await progress.getByTestId('photo-input').setInputFiles(await drawnJpeg(pageS, 'works.jpg'));
      await progress.locator('[data-testid="photo-status"][data-phase="ready"]').waitFor({ timeout: 30_000 });
      await press(progress.getByTestId('budget-progress-save'));
      await pageS.getByTestId('budget-admin-done').filter({ hasText: text['budget.admin.done.progress'] }).waitFor();
      // Then the visitor reads it on the project's page, its photo too, and the residents' discussion (read only)
      await ben.call('POST', `${base}/${voting.id}/proposals/${benches.id}/comments`, { text: 'Can we have one in the shade?' });
      await pageV.goto(`${BASE_URL}${base}/${voting.id}/proposals/${benches.id}`);
      await pageV.getByTestId('proposal-progress').filter({ hasText: 'The benches are being installed.' }).waitFor();
      const photo = pageV.getByTestId('proposal-progress-photo');
      await photo.waitFor();
      assert.ok(await photo.evaluate((img) => img.complete && img.naturalWidth > 0), 'the progress photo loads');
      await pageV.getByTestId('comment-text').filter({ hasText: 'Can we have one in the shade?' }).waitFor();
      assert.equal(await pageV.getByTestId('comment-form').count(), 0, 'a visitor reads the discussion, does not write');
      assert.ok(await fitsWidth(pageV), 'the public proposal page scrolls sideways at 360 px');
      await shoot(pageV, 'progress-360');

      // When Ben reports Anna's proposal from its page, it goes to the moderators (once: the button gives way)
      const pageB = await ben.context.newPage();
      errors.push(watchPageErrors(pageB));
      await pageB.goto(`${BASE_URL}${base}/${open.id}`);
      await press(pageB.getByRole('link', { name: title }));
      await press(pageB.getByTestId('report-proposal'));
      await pageB.getByTestId('report-form').locator('select').selectOption('commercial');
      await press(pageB.getByTestId('report-form').getByRole('button', { name: life['life.report.send'] }));
      await pageB.getByText(life['life.notice.reported']).waitFor();

      // And the admin sets a new edition up in the web app (at 360 px): texts per commune language, euros, dates
      await press(pageS.getByTestId('budget-admin-new'));
      const setup = pageS.getByTestId('budget-setup');
      const nextName = `Next budget ${stamp.slice(-5)}`;
      const names = setup.getByTestId('setup-name');
      for (let i = 0; i < await names.count(); i += 1) await names.nth(i).pressSequentially(nextName);
      const texts = setup.getByTestId('setup-text');
      for (let i = 0; i < await texts.count(); i += 1) await texts.nth(i).pressSequentially('Propose your projects.');
      await setup.getByTestId('setup-amount').pressSequentially('50 000');
      await press(setup.getByTestId('setup-save'));
      // (each phase needs its date: the form says so beside the first missing one)
      await setup.locator('#setup-date-proposals-error').waitFor();
      const day = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
      for (const [phase, days] of [['proposals', 1], ['review', 30], ['voting', 60], ['results', 90], ['implementation', 120]]) {
        await setup.getByTestId(`setup-date-${phase}`).fill(`${day(days)}T10:00`);
      }
      assert.ok(await fitsWidth(pageS), 'the set-up form scrolls sideways at 360 px');
      await press(setup.getByTestId('setup-save'));
      await pageS.getByTestId('budget-admin-done').filter({ hasText: text['budget.admin.done.created'] }).waitFor();
      const made = (await admin.call('GET', base)).editions.find((e) => e.name.en === nextName || Object.values(e.name).includes(nextName));
      assert.ok(made, 'the new edition is listed');
      assert.equal(made.amount_cents, 5_000_000, 'euros are sent as cents');
      assert.equal(made.phase, 'proposals');

      for (const list of errors) assert.deepEqual(list, []);
    } catch (error) {
      await shoot(pageA, 'failed-resident');
      await shoot(pageS, 'failed-staff');
      throw error;
    } finally {
      await visitor.close();
      await admin.context.close();
      await anna.context.close();
      await ben.context.close();
    }
  });
});
