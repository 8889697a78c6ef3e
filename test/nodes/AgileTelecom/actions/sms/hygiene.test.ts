/**
 * Cost and List Hygiene (issue 14) on both sends, through the engine and the sandbox: Smart Encoding, Max Parts,
 * Default Country Code, Skip Repeated Destinations, and the node-version defaults (1.1 on, 1 unchanged).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { AgileTelecom } from '../../../../../nodes/AgileTelecom/AgileTelecom.node';
import { HYGIENE_DEFAULTS } from '../../../../../nodes/AgileTelecom/descriptions/send';
import type { BatchRequestBody } from '../../../../../nodes/AgileTelecom/helpers/batch';
import { executeBare, runWorkflow, sandboxCredentials, type HarnessNodeOptions } from '../../../../harness';
import { useSandbox } from '../../../../sandbox/lifecycle';

const BATCH_PATH = '/services/sms/send';
const QLARA_PATH = '/api/message-server/sms/send';
/** 129 characters with curly quotes, an en dash, an apostrophe and an ellipsis: UCS-2 in 2 parts as typed. */
const PROMO = '“Spring sale” – today only: 20% off everything in the shop, don’t miss it… Show this SMS at the till, valid until Sunday at 8 pm.';

const sandbox = useSandbox();
const credentials = (format: 'agile' | 'qlara' = 'agile') => ({ agileTelecomApi: sandboxCredentials(sandbox.url, { customApiFormat: format }) });

function batch(over: INodeParameters = {}, typeVersion = 1.1): HarnessNodeOptions {
	return {
		parameters: { resource: 'sms', operation: 'sendBatch', destinations: '={{ $json.to }}', sender: 'InfoSMS', body: '={{ $json.text }}', ...over },
		typeVersion,
	};
}

function qlara(over: INodeParameters = {}, typeVersion = 1.1): HarnessNodeOptions {
	return {
		parameters: { resource: 'sms', operation: 'send', destination: '={{ $json.to }}', sender: 'MyShop', body: '={{ $json.text }}', ...over },
		typeVersion,
	};
}

const batchBodies = () => sandbox.requestsTo(BATCH_PATH).map((r) => r.body as BatchRequestBody);
const qlaraBodies = () => sandbox.requestsTo(QLARA_PATH).map((r) => r.body as IDataObject);

describe('Smart Encoding', () => {
	test('Send Batch: look-alikes become GSM-7, the output says which and the parts before and after', async () => {
		const run = await runWorkflow({
			node: batch({ hygiene: { smartEncoding: true } }),
			credentials: credentials(),
			items: [{ to: '+393351000001', text: PROMO }],
		});

		expect(batchBodies()[0].messages[0].body).toBe(
			'"Spring sale" - today only: 20% off everything in the shop, don\'t miss it... Show this SMS at the till, valid until Sunday at 8 pm.',
		);
		expect(run.output?.[0].json).toMatchObject({
			encoding: 'GSM-7',
			parts: 1,
			smartEncoding: {
				applied: true,
				encodingBefore: 'UCS-2',
				partsBefore: 2,
				encodingAfter: 'GSM-7',
				partsAfter: 1,
				replacements: [
					{ character: '“', codePoint: 'U+201C', replacement: '"', count: 1 },
					{ character: '”', codePoint: 'U+201D', replacement: '"', count: 1 },
					{ character: '–', codePoint: 'U+2013', replacement: '-', count: 1 },
					{ character: '’', codePoint: 'U+2019', replacement: "'", count: 1 },
					{ character: '…', codePoint: 'U+2026', replacement: '...', count: 1 },
				],
			},
		});
	});

	test('real non-GSM characters (emoji, È) are left alone, and a plain text gets no report', async () => {
		const run = await runWorkflow({
			node: batch({ hygiene: { smartEncoding: true } }),
			credentials: credentials(),
			items: [
				{ to: '+393351000001', text: 'È l’ora 😀' },
				{ to: '+393351000002', text: 'Plain text' },
			],
		});
		expect(batchBodies()[0].messages.map((m) => m.body)).toEqual(['È l’ora 😀', 'Plain text']);
		expect(run.output?.[0].json.smartEncoding).toMatchObject({ applied: false, encodingAfter: 'UCS-2', note: expect.stringContaining('È') });
		expect(run.output?.[1].json).not.toHaveProperty('smartEncoding');
	});

	test('Send (Qlara): applied to the text the handset shows, so placeholders are filled and sent written out', async () => {
		const run = await runWorkflow({
			node: qlara({ hygiene: { smartEncoding: true }, options: { placeholders: { placeholder: [{ name: 'shop', value: '={{ $json.shop }}' }] } } }),
			credentials: credentials('qlara'),
			items: [
				{ to: '+393351000001', text: 'Hi from {shop}', shop: 'Rossi’s' },
				{ to: '+393351000002', text: 'Hi from {shop}', shop: 'Bianchi' },
			],
		});
		expect(qlaraBodies().map((b) => [b.body, b.placeholders])).toEqual([
			["Hi from Rossi's", undefined],
			['Hi from {shop}', { shop: 'Bianchi' }],
		]);
		expect(run.output?.[0].json.smartEncoding).toMatchObject({ applied: true, partsBefore: 1, partsAfter: 1 });
	});
});

