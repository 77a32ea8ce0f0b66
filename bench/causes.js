/**
 * Why a target is missed, computed from what the run measured (bench/scenario.ts): the
 * governor's actual pacing (arrival gaps at the sandbox), limit answers, the split of the wall
 * time, the limits-off execution against the bare client's replay, the CPU overhead. The only
 * fixed text is the vendor's documented rules with their sources (bench/vendors.ts `rationale`);
 * every number comes from the run.
 */
const { VENDORS } = require('./vendors.ts');

/** The time target: at most this many times the vendor's time floor. */
const TIME_TARGET = 1.15;

const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const ms = (value) => `${Math.round(value)} ms`;
const us = (value) => `${value.toFixed(1)} µs`;
const requests = (n) => `${n} request${n === 1 ? '' : 's'}`;

/** "2, 4, 8, 16, 32, 50 × 3" from run-length pairs. */
function sequence(runs) {
	return runs.map(([count, times]) => (times > 1 ? `${count} × ${times}` : `${count}`)).join(', ');
}

function unitsText(r) {
	return r.real.units
		.map((u) => `${u.runs.reduce((sum, [, times]) => sum + times, 0)} requests with ${u.unit}: ${sequence(u.runs)} (the vendor allows up to ${u.max})`)
		.join('; ');
}

function requestsCause(r) {
	const parts = [];
	const units = unitsText(r);
	if (units) parts.push(`the sandbox logged ${units}`);
	if (r.real.limitAnswers > 0) parts.push(`${r.real.limitAnswers} answers were limit answers, and ${r.real.afterFirstLimitAnswer} requests followed the first of them`);
	parts.push(`the vendor floor is ${r.floor.how}`);
	const rationale = VENDORS[r.vendor].rationale.requests;
	if (rationale) parts.push(`vendor's rule: ${rationale}`);
	return parts.join('; ');
}

/**
 * Where the limit binds (a rate floor above zero), arrivals slower than it are the governor's
 * pacing; where it does not, the measurement cannot tell the governor's waits from the n8n side's
 * work between requests and the machine's load, and says so.
 */
function slowerArrivals(r) {
	return r.floor.rateMs > 0
		? 'pacing beyond the limit'
		: "arrivals slower than without limits (the governor's waits, the n8n side's work between requests, the machine's load)";
}

/** The wall time split into its measured parts, and which of them exceeds the floor most. */
function timeCause(r) {
	const real = r.real;
	const parts = [];
	const rateText = r.floor.rule;
	if (real.gaps) {
		const rate = real.spanMs > 0 ? ((real.requests - 1) * 1000) / real.spanMs : Infinity;
		parts.push(
			`${real.requests} requests arrived over ${s(real.spanMs)} (first to last), a gap of ${ms(real.gaps.median)} between two in the median (min ${ms(real.gaps.min)}, max ${ms(real.gaps.max)}): ${rate === Infinity ? 'all at once' : `${rate.toFixed(2)} a second`} where the sandbox's limit (${rateText}) sustains ${r.floor.sustainedPerSecond.toFixed(2)} a second and its rate floor for ${r.floor.requests} requests is ${s(r.floor.rateMs)}`,
		);
	}
	parts.push(`${real.limitAnswers} limit answers`);
	parts.push(`start-up (execution start → first request's arrival) ${ms(real.startupMs)}, tail (last arrival → execution end) ${ms(real.tailMs)}`);
	const shares = [];
	if (r.off) {
		const beyondLimitMs = Math.max(0, real.spanMs - Math.max(r.floor.rateMs, r.off.spanMs));
		parts.push(
			`with the limits off the same requests arrive over ${s(r.off.spanMs)}${r.off.gapMedianMs === undefined ? '' : ` (median gap ${ms(r.off.gapMedianMs)})`}, so the real run's arrivals took ${s(beyondLimitMs)} longer than both that and the rate floor`,
		);
		// The real run's create parameters are expressions: compare the limits-off run that has them.
		const offWallMs = r.off.wallWithExpressionsMs ?? r.off.wallMs;
		const nodeMs = Math.max(0, offWallMs - r.off.replayMs);
		parts.push(
			`the limits-off execution${r.off.wallWithExpressionsMs === undefined ? '' : ' (with the expressions)'} takes ${s(offWallMs)} against ${s(r.off.replayMs)} for the bare client's replay of its ${requests(r.off.requests)}: n8n's engine and the node add ${s(nodeMs)}`,
		);
		const restMs = real.wallMs - floorMs(r) - beyondLimitMs - nodeMs;
		if (restMs > 0) shares.push(["what the real run took beyond the limits-off one (the machine's load, run-to-run spread)", restMs]);
		shares.push([slowerArrivals(r), beyondLimitMs], ['the work of n8n and the node', nodeMs]);
	}
	if (!r.off && r.replayOnly && real.requests > 1) {
		const beyondMs = Math.max(0, real.spanMs - Math.max(r.floor.rateMs, r.replayOnly.replayMs));
		parts.push(
			`the bare client's replay of the same ${requests(r.replayOnly.requests)} with the limits off takes ${s(r.replayOnly.replayMs)}, so the real run's arrivals took ${s(beyondMs)} longer than both that and the rate floor`,
		);
		shares.push([slowerArrivals(r), beyondMs]);
	}
	if (!r.off) shares.push(['start-up and tail', real.startupMs + real.tailMs]);
	parts.push(n8nFloorText(r));
	const [largest, largestMs] = shares.sort((a, b) => b[1] - a[1])[0] ?? [];
	if (largest && largestMs > 0) parts.push(`largest part of the ${s(real.wallMs - floorMs(r))} above the floor: ${largest} (${s(largestMs)})`);
	if (largest && largestMs > 0 && largest === slowerArrivals(r) && r.floor.rateMs > 0) parts.push(`vendor's rule the pacing answers to: ${VENDORS[r.vendor].rationale.pacing}`);
	return parts.join('; ');
}

