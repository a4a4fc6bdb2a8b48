// SPDX-License-Identifier: MIT
// `mxdiag mcp` under the official TypeScript SDK 1.x
// (@modelcontextprotocol/sdk, protocol 2025-11-25: the initialize
// handshake): Client + StdioClientTransport. Prints TAP.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { MXDIAG, ok, runChecks } from './common.mjs';

async function connect(args, onerror) {
	const transport = new StdioClientTransport({ command: MXDIAG, args,
	    stderr: 'pipe' });
	let err = '';
	transport.stderr.on('data', (d) => { err += d; });
	const client = new Client({ name: 'mxdiag-test-sdk1', version: '1.0.0' });
	client.onerror = onerror;
	await client.connect(transport);
	return {
		client,
		callTool: (params, opts) => client.callTool(params, undefined, opts),
		close: () => client.close(),
		stderr: () => err,
	};
}

await runChecks('sdk 1.x', connect, (client) => [
	[client.getServerVersion()?.name === 'mxdiag', 'serverInfo names mxdiag',
	    JSON.stringify(client.getServerVersion())],
	[client.getServerCapabilities()?.tools !== undefined, 'tools capability',
	    JSON.stringify(client.getServerCapabilities())],
	[typeof client.getInstructions() === 'string', 'instructions'],
], async (conn) => {
	// ping exists in this era only.
	const r = await conn.client.ping().catch((e) => ({ threw: String(e) }));
	ok(r !== undefined && r.threw === undefined, 'sdk 1.x: ping', JSON.stringify(r));
});