describe('Max Parts', () => {
	test.each([
		['Send Batch', batch, 'agile' as const, 'Item 2: Body: needs 7 SMS parts (GSM-7), more than Max Parts (6)'],
		['Send (Qlara)', qlara, 'qlara' as const, 'Item 2: Body: needs 7 SMS parts (GSM-7), more than Max Parts (6)'],
	])('%s: an item over the cap fails before anything is sent, naming the item, the parts and the limit', async (_name, make, format, message) => {
		const error = await executeBare({
			node: make({ hygiene: { maxParts: 6 } }),
			credentials: credentials(format),
			items: [
				{ to: '+393351000001', text: 'a'.repeat(153 * 6) },
				{ to: '+393351000002', text: 'a'.repeat(153 * 6 + 1) },
			],
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message.startsWith(message)).toBe(true);
		expect(sandbox.requests).toHaveLength(0);
	});

	test('a user-supplied UDH takes room from each part, so the same text needs more parts', async () => {
		const items = [{ to: '+393351000001', text: 'a'.repeat(155) }];
		const plain = await runWorkflow({ node: batch({ hygiene: { maxParts: 1 } }), credentials: credentials(), items });
		expect(plain.output?.[0].json.parts).toBe(1);
		const withUdh = await executeBare({
			node: batch({ hygiene: { maxParts: 1 }, messageOptions: { udhData: '050003CC0201' } }),
			credentials: credentials(),
			items,
		}).catch((e: unknown) => e);
		expect((withUdh as NodeOperationError).message).toMatch(/^Item 1: Body: needs 2 SMS parts \(GSM-7\), more than Max Parts \(1\)/);
		expect(batchBodies()).toHaveLength(1);
	});

	test('0 means no limit', async () => {
		const run = await runWorkflow({ node: batch({ hygiene: { maxParts: 0 } }), credentials: credentials(), items: [{ to: '+393351000001', text: 'a'.repeat(3000) }] });
		expect(run.output?.[0].json.parts).toBe(20);
	});
});

describe('Default Country Code', () => {
	test('numbers without + or 00 get it; a trunk 0 and a (0) are handled; international numbers are untouched', async () => {
		await runWorkflow({
			node: batch({ hygiene: { defaultCountryCode: '+39' } }),
			credentials: credentials(),
			items: [{ to: '335 123 4567, 06 1234567, +39 (0) 335 765 4321, 0041793026727', text: 'Hi' }],
		});
		expect(batchBodies()[0].messages[0].destinations).toEqual(['+393351234567', '+39061234567', '+393357654321', '+41793026727']);
	});

	test('without it a national number is refused; an invalid code fails the node before anything is sent', async () => {
		const refused = await executeBare({ node: batch(), credentials: credentials(), items: [{ to: '3351234567', text: 'Hi' }] }).catch((e: unknown) => e);
		expect((refused as Error).message).toMatch(/^Item 1: Destinations: "3351234567" has no international prefix/);
		const invalid = await executeBare({
			node: qlara({ hygiene: { defaultCountryCode: 'Italy' } }),
			credentials: credentials('qlara'),
			items: [{ to: '3351234567', text: 'Hi' }],
		}).catch((e: unknown) => e);
		expect((invalid as Error).message).toBe('Default Country Code: "Italy" is not a country calling code: 1 to 3 digits, such as 39 for Italy or 44 for the United Kingdom');
		expect(sandbox.requests).toHaveLength(0);
	});

	test('Send (Qlara) applies it too', async () => {
		await runWorkflow({ node: qlara({ hygiene: { defaultCountryCode: '39' } }), credentials: credentials('qlara'), items: [{ to: '3351234567', text: 'Hi' }] });
		expect(qlaraBodies()[0].destination).toBe('+393351234567');
	});
});

describe('duplicate destinations', () => {
	test('within one item a number given twice is sent once and reported, always', async () => {
		const run = await runWorkflow({ node: batch({}, 1), credentials: credentials(), items: [{ to: '+393351000001, 0039 335 1000001', text: 'Hi' }] });
		expect(batchBodies()[0].messages[0].destinations).toEqual(['+393351000001']);
		expect(run.output?.[0].json.repeatedDestinations).toEqual(['+393351000001']);
	});

	test('Skip Repeated Destinations: the same number and text in a later item is skipped and said so', async () => {
		const run = await runWorkflow({
			node: batch({ hygiene: { skipRepeatedDestinations: true } }),
			credentials: credentials(),
			items: [
				{ to: '+393351000001', text: 'Sale' },
				{ to: '+393351000001', text: 'Sale' },
				{ to: '+393351000001, +393351000002', text: 'Sale' },
				{ to: '+393351000001', text: 'Another text' },
			],
		});
		expect(batchBodies()[0].messages.map((m) => [m.destinations, m.body])).toEqual([
			[['+393351000001'], 'Sale'],
			[['+393351000002'], 'Sale'],
			[['+393351000001'], 'Another text'],
		]);
		expect(run.output?.map((o) => o.json.skipped ?? o.json.accepted)).toEqual([true, true, true, true]);
		expect(run.output?.[1].json).toEqual({
			skipped: true,
			reason: expect.stringContaining('an earlier item of this run already sends this text to the same number'),
			skippedDestinations: [{ destination: '+393351000001', sameAsItem: 1 }],
		});
		expect(run.output?.[2].json.skippedDestinations).toEqual([{ destination: '+393351000001', sameAsItem: 1 }]);
	});

	test('Skip Repeated Destinations on Send (Qlara); off, both items are sent', async () => {
		const items = [
			{ to: '+393351000001', text: 'Your code' },
			{ to: '+393351000001', text: 'Your code' },
		];
		const run = await runWorkflow({ node: qlara({ hygiene: { skipRepeatedDestinations: true } }), credentials: credentials('qlara'), items });
		expect(qlaraBodies()).toHaveLength(1);
		expect(run.output?.[1].json).toMatchObject({ skipped: true, skippedDestinations: [{ destination: '+393351000001', sameAsItem: 1 }] });

		sandbox.reset();
		await runWorkflow({ node: qlara(), credentials: credentials('qlara'), items });
		expect(qlaraBodies()).toHaveLength(2);
		sandbox.expectDuplicates(['+393351000001 ← Your code']);
	});
});

describe('node versions', () => {
	test('1.1 without the collection set uses its defaults: Smart Encoding on, Max Parts 6', async () => {
		const run = await runWorkflow({ node: batch({}, 1.1), credentials: credentials(), items: [{ to: '+393351000001', text: PROMO }] });
		expect(run.output?.[0].json).toMatchObject({ encoding: 'GSM-7', smartEncoding: { applied: true } });
		const error = await executeBare({ node: batch({}, 1.1), credentials: credentials(), items: [{ to: '+393351000001', text: 'a'.repeat(2000) }] }).catch((e: unknown) => e);
		expect((error as Error).message).toMatch(/more than Max Parts \(6\)/);
	});

	test('1 (workflows saved before) sends exactly as before: no replacement, no part cap', async () => {
		const run = await runWorkflow({
			node: batch({}, 1),
			credentials: credentials(),
			items: [
				{ to: '+393351000001', text: PROMO },
				{ to: '+393351000002', text: 'a'.repeat(2000) },
			],
		});
		expect(batchBodies()[0].messages.map((m) => m.body)).toEqual([PROMO, 'a'.repeat(2000)]);
		expect(run.output?.map((o) => [o.json.encoding, o.json.parts])).toEqual([
			['UCS-2', 2],
			['GSM-7', 14],
		]);
	});

	test('the description gives each version its default, and 1.1 is the default version', () => {
		const description = new AgileTelecom().description;
		expect(description.version).toEqual([1, 1.1]);
		expect(description.defaultVersion).toBe(1.1);
		const hygiene = description.properties.filter((p) => p.name === 'hygiene');
		expect(hygiene.map((p) => [p.displayOptions?.show?.operation, p.displayOptions?.show?.['@version'], p.default])).toEqual([
			[['sendBatch'], [1], {}],
			[['sendBatch'], [{ _cnd: { gte: 1.1 } }], { ...HYGIENE_DEFAULTS }],
			[['send'], [1], {}],
			[['send'], [{ _cnd: { gte: 1.1 } }], { ...HYGIENE_DEFAULTS }],
			[['sendAndWait'], [1], {}],
			[['sendAndWait'], [{ _cnd: { gte: 1.1 } }], { ...HYGIENE_DEFAULTS }],
		]);
	});
});
