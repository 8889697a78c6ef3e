import {
	hexProblem,
	messageSegmentation,
	packRequests,
	readBatchResponse,
	type BatchMessage,
} from '../../../../nodes/AgileTelecom/helpers/batch';

const message = (destinations: string[], ids: string[]): BatchMessage => ({ destinations, ids, sender: 'S', body: 'b' });

describe('packRequests', () => {
	test.each([
		[[], 3, 100, []],
		[[1], 3, 100, [[0, 1]]],
		[[1, 1, 1], 3, 100, [[0, 3]]],
		[[1, 1, 1, 1], 3, 100, [[0, 3], [3, 4]]],
		[[2, 2, 1, 1], 10, 3, [[0, 1], [1, 3], [3, 4]]],
		// An item alone above the cap still gets its own request (validation rejects it before this).
		[[5, 1], 10, 3, [[0, 1], [1, 2]]],
		[[1, 1, 1, 1, 1], 1, 100, [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]],
	])('%j, %i per request, cap %i → %j', (counts, perRequest, cap, ranges) => {
		expect(packRequests(counts, perRequest, cap)).toEqual(ranges);
	});
});

describe('readBatchResponse', () => {
	const sent = [message(['+391', '+392'], ['a', 'b']), message(['+393'], ['c'])];

	test('results[] in the sent order', () => {
		const parsed = readBatchResponse(
			{
				globalId: 'g',
				accepted: true,
				results: [
					{ destination: '+391', id: 'a', accepted: true, statusCode: 200 },
					{ destination: '+392', id: 'b', accepted: false, statusCode: 402 },
					{ destination: '+393', id: 'c', accepted: true, statusCode: 200 },
				],
			},
			sent,
			'sent-global',
		);
		expect(parsed).toEqual({
			globalId: 'g',
			results: [
				[
					{ destination: '+391', id: 'a', accepted: true, statusCode: 200, status: 'accepted' },
					{ destination: '+392', id: 'b', accepted: false, statusCode: 402, status: 'insufficient credit' },
				],
				[{ destination: '+393', id: 'c', accepted: true, statusCode: 200, status: 'accepted' }],
			],
		});
	});

	test('results[] in another order are matched by id; a string statusCode and a missing accepted are read', () => {
		const parsed = readBatchResponse(
			{
				results: [
					{ destination: '+393', id: 'c', statusCode: '200' },
					{ destination: '+391', id: 'a', statusCode: '403' },
					{ destination: '+392', id: 'b', accepted: true, statusCode: 200 },
				],
			},
			sent,
			'sent-global',
		);
		expect(parsed.globalId).toBe('sent-global');
		expect(parsed.results.flat().map((r) => [r.id, r.accepted, r.statusCode])).toEqual([
			['a', false, 403],
			['b', true, 200],
			['c', true, 200],
		]);
	});

	test('a destination missing from results[] is unknown, with a warning, not a guess', () => {
		const parsed = readBatchResponse({ results: [{ destination: '+391', id: 'a', accepted: true, statusCode: 200 }] }, sent, 'g');
		expect(parsed.results.flat().map((r) => [r.id, r.accepted, r.status])).toEqual([
			['a', true, 'accepted'],
			['b', null, 'missing from the response'],
			['c', null, 'missing from the response'],
		]);
		expect(parsed.warning).toContain('check the delivery reports');
	});

	test.each([
		['counters covering every destination', { globalId: 'g', processedMessages: 3, processedSmsParts: 3, credit: 9.5 }, true, undefined],
		['counters equal to the messages but not the destinations', { processedMessages: 2 }, null, 'it counted 2 for 2 messages to 3 destinations, and does not say whether'],
		['counters short of both', { processedMessages: 1, credit: 1 }, null, 'it processed 1 of the 3 destinations without saying which'],
		['an empty 2xx body', {}, null, 'with a body that has no result per destination'],
		['a body that is not JSON', '<html>OK</html>', null, 'with a body that is not JSON'],
		['a top-level verdict for three destinations', { accepted: true }, null, 'with a body that has no result per destination'],
	])('%s', (_name, body, accepted, warning) => {
		const parsed = readBatchResponse(body, sent, 'g');
		expect(parsed.results.flat().map((r) => [r.accepted, r.statusCode])).toEqual([
			[accepted, null],
			[accepted, null],
			[accepted, null],
		]);
		expect(parsed.results.flat().map((r) => r.id)).toEqual(['a', 'b', 'c']);
		if (warning) {
			expect(parsed.warning).toContain(warning);
			expect(parsed.warning).toContain('check the delivery reports before sending any of them again');
		} else expect(parsed.warning).toBeUndefined();
	});

	test('the legacy counters are kept for the output', () => {
		const parsed = readBatchResponse({ globalId: 'g', processedMessages: 3, processedSmsParts: 6, credit: 9.5 }, sent, 'x');
		expect([parsed.globalId, parsed.processedMessages, parsed.processedSmsParts, parsed.credit]).toEqual(['g', 3, 6, 9.5]);
	});

	test('a top-level verdict without results speaks for a request of one destination', () => {
		const one = [message(['+391'], ['a'])];
		expect(readBatchResponse({ accepted: false }, one, 'g').results).toEqual([
			[{ destination: '+391', id: 'a', accepted: false, statusCode: null, status: 'not accepted' }],
		]);
	});
});

