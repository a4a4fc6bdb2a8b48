// SPDX-License-Identifier: MIT
// page.mjs: the mxdiag web page in a real browser (Debian's chromium,
// headless, driven over CDP by playwright-core), against a running
// `mxdiag serve` and the test world. Prints TAP.
//
// Environment:
//   BASE_URL        the server, e.g. http://127.0.0.1:8080 (required)
//   STRICT_URL      a second server started without --allow-private and
//                   with --rate 1 --burst 1: a loopback target must be
//                   refused there, and the next request rate limited
//                   (optional; both tests are skipped without it)
//   SMTP_PORT       the world's SMTP port (default 2525)
//   SCREENSHOT_DIR  where the PNGs go (default: the current directory)
//   CHROMIUM        the browser (default /usr/bin/chromium)
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BASE = (process.env.BASE_URL || '').replace(/\/$/, '');
const STRICT = (process.env.STRICT_URL || '').replace(/\/$/, '');
const SMTP_PORT = process.env.SMTP_PORT || '2525';
const SHOTS = process.env.SCREENSHOT_DIR || process.cwd();
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WAIT = 60000;

// ------------------------------------------------------------------ TAP
let n = 0;
let failed = 0;
function ok(cond, desc, ...diag) {
  n++;
  if (cond) { console.log(`ok ${n} - ${desc}`); return true; }
  failed++;
  console.log(`not ok ${n} - ${desc}`);
  for (const d of diag) for (const line of String(d).split('\n')) console.log(`#   ${line}`);
  return false;
}
function skip(desc, why) { n++; console.log(`ok ${n} - ${desc} # SKIP ${why}`); }
function bail(msg) { console.log(`Bail out! ${msg}`); process.exit(1); }

if (!BASE) bail('BASE_URL is not set');
if (!fs.existsSync(CHROMIUM)) { console.log(`1..0 # SKIP ${CHROMIUM} not installed`); process.exit(0); }
fs.mkdirSync(SHOTS, { recursive: true });

// --------------------------------------------------------------- browser
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mxdiag-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1100, height: 900 },
  colorScheme: 'light',
  reducedMotion: 'reduce',
});
const origin = new URL(BASE).origin;
const origins = [origin];
if (STRICT) origins.push(new URL(STRICT).origin);
for (const o of origins) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: o });

// Every request any page makes: none may leave 127.0.0.1 (the context
// also refuses them, so a leak cannot reach the network).
const requests = [];
const offsite = [];
await context.route('**/*', (route) => {
  const u = route.request().url();
  requests.push(u);
  let host = '';
  try { host = new URL(u).hostname; } catch (e) { host = ''; }
  if (u.startsWith('data:') || host === '127.0.0.1') return route.fallback();
  offsite.push(u);
  return route.abort('blockedbyclient');
});

// The console, page errors and CSP violations, by phase: a phase that
// expects an API error may log the browser's own "Failed to load
// resource" line for it, nothing else.
let phase = 'start';
const consoleErrors = [];
const cspViolations = [];
await context.addInitScript(() => {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__csp.push(e.violatedDirective + ' ' + e.blockedURI);
  });
});
function watch(page) {
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) {
      consoleErrors.push({ phase, text: m.text(), url: (m.location() || {}).url || '' });
    }
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push({ phase, text: 'pageerror: ' + e.message, url: '' }));
  return page;
}
async function collectCsp(page) {
  try { for (const v of await page.evaluate(() => window.__csp || [])) cspViolations.push(v); } catch (e) { /* closed */ }
}

