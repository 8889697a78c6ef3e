/**
 * The page the SMS link opens, and the page shown once the answer is recorded. Plain HTML without scripts or
 * outside resources, sized for a phone. The answer is sent by POST to the same signed address: opening the link
 * (or a messaging app fetching it for a preview) never answers anything.
 */

export type ResponsePage =
	| { kind: 'approval'; title: string; message: string; approveLabel: string; disapproveLabel?: string }
	| { kind: 'freeText'; title: string; message: string; buttonLabel: string };

/** The form fields the page posts. */
export const ANSWER_FIELDS = { approved: 'approved', text: 'text' } as const;

/**
 * The link carries its signature in the query: no referrer may leak it, no cache or search engine may keep it.
 * The page needs no script and posts only to itself.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
	'Content-Type': 'text/html; charset=utf-8',
	'Cache-Control': 'no-store',
	'Referrer-Policy': 'no-referrer',
	'X-Robots-Tag': 'noindex, nofollow',
	'X-Content-Type-Options': 'nosniff',
	'Content-Security-Policy':
		"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
};

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = [
	'*{box-sizing:border-box}',
	'body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:1.0625rem;line-height:1.5;color:#1d1d1f;background:#f5f5f7}',
	'main{max-width:32rem;margin:0 auto;padding:1.5rem 1.25rem}',
	'h1{font-size:1.375rem;margin:0 0 1rem}',
	'.message{white-space:pre-wrap;overflow-wrap:anywhere;margin:0 0 1.5rem}',
	'.notice{padding:.75rem 1rem;border-radius:.5rem;background:#fdecea;color:#8a1c12;margin:0 0 1rem}',
	'label{display:block;font-weight:600;margin:0 0 .5rem}',
	'textarea{width:100%;min-height:8rem;font:inherit;padding:.75rem;border:1px solid #c7c7cc;border-radius:.5rem;margin:0 0 1rem}',
	'button{display:block;width:100%;min-height:3.25rem;font:inherit;font-size:1.125rem;font-weight:600;border-radius:.75rem;margin:0 0 .875rem;cursor:pointer}',
	'.primary{background:#0a66d8;color:#fff;border:0}',
	'.secondary{background:#fff;color:#1d1d1f;border:2px solid #c7c7cc}',
].join('');

function document(title: string, content: string): string {
	return [
		'<!DOCTYPE html>',
		'<html lang="en"><head><meta charset="utf-8">',
		'<meta name="viewport" content="width=device-width, initial-scale=1">',
		'<meta name="robots" content="noindex, nofollow">',
		`<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>`,
		`<body><main>${content}</main></body></html>`,
	].join('');
}

function button(label: string, style: 'primary' | 'secondary', value?: string): string {
	const answer = value === undefined ? '' : ` name="${ANSWER_FIELDS.approved}" value="${value}"`;
	return `<button type="submit" class="${style}"${answer}>${escapeHtml(label)}</button>`;
}

/** The response page; `notice` explains why an earlier submission was not taken. */
export function renderResponsePage(page: ResponsePage, notice?: string): string {
	const parts: string[] = [];
	if (page.title) parts.push(`<h1>${escapeHtml(page.title)}</h1>`);
	if (notice) parts.push(`<p class="notice" role="alert">${escapeHtml(notice)}</p>`);
	if (page.message) parts.push(`<p class="message">${escapeHtml(page.message)}</p>`);
	parts.push('<form method="post">');
	if (page.kind === 'approval') {
		parts.push(button(page.approveLabel, 'primary', 'true'));
		if (page.disapproveLabel !== undefined) parts.push(button(page.disapproveLabel, 'secondary', 'false'));
	} else {
		parts.push(`<label for="${ANSWER_FIELDS.text}">Response</label>`);
		parts.push(`<textarea id="${ANSWER_FIELDS.text}" name="${ANSWER_FIELDS.text}" required></textarea>`);
		parts.push(button(page.buttonLabel, 'primary'));
	}
	parts.push('</form>');
	return document(page.title || 'Your response', parts.join(''));
}

/** n8n's own confirmation texts (formSubmittedHeader / formSubmittedText of its send-and-wait forms). */
export function renderRecordedPage(): string {
	return document('Got it, thanks', '<h1>Got it, thanks</h1><p class="message">This page can be closed now</p>');
}
