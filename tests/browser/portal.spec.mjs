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

import { axe, base, check, reflow, runSpec, screenshot, watchErrors } from './foi-harness.mjs';

// expectedFailure allows the 400 the request form answers an invalid
// submission with (checked below).
const expectedFailure = (r) => r.status() === 400 && r.request().method() === 'POST' && r.url() === base + '/foi/request';

async function run(context) {
  const page = await context.newPage();
  const errors = [];
  watchErrors(page, errors, expectedFailure);

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
  await screenshot(page, 'portal-search');
  await reflow(page, 'portal', 'search');

  // --- A disclosure permalink -----------------------------------------------------
  const href = n > 0 ? await results.first().getAttribute('href') : '/foi/disclosures/foi/requests/mayors_car_costs.json';
  await page.goto(base + href);
  const dh1 = await page.locator('h1').innerText();
  check(dh1.length > 5, 'disclosure page has a heading', dh1);
  await axe(page, 'disclosure');
  await screenshot(page, 'portal-disclosure');
  await reflow(page, 'portal', 'disclosure');

  // --- The officers' redaction preview of the same disclosure ------------------------
  if (process.env.OFFICERS === '1') {
    const id = href.slice('/foi/disclosures/'.length).split('/').map(decodeURIComponent).join('/');
    await page.goto(base + '/foi/cases/redaction?id=' + encodeURIComponent(id));
    const marks = await page.locator('mark.th-redact').count();
    check(marks > 0, `redaction preview marks ${marks} items`);
    const kinds = await page.locator('.th-redact__kind').allInnerTexts();
    check(kinds.every((k) => /^\[(name|email|phone|address|postcode|NI number|officer rule)/.test(k)), 'each marked item is labelled with its kind', kinds.slice(0, 5));
    await axe(page, 'redaction');
    await screenshot(page, 'portal-redaction');
    await reflow(page, 'portal', 'redaction');
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
    await screenshot(page, 'portal-redaction-rule');
    await reflow(page, 'portal', 'redaction-rule');
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
  await screenshot(page, 'portal-request-errors');
  await reflow(page, 'portal', 'request-errors');

  check(errors.length === 0, 'no script errors or failed requests', errors);
}

runSpec(run);
