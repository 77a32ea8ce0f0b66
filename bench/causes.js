/**
 * Why a target is missed, by `<vendor>.<list|create>.<requests|time|overhead>`: the analysis of
 * the full run of 2026-11-25 (CPU profiles of the limits-off runs, the governors' settings in
 * nodes/<Vendor>/api.ts), printed beside any miss in docs/benchmarks.md. A miss without an
 * entry is reported as "cause not analysed yet", never hidden.
 */
const AMO_PACING =
	'the governor sends one request every ~154 ms (nodes/AmoCrm/api.ts: a one-request bucket refilled 6.5 times a second, plus the 7-per-second window), below the 7 per second the sandbox allows in bursts, following the vendor advice to stay near 6 a second (amoCRM's recommendations, https://www.amocrm.ru/developers/content/api/recommendations: repeated 429s get the account banned with 403). n requests take (n − 1) / 6.5 s against the floor\'s ⌊(n − 1) / 7⌋ s. Kept on purpose; a 7-request bucket at 7 a second (the window check alone keeps arrivals within 7 per second, counting from answers) would bring it close to the floor (not tried here), for the lead to decide';
const MS_PACING =
	'the governor spreads the 3-second budget evenly (nodes/MoySklad/api.ts: a one-request bucket refilled 11 per 3 s, i.e. one request every ~273 ms) instead of spending the 11 requests a window allows at once; the 10 pages fit one window, so the floor is the network time alone. Even pacing is deliberate (the budget is per user and shared with the user\'s other workflows and apps, and more than 200 answers 429 a minute ban the user, MoySklad's API restrictions, https://dev.moysklad.ru/doc/api/remap/1.2/)';
const PER_REQUEST_HTTP =
	'every request goes through n8n\'s HTTP helper (n8n-core → @n8n/backend-network → axios), which in these runs costs from about 0.5 to 2 ms more per request (varying with the machine\'s load) than the bare keep-alive client of the replay (axios config merging, agent and proxy resolution, connection handling: the largest items of the CPU profile), and this operation pays it once per item';
const GET_NODE =
	'per item the node reads its parameters through n8n-core (each `getNodeParameter` copies and validates the value), checks them and builds the element of the bulk body; the CPU profile of the limits-off run spreads this over n8n-core\'s parameter handling, object copies and GC with no single hot spot in the node\'s own code (a lazy input-error context, which skips the `getNode()` deep copies, made no measurable difference and was not kept). The figure also carries n8n\'s per-execution start-up spread over the items, and it ranged from about 60 to 370 µs per item for amoCRM over five full runs on this shared machine as the machine\'s other load changed (see the load average)';

exports.CAUSES = {
	'amocrm.list.time': AMO_PACING,
	'amocrm.create.time': `${AMO_PACING}. The node's own processing (overhead row) adds to it`,
	'amocrm.create.overhead': `${GET_NODE}; the 4 read-backs of the created tasks add their mapping`,
	'moysklad.list.time': `${MS_PACING}: 9 gaps of ~273 ms = 2.5 s on top of the network time of the pages`,
	'moysklad.create.time':
		'the floor is one POST with no rate wait, i.e. the network time; the execution adds n8n\'s per-execution start-up (credential resolution, first request) and the per-item work of 1,000 items, see the overhead row (the create\'s text is an expression per item in this run; n8n\'s expression engine costs roughly 0.1–0.3 ms per expression and item here)',
	'moysklad.create.overhead': GET_NODE,
	'pyrus.list.time':
		'the floor is two requests with no rate wait (the network time); the execution adds n8n\'s per-execution start-up, the token request through the credential\'s preAuthentication, and the output of 10,000 items (overhead row)',
	'pyrus.create.time':
		'Pyrus has no bulk create, so 1,000 POSTs, five at a time (the in-flight cap); the 10-minute budget allows them all at once, so the floor is the bare client\'s network time for the same requests, and each POST through n8n\'s HTTP helper costs more than through the bare client (overhead row)',
	'pyrus.create.overhead': `${PER_REQUEST_HTTP} (one POST per task)`,
	'bitrix24.list.requests':
		'Return All starts with a batch of 2 list pages and doubles it (2, 4, 8, 16, 32, then 50 pages a batch: nodes/Bitrix24/list.ts FIRST_RETURN_ALL_PAGES), so that a short list does not run 50 chained commands whose references are missing (each nested command costs operating time, https://apidocs.bitrix24.com/settings/performance/limits.html); 10,000 tasks take 8 batch calls instead of 5. Starting at 50 pages would reach the floor for large lists at that cost for small ones; kept',
	'bitrix24.list.time':
		'all 8 calls fit the leaky bucket\'s burst, so the floor is the network time (of the node\'s own 8 calls); the execution adds n8n\'s per-execution start-up and the output of 10,000 items (overhead row)',
	'bitrix24.list.overhead':
		'per task the node turns the answer row into an output item (with the default options) and n8n\'s engine stores 10,000 output items; the figure was 27–58 µs in successive runs on this shared machine, so it sits at the target and a miss here is mostly the machine\'s other load',
	'amocrm.list.overhead':
		'per task the node turns the HAL row into an output item (with the default options) and n8n\'s engine stores 10,000 output items; 15–33 µs in successive runs on this shared machine, so a miss here is mostly the machine\'s other load',
	'bitrix24.create.time':
		'the 20 batch calls fit the burst, so the floor is the network time; the execution adds the per-item work of 1,000 items (overhead row; the title is an expression per item in this run)',
	'bitrix24.create.overhead': `${GET_NODE}; each task also becomes a URL-encoded batch command string`,
};
