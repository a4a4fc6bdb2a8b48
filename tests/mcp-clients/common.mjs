// SPDX-License-Identifier: MIT
// What both official-client scripts share: TAP output, the server command
// line, and the checks themselves. Each script (sdk1.mjs, client2.mjs)
// supplies a connect() that builds its SDK's Client over its SDK's
// StdioClientTransport; everything the server is asked goes through that
// client's public API, so what the SDK validates is what is tested.
//
// Environment: MXDIAG (the binary, required), MXDIAG_RESOLVER (DNS server,
// default 127.0.0.1:5353; always passed: never the system resolver).

export const MXDIAG = process.env.MXDIAG;
export const RESOLVER = process.env.MXDIAG_RESOLVER || '127.0.0.1:5353';
// The silent peer of the test world: accepts, never greets.
const SILENT = '127.0.0.13';
// The budget of each SMTP phase, short so the cancelled call finishes
// (and would answer, if the server did not drop it) while we watch.
const TIMEOUT_S = 2;

const TOOLS = ['audit_domain', 'check_bimi', 'check_blacklists', 'check_dkim', 'check_dmarc',
    'check_identity', 'check_spf'];

let n = 0;
let failed = 0;

export function ok(cond, desc, ...diag) {
	n++;
	if (cond) {
		console.log(`ok ${n} - ${desc}`);
		return true;
	}
	failed++;
	console.log(`not ok ${n} - ${desc}`);
	for (const d of diag)
		for (const line of String(d).split('\n').slice(0, 12))
			console.log(`#   ${line}`);
	return false;
}

export function finish() {
	console.log(`1..${n}`);
	process.exitCode = failed ? 1 : 0;
}