describe('readBatchResponse: each result speaks for one SMS only', () => {
	const A = '+393351111111';
	const B = '+393352222222';
	const THROTTLED = 'throttled (per-account or per-route limit)';
	type Row = { destination?: string; id?: string; accepted?: boolean; statusCode?: number };
	const refused429 = (id?: string, destination = A): Row => ({ destination, id, accepted: false, statusCode: 429 });
	const accepted = (id?: string, destination = A): Row => ({ destination, id, accepted: true, statusCode: 200 });
	/** One message per item, as Send Batch sends one SMS per item: [id, accepted, statusCode, status] per SMS. */
	const read = (sent: Array<[string, string]>, results: Row[]) => {
		const parsed = readBatchResponse({ results }, sent.map(([to, id]) => message([to], [id])), 'g');
		return { rows: parsed.results.flat().map((r) => [r.id, r.accepted, r.statusCode, r.status]), warning: parsed.warning };
	};
	const twoToA: Array<[string, string]> = [
		[A, 'ours-1'],
		[A, 'ours-2'],
	];

	test.each([
		['[A refused 429 "msg_1", A accepted "msg_2"]', [refused429('msg_1'), accepted('msg_2')], [['msg_1', false, 429, THROTTLED], ['msg_2', true, 200, 'accepted']]],
		['[A accepted "msg_1", A refused 429 "msg_2"]', [accepted('msg_1'), refused429('msg_2')], [['msg_1', true, 200, 'accepted'], ['msg_2', false, 429, THROTTLED]]],
		['results without ids', [refused429(), accepted()], [['ours-1', false, 429, THROTTLED], ['ours-2', true, 200, 'accepted']]],
		['the number written without its +', [refused429('msg_1', A.slice(1)), accepted('msg_2', A.slice(1))], [['msg_1', false, 429, THROTTLED], ['msg_2', true, 200, 'accepted']]],
	])('two items to one number, an answer that lines up with the request: position wins, %s', (_name, results, rows) => {
		const { rows: got, warning } = read(twoToA, results);
		expect(got).toEqual(rows);
		expect(warning).toBeUndefined();
	});

	test('our own ids win over position: the server listed them the other way round', () => {
		expect(read(twoToA, [refused429('ours-2'), accepted('ours-1')]).rows).toEqual([
			['ours-1', true, 200, 'accepted'],
			['ours-2', false, 429, THROTTLED],
		]);
	});

	test('position does not win against another destination: the numbers decide', () => {
		const sent: Array<[string, string]> = [
			[A, 'ours-1'],
			[B, 'ours-2'],
		];
		expect(read(sent, [accepted('msg_1', B), refused429('msg_2', A)]).rows).toEqual([
			['msg_2', false, 429, THROTTLED],
			['msg_1', true, 200, 'accepted'],
		]);
	});

	test('a result that names another SMS of ours is not used again for this one', () => {
		const { rows, warning } = read(twoToA, [accepted('ours-1'), refused429('ours-1')]);
		expect(rows).toEqual([
			['ours-1', true, 200, 'accepted'],
			['ours-2', null, null, 'missing from the response'],
		]);
		expect(warning).toContain('check the delivery reports');
	});

	test('a shorter answer: the results for a number go in order to the SMS sent to it, each once', () => {
		const sent: Array<[string, string]> = [
			[A, 'ours-1'],
			[B, 'ours-2'],
			[A, 'ours-3'],
		];
		expect(read(sent, [refused429('msg_1'), accepted('msg_2')]).rows).toEqual([
			['msg_1', false, 429, THROTTLED],
			['ours-2', null, null, 'missing from the response'],
			['msg_2', true, 200, 'accepted'],
		]);
	});

	test('one result for two SMS to a number cannot be told apart: both unknown, neither guessed', () => {
		const sent: Array<[string, string]> = [...twoToA, [B, 'ours-3']];
		for (const first of [accepted('msg_1'), refused429('msg_1')]) {
			const { rows, warning } = read(sent, [first, accepted('msg_2', B)]);
			expect(rows).toEqual([
				['ours-1', null, null, 'not told apart in the response'],
				['ours-2', null, null, 'not told apart in the response'],
				['msg_2', true, 200, 'accepted'],
			]);
			expect(warning).toContain('check the delivery reports before sending any of them again');
		}
	});

	test('more results for a number than SMS sent to it: used only when they all say the same', () => {
		const sent: Array<[string, string]> = [
			[A, 'ours-1'],
			[B, 'ours-2'],
		];
		expect(read(sent, [accepted('msg_1'), accepted('msg_2'), accepted('msg_3')]).rows).toEqual([
			['msg_1', true, 200, 'accepted'],
			['ours-2', null, null, 'missing from the response'],
		]);
		expect(read(sent, [accepted('msg_1'), refused429('msg_2'), accepted('msg_3')]).rows).toEqual([
			['ours-1', null, null, 'not told apart in the response'],
			['ours-2', null, null, 'missing from the response'],
		]);
	});
});

