/**
 * The sandbox process of one benchmark scenario (forked by bench/scenario.ts with an IPC
 * channel): see bench/sandboxHost.ts.
 */
require('../scripts/ts-register');
require('./sandboxHost.ts').startHost();
