// Shared by the browser tests that run against the real stack (not a test file itself): Chromium as
// the tests launch it, the sign-in code read from the stack's outbox, a browser context signed in
// through the same API the sign-in screen uses, commune staff made with `./noper staff add`,
// residents verified by that staff, and the page errors a test fails on.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { chromium } from 'playwright-core';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const OUTBOX = process.env.NOPER_OUTBOX_DIR || join(ROOT, '.local/outbox');
export const TIMEOUT = 20_000;

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.NOPER_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Chromium for the tests of one file: launched before them and closed after them (top-level
 * node:test hooks, so call it at the top of the file). Returns a holder whose `browser` is that
 * Chromium while the tests run.
 */
export function chromiumForTests() {
  const holder = { browser: undefined };
  before(async () => {
    holder.browser = await launchChromium();
  });
  after(async () => {
    await holder.browser?.close();
  });
  return holder;
}

/** A token unique to this run, for emails, names and titles that must not meet those of earlier runs. */
export const uniqueStamp = () => `${Date.now()}${Math.random().toString(36).slice(2, 6)}`;

/** The six-digit code of the newest email to `email` sent after `sentAfter` (ms), waiting for it. */
export async function codeFromOutbox(email, sentAfter) {
  const recipient = email.replace(/[^A-Za-z0-9@._-]/g, '_');
  const deadline = Date.now() + TIMEOUT;
  while (Date.now() < deadline) {
    let names = [];
    try {
      names = readdirSync(OUTBOX).filter((name) => name.endsWith('.eml') && name.includes(recipient));
    } catch {
      // the folder appears with the first email
    }
    const newest = names
      .map((name) => ({ path: join(OUTBOX, name), at: statSync(join(OUTBOX, name)).mtimeMs }))
      .filter((file) => file.at >= sentAfter - 1000)
      .sort((a, b) => b.at - a.at)[0];
    if (newest) {
      const mail = readFileSync(newest.path, 'utf8');
      const code = /^Subject:.*\b(\d{6})\b/im.exec(mail)?.[1] ?? /^\s+(\d{6})\s*$/m.exec(mail)?.[1];
      if (code) return code;
    }
    await delay(200); // polling a folder: nothing to wait on but the file itself
  }
  throw new Error(`No sign-in email to ${email} arrived in ${OUTBOX} (set NOPER_OUTBOX_DIR to the stack's outbox).`);
}

/** A fresh context (English, 360 px, map tiles blocked: no network in tests) that waits `timeout` ms at most. */
export async function newContext(browser, { timeout = TIMEOUT } = {}) {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 360, height: 780 } });
  context.setDefaultTimeout(timeout);
  await context.route('https://tile.openstreetmap.org/**', (route) => route.abort('internetdisconnected'));
  return context;
}

/**
 * A context signed in as `email` (waiting `timeout` ms at most, as newContext); `call(method, path,
 * data)` sends JSON to /api/v1 with the CSRF token and returns the answer's body, asserting success.
 */
export async function signedIn(browser, baseUrl, email, { timeout = TIMEOUT } = {}) {
  const context = await newContext(browser, { timeout });
  const asked = Date.now();
  const code = await context.request.post(`${baseUrl}/api/v1/auth/code`, { data: { email, language: 'en' } });
  assert.ok(code.ok(), `sign-in code for ${email}: HTTP ${code.status()}`);
  const session = await context.request.post(`${baseUrl}/api/v1/auth/session`, { data: { email, code: await codeFromOutbox(email, asked) } });
  assert.ok(session.ok(), `session for ${email}: HTTP ${session.status()} ${await session.text()}`);
  const csrf = (await context.cookies()).find((cookie) => cookie.name === 'noper_csrf')?.value;
  const call = async (method, path, data) => {
    const response = await context.request.fetch(`${baseUrl}/api/v1${path}`, { method, data, headers: csrf ? { 'X-CSRF-Token': csrf } : {} });
    const body = await response.json().catch(() => null);
    assert.ok(response.ok(), `${method} ${path} as ${email}: HTTP ${response.status()} ${JSON.stringify(body)}`);
    return body;
  };
  return { context, call };
}

/**
 * A member of `commune`'s staff with `role` (admin, verifier...), made with `./noper staff add` and
 * signed in as `email`: the context, `call` (as signedIn) and `approve(verificationPath)`, which
 * approves a resident's claimed address (the `approve` verifiedResident wants).
 */
export async function staffMember(browser, baseUrl, { commune, email, role, timeout = TIMEOUT }) {
  execFileSync('./noper', ['staff', 'add', email, '--commune', commune, '--role', role], { cwd: ROOT, env: process.env, stdio: 'pipe' });
  const { context, call } = await signedIn(browser, baseUrl, email, { timeout });
  const approve = (path) => call('POST', path, { decision: 'approve' });
  return { context, call, approve };
}

/**
 * A resident signed in as `email` who names themselves `displayName` (when given), claims the first
 * address of `commune` whose label starts with `query` (it must lie in a published neighbourhood)
 * and is verified there by `approve(verificationPath)` (e.g. staffMember's). Returns the context,
 * `call` (as signedIn), their profile (GET /me) and their neighbourhood ({ id, name, ... }).
 */
export async function verifiedResident(browser, baseUrl, { commune, email, query, approve, displayName, timeout = TIMEOUT }) {
  const { context, call } = await signedIn(browser, baseUrl, email, { timeout });
  if (displayName !== undefined) await call('PATCH', '/me', { display_name: displayName });
  const found = await call('GET', `/communes/${commune}/addresses?q=${encodeURIComponent(query)}`);
  const address = found.addresses.find((candidate) => candidate.label.startsWith(query));
  assert.ok(address?.neighbourhood, `no address "${query}" in a published neighbourhood: ${JSON.stringify(found)}`);
  const me = await call('PUT', '/me/residence', { address_id: address.id });
  await approve(`/communes/${commune}/verifications/${encodeURIComponent(me.id)}`);
  const profile = await call('GET', '/me');
  assert.equal(profile.residence.status, 'verified');
  return { context, call, profile, neighbourhood: profile.residence.neighbourhood };
}

/**
 * Collects what goes wrong on `page` as it runs: uncaught errors and the console errors of the
 * Content Security Policy. Returns the (live) list, for `assert.deepEqual(errors, [])` at the end.
 */
export function watchPageErrors(page) {
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) errors.push(new Error(message.text()));
  });
  return errors;
}

/** A small JPEG drawn by the page's own canvas (a coloured field and a disc), as a file to give a photo input. */
export async function drawnJpeg(page, name = 'photo.jpg') {
  const base64 = await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 240;
    const pen = canvas.getContext('2d');
    pen.fillStyle = '#6a9a4a';
    pen.fillRect(0, 0, 320, 240);
    pen.fillStyle = '#f2c230';
    pen.beginPath();
    pen.arc(160, 120, 60, 0, Math.PI * 2);
    pen.fill();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let text = '';
    for (const byte of bytes) text += String.fromCharCode(byte);
    return btoa(text);
  });
  return { name, mimeType: 'image/jpeg', buffer: Buffer.from(base64, 'base64') };
}

/** Moves the focus to `locator` and presses `key` there, as a keyboard user does. */
export async function press(locator, key = 'Enter') {
  await locator.focus();
  await locator.page().keyboard.press(key);
}

/** True when the page does not scroll sideways (a small phone's width). */
export const fitsWidth = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);

/** A catalogue message with its {placeholders} filled, as the app shows it. */
export const fillMessage = (message, values) => message.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