// -------------------------------------------------------------- helpers
const q = (page, sel) => page.locator(sel);
async function text(page, sel) {
  const l = page.locator(sel);
  return (await l.count()) ? (await l.first().innerText()).replace(/\s+/g, ' ').trim() : '';
}
async function allText(page, sel) {
  return (await page.locator(sel).allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}
// Wait until the run is over: a verdict that is not "Checking..." or an
// error box.
async function waitReport(page) {
  await page.waitForFunction(() => {
    const err = document.getElementById('error');
    if (err && !err.hidden) return true;
    const v = document.querySelector('.verdict');
    return v && !v.classList.contains('verdict-pending') && document.getElementById('cancel').hidden;
  }, null, { timeout: WAIT });
}
// Tab from the top of the page to the element with this id.
async function tabTo(page, id, max = 12) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((x) => document.activeElement && document.activeElement.id === x, id)) return true;
    await page.keyboard.press('Tab');
  }
  return page.evaluate((x) => document.activeElement && document.activeElement.id === x, id);
}
async function shot(page, name, full = true) {
  const file = path.join(SHOTS, name);
  await page.screenshot({ path: file, fullPage: full });
  return file;
}
// WCAG contrast of every visible text element in the report (own text
// nodes only) against the first opaque background behind it.
async function contrastProblems(page, root) {
  return page.evaluate((rootSel) => {
    const parse = (c) => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
    };
    const lum = (c) => {
      const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
      return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
    };
    const bgOf = (e) => {
      for (let x = e; x; x = x.parentElement) {
        const c = parse(getComputedStyle(x).backgroundColor);
        if (c && c.a >= 0.99) return c;
      }
      return { r: 255, g: 255, b: 255, a: 1 };
    };
    const out = [];
    const root = document.querySelector(rootSel) || document.body;
    for (const e of root.querySelectorAll('*')) {
      const own = [...e.childNodes].some((t) => t.nodeType === 3 && t.textContent.trim());
      if (!own) continue;
      const r = e.getBoundingClientRect();
      if (!r.width || !r.height) continue;
      const cs = getComputedStyle(e);
      if (cs.visibility === 'hidden' || cs.opacity === '0') continue;
      const fg = parse(cs.color);
      const bg = bgOf(e);
      const l1 = lum(fg); const l2 = lum(bg);
      const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
      const size = parseFloat(cs.fontSize);
      const bold = parseInt(cs.fontWeight, 10) >= 700;
      const large = size >= 24 || (bold && size >= 18.66);
      if (ratio < (large ? 3 : 4.5)) {
        out.push(`${e.tagName.toLowerCase()}.${e.className} "${e.textContent.trim().slice(0, 40)}" ${ratio.toFixed(2)}:1 (${cs.color} on rgb(${bg.r}, ${bg.g}, ${bg.b}))`);
      }
    }
    return out;
  }, root);
}

