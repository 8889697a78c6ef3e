import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import {
	PAGE_HEADERS,
	escapeHtml,
	renderRecordedPage,
	renderResponsePage,
	type ResponsePage,
} from '../../../../../nodes/AgileTelecom/actions/sms/sendAndWait.page';
import { messageText, readAnswer, responsePage, sendAndWaitWebhook } from '../../../../../nodes/AgileTelecom/actions/sms/sendAndWait.webhook';

const NOW = new Date('2026-12-03T12:00:00.000Z');
const approval: ResponsePage = { kind: 'approval', title: 'MyShop', message: 'Ship order 42?', approveLabel: 'Approve', disapproveLabel: 'Decline' };
const approveOnly: ResponsePage = { kind: 'approval', title: 'MyShop', message: 'On site?', approveLabel: 'Yes' };
const freeText: ResponsePage = { kind: 'freeText', title: 'Your time', message: 'When?', buttonLabel: 'Send' };

const buttons = (html: string) => [...html.matchAll(/<button type="submit" class="(\w+)"(?: name="approved" value="(\w+)")?>([^<]*)<\/button>/g)].map((m) => [m[1], m[2], m[3]]);

describe('the response page', () => {
	it('is a phone-sized HTML document without scripts, posting only to itself', () => {
		const html = renderResponsePage(approval);
		expect(html.startsWith('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">')).toBe(true);
		expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
		expect(html).toContain('<title>MyShop</title>');
		expect(html).toContain('<form method="post">');
		expect(html).not.toMatch(/<script|<link|src=|action=/);
		expect(html).toMatch(/button\{display:block;width:100%;min-height:3\.25rem/);
	});

	it('Approval: Approve (primary) then Decline (secondary), each posting approved=true/false', () => {
		expect(buttons(renderResponsePage(approval))).toEqual([
			['primary', 'true', 'Approve'],
			['secondary', 'false', 'Decline'],
		]);
	});

	it('Approve Only: a single button', () => {
		expect(buttons(renderResponsePage(approveOnly))).toEqual([['primary', 'true', 'Yes']]);
	});

	it('Free Text: a required text area named "text" and the button label', () => {
		const html = renderResponsePage(freeText);
		expect(html).toContain('<label for="text">Response</label><textarea id="text" name="text" required></textarea>');
		expect(buttons(html)).toEqual([['primary', undefined, 'Send']]);
	});

	it('escapes every text it shows (message, title, labels, notice)', () => {
		const evil = '<script>alert("x")</script> & \'y\'';
		const html = renderResponsePage({ kind: 'approval', title: evil, message: evil, approveLabel: evil, disapproveLabel: evil }, evil);
		expect(html).not.toContain('<script>');
		const escaped = '&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;y&#39;';
		expect(html.split(escaped)).toHaveLength(7); // title tag, h1, notice, message, two buttons
		expect(escapeHtml('a<b>&"\'')).toBe('a&#60;b&#62;&#38;&#34;&#39;');
	});

	it('shows a notice above the form when a submission was refused', () => {
		expect(renderResponsePage(freeText, 'Write a response before sending it.')).toContain(
			'<h1>Your time</h1><p class="notice" role="alert">Write a response before sending it.</p><p class="message">When?</p>',
		);
	});

	it('the confirmation uses n8n\'s own texts', () => {
		expect(renderRecordedPage()).toContain('<h1>Got it, thanks</h1><p class="message">This page can be closed now</p>');
	});

	it('headers keep the signed link out of referrers, caches and search engines', () => {
		expect(PAGE_HEADERS).toEqual({
			'Content-Type': 'text/html; charset=utf-8',
			'Cache-Control': 'no-store',
			'Referrer-Policy': 'no-referrer',
			'X-Robots-Tag': 'noindex, nofollow',
			'X-Content-Type-Options': 'nosniff',
			'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
		});
	});
});

describe('page parameters', () => {
	const params = { responseType: 'approval', sender: 'MyShop', message: ' Ship?\\nNow<br>please ', approvalOptions: {}, options: {} };

	it('a typed \\n or <br> is a line break, as in n8n\'s nodes', () => {
		expect(messageText(' a\\nb<br>c ')).toBe('a\nb\nc');
		expect(messageText(undefined)).toBe('');
		expect(messageText(42)).toBe('42');
	});

	it.each([
		[{}, { kind: 'approval', title: 'MyShop', message: 'Ship?\nNow\nplease', approveLabel: 'Approve' }],
		[{ approvalType: 'double' }, { kind: 'approval', title: 'MyShop', message: 'Ship?\nNow\nplease', approveLabel: 'Approve', disapproveLabel: 'Decline' }],
		[{ approvalType: 'double', approveLabel: 'Yes', disapproveLabel: 'No' }, { kind: 'approval', title: 'MyShop', message: 'Ship?\nNow\nplease', approveLabel: 'Yes', disapproveLabel: 'No' }],
	])('approval options %j', (approvalOptions, page) => {
		expect(responsePage({ ...params, approvalOptions })).toEqual(page);
	});

	it('Free Text: title, description and button label from the options, else the sender, the message and Submit', () => {
		expect(responsePage({ ...params, responseType: 'freeText' })).toEqual({ kind: 'freeText', title: 'MyShop', message: 'Ship?\nNow\nplease', buttonLabel: 'Submit' });
		expect(
			responsePage({ ...params, responseType: 'freeText', options: { responseFormTitle: 'T', responseFormDescription: 'D\\nE', responseFormButtonLabel: 'Go' } }),
		).toEqual({ kind: 'freeText', title: 'T', message: 'D\nE', buttonLabel: 'Go' });
	});
});

describe('reading the answer', () => {
	const at = NOW.toISOString();
	const pages = { approval, approveOnly, freeText };
	it.each<[keyof typeof pages, unknown, ReturnType<typeof readAnswer>]>([
		['approval', { approved: 'true' }, { data: { approved: true, respondedAt: at } }],
		['approval', { approved: 'false' }, { data: { approved: false, respondedAt: at } }],
		['approval', { approved: true }, { data: { approved: true, respondedAt: at } }],
		['approval', { approved: 'yes' }, { problem: 'Choose one of the buttons to answer.' }],
		['approval', {}, { problem: 'Choose one of the buttons to answer.' }],
		['approval', 'approved=true', { problem: 'Choose one of the buttons to answer.' }],
		['approveOnly', { approved: 'true' }, { data: { approved: true, respondedAt: at } }],
		['approveOnly', { approved: 'false' }, { problem: 'Choose one of the buttons to answer.' }],
		['freeText', { text: 'At 15:00\nside door' }, { data: { text: 'At 15:00\nside door', respondedAt: at } }],
		['freeText', { text: '  ' }, { problem: 'Write a response before sending it.' }],
		['freeText', { text: ['a', 'b'] }, { problem: 'Write a response before sending it.' }],
		['freeText', undefined, { problem: 'Write a response before sending it.' }],
	])('%s page, posted %j', (page, body, expected) => {
		expect(readAnswer(pages[page], body, NOW)).toEqual(expected);
	});
});

interface FakeResponse {
	statusCode?: number;
	headers: Record<string, string>;
	body?: string;
}

/** A waiting-webhook call as n8n makes it: node parameters (evaluated), the request and an express-like response. */
function call(parameters: IDataObject, method: 'GET' | 'POST', body?: unknown) {
	const res: FakeResponse = { headers: {} };
	const response = {
		status(code: number) {
			res.statusCode = code;
			return response;
		},
		set(headers: Record<string, string>) {
			Object.assign(res.headers, headers);
			return response;
		},
		send(html: string) {
			res.body = html;
			return response;
		},
	};
	const read = (path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as IDataObject)[k] : undefined), parameters);
	const ctx = {
		getNodeParameter: (name: string, fallback: unknown) => read(name) ?? fallback,
		getRequestObject: () => ({ method, body }),
		getResponseObject: () => response,
		getBodyData: () => body,
	} as unknown as IWebhookFunctions;
	return { res, result: sendAndWaitWebhook.call(ctx) };
}

