// Browser test of the chat widget, the chat page and the staff console.
//
//   TOWNHALL_URL=http://127.0.0.1:PORT node tests/browser/widget.spec.mjs
//
// Run by TestWidgetBrowser (cmd/townhall/web_test.go), which starts a
// server on the demo council with the staff console on. It drives a whole
// conversation in the widget by keyboard alone, runs axe-core at WCAG 2.2
// AA with the target-size rule turned on (zero violations allowed),
// checks reflow at 320 CSS px, 200% text and reduced motion, takes a
// member of staff through the hand-off console, and saves screenshots in
// OUT_DIR (default out/).
//
// Environment: TOWNHALL_URL (required), CHROMIUM (default
// /usr/bin/chromium), NODE_MODULES (default .cache/npm-browser/node_modules),
// OUT_DIR (default out).

import { createRequire } from 'node:module';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const modules = process.env.NODE_MODULES || path.join(root, '.cache', 'npm-browser', 'node_modules');
const require = createRequire(path.join(modules, 'noop.js'));
const { chromium } = require('playwright-core');
const { AxeBuilder } = require('@axe-core/playwright');

const base = process.env.TOWNHALL_URL;
if (!base) {
  console.error('TOWNHALL_URL is required');
  process.exit(2);
}
const outDir = process.env.OUT_DIR || path.join(root, 'out');
mkdirSync(outDir, { recursive: true });

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
let failures = 0;

function check(ok, what, detail) {
  if (ok) {
    console.log('ok   ' + what);
  } else {
    failures++;
    console.log('FAIL ' + what + (detail !== undefined ? ': ' + JSON.stringify(detail) : ''));
  }
}

// axe runs the WCAG 2.2 AA rules, target-size included, and reports.
async function axe(page, label, include) {
  let builder = new AxeBuilder({ page }).withTags(AXE_TAGS).options({ rules: { 'target-size': { enabled: true } } });
  if (include) builder = builder.include(include);
  const r = await builder.analyze();
  const ran = [...r.passes, ...r.violations, ...r.incomplete, ...r.inapplicable].some((x) => x.id === 'target-size');
  check(ran, `axe ${label}: target-size rule ran`);
  check(r.violations.length === 0, `axe ${label}: ${r.violations.length} violations (${r.passes.length} rules passed)`,
    r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' ' + n.failureSummary) })));
  return r;
}

// deepActive describes the focused element, looking inside shadow roots.
function deepActive(page) {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    if (!el) return null;
    return {
      tag: el.tagName.toLowerCase(),
      cls: typeof el.className === 'string' ? el.className : '',
      id: el.id,
      text: (el.textContent || '').trim().slice(0, 60),
      helpful: el.getAttribute('data-helpful'),
      inWidget: el.getRootNode() instanceof ShadowRoot,
    };
  });
}

// tabTo presses key (Tab or Shift+Tab) until match(focused) holds.
async function tabTo(page, match, key = 'Tab', max = 40) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    const a = await deepActive(page);
    if (a && match(a)) return a;
  }
  return null;
}

async function waitForAnswers(page, n) {
  await page.waitForFunction((n) => {
    const host = document.querySelector('[data-townhall-chat-widget]');
    return host && host.shadowRoot.querySelectorAll('.log .msg-assistant, .log .msg-staff').length >= n;
  }, n, { timeout: 20000 });
}

const widgetQuery = (sel) => (page) => page.evaluate((sel) => {
  const host = document.querySelector('[data-townhall-chat-widget]');
  return [...host.shadowRoot.querySelectorAll(sel)].map((el) => {
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    return {
      text: (el.textContent || '').trim().slice(0, 80), x: r.x, y: r.y, w: r.width, h: r.height,
      role: el.getAttribute('role'), live: el.getAttribute('aria-live'), pressed: el.getAttribute('aria-pressed'),
      fontSize: parseFloat(cs.fontSize), animation: cs.animationName, hidden: el.hidden,
      scrollWidth: el.scrollWidth, clientWidth: el.clientWidth,
    };
  });
}, sel);

