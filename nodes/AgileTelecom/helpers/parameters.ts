import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { isSafeObjectProperty } from 'n8n-workflow';

import { isToolCall } from './tool';
import { isObject } from './values';

/** A node parameter (or a field of the item) read for one item. */
export type ItemReader = (itemIndex: number) => unknown;

/** The property names of a `$json` path, in order: `$json.customer["first name"]` is `['customer', 'first name']`. */
export type JsonPath = string[];

/**
 * What an expression asks for, when this reader can answer it without n8n's evaluator:
 * - `value`: the expression is exactly `={{ $json.path }}`, and n8n returns the value itself;
 * - `text`: a template of literal text and `{{ $json.path }}` segments, and n8n returns one string.
 */
export type ExpressionPlan = { value: JsonPath } | { text: Array<string | JsonPath> };

/** Given by a read that cannot be answered here with certainty: n8n then evaluates the expression. */
const UNREADABLE = Symbol('unreadable');
const MISSING = Symbol('missing');

// The tokens of a `$json` path as users type it: `.name`, `["a b"]`, `['a']`, `[0]`, with spaces and new lines
// between them. Sticky: each is tried exactly where the previous one ended.
const SPACE = /[ \t\r\n]*/y;
const ROOT = /\$json(?![\w$])/y;
const STEP = /\.[ \t\r\n]*([A-Za-z_$][\w$]*)|\[[ \t\r\n]*(?:(0|[1-9]\d{0,8})|"([^"\r\n\u2028\u2029]*)"|'([^'\r\n\u2028\u2029]*)')[ \t\r\n]*\]/y;
// n8n refuses an expression with `.constructor` anywhere in it, text included (n8n-workflow expression.js).
const CONSTRUCTOR = /\.\s*constructor/;
const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

function skip(pattern: RegExp, code: string, at: number): number {
	pattern.lastIndex = at;
	return pattern.test(code) ? pattern.lastIndex : -1;
}

/** The path of a `{{ … }}` segment that is one `$json` property path and nothing else, else undefined. */
function pathOf(code: string): JsonPath | undefined {
	let at = skip(ROOT, code, skip(SPACE, code, 0));
	if (at < 0) return undefined;
	const path: JsonPath = [];
	for (;;) {
		at = skip(SPACE, code, at);
		STEP.lastIndex = at;
		const step = STEP.exec(code);
		if (!step) break;
		path.push(step[1] ?? step[2] ?? step[3] ?? step[4]);
		at = STEP.lastIndex;
	}
	return at === code.length && path.length > 0 ? path : undefined;
}

/**
 * Splits a parameter's expression the way n8n's template engine does (@n8n/tournament: text up to `{{`, code up to
 * the next `}}`) and returns the plan when every code segment is a `$json` path; undefined means "n8n evaluates it".
 * A backslash anywhere (the splitter's escape character) and text without any segment are left to n8n.
 */
export function planOf(expression: string): ExpressionPlan | undefined {
	if (!expression.startsWith('=') || expression.includes('\\') || CONSTRUCTOR.test(expression)) return undefined;
	const parts: Array<string | JsonPath> = [];
	let at = 1;
	while (at < expression.length) {
		const open = expression.indexOf('{{', at);
		if (open < 0) {
			parts.push(expression.slice(at));
			break;
		}
		if (open > at) parts.push(expression.slice(at, open));
		const close = expression.indexOf('}}', open + 2);
		const path = close < 0 ? undefined : pathOf(expression.slice(open + 2, close));
		if (!path) return undefined;
		parts.push(path);
		at = close + 2;
	}
	if (!parts.some((part) => typeof part !== 'string')) return undefined;
	const [only] = parts;
	return parts.length === 1 && typeof only !== 'string' ? { value: only } : { text: parts };
}

