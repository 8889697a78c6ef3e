// Which expression engine a real n8n used for a run: a Set node whose one expression captures a stack trace.
// `<isolated-vm>` frames: the vm engine (n8n's default since 2.x and in 1.123); @n8n/tournament frames: legacy.
import { nodeOutput } from './runtime.mjs';

export const ENGINE_PROBE = 'Engine probe';

/** The probe node, to place before the measured part of a workflow. */
export function engineProbeNode() {
	return {
		name: ENGINE_PROBE,
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		parameters: {
			mode: 'manual',
			assignments: { assignments: [{ id: 'probe', name: 'stack', value: "={{ new Error('engine probe').stack }}", type: 'string' }] },
			options: {},
		},
	};
}

/** 'vm', 'legacy' or why it is unknown, from a run's JSON. */
export function engineOf(run) {
	const stack = nodeOutput(run, ENGINE_PROBE)?.[0]?.stack;
	if (typeof stack !== 'string') return 'unknown (the probe produced nothing)';
	if (stack.includes('<isolated-vm>')) return 'vm';
	if (stack.includes('tournament')) return 'legacy';
	return `unknown: ${stack.split('\n').slice(0, 2).join(' | ')}`;
}
