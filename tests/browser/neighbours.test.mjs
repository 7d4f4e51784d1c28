// Browser test of what neighbours share, and of a link from elsewhere: node --test tests/browser/neighbours.test.mjs
// Issue #15: a resident comments on a neighbour's item with the keyboard and the owner sees the comment on
// the item page (the post page's comments, reused); a verified resident of another neighbourhood who opens
// the link of a post there is told, without learning whether it exists, that each neighbourhood sees only
// its own content, with a link to their own feed, while the API answers 404.
// NOPER_BASE_URL is the origin of the stack (site at /, API at /api/v1/*); NOPER_OUTBOX_DIR its outbox.
// Commune 0501 must be seeded as tests/stack/conftest.py does (the register sample, neighbourhoods of about
// 8 addresses), so that Hupperdange's Hauptstrooss and Heigaart are two neighbourhoods.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { chromiumForTests, staffMember, uniqueStamp, verifiedResident, watchPageErrors } from './stack-session.mjs';

const BASE_URL = process.env.NOPER_BASE_URL?.replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('NOPER_BASE_URL is not set: start the local stack and set it to its origin, e.g. http://127.0.0.1:8000');
}
const COMMUNE = '0501';
const TIMEOUT = 30_000;
const SCREENSHOTS = Boolean(process.env.NOPER_SCREENSHOTS);
const catalogue = (area) => JSON.parse(readFileSync(new URL(`../../frontend/src/i18n/locales/${area}en.json`, import.meta.url), 'utf8'));
const en = { ...catalogue(''), ...catalogue('life/'), ...catalogue('library/'), ...catalogue('doors/') };

const stamp = uniqueStamp();
const chromium = chromiumForTests();
let owner;
let neighbour;
let elsewhere;

/** A resident verified at `query` by the commune's verifier, named `name`. */
async function resident(name, query, approve) {
  const email = `${name.toLowerCase()}-${stamp}@example.lu`;
  return verifiedResident(chromium.browser, BASE_URL, {
    commune: COMMUNE, email, displayName: `${name} ${stamp.slice(-4)}`, query, approve, timeout: TIMEOUT,
  });
}