/** An object both of n8n's engines read the same way, key by key: plain JSON, not a Date or a class instance. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
	if (!isObject(value)) return false;
	const prototype = Object.getPrototypeOf(value) as unknown;
	return prototype === Object.prototype || prototype === null;
}

/**
 * Keys read here. Not the names of `Object.prototype` (n8n's `vm` engine answers those from the prototype, its
 * legacy engine from the item: the two disagree), names starting with `__` (n8n's reserved `___n8n_data`,
 * `__sanitize`), or what n8n's sandbox refuses.
 */
function isReadableKey(key: string): boolean {
	return !(key in Object.prototype) && !key.startsWith('__') && isSafeObjectProperty(key);
}

/** One step of a path as n8n reads it: MISSING for an absent key or index, UNREADABLE where unsure. */
function child(current: unknown, key: string): unknown {
	if (Array.isArray(current)) {
		if (!ARRAY_INDEX.test(key)) return UNREADABLE;
		return Number(key) < current.length ? current[Number(key)] : MISSING;
	}
	if (!isPlainObject(current) || !isReadableKey(key)) return UNREADABLE;
	return Object.prototype.hasOwnProperty.call(current, key) ? current[key] : MISSING;
}

/** Reads a path from an item's JSON; an absent last key gives `missing`, an absent key before it UNREADABLE. */
function lookup(json: unknown, path: JsonPath, missing: unknown): unknown {
	let current = json;
	for (let k = 0; k < path.length; k++) {
		current = child(current, path[k]);
		if (current === MISSING) return k === path.length - 1 ? missing : UNREADABLE;
		if (current === UNREADABLE) return UNREADABLE;
	}
	return current;
}

function isPlainData(value: unknown, depth = 0): boolean {
	if (value === null) return true;
	if (typeof value !== 'object') return ['string', 'number', 'boolean', 'undefined'].includes(typeof value);
	if (depth > 20) return false;
	if (Array.isArray(value)) return value.every((entry) => isPlainData(entry, depth + 1));
	return isPlainObject(value) && Object.values(value).every((entry) => isPlainData(entry, depth + 1));
}

/** `={{ $json.path }}`: the value itself, when it is plain JSON (a Date or a Luxon DateTime is left to n8n). */
function valueAt(json: unknown, path: JsonPath): unknown {
	const value = lookup(json, path, UNREADABLE);
	return isPlainData(value) ? value : UNREADABLE;
}

/**
 * JavaScript's String(value) for plain data, where both engines give the same text: arrays joined by commas with
 * null and undefined as empty (Array.prototype.toString), objects `[object Object]`. Anything else is UNREADABLE:
 * an object with its own `toString`, an array with holes or extra keys, a Date, a DateTime.
 */
function stringified(value: unknown, depth: number): string | typeof UNREADABLE {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (depth > 20) return UNREADABLE;
	if (Array.isArray(value)) {
		if (Object.keys(value).length !== value.length) return UNREADABLE;
		const entries: string[] = [];
		for (const entry of value) {
			const text = entry === null || entry === undefined ? '' : stringified(entry, depth + 1);
			if (text === UNREADABLE) return UNREADABLE;
			entries.push(text);
		}
		return entries.join(',');
	}
	const plain = isPlainObject(value) && Object.getPrototypeOf(value) === Object.prototype;
	return plain && !Object.prototype.hasOwnProperty.call(value, 'toString') ? '[object Object]' : UNREADABLE;
}

/**
 * A template segment as n8n writes it into the text: @n8n/tournament renders each segment as
 * `v || v === 0 || v === false ? v : ''` and joins the parts with `[…].join('')`. So null, undefined, '' and NaN
 * are empty; 0 and false are written; the rest is String(v).
 */
function inText(value: unknown): string | typeof UNREADABLE {
	if (value === UNREADABLE) return UNREADABLE;
	if (value === 0 || value === false) return String(value);
	if (!value) return '';
	return stringified(value, 0);
}

/** A template for one item, or UNREADABLE when any segment is. An absent last key renders as n8n's `undefined`. */
function textAt(json: unknown, parts: Array<string | JsonPath>): string | typeof UNREADABLE {
	let text = '';
	for (const part of parts) {
		const rendered = typeof part === 'string' ? part : inText(lookup(json, part, undefined));
		if (rendered === UNREADABLE) return UNREADABLE;
		text += rendered;
	}
	return text;
}

