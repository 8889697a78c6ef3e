// A scripted OpenAI-compatible chat model on 127.0.0.1, for real-n8n tests of the AI Agent: n8n's OpenAI Chat Model
// node (@n8n/n8n-nodes-langchain.lmChatOpenAi) with an `openAiApi` credential whose Base URL is `server.url` sends
// its `POST /v1/chat/completions` here, and the test's script decides what "the model" answers: a text, or tool calls.
// Plain Node.js (built-ins only).
//
//   const model = await startFakeOpenAi();
//   model.setScript(({ tools, toolResults }) =>
//     toolResults.length === 0 ? toolCalls([tools[0], { to: '+39…' }]) : text('Done.'));
//   await n8n.importCredentials([model.credential()]);   // type openAiApi, url = model.url
//   …                                                     // model.requests: every request body, in order
//   await model.close();
//
// Both answers n8n may ask for are served: a JSON chat.completion, or, when the body says `stream: true`, the same
// answer as server-sent chunks ending in `data: [DONE]`. Anything else (GET /v1/models …) is recorded and answers 404.
import { createServer } from 'node:http';

/** An answer with text only: the agent's final answer. */
export function text(content) {
	return { content, toolCalls: [] };
}

/**
 * An answer that calls tools: each call is `[name, args]`, e.g. `toolCalls(['Send_SMS', { to: '+39…' }])`. Call ids
 * are made unique per request by the server.
 */
export function toolCalls(...calls) {
	return { content: null, toolCalls: calls.map(([name, args]) => ({ name, args })) };
}

/**
 * The tool calls of the conversation so far, each with the result n8n sent back: `{ id, name, args, content }`
 * (`content` undefined while no `tool` message answers it). Read from the request's own messages.
 */
export function toolResults(messages = []) {
	const calls = [];
	const byId = new Map();
	for (const m of messages) {
		if (m.role === 'assistant') {
			for (const c of m.tool_calls ?? []) {
				const call = { id: c.id, name: c.function?.name, args: parseArgs(c.function?.arguments), content: undefined };
				calls.push(call);
				byId.set(c.id, call);
			}
		} else if (m.role === 'tool' && byId.has(m.tool_call_id)) {
			byId.get(m.tool_call_id).content = typeof m.content === 'string' ? m.content : JSON.stringify(m.content);
		}
	}
	return calls;
}

function parseArgs(raw) {
	if (typeof raw !== 'string') return raw;
	try {
		return JSON.parse(raw);
	} catch {
		return raw;
	}
}

/** Writes a script's answer as OpenAI does: one chat.completion, or server-sent chunks when the body asked to stream. */
function writeAnswer(res, answer, { body, id, model, nextCallId }) {
	const calls = answer.toolCalls.map((c) => ({
		id: nextCallId(),
		type: 'function',
		function: { name: c.name, arguments: JSON.stringify(c.args ?? {}) },
	}));
	const finish = calls.length > 0 ? 'tool_calls' : 'stop';
	const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
	if (body?.stream === true) {
		res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
		const chunk = (delta, finishReason = null, extra = {}) =>
			res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra })}\n\n`);
		chunk({ role: 'assistant', content: answer.content ?? '' });
		calls.forEach((c, index) => chunk({ tool_calls: [{ index, ...c }] }));
		chunk({}, finish, body.stream_options?.include_usage ? { usage } : {});
		res.end('data: [DONE]\n\n');
		return;
	}
	const message = { role: 'assistant', content: answer.content };
	if (calls.length > 0) message.tool_calls = calls;
	res.writeHead(200, { 'content-type': 'application/json' }).end(
		JSON.stringify({ id, object: 'chat.completion', created: 0, model, choices: [{ index: 0, message, finish_reason: finish }], usage }),
	);
}

/**
 * Starts the server. `script({ body, tools, toolResults, turn, request })` returns `text(…)` or `toolCalls(…)`;
 * `tools` are the tool names the request offers, `turn` counts the assistant messages already in the conversation.
 * Without a script the model answers `text('OK')`. A script that throws answers HTTP 500 with its message.
 *
 * @returns {Promise<{ url: string, port: number, requests: Array<{ method: string, path: string, headers: object, body: any }>,
 *   chatRequests: () => Array<any>, setScript: (fn: Function) => void, reset: () => void,
 *   credential: (over?: object) => object, close: () => Promise<void> }>}
 */
export async function startFakeOpenAi({ script, model = 'gpt-fake', port = 0 } = {}) {
	let current = script ?? (() => text('OK'));
	const requests = [];
	let callSeq = 0;

	const server = createServer((req, res) => {
		let raw = '';
		req.on('data', (c) => (raw += c));
		req.on('end', () => {
			let body;
			try {
				body = raw ? JSON.parse(raw) : undefined;
			} catch {
				body = raw;
			}
			const path = (req.url ?? '').split('?')[0];
			requests.push({ method: req.method, path, headers: req.headers, body });
			if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
				res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `not served: ${req.method} ${path}` } }));
				return;
			}
			let answer;
			try {
				const messages = body?.messages ?? [];
				answer = current({
					body,
					tools: (body?.tools ?? []).map((t) => t.function?.name ?? t.name),
					toolResults: toolResults(messages),
					turn: messages.filter((m) => m.role === 'assistant').length,
					request: requests.at(-1),
				});
			} catch (error) {
				res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: String(error?.message ?? error) } }));
				return;
			}
			writeAnswer(res, answer, { body, id: `chatcmpl-${requests.length}`, model, nextCallId: () => `call_${++callSeq}` });
		});
	});
	await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${server.address().port}/v1`;

	return {
		url,
		port: server.address().port,
		requests,
		/** The bodies of the chat completion requests, in order. */
		chatRequests: () => requests.filter((r) => r.path.endsWith('/chat/completions')).map((r) => r.body),
		setScript(fn) {
			current = fn;
		},
		reset() {
			requests.length = 0;
		},
		/** An n8n `openAiApi` credential (import format) pointing at this server. */
		credential(over = {}) {
			return { id: 'fakeOpenAiCred01', name: 'Fake OpenAI', type: 'openAiApi', data: { apiKey: 'sk-fake-test-key', url }, ...over };
		},
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections?.();
				server.close(() => resolve());
			}),
	};
}