/**
 * n8n's own floor against the vendor floor and the row's time: whether any node in n8n could
 * meet the time target on this row, and how much of the time is the node's own.
 */
function n8nFloorText(r) {
	if (!r.off && !r.replayOnly) return "n8n's own floor was not measured (no limits-off runs)";
	const vendorMs = floorMs(r);
	const n8nMs = n8nFloorMs(r);
	const wallMs = r.off ? r.off.n8nFloor.wallMs : r.replayOnly.n8nFloorMs;
	const limit = TIME_TARGET * vendorMs;
	const above = r.real.wallMs - n8nMs;
	const verdict =
		n8nMs > limit
			? `n8n's own floor alone is ${(n8nMs / vendorMs).toFixed(2)}× the vendor floor (${s(n8nMs)} > ${TIME_TARGET} × ${s(vendorMs)} = ${s(limit)}): no node in n8n can meet the time target on this row`
			: `n8n's own floor is ${(n8nMs / vendorMs).toFixed(2)}× the vendor floor (${s(n8nMs)} ≤ ${TIME_TARGET} × ${s(vendorMs)} = ${s(limit)}), so a node in n8n could meet the target here`;
	return `n8n's own floor (the same workflow and parameters, a stand-in node that reads the same parameters, sends the same requests through n8n's helpers.httpRequest with as many in flight as the node keeps and outputs the vendor's tasks unmapped; no limit) takes ${s(wallMs)}, ${s(n8nMs)} with the rate floor: ${verdict}; the row's ${s(r.real.wallMs)} is ${s(above)} ${above >= 0 ? 'above' : 'below'} n8n's own floor (${Math.round((Math.max(0, above) / r.real.wallMs) * 100)}% of the row's time is the node's own part, pacing and noise included)`;
}

function overheadCause(r) {
	const off = r.off;
	const perItem = off.requests / r.items;
	const parts = [
		`over ${off.runs} runs (${off.overheadUs.values.map((v) => us(v)).join(', ')}) the execution used ${ms(off.execCpuMs.median)} of CPU in the median (${ms(off.execCpuMs.min)}–${ms(off.execCpuMs.max)}) against ${ms(off.replayCpuMs.median)} (${ms(off.replayCpuMs.min)}–${ms(off.replayCpuMs.max)}) for the bare client's replay of the same ${requests(off.requests)}`,
	];
	const expressions = r.operation === 'create' ? ` with the real run's \`={{ … }}\` parameters` : '';
	parts.push(
		`n8n's own floor (the same parameter reads${expressions}, requests through helpers.httpRequest and output items, no node logic) used ${ms(off.n8nFloor.cpuMs.median)} (${ms(off.n8nFloor.cpuMs.min)}–${ms(off.n8nFloor.cpuMs.max)}), ${us(((off.n8nFloor.cpuMs.median - off.replayCpuMs.median) * 1000) / r.items)} per item above the bare client; the execution${expressions} used ${ms(off.execRealParametersCpuMs.median)}, so the node's own part is ${us(off.nodeOwnUs.median)} per item in the median (${us(off.nodeOwnUs.min)}–${us(off.nodeOwnUs.max)})`,
	);
	if (perItem >= 0.5) {
		parts.push(
			`${perItem.toFixed(2)} requests per item, so the cost is mostly per request: the node's path through n8n's HTTP helper costs ${us(((off.execCpuMs.median - off.replayCpuMs.median) * 1000) / off.requests)} more CPU per request than the bare client`,
		);
		const rationale = VENDORS[r.vendor].rationale.requests;
		if (rationale) parts.push(`vendor's rule: ${rationale}`);
	} else {
		parts.push(`${requests(off.requests)} for ${r.items} items, so the cost is per item: n8n's engine and the node (parameters, mapping, output items), not the requests`);
	}
	return parts.join('; ');
}

/** The vendor's time floor: the rate floor or the bare client's replay, whichever is more. */
function floorMs(r) {
	return Math.max(r.floor.rateMs, r.off ? r.off.replayMs : r.replayOnly ? r.replayOnly.replayMs : 0);
}

/** n8n's own time floor: the rate floor or n8n's own floor's wall time, whichever is more. */
function n8nFloorMs(r) {
	return Math.max(r.floor.rateMs, r.off ? r.off.n8nFloor.wallMs : r.replayOnly ? r.replayOnly.n8nFloorMs : 0);
}

module.exports = { requestsCause, timeCause, overheadCause, floorMs, n8nFloorMs, TIME_TARGET };
