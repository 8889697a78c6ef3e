/**
 * A stand-in for the store the n8n app gives n8n-core's `DataDeduplicationService` (packages/cli
 * `DeduplicationHelper`, not published): one list of md5 hashes per workflow and context, read, then written back,
 * with a pause between the two as a database round trip has. It keeps that weakness on purpose: two callers that
 * check at the same moment both find a key new, and the later write drops the earlier one's keys, exactly as n8n
 * 2.41's helper does. Only 'entries' mode (the one the node uses).
 */
import { createHash } from 'crypto';
import { DataDeduplicationService } from 'n8n-core';
import type { DeduplicationItemTypes, DeduplicationScope, ICheckProcessedContextData, ICheckProcessedOptions, IDataDeduplicator } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

const hash = (value: DeduplicationItemTypes) => createHash('md5').update(value.toString()).digest('base64');

export class TestDeduplicationStore implements IDataDeduplicator {
	private readonly lists = new Map<string, string[]>();
	/** Every call, in order, for assertions. */
	readonly calls: Array<{ method: string; items: DeduplicationItemTypes[]; list: string; maxEntries?: number }> = [];
	/** Set to make every call fail, as a store without a database does. */
	failure?: Error;

	private listName(scope: DeduplicationScope, contextData: ICheckProcessedContextData): string {
		if (scope === 'node' && !contextData.node) throw new Error("No node information has been provided and so cannot use scope 'node'");
		return `${contextData.workflow.id}/${scope === 'node' ? `n:${contextData.node?.id}` : ''}`;
	}

	private async read(list: string): Promise<string[]> {
		if (this.failure) throw this.failure;
		const stored = [...(this.lists.get(list) ?? [])];
		await sleep(2);
		return stored;
	}

	async checkProcessedAndRecord(items: DeduplicationItemTypes[], scope: DeduplicationScope, contextData: ICheckProcessedContextData, options: ICheckProcessedOptions) {
		const list = this.listName(scope, contextData);
		this.calls.push({ method: 'checkProcessedAndRecord', items, list, maxEntries: options.maxEntries });
		const stored = await this.read(list);
		const known = new Set(stored);
		const result = { new: [] as DeduplicationItemTypes[], processed: [] as DeduplicationItemTypes[] };
		for (const item of items) {
			if (known.has(hash(item))) result.processed.push(item);
			else {
				result.new.push(item);
				stored.push(hash(item));
			}
		}
		if (options.maxEntries) stored.splice(0, stored.length - options.maxEntries);
		this.lists.set(list, stored);
		return result;
	}

	async removeProcessed(items: DeduplicationItemTypes[], scope: DeduplicationScope, contextData: ICheckProcessedContextData) {
		const list = this.listName(scope, contextData);
		this.calls.push({ method: 'removeProcessed', items, list });
		const stored = await this.read(list);
		for (const item of items) {
			const index = stored.indexOf(hash(item));
			if (index !== -1) stored.splice(index, 1);
		}
		this.lists.set(list, stored);
	}

	async clearAllProcessedItems(scope: DeduplicationScope, contextData: ICheckProcessedContextData) {
		this.lists.delete(this.listName(scope, contextData));
	}

	async getProcessedDataCount(scope: DeduplicationScope, contextData: ICheckProcessedContextData) {
		return this.lists.get(this.listName(scope, contextData))?.length ?? 0;
	}

	/** How many keys a list holds. */
	size(list: string): number {
		return this.lists.get(list)?.length ?? 0;
	}

	reset(): void {
		this.lists.clear();
		this.calls.length = 0;
		this.failure = undefined;
	}
}

let installed: TestDeduplicationStore | undefined;

/** Gives n8n-core's deduplication service this store (once per test file: the service allows one init). */
export async function useDeduplicationStore(): Promise<TestDeduplicationStore> {
	if (!installed) {
		installed = new TestDeduplicationStore();
		await DataDeduplicationService.init(installed);
	}
	return installed;
}
