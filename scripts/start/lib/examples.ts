/** The example workflows in examples/, with their credentials bound to this n8n's credentials. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { CredentialSummary, WorkflowData } from './client';

export interface Example {
	file: string;
	workflow: WorkflowData;
	/** Credential types its nodes need. */
	credentialTypes: string[];
}

export function loadExamples(examplesDir: string): Example[] {
	return readdirSync(examplesDir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => {
			const workflow = JSON.parse(readFileSync(join(examplesDir, file), 'utf8')) as WorkflowData;
			const types = new Set(workflow.nodes.flatMap((node) => Object.keys(node.credentials ?? {})));
			return { file, workflow, credentialTypes: [...types] };
		});
}

/** The workflow with each node's credentials replaced by the credential of that type. */
export function bindCredentials(example: Example, byType: Map<string, CredentialSummary>): WorkflowData {
	return {
		...example.workflow,
		nodes: example.workflow.nodes.map((node) => {
			if (!node.credentials) return node;
			const credentials: NonNullable<typeof node.credentials> = {};
			for (const type of Object.keys(node.credentials)) {
				const credential = byType.get(type);
				if (!credential) throw new Error(`${example.file}: no credential of type ${type}`);
				credentials[type] = { id: credential.id, name: credential.name };
			}
			return { ...node, credentials };
		}),
	};
}

/** The node a headless run starts from: the workflow's trigger. */
export function triggerNodeName(workflow: WorkflowData): string {
	const trigger = workflow.nodes.find((node) => /trigger$/i.test(node.type));
	if (!trigger) throw new Error(`workflow "${workflow.name}" has no trigger node`);
	return trigger.name;
}
