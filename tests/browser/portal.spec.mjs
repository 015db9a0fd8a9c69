// Browser test of the FOI portal (foi/portal).
//
//   TOWNHALL_URL=http://127.0.0.1:PORT node tests/browser/portal.spec.mjs
//
// Run by TestPortalBrowser (cmd/townhall/portal_browser_test.go), which
// imports the demo council's FOI sources and starts a server. It visits
// the search page with a query that has results, a disclosure permalink,
// the request form and its error state after an empty submission; on
// each it runs axe-core at WCAG 2.2 AA with the target-size rule turned
// on (zero violations allowed) and checks reflow at 320 CSS px. It saves
// screenshots in OUT_DIR (default out/): portal-search.png,
// portal-disclosure.png, portal-request-errors.png. With OFFICERS=1 (the
// server runs with TOWNHALL_FOI_OFFICERS=1 and the browser is on
// loopback) it also checks the officers' redaction preview of the same
// disclosure, before and after previewing a censor rule
// (portal-redaction.png, portal-redaction-rule.png).
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
async function axe(page, label) {
  const r = await new AxeBuilder({ page }).withTags(AXE_TAGS).options({ rules: { 'target-size': { enabled: true } } }).analyze();
  const ran = [...r.passes, ...r.violations, ...r.incomplete, ...r.inapplicable].some((x) => x.id === 'target-size');
  check(ran, `axe ${label}: target-size rule ran`);
  check(r.violations.length === 0, `axe ${label}: ${r.violations.length} violations (${r.passes.length} rules passed)`,
    r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' ' + n.failureSummary) })));
  return r;
}

// watchErrors collects script errors, console errors and failed requests
// other than the favicon, which Townhall does not serve, and the 400 the
// request form answers an invalid submission with (checked below).
function watchErrors(page, errors) {
  page.on('console', (m) => {
    // Messages from scripts without a URL come from what the test
    // injects (axe-core adds inline styles, which the pages' CSP blocks);
    // "Failed to load resource" repeats a response seen below.
    if (m.type() === 'error' && !/status of (400|404)/.test(m.text()) && m.location().url !== '') {
      errors.push(`${page.url()}: ${m.text()} at ${JSON.stringify(m.location())}`);
    }
  });
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e}`));
  page.on('response', (r) => {
    const invalidForm = r.status() === 400 && r.request().method() === 'POST' && r.url() === base + '/foi/request';
    if (r.status() >= 400 && !invalidForm && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`);
  });
}

