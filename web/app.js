// SPDX-License-Identifier: MIT
// mxdiag web page: asks the JSON API of `mxdiag serve` and draws the report.
// Every string that comes from the server (and so from DNS and SMTP peers,
// i.e. hostile input) is put on the page with textContent or as a Text
// node, never as HTML. No external requests; no inline styles (the CSP
// forbids them): presentation is done with classes only.
'use strict';

(function () {
  const API = '/api/v1/';

  // ---------------------------------------------------------------- helpers
  const $ = (id) => document.getElementById(id);

  // el('p', 'class names', child, child...): children are nodes or strings
  // (strings become Text nodes, never markup).
  function el(tag, cls, ...kids) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    for (const k of kids) {
      if (k === null || k === undefined || k === false) continue;
      e.append(typeof k === 'string' || typeof k === 'number' ? String(k) : k);
    }
    return e;
  }
  const str = (v) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
  const arr = (v) => (Array.isArray(v) ? v : []);
  const obj = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? v : null);
  const normName = (n) => str(n).toLowerCase().replace(/\.$/, '');
  const plural = (n, one, many) => n + ' ' + (n === 1 ? one : many || one + 's');

  // Finding statuses: display order (worst first), label, style class, icon.
  const STATUS = {
    fail:      { order: 0, label: 'Fail', cls: 'bad', icon: '\u2715' },
    permerror: { order: 1, label: 'Error', cls: 'bad', icon: '\u2715' },
    warning:   { order: 2, label: 'Warning', cls: 'warn', icon: '!' },
    temperror: { order: 3, label: 'Could not check', cls: 'temp', icon: '?' },
    info:      { order: 4, label: 'Info', cls: 'info', icon: 'i' },
    skipped:   { order: 5, label: 'Not checked', cls: 'skip', icon: '\u2013' },
    pass:      { order: 6, label: 'Pass', cls: 'ok', icon: '\u2713' },
  };
  const statusOf = (s) => STATUS[s] || { order: 7, label: str(s) || 'Unknown', cls: 'skip', icon: '\u2013' };
  const PROBLEM = new Set(['fail', 'permerror', 'warning', 'temperror']);

  function badge(status, text) {
    const st = statusOf(status);
    return el('span', 'badge badge-' + st.cls,
      el('span', 'badge-icon', st.icon), text || st.label);
  }

  const MTA_NAMES = {
    postfix: 'Postfix', exim: 'Exim', opensmtpd: 'OpenSMTPD', exchange: 'Microsoft Exchange',
    sendmail: 'Sendmail', qmail: 'qmail', halon: 'Halon', hmailserver: 'hMailServer',
    mdaemon: 'MDaemon', zimbra: 'Zimbra', google: 'Google', microsoft365: 'Microsoft 365',
  };
  const GENERIC = {
    cloud_default: 'the provider\'s default name', embedded_ip: 'the address is embedded in it',
    pool_keyword: 'it reads like a dynamic address pool',
  };
  const ENGINE_NAMES = {
    postfix: 'Postfix', rspamd: 'rspamd', spamassassin: 'SpamAssassin',
    'mailbox-providers': 'Large mailbox providers', dmarc: 'DMARC',
  };

  // ------------------------------------------------------- copy to clipboard
  let copyArea = null;
  function fallbackCopy(text) {
    if (!copyArea) {
      copyArea = el('textarea', 'copy-area');
      copyArea.setAttribute('aria-hidden', 'true');
      copyArea.setAttribute('tabindex', '-1');
      copyArea.readOnly = true;
      document.body.append(copyArea);
    }
    const active = document.activeElement;
    copyArea.value = text;
    copyArea.select();
    let ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    if (active && active.focus) active.focus();
    return ok;
  }
  async function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      try { await navigator.clipboard.writeText(text); return true; } catch (e) { /* fall back */ }
    }
    return fallbackCopy(text);
  }
  function copyButton(getText, label, what) {
    const b = el('button', 'btn btn-copy', label);
    b.type = 'button';
    if (what) b.setAttribute('aria-label', label + ': ' + what);
    let timer = null;
    b.addEventListener('click', async () => {
      const ok = await copyText(getText());
      b.textContent = ok ? 'Copied' : 'Copy failed';
      b.classList.toggle('is-copied', ok);
      announce(ok ? 'Copied to the clipboard.' : 'Could not copy: select the text and copy it by hand.');
      clearTimeout(timer);
      timer = setTimeout(() => { b.textContent = label; b.classList.remove('is-copied'); }, 2000);
    });
    return b;
  }

  // Text with `code` spans (as mxdiag writes remediation) -> nodes.
  function richText(text) {
    const frag = document.createDocumentFragment();
    const parts = str(text).split('`');
    if (parts.length % 2 === 0) { frag.append(str(text)); return frag; } // unbalanced: plain
    parts.forEach((p, i) => {
      if (!p) return;
      frag.append(i % 2 ? el('code', null, p) : p);
    });
    return frag;
  }
  // A host name with a break opportunity after each dot (Text + <wbr>).
  function breakable(text) {
    const frag = document.createDocumentFragment();
    str(text).split(/(?<=[.:,])/).forEach((part, i) => {
      if (i) frag.append(document.createElement('wbr'));
      frag.append(part);
    });
    return frag;
  }
  const plainText = (text) => str(text).replace(/`/g, '');

  // ------------------------------------------------------------ live status
  let announceTimer = null;
  function announce(msg) {
    const s = $('status');
    clearTimeout(announceTimer);
    s.textContent = '';
    announceTimer = setTimeout(() => { s.textContent = msg; }, 50);
  }

  // ------------------------------------------------------------------ input
  const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
  function isIPv6(s) { return /^[0-9a-f:.]+$/i.test(s) && (s.match(/:/g) || []).length >= 2; }
  function isIP(s) { return IPV4.test(s) || isIPv6(s); }

  // classify(text) -> { kind: 'address'|'server'|'name', target, note } or { error }
  function classify(raw) {
    let s = str(raw).trim();
    if (!s) return { error: 'Type a domain, an IP address or a mail server name.' };
    let note = null;
    if (!/[/\s:]/.test(s) && s.indexOf('@') > 0) {
      const domain = s.slice(s.lastIndexOf('@') + 1);
      if (domain) { note = 'Checking the domain of the e-mail address you typed: ' + domain; s = domain; }
    }
    if (/^[^/\s]+\.$/.test(s) && !isIP(s)) s = s.slice(0, -1);
    if (isIP(s)) return { kind: 'address', target: s, note };
    let m = /^\[([0-9a-f:.]+)\]:(\d{1,5})$/i.exec(s);
    if (m && isIPv6(m[1])) return { kind: 'address', target: s, note };
    m = /^([^:/\s]+):(\d{1,5})$/.exec(s);
    if (m) return { kind: IPV4.test(m[1]) ? 'address' : 'server', target: s, note };
    return { kind: 'name', target: s, note };
  }

  // ------------------------------------------------------------ API request
  class ApiError extends Error {
    constructor(status, code, message, retryAfter) {
      super(message);
      this.status = status; this.code = code; this.retryAfter = retryAfter;
    }
  }
  async function getJSON(url, signal) {
    let r;
    try {
      r = await fetch(url, { signal, cache: 'no-store', credentials: 'same-origin',
        headers: { Accept: 'application/json' } });
    } catch (e) {
      if (e && e.name === 'AbortError') throw e;
      throw new ApiError(0, 'network', 'The mxdiag server could not be reached.', null);
    }
    let body = null;
    try { body = await r.json(); } catch (e) {
      if (e && e.name === 'AbortError') throw e;
      body = null;
    }
    if (!r.ok) {
      const err = obj(body) && obj(body.error) ? body.error : {};
      let ra = parseInt(r.headers.get('Retry-After') || '', 10);
      if (!(ra >= 0)) ra = null;
      throw new ApiError(r.status, str(err.code) || 'http_' + r.status,
        str(err.message) || r.statusText || 'HTTP ' + r.status, ra);
    }
    if (!obj(body)) throw new ApiError(r.status, 'bad_response', 'The server answered with something that is not a report.', null);
    return body;
  }

  // How an API error reads to a person: { title, message, hint, retry }.
  function describeError(e, what) {
    const msg = str(e.message);
    switch (e.status) {
      case 0: return { title: 'No connection to the mxdiag server', message: msg,
        hint: 'Check your network connection, then try again.' };
      case 400: return { title: 'That is not something mxdiag can check', message: msg,
        hint: 'Type a bare domain (example.com), an IP address (192.0.2.10) or a mail server name (mail.example.com): not a URL, not a path.' };
      case 422: return { title: 'This target was refused', message: msg,
        hint: 'This server checks public addresses and names only.' };
      case 404: return { title: 'Not found', message: msg, hint: null };
      case 429: return { title: 'Too many requests', message: msg,
        hint: null, retry: e.retryAfter === null ? 60 : e.retryAfter };
      case 503: return { title: 'The server is busy', message: msg,
        hint: null, retry: e.retryAfter === null ? 30 : e.retryAfter };
      default: return { title: (what ? what + ' failed' : 'The check failed') + ' (HTTP ' + e.status + ')', message: msg, hint: null };
    }
  }

  // ----------------------------------------------------------------- state
  let run = null;          // the current run
  let runSeq = 0;
  let retryTimer = null;

  function stepItem(label) {
    const li = el('li', 'step is-running');
    const icon = el('span', 'step-icon');
    icon.setAttribute('aria-hidden', 'true');
    const state = el('span', 'step-state', 'running');
    const time = el('span', 'step-time', '0 s');
    li.append(icon, el('span', 'step-label', label), state, time);
    $('steps').append(li);
    const t0 = performance.now();
    const tick = setInterval(() => {
      time.textContent = Math.floor((performance.now() - t0) / 1000) + ' s';
    }, 1000);
    return {
      finish(cls, text) {
        clearInterval(tick);
        const secs = (performance.now() - t0) / 1000;
        time.textContent = (secs < 10 ? secs.toFixed(1) : Math.round(secs)) + ' s';
        li.classList.remove('is-running');
        li.classList.add('is-' + cls);
        state.textContent = text;
      },
      stop() { clearInterval(tick); },
    };
  }

  function cancelRun(reason) {
    if (!run) return;
    const r = run;
    run = null;
    r.controller.abort();
    for (const s of r.steps) if (s.pending) { s.pending = false; s.item.finish('cancelled', 'cancelled'); }
    if (reason) announce(reason);
    $('cancel').hidden = true;
  }

  function hideError() {
    clearInterval(retryTimer);
    $('error').hidden = true;
  }

  function showError(info, onRetry) {
    clearInterval(retryTimer);
    $('error-title').textContent = info.title;
    $('error-message').textContent = info.message;
    const hint = $('error-hint');
    hint.hidden = !info.hint;
    hint.textContent = info.hint || '';
    const retry = $('error-retry');
    const btn = $('retry');
    const cd = $('error-countdown');
    if (info.retry !== undefined && onRetry) {
      retry.hidden = false;
      let left = Math.max(0, Math.round(info.retry));
      const paint = () => {
        if (left > 0) {
          cd.textContent = 'You can retry in ' + plural(left, 'second') + '.';
          btn.hidden = true;
        } else {
          cd.textContent = 'You can retry now.';
          btn.hidden = false;
          clearInterval(retryTimer);
        }
      };
      paint();
      retryTimer = setInterval(() => { left -= 1; paint(); }, 1000);
      btn.onclick = () => { hideError(); onRetry(); };
    } else {
      retry.hidden = true;
    }
    $('error').classList.toggle('alert-temp', info.retry !== undefined);
    $('error').hidden = false;
  }

  // ------------------------------------------------------------- the run
  function start(opts, push) {
    cancelRun(null);
    hideError();
    const c = classify(opts.q);
    const ie = $('input-error');
    if (c.error) {
      ie.textContent = c.error; ie.hidden = false;
      $('q').setAttribute('aria-invalid', 'true');
      $('q').focus();
      return;
    }
    ie.hidden = true;
    $('q').removeAttribute('aria-invalid');

    if (push) {
      const p = new URLSearchParams();
      p.set('q', opts.q.trim());
      if (opts.noSmtp) p.set('no_smtp', 'true');
      if (opts.port) p.set('port', opts.port);
      const url = '?' + p.toString();
      if (location.search !== url) history.pushState(null, '', url);
    }

    const id = ++runSeq;
    const controller = new AbortController();
    const r = { id, controller, steps: [], c, opts, results: {} };
    run = r;

    $('steps').textContent = '';
    $('progress-title').firstChild.textContent = 'Checking ';
    $('progress-target').textContent = c.target;
    $('progress').hidden = false;
    $('cancel').hidden = false;
    $('intro').hidden = true;
    document.body.classList.add('has-report');

    const report = $('report');
    report.textContent = '';
    report.hidden = false;
    const view = buildReportShell(r);

    const common = new URLSearchParams();
    if (opts.noSmtp) common.set('no_smtp', 'true');

    const jobs = [];
    // The identity check: always.
    const cp = new URLSearchParams(common);
    cp.set('target', c.target);
    if (opts.port) cp.set('port', opts.port);
    jobs.push({ key: 'check', label: 'Identity check (PTR, A/AAAA' + (opts.noSmtp ? ')' : ', SMTP)'),
      url: API + 'check?' + cp.toString() });
    // A name also gets the domain audit.
    if (c.kind === 'name') {
      const ap = new URLSearchParams(common);
      ap.set('domain', c.target);
      if (opts.port) ap.set('port', opts.port);
      jobs.push({ key: 'audit', label: 'Domain audit (MX, SPF, DMARC, DKIM\u2026)',
        url: API + 'audit?' + ap.toString() });
    }
    r.jobs = jobs;
    view.setLinks(jobs);
    announce('Checking ' + c.target + '\u2026');

    const done = jobs.map((job) => {
      const s = { item: stepItem(job.label), pending: true };
      r.steps.push(s);
      return getJSON(job.url, controller.signal).then((doc) => {
        if (run !== r) return;
        s.pending = false;
        s.item.finish('done', 'done');
        r.results[job.key] = { doc };
        view.show(job.key, doc);
      }, (err) => {
        if (run !== r || (err && err.name === 'AbortError')) return;
        s.pending = false;
        s.item.finish('failed', 'failed');
        r.results[job.key] = { error: err };
        view.showError(job.key, err);
      });
    });
    Promise.all(done).then(() => {
      if (run !== r) return;
      $('cancel').hidden = true;
      $('progress-title').firstChild.textContent = 'Checked ';
      finish(r, view);
      run = null;
    });
  }

  function finish(r, view) {
    const errors = r.jobs.map((j) => r.results[j.key]).filter((x) => x && x.error);
    if (errors.length === r.jobs.length) {
      // Nothing to show: one clear message (the first; they are usually the same).
      const e = errors[0].error;
      const info = describeError(e);
      $('report').hidden = true;
      $('report').textContent = '';
      showError(info, e.status === 429 || e.status === 503 || e.status === 0
        ? () => start(r.opts, false) : null);
      announce(info.title + '. ' + info.message);
      return;
    }
    const v = view.verdict();
    announce('Report ready. ' + v.title + '. ' + v.detail);
  }

  // ------------------------------------------------------- counting findings
  function countFindings(list, acc) {
    for (const f of arr(list)) {
      const s = obj(f) ? f.status : null;
      if (s === 'fail' || s === 'permerror') acc.failures++;
      else if (s === 'warning') acc.warnings++;
      else if (s === 'temperror') acc.temperrors++;
    }
    return acc;
  }
  function checkCounts(doc) {
    const acc = { failures: 0, warnings: 0, temperrors: 0 };
    for (const t of arr(doc.targets)) {
      countFindings(t.findings, acc);
      for (const a of arr(t.addresses)) countFindings(a.findings, acc);
    }
    return acc;
  }
  // A name with no address of its own (a mail domain whose MX hosts have
  // other names) is not a problem in itself when the audit ran.
  function checkHasNoAddress(doc) {
    const t = arr(doc.targets);
    return t.length > 0 && t.every((x) => arr(x.addresses).length === 0 &&
      arr(x.findings).some((f) => f && (f.code === 'target.no_address' || f.code === 'target.nxdomain')));
  }

  // -------------------------------------------------------------- the report
  function buildReportShell(r) {
    const report = $('report');
    const verdictBox = el('section', 'verdict card verdict-pending');
    verdictBox.setAttribute('aria-labelledby', 'verdict-title');
    const vTitle = el('h2', 'verdict-title', 'Checking ' + r.c.target + '\u2026');
    vTitle.id = 'verdict-title';
    vTitle.setAttribute('tabindex', '-1');
    const vDetail = el('p', 'verdict-detail', 'The report appears here as each check finishes.');
    const vParts = el('ul', 'verdict-parts');
    verdictBox.append(vTitle, vDetail, vParts);
    if (r.c.note) verdictBox.append(el('p', 'verdict-note', r.c.note));
    report.append(verdictBox);

    const slots = {};
    const checkSlot = el('div', 'slot');
    report.append(checkSlot);
    slots.check = checkSlot;
    if (r.c.kind === 'name') {
      const auditSlot = el('div', 'slot');
      report.append(auditSlot);
      slots.audit = auditSlot;
    }
    const links = el('p', 'raw-links');
    report.append(links);

    const parts = {};
    function setPart(key, status, text) {
      if (!parts[key]) {
        parts[key] = el('li', 'verdict-part');
        vParts.append(parts[key]);
      }
      const li = parts[key];
      li.textContent = '';
      li.append(badge(status, statusOf(status).label), el('span', null, text));
    }

    const api = {
      setLinks(jobs) {
        links.textContent = '';
        links.append('Raw JSON: ');
        jobs.forEach((j, i) => {
          if (i) links.append(' \u00b7 ');
          const a = el('a', null, j.key === 'check' ? 'identity check' : 'domain audit');
          a.href = j.url;
          links.append(a);
        });
      },
      show(key, doc) {
        const slot = slots[key];
        slot.textContent = '';
        if (key === 'check') {
          const noAddr = r.c.kind === 'name' && checkHasNoAddress(doc);
          slot.append(renderCheck(doc, r, noAddr));
          let code = doc.summary && doc.summary.exit_code;
          const k = checkCounts(doc);
          if (k.failures || k.warnings) code = 1;
          if (!noAddr) setPart('check', code === 1 ? (k.failures ? 'fail' : 'warning') : exitStatus(code), 'Identity: ' + identityLine(doc));
          if (doc.version) $('version').textContent = ' ' + str(doc.version);
        } else {
          slot.append(renderAudit(doc));
          const s = obj(doc.summary) || {};
          const ac = combine(doc.exit_code, (s.failures | 0) || (s.warnings | 0) ? 1 : 0);
          setPart('audit', ac === 1 ? ((s.failures | 0) ? 'fail' : 'warning') : exitStatus(ac), 'Domain audit: grade ' + str(s.grade) +
            (s.complete === false ? ' (provisional)' : '') + ', ' + countLine(s));
        }
        this.verdict(true);
      },
      showError(key, err) {
        const slot = slots[key];
        slot.textContent = '';
        const info = describeError(err, key === 'check' ? 'The identity check' : 'The domain audit');
        const box = el('section', 'alert card alert-inline' + (info.retry !== undefined ? ' alert-temp' : ''));
        box.append(el('h2', 'alert-title', (key === 'check' ? 'Identity check: ' : 'Domain audit: ') + info.title),
          el('p', 'alert-message', info.message));
        if (info.hint) box.append(el('p', 'alert-hint', info.hint));
        if (info.retry !== undefined) box.append(el('p', 'alert-hint', 'Retry in ' + plural(info.retry, 'second') + '.'));
        slot.append(box);
        setPart(key, 'temperror', (key === 'check' ? 'Identity check' : 'Domain audit') + ': ' + info.title);
        this.verdict(true);
      },
      // verdict(partial): paint the verdict from what has arrived.
      verdict(partial) {
        let code = null;
        const acc = { failures: 0, warnings: 0, temperrors: 0 };
        let pending = 0;
        let failedJobs = 0;
        for (const j of r.jobs) {
          const res = r.results[j.key];
          if (!res) { pending++; continue; }
          if (res.error) { failedJobs++; continue; }
          let c;
          if (j.key === 'check') {
            const audit = r.results.audit;
            if (r.c.kind === 'name' && checkHasNoAddress(res.doc) && audit && audit.doc) continue;
            c = res.doc.summary ? res.doc.summary.exit_code : null;
            const k = checkCounts(res.doc);
            acc.failures += k.failures; acc.warnings += k.warnings; acc.temperrors += k.temperrors;
            // A definite problem wins over a temporary failure, whatever
            // the exit code says.
            if (k.failures || k.warnings) c = combine(c, 1);
          } else {
            c = res.doc.exit_code;
            const s = obj(res.doc.summary) || {};
            acc.failures += s.failures | 0; acc.warnings += s.warnings | 0; acc.temperrors += s.temperrors | 0;
            if ((s.failures | 0) || (s.warnings | 0)) c = combine(c, 1);
          }
          code = combine(code, c);
        }
        if (failedJobs && code !== 1) code = combine(code, 2);
        let title; let detail; let cls;
        if (pending && partial) {
          verdictBox.className = 'verdict card verdict-pending';
          vTitle.textContent = 'Checking ' + r.c.target + '\u2026';
          vDetail.textContent = 'Some checks are still running; the verdict follows when they finish.';
          return { title: vTitle.textContent, detail: vDetail.textContent };
        }
        if (code === 0) {
          cls = 'ok'; title = 'All checks passed';
          detail = r.c.kind === 'name' ? 'The mail setup of ' + r.c.target + ' holds together.'
            : 'The identity of ' + r.c.target + ' holds together: PTR, A/AAAA' + (r.opts.noSmtp ? '' : ', banner and EHLO') + ' agree.';
        } else if (code === 1) {
          cls = 'bad'; title = 'Problems found';
          detail = [acc.failures ? plural(acc.failures, 'failure') : null,
            acc.warnings ? plural(acc.warnings, 'warning') : null,
            acc.temperrors ? plural(acc.temperrors, 'check') + ' could not be completed' : null]
            .filter(Boolean).join(', ') + '. Each finding below says why it matters and how to fix it.';
        } else if (code === 2) {
          cls = 'temp'; title = 'Could not check everything: retry later';
          detail = 'Some lookups or connections failed temporarily (DNS timeout or SERVFAIL, server unreachable or busy). ' +
            'This is neither a pass nor a failure: nothing wrong was found in what could be checked. Retry in a few minutes.';
        } else {
          cls = 'temp'; title = 'No verdict';
          detail = 'The report could not be read.';
        }
        verdictBox.className = 'verdict card verdict-' + cls;
        vTitle.textContent = title;
        vDetail.textContent = detail;
        return { title, detail };
      },
    };
    return api;
  }

  // exit code -> a status for a badge
  function exitStatus(code) { return code === 0 ? 'pass' : code === 1 ? 'fail' : 'temperror'; }
  // Combine exit codes: a definite problem wins over a temporary failure.
  function combine(a, b) {
    if (b !== 0 && b !== 1 && b !== 2) b = 2;
    if (a === null) return b;
    if (a === 1 || b === 1) return 1;
    if (a === 2 || b === 2) return 2;
    return 0;
  }
  function countLine(s) {
    const p = [plural(s.failures | 0, 'failure'), plural(s.warnings | 0, 'warning')];
    if (s.temperrors) p.push(plural(s.temperrors | 0, 'check') + ' not completed');
    return p.join(', ');
  }
  function identityLine(doc) {
    const addrs = [];
    for (const t of arr(doc.targets)) for (const a of arr(t.addresses)) addrs.push(a);
    if (!addrs.length) return 'no address to check';
    const aligned = addrs.filter((a) => a.aligned === true).length;
    if (addrs.length === 1) {
      const a = addrs[0];
      return str(a.address) + (a.aligned ? ' is aligned' : ' is not aligned') +
        ' (FCrDNS ' + str(a.iprev) + ')';
    }
    return aligned + ' of ' + addrs.length + ' addresses aligned';
  }

  // ------------------------------------------------------------ check view
  function renderCheck(doc, r, noAddr) {
    const sec = el('section', 'block');
    const h = el('h2', 'block-title', 'Mail server identity');
    sec.append(h);
    for (const t of arr(doc.targets)) {
      if (!obj(t)) continue;
      if (noAddr) {
        const note = el('p', 'block-note');
        note.append(str(t.host || t.target) + ' has no A or AAAA record of its own, so it is not itself a mail server; ' +
          'the identity of its mail hosts is checked in the MX section of the domain audit below.');
        sec.append(note);
        continue;
      }
      if (t.kind === 'hostname') sec.append(renderResolution(t));
      if (arr(t.findings).length) sec.append(renderFindings(t.findings, str(t.target)));
      for (const a of arr(t.addresses)) if (obj(a)) sec.append(renderAddress(a, 'h3'));
    }
    return sec;
  }

  function renderResolution(t) {
    const res = obj(t.resolution);
    const p = el('p', 'resolution');
    p.append(el('span', 'mono', str(t.host)));
    const parts = [];
    if (res) {
      for (const k of ['a', 'aaaa']) {
        const l = obj(res[k]);
        if (!l) continue;
        const addrs = arr(l.addresses).map(str);
        parts.push(k.toUpperCase() + ' ' + (addrs.length ? addrs.join(', ') : '(' + str(l.outcome) + ')'));
      }
    }
    p.append(' \u2192 ', el('span', 'mono', parts.join('; ') || 'no lookup'));
    return p;
  }

  // The identity chain of one address, link by link.
  function chainModel(a) {
    const ip = str(a.address);
    const ptrs = arr(a.ptr).map(str);
    const ptrSet = new Set(ptrs.map(normName));
    const pl = obj(a.ptr_lookup) || {};
    const fwd = arr(a.forward).filter(obj);
    const m = { ip, ptrs, links: [], names: [], summary: '', broken: null };

    // Link 1: IP -> PTR
    let ptrNode;
    if (ptrs.length) {
      let note = ptrs.length > 1 ? plural(ptrs.length, 'PTR record') + ' (receivers expect one)' : null;
      const g = obj(a.generic);
      if (g) note = (note ? note + '; ' : '') + 'generic name: ' + (GENERIC[g.kind] || str(g.kind) || 'generic');
      if (g) m.generic = str(g.reason) || 'The PTR name looks generic.';
      const cn = arr(pl.cname_chain);
      if (cn.length) note = (note ? note + '; ' : '') + 'via CNAME ' + cn.map(str).join(' \u2192 ');
      m.links.push({ cls: g ? 'warn' : 'ok', label: 'PTR', state: g ? 'generic' : 'found' });
      ptrNode = { kind: ptrs.length > 1 ? 'PTR names' : 'PTR name', values: ptrs, cls: g ? 'warn' : 'ok', note };
    } else if (pl.temporary || a.iprev === 'temperror') {
      m.links.push({ cls: 'temp', label: 'PTR', state: 'lookup failed' });
      ptrNode = { kind: 'PTR name', values: ['unknown'], cls: 'temp',
        note: 'PTR lookup ' + str(pl.outcome || 'failed') + ': retry later' };
      m.broken = 'The PTR lookup of ' + ip + ' failed temporarily (' + str(pl.outcome) + '): the chain could not be checked. Retry later.';
    } else {
      const z = obj(a.reverse_zone) || obj(pl.zone);
      let note = 'lookup: ' + str(pl.outcome || 'no answer');
      if (z && z.name === '.') note += '; the reverse zone of this block was never delegated (answer from the root)';
      else if (z && z.name) note += '; reverse zone ' + str(z.name) + (z.mname ? ' (' + str(z.mname) + ')' : '');
      m.links.push({ cls: 'bad', label: 'PTR', state: 'missing' });
      ptrNode = { kind: 'PTR name', values: ['no PTR record'], cls: 'bad', note };
      m.broken = 'The chain breaks at the first link: ' + ip + ' has no PTR record.';
    }
    m.nodes = [{ kind: a.family === 'ipv6' ? 'IPv6 address' : 'IP address', values: [ip], cls: 'ok' }, ptrNode];

    // Link 2: PTR name -> A/AAAA (forward confirmation)
    const rr = a.family === 'ipv6' ? 'AAAA' : 'A';
    if (ptrs.length) {
      const confirms = fwd.some((f) => f.confirms === true);
      const temp = !confirms && (a.iprev === 'temperror' || fwd.some((f) => f.temporary));
      const values = [];
      for (const f of fwd) {
        const addrs = arr(f.addresses).map(str);
        const v = addrs.length ? addrs.join(', ') : 'none (' + str(f.outcome) + ')';
        values.push(fwd.length > 1 ? str(f.name) + ': ' + v : v);
      }
      if (!values.length) values.push('not looked up');
      if (confirms) {
        m.links.push({ cls: 'ok', label: rr, state: 'leads back' });
        m.nodes.push({ kind: rr + ' record', values, cls: 'ok', note: 'contains ' + ip + ': forward-confirmed (FCrDNS pass)' });
      } else if (temp) {
        m.links.push({ cls: 'temp', label: rr, state: 'lookup failed' });
        m.nodes.push({ kind: rr + ' record', values, cls: 'temp', note: 'could not be looked up: retry later' });
        m.broken = m.broken || 'The ' + rr + ' lookup of the PTR name failed temporarily: forward confirmation could not be checked. Retry later.';
      } else {
        m.links.push({ cls: 'bad', label: rr, state: 'does not lead back' });
        m.nodes.push({ kind: rr + ' record', values, cls: 'bad', note: 'does not contain ' + ip });
        m.broken = m.broken || 'The chain breaks at the second link: ' + ptrs.join(', ') +
          ' does not resolve back to ' + ip + ' (forward confirmation fails).';
      }
    }

    // Beside the chain: the names the server gives itself.
    const smtp = obj(a.smtp);
    const nameRow = (label, name, fwdLookup) => {
      const row = { kind: label, value: '', cls: 'skip', notes: [] };
      if (!smtp) {
        row.value = 'not checked'; row.notes.push('DNS only: no SMTP connection');
        return row;
      }
      if (!name) {
        if (smtp.status !== 'ok' && (label === 'SMTP banner' || !smtp.ehlo)) {
          row.value = 'no answer';
          row.cls = smtp.temporary ? 'temp' : 'bad';
          row.notes.push('SMTP ' + str(smtp.status) + (smtp.error ? ': ' + str(smtp.error) : ''));
        } else {
          row.value = 'no name given'; row.cls = 'info';
          row.notes.push('the reply names no host (not a mismatch)');
        }
        return row;
      }
      row.value = str(name);
      if (ptrSet.has(normName(name))) { row.cls = 'ok'; row.notes.push('matches the PTR name'); } else if (ptrs.length) {
        row.cls = 'warn'; row.notes.push('differs from the PTR name ' + ptrs[0]);
      } else { row.cls = 'warn'; row.notes.push('no PTR name to match'); }
      const fl = obj(fwdLookup);
      if (fl) {
        if (fl.confirms === true) row.notes.push('resolves to ' + ip);
        else if (fl.temporary) { row.notes.push('its ' + rr + ' lookup failed temporarily'); if (row.cls === 'ok') row.cls = 'temp'; } else {
          row.notes.push('does not resolve to ' + ip);
          row.cls = row.cls === 'ok' ? 'warn' : row.cls;
        }
      }
      return row;
    };
    const banner = nameRow('SMTP banner', a.banner_hostname, a.banner_forward);
    if (smtp && smtp.greeting && arr(smtp.greeting.lines).length) {
      banner.raw = str(smtp.greeting.code) + ' ' + str(arr(smtp.greeting.lines)[0]);
    }
    const sameAsBanner = a.ehlo_hostname && a.banner_hostname && normName(a.ehlo_hostname) === normName(a.banner_hostname);
    const ehlo = nameRow('EHLO name', a.ehlo_hostname, a.ehlo_forward || (sameAsBanner ? a.banner_forward : null));
    if (smtp && smtp.used_helo) ehlo.notes.push('EHLO refused; HELO used');
    m.names = [banner, ehlo];
    if (a.mta && MTA_NAMES[a.mta]) m.mta = MTA_NAMES[a.mta];
    else if (a.mta) m.mta = str(a.mta);

    if (!m.broken) {
      const mism = m.names.filter((n) => n.cls === 'warn' || n.cls === 'bad');
      const temp = m.names.filter((n) => n.cls === 'temp');
      if (mism.length) {
        m.broken = 'Reverse and forward DNS agree, but the server calls itself ' +
          mism.map((n) => n.value).filter((v, i, all) => all.indexOf(v) === i).join(' / ') +
          (ptrs.length ? ', which is not its PTR name ' + ptrs[0] + '.' : '.');
        m.summaryCls = 'warn';
      } else if (temp.length) {
        m.broken = 'DNS agrees, but the SMTP session did not complete (' + str(smtp && smtp.status) +
          '): the banner and EHLO names could not be compared. Retry later.';
        m.summaryCls = 'temp';
      } else if (m.generic) {
        m.broken = 'The chain holds, but the PTR name ' + ptrs[0] + ' is generic. ' + m.generic;
        m.summaryCls = 'warn';
      } else if (!smtp) {
        m.summary = 'Reverse and forward DNS agree (FCrDNS passes). The SMTP names were not checked (DNS only).';
      } else {
        m.summary = 'The chain holds: ' + ip + ' \u2192 ' + ptrs[0] + ' \u2192 ' + ip + ', and the server announces itself by that name.';
      }
    }
    return m;
  }

  function renderChain(a) {
    const m = chainModel(a);
    const fig = el('figure', 'chain');
    const ol = el('ol', 'chain-links');
    ol.setAttribute('aria-label', 'Identity chain of ' + m.ip);
    m.nodes.forEach((n, i) => {
      if (i > 0) {
        const l = m.links[i - 1];
        const li = el('li', 'chain-link link-' + l.cls);
        const arrow = el('span', 'chain-arrow');
        arrow.setAttribute('aria-hidden', 'true');
        li.append(arrow, el('span', 'chain-link-label', l.label),
          el('span', 'chain-link-state', statusOf(clsToStatus(l.cls)).icon + ' ' + l.state));
        ol.append(li);
      }
      const li = el('li', 'chain-node node-' + n.cls);
      li.append(el('span', 'chain-kind', n.kind));
      for (const v of n.values) li.append(el('span', 'chain-value', breakable(v)));
      if (n.note) li.append(el('span', 'chain-note', n.note));
      ol.append(li);
    });
    const names = el('ul', 'chain-names');
    names.setAttribute('aria-label', 'Names the mail server gives itself');
    for (const n of m.names) {
      const li = el('li', 'chain-name node-' + n.cls);
      li.append(el('span', 'chain-kind', n.kind), el('span', 'chain-value', breakable(n.value)));
      for (const note of n.notes) li.append(el('span', 'chain-note', note));
      if (n.raw) li.append(el('span', 'chain-raw', n.raw));
      names.append(li);
    }
    if (m.mta) {
      const li = el('li', 'chain-name node-skip');
      li.append(el('span', 'chain-kind', 'Software'), el('span', 'chain-value', m.mta));
      names.append(li);
    }
    const cap = el('figcaption', 'chain-caption caption-' + (m.broken ? (m.summaryCls || (a.iprev === 'temperror' ? 'temp' : 'bad')) : 'ok'));
    cap.append(m.broken || m.summary);
    fig.append(el('div', 'chain-body', ol, names), cap);
    return fig;
  }
  const clsToStatus = (c) => ({ ok: 'pass', bad: 'fail', warn: 'warning', temp: 'temperror', info: 'info' }[c] || 'skipped');

  function renderAddress(a, hTag) {
    const card = el('article', 'address card');
    const head = el('div', 'address-head');
    const h = el(hTag, 'address-title', str(a.address));
    if (a.port) h.append(el('span', 'address-port', ' port ' + str(a.port)));
    const pills = el('div', 'address-pills');
    const st = arr(a.findings).length ? sectionStatus(a.findings) : a.status;
    pills.append(badge(st), a.aligned === true ? badge('pass', 'Aligned') : badge(a.status === 'temperror' ? 'temperror' : 'warning', 'Not aligned'));
    head.append(h, pills);
    card.append(head, renderChain(a), renderFindings(a.findings, str(a.address)));
    return card;
  }

  // ---------------------------------------------------------------- findings
  function renderFindings(list, context) {
    const items = arr(list).filter(obj).slice();
    items.sort((x, y) => statusOf(x.status).order - statusOf(y.status).order);
    const wrap = el('div', 'findings');
    const problems = items.filter((f) => PROBLEM.has(f.status));
    const others = items.filter((f) => !PROBLEM.has(f.status));
    const ul = el('ul', 'finding-list');
    for (const f of problems) ul.append(renderFinding(f, true, context));
    if (problems.length) wrap.append(ul);
    if (others.length) {
      const d = el('details', 'more-findings');
      const counts = {};
      for (const f of others) counts[f.status] = (counts[f.status] || 0) + 1;
      const label = Object.keys(counts).map((s) => counts[s] + ' ' + statusOf(s).label.toLowerCase()).join(', ');
      d.append(el('summary', null, (problems.length ? 'Other findings: ' : 'Findings: ') + label));
      const ul2 = el('ul', 'finding-list');
      for (const f of others) ul2.append(renderFinding(f, false, context));
      d.append(ul2);
      wrap.append(d);
    }
    if (!items.length) wrap.append(el('p', 'muted', 'No findings.'));
    return wrap;
  }

  function renderFinding(f, open, context) {
    const st = statusOf(f.status);
    const li = el('li', 'finding finding-' + st.cls);
    const d = el('details', 'finding-details');
    d.open = open;
    const sum = el('summary', 'finding-summary');
    sum.append(badge(f.status), el('span', 'finding-title', str(f.title)));
    d.append(sum);
    const body = el('div', 'finding-body');
    if (f.explanation) body.append(el('p', 'finding-explanation', str(f.explanation)));
    const steps = arr(f.remediation).map(str).filter(Boolean);
    if (steps.length) {
      const fix = el('div', 'fix');
      const fh = el('div', 'fix-head');
      fh.append(el('h4', 'fix-title', 'How to fix'));
      const all = steps.length === 1 ? plainText(steps[0])
        : steps.map((s, i) => (i + 1) + '. ' + plainText(s)).join('\n');
      fh.append(copyButton(() => all, 'Copy fix', str(f.title)));
      fix.append(fh);
      const ol = el('ol', 'fix-steps' + (steps.length === 1 ? ' fix-single' : ''));
      for (const s of steps) ol.append(el('li', 'fix-step', richText(s)));
      fix.append(ol);
      body.append(fix);
    }
    const trips = arr(f.trips).filter(obj);
    if (trips.length) {
      body.append(el('h4', 'sub-title', 'What receivers do about it'));
      const ul = el('ul', 'trips');
      for (const t of trips) {
        const li = el('li', 'trip');
        li.append(el('span', 'trip-engine', ENGINE_NAMES[t.engine] || str(t.engine)), ' ',
          el('code', 'trip-rule', str(t.rule)));
        if (t.effect) li.append(el('span', 'trip-effect', str(t.effect)));
        ul.append(li);
      }
      body.append(ul);
    }
    const ev = arr(f.evidence).map(str).filter(Boolean);
    if (ev.length) {
      body.append(el('h4', 'sub-title', 'Evidence'));
      const ul = el('ul', 'evidence');
      for (const e of ev) ul.append(el('li', null, e));
      body.append(ul);
    }
    const refs = arr(f.references).map(str).filter(Boolean);
    const meta = el('p', 'finding-meta');
    meta.append(el('code', 'finding-code', str(f.code)));
    if (refs.length) meta.append(' \u00b7 ', refs.join(' \u00b7 '));
    body.append(meta);
    d.append(body);
    li.append(d);
    if (context) li.setAttribute('data-code', str(f.code));
    return li;
  }

  // ------------------------------------------------------------ audit view
  const SECTION_ORDER = ['mx', 'sending', 'spf', 'dmarc', 'dkim', 'bimi', 'mta_sts', 'tls_rpt', 'blacklists'];

  function worstStatus(list) {
    let w = null;
    for (const f of arr(list)) {
      if (!obj(f)) continue;
      if (w === null || statusOf(f.status).order < statusOf(w).order) w = f.status;
    }
    return w;
  }
  // A section's worst status, where "skipped" and "info" do not outrank pass.
  function sectionStatus(findings) {
    const order = ['fail', 'permerror', 'warning', 'temperror', 'pass', 'info', 'skipped'];
    let best = null;
    for (const f of arr(findings)) {
      if (!obj(f)) continue;
      const i = order.indexOf(f.status);
      if (i >= 0 && (best === null || i < best)) best = i;
    }
    return best === null ? 'skipped' : order[best];
  }

  function renderAudit(doc) {
    const wrap = el('section', 'block');
    wrap.append(el('h2', 'block-title', 'Domain audit of ' + str(doc.domain)));
    const s = obj(doc.summary) || {};
    const sum = el('div', 'audit-summary card');
    const grade = str(s.grade) || '?';
    const g = el('div', 'grade grade-' + grade.charAt(0).toLowerCase());
    g.setAttribute('role', 'img');
    g.setAttribute('aria-label', 'Grade ' + grade);
    g.append(el('span', null, grade));
    const facts = el('div', 'audit-facts');
    facts.append(el('p', 'audit-score', 'Score ' + (s.score | 0) + ' of 100'),
      el('p', 'audit-counts', countLine(s)));
    if (s.complete === false) facts.append(el('p', 'audit-provisional', 'Provisional: some checks could not be completed, so the grade may change when they can.'));
    sum.append(g, facts);
    wrap.append(sum);

    const fixes = arr(s.top_fixes).filter(obj);
    if (fixes.length) {
      const tf = el('section', 'top-fixes card');
      tf.append(el('h3', 'card-title', fixes.length === 1 ? 'The fix that matters most' : 'The ' + fixes.length + ' fixes that matter most'));
      const ol = el('ol', 'top-fix-list');
      for (const f of fixes) {
        const li = el('li', 'top-fix');
        const head = el('div', 'top-fix-head');
        head.append(badge(f.status), el('span', 'top-fix-title', str(f.title)));
        const body = el('div', 'top-fix-body');
        body.append(el('p', 'top-fix-text', richText(f.fix)),
          copyButton(() => plainText(f.fix), 'Copy fix', str(f.title)));
        li.append(head, body);
        ol.append(li);
      }
      tf.append(ol);
      wrap.append(tf);
    }

    const sections = obj(doc.sections) || {};
    const keys = Object.keys(sections);
    keys.sort((x, y) => {
      const a = SECTION_ORDER.indexOf(x); const b = SECTION_ORDER.indexOf(y);
      return (a < 0 ? 99 : a) - (b < 0 ? 99 : b);
    });
    for (const k of keys) {
      const sec = obj(sections[k]);
      if (sec) wrap.append(renderSection(k, sec));
    }
    return wrap;
  }

  function renderSection(key, sec) {
    const card = el('section', 'section card');
    const status = sectionStatus(sec.findings);
    const head = el('div', 'section-head');
    const h = el('h3', 'section-title', str(sec.title) || key);
    h.id = 'section-' + key.replace(/[^a-z0-9_-]/gi, '');
    card.setAttribute('aria-labelledby', h.id);
    head.append(h, badge(status));
    card.append(head);
    const facts = sectionFacts(key, obj(sec.data));
    if (facts) card.append(facts);
    const data = obj(sec.data);
    if ((key === 'mx' || key === 'sending') && data) {
      card.append(renderFindings(sec.findings, key));
      if (key === 'mx') {
        for (const host of arr(data.hosts).filter(obj)) {
          const hb = el('div', 'mx-host');
          const hh = el('h4', 'mx-host-title', str(host.name));
          if (host.preference !== null && host.preference !== undefined) hh.append(el('span', 'mx-pref', ' preference ' + str(host.preference)));
          hb.append(hh);
          if (arr(host.cname_chain).length) hb.append(el('p', 'muted', 'alias of ' + arr(host.cname_chain).map(str).join(' \u2192 ')));
          const addrs = arr(host.addresses).filter(obj);
          if (!addrs.length) hb.append(el('p', 'muted', 'No address to check.'));
          for (const a of addrs) hb.append(renderAddress(a, 'h5'));
          card.append(hb);
        }
      } else {
        for (const a of arr(data.addresses).filter(obj)) card.append(renderAddress(a, 'h4'));
      }
    } else {
      card.append(renderFindings(sec.findings, key));
    }
    return card;
  }

  // A few facts per section, from its data (all optional).
  function sectionFacts(key, d) {
    if (!d) return null;
    const rows = [];
    const add = (k, v, mono) => { if (v !== null && v !== undefined && v !== '') rows.push([k, str(v), mono]); };
    switch (key) {
      case 'mx': {
        const hosts = arr(d.hosts).filter(obj);
        if (d.null_mx) add('MX', 'null MX: the domain accepts no mail');
        else if (d.implicit) add('MX', 'none: mail goes to the domain\'s own address');
        else if (hosts.length) add('MX', hosts.map((h) => (h.preference !== null && h.preference !== undefined ? h.preference + ' ' : '') + str(h.name)).join(', '), true);
        break;
      }
      case 'spf': {
        const t = obj(d.tree);
        if (t && t.record) add('Record', t.record, true);
        if (typeof d.lookups === 'number') add('DNS lookups', d.lookups + ' of ' + (d.lookup_limit || 10));
        if (d.ip) add('Result for ' + str(d.ip), d.result);
        break;
      }
      case 'dmarc':
        add('Record', d.record, true);
        if (obj(d.applied_policy)) add('Policy applied', d.applied_policy.policy);
        break;
      case 'dkim': {
        const found = arr(d.selectors).filter((x) => obj(x) && x.found);
        if (found.length) {
          add('Keys', found.map((x) => str(x.selector) + (x.key_type ? ' (' + str(x.key_type) + (x.bits ? ' ' + x.bits + ' bits' : '') + ')' : '')).join(', '));
        } else if (arr(d.selectors).length) {
          add('Selectors tried', String(arr(d.selectors).length));
        }
        break;
      }
      case 'bimi':
        add('Record', d.record, true);
        break;
      case 'mta_sts':
        add('Policy', d.policy_url, true);
        if (d.http_status) add('HTTP status', d.http_status);
        add('Error', d.error);
        break;
      case 'blacklists': {
        const s = obj(d.summary);
        if (s) add('Listed', (s.listed_targets | 0) + ' of ' + plural(s.targets | 0, 'target') + ' on ' + plural(s.lists | 0, 'list') + ' asked');
        break;
      }
      default:
        if (typeof d.record === 'string') add('Record', d.record, true);
    }
    if (!rows.length) return null;
    const dl = el('dl', 'facts');
    for (const [k, v, mono] of rows) {
      dl.append(el('dt', null, k), el('dd', mono ? 'mono' : null, v));
    }
    return dl;
  }

  // ------------------------------------------------------------------- wiring
  function readForm() {
    return { q: $('q').value, noSmtp: $('nosmtp').checked, port: $('port').value.trim() };
  }
  function fillForm(p) {
    $('q').value = p.get('q') || '';
    $('nosmtp').checked = p.get('no_smtp') === 'true';
    $('port').value = p.get('port') || '';
  }

  function init() {
    const form = $('form');
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const o = readForm();
      if (o.port && !/^\d{1,5}$/.test(o.port)) {
        const ie = $('input-error');
        ie.textContent = 'The SMTP port must be a number (for example 25 or 587).';
        ie.hidden = false;
        $('port').setAttribute('aria-invalid', 'true');
        $('port').focus();
        return;
      }
      $('port').removeAttribute('aria-invalid');
      start(o, true);
    });
    $('q').addEventListener('input', () => {
      if ($('q').getAttribute('aria-invalid')) { $('q').removeAttribute('aria-invalid'); $('input-error').hidden = true; }
    });
    $('cancel').addEventListener('click', () => {
      cancelRun('Cancelled.');
      const v = $('verdict-title');
      if (v && $('report').querySelector('.verdict-pending')) {
        v.textContent = 'Cancelled';
        const d = $('report').querySelector('.verdict-detail');
        if (d) d.textContent = 'The check was cancelled; what had finished is shown below.';
      }
      $('q').focus();
    });
    document.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape' && run) { $('cancel').click(); }
    });
    window.addEventListener('popstate', () => {
      const p = new URLSearchParams(location.search);
      fillForm(p);
      if (p.get('q')) start(readForm(), false);
      else {
        cancelRun(null); $('report').hidden = true; $('progress').hidden = true; hideError();
        $('intro').hidden = false; document.body.classList.remove('has-report');
      }
    });
    const p = new URLSearchParams(location.search);
    if (p.get('q')) { fillForm(p); start(readForm(), false); }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
