export { KubeTestServer, mergePatch, jsonPatch } from './server';
export type { Faults, Forbid, TestServerOptions, RequestInfo } from './server';
export { Registry, AIO_GROUP, CERT_MANAGER_GROUP } from './registry';
export { parseSeed } from './seed';
export { demoObjects, demoObjectsFor, seedDemoExtras, helmReleaseSecret, listener, service, job, jobPod } from './demo';
