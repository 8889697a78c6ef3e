import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { isToolCall } from '../../helpers/tool';
import type { ItemOutcome } from '../outcome';

/** One destination of a send as either operation reports it. */
interface Reported {
	destination: string;
	id: string;
	accepted: boolean | null;
	reason?: string;
	alreadySent?: boolean;
}

function reportedOf(json: IDataObject): Reported[] {
	if (Array.isArray(json.results)) {
		return (json.results as IDataObject[]).map((r) => ({
			destination: String(r.destination),
			id: String(r.id),
			accepted: r.accepted as boolean | null,
			reason: r.accepted === false ? String(r.status) : undefined,
			alreadySent: r.alreadySent === true || json.alreadySent === true,
		}));
	}
	const reasons = Array.isArray(json.reasons) ? (json.reasons as unknown[]).map(String).join('; ') : undefined;
	return [
		{
			destination: String(json.destination),
			id: String(json.messageId),
			accepted: json.accepted as boolean | null,
			reason: json.accepted === false ? reasons || `status ${String(json.statusCode ?? 'unknown')}` : undefined,
			alreadySent: json.alreadySent === true,
		},
	];
}

/**
 * What an AI agent reads of a send: who got what, the ids, what failed and why, in one sentence and four short
 * lists, instead of the whole record (encodings, parts, credit …), which costs tokens and invites misreadings.
 */
export function toolAnswer(json: IDataObject): IDataObject {
	if (json.skipped === true) return { sent: [], summary: `Nothing sent: ${String(json.reason ?? 'skipped')}` };
	const reported = reportedOf(json);
	const earlier = reported.filter((r) => r.alreadySent);
	const now = reported.filter((r) => !r.alreadySent);
	const sent = now.filter((r) => r.accepted === true).map(({ destination, id }) => ({ to: destination, id }));
	const notSent = now.filter((r) => r.accepted === false).map(({ destination, reason }) => ({ to: destination, reason }));
	const unknown = now.filter((r) => r.accepted === null).map(({ destination, id }) => ({ to: destination, id }));
	const alreadySent = earlier.map(({ destination, id }) => ({ to: destination, id }));
	const said: string[] = [];
	if (sent.length) said.push(`Sent to ${sent.map((s) => `${s.to} (message id ${s.id})`).join(', ')}.`);
	if (notSent.length) said.push(`Not sent to ${notSent.map((s) => `${s.to} (${s.reason})`).join(', ')}.`);
	if (unknown.length) {
		said.push(`Outcome unknown for ${unknown.map((s) => `${s.to} (message id ${s.id})`).join(', ')}: it may have been sent, do not send it again.`);
	}
	if (alreadySent.length) {
		said.push(`Already sent in this execution to ${alreadySent.map((s) => `${s.to} (message id ${s.id})`).join(', ')}: nothing was sent again; do not send it again.`);
	}
	const answer: IDataObject = { summary: said.join(' '), sent };
	if (notSent.length) answer.notSent = notSent;
	if (unknown.length) answer.unknown = unknown;
	if (alreadySent.length) answer.alreadySent = alreadySent;
	if (json.simulation === true) answer.simulation = true;
	return answer;
}

/** The outcomes as the agent gets them when the node runs as a tool; unchanged in a workflow. */
export function asToolAnswers(ctx: IExecuteFunctions, outcomes: Array<ItemOutcome | undefined>): Array<ItemOutcome | undefined> {
	if (!isToolCall(ctx)) return outcomes;
	return outcomes.map((outcome) => (outcome && 'json' in outcome ? { ...outcome, json: toolAnswer(outcome.json) } : outcome));
}