try {
  // ================================================= 1. the empty page
  phase = 'load';
  const page = watch(await context.newPage());
  const resp = await page.goto(BASE + '/', { waitUntil: 'load' });
  ok(resp && resp.status() === 200, 'GET / answers 200', resp && resp.status());
  const csp = (resp && resp.headers()['content-security-policy']) || '';
  ok(/script-src 'self'/.test(csp) && /style-src 'self'/.test(csp) && /frame-ancestors 'none'/.test(csp),
    'the page is served with the Content-Security-Policy', csp);
  ok(/mxdiag/i.test(await page.title()), 'the page has a title', await page.title());
  const input = page.getByLabel('Domain, IP address or mail server name');
  ok(await input.count() === 1 && await input.isVisible(), 'the input has a visible label');
  ok(await page.getByRole('button', { name: 'Check' }).isVisible(), 'the form has a real Check button');
  ok(await page.getByLabel('Skip SMTP connection (DNS only)').count() === 1, 'the DNS-only checkbox is labelled');
  ok(await q(page, '[role=status][aria-live=polite]').count() === 1, 'an aria-live status region is there');

  // ======================================= 2. a broken chain, by keyboard
  phase = 'fcrdns';
  ok(await tabTo(page, 'q'), 'Tab reaches the input from the top of the page');
  const focusStyle = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  ok(focusStyle && focusStyle !== 'none', 'the focused input shows a visible focus ring', focusStyle);
  await page.keyboard.type('127.0.0.5');
  await page.keyboard.press('Tab');           // the Check button
  await page.keyboard.press('Tab');           // the checkbox
  await page.keyboard.press('Tab');           // the port
  ok(await page.evaluate(() => document.activeElement.id) === 'port', 'Tab order: input, Check, DNS-only, port');
  await page.keyboard.type(SMTP_PORT);
  const t0 = Date.now();
  await page.keyboard.press('Enter');
  await page.waitForSelector('#steps .step', { timeout: WAIT });
  const stepLabel = await text(page, '#steps .step .step-label');
  ok(/Identity check/.test(stepLabel), 'progress shows the identity check step', stepLabel);
  await waitReport(page);
  ok(/[?&]q=127\.0\.0\.5/.test(page.url()), 'the address bar holds the query (shareable link)', page.url());
  ok(/done/.test(await text(page, '#steps .step .step-state')), 'the step is marked done with its time',
    await text(page, '#steps .step'));
  const verdict = await text(page, '.verdict-title');
  ok(verdict === 'Problems found', 'verdict: Problems found', verdict, `after ${Date.now() - t0} ms`);
  const nodes = await allText(page, '.chain-links .chain-node');
  ok(nodes.length === 3 && /127\.0\.0\.5/.test(nodes[0]), 'chain node 1 is the IP address', JSON.stringify(nodes));
  ok(/PTR NAME broken\.example\.test/i.test(nodes[1] || ''), 'chain node 2 is the PTR name broken.example.test', nodes[1]);
  ok(/127\.0\.0\.99/.test(nodes[2] || '') && /does not contain 127\.0\.0\.5/.test(nodes[2] || ''),
    'chain node 3: the A record 127.0.0.99, which does not contain the address', nodes[2]);
  const links = await allText(page, '.chain-links .chain-link');
  ok(links.length === 2 && /found/.test(links[0]) && /does not lead back/.test(links[1]),
    'the links say which one is broken: PTR found, A does not lead back', JSON.stringify(links));
  ok(await q(page, '.chain-links .chain-link.link-bad').count() === 1, 'exactly one link is drawn broken');
  const names = await allText(page, '.chain-names .chain-name');
  ok(names.some((x) => /SMTP BANNER broken\.example\.test/i.test(x)) && names.some((x) => /EHLO NAME broken\.example\.test/i.test(x)),
    'beside the chain: the banner and EHLO names', JSON.stringify(names));
  ok(/second link/.test(await text(page, '.chain-caption')), 'the caption names the broken link',
    await text(page, '.chain-caption'));
  await page.waitForFunction(() => document.getElementById('status').textContent !== '', null, { timeout: 3000 }).catch(() => {});
  ok(/^Report ready\. Problems found/.test(await text(page, '#status')),
    'the live region announced the result', await text(page, '#status'));
  const f = page.locator('li.finding[data-code="iprev.fail"]');
  ok(await f.count() === 1 && await f.locator('details').evaluate((d) => d.open),
    'the failing finding iprev.fail is shown open');
  ok(/Forward confirmation failed/.test(await f.locator('.finding-title').innerText()), 'its title is shown');
  ok(/Receivers that verify reverse DNS/.test(await f.locator('.finding-explanation').innerText()), 'its explanation is shown');
  const steps = await f.locator('.fix-step').allInnerTexts();
  ok(steps.some((s) => /Publish A broken\.example\.test -> 127\.0\.0\.5/.test(s)), 'its fix says what to publish', JSON.stringify(steps));
  ok(/reject_unknown_client_hostname/.test(await f.locator('.trips').innerText()), 'it names the receiver rules it trips');
  ok(/A 127\.0\.0\.99/.test(await f.locator('.evidence').innerText()), 'its evidence is shown');
  // The copy button, by keyboard.
  const copy = f.locator('button.btn-copy');
  await copy.focus();
  const copyFocus = await copy.evaluate((b) => getComputedStyle(b).outlineStyle);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /Copied|failed/.test(document.querySelector('li.finding[data-code="iprev.fail"] button.btn-copy').textContent), null, { timeout: 5000 });
  const clip = await page.evaluate(() => navigator.clipboard.readText());
  ok(/^1\. Publish A broken\.example\.test -> 127\.0\.0\.5/.test(clip) && !/`/.test(clip),
    'the copy button puts the fix on the clipboard', JSON.stringify(clip.slice(0, 200)));
  ok(await copy.innerText() === 'Copied', 'the copy button says Copied', await copy.innerText());
  ok(copyFocus !== 'none', 'the focused copy button shows a focus ring', copyFocus);
  const cp = await contrastProblems(page, 'main');
  ok(cp.length === 0, 'light mode: all report text meets WCAG AA contrast', ...cp.slice(0, 8));
  const f1 = await shot(page, 'web-fcrdns-fail.png');

  // ========================================= 3. an aligned server
  phase = 'aligned';
  await page.fill('#q', '127.0.0.2');
  await page.press('#q', 'Enter');
  await waitReport(page);
  ok(await text(page, '.verdict-title') === 'All checks passed' && await q(page, '.finding-list .finding-bad').count() === 0,
    'aligned server: All checks passed, no failing finding',
    await text(page, '.verdict-title'));
  ok(/The chain holds/.test(await text(page, '.chain-caption')) && await q(page, '.chain-link.link-ok').count() === 2,
    'aligned server: both links drawn whole, the caption says the chain holds', await text(page, '.chain-caption'));
  ok(await q(page, '.chain-name.node-ok').count() === 2, 'aligned server: banner and EHLO match the PTR name');

  // ================================ 4. a domain, DNS only (checkbox by keyboard)
  phase = 'domain';
  await page.fill('#q', 'example.test');
  await page.focus('#nosmtp');
  await page.keyboard.press('Space');
  ok(await page.isChecked('#nosmtp'), 'Space ticks the DNS-only checkbox');
  const before = requests.length;
  await page.focus('#q');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('#steps .step').length === 2, null, { timeout: WAIT });
  ok(true, 'a name starts two steps: the identity check and the domain audit');
  await waitReport(page);
  const api = requests.slice(before).filter((u) => u.includes('/api/'));
  ok(api.some((u) => /\/api\/v1\/check\?.*target=example\.test/.test(u) && /no_smtp=true/.test(u)) &&
    api.some((u) => /\/api\/v1\/audit\?.*domain=example\.test/.test(u) && /no_smtp=true/.test(u)),
  'the page asked /api/v1/check and /api/v1/audit with no_smtp=true', ...api);
  ok(await text(page, '.verdict-title') === 'Problems found', 'domain verdict: Problems found', await text(page, '.verdict-title'));
  ok(await text(page, '.grade') === 'F', 'the audit grade is shown', await text(page, '.grade'));
  const fixes = await allText(page, '.top-fix');
  ok(fixes.some((x) => /no SPF record/.test(x)) && await q(page, '.top-fix button.btn-copy').count() === fixes.length,
    'the top fixes are listed, each with a copy button', JSON.stringify(fixes));
  const titles = await allText(page, '.section-title');
  ok(['MX and mail hosts', 'SPF', 'DMARC', 'DKIM', 'Blacklists'].every((t) => titles.includes(t)),
    'the audit sections are shown (MX, SPF, DMARC, DKIM, blacklists)', JSON.stringify(titles));
  ok(/no A or AAAA record of its own/.test(await text(page, '.block-note')),
    'a domain without an address of its own is explained, not failed', await text(page, '.block-note'));
  await page.locator('#section-dmarc').scrollIntoViewIfNeeded();
  await shot(page, 'web-domain.png');
  await page.uncheck('#nosmtp');

  // ============================= 5. a new run cancels the old one; Cancel
  phase = 'cancel';
  await page.fill('#q', '127.0.0.13');        // a silent SMTP peer: slow
  await page.press('#q', 'Enter');
  await page.waitForSelector('#steps .step.is-running', { timeout: WAIT });
  await page.fill('#q', '127.0.0.2');
  await page.press('#q', 'Enter');
  await waitReport(page);
  const addrTitles = await allText(page, '.address-title');
  ok(addrTitles.length === 1 && /^127\.0\.0\.2/.test(addrTitles[0]) && await text(page, '.verdict-title') === 'All checks passed',
    'a new check replaces the one still running', JSON.stringify(addrTitles));
  await page.fill('#q', '127.0.0.13');
  await page.press('#q', 'Enter');
  await page.waitForSelector('#steps .step.is-running', { timeout: WAIT });
  await page.getByRole('button', { name: 'Cancel' }).click();
  ok(/cancelled/.test(await text(page, '#steps .step')) && await text(page, '.verdict-title') === 'Cancelled',
    'Cancel stops the check and says so', await text(page, '#steps .step'), await text(page, '.verdict-title'));

  // ============================================ 6. errors from the server
  phase = 'errors';
  await page.fill('#q', 'http://mail.example.test/path');
  await page.press('#q', 'Enter');
  await waitReport(page);
  ok(!(await page.isHidden('#error')) && /not something mxdiag can check/.test(await text(page, '#error-title')),
    'a URL is answered with a clear "not something mxdiag can check" message', await text(page, '#error'));
  ok(await page.locator('#error[role=alert]').count() === 1, 'the error is an alert (announced)');
  await shot(page, 'web-error-bad-request.png', false);
  await page.fill('#q', '');
  await page.press('#q', 'Enter');
  ok(/Type a domain/.test(await text(page, '#input-error')) && await page.getAttribute('#q', 'aria-invalid') === 'true',
    'an empty input is refused in the page, next to the field');

  if (STRICT) {
    const sp = watch(await context.newPage());
    await sp.goto(STRICT + '/?q=127.0.0.2');
    await waitReport(sp);
    const et = await text(sp, '#error-title');
    const em = await text(sp, '#error-message');
    ok(/refused/i.test(et) && em.length > 0, 'a loopback target on a server without --allow-private: "refused", with the reason', et, em);
    await shot(sp, 'web-error-refused.png', false);
    // That server allows one API request a minute: the next is a 429.
    await sp.fill('#q', '127.0.0.3');
    await sp.press('#q', 'Enter');
    await waitReport(sp);
    const rl = await text(sp, '#error');
    ok(/Too many requests/.test(rl) && /retry in \d+ seconds?/.test(rl) && await sp.isHidden('#retry'),
      '429: "too many requests", when to retry (Retry-After), no Retry button before then', rl);
    await collectCsp(sp);
    await sp.close();
  } else {
    skip('a refused target shows the reason', 'STRICT_URL not set');
    skip('429 says when to retry', 'STRICT_URL not set');
  }

  // 503 busy with Retry-After, then a working retry (answer intercepted in
  // the page: the real server is rarely busy on demand).
  let busy = true;
  await page.route('**/api/v1/check*', (route) => (busy
    ? route.fulfill({ status: 503, headers: { 'Retry-After': '2', 'Content-Type': 'application/json' },
      body: JSON.stringify({ error: { code: 'busy', message: 'all check slots are in use' } }) })
    : route.fallback()));
  await page.fill('#q', '127.0.0.2');
  await page.press('#q', 'Enter');
  await waitReport(page);
  const busyText = await text(page, '#error');
  ok(/busy/.test(busyText) && /retry in 2 seconds/.test(busyText), '503: "busy", and when to retry (Retry-After)', busyText);
  busy = false;
  await page.waitForSelector('#retry:visible', { timeout: 6000 });
  await page.click('#retry');
  await waitReport(page);
  ok(await text(page, '.verdict-title') === 'All checks passed' && await page.isHidden('#error'),
    'the Retry button runs the check again once the wait is over', await text(page, '.verdict-title'));
  await page.unroute('**/api/v1/check*');

  // ============================ 7. hostile text from DNS/SMTP stays text
  phase = 'hostile';
  const evil = '<img src=x id=pwned onerror="window.__pwned=1">';
  const doc = JSON.parse(await (await page.request.get(BASE + '/api/v1/check?no_smtp=true&target=127.0.0.2')).text());
  const a = doc.targets[0].addresses[0];
  a.ptr = ['evil' + evil + '.example'];
  a.banner_hostname = evil;
  a.findings[0].title = 'Title ' + evil;
  a.findings[0].remediation = ['Set `' + evil + '` now'];
  await page.route('**/api/v1/check*', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(doc) }));
  await page.fill('#q', '127.0.0.2');
  await page.press('#q', 'Enter');
  await waitReport(page);
  const pwned = await page.evaluate(() => ({ img: !!document.getElementById('pwned'), flag: !!window.__pwned }));
  const shown = await page.locator('#report').innerText();
  ok(!pwned.img && !pwned.flag && shown.includes(evil), 'markup in DNS/SMTP data is shown as text, never parsed',
    JSON.stringify(pwned));
  await page.unroute('**/api/v1/check*');
  await collectCsp(page);
  await page.close();

  // ============================================ 8. a phone, dark mode
  phase = 'phone';
  const phone = watch(await context.newPage());
  await phone.setViewportSize({ width: 360, height: 740 });
  await phone.goto(`${BASE}/?q=127.0.0.5&port=${SMTP_PORT}`);
  await waitReport(phone);
  ok(await text(phone, '.verdict-title') === 'Problems found', 'phone: a shared link runs the check on load');
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth);
  ok(overflow <= 360, 'phone: nothing wider than the 360 px screen', `scrollWidth ${overflow}`);
  const boxes = await phone.locator('.chain-links > li').evaluateAll((ls) => ls.map((l) => l.getBoundingClientRect().top));
  ok(boxes.length === 5 && boxes.every((y, i) => i === 0 || y > boxes[i - 1]), 'phone: the chain is drawn top to bottom', JSON.stringify(boxes));
  const tap = await phone.locator('#go').boundingBox();
  ok(tap && tap.height >= 40, 'phone: the Check button is a comfortable tap target', JSON.stringify(tap));
  await shot(phone, 'web-phone.png', false);
  await shot(phone, 'web-phone-full.png');
  await phone.emulateMedia({ colorScheme: 'dark' });
  await phone.setViewportSize({ width: 1100, height: 900 });
  const dark = await phone.evaluate(() => getComputedStyle(document.body).backgroundColor);
  ok(dark !== 'rgb(244, 246, 248)' && dark !== 'rgb(255, 255, 255)', 'dark mode follows prefers-color-scheme', dark);
  const cpd = await contrastProblems(phone, 'main');
  ok(cpd.length === 0, 'dark mode: all report text meets WCAG AA contrast', ...cpd.slice(0, 8));
  await shot(phone, 'web-dark.png', false);
  await collectCsp(phone);
  await phone.close();

  // ============================================ 9. what happened overall
  phase = 'end';
  ok(offsite.length === 0, 'no request left 127.0.0.1', ...offsite.slice(0, 10));
  ok(requests.some((u) => u.endsWith('/app.js')) && requests.some((u) => u.endsWith('/app.css')),
    'the page loaded its own script and stylesheet');
  const expected = /Failed to load resource: the server responded with a status of (400|422|429|503)/;
  const bad = consoleErrors.filter((e) => !(e.phase === 'errors' && expected.test(e.text)));
  ok(bad.length === 0, 'no console errors (besides the expected 4xx/5xx answers)',
    ...bad.slice(0, 10).map((e) => `[${e.phase}] ${e.text} ${e.url}`));
  ok(cspViolations.length === 0, 'no Content-Security-Policy violations', ...cspViolations.slice(0, 10));
  console.log(`# screenshots in ${SHOTS}: ${path.basename(f1)} and others`);
} catch (e) {
  ok(false, `the test ran to the end (phase ${phase})`, e && e.stack ? e.stack : e);
} finally {
  await context.close().catch(() => {});
  fs.rmSync(profile, { recursive: true, force: true });
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
