import { NodeOperationError, type IExecuteFunctions, type NodeApiError } from 'n8n-workflow';

import { failsEveryRequest } from '../../transport/errors';
import type { ItemOutcome } from '../outcome';

/**
 * When a run of sends stops starting requests, decided in one place for requests that run concurrently:
 * - a cancel stops the run, even with continue-on-fail (`halt`);
 * - an error that fails every request (a 401, a 403 of the key) fails the rest without sending them;
 * - without continue-on-fail, the first failed item stops new requests (those in flight finish, so what they sent
 *   is on record).
 */
export class SendControl {
	private cancel?: NodeOperationError;
	private fatal?: NodeApiError;
	private itemFailed = false;
	private readonly continueOnFail: boolean;
	readonly signal: AbortSignal | undefined;

	constructor(ctx: IExecuteFunctions) {
		this.continueOnFail = ctx.continueOnFail();
		this.signal = ctx.getExecutionCancelSignal();
	}

	/** Whether no further request (or resend) may start. */
	get stopped(): boolean {
		return this.cancel !== undefined || this.itemFailed;
	}

	/** The error a request about to start fails with unsent, when an earlier one showed that every request fails. */
	get failsEvery(): NodeApiError | undefined {
		return this.fatal;
	}

	/** The cancel that ends the run whatever continue-on-fail says. */
	get halt(): NodeOperationError | undefined {
		return this.cancel;
	}

	/** A whole request failed with this error. */
	requestFailed(error: NodeApiError | NodeOperationError): void {
		if (failsEveryRequest(error)) this.fatal ??= error;
		if (error instanceof NodeOperationError && this.signal?.aborted) this.cancel ??= error;
	}

	/** The execution was cancelled while the node waited. */
	cancelled(error: NodeOperationError): void {
		this.cancel ??= error;
	}

	/** An item's outcome is final. */
	settled(outcome: ItemOutcome): void {
		if ('error' in outcome && !this.continueOnFail) this.itemFailed = true;
	}
}