// watchErrors collects script errors, console errors and failed requests
// (other than the favicon, which Townhall does not serve).
function watchErrors(page, errors) {
  page.on('console', (m) => {
    // Messages from scripts without a URL come from what the test
    // injects (axe-core adds inline styles, which the pages' CSP blocks).
    if (m.type() === 'error' && !/status of 404/.test(m.text()) && m.location().url !== '') {
      errors.push(`${page.url()}: ${m.text()} at ${JSON.stringify(m.location())}`);
    }
  });
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e}`));
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`);
  });
}

// settle waits for the widget's animations to finish, so axe sees final
// colours.
async function settle(page) {
  await page.evaluate(() => {
    const host = document.querySelector('[data-townhall-chat-widget]');
    const anims = host ? host.shadowRoot.getAnimations() : [];
    return Promise.all(anims.map((a) => a.finished));
  });
}

async function main() {
  const profile = mkdtempSync(path.join(tmpdir(), 'townhall-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
    viewport: { width: 1280, height: 800 },
    reducedMotion: 'no-preference',
  });
  try {
    await run(context);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function run(context) {
  const page = await context.newPage();
  const consoleErrors = [];
  watchErrors(page, consoleErrors);

  // --- The widget, by keyboard alone ----------------------------------------
  await page.goto(base + '/chat/demo');
  await page.waitForSelector('[data-townhall-chat-widget]', { state: 'attached' });
  await axe(page, 'council page, widget closed');

  let a = await tabTo(page, (a) => a.cls.includes('launcher'));
  check(a !== null, 'Tab reaches the launcher', a);
  const launcherFocus = await page.evaluate(() => {
    const b = document.querySelector('[data-townhall-chat-widget]').shadowRoot.querySelector('.launcher');
    const cs = getComputedStyle(b);
    return { outline: cs.outlineStyle, width: parseFloat(cs.outlineWidth) };
  });
  check(launcherFocus.outline !== 'none' && launcherFocus.width >= 2, 'launcher focus is visible', launcherFocus);

  await page.keyboard.press('Enter');
  a = await deepActive(page);
  check(a && a.id === 'th-input', 'opening moves focus to the message box', a);
  const log = (await widgetQuery('.log')(page))[0];
  check(log.role === 'log' && log.live === 'polite', 'transcript is role=log, aria-live=polite', log);
  await settle(page);
  await axe(page, 'widget open, empty');

  await page.keyboard.type('the bin men missed our recycling yesterday, is it too late to tell you?');
  await page.keyboard.press('Enter');
  await waitForAnswers(page, 1);
  let msgs = await widgetQuery('.log .msg')(page);
  const firstAnswer = await page.evaluate(() => document.querySelector('[data-townhall-chat-widget]').shadowRoot.querySelector('.log .msg-assistant').textContent);
  check(msgs.length === 2 && firstAnswer.includes('working days'), 'first answer arrives with the deadline', msgs.map((m) => m.text));
  a = await deepActive(page);
  check(a && a.id === 'th-input', 'focus stays in the message box after sending', a);
  const links = await widgetQuery('.log .msg-assistant a')(page);
  check(links.length > 0, 'answer links its sources', links.length);

  // Feedback by keyboard: back from the message box to "Helpful".
  a = await tabTo(page, (a) => a.helpful === 'true', 'Shift+Tab');
  check(a !== null, 'Shift+Tab reaches the Helpful button', a);
  await page.keyboard.press('Space');
  await page.waitForFunction(() => {
    const h = document.querySelector('[data-townhall-chat-widget]').shadowRoot;
    return h.querySelector('.feedback button[aria-pressed="true"]');
  }, null, { timeout: 5000 });
  const pressed = await widgetQuery('.feedback button[aria-pressed="true"]')(page);
  check(pressed.length === 1 && pressed[0].text === 'Helpful', 'feedback is recorded and shown', pressed);

  // Back to the box and ask for a person; answer an out-of-hours offer.
  a = await tabTo(page, (a) => a.id === 'th-input');
  check(a !== null, 'Tab returns to the message box', a);
  await page.keyboard.type('I want to speak to a person please');
  await page.keyboard.press('Enter');
  await waitForAnswers(page, 2);
  const sugg = await widgetQuery('.suggestions button')(page);
  if (sugg.length > 0) {
    a = await tabTo(page, (a) => a.text === 'Log my request', 'Shift+Tab');
    check(a !== null, 'Shift+Tab reaches the suggested reply', a);
    await page.keyboard.press('Enter');
    await waitForAnswers(page, 3);
    a = await deepActive(page);
    if (!a || a.id !== 'th-input') await tabTo(page, (a) => a.id === 'th-input');
  }
  msgs = await widgetQuery('.log .msg')(page);
  check(msgs.some((m) => /team|staff/i.test(m.text)), 'the hand-off is answered', msgs.map((m) => m.text));

  // Links inside running text fall under the inline exception of 2.5.8;
  // every other target must be 24 by 24 px.
  const targets = await widgetQuery('button, textarea, a.th-cite, .th-sources a')(page);
  const small = targets.filter((t) => !t.hidden && t.w > 0 && (t.w < 24 || t.h < 24));
  check(small.length === 0, `all ${targets.length} widget targets are at least 24x24 px`, small);
  await axe(page, 'widget after a conversation');
  await page.screenshot({ path: path.join(outDir, 'widget.png') });

  // Escape closes and returns focus to the launcher: no trap.
  await page.keyboard.press('Escape');
  a = await deepActive(page);
  check(a && a.cls.includes('launcher'), 'Escape closes and focus returns to the launcher', a);
  const panelHidden = await page.evaluate(() => document.querySelector('[data-townhall-chat-widget]').shadowRoot.querySelector('.panel').hidden);
  check(panelHidden, 'the panel is closed');
  a = await tabTo(page, (a) => !a.inWidget, 'Tab', 5);
  check(a !== null, 'Tab leaves the widget for the page', a);

  // --- Reduced motion ---------------------------------------------------------
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.evaluate(() => window.townhallChat.open());
  let panel = (await widgetQuery('.panel')(page))[0];
  check(panel.animation === 'none', 'no animation with prefers-reduced-motion', panel.animation);
  await page.emulateMedia({ reducedMotion: 'no-preference' });

  // --- Reflow at 320 CSS px ---------------------------------------------------
  await page.setViewportSize({ width: 320, height: 640 });
  await page.waitForTimeout(100);
  panel = (await widgetQuery('.panel')(page))[0];
  const docWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  check(panel.x >= 0 && panel.x + panel.w <= 320.5, 'panel fits a 320 px window', panel);
  check(docWidth <= 320, 'no horizontal scrolling at 320 px', docWidth);
  const logAt320 = (await widgetQuery('.log')(page))[0];
  check(logAt320.scrollWidth <= logAt320.clientWidth, 'transcript reflows at 320 px', logAt320);
  await axe(page, 'widget at 320 px');
  await page.screenshot({ path: path.join(outDir, 'widget-320.png') });
  // Tabbing on from the panel into the page, which the panel covers at
  // this width, moves the panel out of the way (focus not obscured).
  await page.locator('[data-townhall-chat-widget] .send').focus();
  a = await tabTo(page, (a) => !a.inWidget && a.tag !== 'body', 'Tab', 10);
  const obscured = await page.evaluate(() => {
    const host = document.querySelector('[data-townhall-chat-widget]');
    return { panelHidden: host.shadowRoot.querySelector('.panel').hidden, focused: document.activeElement.tagName };
  });
  check(a !== null && obscured.panelHidden, 'focus moving to the page under the panel closes it', obscured);
  await page.evaluate(() => window.townhallChat.open());

  // --- 200% text --------------------------------------------------------------
  await page.setViewportSize({ width: 1280, height: 800 });
  const before = (await widgetQuery('.log .msg .body')(page))[0].fontSize;
  await page.evaluate(() => { document.documentElement.style.fontSize = '200%'; });
  await page.waitForTimeout(100);
  const after = (await widgetQuery('.log .msg .body')(page))[0].fontSize;
  check(after >= before * 1.9, `text grows to 200% (${before}px to ${after}px)`);
  panel = (await widgetQuery('.panel')(page))[0];
  check(panel.x >= 0 && panel.x + panel.w <= 1280.5 && panel.h <= 800.5, 'panel stays in the window at 200% text', panel);
  const logAt200 = (await widgetQuery('.log')(page))[0];
  check(logAt200.scrollWidth <= logAt200.clientWidth, 'no horizontal scrolling in the transcript at 200% text', logAt200);
  for (const sel of ['#th-input', '.send', '.close']) {
    const el = page.locator('[data-townhall-chat-widget] ' + sel);
    await el.scrollIntoViewIfNeeded();
    const box = await el.boundingBox();
    check(box && box.x >= 0 && box.x + box.width <= 1280.5 && box.y >= 0 && box.y + box.height <= 800.5, `${sel} reachable at 200% text`, box);
  }
  await page.keyboard.press('Tab');
  await page.screenshot({ path: path.join(outDir, 'widget-200.png') });
  await page.evaluate(() => { document.documentElement.style.fontSize = ''; });

  // Reloading the page replays the conversation from the server.
  await page.reload();
  await page.waitForSelector('[data-townhall-chat-widget]', { state: 'attached' });
  await page.evaluate(() => window.townhallChat.open());
  await waitForAnswers(page, 2);
  const replayed = await widgetQuery('.log .msg')(page);
  check(replayed.length === msgs.length, `reload replays the conversation (${replayed.length} of ${msgs.length} messages)`);

  // --- The staff console --------------------------------------------------------
  const staff = await context.newPage();
  watchErrors(staff, consoleErrors);
  await staff.goto(base + '/staff/');
  await axe(staff, 'staff queue');
  await staff.locator('#staff-name').fill('Sam');
  await staff.locator('#staff-name').press('Enter');
  await staff.waitForURL(base + '/staff/');
  const take = staff.getByRole('button', { name: /^Take/ });
  check(await take.count() > 0, 'the hand-off is in the queue');
  if (await take.count() > 0) {
    await take.first().focus();
    await staff.keyboard.press('Enter');
    await staff.waitForURL(/\/staff\/handoffs\/\d+$/);
    await staff.waitForFunction(() => document.getElementById('status').textContent.includes('Live'), null, { timeout: 5000 });
    await axe(staff, 'staff hand-off page');
    await staff.locator('#message').fill('Hello, this is Sam from the council. <b>How can I help?</b>');
    await staff.locator('#message').press('Tab');
    await staff.keyboard.press('Enter');
    await page.waitForFunction(() => {
      const h = document.querySelector('[data-townhall-chat-widget]').shadowRoot;
      return [...h.querySelectorAll('.log .msg-staff')].some((m) => m.textContent.includes('this is Sam'));
    }, null, { timeout: 10000 });
    const staffMsg = await widgetQuery('.log .msg-staff')(page);
    const last = staffMsg[staffMsg.length - 1];
    check(last.text.includes('<b>How can I help?</b>'), 'staff reply reaches the widget live, markup shown as text', last.text);
    await staff.screenshot({ path: path.join(outDir, 'console.png'), fullPage: true });
  }

  // --- The chat page without JavaScript -------------------------------------------
  const plain = await context.newPage();
  watchErrors(plain, consoleErrors);
  await plain.route('**/*.js', (r) => r.abort()); // as if JavaScript were off
  await plain.goto(base + '/chat');
  await plain.keyboard.press('Tab'); // skip link
  await plain.keyboard.press('Enter');
  a = await plain.evaluate(() => document.activeElement && document.activeElement.id);
  if (a !== 'message') await plain.locator('#message').focus();
  await plain.keyboard.type('How much is a brown bin for garden waste a year?');
  await plain.keyboard.press('Tab');
  await plain.keyboard.press('Enter');
  await plain.waitForURL(/\/chat/);
  await plain.waitForSelector('.turn-assistant');
  const plainText = await plain.locator('.turn-assistant').first().innerText();
  check(plainText.length > 20, 'the chat page answers without JavaScript', plainText.slice(0, 80));
  await axe(plain, 'chat page without JavaScript');
  await plain.screenshot({ path: path.join(outDir, 'chat-page.png'), fullPage: true });

  check(consoleErrors.length === 0, 'no script errors in the console', consoleErrors);
}

main().then(() => {
  console.log(failures === 0 ? 'PASS' : `${failures} check(s) failed`);
  process.exit(failures === 0 ? 0 : 1);
}, (err) => {
  console.error(err);
  process.exit(1);
});