describe('hexProblem', () => {
	test.each([
		['48656C6C6F', undefined],
		['00ff', undefined],
		['ABC', 'has 3 hex digits; bytes need an even number'],
		['', 'has 0 hex digits; bytes need an even number'],
		['0x41', 'may contain only the hex digits'],
		['41 42', 'may contain only the hex digits'],
	])('%j → %j', (value, problem) => {
		if (problem === undefined) expect(hexProblem(value)).toBeUndefined();
		else expect(hexProblem(value)).toContain(problem);
	});
});

describe('messageSegmentation', () => {
	const on = { enableUnicode: true, enableConcatenated: true };
	test.each([
		['70 bytes of hex', '00'.repeat(70), 1],
		['140 bytes of hex: one part', '00'.repeat(140), 1],
		['141 bytes: two parts of 134', '00'.repeat(141), 2],
		['268 bytes = 134 × 2', '00'.repeat(268), 2],
		['269 bytes', '00'.repeat(269), 3],
	])('%s', (_name, hex, parts) => {
		expect(messageSegmentation(hex, { hexBody: true, ...on })).toEqual({ encoding: 'Binary', parts });
	});

	test('text follows segmentSms, and the request options change what is billed', () => {
		const text = `È${'a'.repeat(100)}`;
		expect(messageSegmentation(text, { hexBody: false, ...on })).toEqual({ encoding: 'UCS-2', parts: 2 });
		expect(messageSegmentation(text, { hexBody: false, enableUnicode: false, enableConcatenated: true })).toEqual({
			encoding: 'GSM-7',
			parts: 1,
		});
		expect(messageSegmentation('a'.repeat(400), { hexBody: false, enableUnicode: true, enableConcatenated: false })).toEqual({
			encoding: 'GSM-7',
			parts: 1,
		});
	});
});