// The server's command line: the resolver is always explicit.
export function serverArgs(allowPrivate) {
	const args = ['mcp', '--resolver', RESOLVER, '--timeout', String(TIMEOUT_S),
	    '--ehlo', 'checker.example.test'];
	if (allowPrivate)
		args.push('--allow-private');
	return args;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const text = (r) => (r?.content ?? []).filter((c) => c.type === 'text')
    .map((c) => c.text).join('\n');
const show = (v) => JSON.stringify(v)?.slice(0, 600);

// Run fn; a throw is a failed check with the error, not a crash.
async function attempt(desc, fn) {
	try {
		return await fn();
	} catch (e) {
		ok(false, desc, `threw: ${e?.stack ?? e}`);
		return undefined;
	}
}

// The error code of a rejected request (ProtocolError/McpError), or null.
async function rejection(p) {
	try {
		const r = await p;
		return { resolved: r };
	} catch (e) {
		return { error: e, code: e?.code };
	}
}

/*
 * The checks. conn = await connect(args, onerror) returns { client,
 * close(), stderr() }; onerror receives what the SDK reports out of band
 * (a response for an unknown id among them). describe(client) returns
 * the era checks of this SDK (an array of [cond, desc, diag]);
 * extra(conn), when given, runs more checks on the first connection
 * before it closes.
 */
export async function runChecks(name, connect, describe, extra) {
	if (!MXDIAG) {
		console.log('1..0 # SKIP MXDIAG is not set');
		return;
	}
	const sdkErrors = [];
	const conn = await attempt(`${name}: connect`, () =>
	    connect(serverArgs(true), (e) => sdkErrors.push(String(e?.message ?? e))));
	if (conn === undefined) {
		finish();
		return;
	}
	const { client } = conn;
	ok(true, `${name}: connected`);
	for (const [cond, desc, diag] of describe(client))
		ok(cond, `${name}: ${desc}`, diag);

	const list = await attempt(`${name}: tools/list`, () => client.listTools());
	if (list !== undefined) {
		const names = list.tools.map((t) => t.name).sort();
		ok(JSON.stringify(names) === JSON.stringify(TOOLS),
		    `${name}: tools/list names the seven tools`, show(names));
		const bad = list.tools.filter((t) => t.inputSchema?.type !== 'object' ||
		    typeof t.description !== 'string' || t.description.length === 0);
		ok(bad.length === 0, `${name}: every tool has an inputSchema (type object) and a description`,
		    show(bad.map((t) => t.name)));
	}

	let r = await attempt(`${name}: check_identity no_smtp`, () => client.callTool({
	    name: 'check_identity', arguments: { target: '127.0.0.2', no_smtp: true } }));
	if (r !== undefined)
		ok(r.isError === false && r.structuredContent?.iprev === 'pass' &&
		    /PTR: mail\.example\.test/.test(text(r)),
		    `${name}: check_identity 127.0.0.2 no_smtp: iprev pass, PTR in the text`, show(r));

	r = await attempt(`${name}: check_identity SMTP`, () => client.callTool({
	    name: 'check_identity', arguments: { target: 'mail.example.test', port: 2525 } }));
	if (r !== undefined)
		ok(r.isError === false && r.structuredContent?.aligned === true &&
		    r.structuredContent?.address === '127.0.0.2' && /aligned/.test(text(r)),
		    `${name}: check_identity mail.example.test port 2525: aligned (Postfix banner)`, show(r));

	r = await attempt(`${name}: check_spf`, () => client.callTool({
	    name: 'check_spf', arguments: { domain: 'example.test' } }));
	if (r !== undefined)
		ok(r.isError === false && r.structuredContent?.schema === 'mxdiag.spf/1' &&
		    text(r).length > 0, `${name}: check_spf example.test: the spf document`, show(r));

	r = await attempt(`${name}: check_dmarc`, () => client.callTool({
	    name: 'check_dmarc', arguments: { domain: 'example.test' } }));
	if (r !== undefined)
		ok(r.isError === false && r.structuredContent?.schema === 'mxdiag.dmarc/1' &&
		    text(r).length > 0, `${name}: check_dmarc example.test: the dmarc document`, show(r));

	const u = await rejection(client.callTool({ name: 'no_such_tool', arguments: {} }));
	ok(u.error !== undefined && u.code === -32602,
	    `${name}: an unknown tool is a JSON-RPC error -32602`, show(u.resolved) ?? u.error);

	// Cancel a call stuck on a silent SMTP peer: the SDK sends
	// notifications/cancelled; the server must never answer that id
	// (the SDK reports such a response through onerror), and keep
	// serving.
	const ac = new AbortController();
	const started = Date.now();
	const stuck = rejection(conn.callTool({ name: 'check_identity',
	    arguments: { target: SILENT, port: 2525 } }, { signal: ac.signal }));
	await sleep(400);
	ac.abort('the user gave up');
	const c = await stuck;
	ok(c.error !== undefined && Date.now() - started < 1500,
	    `${name}: a cancelled call rejects at once on the client`, show(c.resolved) ?? c.error);
	r = await attempt(`${name}: a call after the cancel`, () => client.callTool({
	    name: 'check_identity', arguments: { target: '127.0.0.3', no_smtp: true } }));
	if (r !== undefined)
		ok(r.isError === false && r.structuredContent?.address === '127.0.0.3',
		    `${name}: the next call is answered`, show(r));
	// The silent peer's greeting times out after TIMEOUT_S: by then a
	// server that ignored the cancel would have sent its result.
	await sleep(TIMEOUT_S * 1000 + 1500);
	const late = sdkErrors.filter((e) => /unknown message ID/i.test(e));
	ok(late.length === 0, `${name}: no response for the cancelled id (${TIMEOUT_S + 1.5} s later)`,
	    ...late);
	ok(/cancel/i.test(conn.stderr()), `${name}: the server logged the cancel`,
	    conn.stderr().slice(-600));
	if (extra !== undefined)
		await extra(conn);
	await conn.close();

	// Without --allow-private, a loopback target is refused as a tool
	// result (isError), not a protocol error.
	const priv = await attempt(`${name}: connect without --allow-private`, () =>
	    connect(serverArgs(false), () => {}));
	if (priv !== undefined) {
		r = await attempt(`${name}: refused target`, () => priv.client.callTool({
		    name: 'check_identity', arguments: { target: '127.0.0.2', port: 2525 } }));
		if (r !== undefined)
			ok(r.isError === true && /loopback/.test(text(r)) &&
			    r.structuredContent === undefined,
			    `${name}: 127.0.0.2 without --allow-private: isError, says loopback`, show(r));
		await priv.close();
	}
	const other = sdkErrors.filter((e) => !/unknown message ID/i.test(e));
	ok(other.length === 0, `${name}: the SDK reported no other protocol error`, ...other);
	finish();
}