// reflow checks the page at 320 CSS px: no horizontal scrolling, and no
// element of the main content wider than the window. It runs axe there
// too and restores the desktop size.
async function reflow(page, label) {
  await page.setViewportSize({ width: 320, height: 640 });
  await page.waitForTimeout(100);
  const r = await page.evaluate(() => {
    const over = [...document.querySelectorAll('main *')].filter((el) => {
      const b = el.getBoundingClientRect();
      return b.width > 0 && (b.right > 320.5 || b.left < -0.5) && getComputedStyle(el).visibility !== 'hidden' &&
        !el.closest('.govuk-visually-hidden, .govuk-skip-link');
    }).slice(0, 5).map((el) => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`);
    return { docWidth: document.documentElement.scrollWidth, over };
  });
  check(r.docWidth <= 320 && r.over.length === 0, `${label} reflows at 320 px (document ${r.docWidth} px wide)`, r.over);
  await axe(page, label + ' at 320 px');
  await page.screenshot({ path: path.join(outDir, `portal-${label}-320.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function main() {
  const profile = mkdtempSync(path.join(tmpdir(), 'townhall-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
    viewport: { width: 1280, height: 800 },
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
  const errors = [];
  watchErrors(page, errors);

  // --- Search with results ------------------------------------------------------
  await page.goto(base + '/foi/?q=potholes');
  const results = page.locator('main a[href^="/foi/disclosures/"]');
  const n = await results.count();
  check(n > 0, `search for potholes lists ${n} disclosures`);
  const h1 = await page.locator('h1').count();
  check(h1 === 1, 'search page has one h1', h1);
  const title = await page.title();
  check(/potholes/i.test(title), 'search page title names the query', title);
  await axe(page, 'search');
  await page.screenshot({ path: path.join(outDir, 'portal-search.png'), fullPage: true });
  await reflow(page, 'search');

  // --- A disclosure permalink -----------------------------------------------------
  const href = n > 0 ? await results.first().getAttribute('href') : '/foi/disclosures/foi/requests/mayors_car_costs.json';
  await page.goto(base + href);
  const dh1 = await page.locator('h1').innerText();
  check(dh1.length > 5, 'disclosure page has a heading', dh1);
  await axe(page, 'disclosure');
  await page.screenshot({ path: path.join(outDir, 'portal-disclosure.png'), fullPage: true });
  await reflow(page, 'disclosure');

  // --- The officers' redaction preview of the same disclosure ------------------------
  if (process.env.OFFICERS === '1') {
    const id = href.slice('/foi/disclosures/'.length).split('/').map(decodeURIComponent).join('/');
    await page.goto(base + '/foi/cases/redaction?id=' + encodeURIComponent(id));
    const marks = await page.locator('mark.th-redact').count();
    check(marks > 0, `redaction preview marks ${marks} items`);
    const kinds = await page.locator('.th-redact__kind').allInnerTexts();
    check(kinds.every((k) => /^\[(name|email|phone|address|postcode|NI number|officer rule)/.test(k)), 'each marked item is labelled with its kind', kinds.slice(0, 5));
    await axe(page, 'redaction');
    await page.screenshot({ path: path.join(outDir, 'portal-redaction.png'), fullPage: true });
    await reflow(page, 'redaction');
    // Try a rule: the word "Council" everywhere, previewed and not saved.
    await page.locator('#pattern').fill('Council');
    await page.locator('#replacement').fill('[body removed]');
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === base + '/foi/cases/redaction'),
      page.locator('button[value="preview"]').click(),
    ]);
    await page.waitForLoadState('load');
    const ruleMarks = await page.locator('.th-redact__kind', { hasText: 'officer rule' }).count();
    check(ruleMarks > 0, `a previewed rule marks ${ruleMarks} items as officer rule`);
    await axe(page, 'redaction rule preview');
    await page.screenshot({ path: path.join(outDir, 'portal-redaction-rule.png'), fullPage: true });
    await reflow(page, 'redaction-rule');
  }

  // --- The request form and its errors ------------------------------------------------
  await page.goto(base + '/foi/request');
  await axe(page, 'request form');
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === base + '/foi/request'),
    page.locator('main button[type="submit"]').click(),
  ]);
  check(resp.status() === 400, 'an empty request is answered 400', resp.status());
  await page.waitForLoadState('load');
  const summary = page.locator('.govuk-error-summary');
  check(await summary.count() === 1, 'an empty request shows an error summary');
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.className);
  check(/govuk-error-summary/.test(focused || ''), 'the error summary takes focus', focused);
  const summaryLinks = await page.locator('.govuk-error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  const targetsExist = await page.evaluate((hrefs) => hrefs.every((h) => h.startsWith('#') && document.getElementById(h.slice(1))), summaryLinks);
  check(summaryLinks.length > 0 && targetsExist, 'each error links to its field', summaryLinks);
  const errTitle = await page.title();
  check(/^Error: /.test(errTitle), 'the title starts with "Error:"', errTitle);
  await axe(page, 'request errors');
  await page.screenshot({ path: path.join(outDir, 'portal-request-errors.png'), fullPage: true });
  await reflow(page, 'request-errors');

  check(errors.length === 0, 'no script errors or failed requests', errors);
}

main().then(() => {
  console.log(failures === 0 ? 'PASS' : `${failures} check(s) failed`);
  process.exit(failures === 0 ? 0 : 1);
}, (err) => {
  console.error(err);
  process.exit(1);
});
