// Browser test of the spending, contracts and budgets browser
// (foi/ledger/web).
//
//   TOWNHALL_URL=http://127.0.0.1:PORT node tests/browser/ledger.spec.mjs
//
// Run by TestBrowseBrowser (cmd/townhall/browse_browser_test.go), which
// ingests the demo council and starts a server. It visits the spending
// search with its totals, follows a total's link to the rows behind it,
// the contracts register sorted by value, the budgets page, a record's
// page and a search with an impossible date. On each it runs axe-core at
// WCAG 2.2 AA with the target-size rule on (zero violations allowed) and
// checks reflow at 320 CSS px. Data tables may scroll sideways inside
// their focusable region (WCAG 1.4.10 excepts them); nothing else may be
// wider than the window. Screenshots go to OUT_DIR (default out/):
// ledger-spending.png, ledger-contracts.png, ledger-budgets.png, ...
//
// Environment: TOWNHALL_URL (required), CHROMIUM (default
// /usr/bin/chromium), NODE_MODULES (default .cache/npm-browser/node_modules),
// OUT_DIR (default out).

import { axe, base, check, reflow, runSpec, screenshot, watchErrors } from './foi-harness.mjs';

// expectedFailure allows the 400 the impossible-date search is answered
// with (checked below).
const expectedFailure = (r) => r.status() === 400 && r.url().includes('from-day=31');

// count reads the number in the results heading ("396 payments ...").
async function count(page) {
  const h = await page.locator('#results-heading').innerText();
  return Number(h.split(' ')[0].replace(/,/g, ''));
}

async function run(context) {
  const page = await context.newPage();
  const errors = [];
  watchErrors(page, errors, expectedFailure);

  // --- Spending: search, results and totals ------------------------------------------
  await page.goto(base + '/foi/spending');
  const all = await count(page);
  check(all > 0, `spending lists ${all} payments`);
  check(await page.locator('h1').count() === 1, 'spending page has one h1');
  check(await page.locator('nav[aria-label="Menu"] a[aria-current]').innerText() === 'Spending', 'navigation marks Spending as current');
  const charts = await page.evaluate(() => [...document.querySelectorAll('.th-chart')].map((s) => {
    const svg = s.querySelector('svg');
    const table = s.querySelector('table');
    return {
      hidden: svg && svg.getAttribute('aria-hidden') === 'true',
      caption: table && table.caption && table.caption.textContent.trim(),
      bars: svg ? svg.querySelectorAll('rect').length : 0,
      links: table ? table.querySelectorAll('tbody a').length : 0,
    };
  }));
  check(charts.length === 3 && charts.every((c) => c.hidden && c.caption && c.bars > 0 && c.bars === c.links),
    'three charts, each aria-hidden with a captioned table linking every figure', charts);
  await axe(page, 'spending');
  await screenshot(page, 'ledger-spending');
  await reflow(page, 'ledger', 'spending');

  // A filtered search, sorted by amount, submitted through the form.
  await page.fill('#department', 'housing');
  await page.fill('#min', '10000');
  await Promise.all([page.waitForURL(/department=housing/), page.locator('form.th-filter button[type="submit"]').click()]);
  const housing = await count(page);
  check(housing > 0 && housing < all, `the form narrows spending to ${housing} housing payments over £10,000`);
  await page.locator('th a', { hasText: 'Amount' }).click();
  await page.waitForURL(/sort=amount/);
  const sorted = await page.locator('th[aria-sort]').innerText();
  check(/Amount/.test(sorted), 'the Amount heading sorts and is marked aria-sort', sorted);
  await axe(page, 'spending filtered');

  // Follow a supplier total's link: its page lists that many payments.
  const link = page.locator('#by-supplier-caption').locator('xpath=ancestor::table').locator('tbody tr').first();
  const wantRows = Number((await link.locator('td').first().innerText()).replace(/,/g, ''));
  const figure = (await link.locator('a').innerText()).split(':')[0].trim();
  await Promise.all([page.waitForURL(/exact=supplier/), link.locator('a').click()]);
  const got = await count(page);
  check(got === wantRows, `a supplier total's link lists its ${wantRows} payments`, got);
  const heading = await page.locator('#results-heading').innerText();
  check(heading.includes(figure), `the list adds up to the figure ${figure}`, heading);
  await axe(page, 'spending rows behind a total');

  // A record's page, from the first row.
  await page.locator('td.th-record a').first().click();
  await page.waitForURL(/\/foi\/records\//);
  const src = await page.locator('dd a[href^="https://"]').count();
  check(src === 1, 'the record page links to its source');
  await axe(page, 'record');
  await screenshot(page, 'ledger-record');

  // An impossible date: 400, an error summary linked to the field.
  const resp = await page.goto(base + '/foi/spending?from-day=31&from-month=2&from-year=2024');
  check(resp.status() === 400, 'an impossible date is answered 400', resp.status());
  const errLinks = await page.locator('.govuk-error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  check(errLinks.includes('#from-day'), 'the error links to the date field', errLinks);
  check(/^Error: /.test(await page.title()), 'the error page title starts with "Error:"');
  await axe(page, 'spending error');

  // --- Contracts register ------------------------------------------------------------
  await page.goto(base + '/foi/contracts?sort=amount');
  const contracts = await count(page);
  check(contracts > 0, `the register lists ${contracts} contracts`);
  await axe(page, 'contracts');
  await screenshot(page, 'ledger-contracts');
  await reflow(page, 'ledger', 'contracts');

  // --- Budgets -------------------------------------------------------------------------
  await page.goto(base + '/foi/budgets');
  const pages = await page.locator('a[href*="#page="]').count();
  check(pages > 0, `the budgets page links to ${pages} budget book pages`);
  await page.locator('details summary').first().click();
  await axe(page, 'budgets');
  await screenshot(page, 'ledger-budgets');
  await reflow(page, 'ledger', 'budgets');

  check(errors.length === 0, 'no script errors or failed requests', errors);
}

runSpec(run);