/** The reader of one expression: the plan answered from the item, n8n's evaluator for whatever it cannot answer. */
function expressionReader(items: INodeExecutionData[] | undefined, expression: string, evaluate: ItemReader): ItemReader {
	const plan = items ? planOf(expression) : undefined;
	if (!items || !plan) return evaluate;
	// Each `{{ }}` costs an evaluation per item in n8n's engine (about 0.7 ms in n8n 2.x's isolated-vm engine):
	// reading the item directly gives the same value without it.
	const answer = 'value' in plan ? (json: unknown) => valueAt(json, plan.value) : (json: unknown) => textAt(json, plan.text);
	return (i) => {
		const json = items[i]?.json;
		const value = json === undefined ? UNREADABLE : answer(json);
		return value === UNREADABLE ? evaluate(i) : value;
	};
}

function hasExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(hasExpression);
	if (isObject(value)) return Object.values(value).some(hasExpression);
	return false;
}

function compile(ctx: IExecuteFunctions, items: INodeExecutionData[] | undefined, path: string, raw: unknown): ItemReader {
	if (!hasExpression(raw)) {
		// n8n reads a value without expressions the same for every item: once per execution is enough.
		const value = ctx.getNodeParameter(path, 0);
		return () => value;
	}
	const evaluate: ItemReader = (i) => ctx.getNodeParameter(path, i);
	if (typeof raw === 'string') return expressionReader(items, raw, evaluate);
	if (Array.isArray(raw)) {
		const readers = raw.map((entry, k) => compile(ctx, items, `${path}[${k}]`, entry));
		return (i) => readers.map((read) => read(i));
	}
	if (isObject(raw)) {
		const readers = Object.entries(raw).map(([key, entry]) => [key, compile(ctx, items, `${path}.${key}`, entry)] as const);
		return (i) => {
			const value: Record<string, unknown> = {};
			for (const [key, read] of readers) value[key] = read(i);
			return value;
		};
	}
	return evaluate;
}

/**
 * The items `$json` stands for when n8n evaluates this node's parameters, or undefined when they are not the
 * node's input. In an AI Agent tool call they are not: n8n-core gives the tool's arguments as the input
 * (`makeHandleToolInvocation` → `addInputData(AiTool, [[{ json: toolArgs }]])`) but evaluates parameters against the
 * agent's own input item (the SupplyDataContext's connectionInputData), which no node API exposes. There every
 * expression goes to n8n.
 */
function itemsOfJson(ctx: IExecuteFunctions): INodeExecutionData[] | undefined {
	return isToolCall(ctx) ? undefined : ctx.getInputData();
}

/**
 * A reader of a node parameter for each item, as `getNodeParameter(name, i, fallback)` would return it, but paying
 * only for what varies: a parameter (or a part of a collection) without expressions is read once, a part that is a
 * `$json` path or a template of text and `$json` paths is read from the item (see planOf), and only other
 * expressions go through n8n's evaluator.
 */
export function parameterReader(ctx: IExecuteFunctions, name: string, fallback: unknown): ItemReader {
	const raw = ctx.getNodeParameter(name, 0, fallback, { rawExpressions: true });
	if (raw === fallback) return () => fallback;
	return compile(ctx, itemsOfJson(ctx), name, raw);
}

/**
 * A field of an item's JSON by name, or by dotted path into nested objects when no field has the whole name
 * (`customer.phone`). Undefined when absent.
 */
export function readField(json: unknown, field: string): unknown {
	if (json === null || typeof json !== 'object') return undefined;
	if (Object.prototype.hasOwnProperty.call(json, field)) return (json as Record<string, unknown>)[field];
	let current: unknown = json;
	for (const step of field.split('.')) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[step];
	}
	return current;
}

/** A reader of a field of each item's JSON (mapped input fields). */
export function fieldReader(items: INodeExecutionData[], field: string): ItemReader {
	return (i) => readField(items[i]?.json, field);
}
