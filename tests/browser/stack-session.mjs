// Shared by the browser tests that need people signed in on the real stack (not a test file itself):
// Chromium as the tests launch it, the sign-in code read from the stack's outbox, and a browser
// context signed in through the same API the sign-in screen uses.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
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
  throw new Error(`No sign-in email to ${email} arrived in ${OUTBOX}.`);
}

/** A fresh context (English, 360 px, map tiles blocked: no network in tests). */
export async function newContext(browser) {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 360, height: 780 } });
  context.setDefaultTimeout(TIMEOUT);
  await context.route('https://tile.openstreetmap.org/**', (route) => route.abort('internetdisconnected'));
  return context;
}

/** A context signed in as `email`; `call(method, path, data)` sends JSON to /api/v1 with the CSRF token. */
export async function signedIn(browser, baseUrl, email) {
  const context = await newContext(browser);
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
