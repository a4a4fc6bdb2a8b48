// SPDX-License-Identifier: MIT
// `mxdiag mcp` under the official TypeScript client 2.x
// (@modelcontextprotocol/client, protocol 2026-07-28: server/discover and
// the per-request _meta envelope), pinned to 2026-07-28: Client +
// StdioClientTransport. A second connect in 'auto' mode checks that the
// SDK's own probe picks the modern era. Prints TAP.
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { MXDIAG, ok, runChecks, serverArgs } from './common.mjs';

function makeConnect(mode) {
	return async (args, onerror) => {
		const transport = new StdioClientTransport({ command: MXDIAG, args,
		    stderr: 'pipe' });
		let err = '';
		transport.stderr.on('data', (d) => { err += d; });
		const client = new Client({ name: 'mxdiag-test-client2', version: '2.0.0' },
		    { versionNegotiation: { mode } });
		client.onerror = onerror;
		await client.connect(transport);
		return {
			client,
			callTool: (params, opts) => client.callTool(params, opts),
			close: () => client.close(),
			stderr: () => err,
		};
	};
}

const era = (client) => [
	[client.getProtocolEra() === 'modern', 'modern era', client.getProtocolEra()],
	[client.getNegotiatedProtocolVersion() === '2026-07-28', 'protocol 2026-07-28',
	    client.getNegotiatedProtocolVersion()],
	[client.getServerVersion()?.name === 'mxdiag', 'serverInfo names mxdiag',
	    JSON.stringify(client.getServerVersion())],
	[client.getServerCapabilities()?.tools !== undefined, 'tools capability',
	    JSON.stringify(client.getServerCapabilities())],
];

await runChecks('client 2.x', makeConnect({ pin: '2026-07-28' }), era, async () => {
	// (runs while the pinned connection is still open: a second server)
	// 'auto': the SDK probes a sibling process with server/discover.
	try {
		const conn = await makeConnect('auto')(serverArgs(true), () => {});
		for (const [cond, desc, diag] of era(conn.client))
			ok(cond, `client 2.x auto: ${desc}`, diag);
		const r = await conn.client.callTool({ name: 'check_identity',
		    arguments: { target: '127.0.0.2', no_smtp: true } });
		ok(r.isError === false && r.structuredContent?.iprev === 'pass',
		    'client 2.x auto: check_identity answered', JSON.stringify(r).slice(0, 600));
		await conn.close();
	} catch (e) {
		ok(false, 'client 2.x auto: connect and call', `threw: ${e?.stack ?? e}`);
	}
});