describe('the waiting webhook', () => {
	const parameters = {
		destination: '335 123 4567',
		sender: 'MyShop',
		message: 'Ship order 42?',
		responseType: 'approval',
		approvalOptions: { values: { approvalType: 'double' } },
		hygiene: { defaultCountryCode: '39' },
	};

	it('GET shows the page and resumes nothing', async () => {
		const { res, result } = call(parameters, 'GET');
		expect(await result).toEqual({ noWebhookResponse: true });
		expect(res.statusCode).toBe(200);
		expect(res.headers).toEqual(PAGE_HEADERS);
		expect(res.body).toBe(renderResponsePage({ kind: 'approval', title: 'MyShop', message: 'Ship order 42?', approveLabel: 'Approve', disapproveLabel: 'Decline' }));
	});

	it('POST approved=false resumes with n8n\'s output shape and who answered (the normalised destination)', async () => {
		const before = Date.now();
		const { res, result } = call(parameters, 'POST', { approved: 'false' });
		const answer = await result;
		expect(res.statusCode).toBe(200);
		expect(res.body).toBe(renderRecordedPage());
		expect(answer.noWebhookResponse).toBe(true);
		const [[item]] = answer.workflowData ?? [[]];
		const { respondedAt } = (item.json.data ?? {}) as IDataObject;
		expect(item.json).toEqual({ data: { approved: false, respondedAt }, destination: '+393351234567' });
		expect(Date.parse(respondedAt as string)).toBeGreaterThanOrEqual(before - 5);
	});

	it('POST of Free Text resumes with data.text', async () => {
		const { result } = call({ ...parameters, responseType: 'freeText', destination: '+393351234567' }, 'POST', { text: 'Tomorrow' });
		const [[item]] = (await result).workflowData ?? [[]];
		expect(item.json).toMatchObject({ data: { text: 'Tomorrow' }, destination: '+393351234567' });
	});

	it('a POST that is not an answer gets the page back with a notice (400) and resumes nothing', async () => {
		const { res, result } = call(parameters, 'POST', { approved: 'maybe' });
		expect(await result).toEqual({ noWebhookResponse: true });
		expect(res.statusCode).toBe(400);
		expect(res.body).toContain('<p class="notice" role="alert">Choose one of the buttons to answer.</p>');
	});

	it('a destination that no longer reads as a number is reported as written', async () => {
		const { result } = call({ ...parameters, destination: 'not a number' }, 'POST', { approved: 'true' });
		const [[item]] = (await result).workflowData ?? [[]];
		expect(item.json.destination).toBe('not a number');
	});
});
