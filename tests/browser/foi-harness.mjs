// The harness the FOI portal's browser tests share (portal.spec.mjs for
// foi/portal, ledger.spec.mjs for foi/ledger/web): playwright-core drives
// Debian's Chromium, axe-core checks WCAG 2.2 AA with the target-size
// rule on, and reflow is checked at 320 CSS px. Each check prints "ok" or
// "FAIL"; runSpec exits 1 when any failed.
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

export const base = process.env.TOWNHALL_URL;
if (!base) {
  console.error('TOWNHALL_URL is required');
  process.exit(2);
}
export const outDir = process.env.OUT_DIR || path.join(root, 'out');
mkdirSync(outDir, { recursive: true });

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
let failures = 0;

// check reports one check, and counts it when it failed.
export function check(ok, what, detail) {
  if (ok) {
    console.log('ok   ' + what);
  } else {
    failures++;
    console.log('FAIL ' + what + (detail !== undefined ? ': ' + JSON.stringify(detail) : ''));
  }
}

// screenshot saves the whole page as OUT_DIR/<name>.png.
export async function screenshot(page, name) {
  await page.screenshot({ path: path.join(outDir, name + '.png'), fullPage: true });
}

// axe runs the WCAG 2.2 AA rules, target-size included, and reports.
export async function axe(page, label) {
  const r = await new AxeBuilder({ page }).withTags(AXE_TAGS).options({ rules: { 'target-size': { enabled: true } } }).analyze();
  const ran = [...r.passes, ...r.violations, ...r.incomplete, ...r.inapplicable].some((x) => x.id === 'target-size');
  check(ran, `axe ${label}: target-size rule ran`);
  check(r.violations.length === 0, `axe ${label}: ${r.violations.length} violations (${r.passes.length} rules passed)`,
    r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' ' + n.failureSummary) })));
  return r;
}

// watchErrors collects script errors, console errors and failed requests
// other than the favicon, which Townhall does not serve, and the
// responses expected(response) allows (a 400 a test provokes).
export function watchErrors(page, errors, expected = () => false) {
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
    if (r.status() >= 400 && !expected(r) && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`);
  });
}

// reflow checks the page at 320 CSS px: the document does not scroll
// sideways, and nothing in main is wider than the window except inside a
// scrollable table region (.th-scroll: WCAG 1.4.10 excepts data tables),
// which must be focusable, labelled and fit. It runs axe there too, saves
// OUT_DIR/<prefix>-<label>-320.png and restores the desktop size.
export async function reflow(page, prefix, label) {
  await page.setViewportSize({ width: 320, height: 640 });
  await page.waitForTimeout(100);
  const r = await page.evaluate(() => {
    const over = [...document.querySelectorAll('main *')].filter((el) => {
      const b = el.getBoundingClientRect();
      return b.width > 0 && (b.right > 320.5 || b.left < -0.5) && getComputedStyle(el).visibility !== 'hidden' &&
        !el.closest('.govuk-visually-hidden, .govuk-skip-link, .th-scroll');
    }).slice(0, 5).map((el) => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`);
    const regions = [...document.querySelectorAll('.th-scroll')].map((el) => ({
      focusable: el.tabIndex === 0, labelled: !!el.getAttribute('aria-labelledby'), fits: el.getBoundingClientRect().right <= 320.5,
    }));
    return { docWidth: document.documentElement.scrollWidth, over, regions };
  });
  check(r.docWidth <= 320 && r.over.length === 0, `${label} reflows at 320 px (document ${r.docWidth} px wide)`, r.over);
  if (r.regions.length > 0) {
    check(r.regions.every((x) => x.focusable && x.labelled && x.fits), `${label}: table scroll regions are focusable, labelled and fit`, r.regions);
  }
  await axe(page, label + ' at 320 px');
  await screenshot(page, `${prefix}-${label}-320`);
  await page.setViewportSize({ width: 1280, height: 800 });
}

// runSpec runs fn(context) in a fresh headless Chromium profile, then
// prints PASS or the number of failed checks and exits with 0 or 1.
export function runSpec(fn) {
  const main = async () => {
    const profile = mkdtempSync(path.join(tmpdir(), 'townhall-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
      viewport: { width: 1280, height: 800 },
    });
    try {
      await fn(context);
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  };
  main().then(() => {
    console.log(failures === 0 ? 'PASS' : `${failures} check(s) failed`);
    process.exit(failures === 0 ? 0 : 1);
  }, (err) => {
    console.error(err);
    process.exit(1);
  });
}
