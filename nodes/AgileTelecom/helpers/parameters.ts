import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { isObject } from './values';

/** A node parameter (or a field of the item) read for one item. */
export type ItemReader = (itemIndex: number) => unknown;

/** Returned by `lookup` when a path cannot be read here with certainty; n8n then evaluates the expression. */
const DELEGATE = Symbol('delegate');

// ={{ $json.a.b }}, ={{ $json["a b"] }}, ={{ $json['a'][0] }}: one property path on the current item, nothing else.
const JSON_PATH_EXPRESSION =
	/^=\{\{\s*\$json((?:\s*\.\s*[A-Za-z_$][\w$]*|\s*\[\s*(?:\d+|"[^"\\\n]*"|'[^'\\\n]*')\s*\])+)\s*\}\}$/;
const PATH_STEP = /\.\s*([A-Za-z_$][\w$]*)|\[\s*(?:(\d+)|"([^"\\\n]*)"|'([^'\\\n]*)')\s*\]/g;

/** The property names of `={{ $json… }}` when the expression is exactly one such path, else undefined. */
export function jsonPathOf(expression: string): string[] | undefined {
	const match = JSON_PATH_EXPRESSION.exec(expression);
	if (!match) return undefined;
	const steps: string[] = [];
	for (const step of match[1].matchAll(PATH_STEP)) steps.push(step[1] ?? step[2] ?? step[3] ?? step[4]);
	return steps;
}

function isPlainData(value: unknown, depth = 0): boolean {
	if (value === null || typeof value !== 'object') return typeof value !== 'function' && typeof value !== 'symbol';
	if (depth > 20) return false;
	if (Array.isArray(value)) return value.every((entry) => isPlainData(entry, depth + 1));
	const prototype = Object.getPrototypeOf(value) as unknown;
	if (prototype !== Object.prototype && prototype !== null) return false;
	return Object.values(value).every((entry) => isPlainData(entry, depth + 1));
}

/**
 * Reads a path from an item's JSON the way the expression would, or says DELEGATE: a missing property, a step
 * through something that is not an object or array, or a value that is not plain JSON (a Date, a Luxon DateTime) is
 * left to n8n, so every answer given here is the one n8n would give.
 */
function lookup(json: unknown, steps: string[]): unknown {
	let current: unknown = json;
	for (const step of steps) {
		if (current === null || typeof current !== 'object') return DELEGATE;
		if (!Object.prototype.hasOwnProperty.call(current, step)) return DELEGATE;
		current = (current as Record<string, unknown>)[step];
	}
	return isPlainData(current) ? current : DELEGATE;
}

function hasExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(hasExpression);
	if (isObject(value)) return Object.values(value).some(hasExpression);
	return false;
}

function compile(ctx: IExecuteFunctions, items: INodeExecutionData[], path: string, raw: unknown): ItemReader {
	if (!hasExpression(raw)) {
		// n8n reads a value without expressions the same for every item: once per execution is enough.
		const value = ctx.getNodeParameter(path, 0);
		return () => value;
	}
	const evaluate: ItemReader = (i) => ctx.getNodeParameter(path, i);
	if (typeof raw === 'string') {
		const steps = jsonPathOf(raw);
		if (!steps) return evaluate;
		// The common `={{ $json.field }}` costs an expression evaluation per item (about 0.7 ms in n8n 2.x's
		// isolated-vm engine): reading the item directly gives the same value without it.
		return (i) => {
			const value = lookup(items[i]?.json, steps);
			return value === DELEGATE ? evaluate(i) : value;
		};
	}
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
 * A reader of a node parameter for each item, as `getNodeParameter(name, i, fallback)` would return it, but paying
 * only for what varies: a parameter (or a part of a collection) without expressions is read once, a part that is
 * exactly `={{ $json.path }}` is read from the item, and only other expressions go through n8n's evaluator.
 */
export function parameterReader(ctx: IExecuteFunctions, name: string, fallback: unknown): ItemReader {
	const raw = ctx.getNodeParameter(name, 0, fallback, { rawExpressions: true });
	if (raw === fallback) return () => fallback;
	return compile(ctx, ctx.getInputData(), name, raw);
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