describe('neighbours and their things', () => {
  // In the suite, so that Chromium (launched by the file's own hook) is up first.
  before(async () => {
    const staff = await staffMember(chromium.browser, BASE_URL, {
      commune: COMMUNE, email: `neighbours-verifier-${stamp}@example.lu`, role: 'verifier', timeout: TIMEOUT,
    });
    owner = await resident('Olga', 'Hauptstrooss 60', staff.approve);
    neighbour = await resident('Nico', 'Hauptstrooss 58', staff.approve);
    elsewhere = await resident('Elsa', 'Heigaart 14', staff.approve);
    await staff.context.close();
    assert.equal(owner.neighbourhood.id, neighbour.neighbourhood.id, 'the owner and the neighbour must share a neighbourhood');
    assert.notEqual(owner.neighbourhood.id, elsewhere.neighbourhood.id, 'Elsa must live in another neighbourhood');
  });

  after(async () => {
    for (const person of [owner, neighbour, elsewhere]) await person?.context.close();
  });

  test('a resident comments on a neighbour’s item with the keyboard, and its owner sees the comment', async () => {
    // Given Olga lends a ladder
    const item = await owner.call('POST', `/neighbourhoods/${owner.neighbourhood.id}/items`, {
      name: `Ladder ${stamp}`, description: 'Aluminium, 3 m', conditions: '', category: 'tools',
    });
    const pageN = await neighbour.context.newPage();
    const errorsN = watchPageErrors(pageN);
    // When Nico opens it and writes a comment, by keyboard only
    await pageN.goto(`${BASE_URL}/items/${item.id}`);
    await pageN.getByTestId('item-name').filter({ hasText: `Ladder ${stamp}` }).waitFor();
    const comments = pageN.getByTestId('comments');
    const text = `Could I borrow it on Saturday? (${stamp})`;
    // (the comments, below the calendar, are asked for when the reader gets there: here by moving the focus)
    await pageN.getByLabel(en['life.comments.write']).focus();
    await comments.getByText(en['life.comments.none']).waitFor();
    await pageN.keyboard.type(text);
    await pageN.keyboard.press('Tab');
    assert.equal(await pageN.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'send-comment');
    await pageN.keyboard.press('Enter');
    await comments.getByTestId('comment-text').filter({ hasText: text }).waitFor();
    assert.equal(await pageN.getByTestId('item-news').innerText(), en['life.notice.commented']);
    // A comment that is not his own offers a report; his own offers to delete it
    const mine = comments.getByTestId('comment').filter({ hasText: text });
    assert.equal(await mine.getByRole('button', { name: en['life.comments.delete'] }).count(), 1);
    assert.equal(await mine.getByRole('button', { name: en['life.report.comment'] }).count(), 0);
    const overflow = await pageN.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the item page is ${overflow}px wider than a 360 px screen`);
    if (SCREENSHOTS) await pageN.screenshot({ path: '/tmp/noper-item-comments-360.png', fullPage: true });

    // Then Olga, on her item's page, sees Nico's comment under his name, and may report it
    const pageO = await owner.context.newPage();
    const errorsO = watchPageErrors(pageO);
    await pageO.goto(`${BASE_URL}/items/${item.id}`);
    await pageO.getByTestId('item-name').waitFor();
    await pageO.getByTestId('comments').scrollIntoViewIfNeeded();
    const seen = pageO.getByTestId('comments').getByTestId('comment').filter({ hasText: text });
    await seen.waitFor();
    assert.ok((await seen.innerText()).includes(neighbour.profile.display_name), `the comment does not name ${neighbour.profile.display_name}`);
    await seen.getByRole('button', { name: en['life.report.comment'] }).click();
    await pageO.getByLabel(en['life.report.reason']).selectOption('spam');
    await pageO.getByRole('button', { name: en['life.report.send'] }).click();
    await pageO.getByTestId('item-news').filter({ hasText: en['life.notice.reported'] }).waitFor();
    // And the API keeps the comment on the item, not on a post
    const page = await owner.call('GET', `/items/${item.id}/comments`);
    assert.deepEqual(page.comments.map((c) => [c.about_kind, c.text]), [['item', text]]);
    assert.deepEqual(errorsN, []);
    assert.deepEqual(errorsO, []);
  });

  test('a link to another neighbourhood’s post explains the closed neighbourhood and leads to one’s own feed', async () => {
    // Given Olga's post in her neighbourhood
    const post = await owner.call('POST', `/neighbourhoods/${owner.neighbourhood.id}/posts`, {
      post: { kind: 'discussion', title: `Street party ${stamp}`, text: 'Saturday at four, bring a cake.' },
    });
    // When Elsa, verified in another neighbourhood, opens its link
    const pageE = await elsewhere.context.newPage();
    const errors = watchPageErrors(pageE);
    const answered = pageE.waitForResponse((response) => response.url().endsWith(`/api/v1/posts/${post.id}`));
    await pageE.goto(`${BASE_URL}/posts/${post.id}`);
    // Then the API answered 404, and the page says what to do next without telling whether the post exists
    assert.equal((await answered).status(), 404);
    const door = pageE.getByTestId('door-notHere');
    await door.waitFor();
    assert.equal(await door.getByRole('heading', { level: 1 }).innerText(), en['door.notHere.title']);
    await door.getByText(en['door.notHere.body']).waitFor();
    await door.getByText(en['door.notHere.shared']).waitFor();
    assert.equal(await pageE.getByText(en['problem.notFound']).count(), 0, 'the generic "not found" still shows');
    assert.ok(!(await door.innerText()).includes(`Street party ${stamp}`));
    const feed = door.getByRole('link', { name: en['door.notHere.feed'].replace('{name}', elsewhere.neighbourhood.name) });
    assert.equal(await feed.getAttribute('href'), `/neighbourhoods/${elsewhere.neighbourhood.id}/posts`);
    if (SCREENSHOTS) await pageE.screenshot({ path: '/tmp/noper-not-here-360.png', fullPage: true });
    // And the link leads to Elsa's own neighbourhood news
    await feed.click();
    await pageE.waitForURL(`${BASE_URL}/neighbourhoods/${elsewhere.neighbourhood.id}/posts`);

    // The same for an item of Olga's neighbourhood
    const item = await owner.call('POST', `/neighbourhoods/${owner.neighbourhood.id}/items`, { name: `Drill ${stamp}`, category: 'tools' });
    await pageE.goto(`${BASE_URL}/items/${item.id}`);
    await pageE.getByTestId('door-notHere').waitFor();
    assert.deepEqual(errors, []);
  });
});
